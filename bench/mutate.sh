#!/usr/bin/env bash
# mutate.sh: the mutation score of the conformance suite alone (issue 13,
# item 3; docs/benchmarks.md, "Mutation score of the suite").
#
# usage: bench/mutate.sh [-w WORKERS] [-c COEFF] [-o FILE] [-k] [impl-file.go...]
#   impl-file.go...  mutate only these files of impl/ (default: all of them)
#   -w WORKERS  mutants tested at once (default: gremlins' own, one per CPU)
#   -c COEFF    gremlins' timeout coefficient over the coverage run (default its own)
#   -o FILE     also write the survivor table (markdown) to FILE
#   -k          keep the temporary copy (its path is printed) for a look
#   -n          dry run: list the mutants and their coverage, test none
#
# go-gremlins/gremlins (pinned below) mutates impl/ at source level with its
# default operators plus INVERT_LOGICAL and INVERT_LOOPCTRL. It never touches
# this tree: the script copies the module (the files git knows of, as they are
# in the work tree) into a temporary folder, deletes every *_test.go there but
# specs/'s, and runs gremlins in that copy in integration mode. So each mutant
# is judged by `go test ./...` of the copy, which is the conformance suite only
# (specs/: every case, strict, in process against the mutated reference; any
# fail, warn, error or skip fails it), never by impl's own unit tests. Only
# mutants on lines the suite covers are tested (gremlins gathers the
# coverage with -coverpkg=./impl/...). The copy and gremlins' own work
# folders are removed on exit, also when interrupted.
#
# It prints gremlins' counts, the score (killed / (killed + lived); a timed-out
# mutant counts as killed: the suite failed it) and every survivor by
# file:line, mutator, enclosing function and the rules that function (or,
# failing that, its file) names in its comments, each with its level.
# Exit status: 0 when the run completed (survivors or not), 2 on a setup error.
set -euo pipefail

GREMLINS_VERSION=v0.6.0
MUTATORS=(--invert-logical --invert-loopctrl)

workers=""
coeff=""
outfile=""
keep=false
dry=false
while getopts "w:c:o:knh" opt; do
	case $opt in
	w) workers=$OPTARG ;;
	c) coeff=$OPTARG ;;
	o) outfile=$OPTARG ;;
	k) keep=true ;;
	n) dry=true ;;
	h) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ -z $workers || $workers =~ ^[1-9][0-9]*$ ]] || { echo "mutate.sh: -w wants a positive count" >&2; exit 2; }
[[ -z $coeff || $coeff =~ ^[1-9][0-9]*$ ]] || { echo "mutate.sh: -c wants a positive whole number" >&2; exit 2; }

GO=${GO:-go}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/deps.sh
source "$root/bench/deps.sh"
debian_need jq:jq setsid:util-linux

