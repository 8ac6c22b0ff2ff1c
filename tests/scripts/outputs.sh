#!/usr/bin/env bash
# Outputs: Markdown tables and HTML stay well formed whatever the input
# text (tests/fixtures/hostile/), and writing is safe: byte-identical
# reruns, all-or-nothing -o files, no temporary files left, exit 3 when an
# output cannot be written.
# shellcheck source=tests/scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The sanitizer build, so that the write and rollback paths run under
# ASan and UBSan too (the runner fails the script on any report).
bin=${CPREPORT_ASAN:-$CPREPORT}
hostile=$FIXTURES/hostile/hostile.json
small=$FIXTURES/small-2024.json
small23=$FIXTURES/small-2023.json
bad=$FIXTURES/invalid/fsm-more-than-pupils.json
W=$TMP/outputs
mkdir -p "$W"

# --- helpers -------------------------------------------------------------------

# A file's bytes and mtime, to tell later whether it was touched.
fingerprint() { printf '%s %s\n' "$(stat -c %Y "$1")" "$(cksum <"$1")"; }

# Temporary files of ours left in a folder.
leftovers() { find "$1" -name '.cpreport-*' -print; }

# Run cpreport (in folder DIR with -C DIR) with stdin from /dev/null and
# its output captured: $W/run.out, $W/run.err, status in $status. Commands
# in the array $pre (e.g. setpriv) come before it.
pre=()
run() {
    local dir=.
    if [ "$1" = -C ]; then
        dir=$2
        shift 2
    fi
    (cd "$dir" && exec "${pre[@]}" "$bin" "$@") </dev/null >"$W/run.out" 2>"$W/run.err"
    status=$?
}

