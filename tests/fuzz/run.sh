#!/usr/bin/env bash
# Runs one fuzzer (docs/reliability.md#fuzzers):  tests/fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags]
#   TARGET: scenario | mapping | csv.  Needs `cmake --preset fuzz && cmake --build --preset fuzz`.
# The working corpus is build/fuzz/corpus/TARGET, seeded from the shipped inputs and from
# tests/fuzz/corpus/TARGET (the kept regression inputs). Findings land in build/fuzz/findings/TARGET.
# One process, niced: the machine is shared. Afterwards, `tests/fuzz/run.sh minimise TARGET` merges
# the working corpus into a small set worth keeping under tests/fuzz/corpus/TARGET.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=build/fuzz/fuzz

seed() {  # fills the working corpus of $1 from the project's own inputs
  local t=$1 dir=build/fuzz/corpus/$1
  mkdir -p "$dir"
  # Seeds are named after their path (scenarios/b2b-pods.json and scenarios/experiments/b2b-pods.json
  # are different files with one name).
  copy_seeds() { local f; for f in "$@"; do cp "$f" "$dir/seed-${f//\//_}"; done; }
  case $t in
    scenario) copy_seeds scenarios/*.json scenarios/plans/*.json scenarios/experiments/*.json ;;
    mapping)  copy_seeds scenarios/history/*.json tests/data/history/*.json tests/fuzz/data/*.json ;;
    csv)      # the first byte picks the section and dialect (tests/fuzz/targets.cpp)
              local i=0
              while IFS= read -r f; do
                for sel in 0 1 2 3 4 5 8 13; do
                  { printf "\\x$(printf %02x $sel)"; cat "$f"; } > "$dir/seed-$i-$sel"
                done
                i=$((i+1))
              done < <(find tests/data tests/fuzz/data -name '*.csv' | sort) ;;
    *) echo "unknown target $t (scenario, mapping, csv)" >&2; exit 2 ;;
  esac
  if [ -d tests/fuzz/corpus/$t ]; then cp tests/fuzz/corpus/$t/* "$dir"/ 2>/dev/null || true; fi
}

max_len() { case $1 in scenario) echo 16384 ;; mapping) echo 8192 ;; csv) echo 4096 ;; esac; }

if [ "${1:-}" = minimise ]; then
  t=$2; out=tests/fuzz/corpus/$t; mkdir -p "$out"
  tmp=$(mktemp -d); cp "$out"/* "$tmp"/ 2>/dev/null || true
  # -merge keeps only inputs that add edge coverage (hit counts ignored: a small corpus to keep in the
  # tree); crash-* files are regression inputs and always kept.
  mkdir -p "$tmp.new"
  nice "$bin/fuzz_$t" -merge=1 -use_counters=0 -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=20 "$tmp.new" \
    build/fuzz/corpus/"$t" "$tmp"
  find "$out" -type f ! -name 'crash-*' -delete
  for f in "$tmp.new"/*; do cp "$f" "$out/$(basename "$f")"; done
  rm -rf "$tmp" "$tmp.new"
  echo "kept $(ls "$out" | wc -l) inputs in $out"
  exit 0
fi

t=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS]}; secs=${2:-600}; shift $(( $# >= 2 ? 2 : 1 ))
seed "$t"
mkdir -p build/fuzz/findings/"$t"
# Allocation stacks of depth 4 are plenty to read a report and make ASan much cheaper here.
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=4}
exec nice "$bin/fuzz_$t" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
  -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=build/fuzz/findings/"$t"/ \
  "$@" build/fuzz/corpus/"$t"
