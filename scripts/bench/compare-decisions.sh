#!/usr/bin/env bash
# Decisions-unchanged check for scheduler speed work (issue 18): runs two builds of the CLI (a baseline copy and the
# current one) on the same `schedule simulate` cases and compares the JSON and the `--events` CSV (every run segment:
# start, end, placement, outcome, hence every start and preemption) byte for byte. Exit 1 on any difference.
#
#   BASE=/tmp/base-bin scripts/bench/compare-decisions.sh           # BASE: a copy of src/LlmCore.Cli/bin/Release/net10.0
#   FULL=1 BASE=... scripts/bench/compare-decisions.sh               # also the contended 100k-job trace (minutes)
#
# Cases: the Philly October 2017 month on 64 × 8 GPUs (fifo, sjf, srtf, las; srtf and las also with noisy estimates,
# injected failures and backfill); the first 1,000 and 10,000 jobs of the synthetic scale trace on 16 × 8 GPUs
# (contended); SRTF and LAS without checkpoints (`--checkpoint-minutes 0`: the victim index's path, see
# docs/benchmarks.md) on both; multifactor, DRF and priority on both (multifactor and DRF read their pending jobs by
# merging groups, see docs/scheduling.md), with noisy estimates, failures and backfill on Philly; with FULL=1, every 10th job of the 1,000,000-job scale trace (100,000 jobs over its 37 days, Poisson
# thinning keeps the offered load at 1.1 on 100 × 8 GPUs) under srtf and las.
set -uo pipefail
cd "$(dirname "$0")/../.."
base=${BASE:?set BASE to a directory holding the baseline llmcore.dll}
new=${NEW:-src/LlmCore.Cli/bin/Release/net10.0}
out=${OUT:-artifacts/compare-decisions}
scale=artifacts/sched-scale
mkdir -p "$out"
philly=tests/reference/traces/philly_2017-10.csv
big="$scale/synthetic-1000000-load1.1-seed18.csv"
if [ ! -s "$big" ]; then
  echo "generate $big first (scripts/bench/scale-trace.sh 1000000)" >&2
  exit 2
fi
head -1001 "$big" > "$out/syn1k.csv"
head -10001 "$big" > "$out/syn10k.csv"
cases=(
  "philly-fifo|$philly|64|fifo|"
  "philly-sjf|$philly|64|sjf|"
  "philly-srtf|$philly|64|srtf|"
  "philly-las|$philly|64|las|"
  "philly-srtf-noisy|$philly|64|srtf|--estimates noisy --job-failure-rate 0.05 --backfill"
  "philly-las-noisy|$philly|64|las|--estimates noisy --job-failure-rate 0.05 --backfill"
  "syn1k-fifo|$out/syn1k.csv|16|fifo|"
  "syn1k-srtf|$out/syn1k.csv|16|srtf|"
  "syn1k-las|$out/syn1k.csv|16|las|"
  "syn10k-sjf|$out/syn10k.csv|16|sjf|"
  "syn10k-srtf|$out/syn10k.csv|16|srtf|"
  "syn10k-las|$out/syn10k.csv|16|las|"
  "syn10k-srtf-backfill|$out/syn10k.csv|16|srtf|--backfill"
  "philly-srtf-c0|$philly|64|srtf|--checkpoint-minutes 0"
  "philly-las-c0|$philly|64|las|--checkpoint-minutes 0"
  "syn10k-srtf-c0|$out/syn10k.csv|16|srtf|--checkpoint-minutes 0"
  "syn10k-las-c0|$out/syn10k.csv|16|las|--checkpoint-minutes 0"
  "syn10k-las-c0-backfill|$out/syn10k.csv|16|las|--checkpoint-minutes 0 --backfill --estimates noisy"
  "philly-multifactor|$philly|64|multifactor|"
  "philly-drf|$philly|64|drf|"
  "philly-priority|$philly|64|priority|"
  "philly-multifactor-noisy|$philly|64|multifactor|--estimates noisy --job-failure-rate 0.05 --backfill"
  "philly-drf-noisy|$philly|64|drf|--estimates noisy --job-failure-rate 0.05 --backfill"
  "syn10k-multifactor|$out/syn10k.csv|16|multifactor|"
  "syn10k-drf|$out/syn10k.csv|16|drf|--backfill"
)
if [ -n "${FULL:-}" ]; then
  awk -F, 'NR == 1 || (NR - 2) % 10 == 0' "$big" > "$out/thin100k.csv"
  cases+=("thin100k-srtf|$out/thin100k.csv|100|srtf|" "thin100k-las|$out/thin100k.csv|100|las|"
    "thin100k-srtf-c0|$out/thin100k.csv|100|srtf|--checkpoint-minutes 0" "thin100k-las-c0|$out/thin100k.csv|100|las|--checkpoint-minutes 0")
fi
status=0
for c in "${cases[@]}"; do
  IFS='|' read -r name trace nodes policy extra <<< "$c"
  for side in base new; do
    dir=$base
    [ "$side" = new ] && dir=$new
    # shellcheck disable=SC2086
    /usr/bin/time -f "%U %S" -o "$out/$name.$side.time" dotnet "$dir/llmcore.dll" schedule simulate --trace "$trace" \
      --nodes "$nodes" --gpus-per-node 8 --policy "$policy" $extra --events "$out/$name.$side.csv" --json > "$out/$name.$side.json"
  done
  cpu_base=$(awk '{ printf "%.2f", $1 + $2 }' "$out/$name.base.time")
  cpu_new=$(awk '{ printf "%.2f", $1 + $2 }' "$out/$name.new.time")
  if cmp -s "$out/$name.base.json" "$out/$name.new.json" && cmp -s "$out/$name.base.csv" "$out/$name.new.csv"; then
    echo "same     $name (CPU s: base $cpu_base, new $cpu_new)"
  else
    echo "DIFFERENT $name (CPU s: base $cpu_base, new $cpu_new)"
    status=1
  fi
done
exit $status