# Report a run: pass when status, stderr (when given) and empty stdout (when
# asked) match.
expect_run() { # desc want_status want_stderr_or_- stdout_empty(yes|no)
    local desc=$1 want=$2 err=$3 empty=$4 notes=()
    [ "$status" = "$want" ] || notes+=("exit status $status, expected $want")
    if [ "$err" != - ] && [ "$(cat "$W/run.err")" != "$err" ]; then
        notes+=("stderr: $(head -c 400 "$W/run.err")" "expected: $err")
    fi
    if [ "$empty" = yes ] && [ -s "$W/run.out" ]; then
        notes+=("stdout not empty: $(head -c 200 "$W/run.out")")
    fi
    if [ ${#notes[@]} -eq 0 ]; then ok "$desc"; else not_ok "$desc" "${notes[@]}"; fi
}

# --- Markdown: tables keep their shape -----------------------------------------

# Every table: a header row, a delimiter row with as many cells, then rows
# with exactly as many unescaped '|' as the header (a '|' is escaped when an
# odd number of backslashes precede it), each starting and ending with an
# unescaped '|', and a blank line after the table, so no cell text broke the
# line. Prints one line per problem.
md_table_problems() {
    python3 - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
def pipes(line):
    """Positions of unescaped '|'."""
    out, bs = [], 0
    for i, c in enumerate(line):
        if c == "|" and bs % 2 == 0:
            out.append(i)
        bs = bs + 1 if c == "\\" else 0
    return out
problems, tables, rows, i = [], 0, 0, 0
while i < len(lines):
    if not lines[i].startswith("|"):
        i += 1
        continue
    tables += 1
    head = lines[i]
    n = len(pipes(head))
    start = i
    if i + 1 >= len(lines) or not re.fullmatch(r"\|( :?-{3,}:? \|)+", lines[i + 1]) or len(pipes(lines[i + 1])) != n:
        problems.append("line %d: no delimiter row matching the header" % (i + 2))
    i += 2
    while i < len(lines) and lines[i].startswith("|"):
        p = pipes(lines[i])
        rows += 1
        if len(p) != n:
            problems.append("line %d: %d unescaped '|', the header has %d" % (i + 1, len(p), n))
        elif p[-1] != len(lines[i]) - 1:
            problems.append("line %d: the row does not end with '|'" % (i + 1))
        i += 1
    if i < len(lines) and lines[i] != "":
        problems.append("line %d: the table (from line %d) runs on into text: %r" % (i + 1, start + 1, lines[i][:60]))
if tables == 0:
    problems.append("no tables at all")
print("\n".join(problems))
PY
}

run --format md "$hostile"
if [ "$status" != 0 ]; then
    not_ok "Markdown of the hostile fixture is written" "exit status $status" "$(head -n 5 "$W/run.err")"
else
    cp "$W/run.out" "$W/hostile.md"
    problems=$(md_table_problems "$W/hostile.md") || problems="the table check itself failed (status $?)"
    if [ -z "$problems" ]; then
        ok "Markdown (hostile input): every table row has the header's number of unescaped '|', no cell breaks its line"
    else
        not_ok "Markdown (hostile input): every table row has the header's number of unescaped '|', no cell breaks its line" \
            "$(printf '%s\n' "$problems" | head -n 10)"
    fi
    tab=$(printf '\t')
    if grep -q "$tab" "$W/hostile.md" || grep -q $'\r' "$W/hostile.md"; then
        not_ok "Markdown (hostile input): no raw tab or carriage return" "$(grep -n -e "$tab" -e $'\r' "$W/hostile.md" | head -n 3)"
    else
        ok "Markdown (hostile input): no raw tab or carriage return"
    fi
fi

# The same Markdown through GitHub's renderer: tables come out as tables with
# as many cells per row as headers, the input's markup characters stay text
# (no link, emphasis, code, list, rule, raw HTML), and every input text the
# report shows reads back whole.
cmark_check() { # markdown-file snapshot [period]: with "period", only the
                #   finance period must read back whole
    python3 - "$@" <<'PY'
import json, re, subprocess, sys
from html.parser import HTMLParser
md, snap = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
period_only = sys.argv[3:] == ["period"]
html = subprocess.run(["cmark-gfm", "-e", "table", "-e", "strikethrough", "-e", "autolink", md],
                      check=True, capture_output=True, text=True).stdout
ALLOWED = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "strong"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.rows, self.segs, self.cur = set(), [], [], None
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "tr":
            self.cur = [0, 0]
            self.rows.append(self.cur)
        elif tag in ("th", "td") and self.cur is not None:
            self.cur[tag == "td"] += 1
    def handle_comment(self, data):
        self.tags.add("<!--%s-->" % data.strip())
    def handle_data(self, data):
        self.segs.append(data)
p = P(); p.feed(html); p.close()
problems = []
extra = sorted(p.tags - ALLOWED)
if extra:
    problems.append("elements not made by the report: %s" % " ".join(extra))
if "table" not in p.tags:
    problems.append("no <table> rendered")
width = None
for r in p.rows:
    if r[0] and not r[1]:          # a header row
        width = r[0]
    elif width is not None and r[1] + r[0] != width:
        problems.append("a row with %d cells under a header of %d" % (r[0] + r[1], width))
# Reports show a bidirectional control (U+202A..E, U+2066..9) as U+FFFD.
ws = lambda s: re.sub(r"\s+", " ", re.sub("[\u202a-\u202e\u2066-\u2069]", "\ufffd", s))
text = "\0".join(ws(s) for s in p.segs)
texts = [snap.get("label")] + [h.get("name", h["id"]) for h in snap.get("hubs", [])]
texts += [x["name"] for x in snap.get("programmes", [])] + [x["question"] for x in snap.get("surveys", [])]
fin = snap.get("finance", {})
texts += [fin.get("period")] + [x["source"] for x in fin.get("income", [])] + [x["item"] for x in fin.get("expenditure", [])]
if period_only:
    texts = [fin.get("period")]
for t in texts:
    if t and ws(t).strip() not in text:
        problems.append("input text not read back whole: %r" % t[:70])
print("tables=%d rows=%d" % (html.count("<table>"), len(p.rows)) if not problems else "\n".join(problems[:10]))
PY
}

if ! type -P cmark-gfm >/dev/null; then
    skip "Markdown renders as GitHub tables" "cmark-gfm is not installed"
elif [ -f "$W/hostile.md" ]; then
    out=$(cmark_check "$W/hostile.md" "$hostile" 2>&1)
    case "$out" in
        tables=*) ok "Markdown (hostile input) renders with cmark-gfm: tables with the header's number of cells per row, markup stays text, every input text reads back ($out)" ;;
        *) not_ok "Markdown (hostile input) renders with cmark-gfm: tables with the header's number of cells per row, markup stays text, every input text reads back" "$out" ;;
    esac
    # A text that starts a line (the finance period is the caption above the
    # finance tables) must not start a Markdown block either: list items,
    # thematic breaks, indented code.
    for period in '- 2024/25' '1. 2024/25' '---' '    2024/25'; do
        python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["finance"]["period"] = sys.argv[2]
