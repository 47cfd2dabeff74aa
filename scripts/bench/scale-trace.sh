#!/usr/bin/env bash
# Scale runs of issue 18: synthetic Philly-like traces of 100,000 and 1,000,000 jobs on 1,000 × 8 GPUs at offered
# load 1.1 (seed 18; sizes and durations in benchmarks/LlmCore.Benchmarks/Scheduling/ScaleTrace.cs), replayed through
# `llmcore schedule simulate` per policy (preemption on, the CLI's default), reporting the whole process's wall time,
# CPU time and peak resident memory (/usr/bin/time -v). Traces go to artifacts/sched-scale/ (generated once).
#
#   scripts/bench/scale-trace.sh [JOBS...]          default: 100000 1000000
#   POLICIES="fifo srtf las" NO_BUILD=1 scripts/bench/scale-trace.sh 1000000
#   NODES=100 scripts/bench/scale-trace.sh 100000   # like-for-like growth: 100k jobs on 100 × 8 GPUs at the same
#                                                   # arrival rate per GPU (same contention, same 37 days) as 1M on 1,000 × 8
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=("$@")
[ ${#jobs[@]} -eq 0 ] && jobs=(100000 1000000)
policies=${POLICIES:-"fifo srtf las"}
nodes=${NODES:-1000}
gpus_per_node=8
load=1.1
out=artifacts/sched-scale
mkdir -p "$out"

if [ -z "${NO_BUILD:-}" ]; then
  dotnet build src/LlmCore.Cli -c Release -v q -nologo >/dev/null
  dotnet build benchmarks/LlmCore.Benchmarks -c Release -v q -nologo >/dev/null
fi
cli=${CLI:-src/LlmCore.Cli/bin/Release/net10.0/llmcore.dll}
bench=benchmarks/LlmCore.Benchmarks/bin/Release/net10.0/LlmCore.Benchmarks.dll

echo "uptime: $(uptime)"
echo "nodes: $nodes × $gpus_per_node GPUs"
echo "| jobs | policy | wall s | CPU s (user+sys) | peak RSS MB | preemptions | completed |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for n in "${jobs[@]}"; do
  # The trace is generated for the cluster's GPUs (arrival rate ∝ GPUs at the offered load); other sizes than the
  # default 1,000 nodes get their own file.
  suffix=""
  [ "$nodes" != 1000 ] && suffix="-${nodes}x$gpus_per_node"
  trace="$out/synthetic-$n-load$load-seed18$suffix.csv"
  if [ ! -s "$trace" ]; then
    dotnet "$bench" sched-scale-trace "$n" "$load" $((nodes * gpus_per_node)) "$trace" >&2
  fi
  for policy in $policies; do
    json="$out/synthetic-$n$suffix-$policy.json"
    timing="$out/synthetic-$n$suffix-$policy.time"
    /usr/bin/time -v -o "$timing" dotnet "$cli" schedule simulate --trace "$trace" --nodes $nodes \
      --gpus-per-node $gpus_per_node --policy "$policy" --json > "$json"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$timing")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$timing")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$timing")
    preemptions=$(grep -o '"preemptions": *[0-9]*' "$json" | head -1 | grep -o '[0-9]*$')
    completed=$(grep -o '"completed": *[0-9]*' "$json" | head -1 | grep -o '[0-9]*$')
    echo "| $n | $policy | $wall | $cpu | $rss | $preemptions | $completed |"
  done
done
echo "uptime: $(uptime)"
