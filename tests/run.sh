#!/usr/bin/env bash
# cpreport test runner.
#
#   tests/run.sh [NAME...]     run all cases and scripts, or only the named ones
#
# Case tests: tests/cases/NAME/
#   cmd      shell lines run by bash -o pipefail (no -e: the last command's
#            status counts, and a pipe's is its last failing command's),
#            cwd = the case folder, stdin = /dev/null
#   exit     expected exit status (default 0)
#   stdout   expected standard output   } compared byte for byte when the
#   stderr   expected standard error    } file exists, ignored when it doesn't
#   valgrind if present, the case also runs under valgrind by default
#            (keep bench-size inputs out of such cases)
# Each case runs with the plain binary [plain], with the sanitizer binary
# [asan] (any sanitizer report fails it) and, when asked, under valgrind
# [valgrind]; each run is one test.
#
# Script tests: every executable tests/scripts/*.sh, cwd = the repository
# root. Each output line "ok - DESC" is a pass, "not ok - DESC" a failure
# ("# ..." lines after it are its diagnostics); a non-zero exit without any
# "not ok" line is one failure; "ok - DESC # SKIP REASON" is a skip, counted
# apart on a SKIP line. Helpers: tests/scripts/lib.sh.
#
# Environment given to cases and scripts: CPREPORT (absolute path of the
# binary under test), CPREPORT_MODE (plain|asan|valgrind|script), TESTDATA,
# FIXTURES, ROOT (absolute paths), TMP and TMPDIR (a fresh empty folder),
# LC_ALL=C, TZ=UTC, NO_COLOR, GITHUB_ACTIONS, GITHUB_STEP_SUMMARY and SOURCE_DATE_EPOCH unset; scripts also get CPREPORT_ASAN and
# CPREPORT_STATIC, and CPREPORT_WORK (this run's work folder, for what a
# script keeps for inspection).
#
# Knobs (environment):
#   VALGRIND=1   every case also under valgrind; VALGRIND=0 none; unset: only
#                cases holding a `valgrind` file
#   ASAN=0       skip the sanitizer runs
#   UPDATE=1     rewrite the expected stdout, stderr and exit files of the
#                selected cases from a plain run (review with git diff).
#                Only files that exist are rewritten (an `exit` file is also
#                created when the status is not 0): create an empty stdout
#                or stderr file first to start comparing that stream.
#   TIMEOUT=60   seconds per run (valgrind runs get 10x, scripts 10x)
#   KEEP=1       keep every run's folder under tests/.work/run-PID (failed
#                runs' folders are always kept, until the next run)
#   PLAIN_BIN, ASAN_BIN, STATIC_BIN   binaries (default ./cpreport,
#                ./cpreport-asan, ./cpreport-static)
#
# The last line printed is "N passed, N failed"; the exit status is 1 when
# anything failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CASES=$ROOT/tests/cases
SCRIPTS=$ROOT/tests/scripts
# Each run has its own work folder, so that two runs in one checkout (two
# terminals, or make test beside tests/run.sh NAME) never share one.
WORK_ROOT=$ROOT/tests/.work
WORK=$WORK_ROOT/run-$$
PLAIN_BIN=${PLAIN_BIN:-$ROOT/cpreport}
ASAN_BIN=${ASAN_BIN:-$ROOT/cpreport-asan}
STATIC_BIN=${STATIC_BIN:-$ROOT/cpreport-static}
TIMEOUT=${TIMEOUT:-60}
VALGRIND=${VALGRIND:-}
ASAN=${ASAN:-1}
UPDATE=${UPDATE:-0}
KEEP=${KEEP:-0}

abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
PLAIN_BIN=$(abspath "$PLAIN_BIN")
ASAN_BIN=$(abspath "$ASAN_BIN")
STATIC_BIN=$(abspath "$STATIC_BIN")