json.dump(d, open(sys.argv[3], "w", encoding="utf-8"))' "$FIXTURES/hostile/period-block.json" "$period" "$W/period.json"
        run --format md "$W/period.json"
        out=$(cmark_check "$W/run.out" "$W/period.json" period 2>&1)
        case "$status:$out" in
            0:tables=*) ok "Markdown: finance period '$period' stays caption text (cmark-gfm)" ;;
            *) not_ok "Markdown: finance period '$period' stays caption text (cmark-gfm)" "exit status $status" "$out" \
                "$(grep -n -x -F -e "$period" "$W/run.out" | head -n 2)" ;;
        esac
    done
fi

# --- HTML: parses cleanly --------------------------------------------------------

# libxml2's HTML parser knows HTML 4 only, so it calls HTML5 and inline SVG
# elements invalid; everything else it says is a real parse error.
html_parse_errors() {
    xmllint --html --noout "$1" 2>&1 | python3 -c '
import re, sys
HTML5 = ("main header footer nav section article aside figure figcaption details summary mark time "
         "svg g path line polyline polygon rect circle ellipse text tspan title desc defs use symbol "
         "marker clipPath linearGradient radialGradient stop pattern mask").split()
for line in sys.stdin:
    m = re.search(r"HTML parser error : (.*)", line)
    t = m and re.fullmatch(r"Tag (\S+) invalid", m.group(1).strip())
    if m and not (t and t.group(1) in HTML5):
        print(line.rstrip())' | head -n 20
}

if ! type -P xmllint >/dev/null; then
    skip "HTML parses with xmllint" "xmllint is not installed"
