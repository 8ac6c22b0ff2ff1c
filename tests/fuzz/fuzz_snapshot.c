/*
 * libFuzzer harness for cpreport: hostile snapshots (and targets files)
 * through loading, validation, indicators and every renderer.
 *
 * Build and run: `make fuzz FUZZ_TIME=N` (the Makefile holds the flags);
 * `make .fuzz/fuzz_snapshot` only builds it. The run's options, by hand:
 *   .fuzz/fuzz_snapshot -fork=2 -ignore_crashes=1 -max_total_time=900 -max_len=20000 \
 *     -timeout=10 -rss_limit_mb=2048 -dict=tests/fuzz/snapshot.dict CORPUS \
 *     tests/fuzz/seeds tests/fixtures tests/fixtures/kpi tests/fixtures/invalid
 * Reproduce one input:  .fuzz/fuzz_snapshot FILE   (FUZZ_VERBOSE=1 shows the runs,
 * cpreport's messages and which output check failed). The findings so far
 * are tests/fixtures/fuzz, checked by the case fuzz-regressions.
 *
 * The input is one snapshot, or several separated by a line "====" (at most
 * four); a part holding "cpreport-targets/1" is passed as --targets. A lone
 * snapshot is run half the time after a fixed earlier one (baseline[]), so
 * trends, previous values and changes are reached. Each input runs, with the
 * globals reset and in files under /dev/shm:
 *   report -o x.json -o x.html -o x.md --eml x.eml ... --by DIM --out-dir D
 *   check --json c.json --junit j.xml --min-cohort 1 --change-years 1
 *   -f json SNAPSHOT (standard output, captured)
 * the last two only when the report succeeded. After exit status 0 (check:
 * 0 or 1) every output is checked: JSON parses strictly (cJSON and
 * cpreport's own json_check) without duplicate keys; all outputs are UTF-8
 * without NUL; HTML and JUnit have only known tags, quoted attributes, no
 * bare '&' or '>'; Markdown tables keep one column count; the email is CRLF
 * ASCII with lines of at most 998 bytes; cpreport's messages carry no
 * control or bidirectional characters; json_arena is empty after each run.
 * A failed check aborts, so libFuzzer keeps the input.
 */
#define main cpreport_main
#include "../../cpreport.c"
#undef main

#include <dirent.h>
#include <signal.h>

static char workdir[256];
static int verbose;

/* An earlier snapshot, so that one fuzzed snapshot is compared with it. */
static const char baseline[] =
    "{\"format\":\"cpreport/1\",\"as_of\":\"2019-12-31\",\"label\":\"Base\","
    "\"target_areas\":[\"London\"],\"national\":{\"fsm_pct\":20},"
    "\"hubs\":[{\"id\":\"H\",\"name\":\"Hub\"}],\"trusts\":[{\"id\":\"T\",\"renewal\":\"renewed\"}],"
    "\"schools\":[{\"urn\":100001,\"name\":\"A\",\"phase\":\"primary\",\"region\":\"London\","
    "\"hub\":\"H\",\"trust\":\"T\",\"pupils\":300,\"fsm_pupils\":90,\"send_pupils\":10,"
    "\"joined\":\"2010-01-01\",\"programmes\":[\"p1\",\"p2\"],"
    "\"ks2\":[{\"year\":2019,\"disadvantaged_pupils\":20,\"disadvantaged_reading\":101}]}],"
    "\"lead_reviewers\":10,\"surveys\":[{\"id\":\"s\",\"question\":\"Q\",\"respondents\":10,\"agreed\":5}],"
    "\"finance\":{\"income\":[{\"source\":\"x\",\"amount\":1000,\"fundraised\":true}],"
    "\"expenditure\":[{\"item\":\"y\",\"amount\":900}],\"reserves\":100}}";

static void fail(const char *what, const char *file, const char *buf, size_t len, size_t at)
{
    fprintf(stderr, "\nfuzz_snapshot: OUTPUT CHECK FAILED: %s in %s at byte %zu of %zu\n", what, file, at, len);
    if (buf) {
        size_t from = at > 80 ? at - 80 : 0, to = at + 80 < len ? at + 80 : len;
        fprintf(stderr, "context: ");
        for (size_t i = from; i < to; i++) {
            unsigned char c = (unsigned char)buf[i];
            if (c >= 0x20 && c < 0x7F)
                fputc(c, stderr);
            else
                fprintf(stderr, "\\x%02X", c);
        }
        fputc('\n', stderr);
    }
    abort();
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct sb b;
    sb_init(&b);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        sb_addn(&b, tmp, n);
    fclose(f);
    *len = b.len;
    return b.buf;
}

