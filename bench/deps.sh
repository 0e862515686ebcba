# deps.sh: sourced by the bench scripts. debian_need CMD:PACKAGE... makes sure
# each command exists, installing its Debian package when it is missing and
# apt-get can be used (as root, or through sudo without a password); else it
# says which package to install and exits 2.
debian_need() {
	local pair cmd pkg missing=()
	for pair in "$@"; do
		cmd=${pair%%:*} pkg=${pair#*:}
		if [[ $cmd == /* ]]; then [[ -x $cmd ]] && continue; else command -v "$cmd" >/dev/null && continue; fi
		missing+=("$pkg")
	done
	((${#missing[@]})) || return 0
	local sudo=()
	if ((EUID != 0)); then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=(false); fi
	fi
	if command -v apt-get >/dev/null && [[ ${sudo[0]:-} != false ]]; then
		echo "$(basename "$0"): installing ${missing[*]} (Debian packages)" >&2
		"${sudo[@]}" apt-get update -qq >&2 && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2 && return 0
	fi
	echo "$(basename "$0"): needs ${missing[*]} (apt-get install ${missing[*]})" >&2
	exit 2
}
