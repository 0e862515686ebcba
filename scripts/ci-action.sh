#!/usr/bin/env bash
# ci-action.sh: the shell steps of the netconform GitHub Action (action.yml
# at the repository root calls it), kept here so that they run, and are
# tested (cmd/netconform/binary_test.go), exactly as CI runs them.
#
#   ci-action.sh install   install netconform with go install
#   ci-action.sh run       run the suite, write the job summary and outputs
#
# install reads NETCONFORM_VERSION: a tag, branch or commit of
# github.com/netconform/netconform (the action passes its own ref), or empty
# or "local" to build the action's own checkout, $GITHUB_ACTION_PATH (a
# workflow that uses the action as `uses: ./`). It adds the folder go install
# wrote to to $GITHUB_PATH when that is set.
#
# run reads NETCONFORM_DRIVER (inproc, exec or remote), NETCONFORM_COMMAND
# (the exec driver's command), NETCONFORM_ARGS (more flags of netconform run),
# NETCONFORM_EXPECT (an expectations file) and NETCONFORM_OUT (the reports'
# folder, default reports/out). NETCONFORM_COMMAND and NETCONFORM_ARGS are
# split into words at white space, with no quoting and no globbing. It
# appends the run's report.md (each implementation's, when there are
# several; the partial one of an interrupted run) to $GITHUB_STEP_SUMMARY,
# writes exit-code, report-dir and report to $GITHUB_OUTPUT, and exits with
# netconform's exit code (0 conformant, 1 unexpected results, 2 usage or
# setup error, 130/143 interrupted).
set -euo pipefail

module=github.com/netconform/netconform

install_netconform() {
  local version="${NETCONFORM_VERSION:-}"
  if [[ -z "$version" || "$version" == local ]]; then
    : "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: no checkout to build}"
    echo "netconform: building $GITHUB_ACTION_PATH" >&2
    (cd "$GITHUB_ACTION_PATH" && go install -trimpath ./cmd/netconform)
  else
    echo "netconform: go install $module/cmd/netconform@$version" >&2
    go install -trimpath "$module/cmd/netconform@$version"
  fi
  local bin
  bin="$(go env GOBIN)"
  if [[ -z "$bin" ]]; then bin="$(go env GOPATH)/bin"; fi
  if [[ -n "${GITHUB_PATH:-}" ]]; then echo "$bin" >>"$GITHUB_PATH"; fi
  "$bin/netconform" version
}

# reports_md prints the report.md files of the run in $1 that exited with
# $2: the partial ones of an interrupted run, else the complete ones.
reports_md() {
  local dir="$1" code="$2"
  if ((code >= 128)) && [[ -d "$dir/interrupted" ]]; then dir="$dir/interrupted"; fi
  if [[ -f "$dir/report.md" ]]; then
    echo "$dir/report.md"
    return
  fi
  local f
  for f in "$dir"/*/report.md; do
    if [[ -f "$f" && "$(basename "$(dirname "$f")")" != interrupted ]]; then echo "$f"; fi
  done
}

run_suite() {
  local out="${NETCONFORM_OUT:-reports/out}"
  local -a args=(run --out "$out") extra=() cmd=()
  if [[ -n "${NETCONFORM_DRIVER:-}" ]]; then args+=(--driver "$NETCONFORM_DRIVER"); fi
  if [[ -n "${NETCONFORM_EXPECT:-}" ]]; then args+=(--expect "$NETCONFORM_EXPECT"); fi
  set -f # words, not globs
  read -r -a extra <<<"${NETCONFORM_ARGS:-}"
  read -r -a cmd <<<"${NETCONFORM_COMMAND:-}"
  set +f
  args+=("${extra[@]}")
  if ((${#cmd[@]} > 0)); then args+=(-- "${cmd[@]}"); fi

  # GitHub cancels a step by signalling its shell alone (SIGINT, SIGTERM
  # 7.5 s later, then it kills the process tree): pass each signal on, so
  # netconform winds down and writes its partial reports.
  local code=0 pid
  netconform "${args[@]}" &
  pid=$!
  trap 'kill -INT "$pid" 2>/dev/null' INT
  trap 'kill -TERM "$pid" 2>/dev/null' TERM
  wait "$pid" || code=$?
  while kill -0 "$pid" 2>/dev/null; do # wait returned for a signal: netconform is still winding down
    code=0
    wait "$pid" || code=$?
  done
  trap - INT TERM

  local -a mds=()
  mapfile -t mds < <(reports_md "$out" "$code")
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    if ((${#mds[@]} == 0)); then
      printf '## netconform: no report\n\n`netconform %s` exited with %d before writing a report; the job log says why.\n' \
        "${args[*]}" "$code" >>"$GITHUB_STEP_SUMMARY"
    fi
    local md
    for md in "${mds[@]}"; do
      cat "$md" >>"$GITHUB_STEP_SUMMARY"
      echo >>"$GITHUB_STEP_SUMMARY"
    done
  fi
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    {
      echo "exit-code=$code"
      echo "report-dir=$out"
      if ((${#mds[@]} > 0)); then echo "report=$(dirname "${mds[0]}")/report.json"; fi
    } >>"$GITHUB_OUTPUT"
  fi
  return "$code"
}

case "${1:-}" in
install) install_netconform ;;
run) run_suite ;;
*)
  echo "usage: ci-action.sh install|run" >&2
  exit 2
  ;;
esac
