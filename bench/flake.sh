#!/usr/bin/env bash
# flake.sh: the flake check of issue 7. Runs the full conformance suite
# against the reference implementation N times in a row (default 30) while a
# CPU hog keeps every core busy, and counts the unexpected results per case.
#
# usage: bench/flake.sh [-n N] [-o DIR] [-j HOGS] [-- extra `netconform run` flags]
#   -n N     runs (default 30, or $FLAKE_RUNS)
#   -o DIR   where each run's reports go (default: a temporary directory,
#            removed at the end unless a run was unexpected)
#   -j HOGS  busy processes (default: one per core, `nproc`); 0 runs unloaded
# Extra flags go to every `netconform run` (e.g. --id 'timeouts.*').
#
# A result is unexpected when its verdict is fail, error or warn: the runs are
# strict (should mismatches fail), as the Ginkgo suite is, so every case must
# pass against the reference. Attempts the runner voided because the host
# stalled its process (harness/runner/stall.go) are counted per run. Exit
# status: 0 when no run had an unexpected result, 1 when one did, 2 on a
# setup error. Needs go (or $GO) and jq.
set -euo pipefail

runs=${FLAKE_RUNS:-30}
out=""
hogs=$(nproc 2>/dev/null || echo 2)
while getopts "n:o:j:h" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	o) out=$OPTARG ;;
	j) hogs=$OPTARG ;;
	h) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift

# shellcheck source=bench/deps.sh
source "$(dirname "$0")/deps.sh"
debian_need jq:jq
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "flake.sh: -n wants a positive count, got $runs" >&2; exit 2; }
[[ $hogs =~ ^[0-9]+$ ]] || { echo "flake.sh: -j wants a count, got $hogs" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/netconform-flake.XXXXXX")
keep=0
if [[ -z $out ]]; then
	out=$work/reports
else
	keep=1
fi
mkdir -p "$out"

hog_pids=()
cleanup() {
	local p
	for p in "${hog_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${hog_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [[ $keep == 0 ]]; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "flake: building netconform"
(cd "$root" && "${GO:-go}" build -o "$work/netconform" ./cmd/netconform)

for ((i = 0; i < hogs; i++)); do
	yes >/dev/null &
	hog_pids+=($!)
done
echo "flake: $runs runs, $hogs CPU hog(s) on $(nproc 2>/dev/null || echo '?') core(s), reports under $out"

tally=$work/unexpected.tsv # run, case id, verdict, reason
: >"$tally"
walls=()
bad_runs=0
void=0 # attempts the runner found stalled by the host and ran again
for ((r = 1; r <= runs; r++)); do
	dir=$out/run-$r
	t0=$(date +%s.%N)
	code=0
	"$work/netconform" run --strict --out "$dir" "$@" >"$dir.log" 2>&1 || code=$?
	t1=$(date +%s.%N)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
	walls+=("$wall")
	if [[ ! -f $dir/report.json ]]; then
		echo "flake: run $r wrote no report (exit $code); see $dir.log" >&2
		keep=1
		exit 2
	fi
	n=$(jq -r --arg r "$r" '.cases[] | select(.verdict == "fail" or .verdict == "error" or .verdict == "warn")
		| [$r, .id, .verdict, (.reason // "" | gsub("[\t\n]"; " "))] | @tsv' "$dir/report.json" | tee -a "$tally" | wc -l)
	total=$(jq '.cases | length' "$dir/report.json")
	v=$(jq '[.cases[].logs[]? | select(contains("the host stalled"))] | length' "$dir/report.json")
	void=$((void + v))
	if ((n > 0 || code != 0)); then
		bad_runs=$((bad_runs + 1))
	fi
	printf 'flake: run %d/%d: %d cases, %d unexpected, %d void attempt(s), exit %d, %.1fs\n' "$r" "$runs" "$total" "$n" "$v" "$code" "$wall"
done

unexpected=$(wc -l <"$tally")
stats=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1; s+=$1} END {printf "min %.1fs, median %.1fs, mean %.1fs, max %.1fs", a[1], a[int((NR+1)/2)], s/NR, a[NR]}')
echo
echo "flake: $runs runs, $unexpected unexpected result(s) in $bad_runs run(s), $void attempt(s) void (host stall) and re-run; wall time per run: $stats"
if ((unexpected > 0)); then
	keep=1
	echo "flake: unexpected results per case (count, case, verdicts, first reason):"
	sort -t$'\t' -k2,2 -k1,1n "$tally" | awk -F'\t' '
		{ n[$2]++; v[$2] = v[$2] (v[$2] == "" ? "" : ",") $3 "@" $1; if (!($2 in why)) why[$2] = $4 }
		END { for (c in n) printf "%5d  %s  [%s]  %s\n", n[c], c, v[c], why[c] }' | sort -k1,1nr -k2
	echo "flake: reports kept under $out (tally: $tally)"
	exit 1
fi
if ((bad_runs > 0)); then
	keep=1
	echo "flake: $bad_runs run(s) exited non-zero; logs under $out" >&2
	exit 1
fi