# shellcheck disable=SC2054  # the commas belong to valgrind's option values
# Reports go to files named from CPREPORT_SAN_LOG (see san_reports), so
# that a case piping cpreport or hiding its stderr cannot lose them.
VALGRIND_CMD=(valgrind --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect -q
    '--log-file=%q{CPREPORT_SAN_LOG}.valgrind.%p')

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); printf 'PASS %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
indent() { sed 's/^/    /'; }
summary() {
    [ "$skipped" -gt 0 ] && printf '(%d skipped, neither passed nor failed: see the SKIP lines)\n' "$skipped"
    printf '%d passed, %d failed\n' "$passed" "$failed"
    [ "$failed" -eq 0 ]
    exit
}

# --- what to run -------------------------------------------------------------
cases=()
scripts=()
is_script() { [ -f "$1" ] && [ -x "$1" ] && [ "$(basename "$1")" != lib.sh ]; }
if [ $# -eq 0 ]; then
    for d in "$CASES"/*/; do [ -d "$d" ] && cases+=("$(basename "$d")"); done
    for s in "$SCRIPTS"/*.sh; do is_script "$s" && scripts+=("$(basename "$s")"); done
else
    for arg in "$@"; do
        name=${arg%/}
        name=${name##*/}        # accept tests/cases/foo/ or tests/scripts/x.sh
        if [ -d "$CASES/$name" ]; then
            cases+=("$name")
        elif is_script "$SCRIPTS/$name"; then
            scripts+=("$name")
        elif is_script "$SCRIPTS/$name.sh"; then
            scripts+=("$name.sh")
        else
            fail "$arg: no case tests/cases/$name/ and no executable script tests/scripts/$name.sh"
        fi
    done
fi

# Folders of earlier runs that have ended go (a failed run's are kept until
# then); a run still going keeps its own.
for old in "$WORK_ROOT"/run-*; do
    [ -d "$old" ] || continue
    kill -0 "${old##*/run-}" 2>/dev/null || rm -rf "$old"
done
rm -rf "$WORK"
mkdir -p "$WORK"

# --- binaries ----------------------------------------------------------------
if [ ! -x "$PLAIN_BIN" ]; then
    fail "setup: $PLAIN_BIN is not built (make)"
    summary
fi

modes=(plain)
if [ "$UPDATE" = 1 ]; then
    :
elif [ "$ASAN" = 0 ]; then
    echo "(ASAN=0: sanitizer runs skipped)"
elif [ ! -x "$ASAN_BIN" ]; then
    fail "setup: $ASAN_BIN is not built (make cpreport-asan), sanitizer runs skipped"
else
    modes+=(asan)
    # Through a link named cpreport, so that messages built from argv[0]
    # read the same as with the plain binary.
    mkdir -p "$WORK/bin-asan"
    ln -s "$ASAN_BIN" "$WORK/bin-asan/cpreport"
fi

want_valgrind=0
if [ "$UPDATE" != 1 ] && [ "$VALGRIND" != 0 ]; then
    if [ "$VALGRIND" = 1 ]; then
        want_valgrind=1
    else
        for c in ${cases[@]+"${cases[@]}"}; do [ -e "$CASES/$c/valgrind" ] && want_valgrind=1; done
    fi
fi
if [ "$want_valgrind" = 1 ]; then
    if ! type -P valgrind >/dev/null; then
        fail "setup: valgrind is not installed (Debian package valgrind), valgrind runs skipped"
        want_valgrind=0
    else
        mkdir -p "$WORK/bin-valgrind"
        {
            echo '#!/bin/bash'
            printf 'exec'
            printf ' %q' "${VALGRIND_CMD[@]}" "$PLAIN_BIN"
            printf ' "$@"\n'
        } >"$WORK/bin-valgrind/cpreport"
        chmod +x "$WORK/bin-valgrind/cpreport"
    fi
fi

