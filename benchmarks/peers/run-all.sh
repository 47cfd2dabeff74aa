#!/usr/bin/env bash
# Runs every PyTorch peer benchmark with the thread count of the LlmCore runs (default 2) and prints one JSON
# object per line. Needs Debian's PyTorch and OpenBLAS: apt-get install python3-torch libopenblas0-pthread.
# Usage: benchmarks/peers/run-all.sh [threads]
set -euo pipefail
cd "$(dirname "$0")"
threads="${1:-2}"
python=/usr/bin/python3
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "error: $python cannot import torch; install it with: apt-get install python3-torch libopenblas0-pthread" >&2
  exit 2
fi
for script in torch_mm.py mlp_epoch.py gpt_step.py; do
  "$python" "$script" --threads "$threads"
done
