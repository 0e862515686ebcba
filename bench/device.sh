# device.sh: the device section of bench/run.sh (sourced by it; issue 12,
# docs/benchmarks.md "Device run"). The whole suite at time scale 1, as a
# phone runs it, each run with a CA made once that both sides trust
# (--ca-cert/--ca-key; the host's engine trusts it through NC_CA_FILE, as a
# device does once it is installed), so every case is judged:
#   device  the Solar2D app (drivers/solar2d/main.lua) under plain Lua
#           (drivers/lua/solar2d_host.lua, its files in its own folder)
#           against `netconform run --driver remote`, $DEVICE_SESSIONS
#           sessions at once (default 16, the app's settings.sessions);
#   exec    the Lua stdio driver (network_luasocket, its folders on its own
#           side) through the exec driver, $DEVICE_SESSIONS sessions in one
#           process (--sessions);
# ROUNDS times each, alternating, then the device once serially (one
# session, --parallel 1: about 9 minutes; DEVICE_SERIAL=0 skips it). Each
# figure is the process wall time over the run's slowest case (goal <= 1.5
# for the device), and every round's verdicts are compared with the serial
# run's. DEVICE_FLAGS adds `netconform run` flags to every run (say
# "--id events.*" for a quick look). Needs lua5.1 with lua-socket, lua-sec
# and lua-cjson.

# device_run NAME SESSIONS PARALLEL: one device run into $work/NAME
# (PARALLEL 0: as many cases at once as the app has sessions); sets $wall
# (seconds).
device_run() {
	local name=$1 sessions=$2 parallel=$3 out="$work/$1" docs url="" i t0 pid
	docs=$(mktemp -d "$work/docs.XXXXXX")
	t0=$(now)
	local par=()
	[[ $parallel == 0 ]] || par=(--parallel "$parallel")
	"$work/netconform" run --driver remote "${par[@]}" --out "$out" "${dflags[@]}" \
		--ca-cert "$work/ca/ca.pem" --ca-key "$work/ca/ca-key.pem" >"$out.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		url=$(sed -n 's/.*waiting up to .* for a device at \(http[^ ]*\).*/\1/p' "$out.log" | head -1)
		[[ -z $url ]] || break
		sleep 0.05
	done
	[[ -n $url ]] || { kill "$pid"; echo "run.sh: the device run did not start: $(cat "$out.log")" >&2; exit 2; }
	(cd "$root/drivers/lua" && NC_CA_FILE="$work/ca/ca.pem" lua5.1 solar2d_host.lua "$url" "$docs" "$sessions") >"$out.host.log" 2>&1 &
	local host=$!
	wait "$pid" || note "$name: unexpected results: $(tail -2 "$out.log" | head -1)"
	wall=$(sub "$t0" "$(now)")
	wait "$host" || note "$name: the app host exited with $? (see $out.host.log)"
	rm -rf "$docs"
}

# exec_run NAME SESSIONS: one run of the Lua stdio driver into $work/NAME;
# sets $wall.
exec_run() {
	local name=$1 sessions=$2 out="$work/$1" t0
	t0=$(now)
	(cd "$root/drivers/lua" && "$work/netconform" run --driver exec --time-scale 1 --parallel "$sessions" --out "$out" "${dflags[@]}" \
		--ca-cert "$work/ca/ca.pem" --ca-key "$work/ca/ca-key.pem" \
		-- lua5.1 stdio_driver.lua --sessions="$sessions" --files network_luasocket) >"$out.log" 2>&1 ||
		note "$name: unexpected results: $(tail -2 "$out.log" | head -1)"
	wall=$(sub "$t0" "$(now)")
}

# slowest NAME: the slowest case's seconds in NAME's report.
slowest() { jq '[.cases[].durationMs] | max / 1000' "$work/$1/report.json" | xargs printf '%.3f'; }

# verdicts NAME: "id verdict" lines of NAME's report, sorted.
verdicts() { jq -r '.cases[] | "\(.id) \(.verdict)"' "$work/$1/report.json" | sort; }

# nonpass NAME: the fail and error count of NAME's report.
nonpass() { jq '[.cases[] | select(.verdict == "fail" or .verdict == "error")] | length' "$work/$1/report.json"; }

device() {
	debian_need lua5.1:lua5.1
	lua5.1 -e 'require("socket"); require("ssl"); require("cjson")' 2>/dev/null ||
		{ echo "run.sh: device needs lua-socket, lua-sec and lua-cjson (apt-get install lua-socket lua-sec lua-cjson)" >&2; exit 2; }
	local n=${rounds:-3} s=${DEVICE_SESSIONS:-16} r wall
	read -ra dflags <<<"${DEVICE_FLAGS:-}"
	"$work/netconform" ca "$work/ca" >/dev/null
	local dr=() er=() dw=() ew=() ds=() es=() bad=0 np=0 enp=0
	for ((r = 1; r <= n; r++)); do
		device_run "device$r" "$s" 0
		dw+=("$wall") ds+=("$(slowest "device$r")") dr+=("$(div "$wall" "$(slowest "device$r")")")
		np=$((np + $(nonpass "device$r")))
		note "device run $r: ${wall}s, slowest case $(slowest "device$r")s, $(tail -1 "$work/device$r.log")"
		exec_run "exec$r" "$s"
		ew+=("$wall") es+=("$(slowest "exec$r")") er+=("$(div "$wall" "$(slowest "exec$r")")")
		enp=$((enp + $(nonpass "exec$r")))
		note "exec run $r: ${wall}s, slowest case $(slowest "exec$r")s, $(tail -1 "$work/exec$r.log")"
	done
	local mr
	mr=$(printf '%s\n' "${dr[@]}" | median)
	row "device: Solar2D app under solar2d_host, $s sessions, scale 1, process wall (median of $n)" "$(printf '%s\n' "${dw[@]}" | median) s" "" ""
	row "device: slowest case (median)" "$(printf '%s\n' "${ds[@]}" | median) s" "" ""
	row "device: process wall / slowest case (median of per-run ratios)" "$mr" "<= 1.5" "$(goal "$mr" "<=" 1.5)"
	row "device: fail and error verdicts with a trusted CA (all $n runs)" "$np" "0" "$(goal "$np" "<=" 0)"
	mr=$(printf '%s\n' "${er[@]}" | median)
	row "exec: Lua stdio driver, $s sessions in one process, scale 1, process wall (median of $n)" "$(printf '%s\n' "${ew[@]}" | median) s" "" ""
	row "exec: process wall / slowest case (median of per-run ratios)" "$mr" "" ""
	row "exec: fail and error verdicts, folders on the driver's side (all $n runs)" "$enp" "0" "$(goal "$enp" "<=" 0)"
	if [[ ${DEVICE_SERIAL:-1} != 0 ]]; then
		note "device, serial (one session, --parallel 1): about 9 minutes"
		device_run serial 1 1
		row "device: serial run (1 session), process wall" "$wall s" "" ""
		row "device: serial process wall / slowest case" "$(div "$wall" "$(slowest serial)")" "" ""
		verdicts serial >"$work/serial.v"
		for ((r = 1; r <= n; r++)); do
			local d
			d=$(verdicts "device$r" | diff - "$work/serial.v" | grep -c '^<' || true)
			((d == 0)) || note "device run $r: verdicts that differ from the serial run's: $(verdicts "device$r" | diff - "$work/serial.v" | grep '^[<>]' | tr '\n' ' ')"
			bad=$((bad + d))
		done
		row "device: verdicts that differ from the serial run ($n runs)" "$bad" "0" "$(goal "$bad" "<=" 0)"
	fi
}
