#!/usr/bin/env bash
# `make bench`'s table: cpreport against the parse alone (issue 11).
#
#   tests/bench.sh RUNS DIR...
#
# Each DIR holds the snapshots of one size (.bench/data-N, written by
# tests/gen_testdata --schools N --years 5). For each, in one run and side
# by side: tests/bench_parse, which only parses the files (the same cJSON,
# arena and reader as cpreport), and cpreport writing every report format
# (Markdown, HTML, JSON) of all four areas. Each is run RUNS times and the
# least CPU time (user + system) kept; peak memory is the maximum resident
# set, from GNU time. The ratios are cpreport's over the parse's: the goal
# is at most 1.5 for the time and 1.2 for the memory.
set -euo pipefail
# CPREPORT: the binary to time (default ./cpreport), to compare builds.

runs=$1
shift
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: needs GNU time (Debian package time) for CPU time and peak memory" >&2; exit 1; }

# "CPU_SECONDS PEAK_KB" of the least CPU time of $runs runs of "$@".
measure() {
    local best="" peak=0 out cpu kb
    for _ in $(seq "$runs"); do
        out=$("$TIME" -f '%U %S %M' "$@" 2>&1 >/dev/null | tail -n 1)
        cpu=$(echo "$out" | awk '{printf "%.3f", $1 + $2}')
        kb=$(echo "$out" | awk '{print $3}')
        if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$cpu; fi
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $peak"
}

out=.bench/out-ratio
mkdir -p "$out"
printf '%8s %6s %7s | %9s %9s | %9s %9s | %6s %6s\n' schools files MB 'parse s' 'parse MiB' 'cpreport' 'MiB' 'CPU x' 'mem x'
for dir in "$@"; do
    files=$(find "$dir" -name '*.json' -type f | LC_ALL=C sort | tr '\n' ' ')
    # shellcheck disable=SC2086  # one word per file
    set -- $files
    schools=${dir##*-}
    mb=$(du -cm "$@" | tail -n 1 | cut -f1)
    read -r pcpu pkb < <(measure tests/bench_parse "$@")
    read -r ccpu ckb < <(measure "${CPREPORT:-./cpreport}" "$@" -o "$out/report.md" -o "$out/report.html" -o "$out/report.json")
    awk -v s="$schools" -v n="$#" -v mb="$mb" -v pc="$pcpu" -v pk="$pkb" -v cc="$ccpu" -v ck="$ckb" 'BEGIN {
        printf "%8d %6d %7d | %9.2f %9.0f | %9.2f %9.0f | %6.2f %6.2f\n",
               s, n, mb, pc, pk / 1024, cc, ck / 1024, cc / pc, ck / pk }'
done
