/*
 * cpreport - board reports and CI checks for a partnership of schools
 *
 * What it does
 *   Reads JSON snapshots of the partnership (schools, trusts, hubs, results,
 *   finance; format "cpreport/1", documented in README.md), computes the
 *   strategy's indicators for the latest snapshot, compares them with earlier
 *   snapshots and with the strategy's targets, and writes Markdown, HTML,
 *   JSON or an email; or checks the targets for CI.
 *
 * How to build
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -I CJSON_DIR cpreport.c CJSON_DIR/cJSON.c -lm
 *   (the Makefile fetches cJSON from Debian's source packages).
 *
 * How to use
 *   cpreport [report] [options] SNAPSHOT...   report (Markdown on stdout by default)
 *   cpreport check [options] SNAPSHOT...      one verdict per target, for CI
 *   cpreport validate SNAPSHOT...             load and check only
 *   cpreport targets                          print the built-in targets file
 *   cpreport import --as-of DATE --members CSV [--gias CSV ...] -o SNAPSHOT
 *                                             a snapshot from a member list and DfE's files
 *   cpreport --help
 *
 * How the file is laid out (each section under a banner, in this order)
 *   limits; utilities (allocation, string builder, arena); diagnostics;
 *   dates; the data model; loading and validation; indicators; targets,
 *   trends and projections; breakdowns; number formatting; plausibility;
 *   escaping; the model; Markdown and HTML (one layout, two backends;
 *   summary, charts); JSON; group reports; email; the CI gate; writing
 *   outputs; command line; import (CSV reading, the known file layouts,
 *   the member list, DfE's files, the snapshot, the command); main.
 *
 * Exit status: 0 done (check: nothing failed); 1 check: a target failed;
 * 2 bad usage or bad input; 3 an output could not be written.
 */

/* POSIX.1-2008 with its XSI part, for realpath(). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cJSON.h"

#define CPREPORT_VERSION "0.1.0"

/* ===================================================================== *
 *  Limits, each with its reason                                          *
 * ===================================================================== */

/* cJSON needs about 9 bytes of memory per byte of a typical snapshot (up to
 * 40 for arrays of small numbers); a national snapshot of every state school
 * in England with results is tens of MB, so 256 MiB leaves room for growth
 * while keeping the worst case within a few GB. */
#define MAX_INPUT_BYTES (256LL * 1024 * 1024)

/* A report quotes names in tables; anything longer than this is a data
 * error rather than a name. */
#define MAX_TEXT_BYTES 1000

/* Problems listed per file before the rest are only counted: enough to fix
 * a batch at a time, few enough that the first one stays on screen. */
#define MAX_PROBLEMS_SHOWN 50

/* JSON paths in messages ("schools[12].ks4[3].year") are short; deeper ones
 * are cut, never overflowed. */
#define MAX_PATH 256

/* File names and option values are shown whole in messages up to this many
 * bytes (a deep path fits); past it they are cut, so four of them fit the
 * fixed buffers shown() keeps. */
#define MAX_SHOWN_NAME 1024

/* Snapshots compared in one run: a monthly series over a decade. */
#define MAX_SNAPSHOTS 128

/* Groups given a report each by --by: more hubs, regions or trusts than a
 * partnership works with (even all of England's academy trusts would fit), and
 * few enough that a run stays within seconds and DIR within 15,002 files,
 * a folder people can still browse. A bigger grouping is refused (exit 2)
 * before anything is written. */
#define MAX_GROUPS 5000

/* JSON nesting: cJSON's own limit. Deeper input is refused, since
 * parsing recurses. */
#define MAX_NESTING 1000

/* A count in a snapshot (pupils, respondents, reviews): a trillion is
 * beyond any partnership, and a sum of a few thousand of them stays exact
 * in a double. */
#define MAX_COUNT 1e12

/* Other figures of a snapshot: money (amounts, reserves) up to ten
 * trillion, more than any budget in pounds or any currency used; lead
 * reviewers up to a billion and staff up to a million, beyond any
 * organisation; a feedback scale up to 1000 points. */
#define MAX_AMOUNT 1e13
#define MAX_LEAD_REVIEWERS 1e9
#define MAX_STAFF_FTE 1e6
#define MAX_FEEDBACK_SCALE 1000

/* Results years from 2000: the measures the format reads are this
 * century's, so an earlier year is taken for a typing error. */
#define MIN_RESULTS_YEAR 2000

/* -o outputs of one run (the group reports of --by do not count): more
 * than the three formats and an email, to several places. */
#define MAX_OUTPUTS 16

/* A target's bounds: past a million billion no indicator goes, and the
 * reports still write such a bound exactly. */
#define MAX_BOUND 1e15

/* Dates: years 1900 to 2199, the span the date functions are checked on;
 * SOURCE_DATE_EPOCH (seconds) stops before the first second of 2200. */
#define MIN_YEAR 1900
#define MAX_YEAR 2199
#define MAX_EPOCH_SECONDS 7258118400LL

/* --min-cohort and --change-years: no cohort rule suppresses more than a
 * thousand pupils, and results go back no further than fifty years. */
#define MAX_MIN_COHORT 1000
#define MAX_CHANGE_YEARS 50

/* "Did you mean" compares keys up to this many bytes: any key of the
 * format fits, and the edit distance's row stays on the stack. */
#define MAX_HINT_BYTES 63

/* A value quoted in a message ("schools[3].phase: "primery" is not ...")
 * is cut after this many bytes, so that with its quotes and "..." it fits
 * the 64-byte buffers of quoted(). */
#define MAX_QUOTED_BYTES 43

/* The arena takes memory from malloc a mebibyte at a time (more for a
 * bigger object): few enough calls for a national snapshot, little waste
 * for a small one. */
#define ARENA_CHUNK (1u << 20)

/* Bytes of a CSV file read at a time by import: large enough that reading
 * costs little per byte, small enough to be nothing next to the member
 * list. */
#define CSV_CHUNK (1u << 20)

/* Columns of a report table, the first included: the cells of a row are a
 * fixed pool. A breakdown table has the group's name and at most
 * MAX_COLUMNS - 1 indicators. */
#define MAX_COLUMNS 8

/* The "over time" tables show the last six snapshots: more columns do not
 * fit a printed page. */
#define SERIES_SHOWN 6

/* SVG text does not wrap: chart labels longer than this many characters
 * are cut with an ellipsis (the chart's text alternative has them whole).
 * 46 fit the charts' label column of 300 px. */
#define LABEL_CHARS 46

/* A group report's file name is at most 60 bytes of its id, well within
 * every file system's limit of 255 with the hash and extension added. */
#define MAX_FILE_NAME_BYTES 60

/* When a value and its bound look alike ("40.0%, off track for at least
 * 40.0%"), check shows up to four more places to tell them apart; past
 * that the difference is rounding noise. */
#define MAX_EXTRA_PLACES 4

/* A target's projected reach date is shown up to a century ahead: a nearly
 * flat trend crosses its bound in no meaningful year. */
#define MAX_REACH_YEARS 100

/* Counts, days and file offsets are long long: counts go up to 1e12
 * each, and sums of them over every school, which 32 bits (Windows' long)
 * would wrap into wrong figures. */

enum exit_code { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_BAD_INPUT = 2, EXIT_WRITE = 3 };

static const char *progname = "cpreport";

/* ===================================================================== *
 *  Platform: the few calls that differ between POSIX and Windows         *
 * ===================================================================== */

/* Everything else in the program is the same on every platform. Names are
 * UTF-8 everywhere: on Windows they are converted to UTF-16 for the wide
 * file API, and the command line is read as UTF-16 and converted, so that
 * a school's name in a group report's file name, or a folder with an
 * accent, works on any Windows locale. Standard input and output are
 * binary, so reports are byte for byte the same as on Linux. */

/* The printf-like functions, checked by the compiler. mingw's own printf
 * (__USE_MINGW_ANSI_STDIO, set by the Makefile) is C99's, so it is
 * checked as GNU's, not as the Microsoft C library's. */
#if defined(__MINGW32__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#elif defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

/* From the utilities below: allocation never fails (it exits). */
static void *xmalloc(size_t n);
static void *xcalloc(size_t n, size_t size);

/* What a name is, following links: a regular file, a folder, or anything
 * else (a device, a pipe), with what tells one file from another. */
enum os_kind { OS_FILE, OS_DIR, OS_OTHER };
struct os_info {
    enum os_kind kind;
    unsigned long long dev, ino;  /* the same pair: the same file */
    unsigned mode;                /* POSIX permission bits; 0 on Windows */
};

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <direct.h>
#include <io.h>
#include <windows.h>
/* windows.h's macros that are names in this program. */
#undef OPTIONAL
#undef near
#undef far

/* name as UTF-16, or NULL with errno EINVAL when it is not UTF-8. */
static wchar_t *os_wide(const char *name)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, NULL, 0);
    if (n <= 0) {
        errno = EINVAL;
        return NULL;
    }
    wchar_t *w = xmalloc(sizeof *w * (size_t)n);
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, w, n);
    return w;
}

static char *os_narrow(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = xmalloc(n > 0 ? (size_t)n : 1);
    if (n <= 0 || !WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL))
        s[0] = 0;
    return s;
}

/* errno for the last Windows error, for strerror. */
static int os_errno(void)
{
    switch (GetLastError()) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
        return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        return EACCES;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        return EEXIST;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return ENOSPC;
    case ERROR_DIRECTORY:
        return ENOTDIR;
    case ERROR_WRITE_PROTECT:
        return EROFS;
    default:
        return EIO;
    }
}

static int os_info_of(HANDLE h, struct os_info *info)
{
    BY_HANDLE_FILE_INFORMATION fi;
    DWORD type = GetFileType(h);
    if (type != FILE_TYPE_DISK) {
        *info = (struct os_info){OS_OTHER, 0, (unsigned long long)(uintptr_t)h, 0};
        return 0;
    }
    if (!GetFileInformationByHandle(h, &fi)) {
        errno = os_errno();
        return -1;
    }
    info->kind = fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY ? OS_DIR : OS_FILE;
    info->dev = fi.dwVolumeSerialNumber;
    info->ino = (unsigned long long)fi.nFileIndexHigh << 32 | fi.nFileIndexLow;
    info->mode = 0;
    return 0;
}

static int os_stat(const char *name, struct os_info *info)
{
    wchar_t *w = os_wide(name);
    if (!w)
        return -1;
    HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        errno = os_errno();
        return -1;
    }
    int rc = os_info_of(h, info);
    CloseHandle(h);
    return rc;
}

static int os_stat_stdin(struct os_info *info)
{
    return os_info_of((HANDLE)_get_osfhandle(_fileno(stdin)), info);
}

/* Windows' links (reparse points) are opened through by the file API, and
 * cpreport never makes one: to it they are the files they lead to. */
static bool os_is_link(const char *name)
{
    (void)name;
    return false;
}

static char *os_read_link(const char *name)
{
    (void)name;
    errno = EINVAL;
    return NULL;
}

static char *os_real_path(const char *name)
{
    wchar_t *w = os_wide(name);
    if (!w)
        return NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    wchar_t *full = xmalloc(sizeof *full * (n ? n : 1));
    char *s = NULL;
    if (n && GetFullPathNameW(w, n, full, NULL) && GetFileAttributesW(full) != INVALID_FILE_ATTRIBUTES)
        s = os_narrow(full);
    else
        errno = ENOENT;
    free(full);
    free(w);
    return s;
}

/* False with errno set when name cannot be found. */
static bool os_exists(const char *name)
{
    wchar_t *w = os_wide(name);
    bool there = w && GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;
    if (w && !there)
        errno = os_errno();
    free(w);
    return there;
}

static FILE *os_fopen(const char *name, const char *mode)
{
    wchar_t *w = os_wide(name), wmode[8] = {0};
    for (int i = 0; mode[i] && i < 7; i++)
        wmode[i] = (wchar_t)mode[i];
    FILE *f = w ? _wfopen(w, wmode) : NULL;
    free(w);
    return f;
}

/* A device or pipe opened for writing in place. */
static int os_open_device(const char *name)
{
    wchar_t *w = os_wide(name);
    int fd = w ? _wopen(w, _O_WRONLY | _O_BINARY) : -1;
    free(w);
    return fd;
}

/* A new, empty file named like tmp ("...XXXXXX", the X replaced) beside
 * the file it will replace, open for writing. Windows keeps no Unix
 * permission bits; the file gets the folder's. */
static int os_create_temp(char *tmp, bool keep, unsigned mode)
{
    (void)keep;
    (void)mode;
    char *x = tmp + strlen(tmp) - 6;
    static unsigned long long seed;
    if (!seed)
        seed = (unsigned long long)GetTickCount64() ^ (unsigned long long)GetCurrentProcessId() << 32;
    for (int attempt = 0; attempt < 100; attempt++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        for (int k = 0; k < 6; k++)
            x[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[(seed >> (8 * k + 16)) % 36];
        wchar_t *w = os_wide(tmp);
        int fd = w ? _wopen(w, _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE) : -1;
        free(w);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

static int os_sync(int fd) { return _commit(fd); }

/* Replaces `to` with `from` in one step, through to the disk. A file
 * marked read-only is refused, as Windows' own replace refuses it. */
static int os_replace(const char *from, const char *to)
{
    wchar_t *wf = os_wide(from), *wt = os_wide(to);
    int rc = 0;
    DWORD attrs = wt ? GetFileAttributesW(wt) : INVALID_FILE_ATTRIBUTES;
    if (attrs != INVALID_FILE_ATTRIBUTES && attrs & FILE_ATTRIBUTE_READONLY) {
        errno = EACCES;
        rc = -1;
    } else if (!wf || !wt || !MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        if (wf && wt)
            errno = os_errno();
        rc = -1;
    }
    free(wf);
    free(wt);
    return rc;
}

static int os_remove(const char *name)
{
    wchar_t *w = os_wide(name);
    int rc = w ? _wunlink(w) : -1;
    free(w);
    return rc;
}

static int os_mkdir(const char *name)
{
    wchar_t *w = os_wide(name);
    int rc = w ? _wmkdir(w) : -1;
    free(w);
    return rc;
}

/* Whether c separates the parts of a path: '/' or '\\'. */
static bool os_is_separator(char c) { return c == '/' || c == '\\'; }

/* Whether path starts at a root: a drive ("C:") or a separator. */
static bool os_is_absolute(const char *path)
{
    return (isalpha((unsigned char)path[0]) && path[1] == ':') || os_is_separator(path[0]);
}

/* The last separator of a path: '/', '\\', or a drive's ':'. */
static const char *os_last_separator(const char *path)
{
    const char *last = NULL;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\' || (*p == ':' && p == path + 1))
            last = p;
    return last;
}

/* Colour codes work in a console that takes VT sequences (Windows 10). */
static bool os_stdout_is_terminal(void)
{
    HANDLE h = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode;
    return _isatty(_fileno(stdout)) && GetConsoleMode(h, &mode) &&
           SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
}

/* Windows has no signal masks; the window in which a signal could leave a
 * temporary file behind is a few instructions long. */
typedef int os_sigset;
static void os_block_signals(os_sigset *old) { *old = 0; }
static void os_restore_signals(const os_sigset *old) { (void)old; }

static void os_catch_signals(void (*handler)(int))
{
    int sigs[] = {SIGINT, SIGTERM, SIGBREAK};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        void (*old)(int) = signal(sigs[i], handler);
        if (old != SIG_DFL)
            signal(sigs[i], old);
    }
}

/* The command line as UTF-8, whatever the console's code page; binary
 * standard streams; UTF-8 on the console. */
typedef struct {
    int newmode;
} os_startupinfo;
extern int __wgetmainargs(int *argc, wchar_t ***argv, wchar_t ***env, int glob, os_startupinfo *si);

static char **os_argv;
static int os_argc;

static void os_free_args(void)
{
    for (int i = 0; i < os_argc; i++)
        free(os_argv[i]);
    free(os_argv);
}

static void os_init(int *argc, char ***argv)
{
    int n;
    wchar_t **wargv, **wenv;
    os_startupinfo si = {0};
    if (!os_argv && __wgetmainargs(&n, &wargv, &wenv, 0, &si) == 0) {
        os_argv = xcalloc((size_t)n + 1, sizeof *os_argv);
        for (os_argc = 0; os_argc < n; os_argc++)
            os_argv[os_argc] = os_narrow(wargv[os_argc]);
        atexit(os_free_args);
    }
    if (os_argv) {
        *argc = os_argc;
        *argv = os_argv;
    }
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
    SetConsoleOutputCP(CP_UTF8);
}

#else /* POSIX */

static int os_info_from(const struct stat *st, struct os_info *info)
{
    info->kind = S_ISREG(st->st_mode) ? OS_FILE : S_ISDIR(st->st_mode) ? OS_DIR : OS_OTHER;
    info->dev = (unsigned long long)st->st_dev;
    info->ino = (unsigned long long)st->st_ino;
    info->mode = (unsigned)st->st_mode & 07777;
    return 0;
}

static int os_stat(const char *name, struct os_info *info)
{
    struct stat st;
    return stat(name, &st) ? -1 : os_info_from(&st, info);
}

static int os_stat_stdin(struct os_info *info)
{
    struct stat st;
    return fstat(STDIN_FILENO, &st) ? -1 : os_info_from(&st, info);
}

static bool os_is_link(const char *name)
{
    struct stat lst;
    return !lstat(name, &lst) && S_ISLNK(lst.st_mode);
}

/* The text of the link `name`, or NULL with errno set (EINVAL: not a
 * link). */
static char *os_read_link(const char *name)
{
    for (size_t cap = 256;; cap *= 2) {
        char *target = xmalloc(cap);
        ssize_t len = readlink(name, target, cap);
        if (len >= 0 && (size_t)len < cap) {
            target[len] = 0;
            return target;
        }
        int err = errno;
        free(target);
        if (len < 0) {
            errno = err;
            return NULL;
        }
    }
}

static char *os_real_path(const char *name) { return realpath(name, NULL); }

/* False with errno set when name cannot be found. */
static bool os_exists(const char *name) { return !access(name, F_OK); }

static FILE *os_fopen(const char *name, const char *mode) { return fopen(name, mode); }

static int os_open_device(const char *name) { return open(name, O_WRONLY | O_TRUNC); }

/* A new, empty file named like tmp ("...XXXXXX", the X replaced) beside
 * the file it will replace, open for writing: with the replaced file's
 * permission bits (mode, when keep; never setuid, setgid or sticky), or
 * 0666 less the umask for a new one. */
static int os_create_temp(char *tmp, bool keep, unsigned mode)
{
    int fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, keep ? (mode_t)(mode & 0777) : 0666 & ~mask)) {
        int err = errno;
        close(fd);
        unlink(tmp);
        errno = err;
        return -1;
    }
    return fd;
}

static int os_sync(int fd) { return fsync(fd); }

static int os_replace(const char *from, const char *to) { return rename(from, to); }

/* Async-signal-safe: the signal handler calls it. */
static int os_remove(const char *name) { return unlink(name); }

static int os_mkdir(const char *name) { return mkdir(name, 0777); }

static bool os_is_separator(char c) { return c == '/'; }

static bool os_is_absolute(const char *path) { return path[0] == '/'; }

static const char *os_last_separator(const char *path) { return strrchr(path, '/'); }

static bool os_stdout_is_terminal(void) { return isatty(STDOUT_FILENO); }

typedef sigset_t os_sigset;

static void os_block_signals(os_sigset *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void os_restore_signals(const os_sigset *old) { sigprocmask(SIG_SETMASK, old, NULL); }

/* SIGINT, SIGTERM and SIGHUP go to handler, unless the program started
 * with them ignored (nohup, a background job) or handled (the fuzz
 * harness); a closed pipe is a write error (EPIPE), not a silent death. */
static void os_catch_signals(void (*handler)(int))
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&sa.sa_mask, sigs[i]);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        if (!sigaction(sigs[i], NULL, &old) && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
            sigaction(sigs[i], &sa, NULL);
    }
    signal(SIGPIPE, SIG_IGN);
}

static void os_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

#endif

/* The platform's name, for --version. */
#if defined(_WIN32) && defined(__x86_64__)
#define OS_PLATFORM "windows-x86_64"
#elif defined(__linux__) && defined(__x86_64__)
#define OS_PLATFORM "linux-x86_64"
#elif defined(__linux__) && defined(__aarch64__)
#define OS_PLATFORM "linux-arm64"
#else
#define OS_PLATFORM "other"
#endif

/* ===================================================================== *
 *  Utilities: allocation, string builder, arena                          *
 * ===================================================================== */

/* One out-of-memory policy: say so and exit. No caller checks for NULL. */
static void out_of_memory(void)
{
    fprintf(stderr, "%s: out of memory\n", progname);
    exit(EXIT_BAD_INPUT);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* A growing string. Never NULL after sb_init; grows by half. */
struct sb {
    char *buf;
    size_t len, cap;
};

static void sb_init(struct sb *b)
{
    b->cap = 256;
    b->len = 0;
    b->buf = xmalloc(b->cap);
    b->buf[0] = 0;
}

/* Empties b, keeping its memory. */
static void sb_reset(struct sb *b)
{
    b->len = 0;
    b->buf[0] = 0;
}

static void sb_grow(struct sb *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    while (b->len + more + 1 > b->cap)
        b->cap += b->cap / 2 + 16;
    b->buf = xrealloc(b->buf, b->cap);
}

static void sb_addn(struct sb *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

static void sb_add(struct sb *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_addc(struct sb *b, char c) { sb_addn(b, &c, 1); }

PRINTF_LIKE(2, 3)
static void sb_printf(struct sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sb_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void sb_free(struct sb *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}

/* A bump allocator: everything of one snapshot (or one cJSON tree) is
 * freed at once. It also spares musl's slow malloc the many small
 * allocations a parse makes. */
struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

struct arena {
    struct arena_chunk *head;
};

static void *arena_alloc(struct arena *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    struct arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = xmalloc(sizeof *c + size);
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

static void *arena_zalloc(struct arena *a, size_t n)
{
    return memset(arena_alloc(a, n), 0, n);
}

static char *arena_strdup(struct arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(arena_alloc(a, n), s, n);
}

static void arena_free(struct arena *a)
{
    while (a->head) {
        struct arena_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* Empties a for reuse: its first chunk stays, ready (and its memory
 * already the process's), the others are freed. */
static void arena_reset(struct arena *a)
{
    while (a->head && a->head->next) {
        struct arena_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    if (a->head)
        a->head->used = 0;
}

/* cJSON's allocation hooks take no context, so its trees live in this one
 * arena, freed whole after each snapshot has been copied out. cJSON's own
 * frees are no-ops. */
static struct arena json_arena;

static void *json_malloc(size_t n) { return arena_alloc(&json_arena, n); }

static void json_free(void *p) { (void)p; }

/* ASCII-only case-insensitive comparison, immune to the locale. */
static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

/* Edit distance, for "did you mean" hints on short keys; longer strings
 * are cut to 63 bytes, which is plenty for a key. */
static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > MAX_HINT_BYTES)
        la = MAX_HINT_BYTES;
    if (lb > MAX_HINT_BYTES)
        lb = MAX_HINT_BYTES;
    int row[MAX_HINT_BYTES + 1];
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + cost);
            diag = up;
        }
    }
    return row[lb];
}

/* The nearest of names[] to s, or NULL when none is close enough to be a
 * plausible typo. Failing that, a name that s starts with as a whole word
 * (ASCII case ignored): Ofsted's "Strong standard" is `strong`. */
static const char *nearest_name(const char *s, const char *const *names)
{
    const char *best = NULL;
    int best_d = INT_MAX;
    for (int i = 0; names[i]; i++) {
        int d = edit_distance(s, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    int len = (int)strlen(s);
    int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    if (best_d <= limit)
        return best;
    for (int i = 0; names[i]; i++) {
        size_t n = 0;
        while (names[i][n] && tolower((unsigned char)s[n]) == tolower((unsigned char)names[i][n]))
            n++;
        if (!names[i][n] && s[n] && strchr(" -_", s[n]))
            return names[i];
    }
    return NULL;
}

/* A whole number written as plain ASCII digits, with no sign and no
 * spaces, of at most max: the one rule for every whole number the command
 * line and the environment give. False for anything else. */
static bool plain_whole(const char *s, long long max, long long *out)
{
    long long n = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || n > (max - (*s - '0')) / 10)
            return false;
        n = n * 10 + (*s - '0');
    }
    *out = n;
    return true;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_length(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
                                  : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    if (!len || len > n)
        return 0;
    unsigned cp = p[0] & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[k] & 0x3F);
    }
    bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    return overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : len;
}

/* ===================================================================== *
 *  Diagnostics: every problem named with its file and JSON path          *
 * ===================================================================== */

/* The explicit bidirectional controls (embeddings, overrides, isolates:
 * U+202A..U+202E, U+2066..U+2069) reverse the text after them, so a name
 * holding one could garble a terminal line or a report. Returns the code
 * point when p starts with one (as UTF-8), else 0. */
static unsigned bidi_control(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] != 0xE2)
        return 0;
    if (u[1] == 0x80 && u[2] >= 0xAA && u[2] <= 0xAE)
        return 0x2000 + (u[2] - 0x80);
    if (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
        return 0x2040 + (u[2] - 0x80);
    return 0;
}

/* A character that must not reach a terminal or a log as it is: C1
 * controls (U+0080..U+009F: some terminals obey them), the line and
 * paragraph separators (U+2028, U+2029: a line break to some readers) and
 * the bidirectional controls. Its code point when p starts with one (as
 * UTF-8), else 0. */
static unsigned hidden_control(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F)
        return u[1];
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
        return 0x2000 + (u[2] - 0x80);
    return bidi_control(p);
}

/* Text from outside made inert for a message: control bytes and bytes
 * that are not UTF-8 as \xNN, hidden_control() characters as \uXXXX and,
 * when `quote`, '"' and '\\' escaped, so a hostile name cannot start a
 * line of its own (a CI workflow command), move the terminal's cursor or
 * reverse the text. Once `cut` bytes are written, the text is cut at the
 * next character with "..."; out must hold cut + 16 bytes. */
static char *inert_text(const char *s, char *out, size_t cut, bool quote)
{
    size_t o = 0;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        size_t avail = 1;
        while (avail < 4 && s[avail])
            avail++;
        size_t len = utf8_length((const unsigned char *)s, avail);
        if (o >= cut) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        unsigned hidden = len > 1 ? hidden_control(s) : 0;
        if (hidden) {
            o += (size_t)snprintf(out + o, 8, "\\u%04X", hidden);
        } else if (!len || c < 0x20 || c == 0x7F || (quote && (c == '"' || c == '\\'))) {
            o += (size_t)snprintf(out + o, 8, c == '"' || c == '\\' ? "\\%c" : "\\x%02X", c);
            len = 1;
        } else {
            memcpy(out + o, s, len);
            o += len;
        }
        s += len;
    }
    out[o] = 0;
    return out;
}

/* User text quoted for a message, cut after about 40 bytes. */
static const char *quoted(const char *s, char out[64])
{
    out[0] = '"';
    size_t n = strlen(inert_text(s, out + 1, MAX_QUOTED_BYTES, true));
    memcpy(out + 1 + n, "\"", 2);
    return out;
}

/* A file name or option value as a message shows it: whole up to
 * MAX_SHOWN_NAME bytes, control and bidirectional characters escaped. The
 * text lives in one of four buffers used in turn, so one message can show
 * up to four names. */
static const char *shown(const char *s)
{
    static char ring[4][MAX_SHOWN_NAME + 16];
    static int next;
    next = (next + 1) % 4;
    return inert_text(s, ring[next], MAX_SHOWN_NAME, false);
}

/* An input error as check's JUnit and JSON files and GitHub annotations
 * give it: the file as named, where in it (a JSON path, or a line and
 * column; "" and 0 when neither), and the message. */
struct problem {
    char *file, *path, *message;
    long long line, col;
};

struct problems {
    struct problem *list;
    int n;
};

/* Where every input error is also recorded when set: `check` sets it, so
 * that a run stopped by its inputs still tells CI why. */
static struct problems *problem_sink;

/* Says one problem on stderr, as "cpreport: FILE[:LINE:COL]: [PATH: ]
 * [warning: ]MESSAGE", and records it in problem_sink when it is an
 * error. */
static void problem_vsay(const char *file, const char *path, long long line, long long col, bool error, const char *fmt,
                         va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *message = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(message, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    fprintf(stderr, "%s: %s", progname, shown(file));
    if (line)
        fprintf(stderr, ":%lld:%lld", line, col);
    fprintf(stderr, ": %s%s%s%s\n", path ? shown(path) : "", path ? ": " : "", error ? "" : "warning: ", message);
    if (!error || !problem_sink) {
        free(message);
        return;
    }
    struct problems *ps = problem_sink;
    if (!(ps->n & (ps->n - 1)))  /* at 0, 1, 2, 4...: room for as many again */
        ps->list = xrealloc(ps->list, sizeof *ps->list * (size_t)(ps->n ? 2 * ps->n : 1));
    ps->list[ps->n++] = (struct problem){xstrdup(file), xstrdup(path ? path : ""), message, line, col};
}

/* An error in a whole file, or at a line and column of it (line 0: none). */
PRINTF_LIKE(4, 5)
static void file_error(const char *file, long long line, long long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    problem_vsay(file, NULL, line, col, true, fmt, ap);
    va_end(ap);
}

static void problems_free(struct problems *ps)
{
    for (int i = 0; i < ps->n; i++) {
        free(ps->list[i].file);
        free(ps->list[i].path);
        free(ps->list[i].message);
    }
    free(ps->list);
}

/* One file's diagnostics. The path is built while walking the tree:
 * path_key and path_index append and return the old length, which
 * path_pop restores. */
struct diag {
    const char *file;
    char path[MAX_PATH];
    size_t len;
    int errors, warnings;
};

static void diag_init(struct diag *d, const char *file)
{
    memset(d, 0, sizeof *d);
    d->file = file;
}

static size_t path_push(struct diag *d, const char *fmt, ...)
{
    size_t old = d->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->path + d->len, sizeof d->path - d->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        d->len += (size_t)n < sizeof d->path - d->len ? (size_t)n : sizeof d->path - d->len - 1;
    return old;
}

/* path_key and path_index are called for every key and element loaded,
 * so they append by hand rather than through vsnprintf. */
static size_t path_key(struct diag *d, const char *key)
{
    size_t old = d->len, room = sizeof d->path - 1;
    if (d->len && d->len < room)
        d->path[d->len++] = '.';
    while (*key && d->len < room)
        d->path[d->len++] = *key++;
    d->path[d->len] = 0;
    return old;
}

/* The text appended as it is, without path_key's '.'. */
static size_t path_append(struct diag *d, const char *text)
{
    size_t old = d->len, room = sizeof d->path - 1;
    while (*text && d->len < room)
        d->path[d->len++] = *text++;
    d->path[d->len] = 0;
    return old;
}

static size_t path_index(struct diag *d, int i)
{
    char digits[16], *p = digits + sizeof digits;
    size_t old = d->len, room = sizeof d->path - 1;
    *--p = 0;
    do
        *--p = (char)('0' + i % 10);
    while (i /= 10);
    if (d->len < room)
        d->path[d->len++] = '[';
    while (*p && d->len < room)
        d->path[d->len++] = *p++;
    if (d->len < room)
        d->path[d->len++] = ']';
    d->path[d->len] = 0;
    return old;
}

static void path_pop(struct diag *d, size_t old)
{
    d->len = old;
    d->path[old] = 0;
}

static void diag_vreport(struct diag *d, bool error, const char *fmt, va_list ap)
{
    int *count = error ? &d->errors : &d->warnings;
    if (++*count > MAX_PROBLEMS_SHOWN)
        return;
    problem_vsay(d->file, d->len ? d->path : NULL, 0, 0, error, fmt, ap);
}

PRINTF_LIKE(2, 3)
static void diag_error(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, true, fmt, ap);
    va_end(ap);
}

PRINTF_LIKE(2, 3)
static void diag_warn(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, false, fmt, ap);
    va_end(ap);
}

/* Says how many problems were counted but not shown. */
static void diag_finish(struct diag *d)
{
    if (d->errors > MAX_PROBLEMS_SHOWN)
        file_error(d->file, 0, 0, "%d more errors not shown", d->errors - MAX_PROBLEMS_SHOWN);
    if (d->warnings > MAX_PROBLEMS_SHOWN)
        fprintf(stderr, "%s: %s: %d more warnings not shown\n", progname, shown(d->file),
                d->warnings - MAX_PROBLEMS_SHOWN);
}

/* ===================================================================== *
 *  Dates: days since 1970-01-01, proleptic Gregorian                     *
 * ===================================================================== */

static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Strict YYYY-MM-DD, a real calendar date in 1900..2199. */
static bool parse_date(const char *s, long long *days)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    /* The digits are checked above: read them without atoi, as every
     * school has several dates. */
#define DIGITS2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
    int y = DIGITS2(s) * 100 + DIGITS2(s + 2), m = DIGITS2(s + 5), d = DIGITS2(s + 8);
#undef DIGITS2
    if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1)
        return false;
    if (d > mdays[m - 1] + (m == 2 && is_leap(y)))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

/* ISO form, "2024-12-31". */
static const char *iso_date(long long days, char out[16])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
    return out;
}

static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};

/* Words, "31 December 2024". */
static const char *long_date(long long days, char out[32])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 32, "%d %s %d", d, month_names[m - 1], y);
    return out;
}

/* Words where space is tight (table headings, chart axes): the month's
 * first three letters, "31 Dec 2024". */
static const char *short_date(long long days, char out[32])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 32, "%d %.3s %d", d, month_names[m - 1], y);
    return out;
}

/* SOURCE_DATE_EPOCH as an ISO 8601 time, when it is set and valid. */
static bool source_date(char out[32])
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    long long secs;
    if (!env || !plain_whole(env, MAX_EPOCH_SECONDS, &secs))
        return false;
    int y, m, d;
    civil_from_days((long long)(secs / 86400), &y, &m, &d);
    long long rem = (long long)(secs % 86400);
    snprintf(out, 32, "%04d-%02d-%02dT%02lld:%02lld:%02lld", y, m, d, rem / 3600, rem / 60 % 60, rem % 60);
    return true;
}

/* ===================================================================== *
 *  The data model: one snapshot, copied out of its cJSON tree            *
 * ===================================================================== */

/* England's nine regions, as DfE's register spells them. */
static const char *const region_names[] = {
    "North East",      "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
    "East of England", "London",     "South East",               "South West",    NULL};
static const char *const phase_names[] = {"primary", "secondary", "all-through", "special",
                                          "alternative-provision", "nursery", "post-16", NULL};
/* Index 0 is the default. */
static const char *const renewal_names[] = {"continuing", "new", "renewed", "lapsed", NULL};
static const char *const grade_names[] = {"outstanding", "good", "requires-improvement",
                                          "inadequate", NULL};
static const char *const audience_names[] = {"school", "trust", NULL};

/* Ofsted's report cards, from November 2025: each evaluation area is
 * graded on a five-point scale (best first), with safeguarding met or not
 * met. The keys are the format's; the titles are what the reports show. */
#define CARD_AREA_KEYS                                                                              \
    "inclusion", "curriculum_and_teaching", "achievement", "attendance_and_behaviour",                 \
        "personal_development_and_wellbeing", "leadership_and_governance", "early_years", "post_16"
static const char *const card_area_keys[] = {CARD_AREA_KEYS, NULL};
static const char *const card_area_titles[] = {"Inclusion",
                                               "Curriculum and teaching",
                                               "Achievement",
                                               "Attendance and behaviour",
                                               "Personal development and well-being",
                                               "Leadership and governance",
                                               "Early years",
                                               "Post-16"};
static const char *const card_grade_names[] = {"exceptional", "strong", "expected", "needs-attention",
                                               "urgent-improvement", NULL};
static const char *const card_grade_titles[] = {"Exceptional", "Strong", "Expected", "Needs attention",
                                                "Urgent improvement"};
static const char *const safeguarding_names[] = {"met", "not-met", NULL};

enum renewal { REN_CONTINUING, REN_NEW, REN_RENEWED, REN_LAPSED };
enum grade { GRADE_NONE = -1, GRADE_OUTSTANDING, GRADE_GOOD, GRADE_RI, GRADE_INADEQUATE };
enum { N_REGIONS = 9, N_PHASES = 7 };
/* The evaluation areas, in the order of card_area_keys. */
enum card_area { CA_INCLUSION, CA_CURRICULUM, CA_ACHIEVEMENT, CA_ATTENDANCE, CA_PERSONAL, CA_LEADERSHIP,
                 CA_EARLY_YEARS, CA_POST_16, N_CARD_AREAS };
enum { N_CARD_GRADES = 5 };
enum card_grade { CARD_NONE = -1, CARD_EXCEPTIONAL, CARD_STRONG, CARD_EXPECTED, CARD_NEEDS_ATTENTION,
                 CARD_URGENT };
enum { SAFE_NONE = -1, SAFE_MET, SAFE_NOT_MET };
/* The first day of report cards: none is dated before it. */
#define CARDS_FROM_Y 2025
#define CARDS_FROM_M 11

/* KS2 subjects share one array of scores; KS4 uses the first slot. */
enum { KS2_READING, KS2_MATHS, KS2_GPS, N_SUBJECTS };
static const char *const ks2_subjects[] = {"reading", "maths", "gps", NULL};

/* Results measures: KS4 disadvantaged grade 4+ in English and maths, and
 * KS2 disadvantaged scaled scores in each subject. */
enum { M_KS4_EM4, M_KS2_READING, M_KS2_MATHS, M_KS2_GPS, N_MEASURES };

struct result {
    int year;
    long long pupils;                 /* disadvantaged pupils: the weight */
    double score[N_SUBJECTS];
    bool has[N_SUBJECTS];
};

struct national_result {
    int year;
    double disadv[N_SUBJECTS], other[N_SUBJECTS];
    bool has_disadv[N_SUBJECTS], has_other[N_SUBJECTS];
};

struct hub {
    const char *id, *name;
};

struct programme {
    const char *id, *name;
    int audience;                /* index in audience_names, -1 when not said */
};

struct trust {
    const char *id, *name;
    int renewal;
    int *progs, nprogs;          /* indices into snapshot.progs */
};

struct school {
    long long urn;
    const char *name, *area;     /* area may be NULL */
    int phase, region, hub, trust; /* hub and trust: index or -1 */
    long long pupils, fsm, send;
    bool has_send;
    long long joined;
    int renewal;
    int *progs, nprogs;
    bool has_ofsted;
    int ofsted_prev, ofsted_cur; /* enum grade */
    long long ofsted_date;
    bool has_card;               /* a valid report_card.inspected */
    long long card_date;
    int card_safe;               /* SAFE_* */
    int card_grade[N_CARD_AREAS]; /* enum card_grade */
    bool has_qar, qar_full, has_aoe;
    long long qar_aoe;
    struct result *ks2, *ks4;
    int nks2, nks4;
};

struct survey {
    const char *id, *question;
    long long respondents, agreed;
};

struct money_line {
    const char *name;
    double amount;
    bool fundraised;
};

struct snapshot {
    const char *file;            /* as named on the command line */
    const char *label;           /* NULL when not given */
    const char *organisation;    /* whom the report is about; NULL when not given */
    long long as_of;
    const char **target_areas;
    int ntarget_areas;
    bool has_target_areas;

    bool has_nat_fsm, has_nat_send;
    double nat_fsm, nat_send;
    struct national_result *nat_ks2, *nat_ks4;
    int nnat_ks2, nnat_ks4;
    bool has_nat_ofsted[3];
    double nat_ofsted[3];        /* kept, good to outstanding, RI to good */
    bool has_cards;              /* some school gives a report_card */
    bool has_nat_card[N_CARD_AREAS][2];
    double nat_card[N_CARD_AREAS][2]; /* strong or better, needs attention or worse */
    bool has_nat_safe;
    double nat_safe;             /* safeguarding met */

    struct hub *hubs;
    int nhubs;
    bool has_hubs;
    struct trust *trusts;
    int ntrusts;
    bool has_trusts;
    struct programme *progs;     /* the catalogue, or the ids referenced */
    int nprogs;
    bool has_catalogue;
    struct school *schools;
    int nschools;
    int year[N_MEASURES];        /* results year R of each measure, -1 if none */

    bool has_lead_reviewers;
    long long lead_reviewers;
    bool has_feedback;
    long long feedback_responses;
    double feedback_mean, feedback_scale;
    struct survey *surveys;
    int nsurveys;

    bool has_finance, has_reserves;
    const char *period, *currency;
    int finance_basis;           /* enum basis; BASIS_NONE (0) when not given */
    struct money_line *income, *expenditure;
    int nincome, nexpenditure;
    double reserves;
    bool has_fte, has_turnover;
    double staff_fte, staff_turnover;

    struct arena arena;          /* owns every string and array above */
};

static bool school_active(const struct school *sc) { return sc->renewal != REN_LAPSED; }

static bool trust_active(const struct trust *t) { return t->renewal != REN_LAPSED; }

/* Sorted (key, index) pairs: id and URN lookups in O(log n), duplicates
 * found as neighbours. */
struct key_index {
    const char *key;
    long long num;
    int idx;
    uint64_t head; /* key_head(key) where set for all compared (ids), else 0 */
};

/* The first eight bytes of s, the first highest, NULs after its end: two
 * heads compare as strcmp compares those bytes, so that a search of ids
 * reads the strings only where their heads are equal, not at every step
 * (they lie all over the snapshot; the index is a small array). */
static uint64_t key_head(const char *s)
{
    uint64_t h = 0;
    for (int i = 0; i < 8; i++) {
        h = h << 8 | (unsigned char)*s;
        s += *s != 0;
    }
    return h;
}

static int cmp_keys(const struct key_index *a, const struct key_index *b)
{
    return a->head != b->head ? (a->head > b->head) - (a->head < b->head) : strcmp(a->key, b->key);
}

static int cmp_key_index(const void *pa, const void *pb)
{
    const struct key_index *a = pa, *b = pb;
    int c = a->key ? cmp_keys(a, b) : (a->num > b->num) - (a->num < b->num);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static int cmp_string(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Ignoring ASCII case. Only for membership (target areas): names equal
 * under it are one name, so the order qsort leaves them in never shows. */
static int cmp_casefold(const void *pa, const void *pb)
{
    return ascii_casecmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Index of the entry with this id (the first of equal ones), or -1. ix
 * is made by index_ids. A binary search written out, not bsearch: a call
 * through a pointer at every step cost more than the comparison. */
static int key_lookup(const struct key_index *ix, int n, const char *key)
{
    struct key_index probe = {key, 0, 0, key_head(key)};
    int lo = 0, hi = n; /* ix[lo - 1] < key <= ix[hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (cmp_keys(&ix[mid], &probe) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !cmp_keys(&ix[lo], &probe) ? ix[lo].idx : -1;
}

/* ===================================================================== *
 *  Loading and validation                                                *
 * ===================================================================== */

/* Every check adds to L->d; loading goes on after a problem so that all of
 * them are listed in one run. Nothing here returns NULL to mean "invalid":
 * callers ask d.errors at the end. */
struct loader {
    struct diag d;
    struct snapshot *s;
    struct key_index *hub_ix, *trust_ix, *prog_ix;
    int nhub_ix, ntrust_ix, nprog_ix;
    int *prog_mark, stamp;       /* duplicate programmes in one list */
    int repeats;                 /* repeated keys reported */
    bool keys_unique;            /* check_repeats found none in the whole tree */
    const cJSON *at_obj, *at_next; /* where field() found its last key */
    int last_year;               /* results' latest year: as_of's, MAX_YEAR without one */
    const struct school_text *schools; /* their text, when they are parsed one by one */
};

enum { OPTIONAL = 0, REQUIRED = 1 };

/* What a value is, for "expected X, got Y" messages. */
static const char *describe(const cJSON *v, char out[64])
{
    if (cJSON_IsString(v))
        return quoted(v->valuestring, out);
    if (cJSON_IsNumber(v))
        snprintf(out, 64, isfinite(v->valuedouble) ? "%.15g" : "a number too large to hold", v->valuedouble);
    else
        snprintf(out, 64, "%s", cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false")
                                : cJSON_IsNull(v) ? "null"
                                : cJSON_IsArray(v) ? "an array"
                                                   : "an object");
    return out;
}

/* Length of the JSON number at p, or 0 when it breaks the grammar that
 * cJSON is lax about ("0123", "1.", "-.5"). */
static size_t number_length(const char *p)
{
    const char *q = p + (*p == '-');
    if (*q == '0')
        q++;
    else if (*q >= '1' && *q <= '9')
        while (isdigit((unsigned char)*q))
            q++;
    else
        return 0;
    if (*q == '.') {
        if (!isdigit((unsigned char)*++q))
            return 0;
        while (isdigit((unsigned char)*q))
            q++;
    }
    if (*q == 'e' || *q == 'E') {
        q += q[1] == '+' || q[1] == '-' ? 2 : 1;
        if (!isdigit((unsigned char)*q))
            return 0;
        while (isdigit((unsigned char)*q))
            q++;
    }
    return isdigit((unsigned char)*q) ? 0 : (size_t)(q - p);
}

/* The code unit of the escape "\uXXXX" at p (p + 6 <= the end), or -1
 * when it is not one. */
static long long u_escape(const char *p)
{
    char hex[5] = {0};
    if (p[0] != '\\' || p[1] != 'u')
        return -1;
    for (int k = 0; k < 4; k++)
        if (!isxdigit((unsigned char)(hex[k] = p[k + 2])))
            return -1;
    return strtoll(hex, NULL, 16);
}

/* The bytes string_length stops at: control characters, '"', '\\' and
 * every byte of a multibyte UTF-8 sequence (>= 0x80). */
#define STOP16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char string_stop[256] = {
    STOP16(1), STOP16(1),                                  /* 0x00-0x1F */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,        /* 0x22 '"' */
    STOP16(0), STOP16(0),                                  /* 0x30-0x4F */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,        /* 0x5C '\\' */
    STOP16(0), STOP16(0),                                  /* 0x60-0x7F */
    STOP16(1), STOP16(1), STOP16(1), STOP16(1), STOP16(1), STOP16(1), STOP16(1), STOP16(1),
};
#undef STOP16

/* Where the first of the eight bytes at p that string_stop holds is (0 to
 * 7), or 8 when there is none: tested at once on a 64-bit word (SWAR),
 * read with the first byte lowest whatever the machine. Before the first
 * stop every byte is 0x20..0x7F but '"' and '\\', so none of v, v minus
 * 0x20 in each byte, or v XORed with '"' or '\\' in each byte minus 1 has
 * its high bit set there, and no subtraction borrows; at the first stop
 * one of them has (a byte >= 0x80, a byte below 0x20, a zero byte after
 * the XOR). Above it the bits may be wrong, which does not matter. */
static size_t string_stop8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, high = ones << 7;
    uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
                 (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
    uint64_t m = (v | (v - ones * 0x20) | ((v ^ ones * '"') - ones) | ((v ^ ones * '\\') - ones)) & high;
    if (!m)
        return 8;
    /* m & -m is 0x80 << 8k for the byte k: the product's top byte is k. */
    return (size_t)((((m & -m) >> 7) * 0x0001020304050607u) >> 56);
}

/* Length of the JSON string starting at the quote buf[i], or 0 with *why
 * and *at set. Checks what cJSON lets through: UTF-8, raw control
 * characters, escapes, "\u0000" (which cJSON truncates the text at), and
 * half of a surrogate pair without the other (which cJSON refuses with no
 * reason given). */
static size_t string_length(const char *buf, size_t len, size_t i, const char **why, size_t *at)
{
    for (size_t j = i + 1; j < len; j++) {
        /* Printable ASCII other than '"' and '\\' needs no check: skip
         * it in one go, as most of a snapshot's text is, eight bytes at a
         * time while they last. */
        const unsigned char *u = (const unsigned char *)buf;
        size_t k = 8;
        while (j + 8 <= len && (k = string_stop8(u + j)) == 8)
            j += 8;
        if (k < 8)
            j += k;
        else
            while (j < len && !string_stop[u[j]])
                j++;
        if (j == len)
            break;
        unsigned char c = (unsigned char)buf[j];
        *at = j;
        if (c == '"')
            return j - i + 1;
        if (c < 0x20) {
            *why = "control character in a string (write it as an escape)";
            return 0;
        }
        if (c >= 0x80) {
            size_t n = utf8_length((const unsigned char *)buf + j, len - j);
            if (!n) {
                *why = "invalid UTF-8";
                return 0;
            }
            j += n - 1;
        } else if (c == '\\') {
            char e = j + 1 < len ? buf[j + 1] : 0;
            if (e == 'u') {
                long long u = j + 5 < len ? u_escape(buf + j) : -1;
                if (u < 0) {
                    *why = "\\u must be followed by four hexadecimal digits";
                    return 0;
                }
                if (u == 0) {
                    *why = "\\u0000 (a NUL character) is not allowed in text";
                    return 0;
                }
                if (u >= 0xD800 && u <= 0xDFFF) {
                    long long low = u < 0xDC00 && j + 11 < len ? u_escape(buf + j + 6) : -1;
                    if (low < 0xDC00 || low > 0xDFFF) {
                        *why = "invalid \\u escape: unpaired surrogate";
                        return 0;
                    }
                    j += 6; /* the pair is one character */
                }
            } else if (!e || !strchr("\"\\/bfnrt", e)) {
                *why = "invalid escape in a string";
                return 0;
            }
            j++;
        }
    }
    *at = len;
    *why = "unexpected end of input in a string";
    return 0;
}

/* The keys json_check has seen in each object open at the first
 * KEY_LEVELS depths (up to KEY_SLOTS each), as offsets and lengths in the
 * text, to find a key repeated in its object while the text is at hand:
 * the check of the tree (check_repeats) then walks all of it only when
 * the text may repeat one. */
#define KEY_LEVELS 16
#define KEY_SLOTS 32
struct seen_keys {
    bool unsure; /* a key repeated, or keys not compared */
    int n[KEY_LEVELS];
    uint32_t at[KEY_LEVELS][KEY_SLOTS], len[KEY_LEVELS][KEY_SLOTS];
};

/* The key that is the string of n bytes at buf[i] (quotes included), in
 * the object at depth. Two keys without a backslash are the same text in
 * the tree exactly when their bytes are the same (string_length has
 * checked them); a key with an escape, in an object too deep or with too
 * many keys, leaves the question to check_repeats. */
static void see_key(struct seen_keys *k, const char *buf, size_t i, size_t n, int depth)
{
    const char *key = buf + i + 1;
    size_t len = n - 2;
    int l = depth - 1;
    if (k->unsure)
        return;
    if (l < 0 || l >= KEY_LEVELS || k->n[l] == KEY_SLOTS || memchr(key, '\\', len)) {
        k->unsure = true;
        return;
    }
    for (int j = 0; j < k->n[l]; j++)
        if (k->len[l][j] == len && !memcmp(buf + k->at[l][j], key, len)) {
            k->unsure = true;
            return;
        }
    k->at[l][k->n[l]] = (uint32_t)(key - buf);
    k->len[l][k->n[l]++] = (uint32_t)len;
}

/* Where the text of the root object's "schools" array and of each of its
 * elements lies, as json_check finds it, so that each school can be
 * parsed from its own text (load_snapshot). */
struct school_text {
    const char *buf;
    bool found;         /* the root is an object whose "schools" is an array */
    size_t open, close; /* its '[' and one past its ']' */
    int n, cap;
    size_t *start, *end; /* each element's first byte and one past its last */
};

/* What json_check finds in a text: its verdict (the offset of the first
 * problem and why, or -1), and on the way, when asked, repeated keys and
 * the schools' text. */
struct text_scan {
    long long bad;
    const char *why;
    struct seen_keys keys;
    struct school_text schools;
};

/* Checks the JSON syntax, because cJSON accepts more than JSON ("0123",
 * "1.", form feeds between tokens, trailing text with some calls) and
 * points vaguely at errors. Returns the offset of the first problem and
 * sets *why, or -1. buf[len] is NUL. With scan, it also compares the keys
 * of each object (see_key) and finds the schools' text. */
static long long json_check(const char *buf, size_t len, const char **why, struct text_scan *scan)
{
    enum { VALUE, FIRST_VALUE, KEY, FIRST_KEY, COLON, NEXT, END } want = VALUE;
    static char what[64];
    char stack[MAX_NESTING];
    int depth = 0;
    bool schools_key = false, in_schools = false; /* the root's "schools" just read; inside its array */
    struct school_text *t = scan ? &scan->schools : NULL;
    size_t i = strncmp(buf, "\xEF\xBB\xBF", 3) ? 0 : 3; /* a byte-order mark */
    for (;;) {
        while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
            i++;
        if (i == len) {
            if (want == END)
                return -1;
            *why = "unexpected end of input";
            return (long long)i;
        }
        unsigned char c = (unsigned char)buf[i];
        size_t n = 0, at = i;
        if (in_schools && depth == 2 && (want == VALUE || (want == FIRST_VALUE && c != ']'))) {
            if (t->n == t->cap) {
                t->cap = t->cap ? 2 * t->cap : 1024;
                t->start = xrealloc(t->start, sizeof *t->start * (size_t)t->cap);
                t->end = xrealloc(t->end, sizeof *t->end * (size_t)t->cap);
            }
            t->start[t->n] = i; /* an element begins */
        }
        if ((want == FIRST_VALUE && c == ']') || (want == FIRST_KEY && c == '}') ||
            (want == NEXT && c == (stack[depth - 1] == '{' ? '}' : ']'))) {
            depth--;
            n = 1;
        } else if (want == NEXT && c == ',') {
            want = stack[depth - 1] == '{' ? KEY : VALUE;
            i++;
            continue;
        } else if (want == COLON && c == ':') {
            want = VALUE;
            i++;
            continue;
        } else if ((want == KEY || want == FIRST_KEY) && c == '"') {
            if (!(n = string_length(buf, len, i, why, &at)))
                return (long long)at;
            if (scan) {
                see_key(&scan->keys, buf, i, n, depth);
                if (depth == 1)
                    schools_key = n == 9 && !memcmp(buf + i, "\"schools\"", 9);
            }
            want = COLON;
            i += n;
            continue;
        } else if ((want == VALUE || want == FIRST_VALUE) && (c == '{' || c == '[')) {
            if (depth == MAX_NESTING) {
                *why = "nested more than 1000 deep";
                return (long long)i;
            }
            if (scan && depth == 1 && schools_key && c == '[') {
                t->found = in_schools = true;
                t->open = i;
            }
            schools_key = false;
            stack[depth++] = (char)c;
            if (scan && depth <= KEY_LEVELS)
                scan->keys.n[depth - 1] = 0;
            want = c == '{' ? FIRST_KEY : FIRST_VALUE;
            i++;
            continue;
        } else if (want == VALUE || want == FIRST_VALUE) {
            if (depth == 1)
                schools_key = false;
            if (c == '"' && !(n = string_length(buf, len, i, why, &at)))
                return (long long)at;
            if ((c == '-' || isdigit(c)) && !(n = number_length(buf + i))) {
                *why = "invalid number";
                return (long long)i;
            }
            for (int k = 0; !n && k < 3; k++) {
                static const char *const literals[] = {"true", "false", "null"};
                size_t l = strlen(literals[k]);
                if (!strncmp(buf + i, literals[k], l) && !isalnum((unsigned char)buf[i + l]))
                    n = l;
            }
        }
        if (!n) {
            static const char *const expected[] = {"a value", "a value or ']'", "a key in double quotes",
                                                   "a key in double quotes or '}'", "':' after the key",
                                                   "',' or the closing bracket", "the end of the input"};
            if (c > 0x20 && c < 0x7F)
                snprintf(what, sizeof what, "expected %s, got '%c'", expected[want], c);
            else
                snprintf(what, sizeof what, "expected %s, got byte 0x%02X", expected[want], c);
            *why = what;
            return (long long)i;
        }
        i += n;
        want = depth ? NEXT : END;
        if (in_schools && depth == 2) {
            t->end[t->n++] = i; /* an element ends */
        } else if (in_schools && depth == 1) {
            t->close = i;
            in_schools = false;
        }
    }
}

/* Whether the tree parse_scanned made last may hold a repeated key: when
 * it cannot, the loader skips check_repeats. */
static bool json_keys_unique;

/* Reads the syntax of buf (buf[len] is NUL) into scan: json_check's
 * verdict and what it finds on the way. scan_free frees it. */
static void scan_text(const char *buf, size_t len, struct text_scan *scan)
{
    *scan = (struct text_scan){.why = NULL};
    scan->bad = json_check(buf, len, &scan->why, scan);
}

static void scan_free(struct text_scan *scan)
{
    free(scan->schools.start);
    free(scan->schools.end);
}

/* cJSON's tree of text that json_check passed, or NULL (*end is cJSON's
 * place when cJSON refused it, which JSON should never make it do). */
static cJSON *parse_scanned(const char *buf, size_t len, const struct text_scan *scan, const char **end)
{
    cJSON *root = scan->bad < 0 ? cJSON_ParseWithLengthOpts(buf, len + 1, end, 1) : NULL;
    json_keys_unique = root && !scan->keys.unsure;
    return root;
}

/* Line and column (counted in characters) of a byte offset. */
static void line_col(const char *buf, long long off, long long *line, long long *col)
{
    *line = 1;
    *col = 1;
    long long start = off >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a byte-order mark is no column */
    for (long long i = start; i < off; i++) {
        if (buf[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

/* Which of n keys repeat one before them: a flag for each, by position,
 * which the caller frees. Found by sorting a copy, not by comparing every
 * pair: an object may hold very many keys. */
static bool *repeated_keys(const struct key_index *keys, int n)
{
    struct key_index *sorted = memcpy(xmalloc(sizeof *sorted * (size_t)n), keys, sizeof *sorted * (size_t)n);
    bool *repeat = xcalloc((size_t)n, sizeof *repeat);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_key_index);
    for (int i = 1; i < n; i++)
        repeat[sorted[i].idx] = !strcmp(sorted[i].key, sorted[i - 1].key);
    free(sorted);
    return repeat;
}

/* Where check_repeats is in the tree: a member's key, or with key NULL an
 * element's index. Kept on the stack and written into the path only for
 * a message, so that the walk costs little when nothing repeats. */
struct walk_at {
    const struct walk_at *up;
    const char *key;
    int index;
};

static void path_walked(struct diag *d, const struct walk_at *at)
{
    if (!at)
        return;
    path_walked(d, at->up);
    if (at->key)
        path_key(d, at->key);
    else
        path_index(d, at->index);
}

static void report_repeat(struct loader *L, const struct walk_at *at, const char *key)
{
    char q[64];
    size_t old = L->d.len;
    if (L->d.errors < MAX_PROBLEMS_SHOWN)  /* a message not shown needs no path */
        path_walked(&L->d, at);
    diag_error(&L->d, "key %s appears more than once", quoted(key, q));
    path_pop(&L->d, old);
    L->repeats++;
}

/* Repeated keys (an error: cJSON keeps each and finds the first) in v and
 * every object inside it, known or not, at any depth, each named at its
 * object's path. One walk of the tree, before anything is loaded from it;
 * the keys of a small object are compared pairwise, a larger one's sorted. */
static void check_repeats(struct loader *L, const cJSON *v, const struct walk_at *up)
{
    const cJSON *c;
    int n = 0;
    /* Counted up to 17 only: past it the keys are sorted anyway. */
    for (c = cJSON_IsObject(v) ? v->child : NULL; c && n <= 16; c = c->next)
        n++;
    if (n > 16) {
        n = cJSON_GetArraySize(v);
        struct key_index *keys = xmalloc(sizeof *keys * (size_t)n);
        n = 0;
        cJSON_ArrayForEach(c, v)
        {
            keys[n] = (struct key_index){c->string, 0, n, 0};
            n++;
        }
        bool *repeat = repeated_keys(keys, n);
        for (int i = 0; i < n; i++)
            if (repeat[i])
                report_repeat(L, up, keys[i].key);
        free(repeat);
        free(keys);
    } else if (n > 1) {
        for (c = v->child->next; c; c = c->next)
            for (const cJSON *b = v->child; b != c; b = b->next)
                if (b->string[0] == c->string[0] && !strcmp(b->string, c->string)) {
                    report_repeat(L, up, c->string);
                    break;
                }
    }
    n = 0;
    cJSON_ArrayForEach(c, v)
    {
        if (c->child) {  /* only arrays and objects hold keys */
            struct walk_at at = {up, cJSON_IsObject(v) ? c->string : NULL, n};
            check_repeats(L, c, &at);
        }
        n++;
    }
}

/* The object's unknown keys: a warning each, once for a repeated key
 * (check_repeats reports the repeat), with the nearest known key. known[]
 * ends with NULL. */
static void check_keys(struct loader *L, const cJSON *obj, const char *const *known)
{
    const cJSON *c;
    char q[64];
    struct key_index *unknown = NULL;
    int n = 0, nknown = 0, k = -1;
    while (known[nknown])
        nknown++;
    cJSON_ArrayForEach(c, obj)
    {
        /* Keys usually come in the order of the list: the search starts
         * after the last one found. */
        int tried = 0, from = k;
        do
            k = k + 1 < nknown ? k + 1 : 0;
        while (++tried <= nknown && (known[k][0] != c->string[0] || strcmp(known[k], c->string)));
        if (tried > nknown) {
            k = from;
            if (!unknown)
                unknown = xmalloc(sizeof *unknown * (size_t)(cJSON_GetArraySize(obj) + 1));
            unknown[n] = (struct key_index){c->string, 0, n, 0};
            n++;
        }
    }
    if (!unknown)
        return;
    bool *repeat = repeated_keys(unknown, n);
    for (int i = 0; i < n; i++) {
        if (repeat[i])
            continue;
        const char *key = unknown[i].key, *near = nearest_name(key, known);
        if (near)
            diag_warn(&L->d, "unknown key %s ignored (did you mean \"%s\"?)", quoted(key, q), near);
        else
            diag_warn(&L->d, "unknown key %s ignored", quoted(key, q));
    }
    free(repeat);
    free(unknown);
}

/* The member named key among c and the members after it, up to end. */
static const cJSON *find_key(const cJSON *c, const cJSON *end, const char *key)
{
    for (; c != end; c = c->next)
        if (c->string && c->string[0] == key[0] && !strcmp(c->string, key))
            return c;
    return NULL;
}

/* The value at obj.key. JSON null counts as absent. A missing required
 * key is reported against the object's path. */
static const cJSON *field(struct loader *L, const cJSON *obj, const char *key, bool required)
{
    /* cJSON_GetObjectItemCaseSensitive, quicker: every field of every
     * school is looked up here, in about the order the keys are written,
     * so the search starts after the key found last in the same object
     * and goes round. When the tree may repeat a key, it starts at the
     * first member, so that the first of repeated keys is found, as cJSON
     * finds it (check_repeats reports them). */
    const cJSON *from = obj == L->at_obj && L->keys_unique ? L->at_next : NULL, *v = NULL;
    if (obj)
        v = find_key(from ? from : obj->child, NULL, key);
    if (!v && from)
        v = find_key(obj->child, from, key);
    if (v) {
        L->at_obj = obj;
        L->at_next = v->next;
    }
    if (cJSON_IsNull(v))
        v = NULL;
    if (!v && required)
        diag_error(&L->d, "missing required key \"%s\"", key);
    return v;
}

/* An error at obj.key: the key is on the path for this message only. */
PRINTF_LIKE(3, 4)
static void error_at(struct loader *L, const char *key, const char *fmt, ...)
{
    size_t old = path_key(&L->d, key);
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(&L->d, true, fmt, ap);
    va_end(ap);
    path_pop(&L->d, old);
}

static void type_error(struct loader *L, const char *key, const char *expected, const cJSON *v)
{
    char q[64];
    error_at(L, key, "expected %s, got %s", expected, describe(v, q));
}

/* A number in [lo, hi] (whole when asked). True when present and valid. */
static bool get_number(struct loader *L, const cJSON *obj, const char *key, bool required,
                       bool whole, double lo, double hi, double *out)
{
    const cJSON *v = field(L, obj, key, required);
    if (!v)
        return false;
    const char *expected = whole ? (lo >= 0 ? "a whole number of 0 or more" : "a whole number")
                                 : "a number";
    double x = v->valuedouble;
    if (!cJSON_IsNumber(v) || !isfinite(x) || (whole && x != floor(x))) {
        type_error(L, key, expected, v);
        return false;
    }
    bool ok = x >= lo && x <= hi;
    if (x < lo)
        error_at(L, key, "%.15g is less than %.15g", x, lo);
    else if (x > hi)
        error_at(L, key, "%.15g is more than %.15g", x, hi);
    if (ok)
        *out = x;
    return ok;
}

static bool get_count(struct loader *L, const cJSON *obj, const char *key, bool required, long long *out)
{
    double x;
    if (!get_number(L, obj, key, required, true, 0, MAX_COUNT, &x))
        return false;
    *out = (long long)x;
    return true;
}

static bool get_pct(struct loader *L, const cJSON *obj, const char *key, double *out)
{
    return get_number(L, obj, key, OPTIONAL, false, 0, 100, out);
}

/* A non-empty string of at most MAX_TEXT_BYTES, as it is in the tree
 * (gone with it); its length in *len. */
static const char *string_at(struct loader *L, const cJSON *obj, const char *key, bool required, size_t *len)
{
    const cJSON *v = field(L, obj, key, required);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        type_error(L, key, "a string", v);
        return NULL;
    }
    size_t n = strlen(v->valuestring);
    if (n == 0)
        error_at(L, key, "must not be empty");
    else if (n > MAX_TEXT_BYTES)
        error_at(L, key, "is %zu bytes long, more than the limit of %d", n, MAX_TEXT_BYTES);
    *len = n;
    return n == 0 || n > MAX_TEXT_BYTES ? NULL : v->valuestring;
}

/* The same, copied into the snapshot. */
static bool get_string(struct loader *L, const cJSON *obj, const char *key, bool required,
                       const char **out)
{
    size_t n;
    const char *s = string_at(L, obj, key, required, &n);
    if (!s)
        return false;
    *out = memcpy(arena_alloc(&L->s->arena, n + 1), s, n + 1);
    return true;
}

/* One of names[] (ASCII case ignored when nocase), as its index. */
static bool get_enum(struct loader *L, const cJSON *obj, const char *key, bool required,
                     const char *const *names, bool nocase, int *out)
{
    const cJSON *v = field(L, obj, key, required);
    if (!v)
        return false;
    if (!cJSON_IsString(v)) {
        type_error(L, key, "a string", v);
        return false;
    }
    for (int i = 0; names[i]; i++) {
        if (nocase ? !ascii_casecmp(names[i], v->valuestring) : !strcmp(names[i], v->valuestring)) {
            *out = i;
            return true;
        }
    }
    struct sb list;
    sb_init(&list);
    for (int i = 0; names[i]; i++)
        sb_printf(&list, "%s%s", i ? ", " : "", names[i]);
    char q[64];
    const char *near = nearest_name(v->valuestring, names);
    if (near)
        error_at(L, key, "%s is not one of %s (did you mean \"%s\"?)", quoted(v->valuestring, q), list.buf, near);
    else
        error_at(L, key, "%s is not one of %s", quoted(v->valuestring, q), list.buf);
    sb_free(&list);
    return false;
}

/* A real calendar date, YYYY-MM-DD, not after as_of unless allowed. */
static bool get_date(struct loader *L, const cJSON *obj, const char *key, bool required,
                     bool after_as_of_ok, long long *out)
{
    const cJSON *v = field(L, obj, key, required);
    if (!v)
        return false;
    char q[64], d1[16];
    if (!cJSON_IsString(v)) {
        type_error(L, key, "a date (YYYY-MM-DD)", v);
        return false;
    }
    bool ok = parse_date(v->valuestring, out);
    if (!ok)
        error_at(L, key, "%s is not a real date in the form YYYY-MM-DD", quoted(v->valuestring, q));
    else if (!after_as_of_ok && L->s->as_of != LLONG_MIN && *out > L->s->as_of) {
        error_at(L, key, "%s is after as_of (%s)", v->valuestring, iso_date(L->s->as_of, d1));
        ok = false;
    }
    return ok;
}

static bool get_bool(struct loader *L, const cJSON *obj, const char *key, bool required, bool *out)
{
    const cJSON *v = field(L, obj, key, required);
    if (!v)
        return false;
    if (!cJSON_IsBool(v)) {
        type_error(L, key, "true or false", v);
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

static const cJSON *get_typed(struct loader *L, const cJSON *obj, const char *key, bool required,
                              bool array)
{
    const cJSON *v = field(L, obj, key, required);
    if (v && (array ? !cJSON_IsArray(v) : !cJSON_IsObject(v))) {
        type_error(L, key, array ? "an array" : "an object", v);
        return NULL;
    }
    return v;
}

static const cJSON *get_array(struct loader *L, const cJSON *obj, const char *key, bool required)
{
    return get_typed(L, obj, key, required, true);
}

static const cJSON *get_object(struct loader *L, const cJSON *obj, const char *key, bool required)
{
    return get_typed(L, obj, key, required, false);
}

/* Iterates the array at key: for each element that is an object, pushes
 * "key[i]" and calls fn(L, element, i, ctx). Returns the element count. */
typedef void (*element_fn)(struct loader *L, const cJSON *el, int i, void *ctx);

/* Element i of an array of objects: fn for an object, an error for
 * anything else. */
static void load_element(struct loader *L, const cJSON *el, int i, element_fn fn, void *ctx)
{
    size_t at = path_index(&L->d, i);
    if (!cJSON_IsObject(el)) {
        char q[64];
        diag_error(&L->d, "expected an object, got %s", describe(el, q));
    } else {
        fn(L, el, i, ctx);
    }
    path_pop(&L->d, at);
}

static int each_object(struct loader *L, const cJSON *arr, const char *key, element_fn fn, void *ctx)
{
    int i = 0;
    const cJSON *el;
    size_t old = path_key(&L->d, key);
    cJSON_ArrayForEach(el, arr)
        load_element(L, el, i++, fn, ctx);
    path_pop(&L->d, old);
    return i;
}

/* Builds a sorted index of the ids of n entries of `size` bytes from
 * `base`, each at offset `at` (NULL: already reported), and reports
 * duplicates ("hubs[3].id: "EMS" is already used by hubs[0]"). */
static struct key_index *index_ids(struct loader *L, const char *what, const void *base, size_t size, size_t at,
                                   int n, int *nix)
{
    struct key_index *ix = xmalloc(sizeof *ix * (size_t)(n ? n : 1));
    int m = 0;
    for (int i = 0; i < n; i++) {
        const char *id = *(const char *const *)((const char *)base + size * (size_t)i + at);
        if (id)
            ix[m++] = (struct key_index){id, 0, i, key_head(id)};
    }
    qsort(ix, (size_t)m, sizeof *ix, cmp_key_index);
    for (int i = 1; i < m; i++) {
        if (!strcmp(ix[i].key, ix[i - 1].key)) {
            char q[64];
            size_t old = path_push(&L->d, "%s%s[%d].id", L->d.len ? "." : "", what, ix[i].idx);
            diag_error(&L->d, "%s is already used by %s[%d]", quoted(ix[i].key, q), what, ix[i - 1].idx);
            path_pop(&L->d, old);
        }
    }
    *nix = m;
    return ix;
}

/* Resolves an id reference at obj.key against an index; -1 when absent. */
static int get_ref(struct loader *L, const cJSON *obj, const char *key, const char *what,
                   const struct key_index *ix, int nix)
{
    size_t n;
    const char *id = string_at(L, obj, key, OPTIONAL, &n); /* only its index is kept */
    if (!id)
        return -1;
    int idx = key_lookup(ix, nix, id);
    if (idx < 0) {
        char q[64];
        error_at(L, key, "%s is not the id of any entry in %s", quoted(id, q), what);
    }
    return idx;
}

/* A list of programme ids, each in the catalogue (or, without one, in
 * the list collect_programmes made). */
static bool is_programme_id(const cJSON *el)
{
    return cJSON_IsString(el) && *el->valuestring && strlen(el->valuestring) <= MAX_TEXT_BYTES;
}

static void get_programmes(struct loader *L, const cJSON *obj, int audience, int **out, int *nout)
{
    const cJSON *arr = get_array(L, obj, "programmes", OPTIONAL), *el;
    *out = NULL;
    *nout = 0;
    if (!arr)
        return;
    L->stamp++;
    int n = cJSON_GetArraySize(arr), i = 0;
    *out = arena_alloc(&L->s->arena, sizeof **out * (size_t)(n ? n : 1));
    size_t old = path_key(&L->d, "programmes");
    cJSON_ArrayForEach(el, arr)
    {
        char q[64];
        size_t at = path_index(&L->d, i++);
        if (!is_programme_id(el)) {
            diag_error(&L->d, "expected a programme id, got %s", describe(el, q));
        } else {
            int p = key_lookup(L->prog_ix, L->nprog_ix, el->valuestring);
            /* A list is marked with its own stamp: no pairwise comparison. */
            bool dup = p >= 0 && L->prog_mark[p] == L->stamp;
            if (p >= 0)
                L->prog_mark[p] = L->stamp;
            if (p < 0)
                diag_error(&L->d, "%s is not the id of any entry in programmes", quoted(el->valuestring, q));
            else if (dup)
                diag_error(&L->d, "%s is listed twice", quoted(el->valuestring, q));
            else {
                int want = L->s->progs[p].audience;
                if (want >= 0 && want != audience)
                    diag_warn(&L->d, "%s is a programme for a %s, not a %s", quoted(el->valuestring, q),
                              audience_names[want], audience_names[audience]);
                (*out)[(*nout)++] = p;
            }
        }
        path_pop(&L->d, at);
    }
    path_pop(&L->d, old);
}

/* Without a catalogue, the programmes are the distinct ids that trusts
 * and schools name, sorted. */
static void collect_programmes(struct loader *L, const cJSON *trusts, const cJSON *schools)
{
    struct snapshot *s = L->s;
    const cJSON *lists[] = {trusts, schools}, *o, *el;
    int n = 0;
    for (int l = 0; l < 2; l++)
        cJSON_ArrayForEach(o, lists[l])
        {
            const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "programmes");
            n += cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
        }
    const char **ids = xmalloc(sizeof *ids * (size_t)(n + 1));
    n = 0;
    for (int l = 0; l < 2; l++)
        cJSON_ArrayForEach(o, lists[l])
        {
            const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "programmes");
            if (!cJSON_IsArray(arr))
                continue;
            cJSON_ArrayForEach(el, arr)
            {
                if (is_programme_id(el))
                    ids[n++] = el->valuestring;
            }
        }
    qsort(ids, (size_t)n, sizeof *ids, cmp_string);
    s->progs = xcalloc((size_t)n + 1, sizeof *s->progs);
    for (int i = 0; i < n; i++)
        if (!i || strcmp(ids[i], ids[i - 1]))
            s->progs[s->nprogs++] = (struct programme){arena_strdup(&s->arena, ids[i]), NULL, -1};
    free(ids);
}

/* The id of a hub or trust. "none" names the breakdowns' group of
 * schools without one (its row and its report file), so no hub or trust
 * may take it. */
static void get_group_id(struct loader *L, const cJSON *o, const char **out)
{
    if (get_string(L, o, "id", REQUIRED, out) && !strcmp(*out, "none"))
        error_at(L, "id", "\"none\" is kept for the schools without a hub or trust");
}

static const char *const hub_keys[] = {"id", "name", "region", NULL};

static void load_hub(struct loader *L, const cJSON *o, int i, void *ctx)
{
    (void)ctx;
    struct hub *h = &L->s->hubs[i];
    int region;
    check_keys(L, o, hub_keys);
    get_group_id(L, o, &h->id);
    get_string(L, o, "name", OPTIONAL, &h->name);
    get_enum(L, o, "region", OPTIONAL, region_names, true, &region);
}

static const char *const programme_keys[] = {"id", "name", "for", NULL};

static void load_programme(struct loader *L, const cJSON *o, int i, void *ctx)
{
    (void)ctx;
    struct programme *p = &L->s->progs[i];
    p->audience = -1;
    check_keys(L, o, programme_keys);
    get_string(L, o, "id", REQUIRED, &p->id);
    get_string(L, o, "name", OPTIONAL, &p->name);
    get_enum(L, o, "for", OPTIONAL, audience_names, false, &p->audience);
}

static const char *const trust_keys[] = {"id", "name", "joined", "renewal", "programmes", NULL};

static void load_trust(struct loader *L, const cJSON *o, int i, void *ctx)
{
    (void)ctx;
    struct trust *t = &L->s->trusts[i];
    long long joined;
    check_keys(L, o, trust_keys);
    get_group_id(L, o, &t->id);
    get_string(L, o, "name", OPTIONAL, &t->name);
    get_date(L, o, "joined", OPTIONAL, false, &joined);
    get_enum(L, o, "renewal", OPTIONAL, renewal_names, false, &t->renewal);
    get_programmes(L, o, 1, &t->progs, &t->nprogs);
}

static const char *const ks2_keys[] = {"year", "disadvantaged_pupils", "disadvantaged_reading",
                                       "disadvantaged_maths", "disadvantaged_gps", NULL};
static const char *const ks4_keys[] = {"year", "disadvantaged_pupils", "disadvantaged_em4_pct", NULL};

/* A results year: 2000 up to the year of as_of. */
static bool get_year(struct loader *L, const cJSON *o, int *year)
{
    double y;
    if (!get_number(L, o, "year", REQUIRED, true, MIN_RESULTS_YEAR, L->last_year, &y))
        return false;
    *year = (int)y;
    return true;
}

/* Scaled scores run from 80 to 120; averages stay inside. */
#define SCALED_MIN 80.0
#define SCALED_MAX 120.0

struct results_ctx {
    struct result *rows;
    bool ks4;
};

static void load_result(struct loader *L, const cJSON *o, int i, void *ctx)
{
    struct results_ctx *rc = ctx;
    struct result *r = &rc->rows[i];
    static const char *const keys[N_SUBJECTS] = {"disadvantaged_reading", "disadvantaged_maths", "disadvantaged_gps"};
    r->year = -1;
    check_keys(L, o, rc->ks4 ? ks4_keys : ks2_keys);
    get_year(L, o, &r->year);
    get_count(L, o, "disadvantaged_pupils", REQUIRED, &r->pupils);
    if (rc->ks4) {
        r->has[0] = get_pct(L, o, "disadvantaged_em4_pct", &r->score[0]);
        return;
    }
    for (int k = 0; k < N_SUBJECTS; k++)  /* in the order of ks2_subjects */
        r->has[k] = get_number(L, o, keys[k], OPTIONAL, false, SCALED_MIN, SCALED_MAX, &r->score[k]);
}

/* Years must not repeat within one list; each entry's year is read with
 * stride `stride` bytes from `base` (-1: already reported; 0: the entry
 * was not an object). */
static void check_years_unique(struct loader *L, const char *key, const void *base, size_t stride, int n)
{
    /* A school has a few years of results: those are sorted in place, on
     * the stack, without qsort's overhead (one call per school). */
    struct key_index few[16];
    struct key_index *ix = n < 16 ? few : xmalloc(sizeof *ix * (size_t)(n + 1));
    int m = 0;
    for (int i = 0; i < n; i++) {
        int year = *(const int *)((const char *)base + stride * (size_t)i);
        if (year > 0)
            ix[m++] = (struct key_index){NULL, year, i, 0};
    }
    if (ix == few) {
        for (int i = 1; i < m; i++)
            for (int j = i; j > 0 && cmp_key_index(&ix[j - 1], &ix[j]) > 0; j--) {
                struct key_index t = ix[j];
                ix[j] = ix[j - 1];
                ix[j - 1] = t;
            }
    } else {
        qsort(ix, (size_t)m, sizeof *ix, cmp_key_index);
    }
    for (int i = 1, first = 0; i < m; i++) {
        if (ix[i].num != ix[i - 1].num) {
            first = i;
            continue;
        }
        size_t old = path_push(&L->d, "%s%s[%d].year", L->d.len ? "." : "", key, ix[i].idx);
        diag_error(&L->d, "%lld is already given in %s[%d]", ix[i].num, key, ix[first].idx);
        path_pop(&L->d, old);
    }
    if (ix != few)
        free(ix);
}

static struct result *load_results(struct loader *L, const cJSON *o, const char *key, int *n)
{
    const cJSON *arr = get_array(L, o, key, OPTIONAL);
    *n = 0;
    if (!arr)
        return NULL;
    struct results_ctx rc = {arena_zalloc(&L->s->arena, sizeof *rc.rows * (size_t)(cJSON_GetArraySize(arr) + 1)),
                             !strcmp(key, "ks4")};
    *n = each_object(L, arr, key, load_result, &rc);
    check_years_unique(L, key, &rc.rows[0].year, sizeof *rc.rows, *n);
    return rc.rows;
}

static const char *const ofsted_keys[] = {"previous", "current", "inspected", NULL};
static const char *const qar_keys[] = {"date", "full_team", "areas_of_excellence", NULL};

static void load_ofsted(struct loader *L, const cJSON *o, struct school *sc)
{
    size_t old = path_key(&L->d, "ofsted");
    check_keys(L, o, ofsted_keys);
    sc->ofsted_prev = sc->ofsted_cur = GRADE_NONE;
    get_enum(L, o, "previous", OPTIONAL, grade_names, false, &sc->ofsted_prev);
    get_enum(L, o, "current", OPTIONAL, grade_names, false, &sc->ofsted_cur);
    sc->has_ofsted = get_date(L, o, "inspected", REQUIRED, false, &sc->ofsted_date);
    path_pop(&L->d, old);
}

static const char *const card_keys[] = {"inspected", "safeguarding", "grades", NULL};

/* The school's latest report-card inspection. Only a valid date makes it
 * count; a grade or safeguarding judgement that is wrong is an error and
 * left out. */
static void load_report_card(struct loader *L, const cJSON *o, struct school *sc)
{
    const cJSON *grades;
    char d1[16], d2[16];
    size_t old = path_key(&L->d, "report_card");
    check_keys(L, o, card_keys);
    sc->card_safe = SAFE_NONE;
    for (int a = 0; a < N_CARD_AREAS; a++)
        sc->card_grade[a] = CARD_NONE;
    long long from = days_from_civil(CARDS_FROM_Y, CARDS_FROM_M, 1);
    sc->has_card = get_date(L, o, "inspected", REQUIRED, false, &sc->card_date);
    if (sc->has_card && sc->card_date < from) {
        error_at(L, "inspected", "%s is before %s, when report cards began", iso_date(sc->card_date, d1),
                 iso_date(from, d2));
        sc->has_card = false;
    }
    get_enum(L, o, "safeguarding", OPTIONAL, safeguarding_names, false, &sc->card_safe);
    if ((grades = get_object(L, o, "grades", OPTIONAL))) {
        size_t at = path_key(&L->d, "grades");
        check_keys(L, grades, card_area_keys);
        for (int a = 0; a < N_CARD_AREAS; a++)
            get_enum(L, grades, card_area_keys[a], OPTIONAL, card_grade_names, false, &sc->card_grade[a]);
        path_pop(&L->d, at);
    }
    L->s->has_cards |= sc->has_card;
    path_pop(&L->d, old);
}

static void load_qar(struct loader *L, const cJSON *o, struct school *sc)
{
    long long date;
    size_t old = path_key(&L->d, "qar");
    check_keys(L, o, qar_keys);
    get_date(L, o, "date", REQUIRED, false, &date);
    sc->has_qar = get_bool(L, o, "full_team", REQUIRED, &sc->qar_full);
    sc->has_aoe = get_count(L, o, "areas_of_excellence", OPTIONAL, &sc->qar_aoe);
    path_pop(&L->d, old);
}

static const char *const school_keys[] = {
    "urn",     "name",   "phase",   "region",     "area",   "hub", "trust", "pupils", "fsm_pupils",
    "send_pupils", "joined", "renewal", "programmes", "ofsted", "qar", "ks2",  "ks4",    "report_card", NULL};

static void load_school(struct loader *L, const cJSON *o, int i, void *ctx)
{
    (void)ctx;
    struct snapshot *s = L->s;
    struct school *sc = &s->schools[i];
    const cJSON *sub;
    double urn;
    sc->hub = sc->trust = sc->phase = sc->region = -1;
    sc->urn = -1;
    check_keys(L, o, school_keys);
    if (get_number(L, o, "urn", REQUIRED, true, 100000, 999999, &urn))
        sc->urn = (long long)urn;
    get_string(L, o, "name", REQUIRED, &sc->name);
    get_enum(L, o, "phase", REQUIRED, phase_names, false, &sc->phase);
    get_enum(L, o, "region", REQUIRED, region_names, true, &sc->region);
    get_string(L, o, "area", OPTIONAL, &sc->area);
    if (field(L, o, "hub", OPTIONAL))
        sc->hub = get_ref(L, o, "hub", "hubs", L->hub_ix, L->nhub_ix);
    if (field(L, o, "trust", OPTIONAL))
        sc->trust = get_ref(L, o, "trust", "trusts", L->trust_ix, L->ntrust_ix);
    bool has_pupils = get_count(L, o, "pupils", REQUIRED, &sc->pupils);
    bool has_fsm = get_count(L, o, "fsm_pupils", REQUIRED, &sc->fsm);
    sc->has_send = get_count(L, o, "send_pupils", OPTIONAL, &sc->send);
    if (has_pupils && has_fsm && sc->fsm > sc->pupils) {
        error_at(L, "fsm_pupils", "%lld is more than pupils (%lld)", sc->fsm, sc->pupils);
    }
    if (has_pupils && sc->has_send && sc->send > sc->pupils) {
        error_at(L, "send_pupils", "%lld is more than pupils (%lld)", sc->send, sc->pupils);
    }
    get_date(L, o, "joined", REQUIRED, false, &sc->joined);
    get_enum(L, o, "renewal", OPTIONAL, renewal_names, false, &sc->renewal);
    get_programmes(L, o, 0, &sc->progs, &sc->nprogs);
    if ((sub = get_object(L, o, "ofsted", OPTIONAL)))
        load_ofsted(L, sub, sc);
    if ((sub = get_object(L, o, "report_card", OPTIONAL)))
        load_report_card(L, sub, sc);
    if ((sub = get_object(L, o, "qar", OPTIONAL)))
        load_qar(L, sub, sc);
    sc->ks2 = load_results(L, o, "ks2", &sc->nks2);
    sc->ks4 = load_results(L, o, "ks4", &sc->nks4);
}

/* The schools, each parsed from its own text (L->schools) into an arena
 * emptied after each: the tree of one school at a time, in memory that
 * stays in the cache, where the whole array's tree of a national
 * snapshot is some 130 MB. json_check has passed the text, so each
 * element parses; should one not, that is said, not skipped. */
static int each_school_text(struct loader *L)
{
    const struct school_text *t = L->schools;
    struct arena tree = json_arena; /* the rest of the snapshot's */
    json_arena = (struct arena){NULL};
    size_t old = path_key(&L->d, "schools");
    for (int i = 0; i < t->n; i++) {
        const cJSON *el = cJSON_ParseWithLengthOpts(t->buf + t->start[i], t->end[i] - t->start[i], NULL, 0);
        if (el) {
            load_element(L, el, i, load_school, NULL);
        } else {
            size_t at = path_index(&L->d, i);
            diag_error(&L->d, "internal error: this school's text does not parse alone; please report it");
            path_pop(&L->d, at);
        }
        L->at_obj = L->at_next = NULL; /* the next tree may take the same memory */
        arena_reset(&json_arena);
    }
    path_pop(&L->d, old);
    arena_free(&json_arena);
    json_arena = tree;
    return t->n;
}

/* URNs are unique across the snapshot (-1: already reported; 0: the
 * entry was not an object). */
static void check_urns(struct loader *L)
{
    struct snapshot *s = L->s;
    struct key_index *ix = xmalloc(sizeof *ix * (size_t)(s->nschools + 1));
    int m = 0;
    for (int i = 0; i < s->nschools; i++)
        if (s->schools[i].urn > 0)
            ix[m++] = (struct key_index){NULL, s->schools[i].urn, i, 0};
    qsort(ix, (size_t)m, sizeof *ix, cmp_key_index);
    for (int i = 1; i < m; i++) {
        if (ix[i].num == ix[i - 1].num) {
            size_t old = path_push(&L->d, "schools[%d].urn", ix[i].idx);
            diag_error(&L->d, "%lld is already used by schools[%d]", ix[i].num, ix[i - 1].idx);
            path_pop(&L->d, old);
        }
    }
    free(ix);
}

static const char *const nat_ks2_keys[] = {"year",          "disadvantaged_reading", "disadvantaged_maths",
                                           "disadvantaged_gps", "other_reading",     "other_maths",
                                           "other_gps",     NULL};
static const char *const nat_ks4_keys[] = {"year", "disadvantaged_em4_pct", "other_em4_pct", NULL};

static void load_national_result(struct loader *L, const cJSON *o, int i, void *ctx)
{
    struct results_ctx *rc = ctx;
    struct national_result *r = &((struct national_result *)(void *)rc->rows)[i];
    char key[40];
    r->year = -1;
    check_keys(L, o, rc->ks4 ? nat_ks4_keys : nat_ks2_keys);
    get_year(L, o, &r->year);
    for (int k = 0; k < (rc->ks4 ? 1 : N_SUBJECTS); k++) {
        for (int other = 0; other < 2; other++) {
            double lo = rc->ks4 ? 0 : SCALED_MIN, hi = rc->ks4 ? 100 : SCALED_MAX;
            snprintf(key, sizeof key, "%s_%s", other ? "other" : "disadvantaged",
                     rc->ks4 ? "em4_pct" : ks2_subjects[k]);
            bool *has = other ? &r->has_other[k] : &r->has_disadv[k];
            *has = get_number(L, o, key, OPTIONAL, false, lo, hi, other ? &r->other[k] : &r->disadv[k]);
        }
    }
}

static struct national_result *load_national_results(struct loader *L, const cJSON *o, const char *key, int *n)
{
    const cJSON *arr = get_array(L, o, key, OPTIONAL);
    *n = 0;
    if (!arr)
        return NULL;
    struct national_result *rows =
        arena_zalloc(&L->s->arena, sizeof *rows * (size_t)(cJSON_GetArraySize(arr) + 1));
    struct results_ctx rc = {(struct result *)(void *)rows, !strcmp(key, "ks4")};
    *n = each_object(L, arr, key, load_national_result, &rc);
    check_years_unique(L, key, &rows[0].year, sizeof *rows, *n);
    return rows;
}

static const char *const national_keys[] = {"fsm_pct", "send_pct", "ks2", "ks4", "ofsted", "report_cards", NULL};
static const char *const nat_ofsted_keys[] = {"outstanding_kept_pct", "good_to_outstanding_pct",
                                              "ri_to_good_pct", NULL};

static const char *const nat_card_keys[] = {CARD_AREA_KEYS, "safeguarding_met_pct", NULL};
static const char *const nat_card_area_keys[] = {"strong_or_better_pct", "needs_attention_or_worse_pct", NULL};

/* national.report_cards: per area, the shares at strong or better and at
 * needs attention or worse; and safeguarding met. Every key optional. */
static void load_national_cards(struct loader *L, const cJSON *o)
{
    struct snapshot *s = L->s;
    const cJSON *area;
    size_t old = path_key(&L->d, "report_cards");
    check_keys(L, o, nat_card_keys);
    for (int a = 0; a < N_CARD_AREAS; a++) {
        if (!(area = get_object(L, o, card_area_keys[a], OPTIONAL)))
            continue;
        size_t at = path_key(&L->d, card_area_keys[a]);
        check_keys(L, area, nat_card_area_keys);
        for (int k = 0; k < 2; k++)
            s->has_nat_card[a][k] = get_pct(L, area, nat_card_area_keys[k], &s->nat_card[a][k]);
        path_pop(&L->d, at);
    }
    s->has_nat_safe = get_pct(L, o, "safeguarding_met_pct", &s->nat_safe);
    path_pop(&L->d, old);
}

static void load_national(struct loader *L, const cJSON *o)
{
    struct snapshot *s = L->s;
    const cJSON *of;
    size_t old = path_key(&L->d, "national");
    check_keys(L, o, national_keys);
    s->has_nat_fsm = get_pct(L, o, "fsm_pct", &s->nat_fsm);
    s->has_nat_send = get_pct(L, o, "send_pct", &s->nat_send);
    s->nat_ks2 = load_national_results(L, o, "ks2", &s->nnat_ks2);
    s->nat_ks4 = load_national_results(L, o, "ks4", &s->nnat_ks4);
    if ((of = get_object(L, o, "ofsted", OPTIONAL))) {
        size_t at = path_key(&L->d, "ofsted");
        check_keys(L, of, nat_ofsted_keys);
        for (int k = 0; k < 3; k++)
            s->has_nat_ofsted[k] = get_pct(L, of, nat_ofsted_keys[k], &s->nat_ofsted[k]);
        path_pop(&L->d, at);
    }
    if ((of = get_object(L, o, "report_cards", OPTIONAL)))
        load_national_cards(L, of);
    path_pop(&L->d, old);
}

static const char *const survey_keys[] = {"id", "question", "respondents", "agreed", NULL};

static void load_survey(struct loader *L, const cJSON *o, int i, void *ctx)
{
    (void)ctx;
    struct survey *sv = &L->s->surveys[i];
    check_keys(L, o, survey_keys);
    get_string(L, o, "id", REQUIRED, &sv->id);
    get_string(L, o, "question", REQUIRED, &sv->question);
    bool ok = get_count(L, o, "respondents", REQUIRED, &sv->respondents);
    ok &= get_count(L, o, "agreed", REQUIRED, &sv->agreed);
    if (ok && sv->agreed > sv->respondents) {
        error_at(L, "agreed", "%lld is more than respondents (%lld)", sv->agreed, sv->respondents);
    }
    if (!ok)
        sv->respondents = -1;
}

static const char *const income_keys[] = {"source", "amount", "fundraised", NULL};
static const char *const expenditure_keys[] = {"item", "amount", NULL};

static void load_money_line(struct loader *L, const cJSON *o, int i, void *ctx)
{
    struct money_line *rows = ctx;
    bool income = rows == L->s->income;
    check_keys(L, o, income ? income_keys : expenditure_keys);
    get_string(L, o, income ? "source" : "item", REQUIRED, &rows[i].name);
    get_number(L, o, "amount", REQUIRED, false, 0, MAX_AMOUNT, &rows[i].amount);
    if (income)
        get_bool(L, o, "fundraised", OPTIONAL, &rows[i].fundraised);
}

static struct money_line *load_money(struct loader *L, const cJSON *o, const char *key, int *n,
                                     struct money_line **slot)
{
    const cJSON *arr = get_array(L, o, key, OPTIONAL);
    *n = 0;
    if (!arr)
        return NULL;
    *slot = arena_zalloc(&L->s->arena, sizeof **slot * (size_t)(cJSON_GetArraySize(arr) + 1));
    *n = each_object(L, arr, key, load_money_line, *slot);
    return *slot;
}

static const char *const finance_keys[] = {"period", "basis", "currency", "income", "expenditure", "reserves", NULL};

/* What the finance figures are: the year's accounts, a forecast, or the
 * budget. */
enum basis { BASIS_NONE, BASIS_ACTUAL, BASIS_FORECAST, BASIS_BUDGET };
static const char *const basis_names[] = {"actual", "forecast", "budget", NULL}; /* from BASIS_ACTUAL */
static const char *const basis_titles[] = {"", "actuals", "forecast", "budget"};

static void load_finance(struct loader *L, const cJSON *o)
{
    struct snapshot *s = L->s;
    size_t old = path_key(&L->d, "finance");
    check_keys(L, o, finance_keys);
    s->has_finance = true;
    get_string(L, o, "period", OPTIONAL, &s->period);
    int basis;
    if (get_enum(L, o, "basis", OPTIONAL, basis_names, false, &basis))
        s->finance_basis = BASIS_ACTUAL + basis;
    if (get_string(L, o, "currency", OPTIONAL, &s->currency)) {
        const char *c = s->currency;
        if (strlen(c) != 3 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]) ||
            !isupper((unsigned char)c[2])) {
            char q[64];
            error_at(L, "currency", "%s is not a three-letter currency code such as \"GBP\"", quoted(c, q));
        }
    }
    load_money(L, o, "income", &s->nincome, &s->income);
    load_money(L, o, "expenditure", &s->nexpenditure, &s->expenditure);
    s->has_reserves = get_number(L, o, "reserves", OPTIONAL, false, 0, MAX_AMOUNT, &s->reserves);
    path_pop(&L->d, old);
}

static const char *const feedback_keys[] = {"responses", "mean", "scale", NULL};
static const char *const internal_keys[] = {"staff_fte", "staff_turnover_pct", NULL};

static void load_feedback(struct loader *L, const cJSON *o)
{
    struct snapshot *s = L->s;
    size_t old = path_key(&L->d, "feedback");
    check_keys(L, o, feedback_keys);
    bool ok = get_count(L, o, "responses", REQUIRED, &s->feedback_responses);
    /* Rating scales run from 1 to a whole number. */
    bool scale = get_number(L, o, "scale", REQUIRED, true, 1, MAX_FEEDBACK_SCALE, &s->feedback_scale);
    /* The mean is checked against the scale when there is one. */
    ok &= get_number(L, o, "mean", REQUIRED, false, 0, scale ? s->feedback_scale : MAX_FEEDBACK_SCALE,
                     &s->feedback_mean);
    s->has_feedback = ok && scale;
    path_pop(&L->d, old);
}

static void load_internal(struct loader *L, const cJSON *o)
{
    struct snapshot *s = L->s;
    size_t old = path_key(&L->d, "internal");
    check_keys(L, o, internal_keys);
    s->has_fte = get_number(L, o, "staff_fte", OPTIONAL, false, 0, MAX_STAFF_FTE, &s->staff_fte);
    s->has_turnover = get_pct(L, o, "staff_turnover_pct", &s->staff_turnover);
    path_pop(&L->d, old);
}

static void load_target_areas(struct loader *L, const cJSON *arr)
{
    struct snapshot *s = L->s;
    const cJSON *el;
    int i = 0;
    s->has_target_areas = true;
    s->target_areas = arena_alloc(&s->arena, sizeof *s->target_areas * (size_t)(cJSON_GetArraySize(arr) + 1));
    size_t old = path_key(&L->d, "target_areas");
    cJSON_ArrayForEach(el, arr)
    {
        size_t at = path_index(&L->d, i++);
        char q[64];
        if (!cJSON_IsString(el) || !*el->valuestring || strlen(el->valuestring) > MAX_TEXT_BYTES)
            diag_error(&L->d, "expected the name of a region or area, got %s", describe(el, q));
        else
            s->target_areas[s->ntarget_areas++] = arena_strdup(&s->arena, el->valuestring);
        path_pop(&L->d, at);
    }
    path_pop(&L->d, old);
    qsort(s->target_areas, (size_t)s->ntarget_areas, sizeof *s->target_areas, cmp_casefold);
}

static const char *const snapshot_keys[] = {
    "format", "as_of",  "label", "organisation", "target_areas", "national", "hubs",     "trusts",
    "programmes", "schools", "lead_reviewers", "feedback", "surveys", "finance", "internal", NULL};

#define SNAPSHOT_FORMAT "cpreport/1"

/* Loads the object tree of one snapshot into s. Problems go to L->d. */
static void load_tree(struct loader *L, const cJSON *root)
{
    struct snapshot *s = L->s;
    const cJSON *v;
    const char *format = NULL;
    char q[64];

    if (!cJSON_IsObject(root)) {
        diag_error(&L->d, "expected an object at the top level, got %s", describe(root, q));
        return;
    }
    if (get_string(L, root, "format", REQUIRED, &format) && strcmp(format, SNAPSHOT_FORMAT)) {
        error_at(L, "format", "%s is not a format this version reads (expected \"%s\")", quoted(format, q),
                 SNAPSHOT_FORMAT);
        return;     /* another format's fields would only add noise */
    }
    if (!json_keys_unique) /* else json_check compared every key */
        check_repeats(L, root, NULL);
    L->keys_unique = !L->repeats;
    check_keys(L, root, snapshot_keys);
    int month, day;
    s->as_of = LLONG_MIN;
    L->last_year = MAX_YEAR;
    if (!get_date(L, root, "as_of", REQUIRED, true, &s->as_of))
        s->as_of = LLONG_MIN;
    else
        civil_from_days(s->as_of, &L->last_year, &month, &day);
    get_string(L, root, "label", OPTIONAL, &s->label);
    get_string(L, root, "organisation", OPTIONAL, &s->organisation);
    if ((v = get_array(L, root, "target_areas", OPTIONAL)))
        load_target_areas(L, v);
    if ((v = get_object(L, root, "national", OPTIONAL)))
        load_national(L, v);

    /* Catalogues before schools, so that references resolve as they come. */
    if ((v = get_array(L, root, "hubs", OPTIONAL))) {
        s->has_hubs = true;
        s->hubs = arena_zalloc(&s->arena, sizeof *s->hubs * (size_t)(cJSON_GetArraySize(v) + 1));
        s->nhubs = each_object(L, v, "hubs", load_hub, NULL);
        L->hub_ix = index_ids(L, "hubs", s->hubs, sizeof *s->hubs, offsetof(struct hub, id), s->nhubs, &L->nhub_ix);
    }
    if ((v = get_array(L, root, "programmes", OPTIONAL))) {
        s->has_catalogue = true;
        s->progs = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *s->progs);
        s->nprogs = each_object(L, v, "programmes", load_programme, NULL);
    } else {
        const cJSON *trusts = cJSON_GetObjectItemCaseSensitive(root, "trusts");
        const cJSON *schools = cJSON_GetObjectItemCaseSensitive(root, "schools");
        collect_programmes(L, cJSON_IsArray(trusts) ? trusts : NULL, cJSON_IsArray(schools) ? schools : NULL);
    }
    L->prog_ix = index_ids(L, "programmes", s->progs, sizeof *s->progs, offsetof(struct programme, id), s->nprogs,
                           &L->nprog_ix);
    L->prog_mark = xcalloc((size_t)s->nprogs + 1, sizeof *L->prog_mark);
    if ((v = get_array(L, root, "trusts", OPTIONAL))) {
        s->has_trusts = true;
        s->trusts = arena_zalloc(&s->arena, sizeof *s->trusts * (size_t)(cJSON_GetArraySize(v) + 1));
        s->ntrusts = each_object(L, v, "trusts", load_trust, NULL);
        L->trust_ix = index_ids(L, "trusts", s->trusts, sizeof *s->trusts, offsetof(struct trust, id), s->ntrusts,
                                &L->ntrust_ix);
    }
    if ((v = get_array(L, root, "schools", REQUIRED))) {
        int n = L->schools ? L->schools->n : cJSON_GetArraySize(v);
        s->schools = arena_zalloc(&s->arena, sizeof *s->schools * (size_t)(n + 1));
        s->nschools = L->schools ? each_school_text(L) : each_object(L, v, "schools", load_school, NULL);
        check_urns(L);
    }
    double lr;
    if ((s->has_lead_reviewers = get_number(L, root, "lead_reviewers", OPTIONAL, true, 0, MAX_LEAD_REVIEWERS, &lr)))
        s->lead_reviewers = (long long)lr;
    if ((v = get_object(L, root, "feedback", OPTIONAL)))
        load_feedback(L, v);
    if ((v = get_array(L, root, "surveys", OPTIONAL))) {
        s->surveys = arena_zalloc(&s->arena, sizeof *s->surveys * (size_t)(cJSON_GetArraySize(v) + 1));
        s->nsurveys = each_object(L, v, "surveys", load_survey, NULL);
        free(index_ids(L, "surveys", s->surveys, sizeof *s->surveys, offsetof(struct survey, id), s->nsurveys,
                       &(int){0}));
    }
    if ((v = get_object(L, root, "finance", OPTIONAL)))
        load_finance(L, v);
    if ((v = get_object(L, root, "internal", OPTIONAL)))
        load_internal(L, v);
}

/* How messages name the input at path: "-" is standard input. */
static const char *input_name(const char *path) { return strcmp(path, "-") ? path : "<stdin>"; }

/* The whole input, NUL-terminated, or NULL after saying why. "-" is
 * standard input. */
static char *read_input(const char *path, size_t *len)
{
    const char *name = input_name(path);
    bool is_stdin = !strcmp(path, "-");
    /* A folder: said alike on every platform (Windows cannot open one). */
    struct os_info st;
    if (!is_stdin && !os_stat(path, &st) && st.kind == OS_DIR) {
        file_error(name, 0, 0, "cannot read: %s", strerror(EISDIR));
        return NULL;
    }
    FILE *f = is_stdin ? stdin : os_fopen(path, "rb");
    if (!f) {
        file_error(name, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > (size_t)MAX_INPUT_BYTES)
                break;  /* one byte over the limit tells enough */
            cap = cap * 2 > (size_t)MAX_INPUT_BYTES ? (size_t)MAX_INPUT_BYTES + 1 : cap * 2;
            buf = xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f);
    int err = errno;
    if (!is_stdin)
        fclose(f);
    if (failed) {
        file_error(name, 0, 0, "cannot read: %s", strerror(err));
        free(buf);
        return NULL;
    }
    if (n > (size_t)MAX_INPUT_BYTES) {
        file_error(name, 0, 0, "larger than the input limit of %lld MiB", MAX_INPUT_BYTES >> 20);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static void snapshot_free(struct snapshot *s)
{
    if (!s)
        return;
    arena_free(&s->arena);
    free(s->progs);
    free(s);
}

/* Frees s (NULL: nothing) but its strings, which move into *strings: the
 * model keeps what it names, never a snapshot. */
static void snapshot_free_keeping_strings(struct snapshot *s, struct arena *strings)
{
    if (!s)
        return;
    *strings = s->arena;
    s->arena.head = NULL;
    snapshot_free(s);
}

/* Parses the scanned text of a JSON file strictly; the tree lives in
 * json_arena until the caller frees that. NULL after naming the problem,
 * as NAME:LINE:COL for invalid JSON. `name` is the file as the user
 * knows it. */
static cJSON *parse_json_text(const char *buf, size_t len, const char *name, const struct text_scan *scan)
{
    const char *why = scan->why, *end = NULL;
    long long bad = scan->bad;
    cJSON *root = parse_scanned(buf, len, scan, &end);
    if (!root) {
        long long line, col;
        char what[48];
        if (bad < 0) {
            bad = end ? end - buf : cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - buf : 0;
            /* cJSON points before the white space it skipped. */
            while ((size_t)bad < len && strchr(" \t\r\n", buf[bad]))
                bad++;
            unsigned char c = (unsigned char)buf[bad];
            if ((size_t)bad >= len)
                why = "unexpected end of input";
            else if (c > 0x20 && c < 0x7F)
                why = (snprintf(what, sizeof what, "unexpected character '%c'", c), what);
            else
                why = "unexpected character";
        }
        line_col(buf, bad, &line, &col);
        file_error(name, line, col, "invalid JSON: %s", why);
        arena_free(&json_arena);
    }
    return root;
}

/* Reads and parses a JSON file strictly, as parse_json_text does. */
static cJSON *parse_json_file(const char *path, const char *name)
{
    size_t len;
    char *buf = read_input(path, &len);
    if (!buf)
        return NULL;
    struct text_scan scan;
    scan_text(buf, len, &scan);
    cJSON *root = parse_json_text(buf, len, name, &scan);
    scan_free(&scan);
    free(buf);
    return root;
}

/* Loads a parsed snapshot tree strictly, then frees json_arena. Returns
 * NULL after naming every problem on stderr; warnings do not stop it.
 * With schools, the tree's "schools" is empty and they are parsed from
 * their text. */
static struct snapshot *load_root(const cJSON *root, const char *name, const struct school_text *schools)
{
    struct snapshot *s = xcalloc(1, sizeof *s);
    struct loader L = {.s = s, .schools = schools};
    diag_init(&L.d, name);
    s->file = name;
    load_tree(&L, root);
    free(L.hub_ix);
    free(L.trust_ix);
    free(L.prog_ix);
    free(L.prog_mark);
    arena_free(&json_arena);
    diag_finish(&L.d);
    if (L.d.errors) {
        snapshot_free(s);
        return NULL;
    }
    return s;
}

/* The tree of the text without the schools' elements ("schools": []),
 * when the schools can be loaded from their own text without changing
 * anything the loader says: the text is JSON (json_check passed it), no
 * object repeats a key (so check_repeats has nothing to report), and the
 * root holds the programmes' catalogue (without it, collect_programmes
 * reads the schools' programmes before any school is loaded). Else NULL. */
static cJSON *tree_without_schools(const char *buf, size_t len, const struct text_scan *scan)
{
    const struct school_text *t = &scan->schools;
    if (!t->found || scan->keys.unsure)
        return NULL;
    size_t n = t->open + 2 + (len - t->close);
    char *text = xmalloc(n + 1);
    memcpy(text, buf, t->open);
    memcpy(text + t->open, "[]", 2);
    memcpy(text + t->open + 2, buf + t->close, len - t->close + 1); /* its NUL too */
    cJSON *root = cJSON_ParseWithLengthOpts(text, n + 1, NULL, 1);
    free(text);
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "programmes"))) {
        arena_free(&json_arena);
        return NULL;
    }
    return root;
}

/* Loads one snapshot file strictly, as load_root does. The text is read
 * once. A national snapshot's schools are parsed one at a time from
 * their text (each_school_text), which spares the tree of the whole
 * array (time and memory); anything else, or text that is not JSON, goes
 * the way of every other file (parse_json_text). The messages are the
 * same either way. */
static struct snapshot *load_snapshot(const char *path, const char *name)
{
    size_t len;
    char *buf = read_input(path, &len);
    if (!buf)
        return NULL;
    struct text_scan scan;
    struct snapshot *s = NULL;
    scan_text(buf, len, &scan);
    cJSON *root = scan.bad < 0 ? tree_without_schools(buf, len, &scan) : NULL;
    if (root) {
        json_keys_unique = true;
        scan.schools.buf = buf;
        s = load_root(root, name, &scan.schools);
    } else if ((root = parse_json_text(buf, len, name, &scan))) {
        s = load_root(root, name, NULL);
    }
    scan_free(&scan);
    free(buf);
    return s;
}

/* ===================================================================== *
 *  Indicators                                                            *
 * ===================================================================== */

enum unit { U_COUNT, U_PCT, U_PP, U_YEARS, U_MONEY, U_MONTHS, U_SCORE, U_POINTS, U_NUMBER };
static const char *const unit_names[] = {"count",  "percent",      "percentage points",
                                         "years",  "money",        "months",
                                         "scaled score", "scaled score points", "number"};

enum group { G_BREADTH, G_DEPTH, G_IMPACT, G_FINANCIAL, N_GROUPS };
static const char *const group_ids[] = {"breadth", "depth", "impact", "financial"};
static const char *const group_titles[] = {"Breadth", "Depth", "Impact", "Financial and internal"};

/* A computed value: not available (inputs absent, or nothing to divide
 * by), suppressed (resting on too few pupils), or a number. num and den
 * carry the counts behind a share where the report shows them. */
enum vstate { V_NA, V_OK, V_SUPPRESSED };

struct val {
    int st;
    double x;
    long long num, den;
};

static struct val na(void) { return (struct val){V_NA, 0, 0, 0}; }

/* A computed number. Inputs are bounded, but a quotient by a tiny
 * divisor (reserves over an expenditure of 1e-320) can still overflow: no
 * report shows infinity, so that value is not available. */
static struct val value(double x) { return isfinite(x) ? (struct val){V_OK, x, 0, 0} : na(); }

/* num / den as a percentage; not available when den is 0. */
static struct val pct(long long num, long long den)
{
    struct val v = {V_NA, 0, num, den};
    if (den > 0) {
        v.st = V_OK;
        v.x = 100.0 * (double)num / (double)den;
    }
    return v;
}

/* The schools an indicator is computed over: all of a snapshot's, or one
 * group's (idx lists their positions). Lapsed schools are in views too,
 * because renewal rates count them. */
struct view {
    const struct snapshot *s;
    const int *idx;
    int n;
};

static const struct school *view_school(const struct view *v, int i)
{
    return &v->s->schools[v->idx ? v->idx[i] : i];
}

/* Options that change definitions (set from the command line). */
static int opt_min_cohort = 6;   /* DfE suppresses cohorts of 5 or fewer */
static int opt_change_years = 5;

static bool measure_ks4(int m) { return m == M_KS4_EM4; }

static int measure_subject(int m) { return measure_ks4(m) ? 0 : m - M_KS2_READING; }

/* The results year R of a key stage: the latest year of the active
 * schools' entries that give a result (a KS2 entry, any subject), so that
 * an entry announcing a year without figures cannot blank the key stage;
 * -1 when none. */
static int results_year(const struct snapshot *s, int m)
{
    int year = -1;
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        const struct result *rs = measure_ks4(m) ? sc->ks4 : sc->ks2;
        int n = measure_ks4(m) ? sc->nks4 : sc->nks2;
        for (int j = 0; j < n && school_active(sc); j++)
            if ((rs[j].has[0] || rs[j].has[1] || rs[j].has[2]) && rs[j].year > year)
                year = rs[j].year;
    }
    return year;
}

static const struct result *result_for(const struct school *sc, int m, int year)
{
    const struct result *rs = measure_ks4(m) ? sc->ks4 : sc->ks2;
    int n = measure_ks4(m) ? sc->nks4 : sc->nks2;
    for (int j = 0; j < n; j++)
        if (rs[j].year == year && rs[j].has[measure_subject(m)])
            return &rs[j];
    return NULL;
}

static const struct national_result *national_for(const struct snapshot *s, int m, int year)
{
    const struct national_result *rs = measure_ks4(m) ? s->nat_ks4 : s->nat_ks2;
    int n = measure_ks4(m) ? s->nnat_ks4 : s->nnat_ks2;
    for (int j = 0; j < n; j++)
        if (rs[j].year == year)
            return &rs[j];
    return NULL;
}

/* A weighted sum: sum of weight * value, and of weight. */
struct wsum {
    double sum;
    long long weight;
};

static void wsum_add(struct wsum *w, const struct result *r, int m)
{
    w->sum += (double)r->pupils * r->score[measure_subject(m)];
    w->weight += r->pupils;
}

/* The weighted mean: not available without pupils, suppressed under the
 * minimum cohort. num carries the pupils it rests on. */
static struct val wmean(const struct wsum *w)
{
    struct val v = {V_NA, 0, w->weight, 0};
    if (w->weight >= opt_min_cohort) {
        v.st = V_OK;
        v.x = w->sum / (double)w->weight;
    } else if (w->weight > 0) {
        v.st = V_SUPPRESSED;
    }
    return v;
}

/* Ofsted transitions: outstanding kept, good to outstanding, requires
 * improvement or inadequate to good or better. */
enum { OF_KEPT, OF_GOOD_UP, OF_RI_UP, N_TRANSITIONS };

/* The same day a year earlier (29 February gives 28 February). */
static long long year_before(long long day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29)
        d = 28;
    return days_from_civil(y - 1, m, d);
}

/* The report cards counted in one view: the schools, each area's schools
 * at each grade, and safeguarding met of those giving it. */
struct card_dist {
    long long schools;
    long long grades[N_CARD_AREAS][N_CARD_GRADES];
    long long safe_met, safe_given;
};

/* The schools graded in `area`. */
static long long card_graded(const struct card_dist *c, int area)
{
    long long n = 0;
    for (int g = 0; g < N_CARD_GRADES; g++)
        n += c->grades[area][g];
    return n;
}

/* Everything the indicators need from one view, gathered in one pass. */
struct agg {
    const struct snapshot *s;
    long long schools, pupils, fsm;
    long long send_schools, send, send_base;
    long long target_schools;
    long long high_need_pupils;
    long long hubs;
    long long programmes, multi_programme, renewed, lapsed;
    double tenure_days;
    long long qar, qar_full, aoe_schools, aoe;
    struct wsum now[N_MEASURES], change_now[N_MEASURES], change_base[N_MEASURES];
    long long inspected, ungraded, trans_num[N_TRANSITIONS], trans_den[N_TRANSITIONS];
    struct card_dist cards;
};

/* target_areas is sorted ignoring case when loaded, for this search. */
static bool in_target_area(const struct snapshot *s, const struct school *sc)
{
    const char *region = region_names[sc->region];
    size_t n = (size_t)s->ntarget_areas, size = sizeof *s->target_areas;
    return (n && bsearch(&region, s->target_areas, n, size, cmp_casefold)) ||
           (n && sc->area && bsearch(&sc->area, s->target_areas, n, size, cmp_casefold));
}

/* Above the national FSM or SEND share (compared without dividing). */
static bool high_need(const struct snapshot *s, const struct school *sc)
{
    return (s->has_nat_fsm && 100.0 * (double)sc->fsm > s->nat_fsm * (double)sc->pupils) ||
           (s->has_nat_send && sc->has_send && 100.0 * (double)sc->send > s->nat_send * (double)sc->pupils);
}

static void add_results(struct agg *a, const struct school *sc)
{
    bool long_tenure = (double)(a->s->as_of - sc->joined) / 365.25 >= 4;
    for (int m = 0; m < N_MEASURES; m++) {
        if (a->s->year[m] < 0)
            continue;
        const struct result *now = result_for(sc, m, a->s->year[m]);
        const struct result *base = result_for(sc, m, a->s->year[m] - opt_change_years);
        if (now)
            wsum_add(&a->now[m], now, m);
        if (now && base && long_tenure) {
            wsum_add(&a->change_now[m], now, m);
            wsum_add(&a->change_base[m], base, m);
        }
    }
}

/* The rules of every inspection indicator, four-point or report card: an
 * inspection counts when it is in the twelve months up to as_of (after the
 * same day a year before; never after as_of, which loading ensures) and
 * the school had joined at least a year before it. */
static bool inspection_counts(const struct snapshot *s, long long inspected, long long joined)
{
    return inspected > year_before(s->as_of) && joined <= year_before(inspected);
}

/* Inspections in the twelve months up to as_of, of schools that had
 * joined at least a year before; ungraded ones are only counted. */
static void add_inspection(struct agg *a, const struct school *sc)
{
    if (!sc->has_ofsted || !inspection_counts(a->s, sc->ofsted_date, sc->joined))
        return;
    a->inspected++;
    int prev = sc->ofsted_prev, cur = sc->ofsted_cur;
    if (prev == GRADE_NONE || cur == GRADE_NONE) {
        a->ungraded++;
        return;
    }
    int t = prev == GRADE_OUTSTANDING ? OF_KEPT : prev == GRADE_GOOD ? OF_GOOD_UP : OF_RI_UP;
    a->trans_den[t]++;
    a->trans_num[t] += t == OF_RI_UP ? cur <= GRADE_GOOD : cur == GRADE_OUTSTANDING;
}

/* Report cards under the same rules; a school may also have a four-point
 * inspection, which counts in its own indicators. */
static void add_report_card(struct agg *a, const struct school *sc)
{
    struct card_dist *c = &a->cards;
    if (!sc->has_card || !inspection_counts(a->s, sc->card_date, sc->joined))
        return;
    c->schools++;
    for (int k = 0; k < N_CARD_AREAS; k++)
        if (sc->card_grade[k] != CARD_NONE)
            c->grades[k][sc->card_grade[k]]++;
    if (sc->card_safe != SAFE_NONE) {
        c->safe_given++;
        c->safe_met += sc->card_safe == SAFE_MET;
    }
}

static void aggregate(struct agg *a, const struct view *v)
{
    const struct snapshot *s = v->s;
    int n = v->idx ? v->n : s->nschools;
    unsigned char *hub_seen = xcalloc((size_t)s->nhubs + 1, 1);
    memset(a, 0, sizeof *a);
    a->s = s;
    for (int i = 0; i < n; i++) {
        const struct school *sc = view_school(v, i);
        a->renewed += sc->renewal == REN_RENEWED;
        a->lapsed += sc->renewal == REN_LAPSED;
        if (!school_active(sc))
            continue;
        a->schools++;
        a->pupils += sc->pupils;
        a->fsm += sc->fsm;
        if (sc->has_send) {
            a->send_schools++;
            a->send += sc->send;
            a->send_base += sc->pupils;
        }
        a->target_schools += in_target_area(s, sc);
        if (high_need(s, sc))
            a->high_need_pupils += sc->pupils;
        if (sc->hub >= 0 && !hub_seen[sc->hub]) {
            hub_seen[sc->hub] = 1;
            a->hubs++;
        }
        a->programmes += sc->nprogs;
        a->multi_programme += sc->nprogs >= 2;
        a->tenure_days += (double)(s->as_of - sc->joined);
        if (sc->has_qar) {
            a->qar++;
            a->qar_full += sc->qar_full;
            if (sc->has_aoe) {
                a->aoe_schools++;
                a->aoe += sc->qar_aoe;
            }
        }
        add_results(a, sc);
        add_inspection(a, sc);
        add_report_card(a, sc);
    }
    free(hub_seen);
}

/* --- breadth --- */

static struct val k_schools(const struct agg *a) { return value((double)a->schools); }

static struct val k_trusts(const struct agg *a)
{
    if (!a->s->has_trusts)
        return na();
    long long n = 0;
    for (int i = 0; i < a->s->ntrusts; i++)
        n += trust_active(&a->s->trusts[i]);
    return value((double)n);
}

static struct val k_hubs(const struct agg *a) { return a->s->has_hubs ? value((double)a->hubs) : na(); }

static struct val k_pupils(const struct agg *a) { return value((double)a->pupils); }

static struct val k_fsm_pupils(const struct agg *a) { return value((double)a->fsm); }

static struct val k_fsm_pct(const struct agg *a) { return pct(a->fsm, a->pupils); }

/* v - w; suppressed when either is (v first), else not available when
 * either is. */
static struct val minus(struct val v, struct val w)
{
    if (v.st == V_SUPPRESSED || w.st == V_SUPPRESSED)
        return v.st == V_SUPPRESSED ? v : w;
    if (v.st != V_OK || w.st != V_OK)
        return na();
    return value(v.x - w.x);
}

static struct val n_fsm(const struct agg *a) { return a->s->has_nat_fsm ? value(a->s->nat_fsm) : na(); }

static struct val n_send(const struct agg *a) { return a->s->has_nat_send ? value(a->s->nat_send) : na(); }

static struct val k_fsm_vs_national(const struct agg *a) { return minus(k_fsm_pct(a), n_fsm(a)); }

static struct val k_send_pupils(const struct agg *a) { return a->send_schools ? value((double)a->send) : na(); }

static struct val k_send_pct(const struct agg *a)
{
    struct val v = pct(a->send, a->send_base);
    v.num = a->send_schools;
    v.den = a->schools;
    return v;
}

static struct val k_send_vs_national(const struct agg *a) { return minus(k_send_pct(a), n_send(a)); }

static struct val k_target_area(const struct agg *a)
{
    return a->s->has_target_areas ? pct(a->target_schools, a->schools) : na();
}

static struct val k_high_need(const struct agg *a)
{
    return a->s->has_nat_fsm || a->s->has_nat_send ? pct(a->high_need_pupils, a->pupils) : na();
}

/* --- depth --- */

/* Programme data is absent when there is no catalogue and no school or
 * trust names a programme. */
static bool has_programmes(const struct snapshot *s) { return s->has_catalogue || s->nprogs > 0; }

static struct val k_programmes_per_school(const struct agg *a)
{
    return a->schools && has_programmes(a->s) ? value((double)a->programmes / (double)a->schools) : na();
}

static struct val k_multi_programme(const struct agg *a)
{
    return has_programmes(a->s) ? pct(a->multi_programme, a->schools) : na();
}

static struct val k_trust_takeup(const struct agg *a)
{
    long long active = 0, taking = 0;
    for (int i = 0; i < a->s->ntrusts; i++) {
        if (!trust_active(&a->s->trusts[i]))
            continue;
        active++;
        taking += a->s->trusts[i].nprogs > 0;
    }
    return a->s->has_trusts && has_programmes(a->s) ? pct(taking, active) : na();
}

static struct val k_school_renewal(const struct agg *a) { return pct(a->renewed, a->renewed + a->lapsed); }

static struct val k_trust_renewal(const struct agg *a)
{
    long long renewed = 0, lapsed = 0;
    for (int i = 0; i < a->s->ntrusts; i++) {
        renewed += a->s->trusts[i].renewal == REN_RENEWED;
        lapsed += a->s->trusts[i].renewal == REN_LAPSED;
    }
    return pct(renewed, renewed + lapsed);
}

static struct val k_tenure(const struct agg *a)
{
    return a->schools ? value(a->tenure_days / (double)a->schools / 365.25) : na();
}

static struct val k_qar_reviews(const struct agg *a) { return value((double)a->qar); }

static struct val k_qar_full_team(const struct agg *a) { return pct(a->qar_full, a->qar); }

static struct val k_areas_of_excellence(const struct agg *a)
{
    struct val v = a->aoe_schools ? value((double)a->aoe) : na();
    v.num = a->aoe_schools;
    v.den = a->qar;
    return v;
}

static struct val k_lead_reviewers(const struct agg *a)
{
    return a->s->has_lead_reviewers ? value((double)a->s->lead_reviewers) : na();
}

static struct val k_feedback(const struct agg *a)
{
    struct val v = a->s->has_feedback ? value(a->s->feedback_mean) : na();
    v.num = a->s->feedback_responses;
    v.den = (long long)a->s->feedback_scale;
    return v;
}

/* --- impact: results --- */

static struct val national_measure(const struct agg *a, int m, int year, bool other)
{
    const struct national_result *nr = year < 0 ? NULL : national_for(a->s, m, year);
    int subj = measure_subject(m);
    if (!nr || !(other ? nr->has_other[subj] : nr->has_disadv[subj]))
        return na();
    return value(other ? nr->other[subj] : nr->disadv[subj]);
}

static struct val measure_now(const struct agg *a, int m) { return wmean(&a->now[m]); }

static struct val measure_national(const struct agg *a, int m)
{
    return national_measure(a, m, a->s->year[m], false);
}

static struct val measure_vs_national(const struct agg *a, int m)
{
    return minus(measure_now(a, m), measure_national(a, m));
}

static struct val measure_change(const struct agg *a, int m)
{
    struct val now = wmean(&a->change_now[m]), base = wmean(&a->change_base[m]);
    struct val v = minus(now, base);
    v.num = a->change_now[m].weight;
    return v;
}

static struct val measure_change_national(const struct agg *a, int m)
{
    return minus(measure_national(a, m), national_measure(a, m, a->s->year[m] - opt_change_years, false));
}

static struct val measure_gap(const struct agg *a, int m)
{
    return minus(measure_now(a, m), national_measure(a, m, a->s->year[m], true));
}

/* One function per measure and statistic, for the table. */
#define MEASURE_FNS(name, m)                                                                   \
    static struct val k_##name(const struct agg *a) { return measure_now(a, m); }                \
    static struct val n_##name(const struct agg *a) { return measure_national(a, m); }           \
    static struct val k_##name##_vs(const struct agg *a) { return measure_vs_national(a, m); }   \
    static struct val k_##name##_change(const struct agg *a) { return measure_change(a, m); }    \
    static struct val k_##name##_change_nat(const struct agg *a) { return measure_change_national(a, m); } \
    static struct val k_##name##_gap(const struct agg *a) { return measure_gap(a, m); }
MEASURE_FNS(em4, M_KS4_EM4)
MEASURE_FNS(reading, M_KS2_READING)
MEASURE_FNS(maths, M_KS2_MATHS)
MEASURE_FNS(gps, M_KS2_GPS)

/* --- impact: inspections --- */

static struct val k_inspected(const struct agg *a)
{
    struct val v = value((double)a->inspected);
    v.num = a->ungraded;
    v.den = a->inspected;
    return v;
}

static struct val transition(const struct agg *a, int t) { return pct(a->trans_num[t], a->trans_den[t]); }

static struct val national_transition(const struct agg *a, int t)
{
    return a->s->has_nat_ofsted[t] ? value(a->s->nat_ofsted[t]) : na();
}

static struct val k_of_kept(const struct agg *a) { return transition(a, OF_KEPT); }
static struct val k_of_good_up(const struct agg *a) { return transition(a, OF_GOOD_UP); }
static struct val k_of_ri_up(const struct agg *a) { return transition(a, OF_RI_UP); }
static struct val n_of_kept(const struct agg *a) { return national_transition(a, OF_KEPT); }
static struct val n_of_good_up(const struct agg *a) { return national_transition(a, OF_GOOD_UP); }
static struct val n_of_ri_up(const struct agg *a) { return national_transition(a, OF_RI_UP); }

/* --- impact: report cards --- */

/* Not available for a snapshot in which no school gives a report card:
 * before November 2025 there were none to give. */
static struct val k_report_cards(const struct agg *a)
{
    return a->s->has_cards ? value((double)a->cards.schools) : na();
}

/* Share of the schools graded in `area` at strong or better (worse:
 * false) or at needs attention or worse (worse: true); num and den carry
 * the count and the schools graded. */
static struct val card_share(const struct agg *a, int area, bool worse)
{
    const long long *g = a->cards.grades[area];
    return pct(worse ? g[CARD_NEEDS_ATTENTION] + g[CARD_URGENT] : g[CARD_EXCEPTIONAL] + g[CARD_STRONG],
               card_graded(&a->cards, area));
}

static struct val national_card(const struct agg *a, int area, bool worse)
{
    return a->s->has_nat_card[area][worse] ? value(a->s->nat_card[area][worse]) : na();
}

static struct val card_vs_national(const struct agg *a, int area, bool worse)
{
    return minus(card_share(a, area, worse), national_card(a, area, worse));
}

/* One function per area and statistic, for the table. */
#define CARD_FNS(name, area)                                                                            \
    static struct val k_##name##_up(const struct agg *a) { return card_share(a, area, false); }         \
    static struct val n_##name##_up(const struct agg *a) { return national_card(a, area, false); }      \
    static struct val k_##name##_up_vs(const struct agg *a) { return card_vs_national(a, area, false); } \
    static struct val k_##name##_down(const struct agg *a) { return card_share(a, area, true); }        \
    static struct val n_##name##_down(const struct agg *a) { return national_card(a, area, true); }     \
    static struct val k_##name##_down_vs(const struct agg *a) { return card_vs_national(a, area, true); }
CARD_FNS(inclusion, CA_INCLUSION)
CARD_FNS(curriculum, CA_CURRICULUM)
CARD_FNS(achievement, CA_ACHIEVEMENT)
CARD_FNS(attendance, CA_ATTENDANCE)
CARD_FNS(personal, CA_PERSONAL)
CARD_FNS(leadership, CA_LEADERSHIP)
CARD_FNS(early_years, CA_EARLY_YEARS)
CARD_FNS(post_16, CA_POST_16)

static struct val k_safeguarding(const struct agg *a) { return pct(a->cards.safe_met, a->cards.safe_given); }

static struct val n_safeguarding(const struct agg *a) { return a->s->has_nat_safe ? value(a->s->nat_safe) : na(); }

static struct val k_safeguarding_vs(const struct agg *a) { return minus(k_safeguarding(a), n_safeguarding(a)); }

/* --- financial and internal --- */

static struct val money_total(const struct money_line *rows, int n, bool fundraised_only)
{
    if (!rows)
        return na();
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (!fundraised_only || rows[i].fundraised)
            sum += rows[i].amount;
    return value(sum);
}

/* part as a percentage of total; not available when the total is not
 * above 0. */
static struct val share_of(double part, double total) { return total > 0 ? value(100 * part / total) : na(); }

static struct val k_income(const struct agg *a) { return money_total(a->s->income, a->s->nincome, false); }

static struct val k_expenditure(const struct agg *a)
{
    return money_total(a->s->expenditure, a->s->nexpenditure, false);
}

static struct val k_surplus(const struct agg *a) { return minus(k_income(a), k_expenditure(a)); }

static struct val k_fundraised(const struct agg *a)
{
    struct val in = k_income(a), raised = money_total(a->s->income, a->s->nincome, true);
    return in.st == V_OK ? share_of(raised.x, in.x) : na();
}

static struct val k_reserves_months(const struct agg *a)
{
    struct val out = k_expenditure(a);
    return a->s->has_reserves && out.st == V_OK && out.x > 0 ? value(a->s->reserves / (out.x / 12)) : na();
}

static struct val k_cost_per_pupil(const struct agg *a)
{
    struct val out = k_expenditure(a);
    return out.st == V_OK && a->pupils > 0 ? value(out.x / (double)a->pupils) : na();
}

static struct val k_staff_fte(const struct agg *a) { return a->s->has_fte ? value(a->s->staff_fte) : na(); }

static struct val k_turnover(const struct agg *a)
{
    return a->s->has_turnover ? value(a->s->staff_turnover) : na();
}

/* The indicators, in the order every output lists them: each name is its
 * id in capitals with '.' as '_' ("breadth.pupils" is KPI_BREADTH_PUPILS),
 * except the report cards', KPI_CARD_<area>_UP ("..._strong_or_better_pct"),
 * _DOWN ("..._needs_attention_or_worse_pct"), each with _VS for its
 * "_vs_national". kpis[] is written with these as designated initialisers,
 * so a renderer naming an indicator that does not exist does not compile. */
enum kpi_id {
    KPI_BREADTH_SCHOOLS, KPI_BREADTH_TRUSTS, KPI_BREADTH_HUBS, KPI_BREADTH_PUPILS, KPI_BREADTH_FSM_PUPILS,
    KPI_BREADTH_FSM_PCT, KPI_BREADTH_FSM_PCT_VS_NATIONAL, KPI_BREADTH_SEND_PUPILS, KPI_BREADTH_SEND_PCT,
    KPI_BREADTH_SEND_PCT_VS_NATIONAL, KPI_BREADTH_TARGET_AREA_SCHOOLS_PCT,
    KPI_BREADTH_HIGH_NEED_PUPILS_PCT, KPI_DEPTH_PROGRAMMES_PER_SCHOOL,
    KPI_DEPTH_MULTI_PROGRAMME_SCHOOLS_PCT, KPI_DEPTH_TRUST_PROGRAMME_TAKEUP_PCT,
    KPI_DEPTH_SCHOOL_RENEWAL_PCT, KPI_DEPTH_TRUST_RENEWAL_PCT, KPI_DEPTH_MEAN_TENURE_YEARS,
    KPI_DEPTH_QAR_REVIEWS, KPI_DEPTH_QAR_FULL_TEAM_PCT, KPI_DEPTH_AREAS_OF_EXCELLENCE,
    KPI_DEPTH_LEAD_REVIEWERS, KPI_DEPTH_FEEDBACK_MEAN, KPI_IMPACT_KS4_DISADV_EM4_PCT,
    KPI_IMPACT_KS4_DISADV_EM4_VS_NATIONAL, KPI_IMPACT_KS4_DISADV_EM4_CHANGE,
    KPI_IMPACT_KS4_DISADV_EM4_CHANGE_NATIONAL, KPI_IMPACT_KS4_DISADV_EM4_GAP_TO_OTHER,
    KPI_IMPACT_KS2_DISADV_READING, KPI_IMPACT_KS2_DISADV_READING_VS_NATIONAL,
    KPI_IMPACT_KS2_DISADV_READING_CHANGE, KPI_IMPACT_KS2_DISADV_READING_CHANGE_NATIONAL,
    KPI_IMPACT_KS2_DISADV_READING_GAP_TO_OTHER, KPI_IMPACT_KS2_DISADV_MATHS,
    KPI_IMPACT_KS2_DISADV_MATHS_VS_NATIONAL, KPI_IMPACT_KS2_DISADV_MATHS_CHANGE,
    KPI_IMPACT_KS2_DISADV_MATHS_CHANGE_NATIONAL, KPI_IMPACT_KS2_DISADV_MATHS_GAP_TO_OTHER,
    KPI_IMPACT_KS2_DISADV_GPS, KPI_IMPACT_KS2_DISADV_GPS_VS_NATIONAL, KPI_IMPACT_KS2_DISADV_GPS_CHANGE,
    KPI_IMPACT_KS2_DISADV_GPS_CHANGE_NATIONAL, KPI_IMPACT_KS2_DISADV_GPS_GAP_TO_OTHER,
    KPI_IMPACT_OFSTED_INSPECTED, KPI_IMPACT_OFSTED_OUTSTANDING_KEPT_PCT,
    KPI_IMPACT_OFSTED_GOOD_TO_OUTSTANDING_PCT, KPI_IMPACT_OFSTED_RI_TO_GOOD_PCT, KPI_IMPACT_REPORT_CARDS,
    KPI_CARD_INCLUSION_UP, KPI_CARD_INCLUSION_UP_VS, KPI_CARD_INCLUSION_DOWN, KPI_CARD_INCLUSION_DOWN_VS,
    KPI_CARD_CURRICULUM_UP, KPI_CARD_CURRICULUM_UP_VS, KPI_CARD_CURRICULUM_DOWN,
    KPI_CARD_CURRICULUM_DOWN_VS, KPI_CARD_ACHIEVEMENT_UP, KPI_CARD_ACHIEVEMENT_UP_VS,
    KPI_CARD_ACHIEVEMENT_DOWN, KPI_CARD_ACHIEVEMENT_DOWN_VS, KPI_CARD_ATTENDANCE_UP,
    KPI_CARD_ATTENDANCE_UP_VS, KPI_CARD_ATTENDANCE_DOWN, KPI_CARD_ATTENDANCE_DOWN_VS, KPI_CARD_PERSONAL_UP,
    KPI_CARD_PERSONAL_UP_VS, KPI_CARD_PERSONAL_DOWN, KPI_CARD_PERSONAL_DOWN_VS, KPI_CARD_LEADERSHIP_UP,
    KPI_CARD_LEADERSHIP_UP_VS, KPI_CARD_LEADERSHIP_DOWN, KPI_CARD_LEADERSHIP_DOWN_VS,
    KPI_CARD_EARLY_YEARS_UP, KPI_CARD_EARLY_YEARS_UP_VS, KPI_CARD_EARLY_YEARS_DOWN,
    KPI_CARD_EARLY_YEARS_DOWN_VS, KPI_CARD_POST_16_UP, KPI_CARD_POST_16_UP_VS, KPI_CARD_POST_16_DOWN,
    KPI_CARD_POST_16_DOWN_VS, KPI_CARD_SAFEGUARDING, KPI_CARD_SAFEGUARDING_VS, KPI_FINANCE_INCOME,
    KPI_FINANCE_EXPENDITURE, KPI_FINANCE_SURPLUS, KPI_FINANCE_FUNDRAISED_PCT, KPI_FINANCE_RESERVES_MONTHS,
    KPI_FINANCE_COST_PER_PUPIL, KPI_INTERNAL_STAFF_FTE, KPI_INTERNAL_STAFF_TURNOVER_PCT,
    N_KPIS
};

/* Flags: K_SCHOOL indicators are defined per school, so every group of a
 * breakdown has them; K_BREAKDOWN ones are columns of the reports'
 * breakdown tables; K_CARD ones are shown in the reports' part on report
 * cards, not in the headline, series and group tables (so their note only
 * gives JSON its base), and are in the JSON breakdowns only when the
 * latest snapshot has report cards. */
enum { K_SCHOOL = 1, K_BREAKDOWN = 2, K_CARD = 4 };

/* One row per indicator: every renderer and the checks loop over this
 * table, so adding an indicator is adding a row and its function.
 * `national` gives the England figure shown beside it; `note` is a printf
 * format taking the value's num and den, formatted as strings, printed
 * under the table. */
struct kpi {
    const char *id;
    int group;
    const char *label;
    int unit;
    unsigned flags;
    struct val (*fn)(const struct agg *a);
    struct val (*national)(const struct agg *a);
    const char *note;
};

#define SB (K_SCHOOL | K_BREAKDOWN)
#define SC (K_SCHOOL | K_CARD)
#define CARD_ROWS(name, AREA, key, what)                                                                \
    [KPI_CARD_##AREA##_UP] = {"impact.report_card." key "_strong_or_better_pct", G_IMPACT,                \
     what ": strong or better", U_PCT, SC, k_##name##_up, n_##name##_up, "%s of %s schools graded"},      \
    [KPI_CARD_##AREA##_UP_VS] = {"impact.report_card." key "_strong_or_better_pct_vs_national", G_IMPACT, \
     what ": strong or better against national", U_PP, SC, k_##name##_up_vs, NULL, NULL},               \
    [KPI_CARD_##AREA##_DOWN] = {"impact.report_card." key "_needs_attention_or_worse_pct", G_IMPACT,      \
     what ": needs attention or worse", U_PCT, SC, k_##name##_down, n_##name##_down,                     \
     "%s of %s schools graded"},                                                                       \
    [KPI_CARD_##AREA##_DOWN_VS] = {"impact.report_card." key "_needs_attention_or_worse_pct_vs_national", \
     G_IMPACT, what ": needs attention or worse against national", U_PP, SC, k_##name##_down_vs, NULL, NULL}
#define MEASURE_ROWS(name, VALUE, STEM, valueid, idname, what, unit, vsunit)                         \
    [VALUE] = {"impact." valueid, G_IMPACT, "Disadvantaged " what, unit, SB, k_##name, n_##name, NULL}, \
    [STEM##_VS_NATIONAL] = {"impact." idname "_vs_national", G_IMPACT,                                 \
     "Disadvantaged " what " against national", vsunit, K_SCHOOL, k_##name##_vs, NULL, NULL},          \
    [STEM##_CHANGE] = {"impact." idname "_change", G_IMPACT,                                           \
     "Change in disadvantaged " what " (schools of 4+ years)", vsunit, K_SCHOOL, k_##name##_change,     \
     k_##name##_change_nat, "resting on %s pupils"},                                                   \
    [STEM##_CHANGE_NATIONAL] = {"impact." idname "_change_national", G_IMPACT,                         \
     "National change in disadvantaged " what, vsunit, 0, k_##name##_change_nat, NULL, NULL},          \
    [STEM##_GAP_TO_OTHER] = {"impact." idname "_gap_to_other", G_IMPACT,                               \
     "Disadvantaged " what " against national other pupils", vsunit, K_SCHOOL, k_##name##_gap, NULL, NULL}

static const struct kpi kpis[N_KPIS] = {
    [KPI_BREADTH_SCHOOLS] =
        {"breadth.schools", G_BREADTH, "Schools reached", U_COUNT, SB, k_schools, NULL, NULL},
    [KPI_BREADTH_TRUSTS] = {"breadth.trusts", G_BREADTH, "Trusts", U_COUNT, 0, k_trusts, NULL, NULL},
    [KPI_BREADTH_HUBS] =
        {"breadth.hubs", G_BREADTH, "Hubs with an active school", U_COUNT, K_SCHOOL, k_hubs, NULL, NULL},
    [KPI_BREADTH_PUPILS] = {"breadth.pupils", G_BREADTH, "Pupils reached", U_COUNT, SB, k_pupils, NULL, NULL},
    [KPI_BREADTH_FSM_PUPILS] =
        {"breadth.fsm_pupils", G_BREADTH, "Pupils eligible for free school meals", U_COUNT, K_SCHOOL,
         k_fsm_pupils, NULL, NULL},
    [KPI_BREADTH_FSM_PCT] =
        {"breadth.fsm_pct", G_BREADTH, "Free school meals share", U_PCT, SB, k_fsm_pct, n_fsm, NULL},
    [KPI_BREADTH_FSM_PCT_VS_NATIONAL] =
        {"breadth.fsm_pct_vs_national", G_BREADTH, "Free school meals share against national", U_PP, K_SCHOOL,
         k_fsm_vs_national, NULL, NULL},
    [KPI_BREADTH_SEND_PUPILS] =
        {"breadth.send_pupils", G_BREADTH, "Pupils with SEND", U_COUNT, K_SCHOOL, k_send_pupils, NULL, NULL},
    [KPI_BREADTH_SEND_PCT] =
        {"breadth.send_pct", G_BREADTH, "SEND share", U_PCT, SB, k_send_pct, n_send,
         "over the %s of %s schools that give SEND numbers"},
    [KPI_BREADTH_SEND_PCT_VS_NATIONAL] =
        {"breadth.send_pct_vs_national", G_BREADTH, "SEND share against national", U_PP, K_SCHOOL,
         k_send_vs_national, NULL, NULL},
    [KPI_BREADTH_TARGET_AREA_SCHOOLS_PCT] =
        {"breadth.target_area_schools_pct", G_BREADTH, "Schools in high-deprivation target areas", U_PCT,
         K_SCHOOL, k_target_area, NULL, NULL},
    [KPI_BREADTH_HIGH_NEED_PUPILS_PCT] =
        {"breadth.high_need_pupils_pct", G_BREADTH, "Pupils in schools above national FSM or SEND share",
         U_PCT, K_SCHOOL, k_high_need, NULL, NULL},

    [KPI_DEPTH_PROGRAMMES_PER_SCHOOL] =
        {"depth.programmes_per_school", G_DEPTH, "Programmes per school", U_NUMBER, K_SCHOOL,
         k_programmes_per_school, NULL, NULL},
    [KPI_DEPTH_MULTI_PROGRAMME_SCHOOLS_PCT] =
        {"depth.multi_programme_schools_pct", G_DEPTH, "Schools on two or more programmes", U_PCT, K_SCHOOL,
         k_multi_programme, NULL, NULL},
    [KPI_DEPTH_TRUST_PROGRAMME_TAKEUP_PCT] =
        {"depth.trust_programme_takeup_pct", G_DEPTH, "Trusts taking a trust programme", U_PCT, 0,
         k_trust_takeup, NULL, NULL},
    [KPI_DEPTH_SCHOOL_RENEWAL_PCT] =
        {"depth.school_renewal_pct", G_DEPTH, "School renewals", U_PCT, K_SCHOOL, k_school_renewal, NULL,
         "%s renewed of %s due"},
    [KPI_DEPTH_TRUST_RENEWAL_PCT] =
        {"depth.trust_renewal_pct", G_DEPTH, "Trust renewals", U_PCT, 0, k_trust_renewal, NULL,
         "%s renewed of %s due"},
    [KPI_DEPTH_MEAN_TENURE_YEARS] =
        {"depth.mean_tenure_years", G_DEPTH, "Mean tenure of schools", U_YEARS, K_SCHOOL, k_tenure, NULL,
         NULL},
    [KPI_DEPTH_QAR_REVIEWS] =
        {"depth.qar_reviews", G_DEPTH, "Quality Assurance Reviews", U_COUNT, K_SCHOOL, k_qar_reviews, NULL,
         NULL},
    [KPI_DEPTH_QAR_FULL_TEAM_PCT] =
        {"depth.qar_full_team_pct", G_DEPTH, "Quality Assurance Reviews with full teams", U_PCT, K_SCHOOL,
         k_qar_full_team, NULL, "%s of %s reviews"},
    [KPI_DEPTH_AREAS_OF_EXCELLENCE] =
        {"depth.areas_of_excellence", G_DEPTH, "Areas of Excellence", U_COUNT, K_SCHOOL, k_areas_of_excellence,
         NULL, "from %s of %s reviews that give them"},
    [KPI_DEPTH_LEAD_REVIEWERS] =
        {"depth.lead_reviewers", G_DEPTH, "Lead reviewers", U_COUNT, 0, k_lead_reviewers, NULL, NULL},
    [KPI_DEPTH_FEEDBACK_MEAN] =
        {"depth.feedback_mean", G_DEPTH, "Mean feedback score", U_NUMBER, 0, k_feedback, NULL,
         "from %s responses, on a scale up to %s"},

    MEASURE_ROWS(em4, KPI_IMPACT_KS4_DISADV_EM4_PCT, KPI_IMPACT_KS4_DISADV_EM4, "ks4_disadv_em4_pct",
                 "ks4_disadv_em4", "KS4 English and maths grade 4+", U_PCT, U_PP),
    MEASURE_ROWS(reading, KPI_IMPACT_KS2_DISADV_READING, KPI_IMPACT_KS2_DISADV_READING, "ks2_disadv_reading",
                 "ks2_disadv_reading", "KS2 reading score", U_SCORE, U_POINTS),
    MEASURE_ROWS(maths, KPI_IMPACT_KS2_DISADV_MATHS, KPI_IMPACT_KS2_DISADV_MATHS, "ks2_disadv_maths",
                 "ks2_disadv_maths", "KS2 maths score", U_SCORE, U_POINTS),
    MEASURE_ROWS(gps, KPI_IMPACT_KS2_DISADV_GPS, KPI_IMPACT_KS2_DISADV_GPS, "ks2_disadv_gps", "ks2_disadv_gps",
                 "KS2 grammar, punctuation and spelling score", U_SCORE, U_POINTS),
    [KPI_IMPACT_OFSTED_INSPECTED] =
        {"impact.ofsted_inspected", G_IMPACT, "Schools inspected in the last 12 months", U_COUNT, K_SCHOOL,
         k_inspected, NULL, "%s of the %s had no four-point grades and are left out of the transitions"},
    [KPI_IMPACT_OFSTED_OUTSTANDING_KEPT_PCT] =
        {"impact.ofsted_outstanding_kept_pct", G_IMPACT, "Outstanding schools that stayed outstanding", U_PCT,
         K_SCHOOL, k_of_kept, n_of_kept, "%s of %s schools"},
    [KPI_IMPACT_OFSTED_GOOD_TO_OUTSTANDING_PCT] =
        {"impact.ofsted_good_to_outstanding_pct", G_IMPACT, "Good schools now outstanding", U_PCT, K_SCHOOL,
         k_of_good_up, n_of_good_up, "%s of %s schools"},
    [KPI_IMPACT_OFSTED_RI_TO_GOOD_PCT] =
        {"impact.ofsted_ri_to_good_pct", G_IMPACT, "Schools below good now good or better", U_PCT, K_SCHOOL,
         k_of_ri_up, n_of_ri_up, "%s of %s schools"},
    [KPI_IMPACT_REPORT_CARDS] =
        {"impact.report_cards", G_IMPACT, "Schools inspected under report cards in the last 12 months",
         U_COUNT, SC, k_report_cards, NULL, NULL},
    CARD_ROWS(inclusion, INCLUSION, "inclusion", "Report cards, inclusion"),
    CARD_ROWS(curriculum, CURRICULUM, "curriculum_and_teaching", "Report cards, curriculum and teaching"),
    CARD_ROWS(achievement, ACHIEVEMENT, "achievement", "Report cards, achievement"),
    CARD_ROWS(attendance, ATTENDANCE, "attendance_and_behaviour", "Report cards, attendance and behaviour"),
    CARD_ROWS(personal, PERSONAL, "personal_development_and_wellbeing",
              "Report cards, personal development and well-being"),
    CARD_ROWS(leadership, LEADERSHIP, "leadership_and_governance", "Report cards, leadership and governance"),
    CARD_ROWS(early_years, EARLY_YEARS, "early_years", "Report cards, early years"),
    CARD_ROWS(post_16, POST_16, "post_16", "Report cards, post-16"),
    [KPI_CARD_SAFEGUARDING] =
        {"impact.report_card.safeguarding_met_pct", G_IMPACT, "Report cards, safeguarding met", U_PCT, SC,
         k_safeguarding, n_safeguarding, "%s of %s schools judged"},
    [KPI_CARD_SAFEGUARDING_VS] =
        {"impact.report_card.safeguarding_met_pct_vs_national", G_IMPACT,
         "Report cards, safeguarding met against national", U_PP, SC, k_safeguarding_vs, NULL, NULL},

    [KPI_FINANCE_INCOME] = {"finance.income", G_FINANCIAL, "Income", U_MONEY, 0, k_income, NULL, NULL},
    [KPI_FINANCE_EXPENDITURE] =
        {"finance.expenditure", G_FINANCIAL, "Expenditure", U_MONEY, 0, k_expenditure, NULL, NULL},
    [KPI_FINANCE_SURPLUS] = {"finance.surplus", G_FINANCIAL, "Surplus", U_MONEY, 0, k_surplus, NULL, NULL},
    [KPI_FINANCE_FUNDRAISED_PCT] =
        {"finance.fundraised_pct", G_FINANCIAL, "Fundraised share of income", U_PCT, 0, k_fundraised, NULL,
         NULL},
    [KPI_FINANCE_RESERVES_MONTHS] =
        {"finance.reserves_months", G_FINANCIAL, "Reserves", U_MONTHS, 0, k_reserves_months, NULL, NULL},
    [KPI_FINANCE_COST_PER_PUPIL] =
        {"finance.cost_per_pupil", G_FINANCIAL, "Cost per pupil reached", U_MONEY, 0, k_cost_per_pupil, NULL,
         NULL},
    [KPI_INTERNAL_STAFF_FTE] =
        {"internal.staff_fte", G_FINANCIAL, "Staff (full-time equivalent)", U_NUMBER, 0, k_staff_fte, NULL,
         NULL},
    [KPI_INTERNAL_STAFF_TURNOVER_PCT] =
        {"internal.staff_turnover_pct", G_FINANCIAL, "Staff turnover", U_PCT, 0, k_turnover, NULL, NULL},
};
#undef SB
#undef SC


static int kpi_lookup(const char *id)
{
    for (int k = 0; k < N_KPIS; k++)
        if (!strcmp(kpis[k].id, id))
            return k;
    return -1;
}

/* All indicators of one view, into out[N_KPIS], and the report cards'
 * distribution behind them into *cards. Only K_SCHOOL ones when the view
 * is a group. national, when not NULL, gets each indicator's national
 * figure (not available where kpis[k].national is NULL). */
static void compute_view(const struct view *v, struct val *out, struct val *national, struct card_dist *cards)
{
    struct agg a;
    aggregate(&a, v);
    for (int k = 0; k < N_KPIS; k++) {
        out[k] = !v->idx || (kpis[k].flags & K_SCHOOL) ? kpis[k].fn(&a) : na();
        if (national)
            national[k] = kpis[k].national ? kpis[k].national(&a) : na();
    }
    *cards = a.cards;
}

/* ===================================================================== *
 *  Targets, trends and projections                                       *
 * ===================================================================== */

/* A target on one indicator: a floor ("min") or a ceiling ("max"). Its
 * error bound fails a check; its warning bound, stricter, only warns.
 * Either may be absent, not both. A required target fails when the value
 * is not available or suppressed. */
struct target {
    int kpi;
    bool is_max, has_error, has_warn, has_by, required;
    double error, warn;
    long long by;
    const char *source;
};

/* The strategy's targets, built in. "By 2027" is read as the end of the
 * 2026/27 school year. */
static const struct {
    int kpi;
    const char *bound;           /* "min" or "max" */
    double value;
    const char *by;              /* NULL: must hold now */
    const char *source;
} default_targets[] = {
    {KPI_BREADTH_PUPILS, "min", 500000, "2027-08-31",
     "2023 strategy: benefit half a million pupils a year by 2027"},
    {KPI_BREADTH_FSM_PCT_VS_NATIONAL, "min", 0, NULL,
     "2030 strategy: a greater proportion of pupils from schools with above-average disadvantage"},
    {KPI_DEPTH_LEAD_REVIEWERS, "min", 100, "2027-08-31", "2023 strategy: a pool of at least 100 Lead Reviewers by 2027"},
    {KPI_FINANCE_FUNDRAISED_PCT, "min", 20, "2030-08-31",
     "2030 strategy: fundraised income towards 20% of total income"},
    {KPI_IMPACT_KS4_DISADV_EM4_VS_NATIONAL, "min", 0, NULL,
     "2030 strategy: disadvantaged pupils outperform national averages"},
    {KPI_IMPACT_KS2_DISADV_READING_VS_NATIONAL, "min", 0, NULL,
     "2030 strategy: disadvantaged pupils outperform national averages"},
    {KPI_IMPACT_KS2_DISADV_MATHS_VS_NATIONAL, "min", 0, NULL,
     "2030 strategy: disadvantaged pupils outperform national averages"},
    {KPI_IMPACT_KS2_DISADV_GPS_VS_NATIONAL, "min", 0, NULL,
     "2030 strategy: disadvantaged pupils outperform national averages"},
};

/* The indicator ids, NULL-terminated, for "did you mean" hints. */
static const char *const *kpi_ids(void)
{
    static const char *ids[N_KPIS + 1];
    for (int k = 0; k < N_KPIS; k++)
        ids[k] = kpis[k].id;
    return ids;
}

static const char *const targets_file_keys[] = {"format", "targets", "allow", NULL};

/* The targets file's "allow" list (in the plausibility section). */
static void plaus_read_allow(struct loader *L, const cJSON *root);
static const char *const target_keys[] = {"kpi", "min", "max", "warn_min", "warn_max", "by",
                                          "source", "required", NULL};

#define TARGETS_FORMAT "cpreport-targets/1"

static void load_target(struct loader *L, const cJSON *o, int i, void *ctx)
{
    struct target *t = &((struct target *)ctx)[i];
    const char *id;
    char q[64];
    t->kpi = -1;
    check_keys(L, o, target_keys);
    if (get_string(L, o, "kpi", REQUIRED, &id) && (t->kpi = kpi_lookup(id)) < 0) {
        const char *near = nearest_name(id, kpi_ids());
        if (near)
            error_at(L, "kpi", "%s is not an indicator id (did you mean \"%s\"?)", quoted(id, q), near);
        else
            error_at(L, "kpi", "%s is not an indicator id (README lists them)", quoted(id, q));
    }
    /* Floors and ceilings do not mix in one entry. */
    bool floor = field(L, o, "min", OPTIONAL) || field(L, o, "warn_min", OPTIONAL);
    bool ceiling = field(L, o, "max", OPTIONAL) || field(L, o, "warn_max", OPTIONAL);
    if (floor && ceiling) {
        diag_error(&L->d, "give a floor (\"min\", \"warn_min\") or a ceiling (\"max\", \"warn_max\"), not both");
    } else if (!floor && !ceiling) {
        diag_error(&L->d, "missing a bound: \"min\", \"max\", \"warn_min\" or \"warn_max\"");
    } else {
        t->is_max = ceiling;
        t->has_error = get_number(L, o, ceiling ? "max" : "min", OPTIONAL, false, -MAX_BOUND, MAX_BOUND, &t->error);
        t->has_warn =
            get_number(L, o, ceiling ? "warn_max" : "warn_min", OPTIONAL, false, -MAX_BOUND, MAX_BOUND, &t->warn);
        if (t->has_error && t->has_warn && (ceiling ? t->warn > t->error : t->warn < t->error)) {
            error_at(L, ceiling ? "warn_max" : "warn_min",
                     "%.15g is %s than %s (%.15g): the warning bound must be the stricter", t->warn,
                     ceiling ? "more" : "less", ceiling ? "max" : "min", t->error);
        }
    }
    t->has_by = get_date(L, o, "by", OPTIONAL, true, &t->by);
    get_bool(L, o, "required", OPTIONAL, &t->required);
    if (!get_string(L, o, "source", OPTIONAL, &t->source))
        t->source = "targets file";
}

/* Reads a targets file into *out (its strings owned by *owner). False
 * after naming every problem. */
static bool load_targets(const char *path, struct target **out, int *n, struct snapshot **owner)
{
    cJSON *root = parse_json_file(path, input_name(path));
    if (!root)
        return false;
    struct snapshot *s = xcalloc(1, sizeof *s);
    struct loader L = {.s = s};
    const char *format;
    const cJSON *arr;
    char q[64];
    s->as_of = LLONG_MIN;
    diag_init(&L.d, input_name(path));
    *n = 0;
    *out = NULL;
    if (!cJSON_IsObject(root)) {
        diag_error(&L.d, "expected an object at the top level, got %s", describe(root, q));
    } else {
        bool format_ok = !get_string(&L, root, "format", REQUIRED, &format) || !strcmp(format, TARGETS_FORMAT);
        if (!format_ok) {
            error_at(&L, "format", "%s is not a format this version reads (expected \"%s\")", quoted(format, q),
                     TARGETS_FORMAT);
        } else {
            check_repeats(&L, root, NULL);
            check_keys(&L, root, targets_file_keys);
            plaus_read_allow(&L, root);
        }
        if (format_ok && (arr = get_array(&L, root, "targets", REQUIRED))) {
            int size = cJSON_GetArraySize(arr), first[N_KPIS];
            *out = xcalloc((size_t)size + 1, sizeof **out);
            for (int i = 0; i < size; i++)
                (*out)[i].kpi = -1;  /* stays so for an element that is not an object */
            *n = each_object(&L, arr, "targets", load_target, *out);
            for (int k = 0; k < N_KPIS; k++)
                first[k] = -1;
            for (int i = 0; i < *n; i++) {
                int k = (*out)[i].kpi;
                if (k >= 0 && first[k] >= 0) {
                    size_t old = path_push(&L.d, "targets[%d].kpi", i);
                    diag_error(&L.d, "\"%s\" already has a target in targets[%d]", kpis[k].id, first[k]);
                    path_pop(&L.d, old);
                } else if (k >= 0) {
                    first[k] = i;
                }
            }
        }
    }
    arena_free(&json_arena);
    diag_finish(&L.d);
    *owner = s;
    return L.d.errors == 0;
}

enum status { ST_NO_TARGET, ST_MET, ST_ON_TRACK, ST_AT_RISK, ST_OFF_TRACK, ST_NA, ST_SUPPRESSED };
static const char *const status_names[] = {"no target", "met",           "on track",  "at risk",
                                           "off track", "not available", "suppressed"};

/* One snapshot's values, kept after its data has been freed. */
struct survey_val {
    char *id;
    struct val v;
};

/* An active school or trust as "what changed" lists it. */
struct member_line {
    long long urn;               /* a school's; 0 for a trust */
    char *id, *name, *hub;       /* id: a trust's; hub: a school's hub's name, NULL when none */
    char *hub_id, *trust_id;     /* a school's, NULL when none */
    int region, phase;
    long long pupils;
};

struct period {
    const char *file;
    long long as_of;
    char currency[4];            /* of its money figures */
    struct val vals[N_KPIS];
    struct val national[N_KPIS]; /* England's figure beside each, where there is one */
    struct card_dist cards;      /* the report cards behind vals */
    struct survey_val *surveys;  /* agreed / respondents, by survey id */
    int nsurveys;
    struct member_line *schools, *trusts; /* the active ones, by URN and by id */
    int nschools, ntrusts;
};

static int cmp_member_line(const void *pa, const void *pb)
{
    const struct member_line *a = pa, *b = pb;
    if (a->id || b->id)
        return strcmp(a->id, b->id);
    return (a->urn > b->urn) - (a->urn < b->urn);
}

/* Copies s's active schools and trusts into p, sorted, so that what
 * joined and left can be found once s is freed. */
static void period_members(struct period *p, const struct snapshot *s)
{
    p->schools = xcalloc((size_t)s->nschools + 1, sizeof *p->schools);
    p->trusts = xcalloc((size_t)s->ntrusts + 1, sizeof *p->trusts);
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        if (!school_active(sc))
            continue;
        const struct hub *h = sc->hub >= 0 ? &s->hubs[sc->hub] : NULL;
        p->schools[p->nschools++] = (struct member_line){sc->urn,
                                                         NULL,
                                                         xstrdup(sc->name),
                                                         h ? xstrdup(h->name ? h->name : h->id) : NULL,
                                                         h ? xstrdup(h->id) : NULL,
                                                         sc->trust >= 0 ? xstrdup(s->trusts[sc->trust].id) : NULL,
                                                         sc->region,
                                                         sc->phase,
                                                         sc->pupils};
    }
    for (int i = 0; i < s->ntrusts; i++) {
        const struct trust *t = &s->trusts[i];
        if (trust_active(t))
            p->trusts[p->ntrusts++] =
                (struct member_line){0, xstrdup(t->id), xstrdup(t->name ? t->name : t->id), NULL, NULL, NULL, -1, -1, 0};
    }
    qsort(p->schools, (size_t)p->nschools, sizeof *p->schools, cmp_member_line);
    qsort(p->trusts, (size_t)p->ntrusts, sizeof *p->trusts, cmp_member_line);
}

static void member_lines_free(struct member_line *m, int n)
{
    for (int i = 0; i < n; i++) {
        free(m[i].id);
        free(m[i].name);
        free(m[i].hub);
        free(m[i].hub_id);
        free(m[i].trust_id);
    }
    free(m);
}

/* The members of `now` (n of them) that are not in `was` (m), as indices
 * into now, in its order, in a new array the caller frees; *k is how
 * many. Both lists sorted alike. */
static int *members_not_in(const struct member_line *now, int n, const struct member_line *was, int m, int *k)
{
    int *out = xcalloc((size_t)n + 1, sizeof *out);
    *k = 0;
    for (int i = 0, j = 0; i < n; i++) {
        while (j < m && cmp_member_line(&was[j], &now[i]) < 0)
            j++;
        if (j >= m || cmp_member_line(&was[j], &now[i]) != 0)
            out[(*k)++] = i;
    }
    return out;
}

/* The share agreeing with survey `id` in period p; not available when the
 * survey was not run then. p->surveys is sorted by id (ids are unique), so
 * a report over n surveys costs n log n, not n squared. */
static struct val survey_val(const struct period *p, const char *id)
{
    const struct survey_val *hit =
        p->nsurveys ? bsearch(&id, p->surveys, (size_t)p->nsurveys, sizeof *p->surveys, cmp_string) : NULL;
    return hit ? hit->v : na();
}

/* A target's verdict. proj_* are set when two or more snapshots give a
 * least-squares line; reach is the date the line meets the bound, when it
 * heads that way. */
/* The bound the reports judge a target by: its error bound, or its
 * warning bound when it has only that. */
static double headline_bound(const struct target *t) { return t->has_error ? t->error : t->warn; }

struct eval {
    int status;
    bool has_proj, reaches, due; /* due: the target's date has come */
    double proj_at_by;
    long long reach;
};

/* Whether period i's value of indicator k can be set beside the latest
 * one, p[n - 1]'s: money in another currency cannot. */
static bool comparable(const struct period *p, int n, int i, int k)
{
    return kpis[k].unit != U_MONEY || !strcmp(p[i].currency, p[n - 1].currency);
}

/* Whether period i gives a point of indicator k's trend line. */
static bool on_line(const struct period *p, int n, int i, int k)
{
    return p[i].vals[k].st == V_OK && comparable(p, n, i, k);
}

/* Least-squares line y = a + b (t - t0) through the available values
 * comparable with the latest. */
static bool fit_line(const struct period *p, int n, int k, double *a, double *b, double *t0)
{
    double st = 0, sy = 0, m = 0;
    for (int i = 0; i < n; i++)
        if (on_line(p, n, i, k)) {
            st += (double)p[i].as_of;
            sy += p[i].vals[k].x;
            m++;
        }
    if (m < 2)
        return false;
    *t0 = st / m;
    double mean_y = sy / m, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++)
        if (on_line(p, n, i, k)) {
            double dt = (double)p[i].as_of - *t0;
            sxx += dt * dt;
            sxy += dt * (p[i].vals[k].x - mean_y);
        }
    *b = sxy / sxx;
    *a = mean_y;
    return true;
}

/* Status of target t against its error bound, or its warning bound when
 * `warn`, over the periods (sorted by as_of, latest last). */
static struct eval evaluate(const struct target *t, bool warn, const struct period *p, int n)
{
    struct eval e = {ST_NO_TARGET, false, false, false, 0, 0};
    const struct val *v = &p[n - 1].vals[t->kpi];
    if (v->st != V_OK) {
        e.status = v->st == V_SUPPRESSED ? ST_SUPPRESSED : ST_NA;
        return e;
    }
    /* A maximum is a minimum of the negated values. */
    double sign = t->is_max ? -1 : 1, bound = warn ? t->warn : t->error;
    double a, b, t0, now = (double)p[n - 1].as_of;
    e.due = t->has_by && now >= (double)t->by;
    if (t->has_by && fit_line(p, n, t->kpi, &a, &b, &t0)) {
        e.has_proj = true;
        e.proj_at_by = a + b * ((double)t->by - t0);
        /* A reach date is shown only from now to a century ahead: the line
         * may cross the bound in the past while the value is still short,
         * and a nearly flat line crosses it in no meaningful year. */
        double reach = sign * b > 0 ? ceil(t0 + (bound - a) / b) : -1;
        if (reach >= now && reach <= now + MAX_REACH_YEARS * 365.25) {
            e.reaches = true;
            e.reach = (long long)reach;
        }
    }
    if (sign * v->x >= sign * bound)
        e.status = ST_MET;
    else if (!t->has_by || now > (double)t->by || (now == (double)t->by && e.has_proj))
        e.status = ST_OFF_TRACK;    /* missed: on its date the line no longer matters */
    else if (!e.has_proj)
        e.status = ST_AT_RISK;      /* one snapshot, up to its date (issue 2) */
    else if (sign * e.proj_at_by >= sign * bound)
        e.status = ST_ON_TRACK;
    else if (sign * (bound - e.proj_at_by) <= 0.1 * fabs(bound))
        e.status = ST_AT_RISK;
    else
        e.status = ST_OFF_TRACK;
    /* Once the date has come, a line to it projects nothing: no report,
     * chart or JSON shows one. */
    if (e.due)
        e.has_proj = e.reaches = false;
    return e;
}

/* check's verdict on a target. */
enum verdict { VD_PASS, VD_WARN, VD_FAIL, VD_NA };

/* A target judged against both its bounds: the one judgement the
 * reports, the email and check all show. */
struct judgement {
    const struct target *t;
    struct eval err, warn;       /* against each bound, when it has one */
    int verdict;                 /* enum verdict */
    bool warn_decides;           /* the warning bound explains the verdict */
};

/* The judgement the reports show as a target's status: against its error
 * bound, or its warning bound when it has only that (see headline_bound). */
static const struct eval *headline_eval(const struct judgement *j)
{
    return j->t->has_error ? &j->err : &j->warn;
}

/* Judges target t over the periods (sorted by as_of, latest last). */
static struct judgement judge(const struct target *t, const struct period *p, int n)
{
    struct judgement j;
    memset(&j, 0, sizeof j);
    const struct val *v = &p[n - 1].vals[t->kpi];
    j.t = t;
    if (t->has_error)
        j.err = evaluate(t, false, p, n);
    if (t->has_warn)
        j.warn = evaluate(t, true, p, n);
    /* Off track fails at the error bound; at risk, which only a dated
     * target can be, warns, as does the warning bound broken. */
    bool err_off = t->has_error && j.err.status == ST_OFF_TRACK;
    bool err_at_risk = t->has_error && j.err.status == ST_AT_RISK;
    bool warn_broken = t->has_warn && (j.warn.status == ST_OFF_TRACK || j.warn.status == ST_AT_RISK);
    if (v->st != V_OK)
        j.verdict = t->required ? VD_FAIL : VD_NA;
    else
        j.verdict = err_off ? VD_FAIL : err_at_risk || warn_broken ? VD_WARN : VD_PASS;
    /* The bound that explains it: the error bound, unless only the
     * warning bound is broken, or all pass and there is a warning bound. */
    j.warn_decides = t->has_warn && (!t->has_error || (j.verdict == VD_WARN && !err_at_risk) ||
                                     j.verdict == VD_PASS);
    return j;
}

/* ===================================================================== *
 *  Breakdowns: the per-school indicators for each region, hub, trust     *
 *  and phase                                                             *
 * ===================================================================== */

enum dim { D_REGION, D_HUB, D_TRUST, D_PHASE, N_DIMS };
static const char *const dim_ids[] = {"region", "hub", "trust", "phase"};
static const char *const dim_titles[] = {"Region", "Hub", "Trust", "Phase"};

struct group_row {
    const char *id, *name;
    const int *idx;              /* its schools, lapsed ones too */
    int n;
    struct val vals[N_KPIS];
    struct card_dist cards;      /* the report cards behind vals */
};

/* The groups with an active school, and the names of those without. */
struct breakdown {
    struct group_row *rows;
    int n;
    const char **empty;
    int nempty;
    int *idx;                    /* owns the rows' school lists */
};

/* The group a school belongs to in dim d: 0..groups-1, where the last is
 * "none" (no hub, no trust). */
static int group_key(const struct snapshot *s, const struct school *sc, int d)
{
    switch (d) {
    case D_REGION: return sc->region;
    case D_HUB: return sc->hub >= 0 ? sc->hub : s->nhubs;
    case D_TRUST: return sc->trust >= 0 ? sc->trust : s->ntrusts;
    default: return sc->phase;
    }
}

static int group_count(const struct snapshot *s, int d)
{
    return d == D_REGION ? N_REGIONS : d == D_HUB ? s->nhubs + 1 : d == D_TRUST ? s->ntrusts + 1 : N_PHASES;
}

static int cmp_group_name(const void *pa, const void *pb)
{
    const struct group_row *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->id, b->id);
}

/* Groups with at least one active school, in a stable order: regions and
 * phases as listed in the format, hubs and trusts by name, "none" last. */
static struct breakdown compute_breakdown(const struct snapshot *s, int d)
{
    int ng = group_count(s, d);
    int *start = xcalloc((size_t)ng + 1, sizeof *start), *fill = xcalloc((size_t)ng, sizeof *fill);
    int *active = xcalloc((size_t)ng, sizeof *active), *idx = xmalloc(sizeof *idx * (size_t)(s->nschools + 1));
    for (int i = 0; i < s->nschools; i++) {
        int g = group_key(s, &s->schools[i], d);
        start[g + 1]++;
        active[g] += school_active(&s->schools[i]);
    }
    for (int g = 0; g < ng; g++)
        start[g + 1] += start[g];
    for (int i = 0; i < s->nschools; i++) {
        int g = group_key(s, &s->schools[i], d);
        idx[start[g] + fill[g]++] = i;
    }
    struct breakdown bd = {xcalloc((size_t)ng, sizeof *bd.rows), 0, xcalloc((size_t)ng, sizeof *bd.empty), 0, idx};
    bool has_none = d == D_HUB || d == D_TRUST, none_added = false;
    for (int g = 0; g < ng; g++) {
        bool none = has_none && g == ng - 1;
        const char *id, *name;
        if (none) {
            id = "none";
            name = d == D_HUB ? "No hub" : "No trust";
        } else if (d == D_HUB || d == D_TRUST) {
            id = d == D_HUB ? s->hubs[g].id : s->trusts[g].id;
            name = d == D_HUB ? s->hubs[g].name : s->trusts[g].name;
            if (!name)
                name = id;
        } else {
            id = name = d == D_REGION ? region_names[g] : phase_names[g];
        }
        if (!active[g]) {
            if (!none)
                bd.empty[bd.nempty++] = name;
            continue;
        }
        struct group_row *r = &bd.rows[bd.n++];
        none_added |= none;
        r->id = id;
        r->name = name;
        r->idx = idx + start[g];
        r->n = start[g + 1] - start[g];
        struct view v = {s, r->idx, r->n};
        compute_view(&v, r->vals, NULL, &r->cards);
    }
    if (has_none)
        qsort(bd.rows, (size_t)(bd.n - none_added), sizeof *bd.rows, cmp_group_name);
    free(start);
    free(fill);
    free(active);
    return bd;
}

static void breakdown_free(struct breakdown *bd)
{
    free(bd->rows);
    free(bd->empty);
    free(bd->idx);
}

/* ===================================================================== *
 *  Number formatting: one place, immune to the locale                    *
 * ===================================================================== */

/* The digits of |x| rounded half away from zero to `decimals` places,
 * without the point (as a reader rounds by hand: 21.25 at one place gives
 * "213"). printf writes a double's exact decimal expansion (glibc and musl
 * both do), and its GUARD places past the last one shown decide the
 * rounding, so no product |x| * 10^decimals is rounded or overflows. A
 * value within a hundred-billionth of a half, relatively, counts as the
 * half: a computed 100.15 is stored as 100.14999999999999. The tolerance
 * stops at a thousandth of the last place, so 2,000,000,000.49 stays
 * 2,000,000,000. Any finite x with up to 60 places fits. */
#define GUARD 20
static void round_digits(double x, int decimals, char digits[static 400])
{
    char exact[400], rest[GUARD + 3] = "0.";
    int n = snprintf(exact, sizeof exact, "%.*f", decimals + GUARD, fabs(x)), len = 0;
    for (int i = 0; i < n - GUARD; i++)
        if (exact[i] != '.')
            digits[len++] = exact[i];
    digits[len] = 0;
    memcpy(rest + 2, exact + n - GUARD, GUARD + 1);
    double scaled = fabs(x) * pow(10, decimals);
    if (strtod(rest, NULL) >= 0.5 - fmin(1e-3, fmax(1e-9, 1e-11 * scaled))) {
        int i = len - 1;
        for (; i >= 0 && digits[i] == '9'; i--)
            digits[i] = '0';
        if (i < 0) {
            memmove(digits + 1, digits, (size_t)len++ + 1);
            i = 0;
            digits[0] = '0';
        }
        digits[i]++;
    }
    int lead = 0; /* "0004" is "4", "000" is "0" */
    while (lead < len - 1 && digits[lead] == '0')
        lead++;
    memmove(digits, digits + lead, (size_t)(len - lead) + 1);
}
#undef GUARD

/* Whether x shows as zero with `decimals` places: words about a figure
 * ("rose", "above") follow what the reader sees. */
static bool shows_as_zero(double x, int decimals)
{
    char digits[400];
    round_digits(x, decimals, digits);
    return !strcmp(digits, "0");
}

/* x with `decimals` places and thousands separators; never "-0". */
static void fmt_number(struct sb *b, double x, int decimals, bool sign)
{
    char digits[400];
    round_digits(x, decimals, digits);
    bool zero = !strcmp(digits, "0");
    if (!zero && x < 0)
        sb_addc(b, '-');
    else if (!zero && sign)
        sb_addc(b, '+');
    int len = (int)strlen(digits), whole = len - decimals;
    if (whole <= 0)
        sb_addc(b, '0');
    for (int i = 0; i < whole; i++) {
        if (i && (whole - i) % 3 == 0)
            sb_addc(b, ',');
        sb_addc(b, digits[i]);
    }
    if (decimals)
        sb_addc(b, '.');
    for (int i = whole; i < len; i++)
        sb_addc(b, i < 0 ? '0' : digits[i]);
}

/* Money: pence only below 100, as shown (99.996 shows as 100, so without
 * them), and `extra` more places. */
static void fmt_money(struct sb *b, double x, const char *currency, bool sign, int extra)
{
    bool gbp = !currency || !strcmp(currency, "GBP");
    char digits[400];
    round_digits(x, 2, digits);
    int decimals = (strlen(digits) > 4 ? 0 : 2) + extra;
    if (gbp) {
        struct sb n;
        sb_init(&n);
        fmt_number(&n, x, decimals, sign);
        size_t lead = n.buf[0] == '-' || n.buf[0] == '+';
        sb_addn(b, n.buf, lead);
        sb_add(b, "\xC2\xA3");  /* £ */
        sb_add(b, n.buf + lead);
        sb_free(&n);
    } else {
        fmt_number(b, x, decimals, sign);
        sb_printf(b, " %s", currency);
    }
}

/* How each unit is shown: decimal places, the suffix of a figure and of
 * a change, and whether a figure always carries its sign (a difference).
 * Money has its own routine. */
static const struct {
    int decimals;
    const char *suffix, *change_suffix;
    bool signed_figure;
} unit_formats[] = {
    [U_COUNT] = {0, "", "", false},         [U_PCT] = {1, "%", " pp", false},
    [U_PP] = {1, " pp", " pp", true},       [U_YEARS] = {1, " years", " years", false},
    [U_MONEY] = {0, "", "", false},         [U_MONTHS] = {1, " months", " months", false},
    [U_SCORE] = {1, "", "", false},         [U_POINTS] = {1, "", "", true},
    [U_NUMBER] = {2, "", "", false},
};

/* A figure in its unit with `extra` more decimal places than usual;
 * `change` formats a difference (signed, and in percentage points for
 * shares). */
static void fmt_figure_places(struct sb *b, double x, int unit, const char *currency, bool change, int extra)
{
    if (unit == U_MONEY) {
        fmt_money(b, x, currency, change, extra);
        return;
    }
    fmt_number(b, x, unit_formats[unit].decimals + extra, change || unit_formats[unit].signed_figure);
    sb_add(b, change ? unit_formats[unit].change_suffix : unit_formats[unit].suffix);
}

static void fmt_figure(struct sb *b, double x, int unit, const char *currency, bool change)
{
    fmt_figure_places(b, x, unit, currency, change, 0);
}

/* x as a reader sees it: rounded as fmt_figure rounds it in `unit`. */
static double as_shown(double x, int unit)
{
    char digits[400];
    int decimals = unit_formats[unit].decimals;
    if (unit == U_MONEY) {
        round_digits(x, 2, digits);
        decimals = strlen(digits) > 4 ? 0 : 2;
    }
    round_digits(x, decimals, digits);
    double v = strtod(digits, NULL) / pow(10, decimals);
    return x < 0 ? -v : v;
}

/* The change from prev to now as the two figures are shown, so that a
 * table's change column is the difference of its own columns. */
static double shown_change(double now, double prev, int unit)
{
    return as_shown(now, unit) - as_shown(prev, unit);
}

static void fmt_val(struct sb *b, const struct val *v, int unit, const char *currency)
{
    if (v->st == V_OK)
        fmt_figure(b, v->x, unit, currency, false);
    else
        sb_add(b, v->st == V_SUPPRESSED ? "suppressed" : "not available");
}

/* A report-card share with the schools it rests on, "34.1% (41
 * schools)"; "not available" alone when no school is graded. */
static void fmt_card_share(struct sb *b, const struct val *v)
{
    fmt_val(b, v, U_PCT, NULL);
    if (v->st != V_OK)
        return;
    sb_add(b, " (");
    fmt_number(b, (double)v->den, 0, false);
    sb_add(b, v->den == 1 ? " school)" : " schools)");
}

/* A bound in the indicator's unit ("0.0 pp" rather than "+0.0 pp"). */
static void fmt_bound_places(struct sb *b, double x, int unit, const char *currency, int extra)
{
    fmt_figure_places(b, x, unit == U_PP || unit == U_POINTS ? U_SCORE : unit, currency, false, extra);
    if (unit == U_PP)
        sb_add(b, " pp");
}

static void fmt_bound(struct sb *b, double x, int unit, const char *currency)
{
    fmt_bound_places(b, x, unit, currency, 0);
}

/* The target in words: "at least 500,000 by 31 August 2027", "at least
 * 40.0% (warning below 45.0%)". */
static void fmt_target(struct sb *b, const struct target *t, int unit, const char *currency)
{
    char d[32];
    if (t->has_error) {
        sb_add(b, t->is_max ? "at most " : "at least ");
        fmt_bound(b, t->error, unit, currency);
    }
    if (t->has_warn) {
        sb_add(b, t->has_error ? (t->is_max ? " (warning above " : " (warning below ")
                               : (t->is_max ? "at most " : "at least "));
        fmt_bound(b, t->warn, unit, currency);
        sb_add(b, t->has_error ? ")" : " (warning only)");
    }
    if (t->has_by)
        sb_printf(b, " by %s", long_date(t->by, d));
}

/* The status in words, with the projection: "on track (projected
 * 12 May 2027)". */
static void fmt_status(struct sb *b, const struct eval *e, const struct target *t)
{
    char d[32];
    sb_add(b, status_names[e->status]);
    if (!t || !t->has_by || e->status == ST_MET || e->status == ST_NA || e->status == ST_SUPPRESSED)
        return;
    if (e->reaches)
        sb_printf(b, " (projected %s)", long_date(e->reach, d));
    else if (e->has_proj && e->status != ST_ON_TRACK)
        sb_printf(b, " (not before %s)", long_date(t->by, d));
}

/* ===================================================================== *
 *  Plausibility: figures that are valid but almost certainly wrong       *
 * ===================================================================== */

/* The loader refuses what is impossible; these rules name what is possible
 * and almost certainly a slip (a fraction typed for a percentage, a digit
 * too many, a column pasted twice), as warnings in the loader's format,
 * or as errors with --strict. Every threshold is exclusive: a figure
 * exactly at it is plausible. Each rule can be silenced with --allow ID or
 * the targets file's "allow" list, for a partnership that really is
 * unusual. README lists the same table. */
enum plaus_rule {
    PR_NAT_FRACTION, PR_NAT_FSM, PR_NAT_SEND, PR_NAT_KS4, PR_NAT_KS2,
    /* One per phase, in the order of phase_names. */
    PR_PUPILS_PRIMARY, PR_PUPILS_SECONDARY, PR_PUPILS_ALL_THROUGH, PR_PUPILS_SPECIAL, PR_PUPILS_AP,
    PR_PUPILS_NURSERY, PR_PUPILS_POST_16,
    PR_PUPILS_FEW, PR_FSM_ALL, PR_SEND_ALL, PR_FSM_ALL_SCHOOLS, PR_SEND_ALL_SCHOOLS,
    PR_CHANGE_REACHED, PR_CHANGE_PUPILS, PR_CHANGE_FSM, PR_CHANGE_PHASE, PR_CHANGE_REGION,
    PR_RESULTS_COHORT, PR_FUNDRAISED, PR_MONEY_RATIO, PR_COST_PER_PUPIL, N_PLAUS_RULES
};

/* lo and hi are the thresholds. A range rule names a figure below lo or
 * above hi; a rule with one bound uses hi ("more than") or lo ("fewer
 * than"); national-fraction names a national share below lo while the
 * partnership's own is above hi; the *-all-schools rules name more than
 * one school in hi. The reason says why such a figure is a slip; the
 * source, where the threshold comes from. */
static const struct plaus_def {
    const char *id;
    double lo, hi;
    const char *reason;
    const char *source;
} plaus_rules[N_PLAUS_RULES] = {
    [PR_NAT_FRACTION] = {"national-fraction", 1, 5,
        "a national percentage typed as a fraction (0.24 for 24%)",
        "no national share the format holds has been below 1% in a published year"},
    [PR_NAT_FSM] = {"national-fsm", 10, 40,
        "a national FSM share far from every published year",
        "DfE, Schools, pupils and their characteristics: 13.6% (2018) to 25.7% (2025)"},
    [PR_NAT_SEND] = {"national-send", 8, 30,
        "a national SEND share far from every published year",
        "DfE, Special educational needs in England: about 14% to 21% since 2010"},
    [PR_NAT_KS4] = {"national-ks4", 20, 70,
        "a national disadvantaged KS4 grade 4+ share far from every published year",
        "DfE, Key stage 4 performance: about 40% to 45% since 2017"},
    [PR_NAT_KS2] = {"national-ks2", 95, 108,
        "a national disadvantaged KS2 scaled score far from every published year",
        "DfE, Key stage 2 attainment: about 101 to 104 since 2016"},
    [PR_PUPILS_PRIMARY] = {"pupils-primary", 0, 3000,
        "more pupils than any primary school has",
        "England's largest primaries have under 1,500"},
    [PR_PUPILS_SECONDARY] = {"pupils-secondary", 0, 4000,
        "more pupils than any secondary school has",
        "England's largest secondaries have under 3,500"},
    [PR_PUPILS_ALL_THROUGH] = {"pupils-all-through", 0, 5000,
        "more pupils than any all-through school has",
        "a large primary and a large secondary together"},
    [PR_PUPILS_SPECIAL] = {"pupils-special", 0, 1500,
        "more pupils than any special school has",
        "England's largest special schools have under 1,000"},
    [PR_PUPILS_AP] = {"pupils-alternative-provision", 0, 1500,
        "more pupils than any alternative provision has",
        "England's largest alternative provision has under 1,000 places"},
    [PR_PUPILS_NURSERY] = {"pupils-nursery", 0, 1000,
        "more pupils than any nursery school has",
        "England's largest nursery schools have under 500"},
    [PR_PUPILS_POST_16] = {"pupils-post-16", 0, 6000,
        "more pupils than any post-16 school or college has",
        "England's largest sixth-form colleges have under 5,000"},
    [PR_PUPILS_FEW] = {"pupils-few", 5, 0,
        "fewer pupils than any open school has",
        "DfE suppresses figures of fewer than 5 pupils; no open school has so few"},
    [PR_FSM_ALL] = {"fsm-all", 0, 30,
        "every pupil eligible for free school meals: pupils pasted over fsm_pupils",
        "no school's intake is wholly eligible; a column pasted twice"},
    [PR_SEND_ALL] = {"send-all", 0, 30,
        "every pupil with SEND in a school that is neither special nor alternative provision",
        "in mainstream schools SEND is a minority; a column pasted twice"},
    [PR_FSM_ALL_SCHOOLS] = {"fsm-all-schools", 0, 10,
        "fsm-all true of many schools at once: a column pasted for the whole list",
        "one column pasted over another for the whole list"},
    [PR_SEND_ALL_SCHOOLS] = {"send-all-schools", 0, 10,
        "send-all true of many schools at once: a column pasted for the whole list",
        "one column pasted over another for the whole list"},
    [PR_CHANGE_REACHED] = {"change-pupils-reached", 0, 40,
        "pupils reached changing more in one snapshot than a partnership grows or shrinks",
        "a partnership grows by its members, a few at a time"},
    [PR_CHANGE_PUPILS] = {"change-school-pupils", 0, 3,
        "a school's pupils changing more than a school grows or shrinks in a year",
        "a school adds or loses year groups one at a time"},
    [PR_CHANGE_FSM] = {"change-fsm-share", 0, 20,
        "a school's FSM share moving more than an intake changes in a year",
        "DfE's school-level FSM shares rarely move by more than 10 points a year"},
    [PR_CHANGE_PHASE] = {"change-phase", 0, 0,
        "the same URN with another phase: the wrong URN",
        "a change of phase usually comes with a new URN"},
    [PR_CHANGE_REGION] = {"change-region", 0, 0,
        "the same URN in another region: the wrong URN",
        "schools do not move between regions"},
    [PR_RESULTS_COHORT] = {"results-cohort", 0, 0,
        "a results cohort larger than the whole school",
        "a year group's disadvantaged pupils are a part of the school"},
    [PR_FUNDRAISED] = {"finance-fundraised", 0, 90,
        "nearly all income marked fundraised: a grant marked so by mistake",
        "a partnership's core funding is not fundraised"},
    [PR_MONEY_RATIO] = {"finance-ratio", 0, 100,
        "reserves and expenditure in different units (pounds and thousands)",
        "reserves are kept in months of spending, not centuries or hours"},
    [PR_COST_PER_PUPIL] = {"finance-cost-per-pupil", 1, 1000,
        "a cost per pupil reached in pence or thousands (GBP snapshots only)",
        "a partnership's cost per pupil reached is pounds, not pence or thousands"},
};

/* plaus_schools finds a phase's rule as PR_PUPILS_PRIMARY + phase. */
_Static_assert(PR_PUPILS_POST_16 - PR_PUPILS_PRIMARY + 1 == N_PHASES, "one pupils rule per phase, in order");

/* Options (set from the command line and the targets file). */
static bool opt_strict;                       /* plausibility findings are errors */
static bool opt_allow[N_PLAUS_RULES];         /* rules silenced */

/* The rule with this id, or -1. */
static int plaus_lookup(const char *id)
{
    for (int i = 0; i < N_PLAUS_RULES; i++)
        if (!strcmp(plaus_rules[i].id, id))
            return i;
    return -1;
}

/* Every rule's id and NULL, for "did you mean". */
static const char *const *plaus_ids(void)
{
    static const char *ids[N_PLAUS_RULES + 1];
    for (int i = 0; i < N_PLAUS_RULES; i++)
        ids[i] = plaus_rules[i].id;
    return ids;
}

/* A figure as messages show a threshold: "3,000", "0.5". */
static const char *plaus_num(double x, char out[48])
{
    struct sb b;
    sb_init(&b);
    fmt_number(&b, x, x == floor(x) ? 0 : 1, false);
    snprintf(out, 48, "%s", b.buf);
    sb_free(&b);
    return out;
}

/* One finding of `rule` at d's path plus `key` (NULL: none): a warning, or
 * an error with --strict, ending with the rule's id so that --allow can
 * name it. Counted in d. */
PRINTF_LIKE(4, 5)
static void plaus_say(struct diag *d, int rule, const char *key, const char *fmt, ...)
{
    if (opt_allow[rule])
        return;
    char message[MAX_SHOWN_NAME + 512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    size_t old = key ? path_key(d, key) : d->len;
    if (opt_strict)
        diag_error(d, "%s [%s]", message, plaus_rules[rule].id);
    else
        diag_warn(d, "%s [%s]", message, plaus_rules[rule].id);
    path_pop(d, old);
}

/* A national percentage: a fraction typed for it when below 1 while the
 * partnership's own share (own, when available) is above 5; else, for the
 * rules that have one (range_rule >= 0), outside the published range. */
static void plaus_national(struct diag *d, const char *key, double x, const struct val *own, int range_rule)
{
    const struct plaus_def *f = &plaus_rules[PR_NAT_FRACTION];
    char a[48], b[48];
    if (own && own->st == V_OK && x < f->lo && own->x > f->hi) {
        plaus_say(d, PR_NAT_FRACTION, key,
                  "%.15g%% is below %s%% while the partnership's own share is %.1f%%; a fraction typed for a "
                  "percentage (%.15g%%)?",
                  x, plaus_num(f->lo, a), own->x, x * 100);
        return;
    }
    if (range_rule >= 0 && (x < plaus_rules[range_rule].lo || x > plaus_rules[range_rule].hi))
        plaus_say(d, range_rule, key,
                  "%.15g is far from any published national figure (outside %s to %s); a typing slip?", x,
                  plaus_num(plaus_rules[range_rule].lo, a), plaus_num(plaus_rules[range_rule].hi, b));
}

static void plaus_nationals(struct diag *d, const struct snapshot *s, const struct val *vals)
{
    char key[96];
    size_t old = path_key(d, "national");
    if (s->has_nat_fsm)
        plaus_national(d, "fsm_pct", s->nat_fsm, &vals[kpi_lookup("breadth.fsm_pct")], PR_NAT_FSM);
    if (s->has_nat_send)
        plaus_national(d, "send_pct", s->nat_send, &vals[kpi_lookup("breadth.send_pct")], PR_NAT_SEND);
    const struct val *em4 = &vals[kpi_lookup("impact.ks4_disadv_em4_pct")];
    for (int i = 0; i < s->nnat_ks4; i++) {
        const struct national_result *n = &s->nat_ks4[i];
        snprintf(key, sizeof key, "ks4[%d].disadvantaged_em4_pct", i);
        if (n->has_disadv[0])
            plaus_national(d, key, n->disadv[0], em4, PR_NAT_KS4);
        snprintf(key, sizeof key, "ks4[%d].other_em4_pct", i);
        if (n->has_other[0])
            plaus_national(d, key, n->other[0], em4, -1);
    }
    for (int i = 0; i < s->nnat_ks2; i++)
        for (int k = 0; k < N_SUBJECTS; k++) {
            const struct national_result *n = &s->nat_ks2[i];
            snprintf(key, sizeof key, "ks2[%d].disadvantaged_%s", i, ks2_subjects[k]);
            if (n->has_disadv[k])
                plaus_national(d, key, n->disadv[k], NULL, PR_NAT_KS2);
        }
    /* Report cards: the shares at strong or better, and safeguarding met.
     * A needs-attention share near 0 is plausible, so it is not judged. */
    for (int a = 0; a < N_CARD_AREAS; a++) {
        if (!s->has_nat_card[a][0])
            continue;
        char id[128];
        snprintf(key, sizeof key, "report_cards.%s.strong_or_better_pct", card_area_keys[a]);
        snprintf(id, sizeof id, "impact.report_card.%s_strong_or_better_pct", card_area_keys[a]);
        plaus_national(d, key, s->nat_card[a][0], &vals[kpi_lookup(id)], -1);
    }
    if (s->has_nat_safe)
        plaus_national(d, "report_cards.safeguarding_met_pct", s->nat_safe,
                       &vals[kpi_lookup("impact.report_card.safeguarding_met_pct")], -1);
    path_pop(d, old);
}

/* Phases whose pupils may all have SEND: special schools and alternative
 * provision (indices in phase_names). */
enum { PHASE_SPECIAL = 3, PHASE_AP = 4 };
static const char *const phase_schools[N_PHASES] = {
    "a primary school", "a secondary school", "an all-through school", "a special school",
    "an alternative provision school", "a nursery school", "a post-16 school"};

static bool send_may_be_all(const struct school *sc) { return sc->phase == PHASE_SPECIAL || sc->phase == PHASE_AP; }

/* The per-school rules, and fsm-all and send-all over the whole list. */
static void plaus_schools(struct diag *d, const struct snapshot *s)
{
    char a[48], b[48], key[64];
    int considered[2] = {0, 0}, all[2] = {0, 0}, first[2] = {-1, -1};
    const double floor_pupils = plaus_rules[PR_FSM_ALL].hi;
    /* Counted first, so that a list pasted wholesale is named once. */
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        if (sc->phase < 0 || sc->pupils <= floor_pupils)
            continue;
        considered[0]++;
        if (sc->fsm == sc->pupils && !all[0]++)
            first[0] = i;
        if (!sc->has_send || send_may_be_all(sc))
            continue;
        considered[1]++;
        if (sc->send == sc->pupils && !all[1]++)
            first[1] = i;
    }
    bool wholesale[2];
    for (int k = 0; k < 2; k++) {
        int rule = k ? PR_SEND_ALL_SCHOOLS : PR_FSM_ALL_SCHOOLS;
        /* Silenced, it leaves each school to fsm-all or send-all. */
        wholesale[k] = !opt_allow[rule] && all[k] > 1 && all[k] * plaus_rules[rule].hi > considered[k];
        if (wholesale[k])
            plaus_say(d, rule, "schools",
                      "%s equals pupils in %d of the %d schools of more than %s pupils (first schools[%d]), more "
                      "than one in %s; a column pasted twice?",
                      k ? "send_pupils" : "fsm_pupils", all[k], considered[k], plaus_num(floor_pupils, a), first[k],
                      plaus_num(plaus_rules[rule].hi, b));
    }
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        if (sc->phase < 0 || sc->pupils < 0)
            continue;  /* reported by the loader */
        size_t old = path_key(d, "schools");
        path_index(d, i);
        int big = PR_PUPILS_PRIMARY + sc->phase;
        if (sc->pupils > plaus_rules[big].hi)
            plaus_say(d, big, "pupils", "%lld is unusually many for %s (more than %s); a typing slip?", sc->pupils,
                      phase_schools[sc->phase], plaus_num(plaus_rules[big].hi, a));
        if (sc->pupils < plaus_rules[PR_PUPILS_FEW].lo)
            plaus_say(d, PR_PUPILS_FEW, "pupils", "%lld is unusually few for any school (fewer than %s); a typing slip?",
                      sc->pupils, plaus_num(plaus_rules[PR_PUPILS_FEW].lo, a));
        if (sc->pupils > floor_pupils && sc->fsm == sc->pupils && !wholesale[0])
            plaus_say(d, PR_FSM_ALL, "fsm_pupils",
                      "%lld is every pupil of a school of more than %s; a column pasted twice?",
                      sc->fsm, plaus_num(floor_pupils, a));
        if (sc->pupils > floor_pupils && sc->has_send && sc->send == sc->pupils && !send_may_be_all(sc) &&
            !wholesale[1])
            plaus_say(d, PR_SEND_ALL, "send_pupils",
                      "%lld is every pupil of a school of more than %s; a column pasted twice?",
                      sc->send, plaus_num(floor_pupils, a));
        for (int ks = 0; ks < 2; ks++)
            for (int j = 0; j < (ks ? sc->nks4 : sc->nks2); j++) {
                const struct result *r = ks ? &sc->ks4[j] : &sc->ks2[j];
                if (r->pupils <= sc->pupils)
                    continue; /* the path is written only for a finding */
                snprintf(key, sizeof key, "%s[%d].disadvantaged_pupils", ks ? "ks4" : "ks2", j);
                plaus_say(d, PR_RESULTS_COHORT, key, "%lld is more than the school's pupils (%lld); a typing slip?",
                          r->pupils, sc->pupils);
            }
        path_pop(d, old);
    }
}

/* Finance, from the computed indicators (vals). */
static void plaus_finance(struct diag *d, const struct snapshot *s, const struct val *vals)
{
    char a[48], b[48];
    const struct val *fund = &vals[kpi_lookup("finance.fundraised_pct")];
    const struct val *spent = &vals[kpi_lookup("finance.expenditure")];
    const struct val *cost = &vals[kpi_lookup("finance.cost_per_pupil")];
    size_t old = path_key(d, "finance");
    if (fund->st == V_OK && fund->x > plaus_rules[PR_FUNDRAISED].hi)
        plaus_say(d, PR_FUNDRAISED, "income",
                  "%.1f%% of income is marked fundraised (more than %s%%); an item marked fundraised by mistake?",
                  fund->x, plaus_num(plaus_rules[PR_FUNDRAISED].hi, a));
    double ratio = plaus_rules[PR_MONEY_RATIO].hi;
    if (s->has_reserves && spent->st == V_OK && s->reserves > 0 && spent->x > 0) {
        if (s->reserves > ratio * spent->x)
            plaus_say(d, PR_MONEY_RATIO, "reserves", "%.15g is more than %s times expenditure (%s); a slip in either?",
                      s->reserves, plaus_num(ratio, a), plaus_num(spent->x, b));
        else if (spent->x > ratio * s->reserves)
            plaus_say(d, PR_MONEY_RATIO, "reserves",
                      "%.15g is less than expenditure (%s) divided by %s; a slip in either?", s->reserves,
                      plaus_num(spent->x, b), plaus_num(ratio, a));
    }
    const struct plaus_def *c = &plaus_rules[PR_COST_PER_PUPIL];
    bool gbp = !s->currency || !strcmp(s->currency, "GBP");
    if (gbp && cost->st == V_OK && (cost->x < c->lo || cost->x > c->hi)) {
        char v[48];
        struct sb t;
        sb_init(&t);
        fmt_number(&t, cost->x, 2, false);
        snprintf(v, sizeof v, "%s", t.buf);
        sb_free(&t);
        plaus_say(d, PR_COST_PER_PUPIL, "expenditure",
                  "the cost per pupil reached is %s GBP (outside %s to %s); a figure in pence or thousands?", v,
                  plaus_num(c->lo, a), plaus_num(c->hi, b));
    }
    path_pop(d, old);
}

/* The one-snapshot rules on s, whose indicators are vals (NULL: computed
 * here, as for an import). Returns how many findings there were. */
static int plaus_snapshot(struct snapshot *s, const struct val *vals)
{
    if (!s)
        return 0;
    struct val own[N_KPIS];
    if (!vals) {
        struct card_dist cards;
        struct view all = {s, NULL, 0};
        for (int m = 0; m < N_MEASURES; m++)
            s->year[m] = results_year(s, m);
        compute_view(&all, own, NULL, &cards);
        vals = own;
    }
    struct diag d;
    diag_init(&d, s->file);
    plaus_nationals(&d, s, vals);
    plaus_schools(&d, s);
    plaus_finance(&d, s, vals);
    diag_finish(&d);
    return d.errors + d.warnings;
}

/* What the rules across two snapshots need of the earlier one, kept after
 * it is freed: its schools by URN, and the pupils reached. */
struct plaus_school {
    long long urn, pupils, fsm;
    int phase, region, idx;
};

struct plaus_digest {
    const char *file;
    long long as_of;
    struct val reached;
    struct plaus_school *schools;  /* sorted by URN */
    int n;
};

static int cmp_plaus_school(const void *pa, const void *pb)
{
    const struct plaus_school *a = pa, *b = pb;
    return (a->urn > b->urn) - (a->urn < b->urn);
}

static int cmp_plaus_digest(const void *pa, const void *pb)
{
    const struct plaus_digest *a = pa, *b = pb;
    return (a->as_of > b->as_of) - (a->as_of < b->as_of);
}

static struct plaus_digest plaus_digest(const struct snapshot *s, const struct val *vals)
{
    struct plaus_digest g = {s->file, s->as_of, vals[kpi_lookup("breadth.pupils")], NULL, 0};
    g.schools = xmalloc(sizeof *g.schools * (size_t)(s->nschools + 1));
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        g.schools[g.n++] = (struct plaus_school){sc->urn, sc->pupils, sc->fsm, sc->phase, sc->region, i};
    }
    qsort(g.schools, (size_t)g.n, sizeof *g.schools, cmp_plaus_school);
    return g;
}

/* The rules across the snapshot `was` and the next one, `now`. Returns how
 * many findings there were. */
static int plaus_changes(const struct plaus_digest *was, const struct plaus_digest *now)
{
    char a[48], b[48], c[48], date[16], then[MAX_SHOWN_NAME + 16];
    struct diag d;
    diag_init(&d, now->file);
    snprintf(then, sizeof then, "%s", shown(was->file)); /* shown() reuses its buffers */
    iso_date(was->as_of, date);
    if (was->reached.st == V_OK && now->reached.st == V_OK && was->reached.x > 0) {
        double change = 100 * (now->reached.x - was->reached.x) / was->reached.x;
        if (fabs(change) > plaus_rules[PR_CHANGE_REACHED].hi)
            plaus_say(&d, PR_CHANGE_REACHED, NULL,
                      "pupils reached went from %s in %s (as of %s) to %s, %s by %.1f%% (more than %s%%); a slip in "
                      "a school's pupils?",
                      plaus_num(was->reached.x, a), then, date, plaus_num(now->reached.x, b),
                      change > 0 ? "up" : "down", fabs(change), plaus_num(plaus_rules[PR_CHANGE_REACHED].hi, c));
    }
    double factor = plaus_rules[PR_CHANGE_PUPILS].hi, points = plaus_rules[PR_CHANGE_FSM].hi;
    double floor_pupils = plaus_rules[PR_FSM_ALL].hi;
    for (int i = 0; i < now->n; i++) {
        const struct plaus_school *sc = &now->schools[i];
        const struct plaus_school *old =
            was->n ? bsearch(sc, was->schools, (size_t)was->n, sizeof *sc, cmp_plaus_school) : NULL;
        if (!old || sc->urn < 0)
            continue;
        size_t at = path_append(&d, "schools");
        path_index(&d, sc->idx);
        if (old->pupils > 0 && sc->pupils > 0 &&
            (sc->pupils > factor * old->pupils || old->pupils > factor * sc->pupils))
            plaus_say(&d, PR_CHANGE_PUPILS, "pupils",
                      "%lld was %lld in %s (as of %s), a change by more than a factor of %s; a typing slip?", sc->pupils,
                      old->pupils, then, date, plaus_num(factor, a));
        /* An FSM column pasted over pupils is named by fsm-all already. */
        if (old->pupils > floor_pupils && sc->pupils > floor_pupils && old->fsm >= 0 && sc->fsm >= 0 &&
            sc->fsm != sc->pupils) {
            double was_pct = 100.0 * (double)old->fsm / (double)old->pupils;
            double now_pct = 100.0 * (double)sc->fsm / (double)sc->pupils;
            if (fabs(now_pct - was_pct) > points)
                plaus_say(&d, PR_CHANGE_FSM, "fsm_pupils",
                          "the FSM share moved from %.1f%% in %s (as of %s) to %.1f%%, more than %s points; a typing "
                          "slip?",
                          was_pct, then, date, now_pct, plaus_num(points, a));
        }
        if (old->phase >= 0 && sc->phase >= 0 && old->phase != sc->phase)
            plaus_say(&d, PR_CHANGE_PHASE, "phase",
                      "\"%s\" was \"%s\" in %s (as of %s) for the same URN; the wrong URN?",
                      phase_names[sc->phase], phase_names[old->phase], then, date);
        if (old->region >= 0 && sc->region >= 0 && old->region != sc->region)
            plaus_say(&d, PR_CHANGE_REGION, "region",
                      "\"%s\" was \"%s\" in %s (as of %s) for the same URN; the wrong URN?",
                      region_names[sc->region], region_names[old->region], then, date);
        path_pop(&d, at);
    }
    diag_finish(&d);
    return d.errors + d.warnings;
}

/* The rules across consecutive snapshots: g[0..n) in any order, sorted
 * here, and freed. Returns how many findings there were. */
static int plaus_series(struct plaus_digest *g, int n)
{
    int found = 0;
    qsort(g, (size_t)n, sizeof *g, cmp_plaus_digest);
    for (int i = 1; i < n; i++)
        if (g[i].as_of != g[i - 1].as_of)
            found += plaus_changes(&g[i - 1], &g[i]);
    for (int i = 0; i < n; i++)
        free(g[i].schools);
    return found;
}

/* The targets file's "allow": rule ids to silence, as --allow does. */
static void plaus_read_allow(struct loader *L, const cJSON *root)
{
    const cJSON *arr = get_array(L, root, "allow", OPTIONAL), *el;
    int i = 0;
    if (!arr)
        return;
    size_t old = path_key(&L->d, "allow");
    cJSON_ArrayForEach(el, arr)
    {
        size_t at = path_index(&L->d, i++);
        char q[64];
        int rule = cJSON_IsString(el) ? plaus_lookup(el->valuestring) : -1;
        const char *near = cJSON_IsString(el) ? nearest_name(el->valuestring, plaus_ids()) : NULL;
        if (rule >= 0)
            opt_allow[rule] = true;
        else if (near)
            diag_error(&L->d, "%s is not a plausibility rule (did you mean \"%s\"?)", describe(el, q), near);
        else
            diag_error(&L->d, "%s is not a plausibility rule (README lists them)", describe(el, q));
        path_pop(&L->d, at);
    }
    path_pop(&L->d, old);
}

/* The "Data checks" note of a report that had findings: one sentence, or
 * nothing when there were none. */
static void plaus_note(struct sb *b, long long found)
{
    if (found)
        sb_printf(b, "Data checks: these snapshots gave %lld plausibility warning%s (%s valid but look%s like a "
                     "slip); 'cpreport validate' with the same snapshots names %s.",
                  found, found == 1 ? "" : "s", found == 1 ? "a figure that is" : "figures that are",
                  found == 1 ? "s" : "", found == 1 ? "it" : "them");
}

/* ===================================================================== *
 *  Escaping: one function per output context                             *
 * ===================================================================== */

/* What the reports show for a bidirectional control in input text. */
#define REPLACEMENT_CHARACTER "\xEF\xBF\xBD"

/* Markdown text, safe in a table cell and in a heading: markup characters
 * are backslash-escaped, line breaks and other control characters become
 * spaces, so a name can neither end a cell nor start a block. Nothing in it
 * becomes a link on GitHub (GFM's extended autolinks): "www." and "://"
 * are broken by escaping their '.' and ':', which cmark-gfm matches while
 * parsing; an e-mail address is found later, in the merged text, so an '@'
 * after a character an address can hold gets an empty HTML comment before
 * it, which splits the text and shows nothing. */
static void md_escape(struct sb *b, const char *s)
{
    for (const char *start = s; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (bidi_control(s)) {
            sb_add(b, REPLACEMENT_CHARACTER);
            s += 2;
        } else if (!strncmp(s, "www.", 4)) {
            sb_add(b, "www\\.");
            s += 3;
        } else if (!strncmp(s, "://", 3)) {
            sb_add(b, "\\:");
        } else if (c == '@' && s > start && (isalnum((unsigned char)s[-1]) || strchr(".+-_", s[-1]))) {
            sb_add(b, "<!---->@");
        } else if (c < 0x20 || c == 0x7F)
            sb_addc(b, ' ');
        else if (strchr("\\`*_[]<>|~&#!", c))
            sb_printf(b, "\\%c", c);
        else
            sb_addc(b, (char)c);
    }
}

/* Markdown text that starts a line: as md_escape, and what would open a
 * block there (indentation, a list marker, a setext underline) is made
 * plain. */
static void md_escape_block(struct sb *b, const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t digits = strspn(s, "0123456789");
    if (strchr("-+=", *s) && *s)
        sb_addc(b, '\\');
    else if (digits && digits <= 9 && (s[digits] == '.' || s[digits] == ')')) {
        sb_addn(b, s, digits);
        sb_addc(b, '\\');
        s += digits;
    }
    md_escape(b, s);
}

/* HTML text and attribute values (always double-quoted). */
static void html_escape(struct sb *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (bidi_control(s)) {
            sb_add(b, REPLACEMENT_CHARACTER);
            s += 2;
            continue;
        }
        switch (c) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        case '\'': sb_add(b, "&#39;"); break;
        default: sb_addc(b, c < 0x20 || c == 0x7F ? ' ' : (char)c);
        }
    }
}

/* A relative file path as a URL path: every byte but the unreserved ones
 * (RFC 3986: letters, digits, "-._~") and '/' is percent-encoded, so a
 * folder named "a b&(c<d" or "x:y" or "#1" stays a path, never a scheme,
 * query or fragment, and nothing in it is markup. */
static void url_path(struct sb *b, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p < 0x80 && isalnum(*p)) || strchr("-._~/", *p))
            sb_addc(b, (char)*p);
        else
            sb_printf(b, "%%%02X", *p);
    }
}

/* A relative path (from the command line) as an HTML attribute value,
 * always double-quoted: a URL path, then html_escape. */
static void html_href(struct sb *b, const char *path)
{
    struct sb u;
    sb_init(&u);
    url_path(&u, path);
    html_escape(b, u.buf);
    sb_free(&u);
}

/* A relative path (from the command line) as a Markdown link destination:
 * a URL path, which holds no space, parenthesis, angle bracket or
 * backslash, so it can neither end the destination nor open markup. */
static void md_link_dest(struct sb *b, const char *path)
{
    url_path(b, path);
}

/* A CSS string, quotes included, for input text in a style sheet (the
 * printed page's footer): whatever could end the string, the rule or the
 * <style> element becomes a hexadecimal escape, control characters become
 * spaces; other UTF-8 passes as it is. */
static void css_string(struct sb *b, const char *s)
{
    sb_addc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (bidi_control(s)) {
            sb_add(b, "\\FFFD ");
            s += 2;
        } else if (c < 0x20 || c == 0x7F) {
            sb_addc(b, ' ');
        } else if (strchr("\"\\'<>&", c)) {
            sb_printf(b, "\\%X ", c);
        } else {
            sb_addc(b, (char)c);
        }
    }
    sb_addc(b, '"');
}

/* The bytes a JSON string cannot hold as they are, 1 each: control
 * characters (NUL, which ends the C string, among them), '"', '\\' and
 * DEL. One look-up a byte finds the runs of plain bytes json_string copies
 * whole, where four comparisons a byte cost 4% of a national JSON report. */
static const unsigned char json_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70: DEL */
    /* 0x80 to 0xFF, UTF-8 beyond ASCII, pass as they are: zeros */
};

/* A JSON string, quotes included. */
static void json_string(struct sb *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sb_addc(b, '"');
    for (;;) {
        /* Runs of bytes that need no escape are copied whole: a national
         * JSON report holds millions of them. */
        size_t run = 0;
        while (!json_special[(unsigned char)s[run]])
            run++;
        sb_addn(b, s, run);
        s += run;
        unsigned char c = (unsigned char)*s++;
        if (!c)
            break;
        char esc[6] = {'\\', (char)c};
        size_t n = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c != '"' && c != '\\') { /* u00 and two hex digits */
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        sb_addn(b, esc, n);
    }
    sb_addc(b, '"');
}

/* json_number's digits, exactly, without printf or strtod.
 *
 * A double x > 0 is m * 2^-k exactly, m < 2^53 whole (its 52 stored bits
 * and the implicit one). Its decimal of p significant digits is D * 10^-s,
 * with X its exponent (10^X <= x < 10^(X+1)) and s = p - 1 - X, where D is
 * x * 10^s = m * 5^s / 2^(k-s) rounded: the whole number m * 5^s shifted
 * right by k - s bits, plus one when the bits shifted out, R, pass half of
 * 2^(k-s), or are exactly half and D is odd (printf rounds an exact tie to
 * even).
 *
 * That decimal reads back as x when strtod rounds it to x: when it lies
 * within half an ulp of x, 2^-(k+1). Scaled by 10^s * 2^(k-s), the distance
 * between D and x * 10^s is R when rounded down, 2^(k-s) - R when rounded
 * up, and half an ulp is 5^s / 2; below x it is 5^s / 4 when m = 2^52, the
 * bottom of a binade, where the double below is nearer. On the boundary
 * itself strtod rounds to the even mantissa, so it is x's when m is even
 * (never seen here: 5^s is odd, the scaled distance doubled even).
 *
 * For 1e-5 <= x < 1e15, s <= 21 and 1 <= k - s <= 50: m * 5^s < 2^102
 * takes two 64-bit halves, D and R one each. */

/* A whole number below 2^128, in two halves. */
struct u128 {
    uint64_t hi, lo;
};

/* a * b exactly, from four 32-bit products: no compiler's 128-bit type. */
static struct u128 mul_64x64(uint64_t a, uint64_t b)
{
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    struct u128 r = {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xFFFFFFFFu)};
    return r;
}

static const uint64_t pow5_u64[22] = {
    UINT64_C(1), UINT64_C(5), UINT64_C(25), UINT64_C(125), UINT64_C(625), UINT64_C(3125), UINT64_C(15625),
    UINT64_C(78125), UINT64_C(390625), UINT64_C(1953125), UINT64_C(9765625), UINT64_C(48828125),
    UINT64_C(244140625), UINT64_C(1220703125), UINT64_C(6103515625), UINT64_C(30517578125),
    UINT64_C(152587890625), UINT64_C(762939453125), UINT64_C(3814697265625), UINT64_C(19073486328125),
    UINT64_C(95367431640625), UINT64_C(476837158203125)};

static const uint64_t pow10_u64[18] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000), UINT64_C(100000),
    UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
    UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000), UINT64_C(10000000000000),
    UINT64_C(100000000000000), UINT64_C(1000000000000000), UINT64_C(10000000000000000),
    UINT64_C(100000000000000000)};

/* A decimal of p significant digits: digits * 10^(exp - p + 1), with
 * 10^(p-1) <= digits < 10^p. */
struct decimal {
    uint64_t digits;
    int exp;
};

/* x = m * 2^-k (m as above) to p significant digits, 15 to 17, rounded as
 * printf rounds; X is x's exponent or one off. Returns 1 if the decimal
 * reads back as x, 0 if not, -1 if x is beyond what this handles. */
static int decimal_round(uint64_t m, int k, int p, int X, struct decimal *d)
{
    struct u128 n;
    uint64_t D;
    int s, shift;
    for (int tries = 0;; tries++) {
        s = p - 1 - X;
        shift = k - s;
        if (tries == 3 || s < 0 || s > 21 || shift < 1 || shift > 63)
            return -1;
        n = mul_64x64(m, pow5_u64[s]);
        D = n.hi >> shift ? UINT64_MAX : n.hi << (64 - shift) | n.lo >> shift;
        if (D >= pow10_u64[p])
            X++;
        else if (D < pow10_u64[p - 1])
            X--;
        else
            break;
    }
    uint64_t R = n.lo & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
    bool up = R > half || (R == half && D % 2);
    uint64_t dist = up ? (UINT64_C(1) << shift) - R : R;
    D += up;
    if (D == pow10_u64[p]) { /* 99...9.5 became 100...0 */
        D = pow10_u64[p - 1];
        X++;
    }
    d->digits = D;
    d->exp = X;
    if (dist >= UINT64_C(1) << 60) /* far beyond 5^21 */
        return 0;
    uint64_t scaled = dist * (!up && m == UINT64_C(1) << 52 ? 4 : 2);
    return scaled < pow5_u64[s] || (scaled == pow5_u64[s] && m % 2 == 0);
}

/* d (of p digits) as "%.{p}g" writes it: trailing zeros dropped, with an
 * exponent when it is below -4 or not below p (at most two digits here). */
static void put_decimal(struct sb *b, bool negative, struct decimal d, int p)
{
    char digits[17], out[40], *o = out;
    for (int i = p - 1; i >= 0; i--, d.digits /= 10)
        digits[i] = (char)('0' + d.digits % 10);
    int n = p, X = d.exp;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    if (negative)
        *o++ = '-';
    if (X < -4 || X >= p) {
        *o++ = digits[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)(n - 1));
            o += n - 1;
        }
        *o++ = 'e';
        *o++ = X < 0 ? '-' : '+';
        *o++ = (char)('0' + abs(X) / 10);
        *o++ = (char)('0' + abs(X) % 10);
    } else if (X >= 0) {
        memcpy(o, digits, (size_t)X + 1);
        o += X + 1;
        if (n > X + 1) {
            *o++ = '.';
            memcpy(o, digits + X + 1, (size_t)(n - X - 1));
            o += n - X - 1;
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > X; i--)
            *o++ = '0';
        memcpy(o, digits, (size_t)n);
        o += n;
    }
    sb_addn(b, out, (size_t)(o - out));
}

/* What json_number writes for a finite x with 1e-5 <= |x| < 1e15: the
 * first of "%.15g", "%.16g", "%.17g" that reads back, from the exact
 * digits. Returns false if x is beyond decimal_round. */
static bool json_number_exact(struct sb *b, double x)
{
    static const double tens[] = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4,
                                  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14};
    double ax = fabs(x);
    uint64_t bits;
    memcpy(&bits, &ax, sizeof bits);
    uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | UINT64_C(1) << 52;
    int k = 1075 - (int)(bits >> 52);
    /* The exponent, from the nearest doubles to powers of ten: one off at
     * worst, which decimal_round corrects. */
    int X = 0;
    while (X < 14 && ax >= tens[X + 6])
        X++;
    while (X > -5 && ax < tens[X + 5])
        X--;
    struct decimal d;
    for (int p = 15; p <= 17; p++) {
        int back = decimal_round(m, k, p, X, &d);
        if (back < 0)
            return false;
        if (back || p == 17) {
            put_decimal(b, x < 0, d, p);
            return true;
        }
    }
    return false; /* not reached */
}

/* The shortest decimal that reads back as the same double: the first of
 * "%.15g", "%.16g" and "%.17g" that does. */
static void json_number(struct sb *b, double x)
{
    char tmp[40];
    if (!isfinite(x)) {  /* JSON has no infinity; value() keeps them out */
        sb_add(b, "null");
        return;
    }
    /* A whole number below 1e15 is what "%.15g" writes: its digits. Most
     * figures are counts, so this spares even the exact digits. */
    if (x == floor(x) && fabs(x) < 1e15) {
        long long n = (long long)fabs(x);
        char *p = tmp + sizeof tmp;
        *--p = 0;
        do
            *--p = (char)('0' + n % 10);
        while (n /= 10);
        if (x < 0)
            *--p = '-';
        sb_add(b, p);
        return;
    }
    /* Shares and changes, without printf and strtod, which cost a tenth
     * of a national JSON report. */
    if (fabs(x) >= 1e-5 && fabs(x) < 1e15 && json_number_exact(b, x))
        return;
    /* "%.17g" always reads back: no strtod for it. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (prec == 17 || strtod(tmp, NULL) == x)
            break;
    }
    sb_add(b, !strcmp(tmp, "-0") ? "0" : tmp);
}

/* ===================================================================== *
 *  The model: everything the outputs show, computed once                *
 * ===================================================================== */

/* One output: planned (see plan_outputs), rendered into text, then
 * written (see write_outputs). */
struct output {
    int fmt;
    const char *path;            /* as given; NULL: standard output */
    const char *what;            /* what asked for it, for messages: "-o" */
    struct sb text;
    /* Renders text just before it is written, when not NULL, so that only
     * one output's text is held at a time; ctx and item are its own. */
    void (*render)(struct sb *b, const struct output *o);
    const void *ctx;
    int item;
    bool append;                 /* GITHUB_STEP_SUMMARY: appended to, not replaced */
    /* Set by plan_outputs: */
    bool planned, exists, direct; /* direct: a device or pipe, written in place */
    int err;                     /* errno of a folder it cannot be written in */
    char *file;                  /* the file written: path, or where its links lead */
    char *key;                   /* a new file's absolute name; NULL: dev and ino */
    unsigned long long dev, ino;
    char *tmp;                   /* the temporary file, until renamed */
    char *owned_path;            /* path, when the program made it */
    char *owned_what;            /* what, when the program made it */
};

/* An output of format fmt to path, its text empty. */
static struct output output_to(int fmt, const char *path)
{
    struct output o;
    memset(&o, 0, sizeof o);
    o.fmt = fmt;
    o.path = path;
    o.what = "an output";
    sb_init(&o.text);
    return o;
}

/* The model: everything the outputs show, built once from the loaded
 * snapshots by build_model. Every renderer below (Markdown, HTML, JSON,
 * group reports, email, check) reads this and nothing else: none sees a
 * struct snapshot or calls a compute function, so a figure shown in two
 * outputs is computed in one place. New report content is a field here,
 * filled in build_model, and a few lines in each renderer. */

/* A share of fewer than this many (schools, pupils) shows its count
 * beside it, "25.0% (1 of 4)", and is left out of "what moved most": a
 * few of them move it by many points. */
#define SMALL_GROUP 20

/* At most this many figures in "what moved most". */
#define MOVES_SHOWN 5

/* One indicator of the latest snapshot, as every output shows it. */
struct indicator_row {
    struct val value, previous, national; /* previous: not available with one snapshot */
    bool has_previous;           /* there is an earlier snapshot */
    bool comparable;             /* previous is in the same currency as value */
    bool has_change;             /* both available and comparable */
    double change;               /* value - previous, when has_change */
    const struct judgement *judged; /* its target judged, or NULL when it has none */
};

/* A survey of the latest snapshot: its share agreeing now and before. */
struct survey_row {
    char *id;                    /* as the JSON output names it: "impact.survey.ID_pct" */
    const char *question;
    long long respondents, agreed;
    struct val *series;          /* the share agreeing in each period, oldest first */
    struct val share, previous;
    bool has_change;
    double change;
};

/* A line of the income or expenditure table. */
struct money_row {
    const char *name;
    double amount;
    struct val share;            /* of the table's total */
    bool fundraised;
};

struct money_table {
    struct money_row *rows;      /* NULL when the snapshot gives no such list */
    int n;
};

/* A programme's take-up among active schools and active trusts. */
struct programme_row {
    const char *name;
    int audience;                /* index in audience_names, -1 when not said */
    long long schools, trusts;
    struct val school_share, trust_share;
};

/* The level of engagement; shown only when the snapshot has programme
 * data (else it is not available, not "none"). */
struct engagement {
    bool shown;
    long long by_count[4];            /* active schools on 0, 1, 2, 3 or more programmes */
    struct val by_count_share[4];
    struct programme_row *progs;
    int nprogs;
};

/* One school of the latest snapshot, as the group reports list it. */
struct school_row {
    long long urn;
    const char *name;
    int phase;
    bool active;
    long long pupils, programmes;
    struct val fsm_share;
};

struct report {
    struct period *periods;      /* sorted by as_of; the latest is last */
    int nperiods;
    struct target *targets;
    int ntargets;
    struct arena targets_strings; /* owns the strings of a targets file (load_targets) */

    /* Built by build_model from the latest snapshot: */
    long long as_of;
    const char *label;           /* NULL when not given */
    const char *organisation;    /* whom the report is about; NULL when not given */
    struct judgement *judged;    /* one per target, in the targets' order */
    struct indicator_row rows[N_KPIS];
    struct survey_row *surveys;
    int nsurveys;
    struct engagement engagement;
    const char *finance_period;  /* NULL when not given */
    int finance_basis;           /* enum basis; BASIS_NONE when not given */
    struct money_table income, expenditure;
    int results_year[N_MEASURES]; /* -1 when none */
    struct val pupils_change_pct; /* pupils reached against the previous snapshot */
    int moves[MOVES_SHOWN];      /* "what moved most": indicators, biggest move first */
    int nmoves;
    bool has_cards;              /* some school gives a report card */
    bool dim_shown[N_DIMS];      /* whether the reports show the breakdown by each */
    struct breakdown dims[N_DIMS];
    long long plaus_found;       /* plausibility findings in the inputs (see plaus_note) */
    struct school_row *schools;  /* indexed as the breakdowns' idx */
    int nschools;
    struct arena strings;        /* owns every name above: the latest snapshot's */
    /* Who joined and who left since the previous snapshot ([0][*] schools,
     * [1][*] trusts; [*][0] joined, as indices into the latest period's
     * list; [*][1] left, into the previous one's); NULL with one snapshot. */
    int *changes[2][2];
    int nchanges[2][2];
};

static const struct period *latest_period(const struct report *r) { return &r->periods[r->nperiods - 1]; }

static const char *currency_of(const struct report *r)
{
    return latest_period(r)->currency;
}

/* Whether the reports show the breakdown by dim: by hub only when the
 * snapshot lists hubs, as breadth.hubs is otherwise not available (a lone
 * "No hub" row would only repeat the partnership). */
static bool dim_reported(const struct report *r, int dim)
{
    return r->dim_shown[dim];
}

/* The status of a figure without a target. */
static const struct eval no_target = {ST_NO_TARGET, false, false, false, 0, 0};

/* An indicator's status as the reports show it: its target's judgement on
 * the headline bound, or "no target". */
static const struct eval *row_eval(const struct indicator_row *row)
{
    return row->judged ? headline_eval(row->judged) : &no_target;
}

/* An indicator's target, or NULL. */
static const struct target *row_target(const struct indicator_row *row)
{
    return row->judged ? row->judged->t : NULL;
}

/* v - prev into *change, when both are available and comparable. */
static bool change_of(const struct val *v, const struct val *prev, bool comparable, double *change)
{
    if (v->st != V_OK || prev->st != V_OK || !comparable)
        return false;
    *change = v->x - prev->x;
    return true;
}

static void build_indicators(struct report *r)
{
    const struct period *now = latest_period(r), *before = r->nperiods > 1 ? &r->periods[r->nperiods - 2] : NULL;
    r->judged = xcalloc((size_t)r->ntargets + 1, sizeof *r->judged);
    for (int i = 0; i < r->ntargets; i++) {
        r->judged[i] = judge(&r->targets[i], r->periods, r->nperiods);
        r->rows[r->targets[i].kpi].judged = &r->judged[i];
    }
    for (int k = 0; k < N_KPIS; k++) {
        struct indicator_row *row = &r->rows[k];
        row->value = now->vals[k];
        row->national = now->national[k];
        row->previous = before ? before->vals[k] : na();
        row->has_previous = before != NULL;
        row->comparable = !before || comparable(r->periods, r->nperiods, r->nperiods - 2, k);
        row->has_change = before && change_of(&row->value, &row->previous, row->comparable, &row->change);
    }
    const struct indicator_row *pupils = &r->rows[KPI_BREADTH_PUPILS];
    r->pupils_change_pct = pupils->previous.st == V_OK && pupils->previous.x > 0 && pupils->value.st == V_OK
                               ? value(100 * (pupils->value.x - pupils->previous.x) / pupils->previous.x)
                               : na();
}

static void build_surveys(struct report *r, const struct snapshot *s)
{
    r->surveys = xcalloc((size_t)s->nsurveys + 1, sizeof *r->surveys);
    r->nsurveys = s->nsurveys;
    for (int i = 0; i < s->nsurveys; i++) {
        const struct survey *sv = &s->surveys[i];
        struct survey_row *row = &r->surveys[i];
        struct sb id;
        sb_init(&id);
        sb_printf(&id, "impact.survey.%s_pct", sv->id);
        row->id = id.buf;
        row->question = sv->question;
        row->respondents = sv->respondents;
        row->agreed = sv->agreed;
        row->series = xcalloc((size_t)r->nperiods, sizeof *row->series);
        for (int p = 0; p < r->nperiods; p++)
            row->series[p] = survey_val(&r->periods[p], sv->id);
        row->share = row->series[r->nperiods - 1];
        row->previous = r->nperiods > 1 ? row->series[r->nperiods - 2] : na();
        row->has_change = change_of(&row->share, &row->previous, true, &row->change);
    }
}

static struct money_table build_money(const struct money_line *lines, int n)
{
    struct money_table t = {NULL, 0};
    if (!lines)
        return t;
    double total = money_total(lines, n, false).x;
    t.rows = xcalloc((size_t)n + 1, sizeof *t.rows);
    t.n = n;
    for (int i = 0; i < n; i++)
        t.rows[i] = (struct money_row){lines[i].name, lines[i].amount, share_of(lines[i].amount, total),
                                       lines[i].fundraised};
    return t;
}

static void build_engagement(struct engagement *e, const struct snapshot *s)
{
    long long active = 0, active_trusts = 0;
    e->shown = has_programmes(s);
    e->progs = xcalloc((size_t)s->nprogs + 1, sizeof *e->progs);
    e->nprogs = s->nprogs;
    for (int p = 0; p < s->nprogs; p++)
        e->progs[p] = (struct programme_row){s->progs[p].name ? s->progs[p].name : s->progs[p].id,
                                             s->progs[p].audience, 0, 0, na(), na()};
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        if (!school_active(sc))
            continue;
        active++;
        e->by_count[sc->nprogs < 3 ? sc->nprogs : 3]++;
        for (int j = 0; j < sc->nprogs; j++)
            e->progs[sc->progs[j]].schools++;
    }
    for (int i = 0; i < s->ntrusts; i++) {
        if (!trust_active(&s->trusts[i]))
            continue;
        active_trusts++;
        for (int j = 0; j < s->trusts[i].nprogs; j++)
            e->progs[s->trusts[i].progs[j]].trusts++;
    }
    for (int c = 0; c < 4; c++)
        e->by_count_share[c] = pct(e->by_count[c], active);
    for (int p = 0; p < s->nprogs; p++) {
        e->progs[p].school_share = pct(e->progs[p].schools, active);
        e->progs[p].trust_share = pct(e->progs[p].trusts, active_trusts);
    }
}

/* The indicators that moved most between the previous snapshot and the
 * latest, by their change as shown relative to the previous figure as
 * shown, biggest first, into out[]; how many (at most MOVES_SHOWN).
 * Differences (pp, points) are left out: relative to a figure near zero,
 * they would always lead. */
static int top_moves(const struct report *r, int out[MOVES_SHOWN])
{
    double score[MOVES_SHOWN];
    int n = 0;
    for (int k = 0; k < N_KPIS && r->nperiods > 1; k++) {
        const struct indicator_row *row = &r->rows[k];
        const struct val *v = &row->value, *prev = &row->previous;
        int unit = kpis[k].unit;
        if ((kpis[k].flags & K_CARD) || unit == U_PP || unit == U_POINTS || !row->has_change ||
            (v->den > 0 && v->den < SMALL_GROUP) || (prev->den > 0 && prev->den < SMALL_GROUP))
            continue;
        double was = as_shown(prev->x, unit), change = shown_change(v->x, prev->x, unit);
        if (was == 0 || change == 0)
            continue;
        double sc = fabs(change / was);
        int at = n < MOVES_SHOWN ? n++ : MOVES_SHOWN;
        while (at > 0 && score[at - 1] < sc) {
            if (at < MOVES_SHOWN) {
                score[at] = score[at - 1];
                out[at] = out[at - 1];
            }
            at--;
        }
        if (at < MOVES_SHOWN) {
            score[at] = sc;
            out[at] = k;
        }
    }
    return n;
}

/* Who joined and who left since the previous snapshot: the active
 * schools and trusts of the latest period not in the previous one, and
 * the reverse (see struct report's changes). */
static void build_changes(struct report *r)
{
    for (int trusts = 0; trusts < 2 && r->nperiods > 1; trusts++) {
        const struct period *now = latest_period(r), *was = &r->periods[r->nperiods - 2];
        for (int left = 0; left < 2; left++) {
            const struct period *a = left ? was : now, *b = left ? now : was;
            r->changes[trusts][left] = trusts ? members_not_in(a->trusts, a->ntrusts, b->trusts, b->ntrusts,
                                                               &r->nchanges[trusts][left])
                                              : members_not_in(a->schools, a->nschools, b->schools, b->nschools,
                                                               &r->nchanges[trusts][left]);
        }
    }
}

/* Whose changes a list shows: the whole partnership (dim -1), or the
 * schools of one group (its dimension and id, "none" for no hub or
 * trust), as it was when they joined or left. */
struct member_filter {
    int dim;
    const char *id;
};

static const struct member_filter whole_partnership = {-1, NULL};

static bool member_in(const struct member_line *m, bool trusts, const struct member_filter *f)
{
    const char *own = NULL;
    if (f->dim < 0)
        return true;
    if (trusts)
        return false;            /* a group's page lists its schools */
    switch (f->dim) {
    case D_REGION: return !strcmp(region_names[m->region], f->id);
    case D_PHASE: return !strcmp(phase_names[m->phase], f->id);
    case D_HUB: own = m->hub_id; break;
    default: own = m->trust_id; break;
    }
    return own ? !strcmp(own, f->id) : !strcmp(f->id, "none");
}

/* The schools or trusts that joined (the latest snapshot's not in the
 * previous one) or left (the reverse), of those f keeps, as indices into
 * `from`'s list, in a new array the caller frees; *n is how many. */
static int *member_changes(const struct report *r, bool trusts, bool left, const struct member_filter *f, int *n)
{
    const struct period *from = left ? &r->periods[r->nperiods - 2] : latest_period(r);
    const struct member_line *a = trusts ? from->trusts : from->schools;
    int all = r->nchanges[trusts][left], *idx = xcalloc((size_t)all + 1, sizeof *idx);
    *n = 0;
    for (int i = 0; i < all; i++)
        if (member_in(&a[r->changes[trusts][left][i]], trusts, f))
            idx[(*n)++] = r->changes[trusts][left][i];
    return idx;
}

/* Builds everything but the periods (load_all's) from the latest
 * snapshot s, and takes s: its strings move into r->strings and the rest
 * is freed. */
static void build_model(struct report *r, struct snapshot *s)
{
    r->as_of = s->as_of;
    r->label = s->label;
    r->organisation = s->organisation;
    build_indicators(r);
    r->nmoves = top_moves(r, r->moves);
    build_changes(r);
    build_surveys(r, s);
    build_engagement(&r->engagement, s);
    r->finance_period = s->period;
    r->finance_basis = s->finance_basis;
    r->income = build_money(s->income, s->nincome);
    r->expenditure = build_money(s->expenditure, s->nexpenditure);
    for (int m = 0; m < N_MEASURES; m++)
        r->results_year[m] = s->year[m];
    r->has_cards = s->has_cards;
    for (int d = 0; d < N_DIMS; d++) {
        r->dim_shown[d] = d != D_HUB || s->has_hubs;
        r->dims[d] = compute_breakdown(s, d);
    }
    r->schools = xcalloc((size_t)s->nschools + 1, sizeof *r->schools);
    r->nschools = s->nschools;
    for (int i = 0; i < s->nschools; i++) {
        const struct school *sc = &s->schools[i];
        r->schools[i] = (struct school_row){sc->urn, sc->name, sc->phase, school_active(sc), sc->pupils,
                                            sc->nprogs, pct(sc->fsm, sc->pupils)};
    }
    snapshot_free_keeping_strings(s, &r->strings);
}

static void model_free(struct report *r)
{
    for (int d = 0; d < N_DIMS; d++)
        breakdown_free(&r->dims[d]);
    for (int i = 0; i < r->nsurveys; i++) {
        free(r->surveys[i].id);
        free(r->surveys[i].series);
    }
    free(r->surveys);
    free(r->engagement.progs);
    free(r->income.rows);
    free(r->expenditure.rows);
    free(r->schools);
    free(r->judged);
    for (int i = 0; i < 4; i++)
        free(r->changes[i / 2][i % 2]);
    arena_free(&r->strings);
}

/* ===================================================================== *
 *  Markdown and HTML: one layout, two backends                           *
 * ===================================================================== */

/* The report is laid out once, as headings, paragraphs and tables of
 * plain text; the backend escapes every piece of text for its format. */
enum format { F_MD, F_HTML, F_JSON };
static const char *const format_names[] = {"md", "html", "json", NULL};

struct doc {
    int fmt;
    struct sb *b;
    int ncols;
    const char *align;           /* one of 'l' or 'r' per column */
    bool inline_styles;          /* HTML for email: styles on the tags */
};

/* A cell: its text, and for status cells the status (for HTML styling). */
struct cell {
    const char *text;
    int status;                  /* -1 when not a status */
    bool strong;
    const char *href;            /* a link (a name we made, never input), or NULL */
};

/* Words a number is never parted from by a line break ("4.6 pp",
 * "14 schools", "31 Dec 2024"), and month names never parted from the
 * year after them. */
static const char *const unit_words[] = {"pp",      "points", "years",  "year",   "months", "month",
                                         "schools", "school", "pupils", "pupil",  "trusts", "hubs",
                                         "graded",  NULL};

/* Whether s starts with word, followed by no letter. */
static bool starts_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    return !strncmp(s, word, n) && !isalpha((unsigned char)s[n]);
}

/* Whether the space at s[i] should not break a line: between a figure and
 * its unit or month, or between a month and its year. */
static bool binding_space(const char *s, size_t i)
{
    if (i == 0 || !s[i + 1])
        return false;
    unsigned char before = (unsigned char)s[i - 1];
    if (isdigit(before) || before == '%') {
        for (int w = 0; unit_words[w]; w++)
            if (starts_word(s + i + 1, unit_words[w]))
                return true;
        for (int m = 0; m < 12; m++)
            if (!strncmp(s + i + 1, month_names[m], 3))
                return true;
        /* another currency's code: "1,234 EUR" */
        return isupper((unsigned char)s[i + 1]) && isupper((unsigned char)s[i + 2]) &&
               isupper((unsigned char)s[i + 3]) && !isalpha((unsigned char)s[i + 4]);
    }
    if (!isdigit((unsigned char)s[i + 1]))
        return false;
    size_t start = i;
    while (start > 0 && isalpha((unsigned char)s[start - 1]))
        start--;
    for (int m = 0; m < 12 && i - start >= 3; m++)
        if (!strncmp(s + start, month_names[m], i - start))
            return true;
    return false;
}

/* HTML text where a figure, its sign and its unit never wrap apart: the
 * binding spaces become no-break spaces. */
static void html_text(struct sb *b, const char *text)
{
    char *t = xstrdup(text), *seg = t;
    for (size_t i = 0; text[i]; i++) {
        if (text[i] != ' ' || !binding_space(text, i))
            continue;
        t[i] = 0;
        html_escape(b, seg);
        sb_add(b, "&#160;");
        seg = t + i + 1;
    }
    html_escape(b, seg);
    free(t);
}

static void doc_text(struct doc *d, const char *text)
{
    if (d->fmt == F_HTML)
        html_text(d->b, text);
    else
        md_escape(d->b, text);
}

/* An anchor name for a heading of the program's own: its letters and
 * digits in lower case, anything else a hyphen ("financial-and-internal"). */
static void heading_id(struct sb *b, const char *text)
{
    for (; *text; text++)
        sb_addc(b, isalnum((unsigned char)*text) ? (char)tolower((unsigned char)*text) : '-');
}

static void doc_heading(struct doc *d, int level, const char *text)
{
    if (d->fmt == F_HTML && level == 2 && !d->inline_styles) {
        sb_add(d->b, "<h2 id=\"");
        heading_id(d->b, text);
        sb_add(d->b, "\">");
        doc_text(d, text);
        sb_add(d->b, "</h2>\n");
    } else if (d->fmt == F_HTML) {
        sb_printf(d->b, "<h%d>", level);
        doc_text(d, text);
        sb_printf(d->b, "</h%d>\n", level);
    } else {
        sb_printf(d->b, "%.*s ", level, "######");
        doc_text(d, text);
        sb_add(d->b, "\n\n");
    }
}

static void doc_para(struct doc *d, const char *text)
{
    if (d->fmt == F_HTML) {
        sb_add(d->b, "<p>");
        doc_text(d, text);
        sb_add(d->b, "</p>\n");
    } else {
        md_escape_block(d->b, text);
        sb_add(d->b, "\n\n");
    }
}

/* Attributes of a table cell: a class on a page; inline styles in an
 * email, whose clients drop style sheets. */
static void cell_attrs(struct doc *d, char align, bool head)
{
    if (d->inline_styles)
        sb_printf(d->b, " style=\"padding:4px 8px;border-bottom:%s;text-align:%s;vertical-align:top\"",
                  head ? "2px solid #555" : "1px solid #ccc", align == 'r' ? "right" : "left");
    else if (align == 'r')
        sb_add(d->b, " class=\"num\"");
}

static void doc_table_begin(struct doc *d, const char *caption, const char *const *headers,
                            const char *align)
{
    d->align = align;
    d->ncols = (int)strlen(align);
    if (d->fmt == F_HTML) {
        /* On a page, a table wider than the screen scrolls in its own box. */
        sb_add(d->b, d->inline_styles ? "<table style=\"border-collapse:collapse;margin:8px 0 16px\">\n"
                                      : "<div class=\"tw\" tabindex=\"0\">\n<table>\n");
        if (caption) {
            sb_add(d->b, "<caption>");
            doc_text(d, caption);
            sb_add(d->b, "</caption>\n");
        }
        sb_add(d->b, "<thead><tr>");
        for (int i = 0; i < d->ncols; i++) {
            sb_add(d->b, "<th scope=\"col\"");
            cell_attrs(d, align[i], true);
            sb_addc(d->b, '>');
            doc_text(d, headers[i]);
            sb_add(d->b, "</th>");
        }
        sb_add(d->b, "</tr></thead>\n<tbody>\n");
        return;
    }
    if (caption)
        doc_para(d, caption);
    sb_add(d->b, "|");
    for (int i = 0; i < d->ncols; i++) {
        sb_addc(d->b, ' ');
        doc_text(d, headers[i]);
        sb_add(d->b, " |");
    }
    sb_add(d->b, "\n|");
    for (int i = 0; i < d->ncols; i++)
        sb_add(d->b, align[i] == 'r' ? " ---: |" : " --- |");
    sb_addc(d->b, '\n');
}

/* CSS class of a status, for the chips. */
static const char *const status_classes[] = {"none", "met", "on-track", "at-risk",
                                             "off-track", "na", "na"};
/* The shapes that tell statuses apart without colour, as the page's
 * style sheet draws them. */
static const char *const status_symbols[] = {"", "\xE2\x9C\x94 ", "\xE2\x86\x97 ", "\xE2\x9A\xA0 ",
                                             "\xE2\x9C\x96 ", "", ""};

static void doc_row(struct doc *d, const struct cell *cells)
{
    if (d->fmt == F_HTML) {
        sb_add(d->b, "<tr>");
        for (int i = 0; i < d->ncols; i++) {
            const struct cell *c = &cells[i];
            const char *tag = i == 0 ? "th" : "td";
            sb_printf(d->b, "<%s%s", tag, i == 0 ? " scope=\"row\"" : "");
            cell_attrs(d, d->align[i], false);
            sb_addc(d->b, '>');
            if (c->status >= 0 && d->inline_styles)
                sb_printf(d->b, "<span style=\"white-space:nowrap\">%s", status_symbols[c->status]);
            else if (c->status >= 0)
                sb_printf(d->b, "<span class=\"chip %s\">", status_classes[c->status]);
            if (c->strong)
                sb_add(d->b, "<strong>");
            if (c->href) {
                sb_add(d->b, "<a href=\"");
                html_escape(d->b, c->href);
                sb_add(d->b, "\">");
            }
            doc_text(d, c->text ? c->text : "");
            if (c->href)
                sb_add(d->b, "</a>");
            if (c->strong)
                sb_add(d->b, "</strong>");
            if (c->status >= 0)
                sb_add(d->b, "</span>");
            sb_printf(d->b, "</%s>", tag);
        }
        sb_add(d->b, "</tr>\n");
        return;
    }
    sb_add(d->b, "|");
    for (int i = 0; i < d->ncols; i++) {
        const struct cell *c = &cells[i];
        sb_addc(d->b, ' ');
        if (c->text && *c->text) {
            if (c->strong)
                sb_add(d->b, "**");
            if (c->href)
                sb_addc(d->b, '[');
            doc_text(d, c->text);
            if (c->href)
                sb_printf(d->b, "](%s)", c->href);
            if (c->strong)
                sb_add(d->b, "**");
        }
        sb_add(d->b, " |");
    }
    sb_addc(d->b, '\n');
}

static void doc_table_end(struct doc *d)
{
    if (d->fmt == F_HTML)
        sb_add(d->b, d->inline_styles ? "</tbody>\n</table>\n" : "</tbody>\n</table>\n</div>\n");
    else
        sb_addc(d->b, '\n');
}

/* Cells own their text through this pool, freed after each row. */
struct cells {
    struct cell c[MAX_COLUMNS];
    struct sb text[MAX_COLUMNS];
    int n;
};

static struct sb *cells_next(struct cells *cs, int status, bool strong)
{
    struct sb *t = &cs->text[cs->n];
    sb_init(t);
    cs->c[cs->n++] = (struct cell){NULL, status, strong, NULL};
    return t;
}

/* A cell linking to href, which must outlive the row. */
static void cells_link(struct cells *cs, const char *text, const char *href)
{
    sb_add(cells_next(cs, -1, false), text);
    cs->c[cs->n - 1].href = href;
}

static void cells_add(struct cells *cs, const char *text, bool strong)
{
    sb_add(cells_next(cs, -1, strong), text);
}

static void cells_emit(struct doc *d, struct cells *cs)
{
    for (int i = 0; i < cs->n; i++)
        cs->c[i].text = cs->text[i].buf;
    doc_row(d, cs->c);
    for (int i = 0; i < cs->n; i++)
        sb_free(&cs->text[i]);
    cs->n = 0;
}

/* Indicator k's value v, with its count when it is a share of a small
 * group. Not where num and den count something else than the share's
 * parts: a note "over the N of M schools that give ..." says how many
 * schools a pupil share covers. */
static void fmt_share_count(struct sb *b, int k, const struct val *v, const char *currency)
{
    fmt_val(b, v, kpis[k].unit, currency);
    if (kpis[k].unit == U_PCT && v->st == V_OK && v->den > 0 && v->den < SMALL_GROUP &&
        (!kpis[k].note || strncmp(kpis[k].note, "over ", 5)))
        sb_printf(b, " (%lld of %lld)", v->num, v->den);
}

/* The headline table of one area: indicator, value, national, previous,
 * change, target, status. */
static void render_headline(struct doc *d, const struct report *r, int group)
{
    static const char *const headers[] = {"Indicator", "Value", "National", "Previous",
                                          "Change",    "Target", "Status"};
    const char *cur = currency_of(r);
    struct cells cs = {.n = 0};
    doc_table_begin(d, NULL, headers, "lrrrrll");
    for (int k = 0; k < N_KPIS; k++) {
        if (kpis[k].group != group || (kpis[k].flags & K_CARD))
            continue;
        const struct indicator_row *row = &r->rows[k];
        cells_add(&cs, kpis[k].label, false);
        fmt_share_count(cells_next(&cs, -1, false), k, &row->value, cur);
        struct sb *nat = cells_next(&cs, -1, false);
        if (kpis[k].national)
            fmt_val(nat, &row->national, kpis[k].unit, cur);
        struct sb *p = cells_next(&cs, -1, false), *ch = cells_next(&cs, -1, false);
        if (row->has_previous)
            fmt_share_count(p, k, &row->previous, r->periods[r->nperiods - 2].currency);
        if (row->has_change)
            fmt_figure(ch, shown_change(row->value.x, row->previous.x, kpis[k].unit), kpis[k].unit, cur, true);
        struct sb *tt = cells_next(&cs, -1, false);
        if (row->judged)
            fmt_target(tt, row->judged->t, kpis[k].unit, cur);
        fmt_status(cells_next(&cs, row_eval(row)->status, false), row_eval(row), row_target(row));
        cells_emit(d, &cs);
    }
    doc_table_end(d);
    for (int k = 0; k < N_KPIS; k++) {
        const struct val *v = &r->rows[k].value;
        if (kpis[k].group != group || (kpis[k].flags & K_CARD) || !kpis[k].note || v->st != V_OK)
            continue;
        struct sb note, num, den;
        sb_init(&note);
        sb_init(&num);
        sb_init(&den);
        fmt_number(&num, (double)v->num, 0, false);
        fmt_number(&den, (double)v->den, 0, false);
        sb_printf(&note, "%s: ", kpis[k].label);
        sb_printf(&note, kpis[k].note, num.buf, den.buf);
        sb_addc(&note, '.');
        doc_para(d, note.buf);
        sb_free(&note);
        sb_free(&num);
        sb_free(&den);
    }
}

/* Breakdown table of one area's K_BREAKDOWN indicators by one dimension,
 * with the partnership total and the national figure as the last rows. */
static void render_breakdown(struct doc *d, const struct report *r, int group, int dim)
{
    const char *headers[N_KPIS + 1];
    char align[N_KPIS + 2];
    int cols[N_KPIS], nc = 0;
    const char *cur = currency_of(r);
    headers[0] = dim_titles[dim];
    align[0] = 'l';
    for (int k = 0; k < N_KPIS && nc < MAX_COLUMNS - 1; k++)
        if ((kpis[k].flags & K_BREAKDOWN) && kpis[k].group == group) {
            cols[nc] = k;
            headers[nc + 1] = kpis[k].label;
            align[++nc] = 'r';
        }
    align[nc + 1] = 0;
    char title[64];
    snprintf(title, sizeof title, "%s by %s", group_titles[group], dim_ids[dim]);
    doc_heading(d, 3, title);
    doc_table_begin(d, NULL, headers, align);
    struct cells cs = {.n = 0};
    const struct breakdown *bd = &r->dims[dim];
    for (int i = 0; i <= bd->n; i++) {
        const struct val *vals = i < bd->n ? bd->rows[i].vals : latest_period(r)->vals;
        cells_add(&cs, i < bd->n ? bd->rows[i].name : "Partnership", i == bd->n);
        for (int c = 0; c < nc; c++)
            fmt_val(cells_next(&cs, -1, i == bd->n), &vals[cols[c]], kpis[cols[c]].unit, cur);
        cells_emit(d, &cs);
    }
    cells_add(&cs, "National", false);
    for (int c = 0; c < nc; c++) {
        struct sb *t = cells_next(&cs, -1, false);
        if (kpis[cols[c]].national)
            fmt_val(t, &r->rows[cols[c]].national, kpis[cols[c]].unit, cur);
    }
    cells_emit(d, &cs);
    doc_table_end(d);
}

/* The series of one area over the last SERIES_SHOWN snapshots, oldest
 * first. Only with three or more: with two, the headline table's previous
 * and change columns already are the series. */
static void render_series(struct doc *d, const struct report *r, int group)
{
    if (r->nperiods < 3)
        return;
    int first = r->nperiods > SERIES_SHOWN ? r->nperiods - SERIES_SHOWN : 0;
    const char *headers[SERIES_SHOWN + 1];
    char dates[SERIES_SHOWN][32], align[SERIES_SHOWN + 2], title[80];
    headers[0] = "Indicator";
    align[0] = 'l';
    for (int i = first; i < r->nperiods; i++) {
        headers[i - first + 1] = short_date(r->periods[i].as_of, dates[i - first]);
        align[i - first + 1] = 'r';
    }
    align[r->nperiods - first + 1] = 0;
    snprintf(title, sizeof title, "%s over time", group_titles[group]);
    doc_heading(d, 3, title);
    doc_table_begin(d, NULL, headers, align);
    struct cells cs = {.n = 0};
    for (int k = 0; k < N_KPIS; k++) {
        if (kpis[k].group != group || (kpis[k].flags & K_CARD))
            continue;
        cells_add(&cs, kpis[k].label, false);
        for (int i = first; i < r->nperiods; i++)
            fmt_share_count(cells_next(&cs, -1, false), k, &r->periods[i].vals[k], r->periods[i].currency);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
}

/* A count and its share of a whole, as two cells. */
static void cells_count_share(struct cells *cs, long long n, const struct val *share)
{
    fmt_number(cells_next(cs, -1, false), (double)n, 0, false);
    fmt_val(cells_next(cs, -1, false), share, U_PCT, NULL);
}

/* Level of engagement: active schools by number of programmes and by
 * programme, and trusts by programme. */
static void render_engagement(struct doc *d, const struct report *r)
{
    static const char *const by_count[] = {"Programmes", "Schools", "Share"};
    static const char *const by_prog[] = {"Programme", "Schools", "Share of schools"};
    static const char *const by_trust_prog[] = {"Programme", "Trusts", "Share of trusts"};
    static const char *const count_names[] = {"None", "One", "Two", "Three or more"};
    const struct engagement *e = &r->engagement;
    if (!e->shown)
        return;                 /* not available, not "none" */
    struct cells cs = {.n = 0};
    doc_heading(d, 3, "Schools by number of programmes");
    doc_table_begin(d, NULL, by_count, "lrr");
    for (int c = 0; c < 4; c++) {
        cells_add(&cs, count_names[c], false);
        cells_count_share(&cs, e->by_count[c], &e->by_count_share[c]);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
    for (int audience = 0; audience < 2; audience++) {
        bool any = false;
        for (int p = 0; p < e->nprogs; p++) {
            const struct programme_row *pg = &e->progs[p];
            long long n = audience ? pg->trusts : pg->schools;
            /* A programme shows where it is for this audience, or where it is
             * taken up by it. */
            if (pg->audience != audience && !n)
                continue;
            if (!any) {
                doc_heading(d, 3, audience ? "Trusts by programme" : "Schools by programme");
                doc_table_begin(d, NULL, audience ? by_trust_prog : by_prog, "lrr");
                any = true;
            }
            cells_add(&cs, pg->name, false);
            cells_count_share(&cs, n, audience ? &pg->trust_share : &pg->school_share);
            cells_emit(d, &cs);
        }
        if (any)
            doc_table_end(d);
    }
}

/* The results years behind the impact figures, and the surveys. */
static void render_impact_notes(struct doc *d, const struct report *r)
{
    static const char *const headers[] = {"Survey question", "Respondents", "Agreed", "Share agreeing",
                                          "Previous", "Change"};
    struct sb t;
    sb_init(&t);
    sb_add(&t, "Results years: KS4 ");
    if (r->results_year[M_KS4_EM4] < 0)
        sb_add(&t, "none");
    else
        sb_printf(&t, "%d", r->results_year[M_KS4_EM4]);
    sb_add(&t, ", KS2 ");
    if (r->results_year[M_KS2_READING] < 0)
        sb_add(&t, "none");
    else
        sb_printf(&t, "%d", r->results_year[M_KS2_READING]);
    sb_printf(&t, ". Changes compare with %d year%s earlier, over schools in the partnership for 4 years or "
                  "more; averages are weighted by disadvantaged pupils, and a figure resting on fewer than %d "
                  "pupil%s is suppressed.",
              opt_change_years, opt_change_years == 1 ? "" : "s", opt_min_cohort, opt_min_cohort == 1 ? "" : "s");
    doc_para(d, t.buf);
    sb_free(&t);
    if (!r->nsurveys)
        return;
    struct cells cs = {.n = 0};
    doc_heading(d, 3, "What leaders say");
    doc_table_begin(d, NULL, headers, "lrrrrr");
    for (int i = 0; i < r->nsurveys; i++) {
        const struct survey_row *sv = &r->surveys[i];
        cells_add(&cs, sv->question, false);
        fmt_number(cells_next(&cs, -1, false), (double)sv->respondents, 0, false);
        fmt_number(cells_next(&cs, -1, false), (double)sv->agreed, 0, false);
        fmt_val(cells_next(&cs, -1, false), &sv->share, U_PCT, NULL);
        struct sb *prev = cells_next(&cs, -1, false), *change = cells_next(&cs, -1, false);
        if (r->nperiods > 1)
            fmt_val(prev, &sv->previous, U_PCT, NULL);
        if (sv->has_change)
            fmt_figure(change, shown_change(sv->share.x, sv->previous.x, U_PCT), U_PCT, NULL, true);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
}

/* The finance tables' caption: the period and what its figures are,
 * "2024/25, forecast"; empty when the snapshot says neither. */
static void finance_caption(struct sb *b, const struct report *r)
{
    if (r->finance_period)
        sb_add(b, r->finance_period);
    if (r->finance_basis != BASIS_NONE)
        sb_printf(b, "%s%s", r->finance_period ? ", " : "", basis_titles[r->finance_basis]);
}

/* Income by source and expenditure by item. */
static void render_finance(struct doc *d, const struct report *r)
{
    static const char *const in_headers[] = {"Income source", "Amount", "Share", "Fundraised"};
    static const char *const out_headers[] = {"Expenditure item", "Amount", "Share"};
    const char *cur = currency_of(r);
    struct cells cs = {.n = 0};
    for (int pass = 0; pass < 2; pass++) {
        const struct money_row *rows = pass ? r->expenditure.rows : r->income.rows;
        int n = pass ? r->expenditure.n : r->income.n;
        if (!rows || !n)
            continue;
        struct sb caption;
        sb_init(&caption);
        finance_caption(&caption, r);
        doc_heading(d, 3, pass ? "Expenditure by item" : "Income by source");
        doc_table_begin(d, caption.len ? caption.buf : NULL, pass ? out_headers : in_headers, pass ? "lrr" : "lrrl");
        sb_free(&caption);
        for (int i = 0; i < n; i++) {
            cells_add(&cs, rows[i].name, false);
            fmt_money(cells_next(&cs, -1, false), rows[i].amount, cur, false, 0);
            fmt_val(cells_next(&cs, -1, false), &rows[i].share, U_PCT, NULL);
            if (!pass)
                cells_add(&cs, rows[i].fundraised ? "yes" : "no", false);
            cells_emit(d, &cs);
        }
        doc_table_end(d);
    }
}

/* The period: "December 2024" from the label, or the date in words. */
static void add_period(struct sb *b, const struct report *r)
{
    char d[32];
    sb_add(b, r->label ? r->label : long_date(r->as_of, d));
}

static void report_title(struct sb *b, const struct report *r)
{
    sb_add(b, r->organisation ? r->organisation : "Partnership");
    sb_add(b, " report: ");
    add_period(b, r);
}

/* The cover: period, date and the snapshots compared; a definition list
 * on the page, a line in Markdown. */
/* The "Data checks" note, when the inputs had plausibility findings. */
static void doc_data_checks(struct doc *d, const struct report *r)
{
    struct sb t;
    sb_init(&t);
    plaus_note(&t, r->plaus_found);
    if (t.len)
        doc_para(d, t.buf);
    sb_free(&t);
}

static void render_intro(struct doc *d, const struct report *r)
{
    char date[32];
    struct sb period, as_of, compared;
    sb_init(&period);
    sb_init(&as_of);
    sb_init(&compared);
    add_period(&period, r);
    sb_add(&as_of, long_date(r->as_of, date));
    for (int i = 0; i < r->nperiods; i++)
        sb_printf(&compared, "%s%s", i == 0 ? "" : i + 1 < r->nperiods ? ", " : " and ",
                  long_date(r->periods[i].as_of, date));
    const char *terms[] = {"Period", "As of", r->nperiods > 1 ? "Snapshots compared" : "Snapshot"};
    const struct sb *defs[] = {&period, &as_of, &compared};
    if (d->fmt == F_HTML) {
        sb_add(d->b, d->inline_styles ? "<dl style=\"margin:8px 0 16px\">\n" : "<dl class=\"cover\">\n");
        for (int i = 0; i < 3; i++) {
            sb_printf(d->b, "<dt%s>%s</dt><dd>", d->inline_styles ? " style=\"font-weight:bold\"" : "", terms[i]);
            doc_text(d, defs[i]->buf);
            sb_add(d->b, "</dd>\n");
        }
        sb_add(d->b, "</dl>\n");
    } else {
        struct sb line;
        sb_init(&line);
        for (int i = 0; i < 3; i++)
            sb_printf(&line, "%s%s: %s", i ? ". " : "", terms[i], defs[i]->buf);
        sb_addc(&line, '.');
        doc_para(d, line.buf);
        sb_free(&line);
    }
    sb_free(&period);
    sb_free(&as_of);
    sb_free(&compared);
    doc_data_checks(d, r);
}

/* ---- The executive summary: sentences made from the figures ---- */

static const struct val *kpi_now(const struct report *r, enum kpi_id k)
{
    return &r->rows[k].value;
}

/* "on track for 500,000 by 31 August 2027", from a target's evaluation. */
static void summary_target(struct sb *b, const struct report *r, enum kpi_id k)
{
    const struct target *t = row_target(&r->rows[k]);
    const struct eval *e = row_eval(&r->rows[k]);
    if (!t)
        return;
    char d[32];
    static const char *const phrases[] = {"", "meeting its target of ", "on track for ", "at risk of missing ",
                                          "off track for "};
    if (e->status < ST_MET || e->status > ST_OFF_TRACK || !(t->has_error || t->has_warn))
        return;
    sb_printf(b, "; %s", phrases[e->status]);
    fmt_bound(b, headline_bound(t), kpis[k].unit, currency_of(r));
    if (t->has_by && e->status != ST_MET)
        sb_printf(b, " by %s", long_date(t->by, d));
}

/* "7.1 points above the national 24.0%". */
static void summary_vs(struct sb *b, double diff, const char *unit_word)
{
    if (shows_as_zero(diff, 1)) {
        sb_add(b, "in line with");
        return;
    }
    fmt_number(b, fabs(diff), 1, false);
    sb_printf(b, " %s %s", unit_word, diff > 0 ? "above" : "below");
}

/* Starts a sentence of the summary. */
static void sentence(struct sb *s)
{
    if (s->len)
        sb_addc(s, ' ');
}

/* Four to six sentences, each only where its figures are available. */
static void summary_sentences(struct sb *s, const struct report *r)
{
    const char *cur = currency_of(r);
    const struct val *pupils = kpi_now(r, KPI_BREADTH_PUPILS);
    if (r->pupils_change_pct.st == V_OK) {
        double change = r->pupils_change_pct.x;
        bool steady = shows_as_zero(change, 1);
        sb_add(s, steady ? "Pupils reached held steady at " : change > 0 ? "Pupils reached rose " : "Pupils reached fell ");
        if (!steady) {
            fmt_number(s, fabs(change), 1, false);
            sb_add(s, "% to ");
        }
    } else {
        sb_add(s, "Pupils reached: ");
    }
    fmt_number(s, pupils->x, 0, false);
    summary_target(s, r, KPI_BREADTH_PUPILS);
    sb_add(s, ".");

    const struct val *schools = kpi_now(r, KPI_BREADTH_SCHOOLS), *trusts = kpi_now(r, KPI_BREADTH_TRUSTS),
                     *hubs = kpi_now(r, KPI_BREADTH_HUBS), *target = kpi_now(r, KPI_BREADTH_TARGET_AREA_SCHOOLS_PCT);
    sentence(s);
    sb_add(s, "They are in ");
    fmt_number(s, schools->x, 0, false);
    sb_add(s, schools->x == 1 ? " school" : " schools");
    if (trusts->st == V_OK) {
        sb_add(s, hubs->st == V_OK ? ", " : " and ");
        fmt_number(s, trusts->x, 0, false);
        sb_add(s, trusts->x == 1 ? " trust" : " trusts");
    }
    if (hubs->st == V_OK) {
        sb_add(s, " and ");
        fmt_number(s, hubs->x, 0, false);
        sb_add(s, hubs->x == 1 ? " hub" : " hubs");
    }
    if (target->st == V_OK) {
        sb_add(s, "; ");
        fmt_figure(s, target->x, U_PCT, cur, false);
        sb_add(s, " of the schools are in high-deprivation target areas");
    }
    sb_add(s, ".");

    const struct val *fsm = kpi_now(r, KPI_BREADTH_FSM_PCT), *fsm_nat = &r->rows[KPI_BREADTH_FSM_PCT].national,
                     *fsm_gap = kpi_now(r, KPI_BREADTH_FSM_PCT_VS_NATIONAL);
    if (fsm->st == V_OK) {
        sentence(s);
        fmt_figure(s, fsm->x, U_PCT, cur, false);
        sb_add(s, " of these pupils are eligible for free school meals");
        if (fsm_gap->st == V_OK) {
            sb_add(s, ", ");
            summary_vs(s, fsm_gap->x, "points");
            sb_add(s, " the national ");
            fmt_figure(s, fsm_nat->x, U_PCT, cur, false);
        }
        sb_add(s, ".");
    }

    const struct val *em4 = kpi_now(r, KPI_IMPACT_KS4_DISADV_EM4_PCT),
                     *vs = kpi_now(r, KPI_IMPACT_KS4_DISADV_EM4_VS_NATIONAL),
                     *ch = kpi_now(r, KPI_IMPACT_KS4_DISADV_EM4_CHANGE),
                     *chn = kpi_now(r, KPI_IMPACT_KS4_DISADV_EM4_CHANGE_NATIONAL);
    if (em4->st == V_OK) {
        sentence(s);
        sb_add(s, "At KS4, ");
        fmt_figure(s, em4->x, U_PCT, cur, false);
        sb_printf(s, " of disadvantaged pupils achieved grade 4 or above in English and maths in %d",
                  r->results_year[M_KS4_EM4]);
        if (vs->st == V_OK) {
            sb_add(s, ", ");
            summary_vs(s, vs->x, "points");
            sb_add(s, " the national figure");
        }
        if (ch->st == V_OK) {
            sb_add(s, "; in schools of four or more years it changed by ");
            fmt_figure(s, ch->x, U_PP, cur, true);
            sb_printf(s, " since %d", r->results_year[M_KS4_EM4] - opt_change_years);
            if (chn->st == V_OK) {
                sb_add(s, ", against ");
                fmt_figure(s, chn->x, U_PP, cur, true);
                sb_add(s, " nationally");
            }
        }
        sb_add(s, ".");
    }

    const struct val *cards = kpi_now(r, KPI_IMPACT_REPORT_CARDS),
                     *ach = kpi_now(r, KPI_CARD_ACHIEVEMENT_UP);
    if (cards->st == V_OK && cards->x > 0) {
        const char *what = cards->x == 1 ? " school" : " schools";
        sentence(s);
        if (ach->st == V_OK) {
            sb_add(s, "Of ");
            fmt_number(s, cards->x, 0, false);
            sb_printf(s, "%s inspected under report cards in the last 12 months, ", what);
            fmt_card_share(s, ach);
            sb_add(s, " were strong or better in achievement");
            const struct val *nat = &r->rows[KPI_CARD_ACHIEVEMENT_UP].national;
            if (nat->st == V_OK) {
                sb_add(s, ", against ");
                fmt_figure(s, nat->x, U_PCT, cur, false);
                sb_add(s, " nationally");
            }
        } else {
            fmt_number(s, cards->x, 0, false);
            sb_printf(s, "%s %s inspected under report cards in the last 12 months", what,
                      cards->x == 1 ? "was" : "were");
        }
        sb_add(s, ".");
    }

    const struct val *renew = kpi_now(r, KPI_DEPTH_SCHOOL_RENEWAL_PCT), *full = kpi_now(r, KPI_DEPTH_QAR_FULL_TEAM_PCT),
                     *qar = kpi_now(r, KPI_DEPTH_QAR_REVIEWS);
    if (renew->st == V_OK || full->st == V_OK) {
        sentence(s);
        if (renew->st == V_OK) {
            fmt_figure(s, renew->x, U_PCT, cur, false);
            sb_add(s, " of schools due for renewal renewed");
        }
        if (full->st == V_OK) {
            sb_add(s, renew->st == V_OK ? ", and " : "");
            fmt_figure(s, full->x, U_PCT, cur, false);
            sb_add(s, " of ");
            fmt_number(s, qar->x, 0, false);
            sb_add(s, " Quality Assurance Reviews had full teams");
        }
        sb_add(s, ".");
    }

    const struct val *raised = kpi_now(r, KPI_FINANCE_FUNDRAISED_PCT);
    if (raised->st == V_OK) {
        sentence(s);
        sb_add(s, "Fundraised income was ");
        fmt_figure(s, raised->x, U_PCT, cur, false);
        sb_add(s, " of the total");
        summary_target(s, r, KPI_FINANCE_FUNDRAISED_PCT);
        sb_add(s, ".");
    }
}

static void render_summary(struct doc *d, const struct report *r)
{
    struct sb all;
    sb_init(&all);
    summary_sentences(&all, r);
    doc_heading(d, 2, "Summary");
    doc_para(d, all.buf);
    sb_free(&all);
}

/* ---- Charts: inline SVG, drawn here, HTML only ---- */

/* A bar: its label, value and style (0: partnership, solid; 1: comparator,
 * pale and outlined, so the two differ in greyscale too; the dark style
 * sheet swaps the shades, so captions never name them: the key drawn in
 * the chart, with the bars' own styles, says which is which). */
struct bar {
    const char *label;
    struct val v;
    int series;
};

static int chart_count;         /* ids for aria-labelledby, unique per page */

static void svg_open(struct sb *b, int w, int h, const char *title, const char *desc)
{
    chart_count++;
    sb_printf(b, "<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                 "aria-labelledby=\"chart%d-t chart%d-d\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n",
              chart_count, chart_count, w, h, w, h);
    sb_printf(b, "<title id=\"chart%d-t\">", chart_count);
    html_escape(b, title);
    sb_printf(b, "</title>\n<desc id=\"chart%d-d\">", chart_count);
    html_escape(b, desc);
    sb_add(b, "</desc>\n<text class=\"ct\" x=\"0\" y=\"16\">");
    html_escape(b, title);
    sb_add(b, "</text>\n");
}

static void svg_close(struct sb *b, const char *legend)
{
    sb_add(b, "</svg>\n");
    if (legend)
        sb_printf(b, "<figcaption>%s</figcaption>\n", legend);
    sb_add(b, "</figure>\n");
}

/* Text at (x, y); cut to `max` characters when max > 0. */
static void svg_text_max(struct sb *b, double x, double y, const char *anchor, const char *cls, const char *text,
                         size_t max)
{
    sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor, cls);
    size_t n = 0, chars = 0;
    while (text[n] && (!max || chars < max))
        chars += ((unsigned char)text[++n] & 0xC0) != 0x80;
    if (text[n]) {
        char *cut = memcpy(xmalloc(n + 1), text, n);
        cut[n] = 0;
        html_escape(b, cut);
        sb_add(b, "\xE2\x80\xA6");   /* … */
        free(cut);
    } else {
        html_escape(b, text);
    }
    sb_add(b, "</text>\n");
}

static void svg_text(struct sb *b, double x, double y, const char *anchor, const char *cls, const char *text)
{
    svg_text_max(b, x, y, anchor, cls, text, 0);
}

/* The key of a two-series bar chart, under its title from x0: a swatch
 * in each series' style and its name. */
static void svg_key(struct sb *b, double x0, const char *const keys[2])
{
    for (int i = 0; i < 2; i++) {
        double x = x0 + 170 * i;
        sb_printf(b, "<rect class=\"bar%d\" x=\"%.1f\" y=\"26\" width=\"14\" height=\"12\"/>\n", i, x);
        svg_text(b, x + 19, 37, "start", "cl", keys[i]);
    }
}

/* Horizontal bars with a labelled value axis, one unit on it; with keys,
 * the names of series 0 and 1 in a key under the title. The text
 * alternative lists every figure. */
static void svg_bars(struct sb *b, const char *title, const char *axis, const struct bar *bars, int n, int unit,
                     const char *currency, const char *const keys[2])
{
    enum { W = 660, LEFT = 300, RIGHT = 70, ROW = 22 };
    const int TOP = keys ? 46 : 30;
    double lo = 0, hi = 0;
    for (int i = 0; i < n; i++)
        if (bars[i].v.st == V_OK) {
            lo = bars[i].v.x < lo ? bars[i].v.x : lo;
            hi = bars[i].v.x > hi ? bars[i].v.x : hi;
        }
    if (hi - lo <= 0)
        hi = lo + 1;
    int h = TOP + ROW * n + 48;
    struct sb desc, t;
    sb_init(&desc);
    sb_init(&t);
    for (int i = 0; i < n; i++) {
        sb_printf(&desc, "%s%s: ", i ? "; " : "", bars[i].label);
        fmt_val(&desc, &bars[i].v, unit, currency);
    }
    sb_addc(&desc, '.');
    svg_open(b, W, h, title, desc.buf);
    if (keys)
        svg_key(b, LEFT, keys);
    double span = W - LEFT - RIGHT, zero = LEFT + (0 - lo) / (hi - lo) * span;
    for (int i = 0; i < n; i++) {
        double y = TOP + ROW * i;
        svg_text_max(b, LEFT - 6, y + 15, "end", "cl", bars[i].label, LABEL_CHARS);
        sb_reset(&t);
        fmt_val(&t, &bars[i].v, unit, currency);
        if (bars[i].v.st != V_OK) {
            svg_text(b, zero + 4, y + 15, "start", "cv", t.buf);
            continue;
        }
        double x = LEFT + (bars[i].v.x - lo) / (hi - lo) * span;
        double x0 = x < zero ? x : zero, w = fabs(x - zero);
        sb_printf(b, "<rect class=\"bar%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>\n", bars[i].series, x0,
                  y + 4, w < 1 ? 1 : w, ROW - 8);
        /* Right of the bar, or right of zero for a negative one, clear of
         * the category labels. */
        svg_text(b, (x >= zero ? x : zero) + 4, y + 15, "start", "cv", t.buf);
    }
    /* The value axis, with the ends and zero marked. */
    double ay = TOP + ROW * n + 4;
    sb_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", LEFT, ay, LEFT + span, ay);
    sb_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>\n", zero, TOP, zero, ay);
    double ticks[3] = {lo, 0, hi};
    for (int k = 0; k < 3; k++) {
        if (k == 1 && (lo == 0 || hi == 0))
            continue;
        sb_reset(&t);
        fmt_figure(&t, ticks[k], unit, currency, false);
        svg_text(b, LEFT + (ticks[k] - lo) / (hi - lo) * span, ay + 14, "middle", "cl", t.buf);
    }
    svg_text(b, LEFT + span / 2, ay + 34, "middle", "ca", axis);
    svg_close(b, NULL);
    sb_free(&desc);
    sb_free(&t);
}

/* Pupils reached per snapshot, the target line and the projection to the
 * target's date. */
static void svg_pupils(struct sb *b, const struct report *r)
{
    enum { W = 640, H = 280, L = 80, R = 20, T = 36, B = 56 };
    int k = KPI_BREADTH_PUPILS;
    const struct target *t = row_target(&r->rows[k]);
    const struct eval *e = row_eval(&r->rows[k]);
    double t0 = (double)r->periods[0].as_of, t1 = (double)latest_period(r)->as_of, ymax = 0;
    bool proj = e->has_proj;
    if (t && t->has_by && (double)t->by > t1)
        t1 = (double)t->by;
    if (t1 <= t0)
        t1 = t0 + 365;
    for (int i = 0; i < r->nperiods; i++)
        if (r->periods[i].vals[k].x > ymax)
            ymax = r->periods[i].vals[k].x;
    double bound = t ? headline_bound(t) : 0;
    ymax = fmax(ymax, fmax(bound, proj ? e->proj_at_by : 0)) * 1.1;
    if (ymax <= 0)
        ymax = 1;
    struct sb desc, s;
    sb_init(&desc);
    sb_init(&s);
    char d[32];
    for (int i = 0; i < r->nperiods; i++) {
        sb_printf(&desc, "%s%s: ", i ? "; " : "", long_date(r->periods[i].as_of, d));
        fmt_val(&desc, &r->periods[i].vals[k], U_COUNT, NULL);
    }
    if (t) {
        sb_add(&desc, ". Target: ");
        fmt_target(&desc, t, U_COUNT, NULL);
    }
    if (proj) {
        sb_add(&desc, "; the trend gives ");
        fmt_number(&desc, e->proj_at_by, 0, false);
        sb_printf(&desc, " by %s", long_date(t->by, d));
    }
    sb_addc(&desc, '.');
    svg_open(b, W, H, "Pupils reached", desc.buf);
#define PX(day) (L + ((double)(day) - t0) / (t1 - t0) * (W - L - R))
#define PY(v) (T + (1 - (v) / ymax) * (H - T - B))
    sb_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", L, H - B, W - R, H - B);
    sb_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", L, T, L, H - B);
    for (int tick = 0; tick <= 2; tick++) {
        sb_reset(&s);
        fmt_number(&s, ymax * tick / 2, 0, false);
        svg_text(b, L - 6, PY(ymax * tick / 2) + 4, "end", "cl", s.buf);
    }
    if (t) {
        sb_printf(b, "<line class=\"target\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>\n", L, PY(bound), W - R,
                  PY(bound));
        sb_reset(&s);
        sb_add(&s, "Target ");
        fmt_number(&s, bound, 0, false);
        svg_text(b, W - R, PY(bound) - 5, "end", "cl", s.buf);
    }
    if (proj) {
        sb_printf(b, "<line class=\"projection\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                  PX(latest_period(r)->as_of), PY(latest_period(r)->vals[k].x), PX(t->by), PY(e->proj_at_by));
        sb_reset(&s);
        sb_add(&s, "Trend ");
        fmt_number(&s, e->proj_at_by, 0, false);
        svg_text(b, PX(t->by), PY(e->proj_at_by) + 18, "end", "cl", s.buf);
    }
    sb_add(b, "<polyline class=\"series\" points=\"");
    for (int i = 0; i < r->nperiods; i++)
        sb_printf(b, "%s%.1f,%.1f", i ? " " : "", PX(r->periods[i].as_of), PY(r->periods[i].vals[k].x));
    sb_add(b, "\"/>\n");
    for (int i = 0; i < r->nperiods; i++) {
        sb_printf(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"/>\n", PX(r->periods[i].as_of),
                  PY(r->periods[i].vals[k].x));
        svg_text(b, PX(r->periods[i].as_of), H - B + 16, "middle", "cl", short_date(r->periods[i].as_of, d));
    }
    if (t && t->has_by)
        svg_text(b, PX(t->by), H - B + 16, PX(t->by) > W - R - 40 ? "end" : "middle", "cl", short_date(t->by, d));
    svg_text(b, L + (W - L - R) / 2.0, H - 12, "middle", "ca", "Snapshot date");
    sb_printf(b, "<text class=\"ca\" transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">Pupils</text>\n",
              (H - B + T) / 2);
#undef PX
#undef PY
    svg_close(b, "Solid line: pupils reached at each snapshot. Dashed: the target, and the least-squares trend "
                 "to the target's date.");
    sb_free(&desc);
    sb_free(&s);
}

/* The overview's charts: pupils against the target with the trend, and
 * the shares against national. */
static void render_key_charts(struct doc *d, const struct report *r)
{
    sb_add(d->b, "<div class=\"keycharts\">\n");
    svg_pupils(d->b, r);
    struct bar shares[4] = {{"Free school meals: partnership", r->rows[KPI_BREADTH_FSM_PCT].value, 0},
                            {"Free school meals: national", r->rows[KPI_BREADTH_FSM_PCT].national, 1},
                            {"SEND: partnership", r->rows[KPI_BREADTH_SEND_PCT].value, 0},
                            {"SEND: national", r->rows[KPI_BREADTH_SEND_PCT].national, 1}};
    static const char *const keys[2] = {"Partnership", "National (England)"};
    svg_bars(d->b, "Free school meals and SEND shares against national", "Share of pupils", shares, 4, U_PCT, NULL,
             keys);
    sb_add(d->b, "</div>\n");
}

/* The breadth charts: pupils by region and by hub (the overview has the
 * others). */
static void render_breadth_charts(struct doc *d, const struct report *r)
{
    int pupils = KPI_BREADTH_PUPILS, schools = KPI_BREADTH_SCHOOLS;
    for (int dim = D_REGION; dim <= D_HUB; dim++) {
        const struct breakdown *bd = &r->dims[dim];
        if (!dim_reported(r, dim))
            continue;
        struct bar *bars = xcalloc((size_t)bd->n + 1, sizeof *bars);
        struct sb *labels = xcalloc((size_t)bd->n + 1, sizeof *labels);
        for (int i = 0; i < bd->n; i++) {
            sb_init(&labels[i]);
            sb_printf(&labels[i], "%s (", bd->rows[i].name);
            fmt_number(&labels[i], bd->rows[i].vals[schools].x, 0, false);
            sb_add(&labels[i], bd->rows[i].vals[schools].x == 1 ? " school)" : " schools)");
            bars[i] = (struct bar){labels[i].buf, bd->rows[i].vals[pupils], 0};
        }
        char title[64];
        snprintf(title, sizeof title, "Pupils and schools by %s", dim_ids[dim]);
        svg_bars(d->b, title, "Pupils reached", bars, bd->n, U_COUNT, NULL, NULL);
        for (int i = 0; i < bd->n; i++)
            sb_free(&labels[i]);
        free(labels);
        free(bars);
    }
}

/* Changes over the window for disadvantaged pupils, against national:
 * KS4 in percentage points and KS2 in scaled-score points, each on a
 * chart of its own, so that an axis has one unit. */
static void render_impact_chart(struct doc *d, const struct report *r)
{
    static const struct {
        enum kpi_id change, national;
        const char *label;
    } ids[] = {
        {KPI_IMPACT_KS4_DISADV_EM4_CHANGE, KPI_IMPACT_KS4_DISADV_EM4_CHANGE_NATIONAL, "KS4 grade 4+"},
        {KPI_IMPACT_KS2_DISADV_READING_CHANGE, KPI_IMPACT_KS2_DISADV_READING_CHANGE_NATIONAL, "KS2 reading"},
        {KPI_IMPACT_KS2_DISADV_MATHS_CHANGE, KPI_IMPACT_KS2_DISADV_MATHS_CHANGE_NATIONAL, "KS2 maths"},
        {KPI_IMPACT_KS2_DISADV_GPS_CHANGE, KPI_IMPACT_KS2_DISADV_GPS_CHANGE_NATIONAL, "KS2 GPS"}};
    static const char *const keys[2] = {"Partnership (4+ years)", "National (England)"};
    struct bar bars[8];
    struct sb labels[8];
    for (int i = 0; i < 8; i++) {
        sb_init(&labels[i]);
        sb_printf(&labels[i], "%s: %s", ids[i / 2].label, i % 2 ? "national" : "partnership");
        bars[i] = (struct bar){labels[i].buf, *kpi_now(r, i % 2 ? ids[i / 2].national : ids[i / 2].change), i % 2};
    }
    char title[128], years[16];
    snprintf(years, sizeof years, "%d year%s", opt_change_years, opt_change_years == 1 ? "" : "s");
    snprintf(title, sizeof title, "Change for disadvantaged pupils over %s, KS4 against national", years);
    svg_bars(d->b, title, "Change in percentage points", bars, 2, U_PP, NULL, keys);
    snprintf(title, sizeof title, "Change for disadvantaged pupils over %s, KS2 against national", years);
    svg_bars(d->b, title, "Change in scaled-score points", bars + 2, 6, U_POINTS, NULL, keys);
    for (int i = 0; i < 8; i++)
        sb_free(&labels[i]);
}

/* The income mix, each source's share of income. */
static void render_finance_chart(struct doc *d, const struct report *r)
{
    const struct money_table *in = &r->income;
    if (!in->n)
        return;
    struct bar *bars = xcalloc((size_t)in->n, sizeof *bars);
    for (int i = 0; i < in->n; i++)
        bars[i] = (struct bar){in->rows[i].name, in->rows[i].share, in->rows[i].fundraised};
    static const char *const keys[2] = {"Other income", "Fundraised income"};
    svg_bars(d->b, "Income by source", "Share of income", bars, in->n, U_PCT, NULL, keys);
    free(bars);
}

/* ---- Inspections: report cards ---- */

/* Fewer schools than this behind a report-card share are too few to read
 * as a trend; the share is still shown, with its count, as every one is
 * (these are not pupil data, so nothing is suppressed). */
#define CARD_FEW_SCHOOLS 5

/* The report-card indicators of each area, in the columns of the shares
 * table: strong or better, against national, needs attention or worse,
 * against national. */
static const enum kpi_id card_kpis[N_CARD_AREAS][4] = {
    {KPI_CARD_INCLUSION_UP, KPI_CARD_INCLUSION_UP_VS, KPI_CARD_INCLUSION_DOWN, KPI_CARD_INCLUSION_DOWN_VS},
    {KPI_CARD_CURRICULUM_UP, KPI_CARD_CURRICULUM_UP_VS, KPI_CARD_CURRICULUM_DOWN, KPI_CARD_CURRICULUM_DOWN_VS},
    {KPI_CARD_ACHIEVEMENT_UP, KPI_CARD_ACHIEVEMENT_UP_VS, KPI_CARD_ACHIEVEMENT_DOWN, KPI_CARD_ACHIEVEMENT_DOWN_VS},
    {KPI_CARD_ATTENDANCE_UP, KPI_CARD_ATTENDANCE_UP_VS, KPI_CARD_ATTENDANCE_DOWN, KPI_CARD_ATTENDANCE_DOWN_VS},
    {KPI_CARD_PERSONAL_UP, KPI_CARD_PERSONAL_UP_VS, KPI_CARD_PERSONAL_DOWN, KPI_CARD_PERSONAL_DOWN_VS},
    {KPI_CARD_LEADERSHIP_UP, KPI_CARD_LEADERSHIP_UP_VS, KPI_CARD_LEADERSHIP_DOWN, KPI_CARD_LEADERSHIP_DOWN_VS},
    {KPI_CARD_EARLY_YEARS_UP, KPI_CARD_EARLY_YEARS_UP_VS, KPI_CARD_EARLY_YEARS_DOWN, KPI_CARD_EARLY_YEARS_DOWN_VS},
    {KPI_CARD_POST_16_UP, KPI_CARD_POST_16_UP_VS, KPI_CARD_POST_16_DOWN, KPI_CARD_POST_16_DOWN_VS}};

/* Patterns of the five grades, best first, so that they differ without
 * colour: solid, diagonal stripes, horizontal lines, dots, cross-hatch. */
static const char *const card_patterns[] = {
    "",
    "<path class=\"rcl1\" d=\"M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2\"/>",
    "<path class=\"rcl2\" d=\"M0,2 h8 M0,6 h8\"/>",
    "<circle class=\"rcl3\" cx=\"2\" cy=\"2\" r=\"1.3\"/><circle class=\"rcl3\" cx=\"6\" cy=\"6\" r=\"1.3\"/>",
    "<path class=\"rcl4\" d=\"M0,0 l8,8 M8,0 l-8,8\"/>"};

/* One horizontal bar per evaluation area, stacked by grade; every count
 * is written on its segment when there is room, and the text alternative
 * gives them all. Narrow, with each area's name above its bar, so that on
 * a phone the chart shrinks little and its text stays legible. */
static void svg_cards(struct sb *b, const struct card_dist *c)
{
    enum { W = 420, LEFT = 0, RIGHT = 2, ROW = 42, TOP = 72 };
    static const double legend_x[N_CARD_GRADES] = {0, 140, 280, 0, 140};
    static const double legend_y[N_CARD_GRADES] = {28, 28, 28, 48, 48};
    int h = TOP + ROW * N_CARD_AREAS + 4;
    struct sb desc, t;
    sb_init(&desc);
    sb_init(&t);
    for (int a = 0; a < N_CARD_AREAS; a++) {
        long long graded = card_graded(c, a);
        sb_printf(&desc, "%s%s: ", a ? " " : "", card_area_titles[a]);
        if (!graded) {
            sb_add(&desc, "no school graded.");
            continue;
        }
        fmt_number(&desc, (double)graded, 0, false);
        sb_add(&desc, graded == 1 ? " school graded, " : " schools graded, ");
        for (int g = 0; g < N_CARD_GRADES; g++) {
            sb_printf(&desc, "%s%s ", g ? ", " : "", card_grade_names[g]);
            fmt_number(&desc, (double)c->grades[a][g], 0, false);
        }
        sb_addc(&desc, '.');
    }
    svg_open(b, W, h, "Report cards: schools at each grade", desc.buf);
    /* The grades' styles travel with the chart, so a report without one
     * keeps its style sheet. */
    sb_add(b, "<defs>\n<style>"
              ".rcf0{fill:#1d4f91}.rcf1{fill:#8fb3e8}.rcf2{fill:#e6e6e6}.rcf3{fill:#f2c46d}.rcf4{fill:#b42318}"
              ".rcl1{stroke:#1d4f91;stroke-width:1.5}.rcl2{stroke:#8a8a8a;stroke-width:1}.rcl3{fill:#6b4300}"
              ".rcl4{stroke:#fff;stroke-width:1.2}.rcs{stroke:#fff;stroke-width:1}"
              "text.rcn{fill:#111;font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:3px}"
              "text.rcd{fill:#fff;stroke:#111}"
              "@media (prefers-color-scheme:dark){.rcs{stroke:#161616}}"
              "</style>\n");
    for (int g = 0; g < N_CARD_GRADES; g++)
        sb_printf(b, "<pattern id=\"chart%d-g%d\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
                     "<rect class=\"rcf%d\" width=\"8\" height=\"8\"/>%s</pattern>\n",
                  chart_count, g, g, card_patterns[g]);
    sb_add(b, "</defs>\n");
    for (int g = 0; g < N_CARD_GRADES; g++) {
        sb_printf(b, "<rect class=\"rcs\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"url(#chart%d-g%d)\"/>\n",
                  legend_x[g], legend_y[g], chart_count, g);
        svg_text(b, legend_x[g] + 19, legend_y[g] + 12, "start", "cl", card_grade_titles[g]);
    }
    double span = W - LEFT - RIGHT;
    for (int a = 0; a < N_CARD_AREAS; a++) {
        double y = TOP + ROW * a + 16, x = LEFT;
        long long graded = card_graded(c, a);
        sb_reset(&t);
        sb_printf(&t, "%s: ", card_area_titles[a]);
        if (graded) {
            fmt_number(&t, (double)graded, 0, false);
            sb_add(&t, " graded");
        } else {
            sb_add(&t, "no school graded");
        }
        svg_text(b, LEFT, y, "start", "cl", t.buf);
        if (!graded)
            continue;
        for (int g = 0; g < N_CARD_GRADES; g++) {
            double w = span * (double)c->grades[a][g] / (double)graded;
            if (w <= 0)
                continue;
            sb_printf(b, "<rect class=\"rcs\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" "
                         "fill=\"url(#chart%d-g%d)\"/>\n",
                      x, y + 5, w, chart_count, g);
            if (w >= 16) {
                sb_reset(&t);
                fmt_number(&t, (double)c->grades[a][g], 0, false);
                svg_text(b, x + w / 2, y + 18, "middle", g == CARD_EXCEPTIONAL || g == CARD_URGENT ? "rcn rcd" : "rcn",
                         t.buf);
            }
            x += w;
        }
    }
    svg_close(b, "Each bar is the schools graded in that area, best grade on the left; the numbers are schools. "
                 "Grades are told apart by pattern as well as colour: solid, diagonal stripes, horizontal lines, "
                 "dots, cross-hatch.");
    sb_free(&desc);
    sb_free(&t);
}

/* "Inspections: report cards": the schools counted, each area's schools
 * at each grade (and, in HTML, the chart), the shares with the national
 * ones, and safeguarding. vals and c are the partnership's or a group's.
 * Nothing when the latest snapshot has no report cards. */
static void render_report_cards(struct doc *d, const struct report *r, const struct val *vals,
                                const struct card_dist *c)
{
    static const char *const count_headers[] = {"Area",          "Exceptional",        "Strong", "Expected",
                                                "Needs attention", "Urgent improvement", "Graded"};
    static const char *const share_headers[] = {"Area",
                                                "Strong or better",
                                                "National",
                                                "Against national",
                                                "Needs attention or worse",
                                                "National",
                                                "Against national"};
    if (!r->has_cards)
        return;
    char date[32];
    struct sb t;
    struct cells cs = {.n = 0};
    sb_init(&t);
    doc_heading(d, 3, "Inspections: report cards");
    if (c->schools)
        fmt_number(&t, (double)c->schools, 0, false);
    sb_printf(&t, "%s had a report card in the 12 months up to %s, having joined at least a year before it.",
              !c->schools ? "No active school" : c->schools == 1 ? " active school" : " active schools",
              long_date(r->as_of, date));
    if (c->schools)
        sb_printf(&t, " Each share is of the schools graded in the area, whose number follows it: early years and "
                      "post-16 apply to some schools only. A share of fewer than %d schools is too few to read as a "
                      "trend.",
                  CARD_FEW_SCHOOLS);
    doc_para(d, t.buf);
    if (!c->schools) {
        sb_free(&t);
        return;
    }
    doc_table_begin(d, NULL, count_headers, "lrrrrrr");
    for (int a = 0; a < N_CARD_AREAS; a++) {
        cells_add(&cs, card_area_titles[a], false);
        for (int g = 0; g < N_CARD_GRADES; g++)
            fmt_number(cells_next(&cs, -1, false), (double)c->grades[a][g], 0, false);
        fmt_number(cells_next(&cs, -1, false), (double)card_graded(c, a), 0, false);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
    if (d->fmt == F_HTML)
        svg_cards(d->b, c);
    doc_table_begin(d, NULL, share_headers, "lrrrrrr");
    for (int a = 0; a < N_CARD_AREAS; a++) {
        cells_add(&cs, card_area_titles[a], false);
        for (int i = 0; i < 4; i += 2) {
            int k = card_kpis[a][i], vs = card_kpis[a][i + 1];
            fmt_card_share(cells_next(&cs, -1, false), &vals[k]);
            fmt_val(cells_next(&cs, -1, false), &r->rows[k].national, U_PCT, NULL);
            fmt_val(cells_next(&cs, -1, false), &vals[vs], U_PP, NULL);
        }
        cells_emit(d, &cs);
    }
    doc_table_end(d);
    int k = KPI_CARD_SAFEGUARDING;
    const struct val *nat = &r->rows[k].national;
    sb_reset(&t);
    sb_add(&t, "Safeguarding met: ");
    fmt_card_share(&t, &vals[k]);
    if (vals[k].st == V_OK && nat->st == V_OK) {
        sb_add(&t, ", against ");
        fmt_val(&t, nat, U_PCT, NULL);
        sb_add(&t, " nationally (");
        fmt_val(&t, &vals[KPI_CARD_SAFEGUARDING_VS], U_PP, NULL);
        sb_addc(&t, ')');
    }
    if (vals[k].st == V_OK && c->safe_given < c->schools) {
        sb_add(&t, "; ");
        fmt_number(&t, (double)(c->schools - c->safe_given), 0, false);
        sb_add(&t, c->schools - c->safe_given == 1 ? " report card does" : " report cards do");
        sb_add(&t, " not give it");
    }
    sb_addc(&t, '.');
    doc_para(d, t.buf);
    sb_free(&t);
}

static void render_body(struct doc *d, const struct report *r)
{
    for (int g = 0; g < N_GROUPS; g++) {
        doc_heading(d, 2, group_titles[g]);
        render_headline(d, r, g);
        if (d->fmt == F_HTML && g == G_BREADTH)
            render_breadth_charts(d, r);
        if (d->fmt == F_HTML && g == G_IMPACT)
            render_impact_chart(d, r);
        if (d->fmt == F_HTML && g == G_FINANCIAL)
            render_finance_chart(d, r);
        render_series(d, r, g);
        if (g == G_DEPTH)
            render_engagement(d, r);
        if (g == G_IMPACT)
            render_impact_notes(d, r);
        if (g == G_IMPACT)
            render_report_cards(d, r, latest_period(r)->vals, &latest_period(r)->cards);
        if (g == G_FINANCIAL)
            render_finance(d, r);
        for (int dim = D_REGION; dim <= D_HUB && (g == G_BREADTH || g == G_IMPACT); dim++)
            if (dim_reported(r, dim))
                render_breakdown(d, r, g, dim);
    }
}

/* ---- The overview: the first page ---- */

/* Every target: the indicator, the status (word, and on a page shape and
 * colour; second, so that a phone shows it without scrolling), the latest
 * value, the target and the trend's value at the target's date. */
static void render_scorecard(struct doc *d, const struct report *r)
{
    static const char *const headers[] = {"Indicator", "Status", "Latest", "Target", "Trend at target date"};
    const char *cur = currency_of(r);
    struct cells cs = {.n = 0};
    bool any = false;
    for (int k = 0; k < N_KPIS; k++) {
        const struct target *t = row_target(&r->rows[k]);
        const struct eval *e = row_eval(&r->rows[k]);
        if (!t)
            continue;
        if (!any) {
            doc_heading(d, 3, "Targets");
            doc_table_begin(d, NULL, headers, "llrlr");
            any = true;
        }
        cells_add(&cs, kpis[k].label, false);
        sb_add(cells_next(&cs, e->status, false), status_names[e->status]);
        fmt_val(cells_next(&cs, -1, false), &r->rows[k].value, kpis[k].unit, cur);
        fmt_target(cells_next(&cs, -1, false), t, kpis[k].unit, cur);
        struct sb *p = cells_next(&cs, -1, false);
        if (e->has_proj && t->has_by)
            fmt_figure(p, e->proj_at_by, kpis[k].unit, cur, false);
        cells_emit(d, &cs);
    }
    if (any)
        doc_table_end(d);
}

/* The figures that moved most since the previous snapshot, with both
 * figures and the change between them as shown. */
static void render_moves(struct doc *d, const struct report *r)
{
    int n = r->nmoves;
    char was[32], now[32];
    doc_heading(d, 3, "What moved most");
    if (r->nperiods < 2) {
        doc_para(d, "One snapshot: nothing to compare with yet.");
        return;
    }
    if (!n) {
        doc_para(d, "No figure changed since the previous snapshot.");
        return;
    }
    const char *headers[] = {"Indicator", short_date(r->periods[r->nperiods - 2].as_of, was),
                             short_date(latest_period(r)->as_of, now), "Change"};
    const char *cur = currency_of(r);
    struct cells cs = {.n = 0};
    doc_table_begin(d, NULL, headers, "lrrr");
    for (int i = 0; i < n; i++) {
        int k = r->moves[i], unit = kpis[k].unit;
        const struct val *v = &r->rows[k].value, *prev = &r->rows[k].previous;
        cells_add(&cs, kpis[k].label, false);
        fmt_val(cells_next(&cs, -1, false), prev, unit, cur);
        fmt_val(cells_next(&cs, -1, false), v, unit, cur);
        fmt_figure(cells_next(&cs, -1, false), shown_change(v->x, prev->x, unit), unit, cur, true);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
}

/* ---- What changed: who joined and who left ---- */

/* "Since 31 December 2024, 12 schools joined and 9 left; 1 trust joined
 * and none left." (a group's: schools only) */
static void changes_sentence(struct sb *b, const struct report *r, const struct member_filter *f)
{
    char d[32];
    sb_printf(b, "Since %s, ", long_date(r->periods[r->nperiods - 2].as_of, d));
    for (int trusts = 0; trusts < (f->dim < 0 ? 2 : 1); trusts++) {
        int joined, left;
        free(member_changes(r, trusts, false, f, &joined));
        free(member_changes(r, trusts, true, f, &left));
        const char *what = trusts ? (joined == 1 ? " trust" : " trusts") : (joined == 1 ? " school" : " schools");
        sb_add(b, trusts ? "; " : "");
        if (joined)
            fmt_number(b, joined, 0, false);
        sb_printf(b, "%s%s joined and ", joined ? "" : "no", what);
        if (left)
            fmt_number(b, left, 0, false);
        sb_add(b, left ? " left" : "none left");
    }
    sb_addc(b, '.');
}

/* One list of "what changed": schools with URN, hub, region and pupils,
 * or trusts with their id. */
static void render_change_list(struct doc *d, const struct report *r, bool trusts, bool left,
                               const struct member_filter *f)
{
    static const char *const school_headers[] = {"School", "URN", "Hub", "Region", "Pupils"};
    static const char *const trust_headers[] = {"Trust", "Id"};
    int n, *idx = member_changes(r, trusts, left, f, &n);
    const struct period *from = left ? &r->periods[r->nperiods - 2] : latest_period(r);
    char title[48];
    snprintf(title, sizeof title, "%s that %s", trusts ? "Trusts" : "Schools", left ? "left" : "joined");
    struct cells cs = {.n = 0};
    if (n) {
        doc_heading(d, 3, title);
        doc_table_begin(d, NULL, trusts ? trust_headers : school_headers, trusts ? "ll" : "lrllr");
    }
    for (int i = 0; i < n; i++) {
        const struct member_line *m = trusts ? &from->trusts[idx[i]] : &from->schools[idx[i]];
        cells_add(&cs, m->name, false);
        if (trusts) {
            cells_add(&cs, m->id, false);
        } else {
            sb_printf(cells_next(&cs, -1, false), "%lld", m->urn);
            cells_add(&cs, m->hub ? m->hub : "no hub", false);
            cells_add(&cs, region_names[m->region], false);
            fmt_number(cells_next(&cs, -1, false), (double)m->pupils, 0, false);
        }
        cells_emit(d, &cs);
    }
    if (n)
        doc_table_end(d);
    free(idx);
}

/* The schools and trusts (a group's schools, with f) that joined and
 * left since the previous snapshot. */
static void render_changes(struct doc *d, const struct report *r, const struct member_filter *f)
{
    doc_heading(d, 2, "What changed");
    if (r->nperiods < 2) {
        doc_para(d, "One snapshot: nothing to compare with yet.");
        return;
    }
    struct sb t;
    sb_init(&t);
    changes_sentence(&t, r, f);
    doc_para(d, t.buf);
    sb_free(&t);
    for (int trusts = 0; trusts < (f->dim < 0 ? 2 : 1); trusts++)
        for (int left = 0; left < 2; left++)
            render_change_list(d, r, trusts, left, f);
}

/* The first page: every target, what moved most, on a page the key
 * charts, and the summary. */
static void render_overview(struct doc *d, const struct report *r)
{
    if (d->fmt == F_HTML)
        sb_add(d->b, "<section class=\"overview\">\n");
    doc_heading(d, 2, "Overview");
    render_scorecard(d, r);
    render_moves(d, r);
    if (r->nperiods > 1) {
        struct sb t;
        sb_init(&t);
        changes_sentence(&t, r, &whole_partnership);
        sb_add(&t, " The list is under \"What changed\".");
        doc_para(d, t.buf);
        sb_free(&t);
    }
    if (d->fmt == F_HTML)
        render_key_charts(d, r);
    render_summary(d, r);
    if (d->fmt == F_HTML)
        sb_add(d->b, "</section>\n");
}

/* ---- The glossary: the last part ---- */

/* Every abbreviation and term the report uses, in plain words. A row
 * here for each new one. */
static const char *const glossary[][2] = {
    {"pp (percentage points)", "The difference between two percentages: from 20% to 25% is +5.0 pp."},
    {"Points", "The difference between two KS2 scaled scores."},
    {"National", "The figure for all state-funded schools in England, as the Department for Education "
                 "publishes it."},
    {"FSM (free school meals)", "Pupils eligible for free school meals, the usual measure of disadvantage."},
    {"Disadvantaged pupils", "Pupils eligible for free school meals in the last six years, looked after by a local "
                             "authority or adopted from care, as the Department for Education counts them."},
    {"SEND", "Special educational needs and disabilities: pupils with an education, health and care plan or "
             "SEN support."},
    {"KS2", "Key stage 2: the end of primary school (year 6), with national tests in reading, maths, and "
            "grammar, punctuation and spelling (GPS)."},
    {"KS2 scaled score", "A KS2 test result on a scale from 80 to 120; 100 is the expected standard."},
    {"KS4", "Key stage 4: GCSEs at the end of year 11. Grade 4+ in English and maths is a standard pass in both."},
    {"Schools of four or more years", "Schools in the partnership for four years or more, over which changes "
                                      "in results are measured."},
    {"Suppressed", "A results figure resting on too few pupils to publish without identifying them."},
    {"High-deprivation target areas", "The areas the partnership aims to reach most, listed in the snapshot."},
    {"Hub", "A local group of schools in the partnership that work together."},
    {"Trust", "A multi-academy trust: one body running several academies."},
    {"QAR (Quality Assurance Review)", "A peer review of a school by a team of headteachers from other "
                                       "schools, led by a lead reviewer."},
    {"Areas of Excellence", "Practice a Quality Assurance Review recognised as excellent, to share with other "
                            "schools."},
    {"Report card", "Ofsted's inspection result under its 2025 framework: a grade in each area, from exceptional "
                    "to urgent improvement, and whether safeguarding is met."},
    {"Target, status", "Met: the latest figure meets the target. On track: not yet, but the trend meets it by "
                       "its date. At risk: the trend falls short by no more than a tenth. Off track: by more, or the date has "
                       "passed."},
    {"Trend", "The straight line that fits the snapshots' figures best (least squares), carried on to a "
              "target's date."},
};

/* The glossary, as a table of term and meaning. */
static void render_glossary(struct doc *d)
{
    static const char *const headers[] = {"Term", "Meaning"};
    struct cells cs = {.n = 0};
    doc_heading(d, 2, "Glossary");
    doc_table_begin(d, NULL, headers, "ll");
    for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++) {
        cells_add(&cs, glossary[i][0], false);
        cells_add(&cs, glossary[i][1], false);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
}

/* The contents of a page: a link to each part, which a printed PDF keeps. */
static void render_contents(struct doc *d)
{
    if (d->fmt != F_HTML || d->inline_styles)
        return;
    const char *parts[N_GROUPS + 4] = {"Overview"};
    int n = 1;
    for (int g = 0; g < N_GROUPS; g++)
        parts[n++] = group_titles[g];
    parts[n++] = "What changed";
    parts[n++] = "Glossary";
    sb_add(d->b, "<nav class=\"toc\" aria-label=\"Contents\"><ol>");
    for (int i = 0; i < n; i++) {
        sb_add(d->b, "<li><a href=\"#");
        heading_id(d->b, parts[i]);
        sb_add(d->b, "\">");
        doc_text(d, parts[i]);
        sb_add(d->b, "</a></li>");
    }
    sb_add(d->b, "</ol></nav>\n");
}

/* A line of links to other reports of the run: each text (the program's
 * own) with its relative path, which comes from the command line and so
 * goes through the link escapers; NULL paths are left out. */
static void doc_links(struct doc *d, const char *const *texts, const char *const *paths, int n)
{
    bool any = false;
    for (int i = 0; i < n; i++) {
        if (!paths[i])
            continue;
        if (d->fmt == F_HTML) {
            sb_add(d->b, any ? " \xC2\xB7 " : "<nav><p>");
            sb_add(d->b, "<a href=\"");
            html_href(d->b, paths[i]);
            sb_add(d->b, "\">");
            doc_text(d, texts[i]);
            sb_add(d->b, "</a>");
        } else {
            sb_add(d->b, any ? " \xC2\xB7 [" : "[");
            doc_text(d, texts[i]);
            sb_add(d->b, "](");
            md_link_dest(d->b, paths[i]);
            sb_addc(d->b, ')');
        }
        any = true;
    }
    if (any)
        sb_add(d->b, d->fmt == F_HTML ? "</p></nav>\n" : "\n\n");
}

/* A main report page: the model, and the way to the index of the reports
 * by group written in the same run (NULL: none). */
struct report_page {
    const struct report *r;
    int dim;                     /* the dimension of --by, when index is not NULL */
    const char *index;           /* relative path to the index, of the page's own format */
};

/* The whole report below its title. */
static void report_body(struct doc *d, const void *ctx)
{
    const struct report_page *p = ctx;
    const struct report *r = p->r;
    render_intro(d, r);
    render_contents(d);
    if (p->index) {
        char text[64];
        snprintf(text, sizeof text, "Reports by %s", dim_ids[p->dim]);
        const char *texts[] = {text};
        doc_links(d, texts, &p->index, 1);
    }
    render_overview(d, r);
    render_body(d, r);
    render_changes(d, r, &whole_partnership);
    render_glossary(d);
}

/* Inline, so the file stands alone. On a phone, tables and charts wider
 * than the screen scroll in their own box (charts at their drawn size, so
 * that their text stays legible); on A4, rows and charts are never split,
 * long tables are, and every page gets its number (the running footer's
 * text, from the report, is a second style sheet: see print_footer). */
static const char html_style[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;"
    "max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff;line-height:1.45;"
    "overflow-wrap:break-word}\n"
    ".cover{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1.5rem}"
    ".cover dt{font-weight:bold}.cover dd{margin:0}\n"
    "a{color:#1d4f91}.toc ol{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:0;margin:0 0 1rem}"
    "h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #1d4f91;padding-bottom:.2rem;"
    "margin-top:2rem}h3{font-size:1.05rem}\n"
    ".tw{overflow-x:auto;margin:.5rem 0 1rem}\n"
    "table{border-collapse:collapse;width:100%;font-size:.92rem}\n"
    "th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\n"
    "tbody th{min-width:11rem}thead th{border-bottom:2px solid #555}.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    ".chip{display:inline-block;padding:0 .45rem;border-radius:.7rem;border:1px solid #777}\n"
    "@media screen and (min-width:40rem){.chip{white-space:nowrap}}\n"
    ".met{background:#d8f0dc;border-color:#1e6b30}.on-track{background:#e0ecf8;border-color:#1d4f91}\n"
    ".at-risk{background:#fff1c7;border-color:#8a6100}.off-track{background:#fbdcdc;border-color:#9b1c1c;"
    "font-weight:bold}\n"
    ".met::before{content:\"\\2714  \"}.on-track::before{content:\"\\2197  \"}"
    ".at-risk::before{content:\"\\26A0  \"}.off-track::before{content:\"\\2716  \"}\n"
    "figure.chart{margin:1rem 0;overflow-x:auto}figure.chart svg{max-width:100%;height:auto}"
    "figcaption{font-size:.85rem;color:#444}\n"
    "svg text{fill:currentColor;font-size:12px}svg .ct{font-weight:bold;font-size:14px}\n"
    ".bar0{fill:#1d4f91}.bar1{fill:#c9d6ea;stroke:#1d4f91;stroke-width:1}"
    ".axis{stroke:#555;stroke-width:1}.series{fill:none;stroke:#1d4f91;stroke-width:2.5}"
    ".point{fill:#1d4f91}.target{stroke:#9b1c1c;stroke-width:1.5;stroke-dasharray:6 4}"
    ".projection{stroke:#1d4f91;stroke-width:2;stroke-dasharray:3 3}\n"
    "@media (max-width:40rem){body{margin:1rem auto;padding:0 .75rem}h1{font-size:1.35rem}"
    "figure.chart svg{max-width:none;width:auto}.cover{grid-template-columns:1fr;gap:0}"
    ".cover dd{margin-bottom:.3rem}table{font-size:.85rem}th,td{padding:.25rem .35rem}"
    "tbody th{min-width:8.5rem}}\n"
    "@media (prefers-color-scheme:dark){body{background:#161616;color:#eee}a{color:#8fb3e8}th,td{border-color:#555}"
    ".chip{color:#111}.chip.none,.chip.na{color:#eee}figcaption{color:#bbb}.bar0,.point{fill:#8fb3e8}.series,.projection{stroke:#8fb3e8}"
    ".bar1{fill:#33445e;stroke:#8fb3e8}.axis{stroke:#aaa}.target{stroke:#f08080}}\n"
    "@media print{@page{size:A4;margin:10mm 11mm 14mm;"
    "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);font:8pt sans-serif;color:#444}}"
    "body{max-width:none;margin:0;padding:0;font-size:9.5pt;line-height:1.3}"
    "h1{font-size:15pt;margin-top:0}h2{font-size:12pt;margin:1rem 0 .4rem;break-after:avoid}"
    "h3{font-size:10pt;margin:.8rem 0 .3rem;break-after:avoid}"
    ".tw{overflow:visible;margin:.3rem 0 .6rem}table{font-size:8.5pt}th,td{padding:.1rem .3rem}"
    "thead{display:table-header-group}tr,figure{break-inside:avoid}"
    "figure.chart{margin:.4rem 0;overflow:visible}"
    "figcaption{font-size:7.5pt}p{margin:.3rem 0;orphans:3;widows:3}.overview{break-after:page}}\n";

/* The running footer of a printed page: the organisation (when the
 * snapshot names it), the period and the date the figures are as of. */
static void print_footer(struct sb *b, const struct report *r)
{
    char d[32];
    if (r->organisation)
        sb_printf(b, "%s \xC2\xB7 ", r->organisation);
    add_period(b, r);
    sb_printf(b, " \xC2\xB7 figures as of %s", short_date(r->as_of, d));
}

/* A page in Markdown or HTML: the title as its first heading, then what
 * body() lays out. */
static void render_page(struct sb *b, int fmt, const char *title, void (*body)(struct doc *, const void *),
                        const void *ctx, const char *footer)
{
    struct doc d = {fmt, b, 0, NULL, false};
    chart_count = 0;
    if (fmt == F_HTML) {
        sb_add(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        html_escape(b, title);
        sb_add(b, "</title>\n<style>\n");
        sb_add(b, html_style);
        sb_add(b, "</style>\n");
        if (footer) {
            sb_add(b, "<style media=\"print\">@page{@bottom-left{content:");
            css_string(b, footer);
            sb_add(b, ";font:8pt sans-serif;color:#444}}</style>\n");
        }
        sb_add(b, "</head>\n<body>\n<main>\n");
    }
    doc_heading(&d, 1, title);
    body(&d, ctx);
    if (fmt == F_HTML)
        sb_add(b, "</main>\n</body>\n</html>\n");
}

/* The report; index: the relative path to the index of the reports by
 * dimension dim of the same run, in format fmt, or NULL. */
static void render_report(struct sb *b, int fmt, const struct report *r, int dim, const char *index)
{
    struct sb title, footer;
    sb_init(&title);
    sb_init(&footer);
    report_title(&title, r);
    print_footer(&footer, r);
    struct report_page page = {r, dim, index};
    render_page(b, fmt, title.buf, report_body, &page, footer.buf);
    sb_free(&title);
    sb_free(&footer);
}

/* ===================================================================== *
 *  JSON                                                                  *
 * ===================================================================== */

static void json_val(struct sb *b, const struct val *v)
{
    if (v->st == V_OK)
        json_number(b, v->x);
    else
        sb_add(b, "null");
}

static void json_date(struct sb *b, long long days)
{
    char d[16];
    json_string(b, iso_date(days, d));
}

/* The target's fields as a targets file writes them, without braces. */
static void json_target_fields(struct sb *b, const struct target *t)
{
    const char *sep = "";
    if (t->has_error) {
        sb_printf(b, "\"%s\": ", t->is_max ? "max" : "min");
        json_number(b, t->error);
        sep = ", ";
    }
    if (t->has_warn) {
        sb_printf(b, "%s\"%s\": ", sep, t->is_max ? "warn_max" : "warn_min");
        json_number(b, t->warn);
    }
    sb_add(b, ", \"by\": ");
    if (t->has_by)
        json_date(b, t->by);
    else
        sb_add(b, "null");
    if (t->required)
        sb_add(b, ", \"required\": true");
    sb_add(b, ", \"source\": ");
    json_string(b, t->source);
}

static void json_target(struct sb *b, const struct target *t)
{
    sb_addc(b, '{');
    json_target_fields(b, t);
    sb_addc(b, '}');
}

/* One indicator as the JSON output describes it: a row of kpis[] or a
 * survey. series has one value per period. */
struct indicator {
    const char *id, *label;
    int group, unit;
    bool has_base;
    const struct val *series;
    const struct val *national;  /* NULL when there is no comparator */
    const struct target *target; /* NULL when none */
    const struct eval *eval;
    bool has_change;
    double change;               /* against the previous value, when has_change */
};

static void json_indicator(struct sb *b, const struct report *r, const struct indicator *in)
{
    const struct val *v = &in->series[r->nperiods - 1];
    const struct val *prev = r->nperiods > 1 ? &in->series[r->nperiods - 2] : NULL;
    const struct eval *e = in->eval;
    sb_add(b, "    {\"id\": ");
    json_string(b, in->id);
    sb_add(b, ", \"group\": ");
    json_string(b, group_ids[in->group]);
    sb_add(b, ", \"label\": ");
    json_string(b, in->label);
    sb_add(b, ", \"unit\": ");
    json_string(b, unit_names[in->unit]);
    sb_add(b, ",\n     \"value\": ");
    json_val(b, v);
    if (in->national) {
        sb_add(b, ", \"national\": ");
        json_val(b, in->national);
    }
    if (v->st == V_SUPPRESSED)
        sb_add(b, ", \"suppressed\": true");
    if (in->has_base && v->st == V_OK && v->den > 0)
        sb_printf(b, ", \"base\": {\"count\": %lld, \"of\": %lld}", v->num, v->den);
    sb_add(b, ", \"previous\": ");
    if (prev)
        json_val(b, prev);
    else
        sb_add(b, "null");
    sb_add(b, ", \"change\": ");
    if (in->has_change)
        json_number(b, in->change);
    else
        sb_add(b, "null");
    sb_add(b, ",\n     \"series\": [");
    for (int i = 0; i < r->nperiods; i++) {
        sb_add(b, i ? ", {\"as_of\": " : "{\"as_of\": ");
        json_date(b, r->periods[i].as_of);
        sb_add(b, ", \"value\": ");
        json_val(b, &in->series[i]);
        sb_addc(b, '}');
    }
    sb_add(b, "],\n     \"target\": ");
    if (in->target)
        json_target(b, in->target);
    else
        sb_add(b, "null");
    sb_add(b, ", \"status\": ");
    json_string(b, status_names[e->status]);
    sb_add(b, ", \"projection\": ");
    if (e->has_proj) {
        sb_add(b, "{\"value_at_by\": ");
        json_number(b, e->proj_at_by);
        sb_add(b, ", \"reached\": ");
        if (e->reaches)
            json_date(b, e->reach);
        else
            sb_add(b, "null");
        sb_addc(b, '}');
    } else {
        sb_add(b, "null");
    }
    sb_addc(b, '}');
}

/* Every row of kpis[], then every survey of the latest snapshot. */
static void json_indicators(struct sb *b, const struct report *r)
{
    struct val *series = xcalloc((size_t)r->nperiods, sizeof *series);
    for (int k = 0; k < N_KPIS + r->nsurveys; k++) {
        struct indicator in;
        if (k < N_KPIS) {
            const struct indicator_row *row = &r->rows[k];
            for (int i = 0; i < r->nperiods; i++)
                series[i] = r->periods[i].vals[k];
            in = (struct indicator){kpis[k].id, kpis[k].label, kpis[k].group, kpis[k].unit,
                                    kpis[k].note != NULL, series, kpis[k].national ? &row->national : NULL,
                                    row_target(row), row_eval(row), row->has_change, row->change};
        } else {
            const struct survey_row *sv = &r->surveys[k - N_KPIS];
            in = (struct indicator){sv->id, sv->question, G_IMPACT, U_PCT, true, sv->series, NULL, NULL,
                                    &no_target, sv->has_change, sv->change};
        }
        json_indicator(b, r, &in);
        sb_add(b, k + 1 < N_KPIS + r->nsurveys ? ",\n" : "\n");
    }
    free(series);
}

/* Whether indicator k is in the JSON breakdowns and group reports: the
 * per-school ones, report-card ones only when the latest snapshot has
 * report cards (else every group would carry a column of nulls). */
static bool json_per_group(const struct report *r, int k)
{
    return (kpis[k].flags & K_SCHOOL) && (!(kpis[k].flags & K_CARD) || r->has_cards);
}

/* The report cards' distribution, on one line: the schools counted, each
 * area's schools at each grade (keys as in the format) and graded, and
 * safeguarding. */
static void json_card_dist(struct sb *b, const struct card_dist *c)
{
    /* Written piece by piece, not with sb_printf: a trust breakdown has
     * one of these per trust. */
    sb_add(b, "{\"schools\": ");
    json_number(b, (double)c->schools);
    sb_add(b, ", \"areas\": {");
    for (int a = 0; a < N_CARD_AREAS; a++) {
        sb_add(b, a ? ", " : "");
        json_string(b, card_area_keys[a]);
        sb_add(b, ": {");
        for (int g = 0; g < N_CARD_GRADES; g++) {
            json_string(b, card_grade_names[g]);
            sb_add(b, ": ");
            json_number(b, (double)c->grades[a][g]);
            sb_add(b, ", ");
        }
        sb_add(b, "\"graded\": ");
        json_number(b, (double)card_graded(c, a));
        sb_addc(b, '}');
    }
    sb_add(b, "}, \"safeguarding\": {\"met\": ");
    json_number(b, (double)c->safe_met);
    sb_add(b, ", \"not-met\": ");
    json_number(b, (double)(c->safe_given - c->safe_met));
    sb_add(b, "}}");
}

static void json_breakdowns(struct sb *b, const struct report *r)
{
    sb_add(b, "  \"breakdowns\": {");
    for (int dim = 0; dim < N_DIMS; dim++) {
        const struct breakdown *bd = &r->dims[dim];
        sb_printf(b, "%s\n    \"%s\": [", dim ? "," : "", dim_ids[dim]);
        for (int i = 0; i < bd->n; i++) {
            const struct group_row *g = &bd->rows[i];
            sb_add(b, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
            json_string(b, g->id);
            sb_add(b, ", \"name\": ");
            json_string(b, g->name);
            sb_add(b, ", \"indicators\": {");
            bool first = true, any_suppressed = false;
            for (int k = 0; k < N_KPIS; k++) {
                if (!json_per_group(r, k))
                    continue;
                sb_add(b, first ? "" : ", ");
                first = false;
                json_string(b, kpis[k].id);
                sb_add(b, ": ");
                json_val(b, &g->vals[k]);
                any_suppressed |= g->vals[k].st == V_SUPPRESSED;
            }
            sb_addc(b, '}');
            if (any_suppressed) {
                sb_add(b, ", \"suppressed\": [");
                first = true;
                for (int k = 0; k < N_KPIS; k++)
                    if (json_per_group(r, k) && g->vals[k].st == V_SUPPRESSED) {
                        sb_add(b, first ? "" : ", ");
                        first = false;
                        json_string(b, kpis[k].id);
                    }
                sb_addc(b, ']');
            }
            if (r->has_cards) {
                sb_add(b, ", \"report_cards\": ");
                json_card_dist(b, &g->cards);
            }
            sb_addc(b, '}');
        }
        sb_add(b, bd->n ? "\n    ]" : "]");
    }
    if (r->has_cards) {
        sb_add(b, ",\n    \"report_cards\": ");
        json_card_dist(b, &latest_period(r)->cards);
    }
    sb_add(b, "\n  }\n");
}

/* The "Data checks" note as a member after another, when the inputs had
 * plausibility findings. */
static void json_data_checks(struct sb *b, const struct report *r)
{
    if (r->plaus_found)
        sb_printf(b, ",\n  \"data_checks\": {\"plausibility_warnings\": %lld}", r->plaus_found);
}

static void render_json(struct sb *b, const struct report *r)
{
    sb_add(b, "{\n  \"format\": \"cpreport-indicators/1\",\n  \"as_of\": ");
    json_date(b, r->as_of);
    sb_add(b, ",\n  \"label\": ");
    if (r->label)
        json_string(b, r->label);
    else
        sb_add(b, "null");
    if (r->organisation) {
        sb_add(b, ",\n  \"organisation\": ");
        json_string(b, r->organisation);
    }
    sb_add(b, ",\n  \"snapshots\": [");
    for (int i = 0; i < r->nperiods; i++) {
        sb_add(b, i ? ", " : "");
        json_date(b, r->periods[i].as_of);
    }
    sb_add(b, "]");
    json_data_checks(b, r);
    if (r->finance_basis != BASIS_NONE)
        sb_printf(b, ",\n  \"finance\": {\"basis\": \"%s\"}", basis_names[r->finance_basis - BASIS_ACTUAL]);
    sb_add(b, ",\n  \"indicators\": [\n");
    json_indicators(b, r);
    sb_add(b, "  ],\n");
    json_breakdowns(b, r);
    sb_add(b, "}\n");
}

/* ===================================================================== *
 *  A report for every hub, region, trust or phase                        *
 * ===================================================================== */

static const char *const format_exts[] = {"md", "html", "json"};

struct group_ctx {
    const struct report *r;
    int dim;
    const struct group_row *g;
    const char *main;            /* relative path to the main report of the page's format, or NULL */
};

/* "Hub report: North East, December 2025"; the schools in no hub or
 * trust (id "none", which no hub or trust may take) are "Schools without
 * a hub: December 2025". */
static void group_title(struct sb *b, const struct report *r, int dim, const struct group_row *g)
{
    if (!strcmp(g->id, "none"))
        sb_printf(b, "Schools without a %s: ", dim_ids[dim]);
    else
        sb_printf(b, "%s report: %s, ", dim_titles[dim], g->name);
    add_period(b, r);
}

/* Whether a group's page shows indicator k: not what one group cannot
 * vary in (hubs reached, on a hub's page). */
static bool group_shows(int dim, int k)
{
    return !(dim == D_HUB && k == KPI_BREADTH_HUBS);
}

/* The way back to the index of the group reports, beside every one, and
 * to the main report when the run wrote one in the page's format (main:
 * its relative path, or NULL). */
static void render_group_nav(struct doc *d, int dim, const char *main)
{
    char text[64];
    snprintf(text, sizeof text, "All reports by %s", dim_ids[dim]);
    const char *texts[] = {text, "Main report"};
    const char *paths[] = {d->fmt == F_HTML ? "index.html" : "index.md", main};
    doc_links(d, texts, paths, 2);
}

/* A group's shares of pupils eligible for free school meals and with
 * SEND, beside the partnership's and England's. */
static void render_group_charts(struct doc *d, const struct report *r, const struct group_row *g)
{
    static const enum kpi_id ids[] = {KPI_BREADTH_FSM_PCT, KPI_BREADTH_SEND_PCT};
    static const char *const what[] = {"Free school meals", "SEND"};
    static const char *const keys[2] = {"This group", "Partnership, national"};
    struct bar bars[6];
    struct sb labels[6];
    for (int i = 0; i < 6; i++) {
        int k = ids[i / 3];
        sb_init(&labels[i]);
        sb_printf(&labels[i], "%s: %s", what[i / 3], i % 3 == 0 ? g->name : i % 3 == 1 ? "partnership" : "national");
        bars[i] = (struct bar){labels[i].buf,
                               i % 3 == 0 ? g->vals[k] : i % 3 == 1 ? r->rows[k].value : r->rows[k].national,
                               i % 3 != 0};
    }
    svg_bars(d->b, "Free school meals and SEND shares", "Share of pupils", bars, 6, U_PCT, NULL, keys);
    for (int i = 0; i < 6; i++)
        sb_free(&labels[i]);
}

/* Indicator, the group, the partnership, national: for each per-school
 * indicator of the breadth, depth and impact areas. */
static void group_body(struct doc *d, const void *ctx)
{
    const struct group_ctx *c = ctx;
    const struct report *r = c->r;
    double schools = c->g->vals[KPI_BREADTH_SCHOOLS].x, pupils = c->g->vals[KPI_BREADTH_PUPILS].x;
    char date[32];
    struct sb t;
    sb_init(&t);
    render_group_nav(d, c->dim, c->main);
    sb_printf(&t, "As of %s: ", long_date(r->as_of, date));
    fmt_number(&t, schools, 0, false);
    sb_add(&t, schools == 1 ? " active school and " : " active schools and ");
    fmt_number(&t, pupils, 0, false);
    sb_printf(&t, " pupils, compared with the whole partnership and with national figures. A results figure "
                  "resting on fewer than %d pupil%s is suppressed.", opt_min_cohort, opt_min_cohort == 1 ? "" : "s");
    doc_para(d, t.buf);
    sb_free(&t);
    doc_data_checks(d, r);
    const char *headers[] = {"Indicator", c->g->name, "Partnership", "National"};
    struct cells cs = {.n = 0};
    for (int group = G_BREADTH; group <= G_IMPACT; group++) {
        doc_heading(d, 2, group_titles[group]);
        doc_table_begin(d, NULL, headers, "lrrr");
        for (int k = 0; k < N_KPIS; k++) {
            if (kpis[k].group != group || (kpis[k].flags & (K_SCHOOL | K_CARD)) != K_SCHOOL || !group_shows(c->dim, k))
                continue;
            cells_add(&cs, kpis[k].label, false);
            fmt_val(cells_next(&cs, -1, false), &c->g->vals[k], kpis[k].unit, currency_of(r));
            fmt_val(cells_next(&cs, -1, false), &r->rows[k].value, kpis[k].unit, currency_of(r));
            if (kpis[k].national)
                fmt_val(cells_next(&cs, -1, false), &r->rows[k].national, kpis[k].unit, currency_of(r));
            else
                cells_add(&cs, "", false);
            cells_emit(d, &cs);
        }
        doc_table_end(d);
        if (group == G_BREADTH && d->fmt == F_HTML)
            render_group_charts(d, r, c->g);
    }
    render_report_cards(d, r, c->g->vals, &c->g->cards);
    static const char *const school_headers[] = {"School", "URN", "Phase", "Pupils", "FSM share", "Programmes"};
    doc_heading(d, 2, "Schools");
    doc_table_begin(d, NULL, school_headers, "lrlrrr");
    for (int i = 0; i < c->g->n; i++) {
        const struct school_row *sc = &r->schools[c->g->idx[i]];
        if (!sc->active)
            continue;
        cells_add(&cs, sc->name, false);
        sb_printf(cells_next(&cs, -1, false), "%lld", sc->urn);
        cells_add(&cs, phase_names[sc->phase], false);
        fmt_number(cells_next(&cs, -1, false), (double)sc->pupils, 0, false);
        fmt_val(cells_next(&cs, -1, false), &sc->fsm_share, U_PCT, NULL);
        fmt_number(cells_next(&cs, -1, false), (double)sc->programmes, 0, false);
        cells_emit(d, &cs);
    }
    doc_table_end(d);
    render_changes(d, r, &(struct member_filter){c->dim, c->g->id});
}

static void render_group_json(struct sb *b, const struct group_ctx *c)
{
    const struct report *r = c->r;
    sb_add(b, "{\n  \"format\": \"cpreport-group/1\",\n  \"dimension\": ");
    json_string(b, dim_ids[c->dim]);
    sb_add(b, ",\n  \"id\": ");
    json_string(b, c->g->id);
    sb_add(b, ",\n  \"name\": ");
    json_string(b, c->g->name);
    sb_add(b, ",\n  \"as_of\": ");
    json_date(b, r->as_of);
    json_data_checks(b, r);
    sb_add(b, ",\n  \"indicators\": [");
    bool first = true;
    for (int k = 0; k < N_KPIS; k++) {
        if (!json_per_group(r, k))
            continue;
        sb_add(b, first ? "\n    {\"id\": " : ",\n    {\"id\": ");
        first = false;
        json_string(b, kpis[k].id);
        sb_add(b, ", \"unit\": ");
        json_string(b, unit_names[kpis[k].unit]);
        sb_add(b, ", \"value\": ");
        json_val(b, &c->g->vals[k]);
        if (c->g->vals[k].st == V_SUPPRESSED)
            sb_add(b, ", \"suppressed\": true");
        sb_add(b, ", \"partnership\": ");
        json_val(b, &r->rows[k].value);
        sb_add(b, ", \"national\": ");
        json_val(b, &r->rows[k].national);
        sb_addc(b, '}');
    }
    sb_add(b, "\n  ],\n");
    if (r->has_cards) {
        sb_add(b, "  \"report_cards\": ");
        json_card_dist(b, &c->g->cards);
        sb_add(b, ",\n");
    }
    sb_add(b, "  \"schools\": [");
    first = true;
    for (int i = 0; i < c->g->n; i++) {
        const struct school_row *sc = &r->schools[c->g->idx[i]];
        if (!sc->active)
            continue;
        sb_printf(b, "%s\n    {\"urn\": %lld, \"name\": ", first ? "" : ",", sc->urn);
        first = false;
        json_string(b, sc->name);
        sb_printf(b, ", \"phase\": \"%s\", \"pupils\": %lld, \"fsm_pct\": ", phase_names[sc->phase], sc->pupils);
        json_val(b, &sc->fsm_share);
        sb_printf(b, ", \"programmes\": %lld}", sc->programmes);
    }
    sb_add(b, "\n  ]\n}\n");
}

/* A file name from a group's id that any file system takes: lower-case
 * letters, digits and hyphens, at most MAX_FILE_NAME_BYTES. */
static char *safe_name(const char *id)
{
    struct sb b;
    sb_init(&b);
    for (const char *p = id; *p && b.len < MAX_FILE_NAME_BYTES; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) && c < 0x80)
            sb_addc(&b, (char)tolower(c));
        else if (b.len && b.buf[b.len - 1] != '-')
            sb_addc(&b, '-');
    }
    while (b.len && b.buf[b.len - 1] == '-')
        b.buf[--b.len] = 0;
    if (!b.len)
        sb_add(&b, "group");
    return b.buf;
}

static uint64_t fnv1a(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL

struct named {
    char *name;
    int row;
};

static int cmp_named(const void *pa, const void *pb)
{
    const struct named *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : a->row - b->row;
}

/* File names for the rows of bd, unique by construction. A plain name
 * (safe_name) never holds two hyphens in a row. Where two ids give the same
 * plain name ("EMS" and "ems", "St Mary's" and "St Marys"), or it names a
 * device on Windows ("con") or the index, two hyphens and the hash of the
 * id are added: "ems--c2ec0618f04f6c4c", which no plain name can equal.
 * Two such names are equal only if two ids of one plain name have one
 * hash; plan_outputs refuses that, as any two outputs with one name. */
static char **group_file_names(const struct breakdown *bd)
{
    static const char *const reserved[] = {"con", "prn", "aux", "nul", "index", NULL};
    struct named *nm = xcalloc((size_t)bd->n + 1, sizeof *nm);
    for (int i = 0; i < bd->n; i++)
        nm[i] = (struct named){safe_name(bd->rows[i].id), i};
    qsort(nm, (size_t)bd->n, sizeof *nm, cmp_named);
    char **names = xcalloc((size_t)bd->n + 1, sizeof *names);
    for (int i = 0; i < bd->n; i++) {
        bool clash = (i > 0 && !strcmp(nm[i].name, nm[i - 1].name)) ||
                     (i + 1 < bd->n && !strcmp(nm[i].name, nm[i + 1].name));
        bool numbered_device = strlen(nm[i].name) == 4 && isdigit((unsigned char)nm[i].name[3]) &&
                               (!strncmp(nm[i].name, "com", 3) || !strncmp(nm[i].name, "lpt", 3));
        clash |= numbered_device;
        for (int k = 0; reserved[k] && !clash; k++)
            clash = !strcmp(nm[i].name, reserved[k]);
        const char *id = bd->rows[nm[i].row].id;
        struct sb b;
        sb_init(&b);
        sb_add(&b, nm[i].name);
        if (clash)
            sb_printf(&b, "--%016llx", (unsigned long long)fnv1a(id, strlen(id), FNV_OFFSET));
        names[nm[i].row] = b.buf;
    }
    for (int i = 0; i < bd->n; i++)
        free(nm[i].name);
    free(nm);
    return names;
}

struct index_ctx {
    const struct report *r;
    int dim;
    char **names;
    bool formats[3];
    int fmt;                     /* the index's own format */
    const char *main;            /* relative path to the main report of that format, or NULL */
};

/* The index: every group with its key figures and links to its reports,
 * then the groups with no active school, which get none. */
static void index_body(struct doc *d, const void *ctx)
{
    const struct index_ctx *x = ctx;
    const struct breakdown *bd = &x->r->dims[x->dim];
    const char *headers[8] = {dim_titles[x->dim], "Schools", "Pupils", "FSM share"};
    char align[9] = "lrrr";
    int nh = 4;
    static const char *const format_titles[] = {"Markdown", "HTML", "JSON"};
    /* The name links to the page's own format, or else the first one
     * written; the other formats get a column each. */
    int first_fmt = x->fmt;
    for (int f = 0; !x->formats[first_fmt]; f++)
        first_fmt = f;
    for (int f = 0; f < 3; f++)
        if (x->formats[f] && f != first_fmt) {
            headers[nh] = format_titles[f];
            align[nh++] = 'l';
        }
    align[nh] = 0;
    const char *main_text[] = {"Main report"};
    doc_links(d, main_text, &x->main, 1);
    char date[32];
    struct sb t;
    sb_init(&t);
    sb_printf(&t, "As of %s: a report for every %s with an active school, comparing it with the whole "
                  "partnership and with national figures.",
              long_date(x->r->as_of, date), dim_ids[x->dim]);
    doc_para(d, t.buf);
    doc_table_begin(d, NULL, headers, align);
    struct cells cs = {.n = 0};
    static const enum kpi_id columns[] = {KPI_BREADTH_SCHOOLS, KPI_BREADTH_PUPILS, KPI_BREADTH_FSM_PCT};
    for (int i = 0; i < bd->n; i++) {
        const struct group_row *g = &bd->rows[i];
        struct sb href[3]; /* the links must last until the row is emitted */
        for (int f = 0; f < 3; f++) {
            sb_init(&href[f]);
            sb_printf(&href[f], "%s.%s", x->names[i], format_exts[f]);
        }
        cells_link(&cs, g->name, href[first_fmt].buf);
        for (int c = 0; c < 3; c++) {
            int k = columns[c];
            fmt_val(cells_next(&cs, -1, false), &g->vals[k], kpis[k].unit, NULL);
        }
        for (int f = 0; f < 3; f++)
            if (x->formats[f] && f != first_fmt)
                cells_link(&cs, href[f].buf, href[f].buf);
        cells_emit(d, &cs);
        for (int f = 0; f < 3; f++)
            sb_free(&href[f]);
    }
    doc_table_end(d);
    if (bd->nempty) {
        sb_free(&t);
        sb_init(&t);
        sb_printf(&t, "No report for %d %s%s with no active school: ", bd->nempty, dim_ids[x->dim],
                  bd->nempty == 1 ? "" : "s");
        for (int i = 0; i < bd->nempty; i++)
            sb_printf(&t, "%s%s", i ? ", " : "", bd->empty[i]);
        sb_addc(&t, '.');
        doc_para(d, t.buf);
    }
    sb_free(&t);
}

/* The group reports of one run: what their outputs render from. */
struct group_files {
    const struct report *r;
    int dim;
    char **names;
    bool formats[3];
    char *main[2];               /* F_MD, F_HTML: relative path from DIR to the main report, or NULL */
};

/* A group's report (item: its row) or the index (item -1), rendered just
 * before it is written. */
static void render_group_file(struct sb *b, const struct output *o)
{
    const struct group_files *gf = o->ctx;
    const struct report *r = gf->r;
    struct sb title, footer;
    sb_init(&title);
    sb_init(&footer);
    print_footer(&footer, r);
    if (o->item >= 0) {
        struct group_ctx c = {r, gf->dim, &r->dims[gf->dim].rows[o->item], o->fmt != F_JSON ? gf->main[o->fmt] : NULL};
        group_title(&title, r, gf->dim, c.g);
        if (o->fmt == F_JSON)
            render_group_json(b, &c);
        else
            render_page(b, o->fmt, title.buf, group_body, &c, footer.buf);
    } else {
        struct index_ctx x = {r,      gf->dim, gf->names, {gf->formats[0], gf->formats[1], gf->formats[2]},
                              o->fmt, gf->main[o->fmt]};
        sb_printf(&title, "Reports by %s", dim_ids[gf->dim]);
        render_page(b, o->fmt, title.buf, index_body, &x, footer.buf);
    }
    sb_free(&title);
    sb_free(&footer);
}

static void group_files_free(struct group_files *gf)
{
    if (!gf)
        return;
    for (int i = 0; i < gf->r->dims[gf->dim].n; i++)
        free(gf->names[i]);
    free(gf->names);
    free(gf->main[F_MD]);
    free(gf->main[F_HTML]);
    free(gf);
}

/* Adds the group reports of dimension dim, in every format of formats[],
 * and their index (HTML, and Markdown when Markdown is asked for), to
 * *outs, as outputs rendered when written. Paths are DIR/NAME.EXT. NULL,
 * after saying why, when there are more than MAX_GROUPS groups. */
static struct group_files *add_group_outputs(struct output **outs, int *n, const struct report *r, int dim,
                                             const char *dir, const bool formats[3])
{
    const struct breakdown *bd = &r->dims[dim];
    if (bd->n > MAX_GROUPS) {
        fprintf(stderr,
                "%s: --by %s: %d %ss have an active school, more than the limit of %d groups given a "
                "report each (MAX_GROUPS); nothing was written\n",
                progname, dim_ids[dim], bd->n, dim_ids[dim], MAX_GROUPS);
        return NULL;
    }
    struct group_files *gf = xcalloc(1, sizeof *gf);
    *gf = (struct group_files){r, dim, group_file_names(bd), {formats[0], formats[1], formats[2]}, {NULL, NULL}};
    *outs = xrealloc(*outs, sizeof **outs * (size_t)(*n + bd->n * 3 + 2));
    int dirlen = (int)strlen(dir);
    while (dirlen > 1 && dir[dirlen - 1] == '/') /* "out/" gives out/h1.md */
        dirlen--;
    for (int g = 0; g <= bd->n; g++) {
        int i = g < bd->n ? g : -1; /* the index last: HTML, and Markdown when asked for */
        for (int f = 0; f < 3; f++) {
            if (i < 0 ? f == F_JSON || (f == F_MD && !formats[F_MD]) : !formats[f])
                continue;
            struct output *o = &(*outs)[(*n)++];
            struct sb path, what;
            sb_init(&path);
            sb_init(&what);
            sb_printf(&path, "%.*s%s%s.%s", dirlen, dir, strcmp(dir, "/") ? "/" : "", i < 0 ? "index" : gf->names[i],
                      format_exts[f]);
            if (i < 0)
                sb_printf(&what, "the index of --by %s", dim_ids[dim]);
            else
                sb_printf(&what, "the report of --by %s for '%s'", dim_ids[dim], shown(bd->rows[i].id));
            *o = output_to(f, path.buf);
            o->owned_path = path.buf;
            o->what = o->owned_what = what.buf;
            o->render = render_group_file;
            o->ctx = gf;
            o->item = i;
        }
    }
    return gf;
}

/* ===================================================================== *
 *  Ready to send: one RFC 5322 message (--eml)                           *
 * ===================================================================== */

struct mail {
    const char *from, *subject;
    const char **to;
    int nto;
};

/* Length of the character at p that must never reach a header, or 0: a
 * control character (C0, DEL or C1, U+0080 to U+009F) or a line or
 * paragraph separator (U+2028, U+2029), any of which a mail client may
 * decode from an encoded word into a line break. */
static size_t header_control(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] < 0x20 || u[0] == 0x7F)
        return 1;
    if (u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F)
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
        return 3;
    return 0;
}

/* The subject as the header gets it: control characters (header_control)
 * become spaces and bidirectional controls U+FFFD, as in Markdown. Only a
 * snapshot's label can hold them by then: --subject is checked first. */
static void mail_subject(struct sb *b, const char *s)
{
    while (*s) {
        size_t n = header_control(s);
        if (n) {
            sb_addc(b, ' ');
            s += n;
        } else if (bidi_control(s)) {
            sb_add(b, REPLACEMENT_CHARACTER);
            s += 3;
        } else {
            sb_addc(b, *s++);
        }
    }
}

/* Whether a is an address a header can hold as it is (RFC 5322, kept
 * simple): "local@domain" or "Name <local@domain>". The local part is one
 * or more of letters, digits, '.' and !#$%&'*+-/=?^_`{|}~; the domain one
 * or more of letters, digits, '.' and '-'; the name printable ASCII
 * without the specials ()<>[]:;@\,". */
static bool mail_address_ok(const char *a)
{
    static const char atext[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+-/=?^_`{|}~";
    const char *lt = strchr(a, '<');
    if (lt) {
        for (const char *p = a; p < lt; p++)
            if (*p < 0x20 || *p >= 0x7F || strchr("()<>[]:;@\\,\"", *p))
                return false;
        a = lt + 1;
    }
    size_t local = strspn(a, atext);
    if (!local || a[local] != '@')
        return false;
    const char *domain = a + local + 1;
    size_t n = strspn(domain, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
    return n && !strcmp(domain + n, lt ? ">" : "");
}

/* NULL when every header --eml makes from m can be written; else why not,
 * naming the option and showing the value (in a static buffer). */
static const char *mail_problem(const struct mail *m)
{
    static char why[MAX_SHOWN_NAME + 200];
    for (int i = -1; i < m->nto; i++) {
        const char *a = i < 0 ? m->from : m->to[i];
        if (!mail_address_ok(a)) {
            snprintf(why, sizeof why, "%s takes an address written local@domain or Name <local@domain>, not '%s'",
                     i < 0 ? "--mail-from" : "--mail-to", shown(a));
            return why;
        }
    }
    for (const char *p = m->subject; p && *p; p++) {
        size_t n = utf8_length((const unsigned char *)p, strlen(p));
        if (!n || header_control(p)) {
            snprintf(why, sizeof why, "--subject takes UTF-8 text without control characters, not '%s'",
                     shown(m->subject));
            return why;
        }
        p += n - 1;
    }
    return NULL;
}

/* The summary a mail client shows: title, summary sentences, and the
 * indicators that have targets. Markdown for text/plain; for text/html,
 * tables with inline styles only (clients drop style sheets, SVG and
 * scripts, and clip long messages). */
static void mail_summary_body(struct doc *d, const void *ctx)
{
    static const char *const headers[] = {"Indicator", "Value", "Target", "Status"};
    const struct report *r = ctx;
    render_intro(d, r);
    render_summary(d, r);
    doc_heading(d, 2, "Targets");
    doc_table_begin(d, NULL, headers, "lrll");
    struct cells cs = {.n = 0};
    for (int k = 0; k < N_KPIS; k++) {
        const struct indicator_row *row = &r->rows[k];
        if (!row->judged)
            continue;
        cells_add(&cs, kpis[k].label, false);
        fmt_val(cells_next(&cs, -1, false), &row->value, kpis[k].unit, currency_of(r));
        fmt_target(cells_next(&cs, -1, false), row_target(row), kpis[k].unit, currency_of(r));
        fmt_status(cells_next(&cs, row_eval(row)->status, false), row_eval(row), row_target(row));
        cells_emit(d, &cs);
    }
    doc_table_end(d);
    doc_para(d, "The full report is attached: report.html for reading and printing, report.md as text.");
}

static void mail_summary(struct sb *b, int fmt, const struct report *r)
{
    struct sb title;
    sb_init(&title);
    report_title(&title, r);
    if (fmt == F_HTML) {
        struct doc d = {F_HTML, b, 0, NULL, true};
        sb_add(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        html_escape(b, title.buf);
        sb_add(b, "</title>\n</head>\n<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;"
                  "color:#1b1b1b;background:#ffffff\">\n");
        doc_heading(&d, 1, title.buf);
        mail_summary_body(&d, r);
        sb_add(b, "</body>\n</html>\n");
    } else {
        render_page(b, F_MD, title.buf, mail_summary_body, r, NULL);
    }
    sb_free(&title);
}

/* Base64 in lines of 76 characters, each ending CRLF (RFC 2045). */
static void base64_lines(struct sb *b, const char *data, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)data;
    for (size_t i = 0; i < n; i += 57) {
        size_t line = n - i < 57 ? n - i : 57;
        for (size_t j = 0; j < line; j += 3) {
            unsigned v = (unsigned)p[i + j] << 16;
            if (j + 1 < line)
                v |= (unsigned)p[i + j + 1] << 8;
            if (j + 2 < line)
                v |= p[i + j + 2];
            char q[4] = {digits[v >> 18 & 63], digits[v >> 12 & 63], j + 1 < line ? digits[v >> 6 & 63] : '=',
                         j + 2 < line ? digits[v & 63] : '='};
            sb_addn(b, q, 4);
        }
        sb_add(b, "\r\n");
    }
}

/* A header field, folded where it would pass 78 characters. Plain
 * printable ASCII is folded at its spaces (addresses must stay as they
 * are, RFC 2047 section 5); a word longer than a line keeps a line of its
 * own. Other text (only a subject can hold it: addresses are checked to
 * be ASCII) is sent as RFC 2047 encoded words of whole UTF-8 characters,
 * so a line break in it cannot start a new header. */
static void mail_header(struct sb *b, const char *name, const char *value)
{
    bool plain = true;
    for (const char *p = value; *p && plain; p++)
        plain = *p >= 0x20 && *p < 0x7F;
    sb_printf(b, "%s:", name);
    size_t col = strlen(name) + 1, i = 0, n = strlen(value);
    while (plain && i < n) {
        size_t len = strcspn(value + i, " ");
        if (col > strlen(name) + 1 && col + 1 + len > 78) {
            sb_add(b, "\r\n");
            col = 0;
        }
        sb_addc(b, ' ');
        sb_addn(b, value + i, len);
        col += 1 + len;
        i += len;
        i += value[i] == ' ';
    }
    while (!plain && i < n) {
        /* A word of b bytes is 12 + 4 b / 3 characters long: 45 bytes
         * fill a folded line, fewer the first, after the name. */
        size_t len = 0, budget = i ? 45 : (78 - col - 1 - 12) / 4 * 3;
        while (i + len < n) {
            size_t c = utf8_length((const unsigned char *)value + i + len, n - i - len);
            if (!c)
                c = 1;
            if (len + c > budget)
                break;
            len += c;
        }
        struct sb w;
        sb_init(&w);
        base64_lines(&w, value + i, len);
        w.len -= 2;         /* one word: no line end */
        w.buf[w.len] = 0;
        sb_printf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : " ", w.buf);
        sb_free(&w);
        i += len;
    }
    sb_add(b, "\r\n");
}

static void mime_part(struct sb *b, const char *boundary, const char *type, const char *filename,
                      const struct sb *content)
{
    sb_printf(b, "--%s\r\nContent-Type: %s; charset=UTF-8", boundary, type);
    if (filename)
        sb_printf(b, "; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"", filename, filename);
    sb_add(b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    base64_lines(b, content->buf, content->len);
}

/* RFC 5322 date, from SOURCE_DATE_EPOCH only: without it the message
 * has no Date, which the sending server adds. */
static bool mail_date(char out[40])
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char iso[32];
    if (!source_date(iso))
        return false;
    long long day = days_from_civil(atoi(iso), atoi(iso + 5), atoi(iso + 8));
    snprintf(out, 40, "%s, %d %s %.4s %.8s +0000", days[((day % 7) + 7) % 7], atoi(iso + 8),
             months[atoi(iso + 5) - 1], iso, iso + 11);
    return true;
}

/* The whole message: multipart/mixed holding multipart/alternative (the
 * summary as text and as HTML), then report.html and report.md. The
 * boundaries and Message-ID come from a hash of the whole message (the
 * addresses, subject and date too), so the same report to the same people
 * gives the same bytes, and any other message another Message-ID. */
static void render_eml(struct sb *b, const struct report *r, const struct mail *m)
{
    struct sb text, html, page, md, title, subject, to;
    sb_init(&subject);
    sb_init(&text);
    sb_init(&html);
    sb_init(&page);
    sb_init(&md);
    sb_init(&title);
    sb_init(&to);
    mail_summary(&text, F_MD, r);
    mail_summary(&html, F_HTML, r);
    render_report(&page, F_HTML, r, -1, NULL);
    render_report(&md, F_MD, r, -1, NULL);
    report_title(&title, r);
    mail_subject(&subject, m->subject ? m->subject : title.buf);
    for (int i = 0; i < m->nto; i++)
        sb_printf(&to, "%s%s", i ? ", " : "", m->to[i]);
    char mixed[48], alt[48], date[40];
    bool dated = mail_date(date);
    /* Each header value and part ends with a NUL in the hash, so that no
     * two messages hash the same text split differently. */
    uint64_t h = FNV_OFFSET;
    const struct sb *parts[] = {&to, &subject, &text, &html, &page, &md};
    h = fnv1a(m->from, strlen(m->from) + 1, h);
    h = fnv1a(dated ? date : "", dated ? strlen(date) + 1 : 1, h);
    for (int i = 0; i < 6; i++)
        h = fnv1a(parts[i]->buf, parts[i]->len + 1, h);
    snprintf(mixed, sizeof mixed, "=_cpreport_mixed_%016llx", (unsigned long long)h);
    snprintf(alt, sizeof alt, "=_cpreport_alt_%016llx", (unsigned long long)h);
    const char *at = strrchr(m->from, '@');
    struct sb id;
    sb_init(&id);
    sb_printf(&id, "<%016llx.cpreport@%.*s>", (unsigned long long)h, at ? (int)strcspn(at + 1, "> ") : 9,
              at ? at + 1 : "localhost");

    mail_header(b, "From", m->from);
    mail_header(b, "To", to.buf);
    mail_header(b, "Subject", subject.buf);
    if (dated)
        mail_header(b, "Date", date);
    mail_header(b, "Message-ID", id.buf);
    sb_add(b, "MIME-Version: 1.0\r\n");
    sb_printf(b, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", mixed);
    sb_add(b, "This is a MIME message: the report is attached.\r\n");
    sb_printf(b, "--%s\r\nContent-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n", mixed, alt);
    mime_part(b, alt, "text/plain", NULL, &text);
    mime_part(b, alt, "text/html", NULL, &html);
    sb_printf(b, "--%s--\r\n", alt);
    mime_part(b, mixed, "text/html", "report.html", &page);
    mime_part(b, mixed, "text/markdown", "report.md", &md);
    sb_printf(b, "--%s--\r\n", mixed);
    sb_free(&text);
    sb_free(&html);
    sb_free(&page);
    sb_free(&md);
    sb_free(&title);
    sb_free(&subject);
    sb_free(&to);
    sb_free(&id);
}

/* ===================================================================== *
 *  The CI gate: `cpreport check`                                         *
 * ===================================================================== */

static const char *const verdict_words[] = {"PASS", "WARN", "FAIL", "N/A"};
static const char *const verdict_ids[] = {"pass", "warn", "fail", "not available"};

enum fail_on { FAIL_ON_ERROR, FAIL_ON_WARN, FAIL_ON_NEVER };
static const char *const fail_on_names[] = {"error", "warn", "never", NULL};

/* One target's judgement (the model's) and the sentence that explains it. */
struct check_row {
    const struct target *t;
    int verdict;
    const struct judgement *j;
    struct sb msg;
};

struct check {
    struct check_row *rows;
    int n, counts[4];
};

/* What passed, warned or failed, in the words of the report's summary:
 * "84, at risk of missing at least 100 by 31 August 2027 (projected
 * 3 March 2029)". The status is the one of the bound that explains the
 * verdict. */
static void check_message(struct sb *m, const struct report *r, const struct check_row *c)
{
    static const char *const phrases[] = {[ST_MET] = "meeting its target of", [ST_ON_TRACK] = "on track for",
                                          [ST_AT_RISK] = "at risk of missing", [ST_OFF_TRACK] = "off track for"};
    const struct target *t = c->t;
    const struct val *v = &latest_period(r)->vals[t->kpi];
    int unit = kpis[t->kpi].unit;
    char d[32];
    if (v->st != V_OK) {
        sb_add(m, v->st == V_SUPPRESSED ? "suppressed" : "not available");
        if (t->required)
            sb_add(m, ", and the target is required");
        return;
    }
    bool use_warn = c->j->warn_decides;
    const struct eval *e = use_warn ? &c->j->warn : &c->j->err;
    double bound = use_warn ? t->warn : t->error;
    struct sb shown, limit;
    sb_init(&shown);
    sb_init(&limit);
    fmt_figure(&shown, v->x, unit, currency_of(r), false);
    fmt_bound(&limit, bound, unit, currency_of(r));
    /* "40.0%, off track for at least 40.0%" says nothing: show both with
     * the places that differ. */
    for (int extra = 1; extra <= MAX_EXTRA_PLACES && v->x != bound && !strcmp(shown.buf + (*shown.buf == '+'), limit.buf); extra++) {
        sb_reset(&shown);
        sb_reset(&limit);
        fmt_figure_places(&shown, v->x, unit, currency_of(r), false, extra);
        fmt_bound_places(&limit, bound, unit, currency_of(r), extra);
    }
    sb_printf(m, "%s, %s %s %s", shown.buf, phrases[e->status], t->is_max ? "at most" : "at least", limit.buf);
    sb_free(&shown);
    sb_free(&limit);
    if (t->has_by)
        sb_printf(m, " by %s", long_date(t->by, d));
    if (t->has_by && e->status != ST_MET) {
        if (e->due)
            sb_add(m, " (the date has come)");
        else if (e->reaches)
            sb_printf(m, " (projected %s)", long_date(e->reach, d));
        else if (e->has_proj && e->status != ST_ON_TRACK)
            sb_add(m, " (not at the current trend)");
    }
    if (use_warn && c->verdict == VD_WARN && t->has_error)
        sb_add(m, " (warning bound)");
}

static void run_check(struct check *ck, const struct report *r)
{
    ck->rows = xcalloc((size_t)r->ntargets + 1, sizeof *ck->rows);
    ck->n = r->ntargets;
    for (int i = 0; i < r->ntargets; i++) {
        struct check_row *c = &ck->rows[i];
        c->j = &r->judged[i];
        c->t = c->j->t;
        c->verdict = c->j->verdict;
        ck->counts[c->verdict]++;
        sb_init(&c->msg);
        check_message(&c->msg, r, c);
    }
}

static void check_free(struct check *ck)
{
    for (int i = 0; i < ck->n; i++)
        sb_free(&ck->rows[i].msg);
    free(ck->rows);
}

/* The exit status the verdicts call for. */
static int check_status(const struct check *ck, int fail_on)
{
    if (fail_on == FAIL_ON_NEVER)
        return EXIT_OK;
    return ck->counts[VD_FAIL] || (fail_on == FAIL_ON_WARN && ck->counts[VD_WARN]) ? EXIT_FAIL : EXIT_OK;
}

/* Whether the run is a GitHub Actions job, which reads workflow commands. */
static bool github_actions(void)
{
    const char *gh = getenv("GITHUB_ACTIONS");
    return gh && !strcmp(gh, "true");
}

/* GitHub's workflow commands end a property at ':' or ',' and a message at
 * a line break, so those are percent-encoded. */
static void gh_escape(struct sb *b, const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%' || *s == '\r' || *s == '\n' || (property && (*s == ':' || *s == ',')))
            sb_printf(b, "%%%02X", (unsigned char)*s);
        else
            sb_addc(b, *s);
    }
}

/* The human lines: verdict, id and message, aligned; then the summary. */
static void render_check_text(struct sb *b, const struct check *ck, bool colour,
                              bool github)
{
    static const char *const colours[] = {"\033[32m", "\033[33m", "\033[1;31m", "\033[2m"};
    int width = 0;
    for (int i = 0; i < ck->n; i++) {
        int w = (int)strlen(kpis[ck->rows[i].t->kpi].id);
        width = w > width ? w : width;
    }
    for (int i = 0; i < ck->n; i++) {
        const struct check_row *c = &ck->rows[i];
        sb_printf(b, "%s%-4s%s  %-*s  %s\n", colour ? colours[c->verdict] : "", verdict_words[c->verdict],
                  colour ? "\033[0m" : "", width, kpis[c->t->kpi].id, c->msg.buf);
    }
    sb_printf(b, "%d passed, %d warned, %d failed", ck->counts[VD_PASS], ck->counts[VD_WARN], ck->counts[VD_FAIL]);
    if (ck->counts[VD_NA])
        sb_printf(b, " (%d not available)", ck->counts[VD_NA]);
    sb_addc(b, '\n');
    for (int i = 0; github && i < ck->n; i++) {
        const struct check_row *c = &ck->rows[i];
        if (c->verdict != VD_FAIL && c->verdict != VD_WARN)
            continue;
        sb_printf(b, "::%s title=", c->verdict == VD_FAIL ? "error" : "warning");
        gh_escape(b, "cpreport ", true);
        gh_escape(b, kpis[c->t->kpi].id, true);
        sb_add(b, "::");
        gh_escape(b, c->msg.buf, false);
        sb_addc(b, '\n');
    }
}

/* The Markdown summary for $GITHUB_STEP_SUMMARY. */
static void render_check_markdown(struct sb *b, const struct check *ck)
{
    static const char *const headers[] = {"Verdict", "Indicator", "Check"};
    struct doc d = {F_MD, b, 0, NULL, false};
    struct cells cs = {.n = 0};
    char title[80];
    snprintf(title, sizeof title, "cpreport check: %d passed, %d warned, %d failed", ck->counts[VD_PASS],
             ck->counts[VD_WARN], ck->counts[VD_FAIL]);
    doc_heading(&d, 2, title);
    doc_table_begin(&d, NULL, headers, "lll");
    for (int i = 0; i < ck->n; i++) {
        cells_add(&cs, verdict_words[ck->rows[i].verdict], ck->rows[i].verdict == VD_FAIL);
        cells_add(&cs, kpis[ck->rows[i].t->kpi].label, false);
        cells_add(&cs, ck->rows[i].msg.buf, false);
        cells_emit(&d, &cs);
    }
    doc_table_end(&d);
}

/* The XML declaration and the opening tags, with the counts, of check's
 * JUnit file: one testsuite, dated only by SOURCE_DATE_EPOCH. */
static void junit_head(struct sb *b, int tests, int failures, int errors, int skipped)
{
    char ts[32], counts[128];
    snprintf(counts, sizeof counts, "name=\"cpreport check\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"",
             tests, failures, errors, skipped);
    sb_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites %s>\n  <testsuite %s", counts, counts);
    if (source_date(ts))
        sb_printf(b, " timestamp=\"%s\"", ts);
    sb_add(b, ">\n");
}

/* JUnit XML as GitHub Actions, GitLab and Jenkins read it: one testsuite,
 * one testcase per target. A warning's case is named "ID (WARN)", so that
 * a dashboard listing only names still shows it, and is a failure of type
 * "warning" when --fail-on warn makes warnings fail the run. XML text and
 * attributes use html_escape, whose entities are XML's too. */
static void render_junit(struct sb *b, const struct check *ck, int fail_on)
{
    bool warn_fails = fail_on == FAIL_ON_WARN;
    junit_head(b, ck->n, ck->counts[VD_FAIL] + (warn_fails ? ck->counts[VD_WARN] : 0), 0, ck->counts[VD_NA]);
    for (int i = 0; i < ck->n; i++) {
        const struct check_row *c = &ck->rows[i];
        const struct kpi *k = &kpis[c->t->kpi];
        bool failure = c->verdict == VD_FAIL || (c->verdict == VD_WARN && warn_fails);
        sb_add(b, "    <testcase name=\"");
        html_escape(b, k->id);
        sb_printf(b, "%s\" classname=\"cpreport.%s\"", c->verdict == VD_WARN ? " (WARN)" : "", group_ids[k->group]);
        if (c->verdict == VD_PASS) {
            sb_add(b, "/>\n");
            continue;
        }
        sb_add(b, ">\n      ");
        if (failure)
            sb_add(b, "<failure message=\"");
        else if (c->verdict == VD_NA)
            sb_add(b, "<skipped message=\"");
        else
            sb_add(b, "<system-out>WARN ");
        html_escape(b, c->msg.buf);
        if (failure) {
            sb_add(b, "\" type=\"");
            html_escape(b, c->verdict == VD_WARN ? "warning"
                                                 : status_names[c->j->warn_decides ? c->j->warn.status
                                                                                    : c->j->err.status]);
            sb_add(b, "\">");
            html_escape(b, c->msg.buf);
            sb_add(b, "</failure>\n");
        } else {
            sb_add(b, c->verdict == VD_NA ? "\"/>\n" : "</system-out>\n");
        }
        sb_add(b, "    </testcase>\n");
    }
    sb_add(b, "  </testsuite>\n</testsuites>\n");
}

/* The fields before "targets", alike in every check JSON file; as_of is
 * null when the inputs did not load (r NULL). */
static void check_json_head(struct sb *b, const struct report *r, const struct check *ck, int fail_on, int status)
{
    char ts[32];
    sb_add(b, "{\n  \"format\": \"cpreport-check/1\",\n  \"as_of\": ");
    if (r)
        json_date(b, r->as_of);
    else
        sb_add(b, "null");
    if (source_date(ts)) {
        sb_add(b, ",\n  \"generated\": ");
        json_string(b, ts);
    }
    sb_printf(b, ",\n  \"fail_on\": \"%s\",\n  \"exit_status\": %d,\n", fail_on_names[fail_on], status);
    sb_printf(b, "  \"summary\": {\"passed\": %d, \"warned\": %d, \"failed\": %d, \"not_available\": %d},\n",
              ck->counts[VD_PASS], ck->counts[VD_WARN], ck->counts[VD_FAIL], ck->counts[VD_NA]);
}

/* Every target, passes too: value, bounds, statuses, verdict. */
static void render_check_json(struct sb *b, const struct report *r, const struct check *ck, int fail_on)
{
    check_json_head(b, r, ck, fail_on, check_status(ck, fail_on));
    sb_add(b, "  \"targets\": [");
    for (int i = 0; i < ck->n; i++) {
        const struct check_row *c = &ck->rows[i];
        const struct val *v = &latest_period(r)->vals[c->t->kpi];
        sb_add(b, i ? ",\n    {\"kpi\": " : "\n    {\"kpi\": ");
        json_string(b, kpis[c->t->kpi].id);
        sb_add(b, ", \"unit\": ");
        json_string(b, unit_names[kpis[c->t->kpi].unit]);
        sb_add(b, ", \"value\": ");
        json_val(b, v);
        if (v->st == V_SUPPRESSED)
            sb_add(b, ", \"suppressed\": true");
        sb_add(b, ",\n     \"target\": ");
        json_target(b, c->t);
        sb_add(b, ",\n     \"status\": ");
        json_string(b, c->t->has_error ? status_names[c->j->err.status] : "no target");
        sb_add(b, ", \"warning_status\": ");
        json_string(b, c->t->has_warn ? status_names[c->j->warn.status] : "no target");
        sb_add(b, ", \"verdict\": ");
        json_string(b, c->verdict == VD_NA && v->st == V_SUPPRESSED ? "suppressed" : verdict_ids[c->verdict]);
        sb_add(b, ", \"message\": ");
        json_string(b, c->msg.buf);
        sb_addc(b, '}');
    }
    sb_add(b, ck->n ? "\n  ],\n  \"input_errors\": []\n}\n" : "],\n  \"input_errors\": []\n}\n");
}

/* Where an input error is: "FILE", "FILE:LINE:COL" or "FILE: PATH". */
static void problem_place(struct sb *b, const struct problem *p)
{
    sb_add(b, p->file);
    if (p->line)
        sb_printf(b, ":%lld:%lld", p->line, p->col);
    else if (*p->path)
        sb_printf(b, ": %s", p->path);
}

/* When the inputs did not load, check writes its files all the same, so
 * that CI finds them: JUnit with one test case in error per input error
 * (named by its place, its message in the <error>), and JSON with no
 * targets, exit_status 2 and the errors in input_errors. */
static void render_junit_problems(struct sb *b, const struct problems *ps)
{
    struct sb place;
    sb_init(&place);
    junit_head(b, ps->n, 0, ps->n, 0);
    for (int i = 0; i < ps->n; i++) {
        sb_reset(&place);
        problem_place(&place, &ps->list[i]);
        sb_add(b, "    <testcase name=\"");
        html_escape(b, place.buf);
        sb_add(b, "\" classname=\"cpreport.input\">\n      <error message=\"");
        html_escape(b, ps->list[i].message);
        sb_add(b, "\" type=\"invalid input\">");
        html_escape(b, place.buf);
        sb_add(b, ": ");
        html_escape(b, ps->list[i].message);
        sb_add(b, "</error>\n    </testcase>\n");
    }
    sb_add(b, "  </testsuite>\n</testsuites>\n");
    sb_free(&place);
}

static void render_check_json_problems(struct sb *b, const struct problems *ps, int fail_on)
{
    struct check none = {NULL, 0, {0, 0, 0, 0}};
    check_json_head(b, NULL, &none, fail_on, EXIT_BAD_INPUT);
    sb_add(b, "  \"targets\": [],\n  \"input_errors\": [");
    for (int i = 0; i < ps->n; i++) {
        const struct problem *p = &ps->list[i];
        sb_add(b, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
        json_string(b, p->file);
        sb_add(b, ", \"path\": ");
        if (*p->path)
            json_string(b, p->path);
        else
            sb_add(b, "null");
        if (p->line)
            sb_printf(b, ", \"line\": %lld, \"column\": %lld", p->line, p->col);
        else
            sb_add(b, ", \"line\": null, \"column\": null");
        sb_add(b, ", \"message\": ");
        json_string(b, p->message);
        sb_addc(b, '}');
    }
    sb_add(b, ps->n ? "\n  ]\n}\n" : "]\n}\n");
}

/* One GitHub workflow command per input error, located at its file (and
 * line and column when known). Names are shown inert, as in messages. */
static void render_problem_annotations(struct sb *b, const struct problems *ps)
{
    for (int i = 0; i < ps->n; i++) {
        const struct problem *p = &ps->list[i];
        sb_add(b, "::error file=");
        gh_escape(b, shown(p->file), true);
        if (p->line)
            sb_printf(b, ",line=%lld,col=%lld", p->line, p->col);
        sb_add(b, ",title=");
        gh_escape(b, "cpreport input error", true);
        sb_add(b, "::");
        if (*p->path) {
            gh_escape(b, shown(p->path), false);
            sb_add(b, ": ");
        }
        gh_escape(b, p->message, false);
        sb_addc(b, '\n');
    }
}

/* ===================================================================== *
 *  Writing outputs: all or nothing                                       *
 * ===================================================================== */

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Flushes standard output; a full disk or closed pipe is exit 3. */
static int finish_stdout(void)
{
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "%s: standard output: cannot write: %s\n", progname, strerror(errno));
        return EXIT_WRITE;
    }
    return EXIT_OK;
}

static int usage_error(const char *fmt, ...);

/* The files a run reads, which no output may replace or append to: the
 * snapshots, the targets file, and the file standard input reads when '-'
 * is one of them and standard input is a file. */
struct inputs {
    struct input {
        const char *name, *role;
        unsigned long long dev, ino;
    } list[MAX_SNAPSHOTS + 1];
    int n;
};

static void add_input(struct inputs *in, const char *name, const char *role)
{
    struct os_info st;
    bool is_stdin = !strcmp(name, "-");
    if ((is_stdin ? os_stat_stdin(&st) : os_stat(name, &st)) || st.kind != OS_FILE ||
        in->n == (int)(sizeof in->list / sizeof in->list[0]))
        return;
    in->list[in->n++] = (struct input){name, is_stdin ? "the file standard input reads" : role, st.dev, st.ino};
}

/* The name a dangling link leads to: the last name of its chain of links,
 * which does not exist. NULL, with errno set, when the chain is longer
 * than 40 links (a loop) or cannot be read. */
static char *follow_links(const char *path)
{
    char *cur = xstrdup(path);
    for (int hops = 0; hops <= 40; hops++) {
        if (!os_is_link(cur))
            return cur;
        char *target = os_read_link(cur);
        if (!target) {
            int err = errno;
            free(cur);
            errno = err;
            return NULL;
        }
        const char *slash = os_last_separator(cur);
        struct sb next;
        sb_init(&next);
        if (target[0] != '/' && slash)
            sb_addn(&next, cur, (size_t)(slash - cur + 1));
        sb_add(&next, target);
        free(target);
        free(cur);
        cur = next.buf;
    }
    free(cur);
    errno = ELOOP;
    return NULL;
}

/* path's folder ("." when it has none), and a pointer to its last part. */
static char *folder_of(const char *path, const char **base)
{
    const char *slash = os_last_separator(path);
    *base = slash ? slash + 1 : path;
    if (!slash)
        return xstrdup(".");
    size_t n = (size_t)(slash - path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    n += !n; /* "/x" is in "/" */
    char *dir = xmalloc(n + 1);
    memcpy(dir, path, n);
    dir[n] = 0;
    return dir;
}

/* One absolute name for every name of a file that does not exist yet: the
 * real path of its folder, or of the nearest folder above it that exists,
 * then the rest. */
static char *absolute_name(const char *path)
{
    struct sb name, b;
    sb_init(&name);
    sb_add(&name, path);
    while (name.len > 1 && name.buf[name.len - 1] == '/') /* "dir/" is "dir" */
        name.buf[--name.len] = 0;
    const char *base;
    char *dir = folder_of(name.buf, &base);
    char *real = os_real_path(dir);
    if (!real && errno == ENOENT && strcmp(dir, ".") && strcmp(dir, "/") && strcmp(dir, name.buf))
        real = absolute_name(dir);
    sb_init(&b);
    sb_add(&b, real ? real : dir);
    if (b.len && b.buf[b.len - 1] != '/')
        sb_addc(&b, '/');
    sb_add(&b, base);
    free(real);
    free(dir);
    sb_free(&name);
    return b.buf;
}


/* The parts of an absolute name, "." and empty ones dropped and ".."
 * taking the one before it; the first part is its root ("" for "/", "C:"
 * on Windows). Returns how many, into parts (freed by the caller). */
static int path_parts(const char *name, char ***parts)
{
    int n = 0, cap = 8;
    char **p = xmalloc(sizeof *p * (size_t)cap);
    for (const char *s = name, *end;; s = end + 1) {
        end = s;
        while (*end && !os_is_separator(*end))
            end++;
        size_t len = (size_t)(end - s);
        bool dot = len == 1 && s[0] == '.', dotdot = len == 2 && s[0] == '.' && s[1] == '.';
        if (n && dotdot) {
            if (n > 1)
                free(p[--n]);
        } else if (!n || (len && !dot)) {
            if (n == cap)
                p = xrealloc(p, sizeof *p * (size_t)(cap *= 2));
            p[n] = xmalloc(len + 1);
            memcpy(p[n], s, len);
            p[n++][len] = 0;
        }
        if (!*end)
            break;
    }
    *parts = p;
    return n;
}

/* The relative path, with '/', that leads from the folder of the file
 * `from` to the file `to`, both absolute names (absolute_name); NULL when
 * there is none (one of them is not absolute, or they are on two drives). */
static char *relative_path(const char *from, const char *to)
{
    bool absolute = os_is_absolute(from) && os_is_absolute(to);
    char **f, **t;
    int nf = path_parts(from, &f), nt = path_parts(to, &t);
    char *rel = NULL;
    if (absolute && nf > 1 && nt > 1 && !strcmp(f[0], t[0])) {
        int common = 1;
        while (common < nf - 1 && common < nt - 1 && !strcmp(f[common], t[common]))
            common++;
        struct sb b;
        sb_init(&b);
        for (int i = common; i < nf - 1; i++)
            sb_add(&b, "../");
        for (int i = common; i < nt; i++)
            sb_printf(&b, "%s%s", i > common ? "/" : "", t[i]);
        rel = b.buf;
    }
    for (int i = 0; i < nf; i++)
        free(f[i]);
    for (int i = 0; i < nt; i++)
        free(t[i]);
    free(f);
    free(t);
    return rel;
}

/* Where o is written, and how: o->file, o->direct, and what tells it from
 * other files (o->dev and o->ino when it exists, else o->key). -1 to go
 * on, or 2 after saying that it is a link that loops. A folder that cannot
 * hold it, or a name that cannot be looked up, is noted in o->err, for
 * plan_outputs to say after the usage errors. */
static int resolve_output(struct output *o, const char *made_dir)
{
    struct os_info st;
    o->planned = true;
    if (!os_stat(o->path, &st)) {
        o->exists = true;
        o->dev = st.dev;
        o->ino = st.ino;
        o->direct = st.kind != OS_FILE;
        if (st.kind == OS_DIR)
            o->err = EISDIR;
        /* A link to a file is written through: the file it names is
         * replaced, in its own folder, and the link stays. */
        bool link = !o->direct && os_is_link(o->path);
        o->file = link ? os_real_path(o->path) : xstrdup(o->path);
        if (o->file)
            return -1;
    } else if (errno == ENOENT) {
        /* A new file, or a link to one (a dangling link): the file is made
         * where the links lead, never in the link's place. */
        o->file = follow_links(o->path);
        if (o->file) {
            const char *base;
            char *dir = folder_of(o->file, &base);
            if (os_stat(dir, &st) || st.kind != OS_DIR) {
                o->err = !os_exists(dir) ? errno : ENOTDIR;
                char *abs = made_dir ? absolute_name(dir) : NULL;
                if (abs && !strcmp(abs, made_dir))
                    o->err = 0;  /* --out-dir, made before anything is written */
                free(abs);
            }
            free(dir);
            o->key = absolute_name(o->file);
            return -1;
        }
    }
    if (errno == ELOOP)
        return usage_error("'%s' (%s) is a symbolic link that loops; it leads to no file to write", shown(o->path),
                           o->what);
    /* A folder on the way that is a file or cannot be searched, a name too
     * long: said after the usage errors of the other outputs. */
    o->err = errno;
    free(o->file);
    o->file = xstrdup(o->path);
    o->key = absolute_name(o->path);
    return -1;
}

static int cmp_output_key(const void *pa, const void *pb)
{
    const struct output *a = *(const struct output *const *)pa, *b = *(const struct output *const *)pb;
    if (!a->key != !b->key)
        return a->key ? 1 : -1;
    if (a->key)
        return strcmp(a->key, b->key);
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    return a->ino < b->ino ? -1 : a->ino > b->ino;
}

/* Checks every output of a run before anything is rendered or written,
 * and says what is wrong with the first one that fails, in this order
 * (exit 2): an empty name, a link that loops, an output that is one of
 * in's inputs (same file however named: links, hard links, standard
 * input's file), two outputs that are one file; then (exit 3) a folder
 * that is missing or not a folder, an output that is a folder, and
 * --out-dir (made_dir, NULL without --by) when it cannot be made. Devices
 * and pipes (/dev/stdout, a FIFO) may be named more than once. in may be
 * NULL, to check the outputs alone. -1 when all is well. */
static int plan_outputs(struct output *outs, int n, const struct inputs *in, const char *made_dir)
{
    int rc = -1;
    char *made = NULL;
    if (made_dir) {
        if (!*made_dir)
            return usage_error("the folder given to --out-dir is empty");
        made = absolute_name(made_dir);
    }
    for (int i = 0; i < n && rc < 0; i++) {
        struct output *o = &outs[i];
        if (!o->path)
            continue;
        if (!*o->path)
            rc = usage_error("the file name given to %s is empty", o->what);
        else if (!o->planned)
            rc = resolve_output(o, made);
        if (rc < 0 && made && o->key && !strcmp(o->key, made))
            rc = usage_error("'%s' (%s) is the folder given to --out-dir", shown(o->path), o->what);
        for (int k = 0; rc < 0 && in && o->exists && k < in->n; k++)
            if (o->dev == in->list[k].dev && o->ino == in->list[k].ino)
                rc = usage_error("'%s' (%s) is %s; writing to it would destroy it", shown(o->path), o->what,
                                 in->list[k].role);
    }
    /* Two outputs that are one file: sorted by file, they are neighbours. */
    struct output **files = xmalloc(sizeof *files * (size_t)(n + 1));
    int nf = 0;
    for (int i = 0; i < n && rc < 0; i++)
        if (outs[i].path && !outs[i].direct)
            files[nf++] = &outs[i];
    qsort(files, (size_t)nf, sizeof *files, cmp_output_key);
    for (int i = 1; i < nf && rc < 0; i++) {
        if (!cmp_output_key(&files[i - 1], &files[i])) {
            const struct output *a = files[i - 1] < files[i] ? files[i - 1] : files[i];
            const struct output *b = a == files[i] ? files[i - 1] : files[i];
            rc = usage_error("'%s' (%s) and '%s' (%s) are the same file; each output needs a file of its own",
                             shown(a->path), a->what, shown(b->path), b->what);
        }
    }
    free(files);
    for (int i = 0; i < n && rc < 0; i++) {
        const struct output *o = &outs[i];
        if (!o->path || !o->err || o->append)
            continue;
        bool folder = o->err == ENOENT || o->err == ENOTDIR;
        fprintf(stderr, folder ? "%s: %s: cannot write into its folder: %s\n" : "%s: %s: cannot write: %s\n",
                progname, shown(o->path), strerror(o->err));
        rc = EXIT_WRITE;
    }
    struct os_info st;
    if (rc < 0 && made_dir && os_stat(made_dir, &st)) {
        /* It is made if its parent is a folder. */
        const char *base;
        char *parent = folder_of(made, &base);
        int err = errno != ENOENT ? errno : os_stat(parent, &st) ? errno : st.kind == OS_DIR ? 0 : ENOTDIR;
        if (err) {
            fprintf(stderr, "%s: %s: cannot create the folder: %s\n", progname, shown(made_dir), strerror(err));
            rc = EXIT_WRITE;
        }
        free(parent);
    } else if (rc < 0 && made_dir && st.kind != OS_DIR) {
        fprintf(stderr, "%s: %s: cannot create the folder: %s\n", progname, shown(made_dir), strerror(EEXIST));
        rc = EXIT_WRITE;
    }
    free(made);
    return rc;
}

static void output_free(struct output *o)
{
    sb_free(&o->text);
    free(o->file);
    free(o->key);
    free(o->tmp);
    free(o->owned_path);
    free(o->owned_what);
}

/* The outputs whose temporaries are on disk, for the signal handler:
 * each one's tmp is set and cleared only while the signals are blocked. */
static struct output *volatile temp_outputs;
static volatile sig_atomic_t ntemp_outputs;

/* SIGINT, SIGTERM, SIGHUP: remove the temporary files, then die of the
 * signal as if it had not been caught. Only async-signal-safe calls. */
static void on_fatal_signal(int sig)
{
    struct output *outs = temp_outputs;
    for (int i = 0; outs && i < ntemp_outputs; i++)
        if (outs[i].tmp)
            os_remove(outs[i].tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* An exit while writing (out of memory while a report is rendered)
 * removes the temporary files too. */
static void remove_temps_at_exit(void)
{
    struct output *outs = temp_outputs;
    for (int i = 0; outs && i < ntemp_outputs; i++)
        if (outs[i].tmp)
            os_remove(outs[i].tmp);
}

/* A closed pipe is a write error (EPIPE, exit 3), not a silent death; the
 * fatal signals remove the temporary files first (see os_catch_signals). */
static void setup_signals(void)
{
    static bool at_exit;
    if (!at_exit)
        at_exit = atexit(remove_temps_at_exit) == 0;
    os_catch_signals(on_fatal_signal);
}

/* Writes o->text to a device or pipe, in place. False after saying why. */
static bool write_direct(const struct output *o)
{
    int fd = os_open_device(o->path);
    bool ok = fd >= 0 && write_all(fd, o->text.buf, o->text.len);
    int err = errno;
    if (fd >= 0 && close(fd) && ok) {
        ok = false;
        err = errno;
    }
    if (!ok)
        fprintf(stderr, "%s: %s: cannot write: %s\n", progname, shown(o->path), strerror(err));
    return ok;
}

/* Writes o->text beside o->file as a temporary file (o->tmp). A replaced
 * file's permission bits are kept, never setuid, setgid or sticky; a new
 * one gets 0666 less the umask. False after saying why. */
static bool write_temp(struct output *o)
{
    struct os_info st;
    bool exists = os_stat(o->file, &st) == 0 && st.kind == OS_FILE;
    const char *slash = os_last_separator(o->file);
    size_t dirlen = slash ? (size_t)(slash - o->file + 1) : 0;
    char *tmp = xmalloc(dirlen + 32);
    snprintf(tmp, dirlen + 32, "%.*s.cpreport-XXXXXX", (int)dirlen, o->file);
    os_sigset old;
    os_block_signals(&old);
    int fd = os_create_temp(tmp, exists, exists ? st.mode : 0);
    int err = errno;
    if (fd >= 0)
        o->tmp = tmp;
    os_restore_signals(&old);
    if (fd < 0) {
        fprintf(stderr, "%s: %s: cannot create a temporary file beside it: %s\n", progname, shown(o->path),
                strerror(err));
        free(tmp);
        return false;
    }
    bool ok = write_all(fd, o->text.buf, o->text.len) && os_sync(fd) == 0;
    err = errno;
    if (close(fd) && ok) {
        ok = false;
        err = errno;
    }
    if (!ok)
        fprintf(stderr, "%s: %s: cannot write: %s\n", progname, shown(o->path), strerror(err));
    return ok;
}

static void drop_temp(struct output *o)
{
    os_sigset old;
    os_block_signals(&old);
    if (o->tmp)
        os_remove(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
    os_restore_signals(&old);
}

static void drop_temps(struct output *outs, int n)
{
    for (int i = 0; i < n; i++)
        drop_temp(&outs[i]);
}

/* Renders o's text when it is rendered late; drop_text frees it again. */
static void take_text(struct output *o)
{
    if (!o->render)
        return;
    sb_free(&o->text);
    sb_init(&o->text);
    o->render(&o->text, o);
}

static void drop_text(struct output *o)
{
    if (o->render)
        sb_free(&o->text);
}

/* The step of write_outputs that writes o; STEP_NONE for the summary
 * check appends to itself. */
enum { STEP_NONE = -1, STEP_FILE, STEP_DEVICE, STEP_STDOUT };

static int write_step(const struct output *o)
{
    return o->append ? STEP_NONE : !o->path ? STEP_STDOUT : o->direct ? STEP_DEVICE : STEP_FILE;
}

/* All or nothing, in four steps (README, "How outputs are written"):
 * every file to its temporary, one rendered at a time; then the devices
 * and pipes; then standard output, flushed; only when all of that worked
 * are the temporaries renamed into place, so a failure leaves the old
 * reports. (Two renames cannot be one step: if the second fails, the first
 * report is already new.) Outputs not planned yet are planned here. */
static int write_outputs(struct output *outs, int n)
{
    int rc = plan_outputs(outs, n, NULL, NULL);
    if (rc >= 0)
        return rc;
    temp_outputs = outs;
    ntemp_outputs = n;
    for (int step = STEP_FILE; step <= STEP_STDOUT && rc < 0; step++) {
        for (int i = 0; i < n && rc < 0; i++) {
            struct output *o = &outs[i];
            if (write_step(o) != step)
                continue;
            take_text(o);
            if (step == STEP_FILE ? !write_temp(o) : step == STEP_DEVICE ? !write_direct(o) : false)
                rc = EXIT_WRITE;
            if (step == STEP_STDOUT)
                fwrite(o->text.buf, 1, o->text.len, stdout); /* its errors: finish_stdout */
            drop_text(o);
        }
        if (step == STEP_STDOUT && rc < 0 && finish_stdout())
            rc = EXIT_WRITE;
    }
    for (int i = 0; i < n && rc < 0; i++) {
        struct output *o = &outs[i];
        if (!o->tmp)
            continue;
        os_sigset old;
        os_block_signals(&old);
        int failed = os_replace(o->tmp, o->file), err = errno;
        if (!failed) {
            free(o->tmp);
            o->tmp = NULL;
        }
        os_restore_signals(&old);
        if (failed) {
            fprintf(stderr, "%s: %s: cannot replace: %s\n", progname, shown(o->path), strerror(err));
            rc = EXIT_WRITE;
        }
    }
    drop_temps(outs, n);
    ntemp_outputs = 0;
    temp_outputs = NULL;
    return rc < 0 ? EXIT_OK : rc;
}

/* ===================================================================== *
 *  Command line                                                          *
 * ===================================================================== */

/* The commands. main() hands `import` to import_main() before parse_args,
 * which reads the other three; every command takes its options from one
 * table, option_defs[]. */
enum mode { MODE_REPORT, MODE_CHECK, MODE_VALIDATE, MODE_IMPORT };
static const char *const mode_names[] = {"report", "check", "validate", "import", NULL};

/* Every command, for "did you mean" when the first argument is none of
 * them and no file either. */
static const char *const command_names[] = {"report", "check", "validate", "targets", "import", NULL};

/* The commands that take an option: a bit for each enum mode. */
#define FOR_REPORT (1u << MODE_REPORT)
#define FOR_CHECK (1u << MODE_CHECK)
#define FOR_ALL (FOR_REPORT | FOR_CHECK | 1u << MODE_VALIDATE)
#define FOR_IMPORT (1u << MODE_IMPORT)

enum option_id {
    OPT_OUTPUT, OPT_FORMAT, OPT_TARGETS, OPT_MIN_COHORT, OPT_CHANGE_YEARS, OPT_STRICT, OPT_ALLOW, OPT_BY,
    OPT_OUT_DIR, OPT_EML,
    OPT_MAIL_FROM, OPT_MAIL_TO, OPT_SUBJECT, OPT_HELP, OPT_VERSION, OPT_JUNIT, OPT_JSON, OPT_FAIL_ON,
    OPT_AS_OF, OPT_MEMBERS, OPT_BASE, OPT_GIAS, OPT_CENSUS, OPT_SEN, OPT_KS4, OPT_KS2, OPT_OFSTED, OPT_LABEL,
    OPT_ENCODING, OPT_QUIET,
    OPT_IMPORT_OUTPUT, OPT_TEMPLATE, OPT_IMPORT_HELP, N_OPTIONS
};

/* Every option: what parse_args and import_main recognise and what --help
 * lists, in --help's order. The options only `check` takes are listed
 * under it; `import` has a --help of its own. A name may stand twice, for
 * commands that give it another meaning (-o writes a snapshot for import). */
static const struct option_def {
    const char *name;   /* the long name, without "--" */
    char letter;        /* the short name, or 0 */
    const char *arg;    /* the value's name in --help; NULL: the option takes no value */
    const char *need;   /* what "OPTION needs ..." asks for when the value is missing */
    unsigned modes;     /* the commands that take it */
    const char *help;   /* --help's text, its lines after the first indented; NULL: told with another */
} option_defs[N_OPTIONS] = {
    [OPT_OUTPUT] = {"output", 'o', "FILE", "a file name", FOR_REPORT,
                    "write the report to FILE, in the format its extension\n"
                    "names (.md, .html, .json); may be repeated"},
    [OPT_FORMAT] = {"format", 'f', "FORMAT", "a format", FOR_REPORT,
                    "format for standard output and for -o files without an\n"
                    "extension: md (default), html, json"},
    [OPT_TARGETS] = {"targets", 0, "FILE", "a file name", FOR_ALL,
                     "targets to report against, instead of the built-in ones\n"
                     "(format: cpreport targets)"},
    [OPT_MIN_COHORT] = {"min-cohort", 0, "N", "a number", FOR_ALL,
                        "suppress results resting on fewer than N pupils (6)"},
    [OPT_CHANGE_YEARS] = {"change-years", 0, "N", "a number", FOR_ALL, "compare results with N years earlier (5)"},
    [OPT_STRICT] = {"strict", 0, NULL, NULL, FOR_ALL,
                    "implausible figures are errors (exit 2), not warnings\n"
                    "(README: Plausibility checks)"},
    [OPT_ALLOW] = {"allow", 0, "RULE", "a plausibility rule id", FOR_ALL,
                   "do not check plausibility rule RULE; may be repeated"},
    [OPT_BY] = {"by", 0, "GROUPING", "region, hub, trust or phase", FOR_REPORT,
                "also write a report for every region, hub, trust or\n"
                "phase, in the same formats, with an index page"},
    [OPT_OUT_DIR] = {"out-dir", 0, "DIR", "a folder", FOR_REPORT, "the folder for those reports (made if missing)"},
    [OPT_EML] = {"eml", 0, "FILE", "a value", FOR_REPORT,
                 "also write the report as an email, ready for\n"
                 "'sendmail -t < FILE'; with --mail-from ADDRESS,\n"
                 "--mail-to ADDRESS (repeatable), --subject TEXT"},
    [OPT_MAIL_FROM] = {"mail-from", 0, "ADDRESS", "an address", FOR_REPORT, NULL},
    [OPT_MAIL_TO] = {"mail-to", 0, "ADDRESS", "an address", FOR_REPORT, NULL},
    [OPT_SUBJECT] = {"subject", 0, "TEXT", "a value", FOR_REPORT, NULL},
    [OPT_HELP] = {"help", 'h', NULL, NULL, FOR_ALL, "show this help"},
    [OPT_VERSION] = {"version", 'V', NULL, NULL, FOR_ALL, "show the version"},
    [OPT_JUNIT] = {"junit", 0, "FILE", "a file name", FOR_CHECK, "also write JUnit XML"},
    [OPT_JSON] = {"json", 0, "FILE", "a file name", FOR_CHECK, "also write every target's verdict as JSON"},
    [OPT_FAIL_ON] = {"fail-on", 0, "LEVEL", "a level", FOR_CHECK, "what makes it exit 1: error (default), warn, never"},
    [OPT_AS_OF] = {"as-of", 0, "DATE", "a date", FOR_IMPORT, "the snapshot's date, YYYY-MM-DD (required)"},
    [OPT_MEMBERS] = {"members", 0, "FILE", "a file name", FOR_IMPORT,
                     "the member list, CSV (required; see --template)"},
    [OPT_BASE] = {"base", 0, "FILE", "a file name", FOR_IMPORT,
                  "a cpreport/1 file holding what no CSV gives (hubs,\n"
                  "trusts, programmes, national figures, finance...)"},
    [OPT_GIAS] = {"gias", 0, "FILE", "a file name", FOR_IMPORT,
                  "Get Information about Schools: edubasealldataYYYYMMDD.csv"},
    [OPT_CENSUS] = {"census", 0, "FILE", "a file name", FOR_IMPORT,
                    "Schools, pupils and their characteristics:\n"
                    "spc_school_level_underlying_data*.csv"},
    [OPT_SEN] = {"sen", 0, "FILE", "a file name", FOR_IMPORT,
                 "Special educational needs in England:\n"
                 "sen_school_level_underlying_data.csv"},
    [OPT_KS4] = {"ks4", 0, "[YEAR=]FILE", "a file name", FOR_IMPORT,
                 "KS4 school-level results: EES's performance tables\n"
                 "(202425_performance_tables_schools_final.csv), or with\n"
                 "YEAR= an older england_ks4final.csv; may be repeated"},
    [OPT_KS2] = {"ks2", 0, "[YEAR=]FILE", "a file name", FOR_IMPORT,
                 "KS2 school-level results: ks2_school_attainment_data.csv,\n"
                 "or with YEAR= an older england_ks2final.csv; may be repeated"},
    [OPT_OFSTED] = {"ofsted", 0, "FILE", "a file name", FOR_IMPORT,
                    "Ofsted's management information, state-funded schools,\n"
                    "latest inspections (CSV)"},
    [OPT_LABEL] = {"label", 0, "TEXT", "a value", FOR_IMPORT, "the snapshot's label (instead of the base file's)"},
    [OPT_ENCODING] = {"encoding", 0, "ENC", "an encoding", FOR_IMPORT,
                      "read the CSV files as utf-8 or windows-1252 (default:\n"
                      "UTF-8 when a file is valid UTF-8, else Windows-1252)"},
    [OPT_QUIET] = {"quiet", 0, NULL, NULL, FOR_IMPORT, "no summary"},
    [OPT_IMPORT_OUTPUT] = {"output", 'o', "FILE", "a file name", FOR_IMPORT,
                           "write the snapshot to FILE, not to standard output"},
    [OPT_TEMPLATE] = {"template", 0, "members", "a value", FOR_IMPORT,
                      "print the member list's header and an example row"},
    [OPT_IMPORT_HELP] = {"help", 'h', NULL, NULL, FOR_IMPORT, "show this help"},
};

static const char usage_head[] =
    "Usage: cpreport [report] [options] SNAPSHOT...\n"
    "       cpreport check [--targets FILE] [--junit FILE] [--json FILE] [--fail-on LEVEL] SNAPSHOT...\n"
    "       cpreport validate [--targets FILE] SNAPSHOT...\n"
    "       cpreport targets\n"
    "       cpreport import --as-of DATE --members FILE [--base FILE] [--gias FILE]\n"
    "                       [--census FILE] [--sen FILE] [-o FILE]\n"
    "\n"
    "Reads partnership snapshots (JSON, format cpreport/1; '-' is standard input),\n"
    "computes the strategy's indicators for the latest one, compares them with the\n"
    "earlier ones and with the targets, and writes a report.\n"
    "\n"
    "Options:\n";

static const char usage_commands[] =
    "\n"
    "Commands:\n"
    "  report                (the default) write the report\n"
    "  check                 evaluate every target against the latest snapshot, one\n"
    "                        line each, for CI; options:\n";

static const char usage_tail[] =
    "  validate              load and check the snapshots only\n"
    "  targets               print the built-in targets as a targets file\n"
    "  import                build a snapshot from the member list and DfE's files\n"
    "                        ('cpreport import --help' lists its options)\n"
    "\n"
    "Exit status: 0 done (check: nothing failed); 1 check: a target failed; 2 bad\n"
    "usage or bad input; 3 an output could not be written.\n"
    "Environment: NO_COLOR turns colour off; GITHUB_ACTIONS=true adds workflow\n"
    "commands and GITHUB_STEP_SUMMARY receives a summary (check);\n"
    "SOURCE_DATE_EPOCH dates the JUnit and JSON check files and the email.\n";

/* --help's lines for the options whose commands are exactly `modes` or,
 * when `some`, include one of them. */
static void usage_options(struct sb *b, unsigned modes, bool some)
{
    enum { HELP_COLUMN = 24 };
    for (int i = 0; i < N_OPTIONS; i++) {
        const struct option_def *d = &option_defs[i];
        if (!d->help || (some ? !(d->modes & modes) : d->modes != modes))
            continue;
        size_t start = b->len;
        if (d->letter)
            sb_printf(b, "  -%c, --%s", d->letter, d->name);
        else
            sb_printf(b, "      --%s", d->name);
        if (d->arg)
            sb_printf(b, " %s", d->arg);
        do
            sb_addc(b, ' ');
        while (b->len - start < HELP_COLUMN);
        for (const char *p = d->help; *p; p++) {
            sb_addc(b, *p);
            if (*p == '\n')
                sb_printf(b, "%*s", HELP_COLUMN, "");
        }
        sb_addc(b, '\n');
    }
}

/* --help, on standard output. */
static int print_usage(void)
{
    struct sb b;
    sb_init(&b);
    sb_add(&b, usage_head);
    usage_options(&b, FOR_REPORT, true);
    sb_add(&b, usage_commands);
    usage_options(&b, FOR_CHECK, false);
    sb_add(&b, usage_tail);
    fputs(b.buf, stdout);
    sb_free(&b);
    return finish_stdout();
}

struct options {
    const char **files;
    int nfiles;
    struct {
        int fmt;
        const char *path;       /* NULL: standard output */
    } outs[MAX_OUTPUTS];        /* -o, in order */
    int nouts;
    int stdout_fmt;
    const char *targets_file;
    int mode, fail_on;
    const char *junit_file, *check_json_file;
    int by;                      /* a dimension for group reports, or -1 */
    const char *out_dir;
    const char *eml_file;
    struct mail mail;
    struct inputs in;            /* what no output may be */
};

PRINTF_LIKE(1, 2)
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", progname);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", progname);
    return EXIT_BAD_INPUT;
}

/* The format an output file's extension names; NO_EXTENSION for a name
 * without one (such as /dev/stdout), which takes --format's; -1 when the
 * extension is not one of ours. */
#define NO_EXTENSION (-2)

static int format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = os_last_separator(path);
    if (!dot || (slash && dot < slash))
        return NO_EXTENSION;
    if (!ascii_casecmp(dot, ".md") || !ascii_casecmp(dot, ".markdown"))
        return F_MD;
    if (!ascii_casecmp(dot, ".html") || !ascii_casecmp(dot, ".htm"))
        return F_HTML;
    return !ascii_casecmp(dot, ".json") ? F_JSON : -1;
}

/* The value of an option given as "--opt VALUE", "--opt=VALUE" or "-oVALUE". */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t namelen)
{
    if (arg[namelen] == '=')
        return arg + namelen + 1;
    if (arg[1] != '-' && arg[2])
        return arg + 2;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

/* The option arg names, as its index in option_defs, or -1. *namelen is
 * the length of the name as written ("-o", "--output"), before "=VALUE"
 * or a value joined to a short name. */
static int option_find(const char *arg, enum mode mode, size_t *namelen)
{
    /* The option of that name the command takes, else any of that name
     * (which the caller then names as another command's). */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N_OPTIONS; i++) {
            const struct option_def *d = &option_defs[i];
            size_t n = strlen(d->name);
            if (!pass && !(d->modes >> mode & 1))
                continue;
            if (arg[1] == '-' && !strncmp(arg + 2, d->name, n) && (!arg[n + 2] || (arg[n + 2] == '=' && d->arg))) {
                *namelen = n + 2;
                return i;
            }
            if (d->letter && arg[1] == d->letter && (!arg[2] || d->arg)) {
                *namelen = 2;
                return i;
            }
        }
    return -1;
}

/* Says arg is no option, naming the nearest long one when it is close. */
static int unknown_option(const char *arg)
{
    const char *names[N_OPTIONS + 1] = {NULL}, *near = NULL;
    char name[64];
    for (int i = 0; i < N_OPTIONS; i++)
        names[i] = option_defs[i].name;
    if (arg[1] == '-') {
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
        near = nearest_name(name, names);
    }
    if (near)
        return usage_error("unknown option '%s'; did you mean '--%s'?", shown(arg), near);
    return usage_error("unknown option '%s'", shown(arg));
}

/* Reads the option argv[*i] of command `mode`, and its value, which may be
 * the next argument: its id, the length of its name as given, and the
 * value (NULL for an option that takes none). Returns -1, or the exit
 * status after saying what is wrong. */
static int option_read(int argc, char **argv, int *i, enum mode mode, int *id, size_t *nl, const char **val)
{
    const char *arg = argv[*i];
    *val = NULL;
    if ((*id = option_find(arg, mode, nl)) < 0)
        return unknown_option(arg);
    const struct option_def *d = &option_defs[*id];
    if (!(d->modes >> mode & 1)) {
        int m = 0;   /* the first command that takes it */
        while (!(d->modes >> m & 1))
            m++;
        return usage_error("%.*s is for 'cpreport %s'", (int)*nl, arg, mode_names[m]);
    }
    if (d->arg && !(*val = option_value(argc, argv, i, arg, *nl)))
        return usage_error("%.*s needs %s", (int)*nl, arg, d->need);
    return -1;
}

/* The files the command line names, checked before anything is read (the
 * reports by group are checked again with them once their names are
 * known): see plan_outputs. Also notes the inputs, for that check. */
static int plan_named_outputs(struct options *o)
{
    for (int i = 0; i < o->nfiles; i++)
        add_input(&o->in, o->files[i], "an input");
    if (o->targets_file)
        add_input(&o->in, o->targets_file, "the targets file");
    struct output outs[sizeof o->outs / sizeof o->outs[0] + 4];
    int n = 0;
    for (int i = 0; i < o->nouts; i++) {
        outs[n] = output_to(o->outs[i].fmt, o->outs[i].path);
        outs[n++].what = "-o";
    }
    const char *named[] = {o->eml_file, o->junit_file, o->check_json_file}, *what[] = {"--eml", "--junit", "--json"};
    for (int i = 0; i < 3; i++) {
        if (!named[i])
            continue;
        outs[n] = output_to(F_MD, named[i]);
        outs[n++].what = what[i];
    }
    /* check appends its summary to this file: it must not be an input or
     * another output either. */
    const char *gh = getenv("GITHUB_ACTIONS"), *summary = getenv("GITHUB_STEP_SUMMARY");
    if (o->mode == MODE_CHECK && gh && !strcmp(gh, "true") && summary && *summary) {
        outs[n] = output_to(F_MD, summary);
        outs[n].what = "GITHUB_STEP_SUMMARY";
        outs[n++].append = true;
    }
    int rc = plan_outputs(outs, n, &o->in, o->by >= 0 ? o->out_dir : NULL);
    for (int i = 0; i < n; i++)
        output_free(&outs[i]);
    return rc;
}

/* Fills o from argv; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
    bool only_files = false, stdin_used = false;
    int first = 1;
    o->files = xmalloc(sizeof *o->files * (size_t)argc);
    o->mail.to = xmalloc(sizeof *o->mail.to * (size_t)argc);
    o->stdout_fmt = F_MD;
    o->by = -1;
    for (int m = 0; argc > 1 && mode_names[m]; m++)
        if (!strcmp(argv[1], mode_names[m])) {
            o->mode = m;
            first = 2;
        }
    if (first == 1 && argc > 1 && argv[1][0] != '-' && !os_exists(argv[1])) {
        const char *near = nearest_name(argv[1], command_names);
        if (near)
            return usage_error("unknown command '%s'; did you mean '%s'?", shown(argv[1]), near);
    }
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i], *val = NULL;
        size_t nl;
        if (only_files || arg[0] != '-' || !arg[1]) {
            if (!strcmp(arg, "-")) {
                if (stdin_used || (o->targets_file && !strcmp(o->targets_file, "-")))
                    return usage_error("standard input ('-') can be read only once");
                stdin_used = true;
            }
            if (o->nfiles == MAX_SNAPSHOTS)
                return usage_error("more than %d snapshots", MAX_SNAPSHOTS);
            o->files[o->nfiles++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_files = true;
            continue;
        }
        int id, rc = option_read(argc, argv, &i, o->mode, &id, &nl, &val);
        if (rc >= 0)
            return rc;
        switch ((enum option_id)id) {
        case OPT_HELP:
            return print_usage();
        case OPT_VERSION:
            printf("cpreport %s (%s; cJSON %d.%d.%d)\n", CPREPORT_VERSION, OS_PLATFORM, CJSON_VERSION_MAJOR,
                   CJSON_VERSION_MINOR, CJSON_VERSION_PATCH);
            return finish_stdout();
        case OPT_JUNIT:
            o->junit_file = val;
            break;
        case OPT_JSON:
            o->check_json_file = val;
            break;
        case OPT_FAIL_ON: {
            int f = 0;
            while (fail_on_names[f] && strcmp(fail_on_names[f], val))
                f++;
            if (!fail_on_names[f])
                return usage_error("unknown level '%s' for --fail-on (use error, warn or never)", shown(val));
            o->fail_on = f;
            break;
        }
        case OPT_OUTPUT: {
            int fmt = format_from_path(val);
            if (fmt == -1)
                return usage_error("cannot tell the format of '%s' (use .md, .html or .json)", shown(val));
            if (o->nouts == (int)(sizeof o->outs / sizeof o->outs[0]))
                return usage_error("too many outputs");
            o->outs[o->nouts].fmt = fmt;
            o->outs[o->nouts++].path = val;
            break;
        }
        case OPT_FORMAT: {
            int f = 0;
            while (format_names[f] && strcmp(format_names[f], val))
                f++;
            if (!format_names[f])
                return usage_error("unknown format '%s' (use md, html or json)", shown(val));
            o->stdout_fmt = f;
            break;
        }
        case OPT_BY:
            o->by = 0;
            while (o->by < N_DIMS && strcmp(dim_ids[o->by], val))
                o->by++;
            if (o->by == N_DIMS)
                return usage_error("unknown grouping '%s' for --by (use region, hub, trust or phase)", shown(val));
            break;
        case OPT_EML:
            o->eml_file = val;
            break;
        case OPT_SUBJECT:
            o->mail.subject = val;
            break;
        case OPT_MAIL_FROM:
        case OPT_MAIL_TO:
            if (id == OPT_MAIL_FROM)
                o->mail.from = val;
            else
                o->mail.to[o->mail.nto++] = val;
            break;
        case OPT_OUT_DIR:
            o->out_dir = val;
            break;
        case OPT_TARGETS:
            if (!strcmp(val, "-") && stdin_used)
                return usage_error("standard input ('-') can be read only once");
            o->targets_file = val;
            break;
        case OPT_STRICT:
            opt_strict = true;
            break;
        case OPT_ALLOW: {
            int rule = plaus_lookup(val);
            const char *near = rule < 0 ? nearest_name(val, plaus_ids()) : NULL;
            if (near)
                return usage_error("unknown plausibility rule '%s' for --allow; did you mean '%s'?", shown(val), near);
            if (rule < 0)
                return usage_error("unknown plausibility rule '%s' for --allow (README lists them)", shown(val));
            opt_allow[rule] = true;
            break;
        }
        case OPT_MIN_COHORT:
        case OPT_CHANGE_YEARS: {
            bool cohort = id == OPT_MIN_COHORT;
            long long n;
            if (!plain_whole(val, cohort ? MAX_MIN_COHORT : MAX_CHANGE_YEARS, &n) || n < 1)
                return usage_error("%.*s takes a whole number from 1 to %d, not '%s'", (int)nl, arg,
                                   cohort ? MAX_MIN_COHORT : MAX_CHANGE_YEARS, shown(val));
            *(cohort ? &opt_min_cohort : &opt_change_years) = (int)n;
            break;
        }
        case N_OPTIONS:
            break;
        default:
            break;   /* option_read took only the options of o->mode */
        }
    }
    if (!o->nfiles)
        return usage_error("no snapshot given");
    if ((o->by >= 0) != (o->out_dir != NULL))
        return usage_error("--by and --out-dir go together");
    if (o->eml_file && (!o->mail.from || !o->mail.nto))
        return usage_error("--eml needs --mail-from and at least one --mail-to");
    if (!o->eml_file && (o->mail.from || o->mail.nto || o->mail.subject))
        return usage_error("--mail-from, --mail-to and --subject go with --eml");
    const char *mail_why = o->eml_file ? mail_problem(&o->mail) : NULL;
    if (mail_why)
        return usage_error("%s", mail_why);
    for (int i = 0; i < o->nouts; i++)
        if (o->outs[i].fmt == NO_EXTENSION)
            o->outs[i].fmt = o->stdout_fmt;
    return plan_named_outputs(o);
}

/* ===================================================================== *
 *  Import: reading CSV as it really comes                                *
 * ===================================================================== */

/* RFC 4180 rows, streamed: only one row is held at a time, so a national
 * register is read in memory proportional to its widest row. Quoted
 * fields may hold commas, doubled quotes and line breaks; lines end in
 * CRLF, LF or CR; the last may lack its break; a UTF-8 byte-order mark is
 * skipped. Windows-1252 is converted to UTF-8 as bytes are read: the
 * bytes that make up the CSV structure are ASCII in both encodings. */

enum csv_encoding { ENC_AUTO, ENC_UTF8, ENC_CP1252 };
static const char *const encoding_names[] = {"auto", "utf-8", "windows-1252", NULL};
static const char *const encoding_titles[] = {"auto", "UTF-8", "Windows-1252"};

/* Windows-1252's 0x80..0x9F; 0 marks the five bytes it leaves undefined,
 * which become U+FFFD (the rest of 0xA0..0xFF is Latin-1). */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

struct csv {
    const char *name;            /* as the user gave it */
    FILE *f;
    bool cp1252, check_utf8;     /* check_utf8: --encoding utf-8, row by row */
    unsigned char *in;           /* CSV_CHUNK bytes */
    size_t in_len, in_pos;
    int peek;                    /* a byte given back, or -1 */
    bool done;                   /* at the end, or after a read error */
    long long line;                   /* line of the next byte */
    long long row_line;               /* line the last row started on */
    char *buf;                   /* the row's fields, each NUL-terminated */
    size_t len, cap;
    size_t *starts;
    int nfields, cap_fields;
    long long replaced;               /* undefined Windows-1252 bytes */
};

/* Problems in an import are located by line: "members.csv:14: ...", or
 * "members.csv:3 and 17: ..." for two lines; line 0 names the file alone.
 * Counted and capped per file by struct diag, like the loader's. */
static void imp_vreport(struct diag *d, long long line, long long line2, bool error, const char *fmt, va_list ap)
{
    int *count = error ? &d->errors : &d->warnings;
    if (++*count > MAX_PROBLEMS_SHOWN)
        return;
    fprintf(stderr, "%s: %s", progname, shown(d->file));
    if (line2)
        fprintf(stderr, ":%lld and %lld", line, line2);
    else if (line)
        fprintf(stderr, ":%lld", line);
    fputs(error ? ": " : ": warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

PRINTF_LIKE(4, 5)
static void imp_error(struct diag *d, long long line, long long line2, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imp_vreport(d, line, line2, true, fmt, ap);
    va_end(ap);
}

PRINTF_LIKE(3, 4)
static void imp_warn(struct diag *d, long long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imp_vreport(d, line, 0, false, fmt, ap);
    va_end(ap);
}

static int csv_getc(struct csv *c)
{
    if (c->peek >= 0) {
        int ch = c->peek;
        c->peek = -1;
        return ch;
    }
    if (c->in_pos == c->in_len) {
        if (c->done)
            return -1;
        c->in_len = fread(c->in, 1, CSV_CHUNK, c->f);
        c->in_pos = 0;
        if (!c->in_len) {
            c->done = true;
            return -1;
        }
    }
    return c->in[c->in_pos++];
}

static void csv_put(struct csv *c, unsigned ch)
{
    if (c->len + 4 >= c->cap) {
        c->cap = c->cap * 2 + 256;
        c->buf = xrealloc(c->buf, c->cap);
    }
    if (ch < 0x80 || !c->cp1252) {
        c->buf[c->len++] = (char)ch;
        return;
    }
    unsigned cp = ch >= 0xA0 ? ch : cp1252_high[ch - 0x80];
    if (!cp) {
        cp = 0xFFFD;
        c->replaced++;
    }
    if (cp < 0x800) {
        c->buf[c->len++] = (char)(0xC0 | cp >> 6);
    } else {
        c->buf[c->len++] = (char)(0xE0 | cp >> 12);
        c->buf[c->len++] = (char)(0x80 | (cp >> 6 & 0x3F));
    }
    c->buf[c->len++] = (char)(0x80 | (cp & 0x3F));
}

static void csv_end_field(struct csv *c, size_t start)
{
    if (c->nfields == c->cap_fields) {
        c->cap_fields = c->cap_fields * 2 + 16;
        c->starts = xrealloc(c->starts, sizeof *c->starts * (size_t)c->cap_fields);
    }
    c->starts[c->nfields++] = start;
    csv_put(c, 0);
}

static const char *csv_field(const struct csv *c, int i) { return c->buf + c->starts[i]; }

/* Whether the row just read is blank: every field empty or spaces, as a
 * blank line is and as spreadsheets export an empty row (",,,,"). */
static bool csv_blank(const struct csv *c)
{
    for (int i = 0; i < c->nfields; i++)
        if (csv_field(c, i)[strspn(csv_field(c, i), " \t")])
            return false;
    return true;
}

/* Reads the next row. 1: a row; 0: the end; -1: a problem that stops the
 * file, already reported to d. Blank rows are skipped. */
static int csv_row(struct csv *c, struct diag *d)
{
    int ch;
    do {
        c->len = 0;
        c->nfields = 0;
        if ((ch = csv_getc(c)) < 0) {
            if (!ferror(c->f))
                return 0;
            fprintf(stderr, "%s: %s: cannot read: %s\n", progname, shown(c->name), strerror(errno));
            d->errors++;
            return -1;
        }
        c->row_line = c->line;
        for (;;) {
            size_t start = c->len;
            if (ch == '"') {
                long long opened = c->line;
                for (;;) {
                    ch = csv_getc(c);
                    if (ch < 0) {
                        imp_error(d, opened, 0, "a quoted field is never closed (unterminated quote)");
                        return -1;
                    }
                    if (ch == '"' && (ch = csv_getc(c)) != '"')
                        break;
                    /* A line break inside quotes counts as one outside
                     * does: LF, CRLF (at its LF) or a lone CR. */
                    if (ch == '\r') {
                        int next = csv_getc(c);
                        c->peek = next;
                        if (next != '\n')
                            c->line++;
                    }
                    if (ch == '\n')
                        c->line++;
                    if (!ch) {
                        imp_error(d, c->line, 0, "a NUL byte (the file may not be text)");
                        return -1;
                    }
                    csv_put(c, (unsigned)ch);
                }
                if (ch >= 0 && ch != ',' && ch != '\n' && ch != '\r') {
                    imp_error(d, c->line, 0, "text after the closing quote of field %d", c->nfields + 1);
                    return -1;
                }
            } else {
                while (ch >= 0 && ch != ',' && ch != '\n' && ch != '\r') {
                    if (!ch) {
                        imp_error(d, c->line, 0, "a NUL byte (the file may not be text)");
                        return -1;
                    }
                    csv_put(c, (unsigned)ch);
                    ch = csv_getc(c);
                }
            }
            csv_end_field(c, start);
            if (ch == ',') {
                ch = csv_getc(c);
                continue;
            }
            if (ch == '\r') {
                int next = csv_getc(c);
                if (next != '\n')
                    c->peek = next;
            }
            if (ch >= 0)
                c->line++;
            break;
        }
    } while (csv_blank(c));
    for (size_t i = 0, n; c->check_utf8 && i < c->len; i += n)
        if (!(n = utf8_length((const unsigned char *)c->buf + i, c->len - i))) {
            imp_error(d, c->row_line, 0, "not valid UTF-8 (if it is Windows-1252, say --encoding windows-1252)");
            return -1;
        }
    return 1;
}

/* What one reading of a file tells of its encoding. */
struct utf8_scan {
    bool valid;                  /* the whole file is UTF-8 */
    bool multi;                  /* it holds a valid multi-byte sequence */
    long long bad_line;               /* the line of the first byte that is not UTF-8 */
};

/* Reads the file once, in chunks, to see whether it is UTF-8. Lines are
 * counted as csv_row counts them: LF, CRLF or a lone CR. */
static struct utf8_scan csv_scan_utf8(FILE *f, unsigned char *in)
{
    struct utf8_scan u = {true, false, 0};
    size_t keep = 0;
    long long line = 1;
    bool cr = false;
    for (;;) {
        size_t n = keep + fread(in + keep, 1, CSV_CHUNK - keep, f);
        bool end = n == keep;
        size_t i = 0;
        while (i < n) {
            if (in[i] < 0x80) {
                if (in[i] == '\r' || (in[i] == '\n' && !cr))
                    line++;
                cr = in[i++] == '\r';
                continue;
            }
            cr = false;
            size_t need = in[i] >= 0xF0 ? 4 : in[i] >= 0xE0 ? 3 : 2;
            if (!end && n - i < need)
                break;  /* a sequence cut by the chunk: finish it with the next */
            size_t len = utf8_length(in + i, n - i);
            if (!len) {
                if (u.valid)
                    u.bad_line = line;
                u.valid = false;
                len = 1;
            } else {
                u.multi = true;
            }
            i += len;
        }
        if (end)
            return u;
        keep = n - i;
        memmove(in, in + i, keep);
    }
}

/* Opens a CSV file and settles its encoding: unless one is forced, the
 * file is read once to see whether it is all UTF-8 (so it must be a file
 * that can be read twice, not a pipe). False after saying why (counted
 * in d). */
static bool csv_open(struct csv *c, const char *path, int encoding, struct diag *d)
{
    memset(c, 0, sizeof *c);
    c->name = path;
    c->peek = -1;
    c->line = 1;
    if (!(c->f = os_fopen(path, "rb"))) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", progname, shown(path), strerror(errno));
        d->errors++;
        return false;
    }
    c->in = xmalloc(CSV_CHUNK);
    c->cp1252 = encoding == ENC_CP1252;
    c->check_utf8 = encoding == ENC_UTF8;
    struct utf8_scan u = {true, false, 0};
    if (encoding == ENC_AUTO) {
        u = csv_scan_utf8(c->f, c->in);
        if (ferror(c->f) || fseek(c->f, 0, SEEK_SET)) {
            fprintf(stderr, "%s: %s: cannot read it twice to tell its encoding (%s): give --encoding\n", progname,
                    shown(path), strerror(errno));
            d->errors++;
            return false;
        }
        c->cp1252 = !u.valid;
    }
    c->in_len = fread(c->in, 1, CSV_CHUNK, c->f);
    bool bom = c->in_len >= 3 && !memcmp(c->in, "\xEF\xBB\xBF", 3);
    if (bom)
        c->in_pos = 3;
    /* A file that says it is UTF-8 (a byte-order mark, or UTF-8 letters)
     * yet has a byte that is not: read as Windows-1252, every accented
     * name would change silently. */
    if (!u.valid && (bom || u.multi)) {
        imp_error(d, u.bad_line, 0,
                  "a byte that is not UTF-8, in a file that %s; fix the file, or give --encoding "
                  "windows-1252 if it really is Windows-1252",
                  bom ? "starts with a UTF-8 byte-order mark" : "holds UTF-8 elsewhere");
        return false;
    }
    return true;
}

static void csv_close(struct csv *c)
{
    if (c->f)
        fclose(c->f);
    free(c->in);
    free(c->buf);
    free(c->starts);
}

/* A header name for matching: ASCII case, spaces and underscores ignored. */
static void header_key(const char *s, char out[128])
{
    size_t o = 0;
    for (; *s && o < 127; s++)
        if (*s != ' ' && *s != '_' && *s != '\t')
            out[o++] = (char)tolower((unsigned char)*s);
    out[o] = 0;
}

/* s without surrounding spaces, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = 0;
    return s;
}

/* ===================================================================== *
 *  Import: the files it knows                                            *
 * ===================================================================== */

/* What a column of a DfE or Ofsted file gives. IMP_PUPILS..IMP_EHC are
 * the figures of --gias, --census and --sen; the rest after them are the
 * results files' (filters, cohort, measures) and Ofsted's. */
enum imp_field {
    IMP_URN, IMP_NAME, IMP_STATUS, IMP_CLOSED, IMP_PHASE, IMP_TYPE, IMP_REGION, IMP_AREA,
    IMP_TRUST_CODE, IMP_TRUST_NAME, IMP_PUPILS, IMP_FSM, IMP_SEN_SUPPORT, IMP_EHC,
    IMP_RECTYPE, IMP_PERIOD, IMP_LEVEL, IMP_BREAKDOWN, IMP_DISADV_STATUS, IMP_SEX, IMP_LANGUAGE,
    IMP_PRIOR, IMP_MOBILITY, IMP_GROUP, IMP_SUBJECT, IMP_COHORT, IMP_SCORE, IMP_EM4, IMP_READ,
    IMP_MATHS, IMP_GPS,
    IMP_INSPECTED, IMP_OE, IMP_PREV_OE, IMP_OEIF_DATE, IMP_SAFEGUARDING, IMP_CARD,
    N_IMP_FIELDS = IMP_CARD + N_CARD_AREAS
};

/* The figures a school can take from several files. */
enum { FIG_PUPILS, FIG_FSM, FIG_SEND, N_FIGS };
static const char *const fig_keys[] = {"pupils", "fsm_pupils", "send_pupils"};

struct imp_column {
    int field;
    const char *name;            /* as DfE writes it */
    bool required;
    const char *alt;             /* another name it has had, or NULL */
};

/* One known file layout, recognised from its header. A new source is a
 * new row, with its fields; an option may have several layouts (the
 * results files over the years), and the file is the one whose required
 * columns the header all has (the most of them, when several match).
 * `rank` is a figure's precedence: lower wins; the member list is 0. */
struct imp_layout {
    const char *option;          /* --gias */
    const char *what;            /* for "the file may not be ..." */
    int rank;
    struct imp_column cols[16];  /* ends with a NULL name */
};

enum {
    L_GIAS, L_CENSUS, L_SEN, L_KS4_WIDE, L_KS4_EES, L_KS2_WIDE, L_KS2_EES, L_OFSTED_OLD, L_OFSTED_NEW,
    N_LAYOUTS
};
static const struct imp_layout imp_layouts[N_LAYOUTS] = {
    [L_GIAS] = {"gias", "a GIAS extract", 2,
                {{IMP_URN, "URN", true, NULL},
                 {IMP_NAME, "EstablishmentName", true, NULL},
                 {IMP_STATUS, "EstablishmentStatus (name)", true, NULL},
                 {IMP_CLOSED, "CloseDate", false, NULL},
                 {IMP_PHASE, "PhaseOfEducation (name)", true, NULL},
                 {IMP_TYPE, "TypeOfEstablishment (name)", true, NULL},
                 {IMP_REGION, "GOR (name)", true, NULL},
                 {IMP_AREA, "LA (name)", true, NULL},
                 {IMP_TRUST_CODE, "Trusts (code)", false, NULL},
                 {IMP_TRUST_NAME, "Trusts (name)", false, NULL},
                 {IMP_PUPILS, "NumberOfPupils", true, NULL},
                 {IMP_FSM, "FSM", false, NULL}}},
    [L_CENSUS] = {"census", "a school-level file of Schools, pupils and their characteristics", 1,
                  {{IMP_URN, "urn", true, NULL},
                   {IMP_PUPILS, "headcount of pupils", true, NULL},
                   {IMP_FSM, "number of pupils known to be eligible for free school meals", true, NULL}}},
    [L_SEN] = {"sen", "a school-level file of Special educational needs in England", 1,
               {{IMP_URN, "URN", true, NULL},
                {IMP_SEN_SUPPORT, "SEN support", true, NULL},
                {IMP_EHC, "EHC plan", true, NULL}}},
    /* The results files carry no year (YEAR= gives it) and one row per
     * school, RECTYPE 1; DfE's Compare School Performance files up to
     * 2022/23. Older years spelt the disadvantaged cohort TFSMCLA1A. */
    [L_KS4_WIDE] = {"ks4", "a KS4 school-level file of the performance tables (england_ks4final.csv)", 0,
                    {{IMP_URN, "URN", true, NULL},
                     {IMP_RECTYPE, "RECTYPE", true, NULL},
                     {IMP_COHORT, "TFSM6CLA1A", true, "TFSMCLA1A"},
                     {IMP_EM4, "PTFSM6CLA1ABASICS_94", true, NULL}}},
    /* Explore education statistics, from 2023/24: long, one row per
     * school, year and breakdown; several years in one file. */
    [L_KS4_EES] = {"ks4", "a KS4 school-level file of Explore education statistics "
                          "(202425_performance_tables_schools_final.csv)", 0,
                   {{IMP_URN, "school_urn", true, NULL},
                    {IMP_PERIOD, "time_period", true, NULL},
                    {IMP_BREAKDOWN, "breakdown", true, NULL},
                    {IMP_COHORT, "pupil_count", true, NULL},
                    {IMP_EM4, "engmath_94_percent", true, NULL},
                    {IMP_LEVEL, "geographic_level", false, NULL},
                    {IMP_DISADV_STATUS, "disadvantage_status", false, NULL},
                    {IMP_SEX, "sex", false, NULL},
                    {IMP_LANGUAGE, "first_language", false, NULL},
                    {IMP_PRIOR, "prior_attainment", false, NULL},
                    {IMP_MOBILITY, "mobility", false, NULL},
                    {IMP_GROUP, "establishment_type_group", false, NULL}}},
    [L_KS2_WIDE] = {"ks2", "a KS2 school-level file of the performance tables (england_ks2final.csv)", 0,
                    {{IMP_URN, "URN", true, NULL},
                     {IMP_RECTYPE, "RECTYPE", true, NULL},
                     {IMP_COHORT, "TFSM6CLA1A", true, "TFSMCLA1A"},
                     {IMP_READ, "READ_AVERAGE_FSM6CLA1A", true, NULL},
                     {IMP_MATHS, "MAT_AVERAGE_FSM6CLA1A", true, NULL},
                     {IMP_GPS, "GPS_AVERAGE_FSM6CLA1A", true, NULL}}},
    /* One row per school, year, breakdown and subject. */
    [L_KS2_EES] = {"ks2", "a KS2 school-level file of Explore education statistics "
                          "(ks2_school_attainment_data.csv)", 0,
                   {{IMP_URN, "school_urn", true, NULL},
                    {IMP_PERIOD, "time_period", true, NULL},
                    {IMP_BREAKDOWN, "breakdown", true, NULL},
                    {IMP_SUBJECT, "subject", true, NULL},
                    {IMP_COHORT, "eligible_pupil_count", true, NULL},
                    {IMP_SCORE, "average_scaled_score", true, NULL},
                    {IMP_LEVEL, "geographic_level", false, NULL},
                    {IMP_GROUP, "establishment_type_group", false, NULL}}},
    /* Ofsted's management information, state-funded schools, latest
     * inspections: to October 2025, four-point grades only... */
    [L_OFSTED_OLD] = {"ofsted", "Ofsted's management information to October 2025 (four-point grades)", 0,
                      {{IMP_URN, "URN", true, NULL},
                       {IMP_INSPECTED, "Inspection start date", true, NULL},
                       {IMP_OE, "Overall effectiveness", true, NULL},
                       {IMP_PREV_OE, "Previous graded inspection overall effectiveness", false, NULL}}},
    /* ... from November 2025, report cards, with the latest graded
     * inspection under the education inspection framework (OEIF) beside. */
    [L_OFSTED_NEW] = {"ofsted", "Ofsted's management information from November 2025 (report cards)", 0,
                      {{IMP_URN, "URN", true, NULL},
                       {IMP_INSPECTED, "Inspection start date", true, NULL},
                       {IMP_OE, "Latest OEIF overall effectiveness", true, NULL},
                       {IMP_OEIF_DATE, "Inspection start date of latest OEIF graded inspection", true, NULL},
                       {IMP_PREV_OE, "Previous graded inspection overall effectiveness", false, NULL},
                       {IMP_SAFEGUARDING, "Safeguarding standards", true, NULL},
                       {IMP_CARD + 0, "Inclusion", true, NULL},
                       {IMP_CARD + 1, "Curriculum and teaching", true, NULL},
                       {IMP_CARD + 2, "Achievement", true, NULL},
                       {IMP_CARD + 3, "Attendance and behaviour", true, NULL},
                       {IMP_CARD + 4, "Personal development and wellbeing", true, NULL},
                       {IMP_CARD + 5, "Leadership and governance", true, NULL},
                       {IMP_CARD + 6, "Early years (where applicable)", false, "Early years"},
                       {IMP_CARD + 7, "Post-16 provision (where applicable)", false, "Post-16 provision"}}},
};

/* The column layout l reads field from, as DfE writes it. */
static const char *column_name(int l, int field)
{
    const struct imp_column *col = imp_layouts[l].cols;
    while (col->name && col->field != field)
        col++;
    return col->name;
}

/* Values that mean "no figure": DfE's and EES's missing and suppression
 * codes (DFE-FILES.md), matched ignoring ASCII case. Never 0. */
static const char *const missing_codes[] = {
    "",   "SUPP", "NE", "NP", "NA", "LOWCOV", "x",  "c",  "z",  "u",   "low",     "k",    ":", "~",
    "N",  "n/a",  ".",  "-",  "--", "SP",    "RE", "NEW", "UNAVAIL", "NULL", NULL};
enum { N_MISSING_CODES = sizeof missing_codes / sizeof missing_codes[0] - 1 };

/* The member list's columns, in the order of the template. */
enum {
    M_URN, M_JOINED, M_RENEWAL, M_HUB, M_TRUST, M_PROGRAMMES, M_QAR_DATE, M_QAR_FULL, M_AOE, M_NAME,
    M_PHASE, M_REGION, M_AREA, M_PUPILS, M_FSM, M_SEND, N_MEMBER_COLS
};
static const char *const member_cols[] = {
    "urn",   "joined", "renewal", "hub",  "trust",  "programmes", "qar_date",   "qar_full_team",
    "areas_of_excellence", "name", "phase", "region", "area", "pupils", "fsm_pupils", "send_pupils", NULL};

/* The files given once: the member list, then one per option. A results
 * file (--ks2, --ks4, given any number of times) is an entry of
 * import.res instead. SRC_GIAS..SRC_SEN give figures, in layout order. */
enum { SRC_MEMBERS, SRC_GIAS, SRC_CENSUS, SRC_SEN, SRC_OFSTED, N_SOURCES };
static const char *const source_options[N_SOURCES] = {"members", "gias", "census", "sen", "ofsted"};

/* Results: the key stages, and the values an entry holds besides its
 * cohort (KS4: the English and maths share; KS2: the three scores). */
enum { KS2, KS4, N_KS };
static const char *const ks_keys[N_KS] = {"ks2", "ks4"};
static const char *const ks_titles[N_KS] = {"KS2", "KS4"};
enum { N_RES_VALUES = 3 };
static const char *const res_keys[N_KS][N_RES_VALUES] = {
    {"disadvantaged_reading", "disadvantaged_maths", "disadvantaged_gps"}, {"disadvantaged_em4_pct"}};

/* One school's (or England's) results for one year, from one file. */
struct imp_result {
    int year, file;              /* file: its index in import.res */
    long long line;                   /* the first row that gave it */
    const char *group;           /* national rows: which (RECTYPE, establishment type) */
    long long cohort;
    bool has_cohort, seen_cohort, dropped;
    bool has[N_RES_VALUES], seen[N_RES_VALUES];
    double v[N_RES_VALUES];
};

struct imp_results {
    struct imp_result *e;
    int n, cap;
};

struct member {
    long long urn;
    long long line[N_SOURCES];        /* its row in each file; 0: not there */
    long long joined, qar_date, aoe;  /* aoe -1: not given */
    int renewal, qar_full;       /* -1: not given */
    const char *hub, *trust, *programmes, *name, *area;
    int phase, region;           /* -1: not given */
    bool has_qar;
    long long fig[N_SOURCES][N_FIGS];
    bool has_fig[N_SOURCES][N_FIGS];
    /* From GIAS. */
    const char *g[N_IMP_FIELDS];
    int g_phase, g_region;       /* -1: not one cpreport/1 knows */
    int trust_idx;               /* the base trust GIAS names, or -1 */
    bool foreign_trust;          /* GIAS names a trust the base does not list */
    struct imp_results ks[N_KS];
    int res_file;                /* the last results file that had it, or -1 */
    /* From Ofsted: grades as indices of grade_names and card_grade_names,
     * -1 none; dates in days, 0 none. */
    int o_cur, o_prev, card_safe, card_grade[N_CARD_AREAS];
    long long o_date, card_date;
};

struct imp_source {
    const char *file;            /* NULL: not given */
    struct diag d;
    long long rows, matched, figures;
    long long missing[N_MISSING_CODES];
    bool cp1252;
    long long replaced;
    int col[N_IMP_FIELDS];       /* column of each field, or -1 */
    int layout;                  /* the layout its header matched, or -1 */
    /* Results files (import.res) only. */
    int ks, year;                /* year: YEAR= before the file name, or 0 */
    long long later;                  /* members' rows left out: after the year of --as-of */
    long long no_cohort;              /* entries left out without a cohort */
    struct imp_results nat;      /* England's rows, for the summary */
    long long taken;                  /* entries (results) or inspections (Ofsted) taken */
    long long cards;                  /* Ofsted: report cards taken */
};

struct import {
    long long as_of;
    const char *label, *base_file, *out;
    int encoding;
    bool quiet;
    struct imp_source src[N_SOURCES];
    struct imp_source *res;      /* --ks2 and --ks4 files, in the order given */
    int nres;
    struct member *m;
    int nm;
    long long closed, foreign_trusts;
    struct arena arena;          /* the members' strings */
    struct snapshot *base;       /* loaded and checked, or NULL */
    struct key_index *hub_ix, *trust_ix, *prog_ix;
    int nhub_ix, ntrust_ix, nprog_ix;
};

/* The index of s in names ignoring ASCII case, or -1. */
static int name_index(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (!ascii_casecmp(s, names[i]))
            return i;
    return -1;
}

/* A whole number 0..MAX_COUNT written as digits, or a number with a zero
 * fraction ("12.0"). */
static bool parse_count(const char *s, long long *out)
{
    char *end;
    if (!isdigit((unsigned char)*s) || strspn(s, "0123456789.") != strlen(s))
        return false;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || errno || x != floor(x) || x > MAX_COUNT)
        return false;
    *out = (long long)x;
    return true;
}

/* A date as YYYY-MM-DD or as the UK D/M/YYYY; never month first. */
static bool parse_any_date(const char *s, long long *days)
{
    int d, m, y, n = 0;
    if (parse_date(s, days))
        return true;
    if (strspn(s, "0123456789/") != strlen(s) || sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 || s[n])
        return false;
    char iso[16];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    return y >= 1000 && parse_date(iso, days);
}

/* Why s is no date: the wrong form, or a form whose day does not exist. */
static const char *date_problem(const char *s)
{
    int a, b, c, n = 0;
    bool form = (sscanf(s, "%4d-%2d-%2d%n", &a, &b, &c, &n) == 3 && n == 10) ||
                (sscanf(s, "%2d/%2d/%4d%n", &a, &b, &c, &n) == 3 && !s[n] && c >= 1000);
    return form && strspn(s, "0123456789-/") == strlen(s) ? "real date" : "date (YYYY-MM-DD or DD/MM/YYYY)";
}

static int cmp_member(const void *pa, const void *pb)
{
    const struct member *a = pa, *b = pb;
    if (a->urn != b->urn)
        return (a->urn > b->urn) - (a->urn < b->urn);
    return (a->line[0] > b->line[0]) - (a->line[0] < b->line[0]);
}

/* The member with this URN (im->m is sorted by URN), or NULL. */
static struct member *find_member(struct import *im, long long urn)
{
    size_t lo = 0, hi = (size_t)im->nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (im->m[mid].urn < urn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < (size_t)im->nm && im->m[lo].urn == urn ? &im->m[lo] : NULL;
}

/* A URN: six digits, 100000 to 999999. */
static bool parse_urn(const char *s, long long *urn)
{
    return strlen(s) == 6 && strspn(s, "0123456789") == 6 && (*urn = atoll(s)) >= 100000;
}

/* ===================================================================== *
 *  Import: the member list                                               *
 * ===================================================================== */

/* Maps the member list's header to member_cols; false on an error. */
static bool member_header(struct csv *c, struct diag *d, int col[N_MEMBER_COLS])
{
    char key[128], want[128], q[64];
    bool ok = true;
    for (int k = 0; k < N_MEMBER_COLS; k++)
        col[k] = -1;
    for (int i = 0; i < c->nfields; i++) {
        const char *h = trim(c->buf + c->starts[i]);
        header_key(h, key);
        int k = 0;
        for (; k < N_MEMBER_COLS; k++) {
            header_key(member_cols[k], want);
            if (!strcmp(key, want))
                break;
        }
        if (k == N_MEMBER_COLS) {
            const char *near = nearest_name(h, member_cols);
            if (near)
                imp_warn(d, c->row_line, "unknown column %s ignored (did you mean \"%s\"?)", quoted(h, q), near);
            else
                imp_warn(d, c->row_line, "unknown column %s ignored", quoted(h, q));
        } else if (col[k] >= 0) {
            imp_error(d, c->row_line, 0, "column %s is given twice (columns %d and %d)", member_cols[k], col[k] + 1,
                      i + 1);
            ok = false;
        } else {
            col[k] = i;
        }
    }
    for (int k = M_URN; k <= M_JOINED; k++)
        if (col[k] < 0) {
            imp_error(d, c->row_line, 0, "no column %s (the member list needs urn and joined)", member_cols[k]);
            ok = false;
        }
    return ok;
}

/* A reference to an id of the base file's hubs or trusts, or NULL. */
static const char *member_ref(struct import *im, struct diag *d, long long line, const char *v, const char *what,
                              const struct key_index *ix, int nix)
{
    char q[64];
    if (key_lookup(ix, nix, v) < 0) {
        imp_error(d, line, 0, "%s: %s is not the id of any entry in %s of the base file", what, quoted(v, q),
                  !strcmp(what, "hub") ? "hubs" : "trusts");
        return NULL;
    }
    return arena_strdup(&im->arena, v);
}

/* The programme ids "a;b", each checked against the base's catalogue when
 * it has one; kept as written, spaces trimmed. */
static const char *member_programmes(struct import *im, struct diag *d, long long line, char *v)
{
    char q[64];
    bool ok = true;
    struct sb ids;
    sb_init(&ids);
    sb_addc(&ids, ';');
    for (char *p = v, *next; p; p = next) {
        next = strchr(p, ';');
        if (next)
            *next++ = 0;
        const char *id = trim(p);
        int p_ix = -1;
        if (!*id) {
            imp_error(d, line, 0, "programmes: an empty programme id in the list");
            ok = false;
            continue;
        }
        struct sb probe;
        sb_init(&probe);
        sb_printf(&probe, ";%s;", id);
        bool dup = strstr(ids.buf, probe.buf) != NULL;
        sb_free(&probe);
        if (dup) {
            imp_error(d, line, 0, "programmes: %s is listed twice", quoted(id, q));
            ok = false;
        } else if (im->base && im->base->has_catalogue && (p_ix = key_lookup(im->prog_ix, im->nprog_ix, id)) < 0) {
            imp_error(d, line, 0, "programmes: %s is not the id of any entry in programmes of the base file",
                      quoted(id, q));
            ok = false;
        } else if (p_ix >= 0 && im->base->progs[p_ix].audience >= 0 &&
                   strcmp(audience_names[im->base->progs[p_ix].audience], "school")) {
            /* The loader only warns, at a path of a file never written;
             * a member list holds schools, so this is a mistake here. */
            imp_error(d, line, 0, "programmes: %s is a programme for a %s, not a school (give it in the base file)",
                      quoted(id, q), audience_names[im->base->progs[p_ix].audience]);
            ok = false;
        }
        sb_printf(&ids, "%s;", id);
    }
    const char *out = ok && ids.len > 1 ? arena_strdup(&im->arena, ids.buf) : NULL;
    sb_free(&ids);
    return out;
}

/* One member row into m. Problems are reported; a row whose URN is bad
 * is dropped. */
static bool member_row(struct import *im, struct csv *c, const int col[N_MEMBER_COLS], struct member *m)
{
    struct diag *d = &im->src[SRC_MEMBERS].d;
    long long line = c->row_line;
    char q[64], d1[16];
    char *v[N_MEMBER_COLS];
    for (int k = 0; k < N_MEMBER_COLS; k++)
        v[k] = col[k] >= 0 && col[k] < c->nfields ? trim(c->buf + c->starts[col[k]]) : NULL;
    memset(m, 0, sizeof *m);
    m->line[SRC_MEMBERS] = line;
    m->renewal = m->qar_full = m->phase = m->region = m->g_phase = m->g_region = m->trust_idx = -1;
    m->aoe = -1;
    m->res_file = m->o_cur = m->o_prev = m->card_safe = -1;
    for (int a = 0; a < N_CARD_AREAS; a++)
        m->card_grade[a] = -1;
    for (int k = 0; k < N_MEMBER_COLS; k++)
        if (v[k] && !*v[k])
            v[k] = NULL;
    if (!v[M_URN] || !parse_urn(v[M_URN], &m->urn)) {
        imp_error(d, line, 0, "urn: %s is not a URN (six digits, 100000 to 999999)", v[M_URN] ? quoted(v[M_URN], q) : "empty");
        return false;
    }
    if (!v[M_JOINED])
        imp_error(d, line, 0, "joined: missing (the date the school joined)");
    else if (!parse_any_date(v[M_JOINED], &m->joined))
        imp_error(d, line, 0, "joined: %s is not a %s", quoted(v[M_JOINED], q), date_problem(v[M_JOINED]));
    else if (m->joined > im->as_of)
        imp_error(d, line, 0, "joined: %s is after --as-of (%s)", quoted(v[M_JOINED], q), iso_date(im->as_of, d1));
    if (v[M_RENEWAL] && (m->renewal = name_index(v[M_RENEWAL], renewal_names)) < 0)
        imp_error(d, line, 0, "renewal: %s is not one of new, renewed, continuing, lapsed", quoted(v[M_RENEWAL], q));
    if (v[M_HUB])
        m->hub = member_ref(im, d, line, v[M_HUB], "hub", im->hub_ix, im->nhub_ix);
    if (v[M_TRUST])
        m->trust = member_ref(im, d, line, v[M_TRUST], "trust", im->trust_ix, im->ntrust_ix);
    if (v[M_PROGRAMMES])
        m->programmes = member_programmes(im, d, line, v[M_PROGRAMMES]);
    if (v[M_QAR_DATE]) {
        m->has_qar = true;
        if (!parse_any_date(v[M_QAR_DATE], &m->qar_date))
            imp_error(d, line, 0, "qar_date: %s is not a %s", quoted(v[M_QAR_DATE], q), date_problem(v[M_QAR_DATE]));
        else if (m->qar_date > im->as_of)
            imp_error(d, line, 0, "qar_date: %s is after --as-of (%s)", quoted(v[M_QAR_DATE], q), iso_date(im->as_of, d1));
        if (!v[M_QAR_FULL])
            imp_error(d, line, 0, "qar_full_team: missing (a row with qar_date needs it: yes or no)");
    } else if (v[M_QAR_FULL] || v[M_AOE]) {
        imp_error(d, line, 0, "%s is given without qar_date", v[M_QAR_FULL] ? "qar_full_team" : "areas_of_excellence");
    }
    if (v[M_QAR_FULL]) {
        static const char *const yes_no[] = {"no", "yes", "false", "true", "0", "1", NULL};
        int b = name_index(v[M_QAR_FULL], yes_no);
        if (b < 0)
            imp_error(d, line, 0, "qar_full_team: %s is not yes/no, true/false or 1/0", quoted(v[M_QAR_FULL], q));
        m->qar_full = b < 0 ? -1 : b % 2;
    }
    if (v[M_AOE] && !parse_count(v[M_AOE], &m->aoe))
        imp_error(d, line, 0, "areas_of_excellence: %s is not a whole number", quoted(v[M_AOE], q));
    if (v[M_NAME]) {
        if (strlen(v[M_NAME]) > MAX_TEXT_BYTES)
            imp_error(d, line, 0, "name: longer than %d bytes", MAX_TEXT_BYTES);
        m->name = arena_strdup(&im->arena, v[M_NAME]);
    }
    if (v[M_AREA]) {
        if (strlen(v[M_AREA]) > MAX_TEXT_BYTES)
            imp_error(d, line, 0, "area: longer than %d bytes", MAX_TEXT_BYTES);
        m->area = arena_strdup(&im->arena, v[M_AREA]);
    }
    if (v[M_PHASE] && (m->phase = name_index(v[M_PHASE], phase_names)) < 0)
        imp_error(d, line, 0, "phase: %s is not one of primary, secondary, all-through, special, "
                  "alternative-provision, nursery, post-16", quoted(v[M_PHASE], q));
    if (v[M_REGION] && (m->region = name_index(v[M_REGION], region_names)) < 0)
        imp_error(d, line, 0, "region: %s is not one of England's nine regions", quoted(v[M_REGION], q));
    for (int f = 0; f < N_FIGS; f++) {
        const char *s = v[M_PUPILS + f];
        if (!s)
            continue;
        if (parse_count(s, &m->fig[SRC_MEMBERS][f]))
            m->has_fig[SRC_MEMBERS][f] = true;
        else
            imp_error(d, line, 0, "%s: %s is not a whole number", fig_keys[f], quoted(s, q));
    }
    return true;
}

/* Reads the member list into im->m, sorted by URN. False when it could
 * not be read at all. */
static bool read_members(struct import *im)
{
    struct imp_source *s = &im->src[SRC_MEMBERS];
    struct csv c;
    int col[N_MEMBER_COLS], cap = 0;
    bool ok = csv_open(&c, s->file, im->encoding, &s->d);
    int r = ok ? csv_row(&c, &s->d) : -1;
    if (r == 0)
        imp_error(&s->d, 0, 0, "empty (no header row)");
    ok = r > 0 && member_header(&c, &s->d, col);
    int width = c.nfields;
    while (ok && (r = csv_row(&c, &s->d)) > 0) {
        s->rows++;
        /* A field too many or too few is a comma in an unquoted value
         * ("1,050") or a lost one: every column after it would be wrong. */
        if (c.nfields != width) {
            imp_error(&s->d, c.row_line, 0, "%d fields, but the header has %d", c.nfields, width);
            continue;
        }
        if (im->nm == cap) {
            cap = cap * 2 + 64;
            im->m = xrealloc(im->m, sizeof *im->m * (size_t)cap);
        }
        if (member_row(im, &c, col, &im->m[im->nm]))
            im->nm++;
    }
    s->cp1252 = c.cp1252;
    s->replaced = c.replaced;
    csv_close(&c);
    if (!ok || r < 0)
        return false;
    /* A snapshot without schools is never what an import is for. */
    if (!s->rows) {
        imp_error(&s->d, 0, 0, "no member rows under the header (a snapshot needs at least one school)");
        return false;
    }
    if (im->nm)
        qsort(im->m, (size_t)im->nm, sizeof *im->m, cmp_member);
    int n = 0;
    for (int i = 0; i < im->nm; i++) {
        if (n && im->m[n - 1].urn == im->m[i].urn) {
            imp_error(&s->d, im->m[n - 1].line[0], im->m[i].line[0], "URN %lld is listed twice", im->m[i].urn);
            continue;
        }
        im->m[n++] = im->m[i];
    }
    im->nm = n;
    return true;
}

/* ===================================================================== *
 *  Import: DfE's files                                                   *
 * ===================================================================== */

/* The field of the header row c that is col (by its name or its older
 * one, ignoring case, spaces and underscores), or -1. */
static int find_column(const struct csv *c, const struct imp_column *col)
{
    char key[128], want[128], alt[128];
    header_key(col->name, want);
    header_key(col->alt ? col->alt : col->name, alt);
    for (int i = 0; i < c->nfields; i++) {
        header_key(c->buf + c->starts[i], key);
        if (!strcmp(key, want) || !strcmp(key, alt))
            return i;
    }
    return -1;
}

/* Required columns of layout l that the header c lacks, listed into b
 * when it is not NULL; their number. */
static int layout_missing(const struct csv *c, int l, struct sb *b)
{
    int n = 0;
    for (const struct imp_column *col = imp_layouts[l].cols; col->name; col++)
        if (col->required && find_column(c, col) < 0) {
            if (b)
                sb_printf(b, "%s%s", n ? ", " : "", col->name);
            n++;
        }
    return n;
}

/* Settles which of the option's layouts the header c is (the one with
 * every required column, the most of them when several have) and maps
 * its fields into s; -1, naming what is missing (and the option the file
 * looks like), when it is none. */
static int layout_header(struct csv *c, const char *option, struct imp_source *s)
{
    int best = -1, nbest = 0, like = -1, ours = 0;
    for (int k = 0; k < N_IMP_FIELDS; k++)
        s->col[k] = -1;
    for (int l = 0; l < N_LAYOUTS; l++) {
        int need = 0;
        for (const struct imp_column *col = imp_layouts[l].cols; col->name; col++)
            need += col->required;
        bool mine = !strcmp(imp_layouts[l].option, option);
        ours += mine;
        if (layout_missing(c, l, NULL))
            continue;
        if (mine && need > nbest)
            best = l, nbest = need;
        else if (!mine)
            like = l;
    }
    if (best >= 0) {
        for (const struct imp_column *col = imp_layouts[best].cols; col->name; col++)
            s->col[col->field] = find_column(c, col);
        return best;
    }
    struct sb missing;
    sb_init(&missing);
    if (ours == 1) {
        int l = 0;
        while (strcmp(imp_layouts[l].option, option))
            l++;
        int n = layout_missing(c, l, &missing);
        if (like >= 0)
            imp_error(&s->d, c->row_line, 0, "no column%s %s (the file looks like %s: give it with --%s)",
                      n > 1 ? "s" : "", missing.buf, imp_layouts[like].what, imp_layouts[like].option);
        else
            imp_error(&s->d, c->row_line, 0, "no column%s %s (the file may not be %s)", n > 1 ? "s" : "",
                      missing.buf, imp_layouts[l].what);
    } else {
        for (int l = 0; l < N_LAYOUTS; l++) {
            if (strcmp(imp_layouts[l].option, option))
                continue;
            sb_add(&missing, missing.len ? "; " : "");
            sb_printf(&missing, "as %s it lacks ", imp_layouts[l].what);
            layout_missing(c, l, &missing);
        }
        if (like >= 0)
            sb_printf(&missing, " (the file looks like %s: give it with --%s)", imp_layouts[like].what,
                      imp_layouts[like].option);
        imp_error(&s->d, c->row_line, 0, "not a layout --%s knows: %s", option, missing.buf);
    }
    sb_free(&missing);
    return -1;
}

/* A DfE figure: a count, or a missing or suppressed value (counted by its
 * code, never 0). False for anything else, after saying so. */
static bool dfe_figure(struct imp_source *s, long long line, const char *column, const char *v, long long *out, bool *has)
{
    char q[64];
    *has = false;
    if (parse_count(v, out))
        return *has = true;
    int code = name_index(v, missing_codes);
    if (code >= 0) {
        s->missing[code]++;
        return true;
    }
    imp_error(&s->d, line, 0, "%s: %s is neither a whole number nor a known missing-value code", column, quoted(v, q));
    return false;
}

/* GIAS's phase of education as a cpreport/1 phase, or -1. "Not
 * applicable" is settled by the type of establishment. */
static int gias_phase(const char *phase, const char *type)
{
    static const char *const map[][2] = {
        {"Primary", "primary"},         {"Middle deemed primary", "primary"},
        {"Secondary", "secondary"},     {"Middle deemed secondary", "secondary"},
        {"All-through", "all-through"}, {"16 plus", "post-16"},
        {"Nursery", "nursery"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!ascii_casecmp(phase, map[i][0]))
            return name_index(map[i][1], phase_names);
    if (ascii_casecmp(phase, "Not applicable"))
        return -1;
    char low[128];
    size_t n = 0;
    for (; type[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)type[n]);
    low[n] = 0;
    if (strstr(low, "special"))
        return name_index("special", phase_names);
    if (strstr(low, "pupil referral unit") || strstr(low, "alternative provision"))
        return name_index("alternative-provision", phase_names);
    return -1;
}

/* The next character of the UTF-8 text *p, lower-cased, and *p moved
 * past it. Case is folded for ASCII, the Latin-1 Supplement and Latin
 * Extended-A (U+0100..U+017F), the letters of English, French, German,
 * Polish, Czech, Turkish... school and trust names; any other character,
 * and any byte that is not UTF-8, is itself. */
static unsigned fold_next(const char **p)
{
    const unsigned char *u = (const unsigned char *)*p;
    size_t len = utf8_length(u, strlen(*p));
    unsigned cp = u[0];
    if (len > 1) {
        cp = u[0] & (0x7F >> len);
        for (size_t k = 1; k < len; k++)
            cp = cp << 6 | (u[k] & 0x3F);
    }
    *p += len ? len : 1;
    if (cp < 0x80)
        return (unsigned)tolower((int)cp);
    if (len < 2)
        return cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 0x20;
    if (cp == 0x178)
        return 0xFF;
    /* Latin Extended-A pairs upper, lower: even first in 0100..0137 and
     * 014A..0177, odd first in 0139..0148 and 0179..017E. */
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp + (cp & 1);
    return cp;
}

/* Whether a and b are the same name ignoring case (fold_next's). */
static bool same_name(const char *a, const char *b)
{
    while (*a && *b)
        if (fold_next(&a) != fold_next(&b))
            return false;
    return !*a && !*b;
}

/* GIAS's trust for m: an entry of the base's trusts by code (its id) or,
 * ignoring case, by name. A member row that names a trust keeps it; when
 * GIAS names another, that is said. */
static void gias_trust(struct import *im, struct member *m)
{
    const char *code = m->g[IMP_TRUST_CODE], *name = m->g[IMP_TRUST_NAME];
    bool named = (code && *code) || (name && *name && ascii_casecmp(name, "Not applicable"));
    if (!named)
        return;
    const struct snapshot *b = im->base;
    if (code && *code)
        m->trust_idx = key_lookup(im->trust_ix, im->ntrust_ix, code);
    for (int t = 0; b && m->trust_idx < 0 && name && *name && t < b->ntrusts; t++)
        if (b->trusts[t].name && same_name(b->trusts[t].name, name))
            m->trust_idx = t;
    if (!m->trust) {
        m->foreign_trust = m->trust_idx < 0;
        return;
    }
    if (m->trust_idx >= 0 && !strcmp(b->trusts[m->trust_idx].id, m->trust))
        return;
    char q[64], q2[64], q3[64];
    struct imp_source *gs = &im->src[SRC_GIAS];
    imp_warn(&im->src[SRC_MEMBERS].d, m->line[SRC_MEMBERS],
             "URN %lld: trust %s here, but %s gives trust %s (code %s)%s; the member list's is kept", m->urn,
             quoted(m->trust, q), shown(gs->file), name && *name ? quoted(name, q2) : "with no name",
             code && *code ? quoted(code, q3) : "none",
             m->trust_idx >= 0 ? "" : ", which the base file does not list");
}

/* One row of a DfE file: a member's fields are taken, anyone else's are
 * dropped unread. */
static void dfe_row(struct import *im, int l, struct csv *c)
{
    int src = 1 + l;
    struct imp_source *s = &im->src[src];
    long long urn, line = c->row_line;
    const char *u = s->col[IMP_URN] < c->nfields ? csv_field(c, s->col[IMP_URN]) : "";
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%s", u);
    struct member *m = parse_urn(trim(tmp), &urn) ? find_member(im, urn) : NULL;
    if (!m)
        return;
    if (m->line[src]) {
        imp_error(&s->d, m->line[src], line, "URN %lld is listed twice", urn);
        return;
    }
    m->line[src] = line;
    s->matched++;
    long long x[N_IMP_FIELDS] = {0};
    bool has[N_IMP_FIELDS] = {false};
    for (const struct imp_column *col = imp_layouts[l].cols; col->name; col++) {
        int i = s->col[col->field];
        if (i < 0 || col->field == IMP_URN)
            continue;
        char *v = trim(c->buf + c->starts[i]);
        if (col->field >= IMP_PUPILS) {
            dfe_figure(s, line, col->name, v, &x[col->field], &has[col->field]);
        } else {
            m->g[col->field] = arena_strdup(&im->arena, v);
        }
    }
    /* send_pupils is SEN support plus EHC plans: absent when either is. */
    static const int fig_field[N_FIGS][2] = {{IMP_PUPILS, IMP_PUPILS}, {IMP_FSM, IMP_FSM},
                                             {IMP_SEN_SUPPORT, IMP_EHC}};
    for (int f = 0; f < N_FIGS; f++) {
        int a = fig_field[f][0], b = fig_field[f][1];
        m->has_fig[src][f] = has[a] && has[b];
        if (m->has_fig[src][f])
            m->fig[src][f] = x[a] + (a == b ? 0 : x[b]);
    }
    if (l == L_GIAS) {
        m->g_phase = gias_phase(m->g[IMP_PHASE], m->g[IMP_TYPE]);
        m->g_region = name_index(m->g[IMP_REGION], region_names);
        gias_trust(im, m);
    }
}

/* The member the row's URN names, or NULL (not a member, or no URN). */
static struct member *row_member(struct import *im, const struct imp_source *s, const struct csv *c, long long *urn)
{
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%s", csv_field(c, s->col[IMP_URN]));
    return parse_urn(trim(tmp), urn) ? find_member(im, *urn) : NULL;
}

/* The row's value of field, spaces trimmed; NULL when the layout has no
 * such column. */
static char *row_value(const struct imp_source *s, struct csv *c, int field)
{
    return s->col[field] >= 0 ? trim(c->buf + c->starts[s->col[field]]) : NULL;
}

/* ---- Results: --ks2 and --ks4 ---- */

/* A results value: a number, "12.5%" allowed, or a missing or suppressed
 * value (counted by its code, never 0). False, after saying so, for
 * anything else or a number outside lo..hi. */
static bool res_number(struct imp_source *s, long long line, int field, const char *v, double lo, double hi,
                       double *out, bool *has)
{
    char q[64], *end;
    const char *name = column_name(s->layout, field);
    *has = false;
    int code = name_index(v, missing_codes);
    if (code >= 0) {
        s->missing[code]++;
        return true;
    }
    size_t n = strlen(v);
    bool pct = n && v[n - 1] == '%';
    errno = 0;
    double x = strtod(v, &end);
    bool number = n && (isdigit((unsigned char)v[0]) || (v[0] == '-' && isdigit((unsigned char)v[1]))) &&
                  end == v + n - pct && !errno && isfinite(x);
    if (!number) {
        imp_error(&s->d, line, 0, "%s: %s is neither a number nor a known missing-value code", name, quoted(v, q));
        return false;
    }
    if (x < lo || x > hi) {
        imp_error(&s->d, line, 0, "%s: %s is outside %g to %g", name, quoted(v, q), lo, hi);
        return false;
    }
    *out = x;
    return *has = true;
}

/* An EES time_period, "202425" for the academic year 2024/25, as the
 * year its results are for (2025). */
static bool parse_period(const char *v, int *year)
{
    if (strlen(v) != 6 || strspn(v, "0123456789") != 6)
        return false;
    int first = atoi(v) / 100, second = atoi(v + 4);
    *year = first + 1;
    return (first + 1) % 100 == second;
}

/* Whether an EES row is the disadvantaged pupils' own: breakdown (and
 * disadvantage_status, where the file has it) "Disadvantaged", every
 * other breakdown the file has "Total". */
static bool res_disadvantaged(const struct imp_source *s, struct csv *c)
{
    static const int totals[] = {IMP_SEX, IMP_LANGUAGE, IMP_PRIOR, IMP_MOBILITY};
    const char *b = row_value(s, c, IMP_BREAKDOWN), *ds = row_value(s, c, IMP_DISADV_STATUS);
    if (ascii_casecmp(b, "Disadvantaged") || (ds && ascii_casecmp(ds, "Disadvantaged")))
        return false;
    for (size_t k = 0; k < sizeof totals / sizeof totals[0]; k++) {
        const char *v = row_value(s, c, totals[k]);
        if (v && ascii_casecmp(v, "Total"))
            return false;
    }
    return true;
}

/* The entry of list for year from file f (and group, for England's
 * rows), added when there is none. */
static struct imp_result *res_entry(struct import *im, struct imp_results *list, int year, int f, long long line,
                                    const char *group)
{
    for (int i = 0; i < list->n; i++) {
        struct imp_result *e = &list->e[i];
        if (e->year == year && e->file == f &&
            (e->group == group || (e->group && group && !strcmp(e->group, group))))
            return e;
    }
    if (list->n == list->cap) {
        list->cap = list->cap * 2 + 4;
        list->e = xrealloc(list->e, sizeof *list->e * (size_t)list->cap);
    }
    struct imp_result *e = &list->e[list->n++];
    memset(e, 0, sizeof *e);
    e->year = year;
    e->file = f;
    e->line = line;
    e->group = group ? arena_strdup(&im->arena, group) : NULL;
    return e;
}

/* KS2's subjects in an EES file, as the index of the entry's value. */
static int ks2_subject(const char *v)
{
    static const char *const subjects[][2] = {{"Reading", "Reading"},
                                              {"Maths", "Mathematics"},
                                              {"Grammar, punctuation and spelling", "GPS"}};
    for (int k = 0; k < 3; k++)
        if (!ascii_casecmp(v, subjects[k][0]) || !ascii_casecmp(v, subjects[k][1]))
            return k;
    return -1;
}

/* One row of a results file: a member's or England's disadvantaged
 * pupils; anything else is dropped unread. */
static void results_row(struct import *im, int f, struct csv *c)
{
    struct imp_source *s = &im->res[f];
    long long line = c->row_line, urn = 0;
    bool wide = s->layout == L_KS4_WIDE || s->layout == L_KS2_WIDE, national = false;
    const char *group = NULL;
    char q[64];
    if (wide) {
        /* RECTYPE 1 is a school; 4 England (KS2: all schools), 5 (KS2)
         * England's state-funded schools; 2 and 3 local authorities. */
        const char *rt = row_value(s, c, IMP_RECTYPE);
        if (!strcmp(rt, "4") || (s->ks == KS2 && !strcmp(rt, "5"))) {
            national = true;
            group = !strcmp(rt, "4") ? "RECTYPE 4" : "RECTYPE 5, state-funded";
        } else if (strcmp(rt, "1")) {
            return;
        }
    } else {
        const char *level = row_value(s, c, IMP_LEVEL);
        if (level && !ascii_casecmp(level, "National"))
            national = true;
        else if (level && ascii_casecmp(level, "School"))
            return;
        if (!res_disadvantaged(s, c))
            return;
        group = national ? row_value(s, c, IMP_GROUP) : NULL;
    }
    int subject = -1;
    if (s->layout == L_KS2_EES && (subject = ks2_subject(row_value(s, c, IMP_SUBJECT))) < 0)
        return;
    int year = s->year;
    if (!wide && (!parse_period(row_value(s, c, IMP_PERIOD), &year) || year < 2000)) {
        imp_error(&s->d, line, 0, "time_period: %s is not an academic year such as 202425 (from 1999/2000)",
                  quoted(row_value(s, c, IMP_PERIOD), q));
        return;
    }
    struct imp_results *list = &s->nat;
    if (!national) {
        struct member *m = row_member(im, s, c, &urn);
        if (!m)
            return;
        if (m->res_file != f) {
            m->res_file = f;
            s->matched++;
        }
        int last, mm, dd;
        civil_from_days(im->as_of, &last, &mm, &dd);
        if (year > last) {
            s->later++;
            return;
        }
        list = &m->ks[s->ks];
    }
    struct imp_result *e = res_entry(im, list, year, f, line, group);
    /* One row an entry, but a row a subject in the long KS2 file. */
    bool twice = subject < 0 ? e->seen_cohort : e->seen[subject];
    /* England's rows are only shown: the first of a year and group is. */
    if (twice) {
        if (!national)
            imp_error(&s->d, e->line, line, "URN %lld: %s %d is given twice", urn, ks_titles[s->ks], year);
        return;
    }
    const char *v = row_value(s, c, IMP_COHORT);
    long long cohort;
    bool has;
    e->seen_cohort = true;
    if (dfe_figure(s, line, column_name(s->layout, IMP_COHORT), v, &cohort, &has) && has) {
        /* The long KS2 file counts the pupils eligible for each subject:
         * the cohort is the largest. */
        e->cohort = e->has_cohort && e->cohort > cohort ? e->cohort : cohort;
        e->has_cohort = true;
    }
    static const int wide_fields[N_KS][N_RES_VALUES] = {{IMP_READ, IMP_MATHS, IMP_GPS}, {IMP_EM4, -1, -1}};
    for (int k = 0; k < N_RES_VALUES; k++) {
        int field = subject >= 0 ? (k == subject ? IMP_SCORE : -1) : wide_fields[s->ks][k];
        if (field < 0 || !(v = row_value(s, c, field)))
            continue;
        e->seen[k] = true;
        if (s->ks == KS4)
            res_number(s, line, field, v, 0, 100, &e->v[k], &e->has[k]);
        else
            res_number(s, line, field, v, SCALED_MIN, SCALED_MAX, &e->v[k], &e->has[k]);
    }
}

static int cmp_result(const void *pa, const void *pb)
{
    const struct imp_result *a = pa, *b = pb;
    if (a->year != b->year)
        return (a->year > b->year) - (a->year < b->year);
    return (a->file > b->file) - (a->file < b->file);
}

/* Whether two entries give the same figures. */
static bool same_results(const struct imp_result *a, const struct imp_result *b)
{
    if (a->cohort != b->cohort)
        return false;
    for (int k = 0; k < N_RES_VALUES; k++)
        if (a->has[k] != b->has[k] || (a->has[k] && a->v[k] != b->v[k]))
            return false;
    return true;
}

/* Once every results file is read: an entry without its cohort is left
 * out (with a warning when it had a figure); two files giving the same
 * school and year must agree, and the second is then dropped. */
static void results_settle(struct import *im, struct member *m)
{
    for (int ks = 0; ks < N_KS; ks++) {
        struct imp_results *list = &m->ks[ks];
        if (list->n > 1)
            qsort(list->e, (size_t)list->n, sizeof *list->e, cmp_result);
        for (int i = 0; i < list->n; i++) {
            struct imp_result *e = &list->e[i];
            struct imp_source *s = &im->res[e->file];
            if (!e->has_cohort) {
                e->dropped = true;
                s->no_cohort++;
                if (e->has[0] || e->has[1] || e->has[2])
                    imp_warn(&s->d, e->line, "URN %lld: %s %d is left out: its disadvantaged cohort (%s) is "
                             "missing or suppressed, and every average is weighted by it", m->urn, ks_titles[ks],
                             e->year, column_name(s->layout, IMP_COHORT));
                continue;
            }
            for (int j = 0; j < i && !e->dropped; j++) {
                const struct imp_result *o = &list->e[j];
                if (o->dropped || o->year != e->year)
                    continue;
                if (!same_results(o, e))
                    imp_error(&s->d, e->line, 0, "URN %lld: %s %d is also in %s:%lld, with other figures; give "
                              "one file for each year", m->urn, ks_titles[ks], e->year,
                              shown(im->res[o->file].file), o->line);
                e->dropped = true;
            }
            s->taken += !e->dropped;
        }
    }
}

/* ---- Inspections: --ofsted ---- */

/* An Ofsted value: NULL, empty or the literal NULL are no value. */
static const char *mi_value(const struct imp_source *s, struct csv *c, int field)
{
    const char *v = row_value(s, c, field);
    return v && *v && ascii_casecmp(v, "NULL") ? v : NULL;
}

/* A four-point grade (1-4 or its words) as an index of grade_names; -1
 * for none ("Not judged", empty); -2, after saying so, for anything else. */
static int mi_grade(struct imp_source *s, long long line, struct csv *c, int field)
{
    static const char *const words[] = {"Outstanding", "Good", "Requires improvement", "Inadequate", NULL};
    char q[64];
    const char *v = mi_value(s, c, field);
    if (!v || !ascii_casecmp(v, "Not judged"))
        return -1;
    if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '4')
        return v[0] - '1';
    int g = name_index(v, words);
    if (g < 0)
        imp_error(&s->d, line, 0, "%s: %s is not a grade (1 to 4, Outstanding, Good, Requires improvement, "
                  "Inadequate, or Not judged)", column_name(s->layout, field), quoted(v, q));
    return g < 0 ? -2 : g;
}

/* An Ofsted date (dd/mm/yyyy) in days; 0 when there is none; -1, after
 * saying so, for one that is not a date. */
static long long mi_date(struct imp_source *s, long long line, struct csv *c, int field)
{
    char q[64];
    long long days;
    const char *v = mi_value(s, c, field);
    if (!v)
        return 0;
    if (parse_any_date(v, &days))
        return days;
    imp_error(&s->d, line, 0, "%s: %s is not a date (dd/mm/yyyy)", column_name(s->layout, field), quoted(v, q));
    return -1;
}

/* A report-card grade as an index of card_grade_names; -1 for none ("Not
 * applicable", empty); -2, after saying so, for anything else. */
static int mi_card_grade(struct imp_source *s, long long line, struct csv *c, int field)
{
    static const char *const words[] = {"Exceptional", "Strong standard", "Expected standard", "Needs attention",
                                        "Urgent improvement", NULL};
    static const char *const short_words[] = {"Exceptional", "Strong", "Expected", "Needs attention",
                                              "Urgent improvement", NULL};
    char q[64];
    const char *v = mi_value(s, c, field);
    if (!v || !ascii_casecmp(v, "Not applicable"))
        return -1;
    int g = name_index(v, words);
    if (g < 0)
        g = name_index(v, short_words);
    if (g < 0)
        imp_error(&s->d, line, 0, "%s: %s is not a report-card grade (Exceptional, Strong standard, Expected "
                  "standard, Needs attention, Urgent improvement, or Not applicable)",
                  column_name(s->layout, field), quoted(v, q));
    return g < 0 ? -2 : g;
}

/* One row of Ofsted's file: a member's inspection; anyone else's row is
 * dropped unread. */
static void ofsted_row(struct import *im, struct csv *c)
{
    struct imp_source *s = &im->src[SRC_OFSTED];
    long long urn, line = c->row_line;
    char q[64], d1[16], d2[16];
    struct member *m = row_member(im, s, c, &urn);
    if (!m)
        return;
    if (m->line[SRC_OFSTED]) {
        imp_error(&s->d, m->line[SRC_OFSTED], line, "URN %lld is listed twice", urn);
        return;
    }
    m->line[SRC_OFSTED] = line;
    s->matched++;
    bool cards = s->layout == L_OFSTED_NEW;
    int date_field = cards ? IMP_OEIF_DATE : IMP_INSPECTED;
    int cur = mi_grade(s, line, c, IMP_OE), prev = mi_grade(s, line, c, IMP_PREV_OE);
    long long date = mi_date(s, line, c, date_field);
    if (date > im->as_of) {
        imp_warn(&s->d, line, "URN %lld: the inspection of %s is after --as-of (%s); left out", urn,
                 iso_date(date, d1), iso_date(im->as_of, d2));
    } else if (date > 0 && cur > -2 && prev > -2) {
        m->o_date = date;
        m->o_cur = cur;
        m->o_prev = prev;
        s->taken++;
    } else if (!date && (cur >= 0 || prev >= 0)) {
        imp_error(&s->d, line, 0, "URN %lld: a grade without its date (%s is empty)", urn,
                  column_name(s->layout, date_field));
    }
    if (!cards)
        return;
    /* Safeguarding is met or not; each area graded on the report card's
     * scale. The inspection is the latest (Inspection start date). */
    bool any = false, bad = false;
    int safe = -1, grade[N_CARD_AREAS];
    const char *v = mi_value(s, c, IMP_SAFEGUARDING);
    if (v && ascii_casecmp(v, "Not applicable")) {
        if ((safe = name_index(v, (const char *const[]){"Met", "Not met", NULL})) < 0) {
            imp_error(&s->d, line, 0, "%s: %s is not Met or Not met", column_name(s->layout, IMP_SAFEGUARDING),
                      quoted(v, q));
            bad = true;
        }
        any = true;
    }
    for (int a = 0; a < N_CARD_AREAS; a++) {
        grade[a] = mi_card_grade(s, line, c, IMP_CARD + a);
        any |= grade[a] != -1;
        bad |= grade[a] == -2;
    }
    if (!any)
        return;
    long long from = days_from_civil(CARDS_FROM_Y, CARDS_FROM_M, 1);
    date = mi_date(s, line, c, IMP_INSPECTED);
    if (!date)
        imp_error(&s->d, line, 0, "URN %lld: a report card without its date (%s is empty)", urn,
                  column_name(s->layout, IMP_INSPECTED));
    else if (date > 0 && date < from)
        imp_error(&s->d, line, 0, "URN %lld: a report card inspected on %s, before report cards began (%s)", urn,
                  iso_date(date, d1), iso_date(from, d2));
    else if (date > im->as_of)
        imp_warn(&s->d, line, "URN %lld: the report-card inspection of %s is after --as-of (%s); left out", urn,
                 iso_date(date, d1), iso_date(im->as_of, d2));
    else if (date > 0 && !bad) {
        m->card_date = date;
        m->card_safe = safe;
        memcpy(m->card_grade, grade, sizeof grade);
        s->cards++;
    }
}

/* Reads one file of the option's: its header settles the layout, then
 * every row is read and a member's kept. `f` is the results file's index
 * in im->res, or -1. */
static void read_dfe(struct import *im, struct imp_source *s, const char *option, int f)
{
    struct csv c;
    if (!csv_open(&c, s->file, im->encoding, &s->d)) {
        csv_close(&c);
        return;
    }
    int r = csv_row(&c, &s->d);
    /* Ofsted's files may have a title line above the header. */
    static const struct imp_column urn_col = {IMP_URN, "URN", true, "school_urn"};
    if (r > 0 && !strcmp(option, "ofsted") && find_column(&c, &urn_col) < 0)
        r = csv_row(&c, &s->d);
    if (r == 0)
        imp_error(&s->d, 0, 0, "empty (no header row)");
    if (r > 0 && (s->layout = layout_header(&c, option, s)) >= 0) {
        bool wide = s->layout == L_KS4_WIDE || s->layout == L_KS2_WIDE, go = false;
        if (f >= 0 && wide && !s->year)
            imp_error(&s->d, c.row_line, 0, "the file gives no year: it is %s; give it as --%s YEAR=%s, YEAR "
                      "being the year of the results (2019 for 2018/19)", imp_layouts[s->layout].what, option,
                      shown(s->file));
        else if (f >= 0 && !wide && s->year)
            imp_error(&s->d, c.row_line, 0, "the file gives its years in time_period: give it without %d=",
                      s->year);
        else
            go = true;
        int width = c.nfields;
        while (go && (r = csv_row(&c, &s->d)) > 0) {
            s->rows++;
            if (c.nfields != width)
                imp_error(&s->d, c.row_line, 0, "%d fields, but the header has %d", c.nfields, width);
            else if (f >= 0)
                results_row(im, f, &c);
            else if (!strcmp(option, "ofsted"))
                ofsted_row(im, &c);
            else
                dfe_row(im, s->layout, &c);
        }
    }
    s->cp1252 = c.cp1252;
    s->replaced = c.replaced;
    csv_close(&c);
}

/* ===================================================================== *
 *  Import: the snapshot                                                  *
 * ===================================================================== */

/* The order of keys inside each object of a base file, by the key that
 * holds it: README's field tables, which the loader's key lists follow. */
static const char *const *key_order(const char *key)
{
    static const struct {
        const char *key;
        const char *const *order;
    } orders[] = {{"national", national_keys}, {"ks2", nat_ks2_keys},        {"ks4", nat_ks4_keys},
                  {"ofsted", nat_ofsted_keys}, {"hubs", hub_keys},           {"trusts", trust_keys},
                  {"programmes", programme_keys}, {"feedback", feedback_keys}, {"surveys", survey_keys},
                  {"finance", finance_keys},   {"income", income_keys},      {"expenditure", expenditure_keys},
                  {"internal", internal_keys}};
    for (size_t i = 0; key && i < sizeof orders / sizeof orders[0]; i++)
        if (!strcmp(orders[i].key, key))
            return orders[i].order;
    return NULL;
}

/* Starts the member `key` of an object at depth, after a comma unless it
 * is the first. */
static void json_member(struct sb *b, int depth, const char *key, bool *first)
{
    sb_add(b, *first ? "\n" : ",\n");
    *first = false;
    for (int i = 0; i < depth; i++)
        sb_add(b, "  ");
    json_string(b, key);
    sb_add(b, ": ");
}

static void json_close(struct sb *b, int depth, char bracket, bool empty)
{
    if (!empty) {
        sb_addc(b, '\n');
        for (int i = 0; i < depth; i++)
            sb_add(b, "  ");
    }
    sb_addc(b, bracket);
}

/* v pretty-printed at depth: two spaces a level, known keys only and in
 * their order, null left out; arrays of plain values on one line. */
static void json_pretty(struct sb *b, const cJSON *v, const char *key, int depth)
{
    const cJSON *c;
    bool first = true;
    if (cJSON_IsObject(v)) {
        const char *const *order = key_order(key);
        sb_addc(b, '{');
        for (int k = 0; order && order[k]; k++) {
            c = cJSON_GetObjectItemCaseSensitive(v, order[k]);
            if (c && !cJSON_IsNull(c)) {
                json_member(b, depth + 1, order[k], &first);
                json_pretty(b, c, order[k], depth + 1);
            }
        }
        json_close(b, depth, '}', first);
    } else if (cJSON_IsArray(v)) {
        bool flat = true;
        cJSON_ArrayForEach(c, v) flat &= !cJSON_IsObject(c) && !cJSON_IsArray(c);
        sb_addc(b, '[');
        cJSON_ArrayForEach(c, v)
        {
            if (flat) {
                sb_add(b, first ? "" : ", ");
            } else {
                sb_add(b, first ? "\n" : ",\n");
                for (int i = 0; i <= depth; i++)
                    sb_add(b, "  ");
            }
            first = false;
            json_pretty(b, c, key, depth + 1);
        }
        json_close(b, depth, ']', flat || first);
    } else if (cJSON_IsString(v)) {
        json_string(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        json_number(b, v->valuedouble);
    } else {
        sb_add(b, cJSON_IsTrue(v) ? "true" : cJSON_IsFalse(v) ? "false" : "null");
    }
}

static const char *const base_head_keys[] = {"organisation", "target_areas", "national", "hubs", "trusts", "programmes",
                                              NULL};
static const char *const base_tail_keys[] = {"lead_reviewers", "feedback", "surveys", "finance", "internal", NULL};

static void json_base_keys(struct sb *b, const cJSON *root, const char *const *keys)
{
    for (int k = 0; keys[k]; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, keys[k]);
        if (v && !cJSON_IsNull(v)) {
            sb_add(b, ",\n  ");
            json_string(b, keys[k]);
            sb_add(b, ": ");
            json_pretty(b, v, keys[k], 1);
        }
    }
}

/* The base file, checked as a snapshot of --as-of (an empty schools list
 * added when it has none); its sections before and after schools are
 * written into head and tail, its label into *label unless given. */
static bool read_base(struct import *im, struct sb *head, struct sb *tail, const char **label)
{
    const char *file = im->base_file;
    cJSON *root = parse_json_file(file, file);
    if (!root)
        return false;
    cJSON *schools = cJSON_GetObjectItemCaseSensitive(root, "schools");
    if (cJSON_IsObject(root)) {
        if (schools && !cJSON_IsNull(schools) && (!cJSON_IsArray(schools) || cJSON_GetArraySize(schools))) {
            fprintf(stderr, "%s: %s: schools: a base file holds no schools (they come from the member list)\n",
                    progname, shown(file));
            arena_free(&json_arena);
            return false;
        }
        char date[16];
        cJSON_DeleteItemFromObjectCaseSensitive(root, "as_of");
        cJSON_AddItemToObject(root, "as_of", cJSON_CreateString(iso_date(im->as_of, date)));
        if (!cJSON_IsArray(schools)) {
            cJSON_DeleteItemFromObjectCaseSensitive(root, "schools");
            cJSON_AddItemToObject(root, "schools", cJSON_CreateArray());
        }
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, "label");
        if (!*label && cJSON_IsString(l))
            *label = xstrdup(l->valuestring);
        json_base_keys(head, root, base_head_keys);
        json_base_keys(tail, root, base_tail_keys);
    }
    im->base = load_root(root, file, NULL);
    if (!im->base)
        return false;
    struct loader L = {.s = im->base};
    diag_init(&L.d, file);
    const struct snapshot *s = im->base;
    im->hub_ix = index_ids(&L, "hubs", s->hubs, sizeof *s->hubs, offsetof(struct hub, id), s->nhubs, &im->nhub_ix);
    im->trust_ix = index_ids(&L, "trusts", s->trusts, sizeof *s->trusts, offsetof(struct trust, id), s->ntrusts,
                             &im->ntrust_ix);
    im->prog_ix = index_ids(&L, "programmes", s->progs, sizeof *s->progs, offsetof(struct programme, id), s->nprogs,
                            &im->nprog_ix);
    return true;
}

static int source_rank(int src) { return src == SRC_MEMBERS ? 0 : imp_layouts[src - 1].rank; }

/* The source of m's figure f by precedence, or -1 when no file has it. */
static int pick_figure(const struct member *m, int f)
{
    int best = -1;
    for (int s = 0; s < N_SOURCES; s++)
        if (m->has_fig[s][f] && (best < 0 || source_rank(s) < source_rank(best)))
            best = s;
    return best;
}

/* A GIAS text value, or NULL when it is empty or "Not applicable". */
static const char *gias_text(const struct member *m, int field)
{
    const char *v = m->g[field];
    return v && *v && ascii_casecmp(v, "Not applicable") ? v : NULL;
}

/* m's `ofsted` and `report_card` objects, when Ofsted's file gave them. */
static void import_inspections(const struct member *m, struct sb *b, bool *first)
{
    char d1[16];
    if (m->o_date) {
        bool f = true;
        json_member(b, 3, "ofsted", first);
        sb_addc(b, '{');
        static const char *const keys[] = {"previous", "current"};
        const int grades[] = {m->o_prev, m->o_cur};
        for (int k = 0; k < 2; k++)
            if (grades[k] >= 0) {
                json_member(b, 4, keys[k], &f);
                json_string(b, grade_names[grades[k]]);
            }
        json_member(b, 4, "inspected", &f);
        json_string(b, iso_date(m->o_date, d1));
        json_close(b, 3, '}', false);
    }
    if (m->card_date) {
        bool f = true, g = true;
        json_member(b, 3, "report_card", first);
        sb_addc(b, '{');
        json_member(b, 4, "inspected", &f);
        json_string(b, iso_date(m->card_date, d1));
        if (m->card_safe >= 0) {
            json_member(b, 4, "safeguarding", &f);
            json_string(b, safeguarding_names[m->card_safe]);
        }
        for (int a = 0; a < N_CARD_AREAS; a++)
            if (m->card_grade[a] >= 0) {
                if (g) {
                    json_member(b, 4, "grades", &f);
                    sb_addc(b, '{');
                }
                json_member(b, 5, card_area_keys[a], &g);
                json_string(b, card_grade_names[m->card_grade[a]]);
            }
        if (!g)
            json_close(b, 4, '}', false);
        json_close(b, 3, '}', false);
    }
}

/* m's `ks2` and `ks4` arrays: the entries kept, by year. */
static void import_results(const struct member *m, struct sb *b, bool *first)
{
    for (int ks = 0; ks < N_KS; ks++) {
        bool any = false;
        for (int i = 0; i < m->ks[ks].n; i++) {
            const struct imp_result *e = &m->ks[ks].e[i];
            if (e->dropped)
                continue;
            bool f = true;
            if (!any)
                json_member(b, 3, ks_keys[ks], first);
            sb_add(b, any ? ",\n        {" : "[\n        {");
            any = true;
            json_member(b, 5, "year", &f);
            sb_printf(b, "%d", e->year);
            json_member(b, 5, "disadvantaged_pupils", &f);
            sb_printf(b, "%lld", e->cohort);
            for (int k = 0; k < N_RES_VALUES; k++)
                if (e->has[k]) {
                    json_member(b, 5, res_keys[ks][k], &f);
                    json_number(b, e->v[k]);
                }
            json_close(b, 4, '}', false);
        }
        if (any)
            json_close(b, 3, ']', false);
    }
}

/* Settles m's values by precedence and writes its school object into b;
 * closed schools are left out with a warning, contradictions reported. */
static void import_school(struct import *im, struct member *m, struct sb *b, bool *first_school)
{
    struct diag *d = &im->src[SRC_MEMBERS].d, *gd = &im->src[SRC_GIAS].d;
    long long line = m->line[SRC_MEMBERS], gline = m->line[SRC_GIAS];
    const char *gfile = im->src[SRC_GIAS].file;
    char q[64], q2[64], d1[16];
    if (gline && !ascii_casecmp(m->g[IMP_STATUS], "Closed")) {
        /* GIAS writes dd-mm-yyyy; anything else is shown quoted. */
        const char *closed = m->g[IMP_CLOSED];
        long long days;
        int dd, mm, yy, n = 0;
        if (!closed || !*closed)
            closed = "not given";
        else if (sscanf(closed, "%2d-%2d-%4d%n", &dd, &mm, &yy, &n) == 3 && !closed[n] &&
                 (snprintf(d1, sizeof d1, "%04d-%02d-%02d", yy, mm, dd), parse_date(d1, &days)))
            closed = d1;
        else
            closed = quoted(closed, q2);
        imp_warn(d, line, "URN %lld (%s) is closed in %s (closing date %s); left out of the snapshot", m->urn,
                 quoted(m->g[IMP_NAME], q), shown(gfile), closed);
        im->closed++;
        return;
    }
    const char *name = m->name ? m->name : gline ? gias_text(m, IMP_NAME) : NULL;
    const char *area = m->area ? m->area : gline ? gias_text(m, IMP_AREA) : NULL;
    int phase = m->phase >= 0 ? m->phase : gline ? m->g_phase : -1;
    int region = m->region >= 0 ? m->region : gline ? m->g_region : -1;
    const char *trust = m->trust ? m->trust : m->trust_idx >= 0 ? im->base->trusts[m->trust_idx].id : NULL;
    bool reported = false;
    /* What the loader would refuse is said here, at the line it came from. */
    static const int texts[] = {IMP_NAME, IMP_AREA};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        const char *v = texts[k] == IMP_NAME ? name : area;
        if (v && v == m->g[texts[k]] && strlen(v) > MAX_TEXT_BYTES) {
            imp_error(gd, gline, 0, "URN %lld: %s is %zu bytes long, more than the limit of %d", m->urn,
                      column_name(L_GIAS, texts[k]), strlen(v), MAX_TEXT_BYTES);
            reported = true;
        }
    }
    if (phase < 0 && gline) {
        imp_error(gd, gline, 0,
                  "URN %lld: PhaseOfEducation (name) %s with TypeOfEstablishment (name) %s is no phase of "
                  "cpreport/1; give phase in the member list",
                  m->urn, quoted(m->g[IMP_PHASE], q), quoted(m->g[IMP_TYPE], q2));
        reported = true;
    }
    if (region < 0 && gline) {
        imp_error(gd, gline, 0, "URN %lld: GOR (name) %s is not one of England's nine regions; give region in the "
                  "member list", m->urn, quoted(m->g[IMP_REGION], q));
        reported = true;
    }
    int src[N_FIGS];
    for (int f = 0; f < N_FIGS; f++)
        src[f] = pick_figure(m, f);
    bool contradicts[N_FIGS] = {false};
    for (int f = FIG_FSM; f < N_FIGS && src[FIG_PUPILS] >= 0; f++) {
        long long pupils = m->fig[src[FIG_PUPILS]][FIG_PUPILS];
        if (src[f] >= 0 && m->fig[src[f]][f] > pupils) {
            imp_warn(d, line, "URN %lld: %s %lld (%s) is more than pupils %lld (%s); %s left out", m->urn, fig_keys[f],
                     m->fig[src[f]][f], shown(im->src[src[f]].file), pupils, shown(im->src[src[FIG_PUPILS]].file),
                     fig_keys[f]);
            src[f] = -1;
            contradicts[f] = true;
        }
    }
    /* fsm_pupils is required: one left out for contradicting pupils is
     * said as such, not as a figure no file has. */
    if (contradicts[FIG_FSM]) {
        imp_error(d, line, 0, "URN %lld: fsm_pupils was left out because it contradicts pupils (above); give both "
                  "in the member list", m->urn);
        reported = true;
    }
    struct sb missing;
    sb_init(&missing);
    const char *needs[] = {name ? NULL : "name", phase < 0 && !gline ? "phase" : NULL,
                           region < 0 && !gline ? "region" : NULL, src[FIG_PUPILS] < 0 ? "pupils" : NULL,
                           src[FIG_FSM] < 0 && !contradicts[FIG_FSM] ? "fsm_pupils" : NULL};
    for (size_t k = 0; k < sizeof needs / sizeof needs[0]; k++)
        if (needs[k])
            sb_printf(&missing, "%s%s", missing.len ? ", " : "", needs[k]);
    bool anywhere = false;
    for (int s = SRC_GIAS; s <= SRC_SEN; s++)
        anywhere |= m->line[s] != 0;
    if (missing.len)
        imp_error(d, line, 0, "URN %lld has no %s from any file%s; give %s in the member list", m->urn, missing.buf,
                  anywhere ? "" : " (it is in none of the DfE files given)",
                  strchr(missing.buf, ',') ? "them" : "it");
    bool bad = missing.len || reported;
    sb_free(&missing);
    if (bad)
        return;

    for (int f = 0; f < N_FIGS; f++)
        if (src[f] >= 0)
            im->src[src[f]].figures++;
    im->foreign_trusts += m->foreign_trust;
    bool first = true;
    sb_add(b, *first_school ? "\n    {" : ",\n    {");
    *first_school = false;
    json_member(b, 3, "urn", &first);
    sb_printf(b, "%lld", m->urn);
    json_member(b, 3, "name", &first);
    json_string(b, name);
    json_member(b, 3, "phase", &first);
    json_string(b, phase_names[phase]);
    json_member(b, 3, "region", &first);
    json_string(b, region_names[region]);
    if (area) {
        json_member(b, 3, "area", &first);
        json_string(b, area);
    }
    if (m->hub) {
        json_member(b, 3, "hub", &first);
        json_string(b, m->hub);
    }
    if (trust) {
        json_member(b, 3, "trust", &first);
        json_string(b, trust);
    }
    for (int f = 0; f < N_FIGS; f++)
        if (src[f] >= 0) {
            json_member(b, 3, fig_keys[f], &first);
            sb_printf(b, "%lld", m->fig[src[f]][f]);
        }
    json_member(b, 3, "joined", &first);
    json_string(b, iso_date(m->joined, d1));
    if (m->renewal >= 0) {
        json_member(b, 3, "renewal", &first);
        json_string(b, renewal_names[m->renewal]);
    }
    if (m->programmes) {
        /* Kept as ";a;b;": each id between semicolons. */
        json_member(b, 3, "programmes", &first);
        sb_addc(b, '[');
        for (const char *p = m->programmes + 1; *p; p = strchr(p, ';') + 1) {
            char *id = xstrdup(p);
            *strchr(id, ';') = 0;
            sb_add(b, p == m->programmes + 1 ? "" : ", ");
            json_string(b, id);
            free(id);
        }
        sb_addc(b, ']');
    }
    import_inspections(m, b, &first);
    if (m->has_qar) {
        bool qfirst = true;
        json_member(b, 3, "qar", &first);
        sb_addc(b, '{');
        json_member(b, 4, "date", &qfirst);
        json_string(b, iso_date(m->qar_date, d1));
        json_member(b, 4, "full_team", &qfirst);
        sb_add(b, m->qar_full ? "true" : "false");
        if (m->aoe >= 0) {
            json_member(b, 4, "areas_of_excellence", &qfirst);
            sb_printf(b, "%lld", m->aoe);
        }
        json_close(b, 3, '}', false);
    }
    import_results(m, b, &first);
    json_close(b, 2, '}', false);
}

/* England's results that a results file gave, one line a year and
 * group, for the analyst to copy into the base file's `national`: cpreport
 * does not guess them into the snapshot. */
static void import_national(const struct imp_source *s, struct sb *b)
{
    for (int i = 0; i < s->nat.n; i++) {
        const struct imp_result *e = &s->nat.e[i];
        char q[64];
        sb_printf(b, "%s: %s: national figures seen, %s %d", progname, shown(s->file), ks_titles[s->ks], e->year);
        if (e->group)
            sb_printf(b, " (%s)", quoted(e->group, q));
        int n = 0;
        for (int k = 0; k < N_RES_VALUES; k++)
            if (e->has[k]) {
                sb_printf(b, "%s%s ", n++ ? ", " : ": ", res_keys[s->ks][k]);
                json_number(b, e->v[k]);
            }
        sb_add(b, n ? "\n" : ": none\n");
    }
}

/* "12 rows read" and the rest of one file's line of the summary; src is
 * the file's SRC_, or -1 for a results file. */
static void import_summary(const struct import *im, const struct imp_source *s, int src, long long written)
{
    struct sb b;
    sb_init(&b);
    sb_printf(&b, "%s: %s: %lld row%s read", progname, shown(s->file), s->rows, s->rows == 1 ? "" : "s");
    if (src < 0 || src == SRC_OFSTED) {
        sb_printf(&b, ", %lld member%s matched, %lld not found", s->matched, s->matched == 1 ? "" : "s",
                  im->nm - s->matched);
        if (src < 0)
            sb_printf(&b, ", %lld %s entr%s taken, %lld left out without a cohort, %lld row%s after the year of "
                      "--as-of", s->taken, ks_titles[s->ks], s->taken == 1 ? "y" : "ies", s->no_cohort, s->later,
                      s->later == 1 ? "" : "s");
        else
            sb_printf(&b, ", %lld inspection%s and %lld report card%s taken", s->taken, s->taken == 1 ? "" : "s",
                      s->cards, s->cards == 1 ? "" : "s");
    }
    if (src == SRC_MEMBERS) {
        sb_printf(&b, ", %lld school%s imported", written, written == 1 ? "" : "s");
        if (im->closed)
            sb_printf(&b, ", %lld closed left out", im->closed);
        sb_printf(&b, ", %lld figure%s given", s->figures, s->figures == 1 ? "" : "s");
    } else if (src != SRC_OFSTED) {
        long long missing = 0;
        for (int k = 0; k < N_MISSING_CODES; k++)
            missing += s->missing[k];
        if (src >= 0)
            sb_printf(&b, ", %lld member%s matched, %lld not found, %lld figure%s taken", s->matched,
                      s->matched == 1 ? "" : "s", im->nm - s->matched, s->figures, s->figures == 1 ? "" : "s");
        sb_printf(&b, ", %lld value%s missing or suppressed", missing, missing == 1 ? "" : "s");
        for (int k = 0, n = 0; k < N_MISSING_CODES; k++)
            if (s->missing[k])
                sb_printf(&b, "%s%s %lld", n++ ? ", " : " (", *missing_codes[k] ? missing_codes[k] : "empty",
                          s->missing[k]);
        if (missing)
            sb_addc(&b, ')');
        if (src == SRC_GIAS && im->base)
            sb_printf(&b, ", %lld member%s in a trust the base file does not list", im->foreign_trusts,
                      im->foreign_trusts == 1 ? "" : "s");
    }
    sb_printf(&b, "; encoding %s", encoding_titles[s->cp1252 ? ENC_CP1252 : ENC_UTF8]);
    if (s->replaced)
        sb_printf(&b, ", %lld undefined byte%s read as U+FFFD", s->replaced, s->replaced == 1 ? "" : "s");
    sb_addc(&b, '\n');
    if (src < 0)
        import_national(s, &b);
    fputs(b.buf, stderr);
    sb_free(&b);
}

/* Checks the snapshot text as `cpreport validate` would. */
static bool import_valid(const struct sb *text, const char *name)
{
    struct text_scan scan;
    scan_text(text->buf, text->len, &scan);
    cJSON *root = parse_scanned(text->buf, text->len, &scan, NULL);
    scan_free(&scan);
    if (!root) {
        fprintf(stderr, "%s: %s: the import made invalid JSON (at byte %lld: %s); please report this\n", progname,
                name, scan.bad, scan.why ? scan.why : "cJSON refused it");
        arena_free(&json_arena);
        return false;
    }
    struct snapshot *s = load_root(root, name, NULL);
    plaus_snapshot(s, NULL);
    snapshot_free(s);
    return s != NULL;
}

/* Every member, settled, as the snapshot's text in out. False after any
 * error, all of them reported. */
static bool import_build(struct import *im, struct sb *out)
{
    struct sb head, tail, schools;
    sb_init(&head);
    sb_init(&tail);
    sb_init(&schools);
    const char *label = im->label ? xstrdup(im->label) : NULL;
    bool ok = !im->base_file || read_base(im, &head, &tail, &label);
    if (ok && read_members(im)) {
        for (int s = SRC_GIAS; s < N_SOURCES; s++)
            if (im->src[s].file)
                read_dfe(im, &im->src[s], source_options[s], -1);
        for (int f = 0; f < im->nres; f++)
            read_dfe(im, &im->res[f], ks_keys[im->res[f].ks], f);
    }
    /* A school is settled only from files read whole and clean: what a
     * broken file leaves out would only be reported again as missing. */
    for (int s = 0; s < N_SOURCES; s++)
        ok &= !im->src[s].d.errors;
    for (int f = 0; f < im->nres; f++)
        ok &= !im->res[f].d.errors;
    for (int i = 0; ok && i < im->nm; i++)
        results_settle(im, &im->m[i]);
    for (int f = 0; f < im->nres; f++)
        ok &= !im->res[f].d.errors;
    long long written = 0;
    bool first = true;
    for (int i = 0; ok && i < im->nm; i++) {
        size_t before = schools.len;
        import_school(im, &im->m[i], &schools, &first);
        written += schools.len > before;
    }
    for (int s = 0; s < N_SOURCES; s++) {
        ok &= !im->src[s].d.errors;
        diag_finish(&im->src[s].d);
    }
    for (int f = 0; f < im->nres; f++)
        diag_finish(&im->res[f].d);
    if (ok) {
        char date[16];
        sb_add(out, "{\n  \"format\": \"" SNAPSHOT_FORMAT "\",\n  \"as_of\": ");
        json_string(out, iso_date(im->as_of, date));
        if (label) {
            sb_add(out, ",\n  \"label\": ");
            json_string(out, label);
        }
        sb_addn(out, head.buf, head.len);
        sb_add(out, ",\n  \"schools\": [");
        sb_addn(out, schools.buf, schools.len);
        sb_add(out, written ? "\n  ]" : "]");
        sb_addn(out, tail.buf, tail.len);
        sb_add(out, "\n}\n");
        ok = import_valid(out, "the imported snapshot");
    }
    if (ok && !im->quiet) {
        for (int s = 0; s < N_SOURCES; s++)
            if (im->src[s].file)
                import_summary(im, &im->src[s], s, written);
        for (int f = 0; f < im->nres; f++)
            import_summary(im, &im->res[f], -1, written);
    }
    free((char *)label);
    sb_free(&head);
    sb_free(&tail);
    sb_free(&schools);
    return ok;
}

/* ===================================================================== *
 *  Import: the command                                                   *
 * ===================================================================== */

static const char import_usage_head[] =
    "Usage: cpreport import --as-of DATE --members FILE [--base FILE] [--gias FILE]\n"
    "                       [--census FILE] [--sen FILE] [--ks4 [YEAR=]FILE]...\n"
    "                       [--ks2 [YEAR=]FILE]... [--ofsted FILE] [--label TEXT]\n"
    "                       [--encoding utf-8|windows-1252] [--quiet] [-o FILE]\n"
    "       cpreport import --template members\n"
    "\n"
    "Builds a snapshot (format cpreport/1) from the partnership's member list and\n"
    "DfE's and Ofsted's files, checks it as 'cpreport validate' would, and writes it\n"
    "as JSON to standard output or to FILE. One line per file read goes to standard\n"
    "error.\n"
    "\n"
    "Options:\n";

/* `cpreport import --help`, on standard output. */
static int print_import_usage(void)
{
    struct sb b;
    sb_init(&b);
    sb_add(&b, import_usage_head);
    usage_options(&b, FOR_IMPORT, true);
    fputs(b.buf, stdout);
    sb_free(&b);
    return finish_stdout();
}

static const char member_template[] =
    "urn,joined,renewal,hub,trust,programmes,qar_date,qar_full_team,areas_of_excellence,"
    "name,phase,region,area,pupils,fsm_pupils,send_pupils\n"
    "100000,2024-09-01,new,EMS,LEO,qar;maths_hub,2025-03-12,yes,2,,,,,,,\n";

static void import_free(struct import *im)
{
    for (int i = 0; i < im->nm; i++)
        for (int ks = 0; ks < N_KS; ks++)
            free(im->m[i].ks[ks].e);
    for (int f = 0; f < im->nres; f++)
        free(im->res[f].nat.e);
    free(im->res);
    free(im->m);
    arena_free(&im->arena);
    snapshot_free(im->base);
    free(im->hub_ix);
    free(im->trust_ix);
    free(im->prog_ix);
}

/* The import's options into im, then the import; its exit status. */
static int import_command(struct import *im, int argc, char **argv)
{
    const char *as_of = NULL, *encoding = NULL, *tmpl = NULL;
    char q[64];
    bool given[N_OPTIONS] = {false};
    for (int i = 1; i < argc; i++) {
        int id, rc;
        size_t nl;
        const char *val;
        if ((rc = option_read(argc, argv, &i, MODE_IMPORT, &id, &nl, &val)) >= 0)
            return rc;
        /* Each names one thing: a second would silently replace the first.
         * Results come a file a year or a few years: those repeat. */
        if (given[id] && id != OPT_KS4 && id != OPT_KS2)
            return usage_error("'cpreport import' takes --%s once", option_defs[id].name);
        given[id] = true;
        switch ((enum option_id)id) {
        case OPT_IMPORT_HELP:
            return print_import_usage();
        case OPT_QUIET:
            im->quiet = true;
            break;
        case OPT_AS_OF:
            as_of = val;
            break;
        case OPT_MEMBERS:
            im->src[SRC_MEMBERS].file = val;
            break;
        case OPT_BASE:
            im->base_file = val;
            break;
        case OPT_LABEL:
            im->label = val;
            break;
        case OPT_ENCODING:
            encoding = val;
            break;
        case OPT_TEMPLATE:
            tmpl = val;
            break;
        case OPT_IMPORT_OUTPUT:
            im->out = val;
            break;
        case OPT_GIAS:
        case OPT_CENSUS:
        case OPT_SEN:
        case OPT_OFSTED:
            im->src[id == OPT_GIAS ? SRC_GIAS : id == OPT_CENSUS ? SRC_CENSUS : id == OPT_SEN ? SRC_SEN : SRC_OFSTED]
                .file = val;
            break;
        case OPT_KS4:
        case OPT_KS2: {
            if (!im->res)
                im->res = xcalloc((size_t)argc, sizeof *im->res);
            struct imp_source *r = &im->res[im->nres++];
            r->ks = id == OPT_KS4 ? KS4 : KS2;
            r->file = val;
            /* "2019=england_ks4final.csv": a year for a file that has none. */
            if (strlen(val) > 5 && strspn(val, "0123456789") == 4 && val[4] == '=') {
                r->year = atoi(val);
                r->file = val + 5;
            }
            break;
        }
        default:
            break;   /* option_read took only import's options */
        }
    }
    if (tmpl) {
        if (strcmp(tmpl, "members"))
            return usage_error("--template takes 'members', not %s", quoted(tmpl, q));
        fputs(member_template, stdout);
        return finish_stdout();
    }
    if (!as_of || !im->src[SRC_MEMBERS].file)
        return usage_error("'cpreport import' needs --as-of DATE and --members FILE");
    if (im->out && format_from_path(im->out) != NO_EXTENSION && format_from_path(im->out) != F_JSON)
        return usage_error("-o writes a snapshot, which is JSON: name it .json (or without an extension), not %s",
                           quoted(im->out, q));
    if (!parse_date(as_of, &im->as_of))
        return usage_error("--as-of takes a real date YYYY-MM-DD, not %s", quoted(as_of, q));
    int last, mm, dd;
    civil_from_days(im->as_of, &last, &mm, &dd);
    for (int f = 0; f < im->nres; f++)
        if (im->res[f].year && (im->res[f].year < 2000 || im->res[f].year > last))
            return usage_error("--%s %d=...: the year must be from 2000 to that of --as-of (%d)",
                               ks_keys[im->res[f].ks], im->res[f].year, last);
    if (encoding && (im->encoding = name_index(encoding, encoding_names)) <= ENC_AUTO)
        return usage_error("--encoding takes utf-8 or windows-1252, not %s", quoted(encoding, q));
    if (im->label && (!*im->label || strlen(im->label) > MAX_TEXT_BYTES))
        return usage_error("--label takes a text of 1 to %d bytes", MAX_TEXT_BYTES);
    /* The snapshot is checked as every output is, before anything is
     * read: never an input however named, never a looping link. */
    struct inputs in = {.n = 0};
    if (im->base_file)
        add_input(&in, im->base_file, "an input");
    for (int s = 0; s < N_SOURCES; s++)
        if (im->src[s].file)
            add_input(&in, im->src[s].file, "an input");
    for (int f = 0; f < im->nres; f++)
        add_input(&in, im->res[f].file, "an input");
    struct output out = output_to(F_JSON, im->out);
    out.what = "-o";
    int rc = plan_outputs(&out, 1, &in, NULL);
    if (rc < 0) {
        for (int s = 0; s < N_SOURCES; s++)
            diag_init(&im->src[s].d, im->src[s].file);
        for (int f = 0; f < im->nres; f++)
            diag_init(&im->res[f].d, im->res[f].file);
        cJSON_Hooks hooks = {json_malloc, json_free};
        cJSON_InitHooks(&hooks);
        rc = import_build(im, &out.text) ? write_outputs(&out, 1) : EXIT_BAD_INPUT;
    }
    output_free(&out);
    return rc;
}

/* `cpreport import ...`: argv[0] is "import". */
static int import_main(int argc, char **argv)
{
    struct import im;
    memset(&im, 0, sizeof im);
    int rc = import_command(&im, argc, argv);
    import_free(&im);
    return rc;
}

/* ===================================================================== *
 *  Putting it together                                                   *
 * ===================================================================== */

/* By date, then (two snapshots of one date, an error) by file name, so
 * that the error names them in the same order on every platform. */
static int cmp_period(const void *pa, const void *pb)
{
    const struct period *a = pa, *b = pb;
    int c = (a->as_of > b->as_of) - (a->as_of < b->as_of);
    return c ? c : strcmp(a->file, b->file);
}

static void targets_default(struct report *r)
{
    int n = (int)(sizeof default_targets / sizeof default_targets[0]);
    r->targets = xcalloc((size_t)n, sizeof *r->targets);
    for (int i = 0; i < n; i++) {
        struct target *t = &r->targets[r->ntargets++];
        t->kpi = default_targets[i].kpi;
        t->is_max = !strcmp(default_targets[i].bound, "max");
        t->has_error = true;
        t->error = default_targets[i].value;
        t->has_by = default_targets[i].by && parse_date(default_targets[i].by, &t->by);
        t->source = default_targets[i].source;
    }
}

/* `cpreport targets`: the built-in targets as a file --targets reads. */
static int print_targets(void)
{
    struct report r;
    memset(&r, 0, sizeof r);
    targets_default(&r);
    struct sb b;
    sb_init(&b);
    sb_add(&b, "{\n  \"format\": \"cpreport-targets/1\",\n  \"targets\": [\n");
    for (int i = 0; i < r.ntargets; i++) {
        const struct target *t = &r.targets[i];
        sb_add(&b, "    {\"kpi\": ");
        json_string(&b, kpis[t->kpi].id);
        sb_add(&b, ", ");
        json_target_fields(&b, t);
        sb_add(&b, i + 1 < r.ntargets ? "},\n" : "}\n");
    }
    sb_add(&b, "  ]\n}\n");
    struct output out = output_to(F_JSON, NULL);
    sb_free(&out.text);
    out.text = b;
    int rc = write_outputs(&out, 1);
    sb_free(&b);
    free(r.targets);
    return rc;
}

/* Loads every snapshot, keeping each one's values and only the latest
 * whole (in *latest, the caller's), so memory is bounded by the largest
 * file. Returns false when any could not be loaded (all are tried, so all
 * problems are named). */
static bool load_all(struct report *r, struct snapshot **latest, const struct options *o)
{
    bool ok = true;
    r->periods = xcalloc((size_t)o->nfiles, sizeof *r->periods);
    struct plaus_digest *digests = xmalloc(sizeof *digests * (size_t)o->nfiles);
    for (int i = 0; i < o->nfiles; i++) {
        const char *name = input_name(o->files[i]);
        struct snapshot *s = load_snapshot(o->files[i], name);
        if (!s) {
            ok = false;
            continue;
        }
        for (int m = 0; m < N_MEASURES; m++)
            s->year[m] = results_year(s, m);
        struct period *p = &r->periods[r->nperiods++];
        struct view all = {s, NULL, 0};
        p->file = name;
        p->as_of = s->as_of;
        snprintf(p->currency, sizeof p->currency, "%s", s->currency ? s->currency : "GBP");
        compute_view(&all, p->vals, p->national, &p->cards);
        r->plaus_found += plaus_snapshot(s, p->vals);
        digests[r->nperiods - 1] = plaus_digest(s, p->vals);
        p->surveys = xcalloc((size_t)s->nsurveys + 1, sizeof *p->surveys);
        for (int k = 0; k < s->nsurveys; k++)
            p->surveys[p->nsurveys++] = (struct survey_val){
                xstrdup(s->surveys[k].id), pct(s->surveys[k].agreed, s->surveys[k].respondents)};
        qsort(p->surveys, (size_t)p->nsurveys, sizeof *p->surveys, cmp_string);
        period_members(p, s);
        if (!*latest || s->as_of > (*latest)->as_of) {
            snapshot_free(*latest);
            *latest = s;
        } else {
            snapshot_free(s);
        }
    }
    r->plaus_found += plaus_series(digests, r->nperiods);
    free(digests);
    if (!ok || (opt_strict && r->plaus_found))
        return false;
    qsort(r->periods, (size_t)r->nperiods, sizeof *r->periods, cmp_period);
    for (int i = 1; i < r->nperiods; i++) {
        if (r->periods[i].as_of == r->periods[i - 1].as_of) {
            char d[16];
            file_error(r->periods[i].file, 0, 0, "as_of %s is the same as in %s; each snapshot must describe another date",
                       iso_date(r->periods[i].as_of, d), shown(r->periods[i - 1].file));
            ok = false;
        }
    }
    return ok;
}

static void report_free(struct report *r)
{
    model_free(r);
    arena_free(&r->targets_strings);
    for (int i = 0; i < r->nperiods; i++) {
        for (int k = 0; k < r->periods[i].nsurveys; k++)
            free(r->periods[i].surveys[k].id);
        free(r->periods[i].surveys);
        member_lines_free(r->periods[i].schools, r->periods[i].nschools);
        member_lines_free(r->periods[i].trusts, r->periods[i].ntrusts);
    }
    free(r->periods);
    free(r->targets);
}

/* The check's outputs: the lines on stdout, and the files asked for. */
static int check_outputs(struct options *o, const struct report *r)
{
    struct check ck;
    memset(&ck, 0, sizeof ck);
    run_check(&ck, r);
    const char *no_colour = getenv("NO_COLOR");
    bool colour = os_stdout_is_terminal() && !no_colour;
    bool github = github_actions();
    /* The verdicts reach the job log first, even when a file then cannot
     * be written. */
    struct output lines = output_to(F_MD, NULL);
    render_check_text(&lines.text, &ck, colour, github);
    int rc = write_outputs(&lines, 1);
    sb_free(&lines.text);
    struct output outs[2];
    int n = 0;
    if (o->junit_file) {
        outs[n] = output_to(F_MD, o->junit_file);
        render_junit(&outs[n++].text, &ck, o->fail_on);
    }
    if (o->check_json_file) {
        outs[n] = output_to(F_JSON, o->check_json_file);
        render_check_json(&outs[n++].text, r, &ck, o->fail_on);
    }
    if (rc == EXIT_OK)
        rc = write_outputs(outs, n);
    const char *summary = getenv("GITHUB_STEP_SUMMARY");
    if (rc == EXIT_OK && github && summary && *summary) {
        /* The runner's file collects every step's summary: append. */
        struct sb md;
        sb_init(&md);
        render_check_markdown(&md, &ck);
        FILE *f = os_fopen(summary, "ab");
        bool written = f && fwrite(md.buf, 1, md.len, f) == md.len;
        if (f && fclose(f))
            written = false;
        if (!written) {
            fprintf(stderr, "%s: %s: cannot append the summary: %s\n", progname, shown(summary), strerror(errno));
            rc = EXIT_WRITE;
        }
        sb_free(&md);
    }
    if (rc == EXIT_OK)
        rc = check_status(&ck, o->fail_on);
    for (int i = 0; i < n; i++)
        output_free(&outs[i]);
    check_free(&ck);
    return rc;
}

/* check when the inputs did not load: their errors reach CI too, as
 * annotations under GitHub Actions and in the JUnit and JSON files (see
 * render_junit_problems). The status stays 2 whether or not the files can
 * be written; a file that cannot is named on stderr. */
static int check_input_errors(const struct options *o, const struct problems *ps)
{
    if (github_actions()) {  /* first, as check_outputs does its lines */
        struct output lines = output_to(F_MD, NULL);
        render_problem_annotations(&lines.text, ps);
        write_outputs(&lines, 1);
        sb_free(&lines.text);
    }
    struct output outs[2];
    int n = 0;
    if (o->junit_file) {
        outs[n] = output_to(F_MD, o->junit_file);
        render_junit_problems(&outs[n++].text, ps);
    }
    if (o->check_json_file) {
        outs[n] = output_to(F_JSON, o->check_json_file);
        render_check_json_problems(&outs[n++].text, ps, o->fail_on);
    }
    write_outputs(outs, n);
    for (int i = 0; i < n; i++)
        output_free(&outs[i]);
    return EXIT_BAD_INPUT;
}

/* What a main report renders from. */
struct report_ctx {
    const struct report *r;
    const struct mail *mail;
    int dim;                     /* --by's dimension, or -1 */
    char *index[2];              /* F_MD, F_HTML: relative path to the index of --by, or NULL */
};

/* The report (item 0) or the email (item 1), rendered just before it is
 * written. */
static void render_main(struct sb *b, const struct output *o)
{
    const struct report_ctx *c = o->ctx;
    if (o->item)
        render_eml(b, c->r, c->mail);
    else if (o->fmt == F_JSON)
        render_json(b, c->r);
    else
        render_report(b, o->fmt, c->r, c->dim, c->index[o->fmt]);
}

/* The links between the main report and the reports by group (see
 * README's Reports by group), once the outputs are planned: for Markdown
 * and HTML, the first -o file of the format, when it is a file (not
 * standard output, a device or a pipe), and the index of that format,
 * each given the relative path to the other. The group reports sit in the
 * index's folder, so they share its path. */
static void plan_links(struct output *outs, int n, int nmain, struct report_ctx *ctx, struct group_files *gf)
{
    for (int f = F_MD; f <= F_HTML; f++) {
        const struct output *report = NULL, *index = NULL;
        for (int i = 0; i < nmain && !report; i++)
            if (outs[i].fmt == f && outs[i].path && !outs[i].direct && !outs[i].item)
                report = &outs[i];
        for (int i = nmain; i < n && !index; i++)
            if (outs[i].render == render_group_file && outs[i].item < 0 && outs[i].fmt == f)
                index = &outs[i];
        if (!report || !index)
            continue;
        char *from = absolute_name(report->path), *to = absolute_name(index->path);
        ctx->index[f] = relative_path(from, to);
        gf->main[f] = relative_path(to, from);
        free(from);
        free(to);
    }
}

/* The report in every format asked for, and with --by the report of
 * every group in the same formats; all written, or none. */
static int report_outputs(struct options *o, const struct report *r)
{
    if (!o->nouts && !o->eml_file)
        o->outs[o->nouts++].fmt = o->stdout_fmt;
    int n = o->nouts;
    struct output *outs = xmalloc(sizeof *outs * (size_t)(n + 1));
    struct report_ctx ctx = {r, &o->mail, o->by, {NULL, NULL}};
    bool formats[3] = {false, false, false};
    for (int i = 0; i <= n; i++) {
        if (i == n && !o->eml_file)
            break;
        outs[i] = output_to(i < n ? o->outs[i].fmt : F_MD, i < n ? o->outs[i].path : o->eml_file);
        outs[i].what = i < n ? "-o" : "--eml";
        outs[i].render = render_main;
        outs[i].ctx = &ctx;
        outs[i].item = i == n;
        if (i < n)
            formats[outs[i].fmt] = true;
    }
    if (!n)  /* --eml alone: the group reports take the format of -f */
        formats[o->stdout_fmt] = true;
    int nmain = n + (o->eml_file != NULL);
    n = nmain;
    int rc = -1;
    struct group_files *gf = NULL;
    if (o->by >= 0) {
        gf = add_group_outputs(&outs, &n, r, o->by, o->out_dir, formats);
        rc = gf ? plan_outputs(outs, n, &o->in, o->out_dir) : EXIT_BAD_INPUT;
        if (rc < 0 && os_mkdir(o->out_dir) && errno != EEXIST) {
            fprintf(stderr, "%s: %s: cannot create the folder: %s\n", progname, shown(o->out_dir), strerror(errno));
            rc = EXIT_WRITE;
        }
        if (rc < 0)
            plan_links(outs, n, nmain, &ctx, gf);
    }
    if (rc < 0)
        rc = write_outputs(outs, n);
    for (int i = 0; i < n; i++)
        output_free(&outs[i]);
    free(outs);
    free(ctx.index[F_MD]);
    free(ctx.index[F_HTML]);
    group_files_free(gf);
    return rc;
}

/* `validate`: one line per snapshot that loaded. */
static int validate_outputs(const struct report *r)
{
    char d[16];
    for (int i = 0; i < r->nperiods; i++)
        printf("%s: valid, as of %s\n", shown(r->periods[i].file), iso_date(r->periods[i].as_of, d));
    return finish_stdout();
}

int main(int argc, char **argv)
{
    os_init(&argc, &argv);
    setup_signals();
    if (argc > 1 && !strcmp(argv[1], "import"))
        return import_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "targets")) {
        if (argc > 2)
            return usage_error("'targets' takes no arguments");
        return print_targets();
    }
    struct options o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0) {
        free(o.files);
        free(o.mail.to);
        return rc;
    }
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);

    struct report r;
    memset(&r, 0, sizeof r);
    struct problems problems = {NULL, 0};
    if (o.mode == MODE_CHECK)
        problem_sink = &problems;
    rc = EXIT_BAD_INPUT;
    bool targets_ok = true;
    if (o.targets_file) {
        struct snapshot *owner = NULL;
        targets_ok = load_targets(o.targets_file, &r.targets, &r.ntargets, &owner);
        snapshot_free_keeping_strings(owner, &r.targets_strings);
    } else {
        targets_default(&r);
    }
    struct snapshot *latest = NULL;
    bool loaded = load_all(&r, &latest, &o);
    if (loaded && targets_ok && o.mode != MODE_VALIDATE)
        build_model(&r, latest);  /* takes latest */
    else
        snapshot_free(latest);
    if (loaded && targets_ok) {
        rc = o.mode == MODE_CHECK      ? check_outputs(&o, &r)
             : o.mode == MODE_VALIDATE ? validate_outputs(&r)
                                       : report_outputs(&o, &r);
    } else if (o.mode == MODE_CHECK) {
        rc = check_input_errors(&o, &problems);
    }
    problem_sink = NULL;
    problems_free(&problems);
    report_free(&r);
    free(o.files);
    free(o.mail.to);
    return rc;
}