static void spit(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f)) {
        perror(path);
        abort();
    }
}

/* Strict UTF-8, no NUL. */
static void check_utf8(const char *file, const char *buf, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (!buf[i])
            fail("NUL byte", file, buf, len, i);
        size_t n = utf8_length((const unsigned char *)buf + i, len - i);
        if (!n)
            fail("invalid UTF-8", file, buf, len, i);
        i += n;
    }
}

static void check_dup_keys(const char *file, const cJSON *node)
{
    const cJSON *a, *b;
    if (cJSON_IsObject(node))
        for (a = node->child; a; a = a->next)
            for (b = a->next; b; b = b->next)
                if (!strcmp(a->string, b->string)) {
                    fprintf(stderr, "duplicate key \"%s\"\n", a->string);
                    fail("duplicate key in JSON output", file, NULL, 0, 0);
                }
    for (a = node->child; a; a = a->next)
        check_dup_keys(file, a);
}

static void check_json(const char *file, const char *buf, size_t len)
{
    check_utf8(file, buf, len);
    const char *why = NULL;
    long bad = json_check(buf, len, &why, NULL);
    if (bad >= 0) {
        fprintf(stderr, "json_check: %s\n", why);
        fail("invalid JSON (json_check)", file, buf, len, (size_t)bad);
    }
    cJSON_InitHooks(NULL); /* cpreport points them at its arena */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (!root)
        fail("invalid JSON (cJSON)", file, buf, len, end ? (size_t)(end - buf) : 0);
    check_dup_keys(file, root);
    cJSON_Delete(root);
}

static bool known_tag(const char *name, size_t n)
{
    static const char *const tags[] = {
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3",
        "h4", "h5", "h6", "p", "table", "caption", "thead", "tbody", "tr", "th", "td", "span",
        "strong", "a", "dl", "dt", "dd", "figure", "svg", "desc", "text", "rect", "line",
        "polyline", "circle", "figcaption", "?xml", "testsuites", "testsuite", "testcase",
        "failure", "skipped", "system-out", "div", "nav", "ol", "ul", "li", "section", NULL};
    for (int i = 0; tags[i]; i++)
        if (strlen(tags[i]) == n && !strncmp(tags[i], name, n))
            return true;
    return false;
}

/* Markup: only known tags, quotes balanced inside them, every '&' an
 * entity, no '>' in text. */
static void check_markup(const char *file, const char *buf, size_t len)
{
    check_utf8(file, buf, len);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '&') {
            size_t j = i + 1;
            if (buf[j] == '#')
                j++;
            while (j < len && isalnum((unsigned char)buf[j]))
                j++;
            if (j == i + 1 || j >= len || buf[j] != ';')
                fail("bare '&' in markup", file, buf, len, i);
        } else if (buf[i] == '>') {
            fail("'>' in text", file, buf, len, i);
        } else if (buf[i] == '<') {
            size_t j = i + 1 + (buf[i + 1] == '/');
            size_t name = j;
            while (j < len && (isalnum((unsigned char)buf[j]) || strchr("!?-", buf[j])))
                j++;
            if (!known_tag(buf + name, j - name))
                fail("unknown tag", file, buf, len, i);
            bool in_quote = false;
            for (; j < len && (in_quote || buf[j] != '>'); j++) {
                if (buf[j] == '"')
                    in_quote = !in_quote;
                else if (buf[j] == '<')
                    fail("'<' inside a tag", file, buf, len, j);
            }
            if (j >= len)
                fail("unclosed tag", file, buf, len, i);
            if (j - name == 5 && !strncmp(buf + name, "style", 5) && buf[i + 1] != '/') {
                const char *close = strstr(buf + j, "</style>");
                if (!close)
                    fail("unclosed style", file, buf, len, i);
                j = (size_t)(close - buf) - 1;
            }
            i = j;
        }
    }
}

/* Markdown: all rows of one table have the same number of unescaped '|'. */
static void check_markdown(const char *file, const char *buf, size_t len)
{
    check_utf8(file, buf, len);
    int want = -1;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && buf[e] != '\n')
            e++;
        if (buf[i] == '|') {
            int pipes = 0;
            for (size_t j = i; j < e; j++) {
                if (buf[j] == '\\')
                    j++;
                else if (buf[j] == '|')
                    pipes++;
            }
            if (want < 0)
                want = pipes;
            else if (pipes != want)
                fail("table row with another column count", file, buf, len, i);
        } else {
            want = -1;
        }
        for (size_t j = i; j < e; j++)
            if (buf[j] == '\r' || (unsigned char)buf[j] < 0x20 || buf[j] == 0x7F)
                fail("control character in Markdown", file, buf, len, j);
        i = e + 1;
    }
}

