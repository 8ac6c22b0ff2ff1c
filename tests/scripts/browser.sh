#!/usr/bin/env bash
# The HTML report in a real browser: Debian's chromium, headless, driven by
# playwright-core (tests/browser/check.mjs). For the bundled testdata's report,
# its hub index and one hub report, and the golden fixture: loads with no
# console or page errors, fetches nothing but itself, every chart (svg) has a
# non-empty box, every table is visible, dark mode changes the background;
# at 360 and 1280 px, light and dark, nothing is wider than the window, no
# text overflows its box and chart text is at least 9 px (screenshots of
# each go to tests/.work/run-PID/browser/); print to A4 PDF gives the pinned
# page count, pdftotext finds "Page N of M" and the running footer on
# every page, and no page but the last has its lower half empty. It runs from a folder deeper than 100 characters, as a
# checkout in a long path would.
#
# Installs what it lacks: as root, Debian's chromium (and nodejs/npm when
# there is no node) through tests/setup.sh, and playwright-core into
# tests/browser/node_modules with `npm ci` whenever package-lock.json changed.
# Skipped, with one SKIP line saying why, only when no browser can
# be installed.
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# Print-to-PDF page ranges, measured with Debian's chromium 156 and the
# DejaVu fonts. One page either way allows for another machine's fonts; a
# change beyond that means the report or its print stylesheet changed: look
# at the PDF in tests/.work/run-PID/browser/, then update these. Issue 14's
# print stylesheet (long tables split, rows and charts never; the overview
# alone on page 1) took the testdata report from 17 pages to 7; with the
# glossary and "What changed" (100 schools) it is 9. A board pack must
# stay within 10.
PAGES_TESTDATA=8-10    # testdata/*.json (four snapshots)
PAGES_FULL=3-5         # tests/fixtures/kpi/full-2024.json (one snapshot)
PAGES_INDEX=1-2        # the testdata's hub index
PAGES_HUB=1-3          # one hub's report
# The running footer of the testdata's pages (organisation and period).
FOOTER_TESTDATA="Example Schools Partnership · December 2025"

# Screenshots and PDFs stay in this run's work folder (tests/.work/run-PID/).
SHOTS=${CPREPORT_WORK:-$TMP}/browser
BROWSER_DIR=$ROOT/tests/browser
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
started=$(date +%s)

# --- chromium ----------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
    reason=""
    if [ "$(id -u)" != 0 ]; then
        reason="chromium is not installed and installing it needs root: apt-get install chromium"
    elif ! type -P apt-get >/dev/null; then
        reason="chromium is not installed and there is no apt-get"
    else
        out=$(bash "$ROOT/tests/setup.sh" deps 'chromium?' 2>&1)
        if ! type -P chromium >/dev/null; then
            reason="apt-get could not install Debian package chromium: $(printf '%s\n' "$out" | grep -v '^cpreport: installing' | head -n 3 | tr '\n' ' ')"
        elif [ ! -x "$CHROMIUM" ]; then
            reason="Debian's chromium is $(type -P chromium), but CHROMIUM=$CHROMIUM is not there"
        fi
    fi
    if [ -n "$reason" ]; then
        skip "the report in a real browser" "no browser could be installed (${reason% })"
        exit 0
    fi
    ok "Debian's chromium installed ($(($(date +%s) - started)) s)"
fi

# --- node and npm -------------------------------------------------------------
# Only when node is absent does Debian's nodejs come in: a node from
# elsewhere (e.g. NodeSource, which bundles npm) is used as it is.
if ! type -P node >/dev/null || ! type -P npm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        bash "$ROOT/tests/setup.sh" deps node npm >/dev/null 2>&1 || true
    fi
    if ! type -P node >/dev/null || ! type -P npm >/dev/null; then
        not_ok "node and npm are installed (Debian packages nodejs and npm), to drive chromium" \
            "node: $(type -P node || echo missing), npm: $(type -P npm || echo missing)"
        exit 0
    fi
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
need_major=$(node -p 'require(process.argv[1]).engines.node.replace(/[^0-9]/g, "")' "$BROWSER_DIR/package.json" 2>/dev/null)
if [ -z "$node_major" ] || [ -z "$need_major" ] || [ "$node_major" -lt "$need_major" ]; then
    not_ok "node $(node --version 2>/dev/null) is recent enough for playwright-core (needs ${need_major:-?}+)"
    exit 0
