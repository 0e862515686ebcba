#!/usr/bin/env bash
# fuzz.sh: the fuzzing run of issue 7. Runs every fuzz target of the repo for
# FUZZTIME each (default 30s), one after another, and prints one summary line
# per target: its total executions, executions per second and new corpus
# entries. A target that fails (a crasher) stops nothing: the rest still run,
# and the script exits 1 at the end. Go writes each crasher to
# <package>/testdata/fuzz/<Target>/<hash>; commit it with the fix, and plain
# `go test` replays it from then on as a regression test.
#
# usage: bench/fuzz.sh [Target...]     (default: every target below)
# env:   FUZZTIME (default 30s), FUZZFLAGS (extra go test flags, e.g. -parallel=1),
#        GO (default go)
set -euo pipefail

cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-30s}
gobin=${GO:-go}

# package and target, one pair a line.
all="./harness/casefile FuzzLoad
./harness/casefile FuzzLoadErrors
./harness/trace FuzzCompile
./harness/driver/proto FuzzDecode
./harness/driver/proto FuzzLineReader
./harness/driver/proto FuzzPeerLines
./mockserver FuzzParseConfig
./mockserver FuzzValidate"

want=" $* "
status=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
printf '%-22s %-24s %6s %12s %10s %s\n' package target result execs execs/s new
while read -r pkg target; do
	if [ $# -gt 0 ] && [[ $want != *" $target "* ]]; then
		continue
	fi
	log=$logdir/$target.log
	# shellcheck disable=SC2086 # FUZZFLAGS is a list of flags
	if "$gobin" test -run "^${target}\$" -fuzz "^${target}\$" -fuzztime "$fuzztime" ${FUZZFLAGS:-} "$pkg" >"$log" 2>&1; then
		result=ok
	else
		result=FAIL
		status=1
	fi
	# The last "fuzz: elapsed: 30s, execs: N (R/sec), new interesting: K (total: T)" line.
	last=$(grep '^fuzz: elapsed:' "$log" | tail -1 || true)
	summary=$(awk -v l="$last" 'BEGIN {
		if (l == "") { print "- - -"; exit }
		split(l, f, /[ ,]+/)   # fuzz: elapsed: 30s execs: N (R/sec) new interesting: K (total: T)
		el = f[3]; secs = 0
		if (match(el, /[0-9]+m/)) { secs += 60 * substr(el, RSTART, RLENGTH - 1) }
		if (match(el, /[0-9.]+s/)) { secs += substr(el, RSTART, RLENGTH - 1) }
		n = f[5]; k = f[9]
		printf "%d %.0f %s", n, (secs > 0 ? n / secs : 0), k
	}')
	read -r execs rate new <<<"$summary"
	printf '%-22s %-24s %6s %12s %10s %s\n' "$pkg" "$target" "$result" "$execs" "$rate" "$new"
	if [ "$result" = FAIL ]; then
		sed 's/^/    /' "$log" | tail -40
	fi
done <<<"$all"
exit "$status"