/* An RFC 5322 message: ASCII, CRLF, lines of at most 998 bytes. */
static void check_eml(const char *file, const char *buf, size_t len)
{
    size_t line = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') {
            if (!i || buf[i - 1] != '\r')
                fail("bare LF in email", file, buf, len, i);
            line = 0;
            continue;
        }
        if (c == '\r' ? i + 1 >= len || buf[i + 1] != '\n' : c < 0x20 || c >= 0x7F)
            fail("not CRLF-ASCII in email", file, buf, len, i);
        if (++line > 998 + 1)
            fail("email line longer than 998", file, buf, len, i);
    }
}

/* Messages on the terminal: UTF-8, no control characters but the line
 * ends, no bidirectional controls (quoted() promises as much). */
static void check_messages(const char *file, const char *buf, size_t len)
{
    if (verbose)
        fwrite(buf, 1, len, stderr);
    check_utf8(file, buf, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if ((c < 0x20 && c != '\n') || c == 0x7F)
            fail("control character in a message", file, buf, len, i);
        if (bidi_control(buf + i))
            fail("bidirectional control in a message", file, buf, len, i);
    }
}

static void check_file(const char *path, int kind)
{
    size_t len;
    char *buf = slurp(path, &len);
    if (!buf) {
        fprintf(stderr, "missing %s\n", path);
        fail("output missing after exit status 0", path, NULL, 0, 0);
    }
    switch (kind) {
    case 'j': check_json(path, buf, len); break;
    case 'h': check_markup(path, buf, len); break;
    case 'm': check_markdown(path, buf, len); break;
    case 'e': check_eml(path, buf, len); break;
    case 'd': check_messages(path, buf, len); break;
    default: check_utf8(path, buf, len); break;
    }
    free(buf);
}

static void check_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        fail("group folder missing", dir, NULL, 0, 0);
    while ((e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.' || !dot)
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        check_file(p, !strcmp(dot, ".json") ? 'j' : !strcmp(dot, ".html") ? 'h' : !strcmp(dot, ".md") ? 'm' : 'u');
    }
    closedir(d);
}

static void clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

static char *wpath(const char *name)
{
    static char bufs[32][512];
    static int k;
    char *p = bufs[k++ % 32];
    snprintf(p, 512, "%s/%s", workdir, name);
    return p;
}

/* Runs cpreport_main with fresh globals and standard output in a file. */
static int run(int argc, const char **argv)
{
    opt_min_cohort = 6;
    opt_change_years = 5;
    chart_count = 0;
    fflush(stdout);
    if (!freopen(wpath("stdout"), "w", stdout))
        abort();
    /* cpreport's messages go to a file (checked below); sanitizer and
     * libFuzzer reports still reach file descriptor 2. */
    FILE *real_stderr = stderr;
    if (!(stderr = fopen(wpath("stderr"), "w")))
        abort();
    int rc = cpreport_main(argc, (char **)argv);
    fflush(stdout);
    fclose(stderr);
    stderr = real_stderr;
    check_file(wpath("stderr"), 'd');
    if (json_arena.head) {
        fprintf(stderr, "json_arena still holds memory after a run\n");
        fail("json_arena not freed", argv[argc - 1], NULL, 0, 0);
    }
    if (verbose) {
        fprintf(stderr, "rc=%d:", rc);
        for (int i = 0; i < argc; i++)
            fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
    }
    return rc;
}

static void remove_workdir(void)
{
    clean_dir(wpath("groups"));
    rmdir(wpath("groups"));
    clean_dir(workdir);
    rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    snprintf(workdir, sizeof workdir, "/dev/shm/fuzz-cpreport-%ld", (long)getpid());
    mkdir(workdir, 0700);
    mkdir(wpath("groups"), 0700);
    spit(wpath("base.json"), baseline, sizeof baseline - 1);
    atexit(remove_workdir);
    /* cpreport reads SOURCE_DATE_EPOCH for dates in the check files and
     * email; fix it so that those paths are reached. */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    unsetenv("GITHUB_ACTIONS");
    return 0;
}

#define MAX_PARTS 4