else
    for input in "$hostile" "$small" "$ROOT/testdata"; do
        if [ -d "$input" ]; then set -- "$input"/*.json; else set -- "$input"; fi
        name=${input#"$ROOT"/}
        run --format html "$@"
        errors=$(html_parse_errors "$W/run.out")
        if [ "$status" = 0 ] && [ -z "$errors" ]; then
            ok "HTML of $name parses with xmllint --html without errors"
        else
            not_ok "HTML of $name parses with xmllint --html without errors" "exit status $status" "$errors"
        fi
    done
fi

# --- Same input, same bytes ------------------------------------------------------

three_outputs() { # folder snapshot...
    local dir=$1
    shift
    mkdir -p "$dir"
    "${pre[@]}" "$bin" "$@" -o "$dir/r.md" -o "$dir/r.html" -o "$dir/r.json" </dev/null >/dev/null 2>"$dir/stderr"
}

# shellcheck disable=SC2317  # called through check
same_files() { # folder folder: cmp of r.md, r.html, r.json
    local f
    for f in r.md r.html r.json; do
        cmp "$1/$f" "$2/$f" || return 1
    done
}

three_outputs "$W/run1" "$ROOT"/testdata/*.json
three_outputs "$W/run2" "$ROOT"/testdata/*.json
check "testdata: two runs give byte-identical md, html and json" same_files "$W/run1" "$W/run2"
three_outputs "$W/h1" "$hostile"
three_outputs "$W/h2" "$hostile"
check "hostile fixture: two runs give byte-identical md, html and json" same_files "$W/h1" "$W/h2"

# The clock, SOURCE_DATE_EPOCH, the time zone and the locale change nothing.
if type -P faketime >/dev/null; then
    # The plain build: libfaketime is preloaded, which ASan refuses.
    pre=(faketime '2031-07-04 12:00:00') bin=$CPREPORT
    three_outputs "$W/clock" "$ROOT"/testdata/*.json
    pre=() bin=${CPREPORT_ASAN:-$CPREPORT}
    check "the clock (faketime 2031-07-04) does not change the outputs" same_files "$W/run1" "$W/clock"
else
    skip "the clock does not change the outputs" "faketime is not installed (Debian package faketime)"
fi
SOURCE_DATE_EPOCH=0 three_outputs "$W/sde0" "$ROOT"/testdata/*.json
SOURCE_DATE_EPOCH=1900000000 three_outputs "$W/sde1" "$ROOT"/testdata/*.json
check "SOURCE_DATE_EPOCH=0 and =1900000000 give the same outputs" same_files "$W/sde0" "$W/sde1"
check "SOURCE_DATE_EPOCH set or unset gives the same outputs" same_files "$W/sde0" "$W/run1"
TZ=Pacific/Kiritimati three_outputs "$W/tz" "$ROOT"/testdata/*.json
check "TZ=Pacific/Kiritimati gives the same outputs as TZ=UTC" same_files "$W/tz" "$W/run1"
# A locale with a decimal comma and another thousands separator: the
# machine's, or one built here with localedef (LOCPATH), checked to have a
# decimal comma before it counts.
loc=$(locale -a 2>/dev/null | grep -i -m 1 -E '^(de_DE|fr_FR|nl_NL)\.utf-?8$')
locpath=
if [ -z "$loc" ] && type -P localedef >/dev/null && mkdir -p "$TMP/locales" &&
    localedef -i de_DE -f UTF-8 "$TMP/locales/de_DE.UTF-8" >/dev/null 2>&1; then
    loc=de_DE.UTF-8 locpath=$TMP/locales
fi
if [ -n "$loc" ] && [ "$(LOCPATH=$locpath LC_ALL=$loc locale decimal_point 2>/dev/null)" = "," ]; then
    LOCPATH=$locpath LC_ALL=$loc three_outputs "$W/locale" "$ROOT"/testdata/*.json
    check "LC_ALL=$loc (a decimal comma) gives the same outputs as LC_ALL=C" same_files "$W/locale" "$W/run1"
else
    skip "a locale with a decimal comma changes nothing" "no such locale, and localedef could not build de_DE"
fi

# One run writing md, html and json gives the same bytes as three runs with
# --format to standard output.
for f in md html json; do
    "$bin" --format "$f" "$ROOT"/testdata/*.json </dev/null >"$W/stdout.$f" 2>/dev/null
    check "-o r.$f gives the same bytes as --format $f on standard output" cmp "$W/run1/r.$f" "$W/stdout.$f"
done

# --- Writing: exit 3, all or nothing --------------------------------------------

# A write error on an -o file (full.md is a link to /dev/full: -o needs an
# extension): exit 3 with the reason, nothing on standard output, and the
# other -o files of the run, before or after it, are not written.
d=$W/full
mkdir -p "$d"
ln -s /dev/full "$d/full.md"
run -C "$d" "$small" -o before.html -o full.md -o after.json
expect_run "-o to /dev/full (through full.md): exit 3 with the reason, nothing on stdout" 3 \
    "cpreport: full.md: cannot write: No space left on device" yes
check "-o to /dev/full: the run's other -o files are not written" test ! -e "$d/before.html" -a ! -e "$d/after.json"
expect_eq "-o to /dev/full: no temporary files left" "$(leftovers "$d")" ""
run -C "$d" "$small" -o first.json -o /dev/full -o last.html
expect_run "-o /dev/full itself (no extension: the --format format): exit 3 with the reason, nothing on stdout" 3 \
    "cpreport: /dev/full: cannot write: No space left on device" yes
check "-o /dev/full itself: the run's other -o files are not written" test ! -e "$d/first.json" -a ! -e "$d/last.html"

"$bin" "$small" </dev/null >/dev/full 2>"$W/run.err"
status=$?
expect_run "standard output to /dev/full: exit 3 with the reason" 3 \
    "cpreport: standard output: cannot write: No space left on device" no

# Old reports survive a run that fails on its input: same bytes, same
# mtime, no temporary files; a report that did not exist is not created.
d=$W/keep
mkdir -p "$d"
for f in r.md r.html r.json; do echo "old $f" >"$d/$f"; done
touch -d '2001-02-03 04:05:06' "$d"/r.*
before=$(for f in r.md r.html r.json; do fingerprint "$d/$f"; done)
run -C "$d" "$small" "$bad" -o r.md -o r.html -o r.json -o new.md
expect_run "a bad snapshot with -o files: exit 2" 2 - yes
after=$(for f in r.md r.html r.json; do fingerprint "$d/$f"; done)
expect_eq "a bad snapshot leaves existing -o files untouched (bytes and mtime)" "$after" "$before"
check "a bad snapshot does not create a new -o file" test ! -e "$d/new.md"
expect_eq "a bad snapshot leaves no temporary files" "$(leftovers "$d")" ""

# An output folder that cannot be written: exit 3, and no -o file of the run
# is written, old ones untouched.
outfolder_case() { # desc expected-reason dir-arg
    local desc=$1 reason=$2 target=$3
    local d=$W/fold.$RANDOM
    mkdir -p "$d/ok"
    echo "old report" >"$d/ok/old.md"
    touch -d '2001-02-03 04:05:06' "$d/ok/old.md"
    local before
    before=$(fingerprint "$d/ok/old.md")
    run -C "$d" "$small" -o ok/old.md -o ok/new.html -o "$target" -o ok/new.json
    expect_run "$desc: exit 3 with the reason" 3 "cpreport: $target: $reason" yes
    expect_eq "$desc: the run's other -o files are not written, old ones untouched" \
        "$(fingerprint "$d/ok/old.md") $(find "$d/ok" -mindepth 1 -printf '%f ')" "$before old.md "
    expect_eq "$desc: no temporary files left" "$(leftovers "$d")" ""
}
outfolder_case "-o into a folder that does not exist" \
    "cannot write into its folder: No such file or directory" "missing/r.json"
outfolder_case "-o into a path whose folder is a file" \
    "cannot write into its folder: Not a directory" "ok/old.md/r.json"
d=$W/isdir
mkdir -p "$d/dir.md"
run -C "$d" "$small" -o first.html -o dir.md -o last.json
expect_run "-o naming an existing folder: exit 3 with the reason" 3 "cpreport: dir.md: cannot write: Is a directory" yes
check "-o naming an existing folder: the run's other -o files are not written" test ! -e "$d/first.html" -a ! -e "$d/last.json"

# A read-only folder. root may write anywhere, so as root the run drops to
# user nobody (setpriv) for this one.
d=$W/ro
mkdir -p "$d/ro" "$d/rw"
chmod 555 "$d/ro"
chmod 777 "$d" "$d/rw"
if [ "$(id -u)" = 0 ] && type -P setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    pre=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" = 0 ] && [ ${#pre[@]} = 0 ]; then
    skip "-o into a read-only folder" "running as root without setpriv"
else
    run -C "$d" "$small" -o rw/a.md -o ro/b.html -o rw/c.json
    expect_run "-o into a read-only folder: exit 3 with the reason" 3 \
        "cpreport: ro/b.html: cannot create a temporary file beside it: Permission denied" yes
    expect_eq "-o into a read-only folder: the run's other -o files are not written" \
        "$(find "$d/ro" "$d/rw" -mindepth 1 | wc -l)" 0
fi
pre=()
chmod 755 "$d/ro"

# --- Writing: what a successful run leaves ---------------------------------------

d=$W/modes
mkdir -p "$d"
echo old >"$d/kept.md"
chmod 600 "$d/kept.md"
mask=$(umask)
umask 027
run -C "$d" "$small" -o kept.md -o fresh.html
umask "$mask"
expect_run "a run replacing one report and creating another: exit 0" 0 "" yes
expect_eq "a replaced report keeps its mode (600); a new one gets 666 less the umask (027)" \
    "$(stat -c %a "$d/kept.md") $(stat -c %a "$d/fresh.html")" "600 640"
expect_eq "a successful run leaves no temporary files" "$(leftovers "$d")" ""
"$bin" --format md "$small" </dev/null >"$W/small.md" 2>/dev/null
check "the replaced report holds the new report whole" cmp "$d/kept.md" "$W/small.md"

# A replaced report keeps its permission bits only: never setuid, setgid
# or sticky (issue 9, item 5).
d=$W/suid
mkdir -p "$d"
echo old >"$d/kept.md"
chmod 6750 "$d/kept.md"
echo old >"$d/sticky.md"
chmod 1640 "$d/sticky.md" 2>/dev/null
run -C "$d" "$small" -o kept.md -o sticky.md
expect_run "replacing reports with setuid, setgid and sticky bits: exit 0" 0 "" yes
expect_eq "a replaced report keeps its permission bits only (6750 gives 750, 1640 gives 640)" \
    "$(stat -c %a "$d/kept.md") $(stat -c %a "$d/sticky.md")" "750 640"

# A link to standard output (/proc/self/fd/1, as /dev/stdout is) with
# standard output closed: exit 3, and the link stays a link (issue 9, item
# 4: as root, -o /dev/stdout replaced the system's link with a file).
d=$W/closed
mkdir -p "$d"
ln -s /proc/self/fd/1 "$d/stdout.md"
(cd "$d" && exec "$bin" "$small" -o stdout.md) </dev/null >&- 2>"$W/run.err"
status=$?
expect_run "-o a link to /proc/self/fd/1 with standard output closed: exit 3" 3 - no
check "-o a link to /proc/self/fd/1 with standard output closed: the link stays a link" test -L "$d/stdout.md"
expect_eq "-o a link to /proc/self/fd/1 with standard output closed: no temporary file left" "$(leftovers "$d")" ""

# --- Writing: signals, pipes, --by ----------------------------------------------

# A run killed while it writes (blocked opening a FIFO that has no reader,
# after its other files are in their temporaries) leaves no temporary file
# (issue 9, item 6). env --default-signal undoes a SIGINT ignored by the
# shell that started the tests.
if ! env --default-signal=INT true 2>/dev/null; then
    skip "SIGINT, SIGTERM and SIGHUP remove the temporary files" "env has no --default-signal (coreutils 8.31+)"
else
    for sig in INT TERM HUP; do
        d=$W/sig$sig
        mkdir -p "$d"
        mkfifo "$d/fifo.md"
        (cd "$d" && exec timeout -s $sig 3 env --default-signal=$sig "$bin" "$small" -o other.md -o fifo.md \
            --by hub --out-dir hubs) </dev/null >/dev/null 2>"$W/run.err"
        status=$?
        expect_run "SIG$sig while blocked on a FIFO: killed by the signal (timeout says 124)" 124 "" yes
        expect_eq "SIG$sig while writing: no temporary file left, no report written" \
            "$(leftovers "$d")$(find "$d" -name '*.md' ! -name fifo.md -o -name '*.html')" ""
    done
fi

# A closed pipe on standard output is exit 3 with the reason, not death by
# SIGPIPE (issue 9, item 7). The HTML is larger than a pipe holds, so the
# write meets the closed pipe.
"$bin" "$ROOT"/testdata/*.json -f html </dev/null 2>"$W/run.err" | head -c 10 >/dev/null
status=${PIPESTATUS[0]}
expect_run "standard output piped to head -c 10: exit 3 with the reason (no SIGPIPE)" 3 \
    "cpreport: standard output: cannot write: Broken pipe" no

# With --by, standard output is written before any report is renamed into
# place: standard output on /dev/full is exit 3 and leaves the old group
# reports and index as they were, and no new one (issue 9, item 22).
d=$W/byfull
mkdir -p "$d/hubs"
for f in h1.md index.html; do echo "old $f" >"$d/hubs/$f"; done
touch -d '2001-02-03 04:05:06' "$d"/hubs/*
before=$(for f in h1.md index.html; do fingerprint "$d/hubs/$f"; done)
(cd "$d" && exec "$bin" "$small" --by hub --out-dir hubs) </dev/null >/dev/full 2>"$W/run.err"
status=$?
expect_run "--by with standard output on /dev/full: exit 3 with the reason" 3 \
    "cpreport: standard output: cannot write: No space left on device" no
expect_eq "--by with standard output on /dev/full: the old group reports are untouched, no new one, no temporary" \
    "$(for f in h1.md index.html; do fingerprint "$d/hubs/$f"; done) $(ls -A "$d/hubs" | tr '\n' ' ')" \
    "$before h1.md index.html "

# A snapshot of hubs with one school each: MAX_GROUPS (5000) of them get a
# report each; one more is exit 2 naming the limit, before anything is
# written (issue 9, item 12).
hubs_snapshot() { # count file
    python3 - "$1" "$2" <<'PY'
import json, sys
n = int(sys.argv[1])
json.dump({"format": "cpreport/1", "as_of": "2024-12-31",
           "hubs": [{"id": "H%d" % i, "name": "Hub %d" % i} for i in range(n)],
           "schools": [{"urn": 100000 + i, "name": "School %d" % i, "phase": "primary", "region": "London",
                        "hub": "H%d" % i, "pupils": 100, "fsm_pupils": 20, "joined": "2020-01-01"} for i in range(n)]},
          open(sys.argv[2], "w"))
PY
}
d=$W/cap
mkdir -p "$d"
hubs_snapshot 5001 "$d/5001.json"
run -C "$d" 5001.json -o r.md --by hub --out-dir hubs
expect_run "--by hub with 5001 hubs: exit 2 naming the limit" 2 \
    "cpreport: --by hub: 5001 hubs have an active school, more than the limit of 5000 groups given a report each (MAX_GROUPS); nothing was written" yes
expect_eq "--by hub with 5001 hubs: nothing written, no folder made" "$(ls -A "$d")" "5001.json"

# Memory does not grow with the group reports written: each is rendered
# just before it is written and freed after, so 1,500 HTML group reports
# (about 10 KB each) add little to the peak of the run without --by. The
# plain build: the sanitizer's shadow memory would hide the difference.
hubs_snapshot 1500 "$d/1500.json"
peak_kb() { # args...: the run's peak resident memory in KB
    python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}
alone=$(cd "$d" && peak_kb "$CPREPORT" 1500.json -o r.html)
grouped=$(cd "$d" && peak_kb "$CPREPORT" 1500.json -o r.html --by hub --out-dir hubs)
files=$(find "$d/hubs" -name '*.html' | wc -l)
if [ "$files" = 1501 ] && [ $((grouped - alone)) -lt 5000 ]; then
    ok "--by hub with 1,500 groups: peak memory $grouped KB, within 5 MB of the $alone KB without --by (1,501 files)"
else
    not_ok "--by hub with 1,500 groups: peak memory within 5 MB of the run without --by" \
        "with --by: $grouped KB, without: $alone KB, HTML files written: $files (expected 1501)"
fi

# Two snapshots, the earlier one from standard input, written with -o:
# the same bytes as with both files named.
(cd "$W" && "$bin" - "$small" -o stdin.json <"$small23" >/dev/null 2>&1)
"$bin" --format json "$small23" "$small" </dev/null >"$W/files.json" 2>/dev/null
check "'-' with -o gives the same report as the file named" cmp "$W/stdin.json" "$W/files.json"

exit 0
