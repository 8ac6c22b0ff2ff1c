#!/usr/bin/env bash
# The fuzz harness of `make fuzz` still builds against cpreport.c, and every
# seed and past finding replays through it without a failed output check or
# a sanitizer report. No fuzzing here: that is `make fuzz`.
# Skipped, with one SKIP line, only when clang is
# missing (make test's clang-check installs clang where it can).
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

clang=${CLANG:-clang}
cjson=${CJSON_DIR:-$ROOT/.deps/cjson}
case $cjson in /*) ;; *) cjson=$ROOT/$cjson ;; esac
if ! command -v "$clang" >/dev/null 2>&1; then
    skip "the fuzz harness" "it needs $clang (Debian package clang)"
    exit 0
fi
harness=$TMP/fuzz_snapshot
build() {
    "$clang" -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all \
        -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -I"$cjson" \
        tests/fuzz/fuzz_snapshot.c "$cjson/cJSON.c" -lm -o "$harness"
}
check "the fuzz harness builds with -Werror" build || exit 0
# libFuzzer given files runs each once; it exits non-zero on any finding.
check "the fuzz harness replays its seeds and the past findings" \
    "$harness" tests/fuzz/seeds/* tests/fixtures/fuzz/*
