#!/usr/bin/env bash
# Coverage-guided fuzzing of LlmCore's parsers with SharpFuzz and afl++ (docs/quality.md, "Fuzzing").
#
#   scripts/quality/fuzz.sh TARGET MINUTES     fuzz one target for MINUTES of wall time
#   scripts/quality/fuzz.sh list               the targets (fuzz/LlmCore.Fuzz/Targets)
#   scripts/quality/fuzz.sh replay TARGET PATH...   run saved inputs in process (triage, regression check)
#
# It installs what it needs: afl++ from Debian (apt-get, as root) and the sharpfuzz tool from the tool manifest
# (.config/dotnet-tools.json). It publishes fuzz/LlmCore.Fuzz to artifacts/fuzz/plain, copies it to
# artifacts/fuzz/instrumented and instruments LlmCore's assemblies, Sep, System.CommandLine and the tokenizer there,
# and runs afl-fuzz under `nice -n ${FUZZ_NICE:-19}` with the seeds in fuzz/corpus/TARGET (and the dictionary
# fuzz/dictionaries/TARGET.dict when there is one). Findings go to artifacts/fuzz/findings/TARGET/default/{crashes,hangs};
# every crash is replayed at the end so that its exception and stack are printed. A summary row (target, date, the
# build's commit, minutes, executions, execs/s, corpus, crashes, hangs, mean load) is appended to
# artifacts/fuzz/summary.md. Exit 1 when afl saved a crash or a hang.
# Environment: FUZZ_TIMEOUT_MS (default 5000: one input slower than this is a hang; the machine is shared),
# FUZZ_NICE (19), FUZZ_REBUILD=1 to publish and instrument again, FUZZ_BUILD_DIR (artifacts/fuzz) where the two
# published copies go (a second folder lets you rebuild while afl runs on the first).
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Two copies of the published program: plain (replay runs it in process) and instrumented (afl runs it; its
# instrumentation writes to afl's shared memory, so it cannot run outside afl).
build_dir="${FUZZ_BUILD_DIR:-$root/artifacts/fuzz}"
plain="$build_dir/plain"
instrumented="$build_dir/instrumented"
dll="$plain/LlmCore.Fuzz.dll"

build() {
  if [ -f "$instrumented/.instrumented" ] && [ "${FUZZ_REBUILD:-0}" != 1 ]; then
    return 0
  fi

  dotnet tool restore >/dev/null
  rm -rf "$plain" "$instrumented"
  mkdir -p "$build_dir"
  echo "publishing fuzz/LlmCore.Fuzz to $plain" >&2
  dotnet publish fuzz/LlmCore.Fuzz -c Release -o "$plain" -p:UseAppHost=false >"$build_dir/publish.log" 2>&1 || {
    tail -n 30 "$build_dir/publish.log" >&2
    exit 1
  }
  cp -r "$plain" "$instrumented"
  # LlmCore's assemblies (llmcore.dll is the CLI) and the parsers they lean on.
  local assembly
  for assembly in "$instrumented"/LlmCore.*.dll "$instrumented"/llmcore.dll "$instrumented"/Sep.dll \
    "$instrumented"/System.CommandLine.dll "$instrumented"/Microsoft.ML.Tokenizers.dll; do
    case "$(basename "$assembly")" in
      LlmCore.Fuzz.dll) continue ;;
    esac
    [ -f "$assembly" ] || continue
    echo "instrumenting $(basename "$assembly")" >&2
    dotnet sharpfuzz "$assembly" >/dev/null
  done
  # The commit the binaries were built from (a "+" when the work tree had changes), for the summary row.
  git rev-parse --short HEAD 2>/dev/null | tr -d '\n' >"$build_dir/commit" || true
  git diff --quiet HEAD 2>/dev/null || echo -n "+" >>"$build_dir/commit"
  touch "$instrumented/.instrumented"
}

[ $# -ge 1 ] || usage
mkdir -p artifacts/fuzz
case "$1" in
  -h | --help) usage ;;
  list)
    build
    dotnet "$dll" list
    exit 0
    ;;
  replay)
    [ $# -ge 3 ] || usage
    build
    target=$2
    shift 2
    exec dotnet "$dll" "$target" --replay "$@"
    ;;
esac

[ $# -eq 2 ] || usage
target=$1
minutes=$2
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [ "$minutes" -lt 1 ]; then
  echo "error: MINUTES must be a whole number ≥ 1, got '$minutes'" >&2
  exit 2
fi
if [ ! -d "fuzz/corpus/$target" ]; then
  echo "error: no seed corpus fuzz/corpus/$target; the targets are: $(ls fuzz/corpus | tr '\n' ' ')" >&2
  exit 2
fi

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "installing afl++ (Debian package afl++)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

build
# The seeds must pass before fuzzing: a failing seed is a finding already (and afl refuses crashing seeds).
dotnet "$dll" "$target" --replay "fuzz/corpus/$target" >&2

findings="$root/artifacts/fuzz/findings/$target"
rm -rf "$findings"
mkdir -p "$findings"
load_file="$findings/load.txt"
(
  while true; do
    cut -d' ' -f1 /proc/loadavg >>"$load_file"
    sleep 30
  done
) &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT

# A dictionary of the format's tokens and keys, when the target has one, helps afl past the JSON syntax.
dictionary=()
if [ -f "fuzz/dictionaries/$target.dict" ]; then
  dictionary=(-x "fuzz/dictionaries/$target.dict")
fi

echo "fuzzing $target for $minutes min (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
start=$SECONDS
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
AFL_FORKSRV_INIT_TMOUT=120000 AFL_NO_WARN_INSTABILITY=1 \
  nice -n "${FUZZ_NICE:-19}" afl-fuzz -i "fuzz/corpus/$target" -o "$findings" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none \
  "${dictionary[@]}" -V "$((minutes * 60))" -- dotnet "$instrumented/LlmCore.Fuzz.dll" "$target" >"$findings/afl.log" 2>&1 || {
  echo "error: afl-fuzz failed; last lines of $findings/afl.log:" >&2
  tail -n 30 "$findings/afl.log" >&2
  exit 1
}
wall=$((SECONDS - start))

stats="$findings/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats" | head -n 1; }
execs=$(stat execs_done)
paths=$(stat corpus_count)
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
load=$(awk '{ s += $1; n++ } END { if (n) printf "%.1f", s / n; else print "n/a" }' "$load_file")
rate=$(stat execs_per_sec)
commit=$(cat "$build_dir/commit" 2>/dev/null || echo n/a)
row="| $target | $(date -u +%F) | $commit | $((wall / 60)) min | ${execs:-0} | ${rate:-0} | ${paths:-0} | ${crashes:-0} | ${hangs:-0} | $load |"
summary="$root/artifacts/fuzz/summary.md"
if [ ! -f "$summary" ]; then
  {
    echo "| target | date | commit | wall time | executions | execs/s | corpus | crashes | hangs | mean load (1 min) |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
  } >"$summary"
fi
echo "$row" | tee -a "$summary"

status=0
if [ "${crashes:-0}" != 0 ]; then
  echo "afl saved ${crashes} crash(es) in $findings/default/crashes; replaying them:" >&2
  dotnet "$dll" "$target" --replay "$findings/default/crashes" >&2 || true
  status=1
fi
if [ "${hangs:-0}" != 0 ]; then
  echo "afl saved ${hangs} hang(s) (slower than ${FUZZ_TIMEOUT_MS:-5000} ms) in $findings/default/hangs; time them with:" >&2
  echo "  time dotnet $dll $target --replay $findings/default/hangs" >&2
  status=1
fi
exit "$status"