for f in "$@"; do
	[[ $f == */* || $f == *_test.go || $f != *.go || ! -f $root/impl/$f ]] &&
		{ echo "mutate.sh: $f is not a source file of impl/ (give names like redirect.go)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/netconform-mutate.XXXXXX")
gpid="" # gremlins, the leader of its own process group (setsid)
cleanup() {
	if [[ -n $gpid ]] && kill -0 "$gpid" 2>/dev/null; then
		kill -TERM -- "-$gpid" 2>/dev/null || true
		wait "$gpid" 2>/dev/null || true
	fi
	if $keep; then echo "mutate.sh: kept $work" >&2; return; fi
	chmod -R u+w "$work" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# gremlins, outside this module, into a GOBIN of the run's own.
echo "mutate.sh: installing gremlins $GREMLINS_VERSION" >&2
if ! (cd "$work" && GOBIN="$work/bin" GOWORK=off GOFLAGS=-mod=mod "$GO" install "github.com/go-gremlins/gremlins/cmd/gremlins@$GREMLINS_VERSION") >"$work/install.log" 2>&1; then
	cat "$work/install.log" >&2
	echo "mutate.sh: could not install gremlins $GREMLINS_VERSION" >&2
	exit 2
fi

# The module copy: tracked and untracked-but-not-ignored files, as they are now.
mod="$work/mod"
mkdir -p "$mod"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [[ -f $f ]] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -C "$mod" -xf -
find "$mod" -name '*_test.go' ! -path "$mod/specs/*" -delete
# Files outside the subset are excluded by path (gremlins matches regexps
# against paths relative to impl/, where it runs).
excl=()
if (($#)); then
	for f in "$mod"/impl/*.go; do
		b=$(basename "$f")
		[[ $b == *_test.go ]] && continue
		keepit=false
		for want in "$@"; do [[ $b == "$want" ]] && keepit=true; done
		$keepit || excl+=(-E "^${b//./\\.}\$")
	done
fi

args=(unleash impl --integration --coverpkg ./impl/... "${MUTATORS[@]}" -o "$work/result.json" "${excl[@]}")
[[ -n $workers ]] && args+=(--workers "$workers")
[[ -n $coeff ]] && args+=(--timeout-coefficient "$coeff")
$dry && args+=(--dry-run)
start=$(date +%s)
# gremlins runs in its own process group, so that an interrupted run ends it
# and every go test and suite process under it before the copy is removed.
(cd "$mod" && TMPDIR="$work" exec setsid "$work/bin/gremlins" "${args[@]}") >"$work/gremlins.log" 2>&1 &
gpid=$!
tail -n +1 -f --pid="$gpid" "$work/gremlins.log" |
	grep --line-buffered -E '^(Gathering|Executing|Mutation testing|Killed|Timed out|Not covered|Test efficacy|Mutator coverage|\s+(LIVED|TIMED OUT|NOT VIABLE))' &
# Waiting with the builtin keeps the traps live (a foreground pipeline
# would hold a TERM until it ends).
tpid=$!
wait "$gpid" || true
gpid=""
wait "$tpid" || true
elapsed=$(($(date +%s) - start))
[[ -s $work/result.json ]] || { tail -20 "$work/gremlins.log" >&2; echo "mutate.sh: gremlins wrote no result" >&2; exit 2; }

# rules FILE LINE: the rule IDs named in the comments and code of the
# top-level declaration around LINE (its doc comment included), else in FILE.
ids='\b(E1[0-6]|E[1-9]|F[1-9]|R[1-6]|T[1-3]|D[1-6]|C[1-4]|U[12]|B[1-3]|S[12])\b'
rules() {
	local file=$1 line=$2 found
	found=$(awk -v L="$line" '
		NR <= L && /^(func|var|const|type) / { start = NR; doc = NR; for (i = NR - 1; i in text && text[i] ~ /^\/\//; i--) doc = i }
		{ text[NR] = $0 }
		NR > L && start && /^[})]/ { end = NR; exit }
		END { if (!end) end = NR; for (i = doc; i <= end; i++) print text[i] }' "$file" | grep -oE "$ids" | sort -uV | paste -sd, -)
	if [[ -z $found ]]; then
		found="($(grep -v '^package' "$file" | grep -oE "$ids" | sort -uV | paste -sd, -) in file)"
	fi
	echo "$found"
}
# levels: "E1 must" per rule of the catalogue, so that each rule is shown with
# its level (a strict run fails must and should cases only: code of info
# rules alone is recorded as info verdicts, never killed).
levels=$(awk '/^  - id: /{id=$3} /^    level: /{if(id){print id, $2; id=""}}' "$root/harness/catalog/requirements.yaml")
withlevels() {
	local out="" r lvl
	for r in $(echo "$1" | grep -oE "$ids"); do
		lvl=$(awk -v r="$r" '$1 == r { print $2 }' <<<"$levels")
		out+="${out:+,}$r ${lvl:-?}"
	done
	[[ $1 == *"in file"* ]] && out="($out; in file)"
	echo "$out"
}
# funcname FILE LINE: the enclosing top-level function, with its receiver.
funcname() {
	awk -v L="$2" 'NR > L { exit } /^func / { f = $0 } END { print f }' "$1" |
		sed -E 's/^func \([A-Za-z0-9_]* *\*?([A-Za-z0-9_]+)(\[[^]]*\])?\) *([A-Za-z0-9_]+).*/\1.\3/; s/^func ([A-Za-z0-9_]+).*/\1/'
}

count() { jq --arg s "$1" '[.files[].mutations[] | select(.status == $s)] | length' "$work/result.json"; }
killed=$(count KILLED) lived=$(count LIVED) timedout=$(count "TIMED OUT")
notviable=$(count "NOT VIABLE") notcovered=$(count "NOT COVERED") runnable=$(count RUNNABLE)
dryrun=""
((runnable)) && dryrun=", $runnable runnable (dry run)"
total=$(jq '[.files[].mutations[]] | length' "$work/result.json")
tested=$((killed + timedout + lived))
score="n/a"
((tested)) && score=$(awk -v k=$((killed + timedout)) -v t=$tested 'BEGIN { printf "%.1f %%", 100 * k / t }')
echo
echo "mutants: $total found, $notcovered not covered by the suite, $notviable not viable$dryrun,"
echo "         $tested tested: $killed killed, $timedout timed out, $lived lived"
echo "score (killed incl. timed out / tested): $score; wall time ${elapsed}s${workers:+, $workers workers}"
((tested)) && echo "per tested mutant: $(awk -v e="$elapsed" -v t=$tested 'BEGIN { printf "%.1f", e / t }') s of wall time"

echo
echo "survivors (file:line:col, mutator, function, rules):"
{
	echo "| where | mutator | function | rules |"
	echo "| --- | --- | --- | --- |"
	jq -r '.files[] | .file_name as $f | .mutations[] | select(.status == "LIVED") | ["impl/" + $f, .line, .column, .type] | @tsv' "$work/result.json" |
		sort -t$'\t' -k1,1 -k2,2n | while IFS=$'\t' read -r f line col typ; do
		echo "| $f:$line:$col | $typ | $(funcname "$mod/$f" "$line") | $(withlevels "$(rules "$mod/$f" "$line")") |"
	done
} >"$work/survivors.md"
sed -n '3,$p' "$work/survivors.md" | sed 's/^| //; s/ |$//; s/ | /  /g' | column -t -s $'\t' || true
[[ -z $outfile ]] || cp "$work/survivors.md" "$outfile"
