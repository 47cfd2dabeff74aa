#!/usr/bin/env bash
# CI setup hook (run by .ci/run before the build): start the local Slurm cluster that the integration tests of
# LlmCore.Scheduling.Slurm run against. Installs Debian's slurm-wlm, slurmrestd, munge and slurm-wlm-jwt-plugin
# when they are missing (about 5-20 s with apt-get update), then starts munged, slurmctld, 4 slurmd (8 fake GPUs
# each) and slurmrestd on 127.0.0.1 in about 1-2 s. The tests read artifacts/slurm/cluster.env.
#
# It is idempotent: a cluster that is already up (for example a developer's) is reused, not restarted, and
# nothing is stopped afterwards, so CI kills no process it did not start. Stop it with
# `scripts/slurm/local-cluster.sh stop`. Set LLMCORE_SKIP_SLURM=1 to skip (the Slurm integration tests then fail
# in CI, as they must when no cluster is available).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${LLMCORE_SKIP_SLURM:-0}" = "1" ]; then
  echo "slurm setup: skipped (LLMCORE_SKIP_SLURM=1)" >&2
  exit 0
fi
start=$SECONDS
if ! bash scripts/slurm/local-cluster.sh start > /dev/null; then
  # Do not fail CI here: the integration tests report a missing cluster as a clear test failure.
  echo "slurm setup: the local cluster did not start; see artifacts/slurm/log/" >&2
  exit 0
fi
echo "slurm setup: cluster up in $((SECONDS - start)) s; settings in artifacts/slurm/cluster.env" >&2
