#!/usr/bin/env bash
# The static binary must run on any Linux: no dynamic loader, no libraries.
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

bin=$CPREPORT_STATIC

check "cpreport-static exists" test -x "$bin" || exit 0

has_no_interp() { ! readelf -lW "$1" | grep -q INTERP; }
check "cpreport-static has no INTERP program header" has_no_interp "$bin"

# Copied alone into an empty folder and started with an empty environment,
# so no library path, locale or PATH entry can help it.
alone=$(mktemp -d "$TMP/alone.XXXXXX")
cp "$bin" "$alone/cpreport-static"
runs_alone() { (cd "$alone" && env -i ./cpreport-static --version); }
check "cpreport-static --version runs alone in an empty folder with env -i" runs_alone
