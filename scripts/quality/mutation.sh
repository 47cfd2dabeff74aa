#!/usr/bin/env bash
# Mutation testing with Stryker.NET (pinned in .config/dotnet-tools.json), one scope at a time.
#
#   scripts/quality/mutation.sh                          every library, every scope (hours on 2 cores)
#   scripts/quality/mutation.sh optimization             every scope of LlmCore.Optimization
#   scripts/quality/mutation.sh optimization Optimizers Schedules
#   scripts/quality/mutation.sh commercialization Finance -- --since:main   (extra arguments go to Stryker)
#   scripts/quality/mutation.sh privacy Accounting/RdpAccountant -- --test-case-filter "FullyQualifiedName~.Accounting"
#                                    (one file of a folder; only the folder's tests judge it: faster, a lower bound)
#
# A library is privacy, optimization, scheduling or commercialization (or its full name, LlmCore.Privacy).
# A scope is a folder of the library (Optimizers) or one of its files without ".cs" (SchedulingEngine,
# Accounting/RdpAccountant);
# the default scopes of a library are the "mutate" globs of tests/LlmCore.<Library>.Tests/stryker-config.json.
#
# Each scope runs in its own Stryker run (the config's settings, with "mutate" narrowed to the scope), under
# `nice -n ${MUTATION_NICE:-19}` and with concurrency ${MUTATION_CONCURRENCY:-1}, because the machine is shared.
# Stryker's project analysis (Buildalyzer) gives up with "Could not find build environment" when `dotnet --info`
# is slower than its time-out, which at nice 19 on a loaded machine it is (16 s at load 60 on 2 cores); so the
# analysis runs at ${MUTATION_ANALYSIS_NICE:-0} and the whole run is reniced to MUTATION_NICE as soon as Stryker
# logs "Analysis complete" (before it builds or tests anything). VSTEST_CONNECTION_TIMEOUT defaults to 1800 s
# (vstest's own default is 90 s): a starved test host may not connect in time, and a run at nice 19 and load 80
# was seen waiting 29 minutes in its initial test run with vstest.console up and no test host.
# Reports: artifacts/mutation/<library>/<scope>/reports/mutation-report.{json,html}. A summary row per scope
# (score, killed, survived, timeout, no coverage, wall time, mean load average during the run) is printed and
# appended to artifacts/mutation/summary.md, in the shape of the table in docs/quality.md.
# Not part of CI: a scope takes from minutes to hours (docs/quality.md gives the times).
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

libraries=(Privacy Optimization Scheduling Commercialization)

