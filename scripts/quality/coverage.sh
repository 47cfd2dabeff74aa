#!/usr/bin/env bash
# Line and branch coverage per library from the Cobertura files that `dotnet test --collect "XPlat Code Coverage"`
# writes (coverlet.collector; Directory.Build.targets makes each tests/LlmCore.X.Tests measure src/LlmCore.X only).
#
#   scripts/quality/coverage.sh check RESULTS_DIR     print the table; exit 1 if a library is below its floor
#   scripts/quality/coverage.sh raise RESULTS_DIR     raise each floor to today's figure (never lowers one)
#   scripts/quality/coverage.sh rebaseline RESULTS_DIR   set every floor to today's figure, up or down, and add
#                                                     libraries that have none (after merges that add code)
#   scripts/quality/coverage.sh table RESULTS_DIR     print the table as Markdown (for docs/quality.md)
#
# The floors are in scripts/quality/coverage-floor.json (percentages, truncated to two decimals: a floor is never
# above the figure it was taken from). A library with a report but no floor is printed and not checked; a floor
# whose library has no report fails the check (its tests did not run or lost their coverage).
# Uses python3 where it exists, else grep/sed/awk.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
floors="${COVERAGE_FLOOR_FILE:-$here/coverage-floor.json}"

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -eq 2 ] || usage
mode=$1
results=$2
case "$mode" in
  check | raise | rebaseline | table) ;;
  *) usage ;;
esac
if [ ! -d "$results" ]; then
  echo "error: $results is not a folder" >&2
  exit 2
fi

# One line per library: "<library> <lines covered> <lines valid> <branches covered> <branches valid>".
# Each report holds one library (its test project's); a library measured twice keeps the better figure.
measure_with_python() {
  python3 - "$results" <<'PY'
import glob, re, sys
best = {}
for path in glob.glob(sys.argv[1] + "/**/coverage.cobertura.xml", recursive=True):
    text = open(path, encoding="utf-8").read()
    root = re.search(r"<coverage ([^>]*)>", text)
    names = sorted(set(re.findall(r'<package name="([^"]+)"', text)))
    if not root or len(names) != 1:
        continue
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', root.group(1)))
    row = tuple(int(attrs[k]) for k in ("lines-covered", "lines-valid", "branches-covered", "branches-valid"))
    name = "LlmCore.Cli" if names[0] == "llmcore" else names[0]  # the CLI's assembly is named after its command
    if name not in best or row[0] * best[name][1] > best[name][0] * row[1]:
        best[name] = row
for name in sorted(best):
    print(name, *best[name])
PY
}

measure_with_grep() {
  local report root name lc lv bc bv
  while IFS= read -r -d '' report; do
    name=$(grep -o '<package name="[^"]*"' "$report" | sort -u | sed 's/<package name="\(.*\)"/\1/')
    [ -n "$name" ] && [ "$(wc -l <<<"$name")" -eq 1 ] || continue
    root=$(grep -o '<coverage [^>]*>' "$report" | head -n 1)
    lc=$(sed -n 's/.* lines-covered="\([0-9]*\)".*/\1/p' <<<"$root")
    lv=$(sed -n 's/.* lines-valid="\([0-9]*\)".*/\1/p' <<<"$root")
    bc=$(sed -n 's/.* branches-covered="\([0-9]*\)".*/\1/p' <<<"$root")
    bv=$(sed -n 's/.* branches-valid="\([0-9]*\)".*/\1/p' <<<"$root")
    [ "$name" = llmcore ] && name=LlmCore.Cli # the CLI's assembly is named after its command
    echo "$name ${lc:-0} ${lv:-0} ${bc:-0} ${bv:-0}"
  done < <(find "$results" -name 'coverage.cobertura.xml' -print0) \
    | sort -k1,1 -k2,2nr | awk '!seen[$1]++'
}

if [ "${COVERAGE_NO_PYTHON:-0}" != 1 ] && command -v python3 >/dev/null 2>&1; then
  measured=$(measure_with_python)
else
  measured=$(measure_with_grep)
fi

# The floors as "<library> <line floor> <branch floor>" lines, read from the JSON file without a JSON parser:
# the file is written by this script, one library per line.
read_floors() {
  [ -f "$floors" ] || return 0
  sed -n 's/^ *"\([^"]*\)": *{ *"line": *\([0-9.]*\), *"branch": *\([0-9.]*\) *}.*/\1 \2 \3/p' "$floors"
}