# Run "$@" in the test environment, in folder $1, output into folder $2
# (stdout, stderr, or both into "output" when $3 = merged), time limit $4.
run_in_env() {
    local cwd=$1 out=$2 merge=$3 limit=$4 mode=$5 bin=$6
    shift 6
    local envs=(
        -u NO_COLOR -u GITHUB_ACTIONS -u GITHUB_STEP_SUMMARY -u SOURCE_DATE_EPOCH -u ASAN_OPTIONS -u UBSAN_OPTIONS -u LSAN_OPTIONS
        LC_ALL=C TZ=UTC
        CPREPORT="$bin" CPREPORT_MODE="$mode"
        TESTDATA="$ROOT/testdata" FIXTURES="$ROOT/tests/fixtures" ROOT="$ROOT"
        TMP="$out/tmp" TMPDIR="$out/tmp" CPREPORT_SAN_LOG="$out/san"
    )
    if [ "$mode" = asan ] || [ "$mode" = script ]; then
        envs+=(ASAN_OPTIONS="detect_leaks=1:log_path=$out/san"
            UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$out/san")
    fi
    [ "$mode" = script ] && envs+=(CPREPORT_ASAN="$ASAN_BIN" CPREPORT_STATIC="$STATIC_BIN" CPREPORT_WORK="$WORK")
    mkdir -p "$out/tmp"
    if [ "$merge" = merged ]; then
        (cd "$cwd" && exec env "${envs[@]}" timeout -k 5 "$limit" "$@") </dev/null >"$out/output" 2>&1
    else
        (cd "$cwd" && exec env "${envs[@]}" timeout -k 5 "$limit" "$@") </dev/null >"$out/stdout" 2>"$out/stderr"
    fi
}

# The reports of the sanitizers and valgrind in folder $1 (files san.*,
# whatever the case did with stderr): prints their first lines and
# succeeds when there is any.
san_reports() {
    local f found=1
    for f in "$1"/san.*; do
        [ -s "$f" ] || continue
        found=0
        head -n 40 "$f" | indent
    done
    return $found
}

show_diff() { # label expected actual
    diff -u --label "expected $1" --label "actual $1" "$2" "$3" | head -n 40 | indent
}

# --- cases ---------------------------------------------------------------------
run_case() { # name mode
    local name=$1 mode=$2 dir=$CASES/$1 out=$WORK/$1.$2 bin limit status expected
    case "$mode" in
        plain) bin=$PLAIN_BIN limit=$TIMEOUT ;;
        asan) bin=$WORK/bin-asan/cpreport limit=$TIMEOUT ;;
        valgrind) bin=$WORK/bin-valgrind/cpreport limit=$((TIMEOUT * 10)) ;;
    esac
    if [ ! -f "$dir/cmd" ]; then
        fail "$name [$mode]: no cmd file in tests/cases/$name/"
        return
    fi
    mkdir -p "$out"
    run_in_env "$dir" "$out" split "$limit" "$mode" "$bin" bash -o pipefail ./cmd
    status=$?

    expected=0
    if [ -f "$dir/exit" ]; then
        read -r expected <"$dir/exit" || true
        case "$expected" in '' | *[!0-9]*) fail "$name [$mode]: exit file does not hold a number"; return ;; esac
    fi

    if [ "$UPDATE" = 1 ]; then
        update_case "$name" "$dir" "$out" "$status" "$expected"
        return
    fi

    local reasons=() details=""
    if [ "$status" = 124 ] && [ "$expected" != 124 ]; then
        reasons+=("timed out after ${limit}s")
    elif [ "$status" != "$expected" ]; then
        reasons+=("exit $status, expected $expected")
    fi
    local report
    if report=$(san_reports "$out"); then
        reasons+=("sanitizer or valgrind report")
        details+=$report$'\n'
    fi
    local s
    for s in stdout stderr; do
        if [ -f "$dir/$s" ] && ! cmp -s "$dir/$s" "$out/$s"; then
            reasons+=("$s differs")
            details+=$(show_diff "$s" "$dir/$s" "$out/$s")$'\n'
        fi
    done
    # Unless compared above, stderr usually says why (also of a command
    # piped into a checker, whose exit status is the one seen).
    if [ ${#reasons[@]} -gt 0 ] && [ ! -f "$dir/stderr" ] && [ -s "$out/stderr" ]; then
        details+="    stderr (first 20 lines):"$'\n'$(head -n 20 "$out/stderr" | indent)$'\n'
    fi

    if [ ${#reasons[@]} -eq 0 ]; then
        pass "$name [$mode]"
        [ "$KEEP" = 1 ] || rm -rf "$out"
    else
        local joined
        joined=$(printf '%s; ' "${reasons[@]}")
        fail "$name [$mode]: ${joined%; }"
        printf '%s' "$details"
        echo "    (output kept in ${out#"$ROOT"/})"
    fi
}

update_case() { # name dir out status expected
    local name=$1 dir=$2 out=$3 status=$4 expected=$5 changed=() s
    if [ "$status" = 124 ]; then
        fail "$name [plain]: timed out after ${TIMEOUT}s, nothing updated"
        return
    fi
    for s in stdout stderr; do
        if [ -f "$dir/$s" ] && ! cmp -s "$dir/$s" "$out/$s"; then
            cp "$out/$s" "$dir/$s"
            changed+=("$s")
        fi
    done
    # Without an exit file the expectation is 0, so this creates one only
    # for a non-zero status.
    if [ "$status" != "$expected" ]; then
        echo "$status" >"$dir/exit"
        changed+=("exit")
    fi
    if [ ${#changed[@]} -gt 0 ]; then
        pass "$name [plain]: UPDATED ${changed[*]}"
    else
        pass "$name [plain]: unchanged"
    fi
    [ "$KEEP" = 1 ] || rm -rf "$out"
}

for c in ${cases[@]+"${cases[@]}"}; do
    for m in "${modes[@]}"; do
        run_case "$c" "$m"
    done
    if [ "$want_valgrind" = 1 ] && { [ "$VALGRIND" = 1 ] || [ -e "$CASES/$c/valgrind" ]; }; then
        run_case "$c" valgrind
    fi
done

# --- scripts -------------------------------------------------------------------
run_script() { # file name
    local name=${1%.sh} out=$WORK/${1%.sh}.script status nok=0 nfail=0 line last_failed=0
    mkdir -p "$out"
    run_in_env "$ROOT" "$out" merged $((TIMEOUT * 10)) script "$PLAIN_BIN" "$SCRIPTS/$1"
    status=$?
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            "ok - "*" # SKIP "*)
                skipped=$((skipped + 1))
                printf 'SKIP %s [script]: %s\n' "$name" "${line#ok - }"
                nok=$((nok + 1)) last_failed=0 ;;
            "ok - "* | ok)
                pass "$name [script]: ${line#ok - }"
                nok=$((nok + 1)) last_failed=0 ;;
            "not ok - "* | "not ok")
                fail "$name [script]: ${line#not ok - }"
                nfail=$((nfail + 1)) last_failed=1 ;;
            "#"*)
                [ "$last_failed" = 1 ] && printf '    %s\n' "$line" ;;
            *) last_failed=0 ;;
        esac
    done <"$out/output"
    if [ "$status" != 0 ] && [ "$nfail" = 0 ]; then
        if [ "$status" = 124 ]; then
            fail "$name [script]: timed out after $((TIMEOUT * 10))s"
        else
            fail "$name [script]: exited with status $status"
        fi
        tail -n 20 "$out/output" | indent
        nfail=1
    elif [ "$status" = 0 ] && [ "$nok" = 0 ] && [ "$nfail" = 0 ]; then
        fail "$name [script]: printed no 'ok - ' or 'not ok - ' line"
        nfail=1
    fi
    local report
    if report=$(san_reports "$out"); then
        fail "$name [script]: sanitizer or valgrind report"
        printf '%s\n' "$report"
        nfail=$((nfail + 1))
    fi
    if [ "$nfail" = 0 ] && [ "$KEEP" != 1 ]; then
        rm -rf "$out"
    else
        echo "    (output kept in ${out#"$ROOT"/})"
    fi
}

if [ "$UPDATE" = 1 ]; then
    [ ${#scripts[@]} -gt 0 ] && echo "(UPDATE=1: scripts not run)"
else
    for s in ${scripts[@]+"${scripts[@]}"}; do
        run_script "$s"
    done
fi

# Leave no work folder behind when everything passed.
rm -f "$WORK/bin-asan/cpreport" "$WORK/bin-valgrind/cpreport"
rmdir "$WORK/bin-asan" "$WORK/bin-valgrind" "$WORK" "$WORK_ROOT" 2>/dev/null
summary
