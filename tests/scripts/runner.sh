#!/usr/bin/env bash
# The test runner itself: two runs in one checkout at once do not share a
# work folder. Run A uses a binary that takes two seconds; run B starts
# while A is still running. When both shared tests/.work, B's start removed
# A's case folder under it and A failed.
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

slow=$TMP/slow-cpreport
printf '#!/bin/sh\nsleep 2\nexec %q "$@"\n' "$CPREPORT" >"$slow"
chmod +x "$slow"
ASAN=0 PLAIN_BIN=$slow "$ROOT/tests/run.sh" exit-ok >"$TMP/a.log" 2>&1 &
a=$!
sleep 0.5
ASAN=0 PLAIN_BIN=$CPREPORT "$ROOT/tests/run.sh" exit-ok >"$TMP/b.log" 2>&1
b_status=$?
wait "$a"
a_status=$?
expect_eq "a run started while another is going passes" "$b_status $(tail -n 1 "$TMP/b.log")" "0 1 passed, 0 failed"
expect_eq "the run that was going passes too" "$a_status $(tail -n 1 "$TMP/a.log")" "0 1 passed, 0 failed"