/* Appends the arguments up to a NULL to argv. */
static void push(const char **argv, int *argc, ...)
{
    va_list ap;
    va_start(ap, argc);
    for (const char *a; (a = va_arg(ap, const char *));)
        argv[(*argc)++] = a;
    va_end(ap);
}

/* Appends --targets (when given), "--" and the snapshots, and ends argv. */
static void push_inputs(const char **argv, int *argc, const char *targets, const char *const *files, int nfiles)
{
    if (targets) {
        argv[(*argc)++] = "--targets";
        argv[(*argc)++] = targets;
    }
    argv[(*argc)++] = "--";
    for (int i = 0; i < nfiles; i++)
        argv[(*argc)++] = files[i];
    argv[*argc] = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n====\n";
    const char *files[MAX_PARTS + 1], *targets = NULL;
    int nfiles = 0;
    const char *p = (const char *)data, *end = p + size;
    unsigned hash = 0;
    for (size_t i = 0; i < size; i++)
        hash = hash * 31 + data[i];
    /* Split into parts. */
    for (int part = 0; part < MAX_PARTS && p <= end; part++) {
        const char *q = NULL;
        for (const char *s = p; s + sizeof sep - 1 <= end; s++)
            if (!memcmp(s, sep, sizeof sep - 1)) {
                q = s;
                break;
            }
        if (!q || part == MAX_PARTS - 1)
            q = end;
        char name[32];
        snprintf(name, sizeof name, "in%d.json", part);
        char *path = wpath(name);
        spit(path, p, (size_t)(q - p));
        bool is_targets = false;
        for (const char *s = p; !is_targets && s + 18 <= q; s++)
            is_targets = !memcmp(s, "cpreport-targets/1", 18);
        if (is_targets && !targets)
            targets = path;
        else
            files[nfiles++] = path;
        p = q + sizeof sep - 1;
    }
    if (!nfiles)
        return 0;
    if (nfiles == 1 && !(hash & 1))
        files[nfiles++] = wpath("base.json");

    static const char *const dims[] = {"region", "hub", "trust", "phase"};
    const char *argv[64];
    int argc;
    const char *out_json = wpath("r.json"), *out_html = wpath("r.html"), *out_md = wpath("r.md"),
               *out_eml = wpath("r.eml"), *groups = wpath("groups"), *check_json = wpath("c.json"),
               *junit = wpath("j.xml");

    /* 1. Report in every format, an email, and group reports. */
    unlink(out_json);
    unlink(out_html);
    unlink(out_md);
    unlink(out_eml);
    clean_dir(groups);
    argc = 0;
    push(argv, &argc, "cpreport", "report", "-o", out_json, "-o", out_html, "-o", out_md, "--eml", out_eml,
         "--mail-from", "Reports <reports@example.org>", "--mail-to", "trustees@example.org", "--by",
         dims[(hash >> 1) % 4], "--out-dir", groups, (char *)NULL);
    push_inputs(argv, &argc, targets, files, nfiles);
    int rc = run(argc, argv);
    if (rc == 0) {
        check_file(out_json, 'j');
        check_file(out_html, 'h');
        check_file(out_md, 'm');
        check_file(out_eml, 'e');
        check_dir(groups);
    } else if (rc != EXIT_BAD_INPUT) {
        fprintf(stderr, "report exit status %d\n", rc);
        fail("unexpected exit status", "report", NULL, 0, 0);
    }
    if (rc != 0)
        return 0; /* the input was refused: the other runs would refuse it too */

    /* 2. check, with other definitions. */
    unlink(check_json);
    unlink(junit);
    argc = 0;
    push(argv, &argc, "cpreport", "check", "--json", check_json, "--junit", junit, "--min-cohort", "1",
         "--change-years", "1", "--fail-on", "warn", (char *)NULL);
    push_inputs(argv, &argc, targets, files, nfiles);
    rc = run(argc, argv);
    if (rc == 0 || rc == 1) {
        check_file(check_json, 'j');
        check_file(junit, 'h');
        check_file(wpath("stdout"), 'u');
    } else {
        fprintf(stderr, "check exit status %d after report succeeded\n", rc);
        fail("unexpected exit status", "check", NULL, 0, 0);
    }

    /* 3. JSON on standard output, the first fuzzed snapshot alone. */
    argc = 0;
    push(argv, &argc, "cpreport", "-f", "json", (char *)NULL);
    push_inputs(argv, &argc, NULL, files, 1);
    rc = run(argc, argv);
    if (rc == 0)
        check_file(wpath("stdout"), 'j');
    return 0;
}
