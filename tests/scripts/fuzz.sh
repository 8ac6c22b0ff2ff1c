#!/usr/bin/env bash
# The fuzz harness of `make fuzz` still builds against cpreport.c, and every
# seed and past finding replays through it without a failed output check or
# a sanitizer report. No fuzzing here: that is `make fuzz`.
# Skipped, with one SKIP line, only when clang is
# missing (make test's clang-check installs clang where it can).
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

clang=${CLANG:-clang}
if ! command -v "$clang" >/dev/null 2>&1; then
    skip "the fuzz harness" "it needs $clang (Debian package clang)"
    exit 0
fi
# The Makefile holds the one build command (with -Werror).
check "the fuzz harness builds with -Werror (make .fuzz/fuzz_snapshot)" \
    make -s --no-print-directory .fuzz/fuzz_snapshot || exit 0
# libFuzzer given files runs each once; it exits non-zero on any finding.
check "the fuzz harness replays its seeds and the past findings" \
    .fuzz/fuzz_snapshot tests/fuzz/seeds/* tests/fixtures/fuzz/*
