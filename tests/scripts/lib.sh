# Helpers for tests/scripts/*.sh (source it; tests/run.sh reads the output).
#
#   ok DESC                     report a pass
#   skip DESC REASON            report a check that could not run, and why
#   not_ok DESC [DETAIL...]     report a failure; DETAIL lines become "# " notes
#   check DESC CMD...           pass when CMD exits 0
#   expect_exit N DESC CMD...   pass when CMD exits with status N
#   expect_eq DESC ACTUAL EXPECTED
#
# CMD runs with stdin from /dev/null; its output is shown only on failure.
# Each helper returns 0 on pass and 1 on failure, so a script can stop early
# with `check ... || exit 1` when later checks make no sense.

ok() { printf 'ok - %s\n' "$1"; }

# A check that could not run here, and why: neither a pass nor a failure.
skip() { printf 'ok - %s # SKIP %s\n' "$1" "$2"; }

not_ok() {
    printf 'not ok - %s\n' "$1"
    shift
    local line
    for line in "$@"; do
        [ -n "$line" ] && printf '%s\n' "$line" | sed 's/^/# /'
    done
    return 0
}

# Run CMD..., capturing its combined output in $_lib_out; sets $_lib_status.
_lib_run() {
    _lib_out=$("$@" </dev/null 2>&1)
    _lib_status=$?
}

_lib_output_note() {
    [ -n "$_lib_out" ] || return 0
    printf '%s\n' "$_lib_out" | head -n 20
}

check() {
    local desc=$1
    shift
    _lib_run "$@"
    if [ "$_lib_status" -eq 0 ]; then
        ok "$desc"
    else
        not_ok "$desc" "command: $*" "exit status $_lib_status" "$(_lib_output_note)"
        return 1
    fi
}

expect_exit() {
    local want=$1 desc=$2
    shift 2
    _lib_run "$@"
    if [ "$_lib_status" -eq "$want" ]; then
        ok "$desc"
    else
        not_ok "$desc" "command: $*" "exit status $_lib_status, expected $want" "$(_lib_output_note)"
        return 1
    fi
}

expect_eq() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "actual:   $2" "expected: $3"
        return 1
    fi
}
