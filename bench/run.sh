#!/usr/bin/env bash
# run.sh: the performance figures of issue 7 (docs/benchmarks.md), measured
# in one run on this machine, and printed as one table at the end.
#
# usage: bench/run.sh [-r ROUNDS] [-d SECONDS] [-o FILE] [section...]
#   sections (default: all but fuzz, in this order):
#     suite  `netconform run` wall time / its slowest case's wall time (goal <= 1.3)
#     xfer   1 GiB download to a file and upload from a file through the
#            reference vs curl, same static server (goal >= 0.9, RSS < 64 MiB)
#     rps    wrk requests/s: `netconform serve --config bench/static.yaml`
#            vs bench/cmd/bare (goal >= 0.85) and vs go-httpbin (goal >= 1.2)
#     go     Go benchmarks: harness overhead per trivial case (goal < 1 ms),
#            mockserver static route vs bare net/http, the others' figures
#            (impl transfers, mockserver upload, reports render, proto)
#     fuzz   bench/fuzz.sh with FUZZTIME (default 30s) per target: 4+ minutes
#     device the whole suite at scale 1 through the Solar2D app under plain
#            Lua (remote driver) and the Lua stdio driver (exec), wall time /
#            slowest case (goal <= 1.5), beside a serial device run, verdicts
#            compared (bench/device.sh; DEVICE_SESSIONS, DEVICE_SERIAL=0): 15+ minutes
#   -r ROUNDS   pairs per ratio (default 5; 3 for the Go benchmarks):
#               the two sides of a ratio alternate A, B, A, B... and the
#               table shows medians, so a load spike hits both sides
#   -d SECONDS  wrk duration per measurement (default 5)
#   -o FILE     also write the table (markdown) to FILE
# Needs go (or $GO), curl, jq, wrk and GNU time (/usr/bin/time); on Debian:
# apt-get install wrk curl jq time. go-httpbin is installed with `go install`
# into a temporary GOBIN (pinned version below); without network the
# go-httpbin ratio is skipped. Loopback only. Exit status: 0 when every goal
# is met, 1 when one is missed, 2 on a setup error.
set -euo pipefail

rounds=""
dur=5
outfile=""
while getopts "r:d:o:h" opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	d) dur=$OPTARG ;;
	o) outfile=$OPTARG ;;
	h) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