# Percentages truncated (not rounded) to two decimals, so that a floor taken from a figure never exceeds it.
percent() {
  awk -v c="$1" -v v="$2" 'BEGIN { if (v == 0) print "100.00"; else { p = int(c * 10000 / v) / 100; printf "%.2f", p } }'
}

below() {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'
}

floor_of() {
  local lib=$1 kind=$2
  read_floors | awk -v l="$lib" -v k="$kind" '$1 == l { print (k == "line" ? $2 : $3) }'
}

if [ -z "$measured" ]; then
  echo "error: no coverage.cobertura.xml with one library in $results (was --collect \"XPlat Code Coverage\" given?)" >&2
  exit 1
fi

case "$mode" in
  check | table)
    if [ "$mode" = table ]; then
      echo "| library | lines covered | line coverage | branches covered | branch coverage | line floor | branch floor |"
      echo "|---|---|---|---|---|---|---|"
    else
      printf '%-28s %9s %9s %9s %9s\n' "coverage" "line %" "floor" "branch %" "floor"
    fi
    failures=()
    while read -r lib lc lv bc bv; do
      line=$(percent "$lc" "$lv")
      branch=$(percent "$bc" "$bv")
      lf=$(floor_of "$lib" line)
      bf=$(floor_of "$lib" branch)
      if [ "$mode" = table ]; then
        echo "| $lib | $lc / $lv | $line % | $bc / $bv | $branch % | ${lf:-none} | ${bf:-none} |"
      else
        printf '%-28s %9s %9s %9s %9s\n' "$lib" "$line" "${lf:--}" "$branch" "${bf:--}"
      fi
      if [ -n "$lf" ] && below "$line" "$lf"; then
        failures+=("$lib: line coverage $line% is below its floor $lf% ($lc of $lv lines)")
      fi
      if [ -n "$bf" ] && below "$branch" "$bf"; then
        failures+=("$lib: branch coverage $branch% is below its floor $bf% ($bc of $bv branches)")
      fi
    done <<<"$measured"
    while read -r lib _ _; do
      [ -n "$lib" ] || continue
      if ! grep -q "^$lib " <<<"$measured"; then
        failures+=("$lib: has a floor in $(basename "$floors") but no coverage report (did its tests run?)")
      fi
    done < <(read_floors)
    if [ "$mode" = check ] && [ ${#failures[@]} -gt 0 ]; then
      for f in "${failures[@]}"; do
        echo "error: coverage: $f" >&2
      done
      echo "error: coverage: add tests, or (after a deliberate change) run scripts/quality/coverage.sh rebaseline $results" >&2
      exit 1
    fi
    ;;
  raise | rebaseline)
    entries=()
    while read -r lib lc lv bc bv; do
      line=$(percent "$lc" "$lv")
      branch=$(percent "$bc" "$bv")
      lf=$(floor_of "$lib" line)
      bf=$(floor_of "$lib" branch)
      if [ "$mode" = raise ]; then
        if [ -n "$lf" ] && below "$line" "$lf"; then line=$lf; fi
        if [ -n "$bf" ] && below "$branch" "$bf"; then branch=$bf; fi
      fi
      entries+=("$(printf '  "%s": { "line": %s, "branch": %s }' "$lib" "$line" "$branch")")
    done <<<"$measured"
    if [ "$mode" = raise ]; then
      # Floors of libraries without a report this time stay as they were.
      while read -r lib lf bf; do
        [ -n "$lib" ] || continue
        grep -q "^$lib " <<<"$measured" && continue
        entries+=("$(printf '  "%s": { "line": %s, "branch": %s }' "$lib" "$lf" "$bf")")
      done < <(read_floors)
    fi
    tmp=$(mktemp)
    {
      echo "{"
      for i in "${!entries[@]}"; do
        if [ "$i" -lt $((${#entries[@]} - 1)) ]; then
          echo "${entries[$i]},"
        else
          echo "${entries[$i]}"
        fi
      done
      echo "}"
    } >"$tmp"
    mv "$tmp" "$floors"
    echo "wrote $floors:" >&2
    cat "$floors" >&2
    ;;
esac