fi

# --- playwright-core -----------------------------------------------------------
# npm ci again only when package-lock.json (or node) changed since the last
# install; the lock file itself is the lock, so two runs never install at once.
stamp=$BROWSER_DIR/node_modules/.cpreport-installed
want_stamp="$(sha256sum <"$BROWSER_DIR/package-lock.json" | cut -d' ' -f1) node-$node_major"
exec 8<"$BROWSER_DIR/package-lock.json"
type -P flock >/dev/null && flock 8
if [ ! -d "$BROWSER_DIR/node_modules/playwright-core" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]; then
    npm_log=$TMP/npm-ci.log
    t0=$(date +%s)
    if (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error) >"$npm_log" 2>&1; then
        printf '%s\n' "$want_stamp" >"$stamp"
        ok "playwright-core installed in tests/browser/node_modules (npm ci, $(($(date +%s) - t0)) s)"
    else
        not_ok "npm ci in tests/browser installs playwright-core" "$(tail -n 15 "$npm_log")"
        exit 0
    fi
fi
exec 8<&-

# --- pdftotext -------------------------------------------------------------------
if ! type -P pdftotext >/dev/null && [ "$(id -u)" = 0 ]; then
    bash "$ROOT/tests/setup.sh" deps pdftotext >/dev/null 2>&1 || true
fi
if ! type -P pdftotext >/dev/null; then
    not_ok "pdftotext is installed (Debian package poppler-utils), to read the printed pages"
    exit 0
fi

# --- the reports -----------------------------------------------------------------
check "cpreport writes the testdata report and its hub reports as HTML" \
    "$CPREPORT" "$TESTDATA"/*.json -o "$TMP/report.html" --by hub --out-dir "$TMP/hubs" -f html || exit 0
hub=$(cd "$TMP/hubs" && ls -- *.html | grep -vx index.html | LC_ALL=C sort | head -n 1)
check "cpreport writes the full-2024 fixture report as HTML" \
    "$CPREPORT" "$FIXTURES/kpi/full-2024.json" -o "$TMP/full.html" || exit 0

# --- in the browser ----------------------------------------------------------------
# As from a checkout deep in the file system: the work folder the browser
# step runs in is padded past 100 characters, and the temporary folder it
# is given is in there too. Chromium's profile and sockets must not follow
# it: a Unix socket's path has at most 107 bytes ("Socket path too long"),
# so node gets a short folder of its own under /tmp.
deep=$TMP/a-folder-as-deep-as-a-checkout-in-a-long-path
while [ ${#deep} -le 110 ]; do deep=$deep/deeper; done
mkdir -p "$deep" "$SHOTS"
cp "$TMP/report.html" "$TMP/full.html" "$deep/"
cp "$TMP/hubs/index.html" "$deep/hub-index.html"
cp "$TMP/hubs/$hub" "$deep/hub-$hub"
short=$(mktemp -d /tmp/cpr.XXXXXX)
(cd "$deep" && TMP=$deep TMPDIR=$short CHROMIUM=$CHROMIUM timeout -k 5 120 node "$BROWSER_DIR/check.mjs" \
    --shots "$deep" --no-charts hub-index.html "$deep/report.html=$PAGES_TESTDATA=$FOOTER_TESTDATA" "$deep/full.html=$PAGES_FULL" \
    "$deep/hub-index.html=$PAGES_INDEX=$FOOTER_TESTDATA" "$deep/hub-$hub=$PAGES_HUB=$FOOTER_TESTDATA")
status=$?
rm -rf "$short"
cp "$deep"/*.png "$deep"/*.pdf "$SHOTS/" 2>/dev/null
if [ "$status" != 0 ]; then
    not_ok "tests/browser/check.mjs ran to the end from a folder whose path has ${#deep} characters" \
        "exit status $status$([ "$status" = 124 ] && echo ' (timed out after 120 s)')"
else
    ok "tests/browser/check.mjs ran to the end from a folder whose path has ${#deep} characters"
fi
echo "# browser test took $(($(date +%s) - started)) s; screenshots and PDFs in ${SHOTS#"$ROOT"/}"