sections=("$@")
[[ ${#sections[@]} -gt 0 ]] || sections=(suite xfer rps go)
[[ -z $rounds || $rounds =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: -r wants a positive count" >&2; exit 2; }
[[ $dur =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: -d wants whole seconds" >&2; exit 2; }

GO=${GO:-go}
HTTPBIN_VERSION=v2.26.0
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/netconform-bench.XXXXXX")
pids=()
xdirs=() # the transfer files' folders on tmpfs
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work" "${xdirs[@]}" # the 1 GiB files too
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=bench/deps.sh
source "$(dirname "$0")/deps.sh"
# shellcheck source=bench/device.sh
source "$(dirname "$0")/device.sh"
need() {
	local c
	for c in "$@"; do
		case $c in
		wrk | curl | jq) debian_need "$c:$c" ;;
		*) command -v "$c" >/dev/null || { echo "run.sh: $c is required" >&2; exit 2; } ;;
		esac
	done
}
need "$GO" jq curl
debian_need /usr/bin/time:time

rows=() # "figure|value|goal|verdict"; a verdict MISSED fails the run
row() { rows+=("$1|$2|$3|$4"); }
goal() { # goal VALUE OP LIMIT: prints met or MISSED
	if awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { exit !((op == "<=" && v <= l) || (op == ">=" && v >= l) || (op == "<" && v < l)) }'; then
		echo met
	else
		echo MISSED
	fi
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
note() { echo "bench: $*" >&2; }

# start NAME CMD...: runs a server that prints "http: URL" and "ready";
# sets $url to its base URL.
start() {
	local name=$1
	shift
	"$@" >"$work/$name.out" 2>"$work/$name.err" &
	pids+=($!)
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q '^ready' "$work/$name.out" 2>/dev/null && break
		sleep 0.05
	done
	url=$(sed -n 's/^http: //p' "$work/$name.out" | head -1)
	[[ -n $url ]] || { echo "run.sh: $name did not start: $(cat "$work/$name.err")" >&2; exit 2; }
}

note "building into $work (machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/'))"
(cd "$root" && "$GO" build -o "$work/netconform" ./cmd/netconform && "$GO" build -o "$work/" ./bench/cmd/...)

# --- suite: wall time of a whole run over its slowest case ------------------
suite() {
	local n=${rounds:-5} r walls=() slows=() durs=() ratios=()
	for ((r = 1; r <= n; r++)); do
		local t0 t1 wall slow d
		t0=$(now)
		"$work/netconform" run --out "$work/suite" >"$work/suite.log" 2>&1 || { note "suite run $r had unexpected results (see below)"; tail -3 "$work/suite.log" >&2; }
		t1=$(now)
		wall=$(sub "$t0" "$t1" | xargs printf '%.3f')
		slow=$(jq '[.cases[].durationMs] | max / 1000' "$work/suite/report.json" | xargs printf '%.3f')
		d=$(jq '.run.durationMs / 1000' "$work/suite/report.json" | xargs printf '%.3f')
		note "suite run $r: process ${wall}s, run ${d}s, slowest case ${slow}s ($(jq -r '.cases | max_by(.durationMs) | .id' "$work/suite/report.json"))"
		walls+=("$wall") slows+=("$slow") durs+=("$d") ratios+=("$(div "$wall" "$slow")")
	done
	local mw ms md mr
	mw=$(printf '%s\n' "${walls[@]}" | median)
	ms=$(printf '%s\n' "${slows[@]}" | median)
	md=$(printf '%s\n' "${durs[@]}" | median)
	mr=$(printf '%s\n' "${ratios[@]}" | median)
	row "suite: netconform run, process wall time (median of $n)" "${mw} s" "" ""
	row "suite: run's own duration (report.json run.durationMs)" "${md} s" "" ""
	row "suite: slowest case ($(jq -r '.cases | max_by(.durationMs) | .id' "$work/suite/report.json"))" "${ms} s" "" ""
	row "suite: process wall / slowest case (median of per-run ratios)" "$mr" "<= 1.3" "$(goal "$mr" "<=" 1.3)"
}

# --- xfer: 1 GiB through the reference vs curl ------------------------------
xfer() {
	local n=${rounds:-5} size=$((1 << 30)) x=$work where="disk ($(df --output=fstype "$work" | tail -1))"
	# The files go to tmpfs when there is room (the source, curl's copy and
	# the reference's temporary file and copy: 4 GiB at most), so that the
	# clients are measured and not the disk's writeback of the last GiB.
	if [[ $(df --output=fstype /dev/shm 2>/dev/null | tail -1) == tmpfs ]] &&
		(($(df --output=avail -k /dev/shm | tail -1) > 5 * 1024 * 1024)); then
		x=$(mktemp -d /dev/shm/netconform-bench.XXXXXX)
		xdirs+=("$x")
		where=tmpfs
	fi
	mkdir -p "$x/www" "$x/sb/Documents" "$x/curl"
	head -c "$size" /dev/urandom >"$x/www/big.bin"
	cp "$x/www/big.bin" "$x/sb/Documents/up.bin"
	start files "$work/files" -dir "$x/www"
	local files=$url
	local mode m
	for mode in download upload; do
		local r cur=() ref=() rss=() crss=() side
		# An upload from the page cache takes a third of a second, short
		# enough for a burst of other work to decide a round: twice the
		# rounds (minus one, to keep the median a single pair).
		m=$n
		[[ $mode == upload ]] && m=$((2 * n - 1))
		for ((r = 1; r <= m; r++)); do
			# Alternate which side goes first (ABBA...), so that page cache
			# and writeback state favour neither.
			local order=(curl ref)
			((r % 2 == 0)) && order=(ref curl)
			for side in "${order[@]}"; do
				local t0 t1 file=up.bin
				[[ $mode == download ]] && file=down.bin
				t0=$(now)
				if [[ $side == curl && $mode == download ]]; then
					/usr/bin/time -f %M -o "$work/time" curl -sS --fail -o "$x/curl/big.bin" "$files/big.bin"
				elif [[ $side == curl ]]; then
					/usr/bin/time -f %M -o "$work/time" curl -sS --fail -o /dev/null -T "$x/sb/Documents/up.bin" "$files/up.bin"
				else
					/usr/bin/time -f %M -o "$work/time" "$work/xfer" -mode "$mode" -url "$files/big.bin" -sandbox "$x/sb" -file "$file" >"$work/xfer.out"
				fi
				t1=$(now)
				if [[ $side == curl ]]; then
					cur+=("$(div "$size" "$(sub "$t0" "$t1")")") crss+=("$(tail -1 "$work/time")")
				else
					ref+=("$(div "$size" "$(sub "$t0" "$t1")")") rss+=("$(tail -1 "$work/time")")
				fi
				rm -f "$x/curl/big.bin" "$x/sb/Documents/down.bin"
			done
			note "$mode round $r: curl $(div "${cur[-1]}" 1e6) MB/s (${crss[-1]} KiB RSS), reference $(div "${ref[-1]}" 1e6) MB/s (${rss[-1]} KiB RSS)"
		done
		local mc mref ratio peak
		mc=$(printf '%s\n' "${cur[@]}" | median)
		mref=$(printf '%s\n' "${ref[@]}" | median)
		ratio=$(printf '%s\n' "${cur[@]}" | paste - <(printf '%s\n' "${ref[@]}") | awk '{ print $2 / $1 }' | median)
		peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
		row "$mode 1 GiB: curl $( [[ $mode == download ]] && echo '-o file' || echo '-T file'), files on $where (median of $m)" "$(div "$mc" 1e6 | xargs printf '%.0f') MB/s" "" ""
		row "$mode 1 GiB: reference, impl $( [[ $mode == download ]] && echo Download || echo Upload) (median of $m)" "$(div "$mref" 1e6 | xargs printf '%.0f') MB/s" "" ""
		row "$mode 1 GiB: reference / curl (median of paired ratios)" "$(printf '%.3f' "$ratio")" ">= 0.9" "$(goal "$ratio" ">=" 0.9)"
		row "$mode 1 GiB: reference peak RSS (max of $m; curl: $(div "$(printf '%s\n' "${crss[@]}" | sort -n | tail -1)" 1024 | xargs printf '%.1f') MiB)" "$(div "$peak" 1024 | xargs printf '%.1f') MiB" "< 64 MiB" "$(goal "$(div "$peak" 1024)" "<" 64)"
	done
	rm -rf "$x/www" "$x/sb" "$x/curl"
}

# --- rps: wrk against the mock server, a bare handler and go-httpbin --------
# wrk: one thread, 32 keep-alive connections, $dur seconds; the client and
# the server share the 2 cores, the same for every server.
wrkrps() { wrk -t1 -c32 -d"${dur}s" --latency "$1" 2>&1 | awk '/^Requests\/sec/ { print $2 }'; }
rps() {
	local n=${rounds:-5}
	start bare "$work/bare"
	local bare=$url/static
	start serve "$work/netconform" serve --config "$root/bench/static.yaml"
	local serve=$url/static # logs one line per request to $work/serve.out
	start quiet "$work/mock" -config "$root/bench/static.yaml"
	local quiet=$url/static
	local httpbin="" body
	# go-httpbin: outside this module (GOFLAGS, GOWORK off), never vendored.
	if (cd "$work" && GOBIN="$work/bin" GOWORK=off GOFLAGS=-mod=mod "$GO" install "github.com/mccutchen/go-httpbin/v2/cmd/go-httpbin@$HTTPBIN_VERSION") 2>"$work/httpbin-install.log"; then
		local try=0 port i
		# go-httpbin wants a port number: try a few random ones until it serves.
		while [[ -z $httpbin ]] && ((try++ < 5)); do
			port=$((20000 + RANDOM % 20000))
			"$work/bin/go-httpbin" -host 127.0.0.1 -port "$port" >>"$work/httpbin.log" 2>&1 &
			pids+=($!)
			for ((i = 0; i < 100; i++)); do
				if curl -sf -o /dev/null "http://127.0.0.1:$port/status/200"; then
					httpbin="http://127.0.0.1:$port/base64/$(printf 'hello, static route\n' | base64)"
					break
				fi
				kill -0 "${pids[-1]}" 2>/dev/null || break
				sleep 0.05
			done
		done
		[[ -n $httpbin ]] || note "go-httpbin did not start (see $work/httpbin.log): its ratio is skipped"
	else
		note "go-httpbin could not be installed (see $work/httpbin-install.log): its ratio is skipped"
	fi
	for u in "$bare" "$serve" "$quiet" ${httpbin:+"$httpbin"}; do
		body=$(curl -sS --fail "$u")
		[[ $body == "hello, static route" ]] || { echo "run.sh: $u answered \"$body\"" >&2; exit 2; }
		wrk -t1 -c32 -d1s "$u" >/dev/null 2>&1 # warm up (and fill the journal a little)
	done
	# Each round measures every server once, starting one further down the
	# list each time; the ratios are taken within a round.
	local names=(bare serve quiet) urls=("$bare" "$serve" "$quiet")
	if [[ -n $httpbin ]]; then names+=(httpbin) urls+=("$httpbin"); fi
	local k=${#names[@]} r i j v
	declare -A got
	local bs=() ss=() qs=() hs=() rs=() rq=() rh=()
	for ((r = 1; r <= n; r++)); do
		for ((j = 0; j < k; j++)); do
			i=$(((j + r - 1) % k))
			got[${names[i]}]=$(wrkrps "${urls[i]}")
		done
		bs+=("${got[bare]}") ss+=("${got[serve]}") qs+=("${got[quiet]}")
		rs+=("$(div "${got[serve]}" "${got[bare]}")") rq+=("$(div "${got[quiet]}" "${got[bare]}")")
		local msg="rps round $r: bare ${got[bare]}, serve ${got[serve]} (log on), serve without log ${got[quiet]}"
		if [[ -n $httpbin ]]; then
			hs+=("${got[httpbin]}") rh+=("$(div "${got[serve]}" "${got[httpbin]}")")
			msg+=", go-httpbin ${got[httpbin]}"
		fi
		note "$msg"
	done
	local m
	row "rps: bare net/http handler, bench/cmd/bare (median of $n)" "$(printf '%s\n' "${bs[@]}" | median | xargs printf '%.0f') req/s" "" ""
	row "rps: netconform serve, request log on (to a file; the default)" "$(printf '%s\n' "${ss[@]}" | median | xargs printf '%.0f') req/s" "" ""
	row "rps: the same mock server without the request log (bench/cmd/mock)" "$(printf '%s\n' "${qs[@]}" | median | xargs printf '%.0f') req/s" "" ""
	m=$(printf '%s\n' "${rs[@]}" | median)
	row "rps: netconform serve / bare (median of paired ratios)" "$m" ">= 0.85" "$(goal "$m" ">=" 0.85)"
	row "rps: serve without request log / bare" "$(printf '%s\n' "${rq[@]}" | median | xargs printf '%.3f')" "" ""
	if [[ -n $httpbin ]]; then
		row "rps: go-httpbin $HTTPBIN_VERSION GET /base64/<same body> (log on, its default)" "$(printf '%s\n' "${hs[@]}" | median | xargs printf '%.0f') req/s" "" ""
		m=$(printf '%s\n' "${rh[@]}" | median)
		row "rps: netconform serve / go-httpbin (median of paired ratios)" "$m" ">= 1.2" "$(goal "$m" ">=" 1.2)"
	else
		row "rps: netconform serve / go-httpbin" "skipped (not installable)" ">= 1.2" "skipped"
	fi
}

# gobench PKG REGEXP [FLAGS...]: runs Go benchmarks once, output appended to $work/go.txt.
gobench() {
	local pkg=$1 re=$2
	shift 2
	(cd "$root" && "$GO" test -run '^$' -bench "$re" -benchmem "$@" "$pkg") | tee -a "$work/go.txt" | grep -E '^Benchmark' >&2 || true
}
# metric NAME UNIT: the median of a benchmark's metric over the lines in $work/go.txt.
metric() { awk -v n="$1" -v u="$2" '$1 ~ "^"n"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }' "$work/go.txt" | median; }

gobenches() {
	local n=${rounds:-3} r
	: >"$work/go.txt"
	note "go: harness overhead per trivial case"
	gobench ./bench/overhead BenchmarkTrivialCase -benchtime 200x -count "$n"
	local ov
	ov=$(metric BenchmarkTrivialCase overhead-ns/op)
	row "harness: trivial case via runner + inproc (median)" "$(div "$(metric BenchmarkTrivialCase case-ns/op)" 1e6) ms" "" ""
	row "harness: same request straight through impl + same settle wait" "$(div "$(metric BenchmarkTrivialCase direct-ns/op)" 1e6) ms" "" ""
	row "harness: overhead per trivial case (median of paired differences)" "$(div "$ov" 1e6) ms" "< 1 ms" "$(goal "$(div "$ov" 1e6)" "<" 1)"
	note "go: mockserver static route vs bare net/http, alternating"
	(cd "$root" && "$GO" test -c -o "$work/mockserver.test" ./mockserver)
	for ((r = 1; r <= n; r++)); do
		for b in BenchmarkBareNetHTTP BenchmarkStaticRoute; do
			"$work/mockserver.test" -test.run '^$' -test.bench "^$b\$" -test.benchmem -test.benchtime 2s | tee -a "$work/go.txt" | grep -E '^Benchmark' >&2 || true
		done
	done
	# pairs: the i-th BenchmarkBareNetHTTP line with the i-th BenchmarkStaticRoute line.
	pairs() { paste <(awk -v u="$1" '$1 ~ /^BenchmarkBareNetHTTP/ { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }' "$work/go.txt") \
		<(awk -v u="$1" '$1 ~ /^BenchmarkStaticRoute/ { for (i = 3; i < NF; i++) if ($(i+1) == u) print $i }' "$work/go.txt"); }
	row "go: mockserver BenchmarkStaticRoute / BenchmarkBareNetHTTP, req/s (median of $n paired ratios)" "$(pairs req/s | awk '{ print $2 / $1 }' | median | xargs printf '%.3f')" "" ""
	row "go: the same, CPU time per request bare / static (cpu-ns/op)" "$(pairs cpu-ns/op | awk '{ print $1 / $2 }' | median | xargs printf '%.3f')" "" ""
	note "go: the other packages' benchmarks (impl transfers, mockserver upload, reports, proto)"
	gobench ./impl 'BenchmarkDownloadToFile|BenchmarkUploadFromFile' -benchtime 3x
	row "impl BenchmarkDownloadToFile 256 MiB" "$(metric BenchmarkDownloadToFile MB/s) MB/s, $(metric BenchmarkDownloadToFile allocs/op) allocs/op" "" ""
	row "impl BenchmarkUploadFromFile 256 MiB" "$(metric BenchmarkUploadFromFile MB/s) MB/s, $(metric BenchmarkUploadFromFile allocs/op) allocs/op" "" ""
	gobench ./mockserver BenchmarkUpload1GiB -benchtime 1x
	row "mockserver BenchmarkUpload1GiB" "$(metric BenchmarkUpload1GiB MB/s) MB/s, peak heap $(metric BenchmarkUpload1GiB peak-heap-MiB) MiB" "" ""
	gobench ./reports 'BenchmarkRender' -benchtime 5x
	row "reports BenchmarkRender/html (350 cases)" "$(div "$(metric BenchmarkRender/html ns/op)" 1e6) ms" "" ""
	gobench ./harness/driver/proto BenchmarkEventRoundTrip
	row "proto BenchmarkEventRoundTrip (encode + decode)" "$(div "$(metric BenchmarkEventRoundTrip ns/op)" 1e3) µs/event" "" ""
	local fd
	fd=$(cd "$root" && "$GO" test -count=1 -run '^TestFDStableOver1000Requests$' -v ./impl 2>&1 | grep -oE 'fds [0-9]+ before, [0-9]+ after' | head -1 || true)
	row "impl open fds across 1,000 requests (TestFDStableOver1000Requests)" "${fd:-not measured (no /proc?)}" "stable" ""
}

fuzz() {
	note "fuzz: bench/fuzz.sh, FUZZTIME=${FUZZTIME:-30s} per target"
	(cd "$root" && FUZZTIME=${FUZZTIME:-30s} GO=$GO bench/fuzz.sh) | tee "$work/fuzz.txt" >&2 || true
	row "fuzz: targets run by bench/fuzz.sh (execs/s in its table above)" "$(($(wc -l <"$work/fuzz.txt") - 1)) targets" "no crasher" "$(grep -q FAIL "$work/fuzz.txt" && echo MISSED || echo met)"
}

for s in "${sections[@]}"; do
	case $s in
	suite) suite ;;
	xfer) need curl; xfer ;;
	rps) need wrk curl; rps ;;
	go) gobenches ;;
	fuzz) fuzz ;;
	device) device ;;
	*) echo "run.sh: unknown section $s (suite, xfer, rps, go, fuzz, device)" >&2; exit 2 ;;
	esac
done

table() {
	echo "| figure | value | goal | |"
	echo "| --- | --- | --- | --- |"
	local r
	for r in "${rows[@]}"; do
		IFS='|' read -r f v g m <<<"$r"
		echo "| $f | $v | $g | $m |"
	done
}
echo
echo "netconform benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -sr), $("$GO" env GOVERSION), $(uptime | sed 's/.*load average: //' | sed 's/^/load /')"
table
[[ -z $outfile ]] || table >"$outfile"
for r in "${rows[@]}"; do
	[[ $r != *"|MISSED" ]] || exit 1
done
exit 0