canonical_library() {
  local wanted=${1#LlmCore.}
  local lib
  for lib in "${libraries[@]}"; do
    if [ "${lib,,}" = "${wanted,,}" ]; then
      echo "$lib"
      return 0
    fi
  done
  echo "error: unknown library '$1' (expected one of: ${libraries[*],,})" >&2
  exit 2
}

# The default scopes of a library: the config's "mutate" globs, "Folder/**/*.cs" -> Folder, "File.cs" -> File.
default_scopes() {
  local config=$1
  sed -n '/"mutate"/,/\]/p' "$config" | grep -o '"[^"]*\.cs"' | tr -d '"' \
    | sed -e 's|/\*\*/\*\.cs$||' -e 's|\.cs$||'
}

scope_glob() {
  local lib=$1 scope=$2 src="src/LlmCore.$1"
  if [ -d "$src/$scope" ]; then
    echo "$scope/**/*.cs"
  elif [ -f "$src/$scope.cs" ]; then
    echo "$scope.cs"
  else
    echo "error: '$scope' is neither a folder nor a root file of $src" >&2
    exit 2
  fi
}

# Renices a process and its descendants (the Stryker run this script started) once its log shows the analysis is done.
renice_after_analysis() {
  local pid=$1 log=$2 nice=$3
  local tree p
  while kill -0 "$pid" 2>/dev/null; do
    if grep -q "Analysis complete" "$log" 2>/dev/null; then
      tree=("$pid")
      for ((i = 0; i < ${#tree[@]}; i++)); do
        for p in $(pgrep -P "${tree[$i]}" || true); do
          tree+=("$p")
        done
      done
      renice -n "$nice" -p "${tree[@]}" >/dev/null 2>&1 || true
      return 0
    fi
    sleep 2
  done
}

# Mean of the 1-minute load average sampled every 30 s while Stryker runs.
sample_load() {
  local out=$1
  : >"$out"
  while true; do
    cut -d' ' -f1 /proc/loadavg >>"$out"
    sleep 30
  done
}

summarize() {
  local report=$1 lib=$2 scope=$3 wall=$4 load=$5
  python3 - "$report" "$lib" "$scope" "$wall" "$load" <<'PY'
import json, sys
report, lib, scope, wall, load = sys.argv[1:6]
data = json.load(open(report, encoding="utf-8"))
counts = {}
# Only the scope's files: Stryker reports every file of the project (the rest as "removed by mutate filter").
prefix = f"/src/LlmCore.{lib}/{scope}"
for path, f in data.get("files", {}).items():
    if not (path.replace("\\", "/").find(prefix + "/") >= 0 or path.replace("\\", "/").endswith(prefix + ".cs")):
        continue
    for m in f.get("mutants", []):
        counts[m["status"]] = counts.get(m["status"], 0) + 1
killed = counts.get("Killed", 0)
timeout = counts.get("Timeout", 0)
survived = counts.get("Survived", 0)
nocov = counts.get("NoCoverage", 0)
detected = killed + timeout
valid = detected + survived + nocov
score = "n/a" if valid == 0 else f"{100.0 * detected / valid:.1f}%"
minutes = int(wall) / 60.0
print(f"| LlmCore.{lib} | {scope} | {score} | {killed} | {survived} | {timeout} | {nocov} | "
      f"{counts.get('CompileError', 0)} | {counts.get('Ignored', 0)} | {minutes:.0f} min | {load} |")
PY
}

[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && usage

if ! dotnet tool restore >/dev/null; then
  echo "error: dotnet tool restore failed (.config/dotnet-tools.json pins dotnet-stryker)" >&2
  exit 1
fi

selected=()
scopes=()
extra=()
if [ $# -gt 0 ]; then
  selected=("$(canonical_library "$1")")
  shift
  while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then
      shift
      extra=("$@")
      break
    fi
    scopes+=("$1")
    shift
  done
else
  selected=("${libraries[@]}")
fi

mkdir -p artifacts/mutation
summary="$root/artifacts/mutation/summary.md"
if [ ! -f "$summary" ]; then
  {
    echo "| library | scope | score | killed | survived | timeout | no coverage | compile errors | ignored | wall time | mean load (1 min) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
  } >"$summary"
fi

status=0
for lib in "${selected[@]}"; do
  tests="tests/LlmCore.$lib.Tests"
  config="$tests/stryker-config.json"
  lib_scopes=("${scopes[@]}")
  if [ ${#lib_scopes[@]} -eq 0 ]; then
    mapfile -t lib_scopes < <(default_scopes "$config")
  fi
  for scope in "${lib_scopes[@]}"; do
    glob=$(scope_glob "$lib" "$scope")
    out="$root/artifacts/mutation/${lib,,}/$scope"
    rm -rf "$out"
    mkdir -p "$out"
    echo "=== LlmCore.$lib / $scope ($glob), started $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    sample_load "$out/load.txt" &
    sampler=$!
    start=$SECONDS
    run_status=0
    (
      cd "$tests"
      export VSTEST_CONNECTION_TIMEOUT="${VSTEST_CONNECTION_TIMEOUT:-1800}"
      exec nice -n "${MUTATION_ANALYSIS_NICE:-0}" dotnet dotnet-stryker \
        --config-file stryker-config.json \
        --concurrency "${MUTATION_CONCURRENCY:-1}" \
        --mutate "$glob" \
        --output "$out" \
        --skip-version-check \
        "${extra[@]}"
    ) >"$out/stryker.log" 2>&1 &
    stryker=$!
    renice_after_analysis "$stryker" "$out/stryker.log" "${MUTATION_NICE:-19}" &
    renicer=$!
    wait "$stryker" || run_status=$?
    kill "$renicer" 2>/dev/null || true
    wait "$renicer" 2>/dev/null || true
    wall=$((SECONDS - start))
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    load=$(awk '{ s += $1; n++ } END { if (n) printf "%.1f", s / n; else print "n/a" }' "$out/load.txt")
    report=$(find "$out" -name 'mutation-report.json' -print -quit)
    if [ "$run_status" -ne 0 ] || [ -z "$report" ]; then
      echo "error: Stryker failed on LlmCore.$lib / $scope (exit $run_status); last lines of $out/stryker.log:" >&2
      tail -n 30 "$out/stryker.log" >&2
      status=1
      continue
    fi
    row=$(summarize "$report" "$lib" "$scope" "$wall" "$load")
    echo "$row" | tee -a "$summary"
  done
done
exit "$status"
