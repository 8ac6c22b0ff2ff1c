/*
 * gen_testdata.c - deterministic synthetic snapshot generator for cpreport.
 *
 * Usage:  tests/gen_testdata [--schools N] [--seed S] [--years N] --out DIR
 * Build:  cc -O2 -std=c11 -Wall -Wextra -Wpedantic -o tests/gen_testdata \
 *             tests/gen_testdata.c -lm
 *
 * Writes DIR/snapshot-2022.json to DIR/snapshot-2025.json (format
 * "cpreport/1", as_of 31 December of each year; --years 5 adds
 * snapshot-2021.json, for `make bench`'s five snapshots, and --years 1 to 3
 * writes only the latest ones) describing a synthetic
 * national partnership of schools in England:
 * N member schools (default 600) in the latest snapshot, about 130 trusts
 * and 30 hubs per 600 schools, across the nine regions.  DIR must exist.
 *
 * The four files are one consistent history.  A school keeps its URN, name,
 * phase, area, trust and joined date in every snapshot it appears in; it is
 * "new" in the year it joins, "renewed" at each renewal point (every three
 * years after joining), "lapsed" in the year it leaves and absent afterwards;
 * otherwise "renewal" is left out (the format's default, "continuing").
 * Trusts follow the same rules, and a lapsing trust takes its schools with
 * it.  Results for a given school and year (KS2 for primary and all-through,
 * KS4 for secondary and all-through; every exam year from 2019 to the
 * snapshot year, none in 2020 or 2021) are identical in every snapshot, as
 * is the Ofsted inspection history.  A school's hub may move when a new hub
 * opens in its area (South Yorkshire, Durham and Northumberland, Tees Valley
 * and Birmingham South open between 2022 and 2024).  Inspections from
 * 1 September 2024 carry no four-point grade: only "inspected" is given.
 * Inspections from 1 November 2025 are report cards ("report_card": a grade
 * in each evaluation area that applies to the school, and safeguarding),
 * beside the school's latest earlier inspection in "ofsted"; the 2025
 * snapshot has a "national.report_cards" block.  Results run to 2024 in
 * every snapshot (the generator has national figures up to 2024), so the
 * five-year change window of the latest snapshot still starts in 2019.
 *
 * Determinism: a private splitmix64 generator seeded from --seed drives
 * everything (no rand(), no clock, no locale).  Per-school, per-year figures
 * come from their own substreams, so they do not depend on generation order.
 * Numbers are printed from integers (tenths, hundredths), never with "%f",
 * and only + - * / and sqrt, all correctly rounded under IEEE 754, are applied
 * to random doubles, so gcc and clang at any optimisation level give the same
 * bytes.  Headline rates (renewal, target-area intake, phase mix, QA Reviews)
 * are steered with error-diffusion quotas rather than independent coin flips,
 * so they sit near their targets for any seed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define DEFAULT_SCHOOLS 600
#define DEFAULT_SEED 20241231u
#define MAX_SCHOOLS 200000
#define FIRST_JOIN_YEAR 2011
#define SNAP_EARLIEST 2021              /* the first year --years 5 writes */
#define SNAP_FIRST 2022                 /* the first year written by default */
#define SNAP_LAST 2025                  /* report cards began in November 2025 */
#define HORIZON_YEAR SNAP_LAST          /* nothing is simulated beyond this */
#define MAX_INSP 24
#define RENEWAL_CYCLE 3                 /* memberships renew every 3 years */
#define UNGRADED_FROM_Y 2024            /* inspections from 1 Sep 2024 carry */
#define UNGRADED_FROM_M 9               /* no four-point grade               */
#define CARDS_FROM_Y 2025               /* inspections from 1 Nov 2025 are   */
#define CARDS_FROM_M 11                 /* report cards                      */

/* ------------------------------------------------------------------------ */
/* Small utilities                                                          */
/* ------------------------------------------------------------------------ */

static _Noreturn void die(const char *msg)
{
    fprintf(stderr, "gen_testdata: %s\n", msg);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory");
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* snprintf that treats truncation as a programming error */
#define SNP(out, n, ...)                                                     \
    do {                                                                     \
        int snp_n_ = snprintf((out), (n), __VA_ARGS__);                      \
        if (snp_n_ < 0 || (size_t)snp_n_ >= (size_t)(n))                     \
            die("internal name buffer too small");                           \
    } while (0)
#define FMT(buf, ...) SNP((buf), sizeof(buf), __VA_ARGS__)

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static long iround(double x)
{
    /* round half away from zero without relying on the FP environment */
    return x >= 0 ? (long)(x + 0.5) : -(long)(-x + 0.5);
}

/* ------------------------------------------------------------------------ */
/* Random numbers: splitmix64 streams                                       */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint64_t s;
} Rng;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rnext(Rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

/* uniform in [0, 1) */
static double runif(Rng *r)
{
    return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* uniform integer in [lo, hi] */
static long rint_in(Rng *r, long lo, long hi)
{
    uint64_t span;
    if (hi <= lo)
        return lo;
    span = (uint64_t)(hi - lo) + 1u;
    return lo + (long)(rnext(r) % span);
}

static int rchance(Rng *r, double p)
{
    return runif(r) < p;
}

/* Error-diffusion "quota" draws: over a run of calls the number of hits
 * tracks the sum of the probabilities closely (unlike independent coin
 * flips), which keeps headline rates near their targets for any seed. */
typedef struct {
    double acc;
} Quota;

static int quota_hit(Quota *q, double p)
{
    q->acc += p;
    if (q->acc >= 1.0) {
        q->acc -= 1.0;
        return 1;
    }
    return 0;
}

/* approximately standard normal (Irwin-Hall, 12 uniforms): pure arithmetic */
static double rnorm(Rng *r)
{
    double s = 0.0;
    int i;
    for (i = 0; i < 12; i++)
        s += runif(r);
    return s - 6.0;
}

static int rpick(Rng *r, const double *w, int n)
{
    double t = 0.0, x;
    int i;
    for (i = 0; i < n; i++)
        t += w[i];
    x = runif(r) * t;
    for (i = 0; i < n; i++) {
        x -= w[i];
        if (x < 0.0 && w[i] > 0.0)
            return i;
    }
    for (i = n - 1; i > 0; i--)
        if (w[i] > 0.0)
            return i;
    return 0;
}

#define PICK(r, arr) (arr[rint_in((r), 0, (long)(sizeof(arr) / sizeof(arr[0])) - 1)])

/* an independent stream for (entity, purpose, year): used for every per-year
 * attribute so that a school's figures for a given year are the same in
 * every snapshot that shows them */
static Rng substream(uint64_t seed, unsigned tag, int year)
{
    Rng r;
    r.s = mix64(seed ^ mix64(((uint64_t)tag << 24) ^ (uint64_t)(unsigned)year ^
                             0x5bd1e995u));
    return r;
}

/* ------------------------------------------------------------------------ */
/* Dates (proleptic Gregorian day numbers, 0 = 1970-01-01)                  */
/* ------------------------------------------------------------------------ */

static long days_from_civil(int y, int m, int d)
{
    long yy = y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long mp = (m + 9) % 12;
    long doy = (153 * mp + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    long era, doe, yoe, yy, doy, mp, dd, mm;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    dd = doy - (153 * mp + 2) / 5 + 1;
    mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

static int year_of(long z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    return y;
}

static int weekday(long z) /* 0 = Sunday */
{
    long w = (z + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* a plausible working day during term time */
static int is_term_day(long z)
{
    int y, m, d, w = weekday(z);
    civil_from_days(z, &y, &m, &d);
    if (w == 0 || w == 6)
        return 0;
    if (m == 8 || (m == 7 && d >= 22) || (m == 12 && d >= 19) || (m == 1 && d <= 4))
        return 0;
    return 1;
}

static long next_term_day(long z)
{
    while (!is_term_day(z))
        z++;
    return z;
}

/* a term day in [lo, hi], or -1 when there is none */
static long pick_term_day(Rng *r, long lo, long hi)
{
    int i;
    long z;
    if (hi < lo)
        return -1;
    for (i = 0; i < 64; i++) {
        z = rint_in(r, lo, hi);
        if (is_term_day(z))
            return z;
    }
    z = next_term_day(lo);
    return z <= hi ? z : -1;
}

static void fmt_date(char *buf, size_t n, long z)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
}

/* ------------------------------------------------------------------------ */
/* String set (name and id uniqueness)                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
    char **slot;
    size_t cap, n;
} StrSet;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

static int sset_has(const StrSet *set, const char *k)
{
    size_t i;
    if (!set->cap)
        return 0;
    i = (size_t)(str_hash(k) & (set->cap - 1));
    while (set->slot[i]) {
        if (strcmp(set->slot[i], k) == 0)
            return 1;
        i = (i + 1) & (set->cap - 1);
    }
    return 0;
}

static void sset_insert_raw(StrSet *set, char *k)
{
    size_t i = (size_t)(str_hash(k) & (set->cap - 1));
    while (set->slot[i])
        i = (i + 1) & (set->cap - 1);
    set->slot[i] = k;
}

static void sset_add(StrSet *set, const char *k)
{
    size_t i;
    if ((set->n + 1) * 2 > set->cap) {
        size_t oldcap = set->cap;
        char **old = set->slot;
        set->cap = oldcap ? oldcap * 2 : 1024;
        set->slot = xmalloc(set->cap * sizeof(char *));
        for (i = 0; i < set->cap; i++)
            set->slot[i] = NULL;
        for (i = 0; i < oldcap; i++)
            if (old[i])
                sset_insert_raw(set, old[i]);
        free(old);
    }
    sset_insert_raw(set, xstrdup(k));
    set->n++;
}

/* ------------------------------------------------------------------------ */
/* Geography: regions, local authorities, hubs                              */
/* ------------------------------------------------------------------------ */

enum { R_NE, R_NW, R_YH, R_EM, R_WM, R_EE, R_LON, R_SE, R_SW, NREG };

static const char *const REGION_NAME[NREG] = {
    "North East", "North West", "Yorkshire and the Humber", "East Midlands",
    "West Midlands", "East of England", "London", "South East", "South West"};

/* weight of a non-target region in the partnership's older membership */
static const double REGION_MULT[NREG] = {1.0, 1.0, 1.0, 1.1, 1.0, 0.8, 1.3, 0.7, 0.6};

typedef struct {
    const char *id, *name;
    int region, established;
    const char *fallback; /* hub used before this one was established */
} HubDef;

static const HubDef HUB_DEFS[] = {
    {"TAW", "Tyne and Wear", R_NE, 2011, NULL},
    {"DAN", "Durham and Northumberland", R_NE, 2023, "TAW"},
    {"TVY", "Tees Valley", R_NE, 2024, "TAW"},
    {"NLV", "North Liverpool", R_NW, 2011, NULL},
    {"GMR", "Greater Manchester", R_NW, 2011, NULL},
    {"LAC", "Lancashire and Cumbria", R_NW, 2011, NULL},
    {"CHW", "Cheshire and Wirral", R_NW, 2011, NULL},
    {"LDY", "Leeds and York", R_YH, 2011, NULL},
    {"WYK", "West Yorkshire", R_YH, 2011, NULL},
    {"HUM", "Humber", R_YH, 2011, NULL},
    {"SYK", "South Yorkshire", R_YH, 2023, "WYK"},
    {"EMS", "East Midlands South", R_EM, 2011, NULL},
    {"NDB", "Nottingham and Derby", R_EM, 2011, NULL},
    {"LIN", "Lincolnshire", R_EM, 2011, NULL},
    {"BHN", "Birmingham North", R_WM, 2011, NULL},
    {"BHS", "Birmingham South", R_WM, 2022, "BHN"},
    {"BCY", "Black Country", R_WM, 2011, NULL},
    {"CVW", "Coventry and Warwickshire", R_WM, 2011, NULL},
    {"SST", "Stoke and Staffordshire", R_WM, 2011, NULL},
    {"EXT", "Essex and Thurrock", R_EE, 2011, NULL},
    {"NAS", "Norfolk and Suffolk", R_EE, 2011, NULL},
    {"CAP", "Cambridgeshire and Peterborough", R_EE, 2011, NULL},
    {"SWL", "South West London", R_LON, 2011, NULL},
    {"SEL", "South East London", R_LON, 2011, NULL},
    {"NLN", "North London", R_LON, 2011, NULL},
    {"ELN", "East London", R_LON, 2011, NULL},
    {"WLN", "West London", R_LON, 2011, NULL},
    {"KAM", "Kent and Medway", R_SE, 2011, NULL},
    {"SOL", "Solent", R_SE, 2011, NULL},
    {"TVL", "Thames Valley", R_SE, 2011, NULL},
    {"BAB", "Bristol and Bath", R_SW, 2011, NULL},
    {"DAC", "Devon and Cornwall", R_SW, 2011, NULL},
};
#define N_HUB_DEFS ((int)(sizeof(HUB_DEFS) / sizeof(HUB_DEFS[0])))

typedef struct {
    const char *name;
    int region, weight;
    const char *hub, *hub2; /* hub2: optional second hub covering the area */
} AreaDef;

/* real English local authorities; the hub covering each one */
static const AreaDef AREA_DEFS[] = {
    {"Newcastle upon Tyne", R_NE, 3, "TAW", NULL},
    {"Gateshead", R_NE, 2, "TAW", NULL},
    {"Sunderland", R_NE, 3, "TAW", NULL},
    {"South Tyneside", R_NE, 2, "TAW", NULL},
    {"North Tyneside", R_NE, 2, "TAW", NULL},
    {"County Durham", R_NE, 4, "DAN", NULL},
    {"Northumberland", R_NE, 2, "DAN", NULL},
    {"Middlesbrough", R_NE, 2, "TVY", NULL},
    {"Stockton-on-Tees", R_NE, 2, "TVY", NULL},
    {"Hartlepool", R_NE, 1, "TVY", NULL},
    {"Redcar and Cleveland", R_NE, 1, "TVY", NULL},
    {"Darlington", R_NE, 1, "TVY", NULL},
    {"Liverpool", R_NW, 4, "NLV", NULL},
    {"Knowsley", R_NW, 2, "NLV", NULL},
    {"Sefton", R_NW, 2, "NLV", NULL},
    {"St Helens", R_NW, 1, "NLV", NULL},
    {"Wirral", R_NW, 2, "CHW", NULL},
    {"Manchester", R_NW, 4, "GMR", NULL},
    {"Salford", R_NW, 2, "GMR", NULL},
    {"Oldham", R_NW, 2, "GMR", NULL},
    {"Rochdale", R_NW, 2, "GMR", NULL},
    {"Bolton", R_NW, 2, "GMR", NULL},
    {"Wigan", R_NW, 2, "GMR", NULL},
    {"Tameside", R_NW, 1, "GMR", NULL},
    {"Stockport", R_NW, 1, "GMR", NULL},
    {"Trafford", R_NW, 1, "GMR", NULL},
    {"Bury", R_NW, 1, "GMR", NULL},
    {"Lancashire", R_NW, 4, "LAC", NULL},
    {"Blackburn with Darwen", R_NW, 2, "LAC", NULL},
    {"Blackpool", R_NW, 2, "LAC", NULL},
    {"Cumberland", R_NW, 1, "LAC", NULL},
    {"Cheshire East", R_NW, 1, "CHW", NULL},
    {"Cheshire West and Chester", R_NW, 1, "CHW", NULL},
    {"Warrington", R_NW, 1, "CHW", NULL},
    {"Halton", R_NW, 1, "CHW", NULL},
    {"Sheffield", R_YH, 4, "SYK", NULL},
    {"Barnsley", R_YH, 2, "SYK", NULL},
    {"Doncaster", R_YH, 3, "SYK", NULL},
    {"Rotherham", R_YH, 2, "SYK", NULL},
    {"Leeds", R_YH, 4, "LDY", NULL},
    {"York", R_YH, 1, "LDY", NULL},
    {"North Yorkshire", R_YH, 2, "LDY", NULL},
    {"Bradford", R_YH, 4, "WYK", NULL},
    {"Kirklees", R_YH, 2, "WYK", NULL},
    {"Calderdale", R_YH, 1, "WYK", NULL},
    {"Wakefield", R_YH, 2, "WYK", NULL},
    {"Kingston upon Hull", R_YH, 2, "HUM", NULL},
    {"East Riding of Yorkshire", R_YH, 1, "HUM", NULL},
    {"North Lincolnshire", R_YH, 1, "HUM", NULL},
    {"North East Lincolnshire", R_YH, 1, "HUM", NULL},
    {"Leicester", R_EM, 4, "EMS", NULL},
    {"Leicestershire", R_EM, 3, "EMS", NULL},
    {"Rutland", R_EM, 1, "EMS", NULL},
    {"North Northamptonshire", R_EM, 2, "EMS", NULL},
    {"West Northamptonshire", R_EM, 2, "EMS", NULL},
    {"Nottingham", R_EM, 3, "NDB", NULL},
    {"Nottinghamshire", R_EM, 3, "NDB", NULL},
    {"Derby", R_EM, 2, "NDB", NULL},
    {"Derbyshire", R_EM, 2, "NDB", NULL},
    {"Lincolnshire", R_EM, 3, "LIN", NULL},
    {"Birmingham", R_WM, 8, "BHN", "BHS"},
    {"Sandwell", R_WM, 3, "BCY", NULL},
    {"Dudley", R_WM, 2, "BCY", NULL},
    {"Walsall", R_WM, 2, "BCY", NULL},
    {"Wolverhampton", R_WM, 3, "BCY", NULL},
    {"Solihull", R_WM, 1, "BHS", NULL},
    {"Coventry", R_WM, 3, "CVW", NULL},
    {"Warwickshire", R_WM, 2, "CVW", NULL},
    {"Stoke-on-Trent", R_WM, 3, "SST", NULL},
    {"Staffordshire", R_WM, 3, "SST", NULL},
    {"Telford and Wrekin", R_WM, 1, "SST", NULL},
    {"Shropshire", R_WM, 1, "SST", NULL},
    {"Worcestershire", R_WM, 1, "BHS", NULL},
    {"Herefordshire", R_WM, 1, "BHS", NULL},
    {"Essex", R_EE, 4, "EXT", NULL},
    {"Thurrock", R_EE, 2, "EXT", NULL},
    {"Southend-on-Sea", R_EE, 1, "EXT", NULL},
    {"Norfolk", R_EE, 3, "NAS", NULL},
    {"Suffolk", R_EE, 3, "NAS", NULL},
    {"Cambridgeshire", R_EE, 2, "CAP", NULL},
    {"Peterborough", R_EE, 2, "CAP", NULL},
    {"Luton", R_EE, 2, "CAP", NULL},
    {"Bedford", R_EE, 1, "CAP", NULL},
    {"Central Bedfordshire", R_EE, 1, "CAP", NULL},
    {"Hertfordshire", R_EE, 2, "NLN", NULL}, /* covered from London */
    {"Wandsworth", R_LON, 2, "SWL", NULL},
    {"Merton", R_LON, 2, "SWL", NULL},
    {"Croydon", R_LON, 3, "SWL", NULL},
    {"Sutton", R_LON, 1, "SWL", NULL},
    {"Kingston upon Thames", R_LON, 1, "SWL", NULL},
    {"Lambeth", R_LON, 3, "SWL", NULL},
    {"Southwark", R_LON, 3, "SEL", NULL},
    {"Lewisham", R_LON, 3, "SEL", NULL},
    {"Greenwich", R_LON, 2, "SEL", NULL},
    {"Bromley", R_LON, 1, "SEL", NULL},
    {"Bexley", R_LON, 1, "SEL", NULL},
    {"Hackney", R_LON, 3, "NLN", NULL},
    {"Islington", R_LON, 2, "NLN", NULL},
    {"Camden", R_LON, 2, "NLN", NULL},
    {"Haringey", R_LON, 2, "NLN", NULL},
    {"Enfield", R_LON, 2, "NLN", NULL},
    {"Barnet", R_LON, 2, "NLN", NULL},
    {"Tower Hamlets", R_LON, 3, "ELN", NULL},
    {"Newham", R_LON, 3, "ELN", NULL},
    {"Waltham Forest", R_LON, 2, "ELN", NULL},
    {"Barking and Dagenham", R_LON, 2, "ELN", NULL},
    {"Redbridge", R_LON, 2, "ELN", NULL},
    {"Havering", R_LON, 1, "ELN", NULL},
    {"Ealing", R_LON, 2, "WLN", NULL},
    {"Brent", R_LON, 2, "WLN", NULL},
    {"Hammersmith and Fulham", R_LON, 1, "WLN", NULL},
    {"Hounslow", R_LON, 2, "WLN", NULL},
    {"Hillingdon", R_LON, 1, "WLN", NULL},
    {"Harrow", R_LON, 1, "WLN", NULL},
    {"Westminster", R_LON, 1, "WLN", NULL},
    {"Kent", R_SE, 5, "KAM", NULL},
    {"Medway", R_SE, 2, "KAM", NULL},
    {"East Sussex", R_SE, 1, "KAM", NULL},
    {"Brighton and Hove", R_SE, 1, "SOL", NULL},
    {"Hampshire", R_SE, 3, "SOL", NULL},
    {"Portsmouth", R_SE, 2, "SOL", NULL},
    {"Southampton", R_SE, 2, "SOL", NULL},
    {"Isle of Wight", R_SE, 1, "SOL", NULL},
    {"West Sussex", R_SE, 2, "SOL", NULL},
    {"Surrey", R_SE, 2, "SWL", NULL}, /* covered from London */
    {"Oxfordshire", R_SE, 2, "TVL", NULL},
    {"Buckinghamshire", R_SE, 1, "TVL", NULL},
    {"Milton Keynes", R_SE, 2, "TVL", NULL},
    {"Reading", R_SE, 1, "TVL", NULL},
    {"Slough", R_SE, 1, "TVL", NULL},
    {"Wokingham", R_SE, 1, "TVL", NULL},
    {"Bristol", R_SW, 3, "BAB", NULL},
    {"Bath and North East Somerset", R_SW, 1, "BAB", NULL},
    {"North Somerset", R_SW, 1, "BAB", NULL},
    {"South Gloucestershire", R_SW, 1, "BAB", NULL},
    {"Gloucestershire", R_SW, 2, "BAB", NULL},
    {"Swindon", R_SW, 2, "BAB", NULL},
    {"Wiltshire", R_SW, 1, "BAB", NULL},
    {"Somerset", R_SW, 1, "DAC", NULL},
    {"Devon", R_SW, 2, "DAC", NULL},
    {"Plymouth", R_SW, 3, "DAC", NULL},
    {"Cornwall", R_SW, 2, "DAC", NULL},
    {"Torbay", R_SW, 1, "DAC", NULL},
    {"Dorset", R_SW, 1, "DAC", NULL},
    {"Bournemouth, Christchurch and Poole", R_SW, 1, "DAC", NULL},
};
#define N_AREAS ((int)(sizeof(AREA_DEFS) / sizeof(AREA_DEFS[0])))

static const char *const TARGET_AREAS[] = {"North East", "West Midlands", "Barnsley",
                                           "Doncaster", "Rotherham", "Sheffield"};
#define N_TARGET_AREAS ((int)(sizeof(TARGET_AREAS) / sizeof(TARGET_AREAS[0])))

static int area_is_target(int a)
{
    int i;
    for (i = 0; i < N_TARGET_AREAS; i++)
        if (strcmp(AREA_DEFS[a].name, TARGET_AREAS[i]) == 0 ||
            strcmp(REGION_NAME[AREA_DEFS[a].region], TARGET_AREAS[i]) == 0)
            return 1;
    return 0;
}

typedef struct {
    char *id, *name;
    int region, established, fallback;
} Hub;

static Hub *g_hubs;
static int g_nhubs;
static int *g_area_hubs[N_AREAS]; /* hubs covering each area */
static int g_area_nhubs[N_AREAS];

static int hub_index(const char *id)
{
    int i;
    for (i = 0; i < g_nhubs; i++)
        if (strcmp(g_hubs[i].id, id) == 0)
            return i;
    die("unknown hub id in table");
}

static void area_add_hub(int a, int h)
{
    g_area_hubs[a] = xrealloc(g_area_hubs[a], (size_t)(g_area_nhubs[a] + 1) * sizeof(int));
    g_area_hubs[a][g_area_nhubs[a]++] = h;
}

static const char *const HUB_LABELS[] = {
    "North", "South", "East", "West", "Central", "North East", "North West",
    "South East", "South West", "Inner", "Outer", "Rural", "City", "Coast",
    "Vale", "Valley", "Borders", "Fringe", "Gateway", "Heartlands"};

static void build_hubs(Rng *r, int nschools, StrSet *names)
{
    int i, a, target, extra;
    double w[N_AREAS];
    int per_area[N_AREAS];

    target = (int)iround((double)N_HUB_DEFS * nschools / DEFAULT_SCHOOLS);
    extra = target > N_HUB_DEFS ? target - N_HUB_DEFS : 0;
    g_nhubs = N_HUB_DEFS;
    g_hubs = xmalloc((size_t)(N_HUB_DEFS + extra) * sizeof(Hub));
    for (i = 0; i < N_HUB_DEFS; i++) {
        g_hubs[i].id = xstrdup(HUB_DEFS[i].id);
        g_hubs[i].name = xstrdup(HUB_DEFS[i].name);
        g_hubs[i].region = HUB_DEFS[i].region;
        g_hubs[i].established = HUB_DEFS[i].established;
        g_hubs[i].fallback = -1;
        sset_add(names, HUB_DEFS[i].name);
    }
    for (i = 0; i < N_HUB_DEFS; i++)
        if (HUB_DEFS[i].fallback)
            g_hubs[i].fallback = hub_index(HUB_DEFS[i].fallback);
    for (a = 0; a < N_AREAS; a++) {
        area_add_hub(a, hub_index(AREA_DEFS[a].hub));
        if (AREA_DEFS[a].hub2)
            area_add_hub(a, hub_index(AREA_DEFS[a].hub2));
        w[a] = AREA_DEFS[a].weight;
        per_area[a] = 0;
    }
    /* national-scale runs: more, smaller hubs named after their area */
    for (i = 0; i < extra; i++) {
        char name[160], id[16];
        Hub *h = &g_hubs[g_nhubs];
        a = rpick(r, w, N_AREAS);
        for (;;) {
            int k = per_area[a]++;
            int nl = (int)(sizeof(HUB_LABELS) / sizeof(HUB_LABELS[0]));
            if (k < nl)
                FMT(name, "%s %s", AREA_DEFS[a].name, HUB_LABELS[k]);
            else
                FMT(name, "%s %s %d", AREA_DEFS[a].name, HUB_LABELS[k % nl], k / nl + 1);
            if (!sset_has(names, name))
                break;
        }
        sset_add(names, name);
        FMT(id, "H%04d", g_nhubs - N_HUB_DEFS + 1);
        h->id = xstrdup(id);
        h->name = xstrdup(name);
        h->region = AREA_DEFS[a].region;
        h->established = FIRST_JOIN_YEAR;
        h->fallback = -1;
        area_add_hub(a, g_nhubs);
        g_nhubs++;
    }
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

static const char *const PLACE_A[] = {
    "Oak", "Ash", "Elm", "Birch", "Holly", "Rose", "Brook", "Green", "High", "West",
    "East", "North", "South", "Mill", "Castle", "Church", "King", "Queen", "Red",
    "Black", "White", "Fern", "Hazel", "Heath", "Moor", "Park", "Spring", "Stone",
    "Thorn", "Willow", "Wood", "Fair", "Blen", "Brad", "Hather", "Lang", "Whit",
    "Bram", "Kirk", "Nether", "Hol", "Win", "Stan", "Shel", "Dal", "Har", "Rad",
    "Ald", "Bar", "Bel", "Cold", "Cran", "Dun", "Elder", "Fox", "Gold", "Hart",
    "Lark", "Lin", "Mar", "Pen", "Roth", "Sand", "Shaw", "Wal", "Wel", "Wor",
    "Yar", "Al", "Beck", "Bow", "Clay", "Cotton", "Eden", "Glen", "Grange",
    "Hay", "Hunt", "Ivy", "Lime", "Long", "Marsh", "Mead", "New", "Pine", "Rowan",
    "Rush", "Sel", "Silver", "Summer", "Sun", "Tan", "Thistle", "Upper", "Wick"};

static const char *const PLACE_B[] = {
    "field", "wood", "brook", "side", "gate", "hill", "dale", "lands", "croft",
    "ley", "mead", "ton", "bury", "ford", "worth", "well", "moor", "bank", "view",
    "combe", "thorpe", "stead", "ham", "grove", "hurst", "holme", "ridge", "wick",
    "cliffe", "borough", "acre", "cote", "den", "fold", "haven", "leigh", "mere",
    "park", "ridings", "shaw", "stone", "vale", "way", "wold"};

static const char *const PLACE_W1[] = {
    "Manor", "Castle", "Grange", "Forest", "Meadow", "Church", "Abbey", "Priory",
    "Beacon", "Valley", "River", "Sandy", "Rushey", "Green", "Hill", "Brook",
    "Moor", "Park", "Heath", "Orchard", "Cherry", "Chestnut", "Beech", "Hollin",
    "Mount", "Kings", "Queens", "Bishops", "Friars", "Mill", "Ladywood", "Cedar",
    "Rowan", "Fir", "Hawthorn", "Lark", "Oak", "Ash", "Willow", "Canal", "Station"};

static const char *const PLACE_W2[] = {
    "Park", "Vale", "Lane", "Road", "Mead", "Hill", "View", "Farm", "Green", "Side",
    "Wood", "Fields", "Gate", "End", "Hayes", "Bank", "Rise", "Cross", "Way", "Hall",
    "Bridge", "Tree", "Court", "Meadows", "Grove", "Common", "Street", "Heath"};

static void gen_place(Rng *r, char *out, size_t n)
{
    for (;;) {
        if (rchance(r, 0.72)) {
            const char *a = PICK(r, PLACE_A), *b = PICK(r, PLACE_B);
            size_t la = strlen(a);
            if (a[la - 1] == b[0] || strcmp(a, "Park") == 0)
                continue;
            SNP(out, n, "%s%s", a, b);
        } else {
            const char *a = PICK(r, PLACE_W1), *b = PICK(r, PLACE_W2);
            if (strcmp(a, b) == 0)
                continue;
            SNP(out, n, "%s %s", a, b);
        }
        return;
    }
}

/* dedications common among Church of England schools ... */
static const char *const COFE_SAINTS[] = {
    "St Mary's", "St John's", "St Peter's", "St Paul's", "St Michael's", "St Andrew's",
    "St George's", "St James'", "St Luke's", "St Mark's", "St Matthew's", "Holy Trinity",
    "Christ Church", "All Saints", "St Nicholas", "St Stephen's", "St Margaret's",
    "St Bartholomew's", "St Barnabas", "St Lawrence", "St Martin's", "St Leonard's",
    "St Giles'", "St Helen's", "St Oswald's", "St Chad's", "St Cuthbert's", "St Hilda's",
    "St Aidan's", "St Wilfrid's", "St Edmund's", "St Alban's", "St Swithun's", "Emmanuel",
    "St Mary Magdalene", "St Thomas'", "St Catherine's", "St Laurence", "St Botolph's",
    "St Werburgh's"};

/* ... and among Catholic ones */
static const char *const CATH_SAINTS[] = {
    "St Mary's", "St Anne's", "St Joseph's", "St Thomas More", "St John Fisher",
    "St Teresa's", "St Patrick's", "St Bernadette's", "Sacred Heart", "Holy Family",
    "Holy Cross", "Our Lady of Lourdes", "Our Lady of Mount Carmel", "Our Lady Queen of Peace",
    "English Martyrs", "Corpus Christi", "St Francis of Assisi", "St Clare's",
    "St Vincent de Paul", "St Gregory's", "St Benedict's", "St Dominic's", "St Anselm's",
    "St Winefride's", "Blessed Sacrament", "St Anthony's", "St Augustine's", "St Edward's",
    "St Columba's", "St Hugh's", "St Wulstan's", "St Bede's", "St Cuthbert's",
    "St Margaret Clitherow", "Christ the King", "St Peter and St Paul", "St Chad's",
    "St Alban's", "St Philip Howard", "St Catherine of Siena"};

static const char *const PAIR_A[] = {"Sacred Heart", "St Peter", "St Mary", "St Joseph",
                                     "Holy Family", "St John", "St Philip", "St Thomas"};
static const char *const PAIR_B[] = {"St Anne's", "St Paul's", "St Joseph's", "St Teresa's",
                                     "St Bernadette's", "St Patrick's", "St James'",
                                     "St Clare's"};

static const char *const FIRST_NAMES[] = {
    "Thomas", "John", "William", "Mary", "Elizabeth", "Robert", "Henry", "Edward", "Anne",
    "Margaret", "George", "James", "Florence", "Charlotte", "Alfred", "Emily", "Walter",
    "Dorothy", "Samuel", "Grace"};
static const char *const LAST_NAMES[] = {
    "Hartley", "Whitworth", "Fairfax", "Ashby", "Kingsley", "Thornton", "Fleming",
    "Barnard", "Cavendish", "Radcliffe", "Montagu", "Harcourt", "Stanhope", "Lister",
    "Pankhurst", "Brunel", "Garrett", "Cadbury", "Rowntree", "Wedgwood", "Arkwright",
    "Stephenson", "Priestley", "Gaskell", "Lovelace", "Somerville", "Attlee"};

enum { REL_NONE, REL_COFE, REL_CATH };

enum { P_PRIMARY, P_SECONDARY, P_ALLTHROUGH, P_SPECIAL, P_AP, P_NURSERY, P_POST16, NPHASE };
static const char *const PHASE_NAME[NPHASE] = {
    "primary", "secondary", "all-through", "special", "alternative-provision", "nursery",
    "post-16"};
static const double PHASE_W[NPHASE] = {0.570, 0.310, 0.030, 0.045, 0.020, 0.0075, 0.0075};

static void gen_school_name(Rng *r, int phase, int rel, int area, int *junior, char *out,
                            size_t n)
{
    char place[80];
    double u = runif(r);
    const char *saint = rel == REL_CATH ? PICK(r, CATH_SAINTS) : PICK(r, COFE_SAINTS);
    gen_place(r, place, sizeof place);
    *junior = 0;
    switch (phase) {
    case P_PRIMARY:
        if (rel == REL_COFE) {
            if (u < 0.45)
                SNP(out, n, "%s Church of England Primary School", saint);
            else if (u < 0.70)
                SNP(out, n, "%s Church of England Primary School", place);
            else if (u < 0.90)
                SNP(out, n, "%s CofE Primary Academy", saint);
            else {
                SNP(out, n, "%s CofE Junior School", saint);
                *junior = 1;
            }
        } else if (rel == REL_CATH) {
            if (u < 0.55)
                SNP(out, n, "%s Catholic Primary School", saint);
            else if (u < 0.78) {
                const char *a = PICK(r, PAIR_A), *b = PICK(r, PAIR_B);
                if (strncmp(a, b, strlen(a)) == 0)
                    b = "St Anne's";
                SNP(out, n, "%s & %s Catholic Primary School", a, b);
            } else if (u < 0.90)
                SNP(out, n, "%s Catholic Primary Academy", saint);
            else
                SNP(out, n, "%s Catholic Voluntary Academy", saint);
        } else {
            if (u < 0.36)
                SNP(out, n, "%s Primary School", place);
            else if (u < 0.56)
                SNP(out, n, "%s Primary Academy", place);
            else if (u < 0.67)
                SNP(out, n, "%s Community Primary School", place);
            else if (u < 0.75) {
                SNP(out, n, "%s Junior School", place);
                *junior = 1;
            } else if (u < 0.80)
                SNP(out, n, "%s Primary School & Nursery", place);
            else if (u < 0.85)
                SNP(out, n, "%s Primary School and Nursery", place);
            else if (u < 0.95)
                SNP(out, n, "%s Academy", place);
            else
                SNP(out, n, "The %s Primary School", place);
        }
        break;
    case P_SECONDARY:
        if (rel == REL_COFE) {
            if (u < 0.4)
                SNP(out, n, "%s Church of England Academy", saint);
            else if (u < 0.7)
                SNP(out, n, "%s Church of England High School", place);
            else
                SNP(out, n, "%s CofE High School", saint);
        } else if (rel == REL_CATH) {
            if (u < 0.4)
                SNP(out, n, "%s Catholic High School", saint);
            else if (u < 0.65)
                SNP(out, n, "%s Catholic College", saint);
            else if (u < 0.85)
                SNP(out, n, "%s Catholic Academy", saint);
            else
                SNP(out, n, "%s Catholic School", saint);
        } else {
            if (u < 0.33)
                SNP(out, n, "%s Academy", place);
            else if (u < 0.48)
                SNP(out, n, "%s High School", place);
            else if (u < 0.60)
                SNP(out, n, "%s School", place);
            else if (u < 0.68)
                SNP(out, n, "%s Community College", place);
            else if (u < 0.76)
                SNP(out, n, "%s College", place);
            else if (u < 0.81)
                SNP(out, n, "The %s Academy", place);
            else if (u < 0.84)
                SNP(out, n, "%s Grammar School", place);
            else if (u < 0.91) {
                /* two draws: sequence them (argument order is unspecified) */
                const char *first = PICK(r, FIRST_NAMES);
                const char *last = PICK(r, LAST_NAMES);
                SNP(out, n, "%s %s Academy", first, last);
            }
            else if (u < 0.95)
                SNP(out, n, "%s School & Sixth Form", place);
            else
                SNP(out, n, "%s Technology College", place);
        }
        break;
    case P_ALLTHROUGH:
        if (rel == REL_CATH)
            SNP(out, n, "%s Catholic All-Through Academy", saint);
        else if (rel == REL_COFE)
            SNP(out, n, "%s Church of England All-Through School", saint);
        else if (u < 0.4)
            SNP(out, n, "%s All-Through School", place);
        else if (u < 0.8)
            SNP(out, n, "%s Academy", place);
        else
            SNP(out, n, "%s School", place);
        break;
    case P_SPECIAL:
        if (u < 0.35)
            SNP(out, n, "%s School", place);
        else if (u < 0.50)
            SNP(out, n, "%s Special School", place);
        else if (u < 0.65)
            SNP(out, n, "%s Specialist School", place);
        else if (u < 0.80)
            SNP(out, n, "%s Academy", place);
        else if (u < 0.90)
            SNP(out, n, "%s Community Special School", place);
        else
            SNP(out, n, "The %s School", place);
        break;
    case P_AP:
        if (u < 0.40)
            SNP(out, n, "%s Alternative Provision Academy", place);
        else if (u < 0.70)
            SNP(out, n, "%s Learning Centre", place);
        else if (u < 0.85)
            SNP(out, n, "%s Academy", place);
        else
            SNP(out, n, "The %s Centre", place);
        break;
    case P_NURSERY:
        if (u < 0.6)
            SNP(out, n, "%s Nursery School", place);
        else
            SNP(out, n, "%s Nursery School & Children's Centre", place);
        break;
    default: /* post-16 */
        if (u < 0.6)
            SNP(out, n, "%s Sixth Form College", place);
        else
            SNP(out, n, "%s Sixth Form College", AREA_DEFS[area].name);
        break;
    }
}

static const char *const TRUST_STEMS[] = {
    "Aspire", "Bright Futures", "Endeavour", "Horizon", "Northern Star", "Pioneer", "Unity",
    "Harmony", "Kite", "Compass", "Beacon", "Summit", "Evolve", "Ascent", "Keystone",
    "Greenwood", "Lighthouse", "Elevate", "Inspire", "Discovery", "Forward Together",
    "Leading Edge", "Shine", "Wellspring", "Pathfinder", "Cornerstone", "Rainbow",
    "Tapestry", "Flying High", "Meridian", "Acorn", "Evergreen", "Brighter Horizons",
    "Equinox", "Quest", "Voyager", "Aurora", "Nova", "Polaris", "Apex", "Zenith",
    "Vantage", "Lumen", "Heartwood", "Kingfisher", "Heron", "Skylark", "Ember", "Anchor",
    "Crest", "Frontier", "Thrive", "Flourish", "Forest & Vale", "River & Forest",
    "Moor & Coast", "Hills & Valleys", "Town & Country", "Castle & Coast", "Learning Pathways",
    "Open Horizons", "First Light", "True North", "Rising Stars", "Inclusive Futures"};

static const char *const TRUST_SUFFIX[] = {
    "Academy Trust", "Learning Trust", "Multi Academy Trust", "Education Trust",
    "Schools Trust", "Learning Partnership", "Academies Trust", "Trust"};

static void gen_trust_name(Rng *r, int rel, int area, char *out, size_t n)
{
    double u = runif(r);
    const char *suf = PICK(r, TRUST_SUFFIX);
    if (rel == REL_CATH && u < 0.85) {
        const char *saint = PICK(r, CATH_SAINTS);
        double v = runif(r);
        if (v < 0.5)
            SNP(out, n, "%s Catholic Multi Academy Trust", saint);
        else if (v < 0.8)
            SNP(out, n, "%s Catholic Academy Trust", saint);
        else
            SNP(out, n, "%s Catholic Schools Partnership", saint);
    } else if (rel == REL_COFE && u < 0.6) {
        if (runif(r) < 0.5)
            SNP(out, n, "%s Church of England Academy Trust", PICK(r, TRUST_STEMS));
        else
            SNP(out, n, "%s Church Schools Trust", PICK(r, TRUST_STEMS));
    } else if (u < 0.55) {
        SNP(out, n, "%s %s", PICK(r, TRUST_STEMS), suf);
    } else if (u < 0.75) {
        SNP(out, n, "%s %s", AREA_DEFS[area].name, suf);
    } else {
        char place[80];
        gen_place(r, place, sizeof place);
        SNP(out, n, "%s %s", place, suf);
    }
}

/* initials of the significant words, e.g. "Bright Futures Learning Trust" -> BFLT */
static void trust_id_from_name(const char *name, StrSet *ids, char *out, size_t n)
{
    char base[16];
    size_t k = 0;
    const char *p = name;
    int serial;
    while (*p && k < 6) {
        const char *w = p;
        size_t wl = 0;
        while (p[wl] && p[wl] != ' ')
            wl++;
        p += wl;
        while (*p == ' ')
            p++;
        if ((wl == 2 && strncmp(w, "of", 2) == 0) || (wl == 3 && strncmp(w, "and", 3) == 0) ||
            (wl == 3 && strncmp(w, "The", 3) == 0) || (wl == 1 && w[0] == '&'))
            continue;
        if (w[0] >= 'a' && w[0] <= 'z')
            base[k++] = (char)(w[0] - 'a' + 'A');
        else if (w[0] >= 'A' && w[0] <= 'Z')
            base[k++] = w[0];
    }
    /* pad very short ids with further letters of the first word */
    for (p = name + 1; k < 3 && *p && *p != ' '; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            base[k++] = (char)(*p >= 'a' ? *p - 'a' + 'A' : *p);
    while (k < 3)
        base[k++] = 'X';
    base[k] = '\0';
    SNP(out, n, "%s", base);
    for (serial = 2; sset_has(ids, out); serial++)
        SNP(out, n, "%s%d", base, serial);
    sset_add(ids, out);
}

/* ------------------------------------------------------------------------ */
/* The simulated partnership                                                */
/* ------------------------------------------------------------------------ */

typedef struct {
    char *id, *name;
    int region, area, rel;
    long joined;
    int join_year, leave_year; /* leave_year 0: still a member at the horizon */
    int nschools;              /* schools that ever joined through the trust */
    int last_join_year;        /* latest year a school joined through it */
    unsigned prog_base;
    uint64_t seed;
} Trust;

/* G_CARD + g: a report-card inspection of a school whose quality is g */
enum { G_OUT, G_GOOD, G_RI, G_INAD, G_CARD, G_NONE = -1 };
static const char *const GRADE_NAME[4] = {"outstanding", "good", "requires-improvement",
                                          "inadequate"};

typedef struct {
    int urn;
    char *name;
    int phase, rel, junior, area, hub, trust;
    long joined;
    int join_year, leave_year;
    double pupils_base, growth, fsm_base, send_base;
    int send_present;
    unsigned prog_base;
    double ks2_u[3], ks2_t, ks4_u, ks4_t;
    int results_from;
    int ninsp;
    long insp_date[MAX_INSP];
    signed char insp_grade[MAX_INSP];
    uint64_t seed;
} School;

static School *g_schools;
static size_t g_nschools, g_capschools;
static Trust *g_trusts;
static size_t g_ntrusts, g_captrusts;
static int *g_region_trusts[NREG];
static size_t g_region_ntrusts[NREG];
static unsigned char *g_urn_used; /* indexed by URN */
static StrSet g_names, g_trust_ids;
static long g_horizon; /* 31 December of HORIZON_YEAR */

/* model parameters */
#define SCHOOL_LAPSE_SHARE 0.26 /* lapsed / (renewed + lapsed), schools */
#define TRUST_LAPSE_SHARE 0.20  /* the same for trusts */
#define P_IN_TRUST 0.76
#define P_NEW_TRUST 0.245 /* a trust school joining brings a new trust */
#define P_NO_HUB 0.05
#define PUPILS_PER_SCHOOL 700.0 /* in the latest snapshot */

/* schools joining in each year, as a fraction of --schools (2024 fills up) */
static const double JOIN_FRAC[] = {
    /* 2011 */ 0.070, 0.055, 0.055, 0.060, 0.070, 0.085, 0.095, 0.105, 0.115,
    /* 2020 */ 0.110, 0.160, 0.185, 0.145};
#define N_JOIN_FRAC ((int)(sizeof(JOIN_FRAC) / sizeof(JOIN_FRAC[0])))

/* chance that a school joining in a given year is in a target area */
static double p_target_for_year(int y)
{
    if (y <= 2019)
        return 0.21;
    if (y == 2020)
        return 0.30;
    if (y == 2021)
        return 0.38;
    if (y == 2022)
        return 0.52;
    if (y == 2023)
        return 0.62;
    return 0.66;
}

static int pick_area(Rng *r, int want_target)
{
    double w[N_AREAS];
    int a;
    for (a = 0; a < N_AREAS; a++) {
        int t = area_is_target(a);
        if (t != want_target)
            w[a] = 0.0;
        else
            w[a] = AREA_DEFS[a].weight * (t ? 1.0 : REGION_MULT[AREA_DEFS[a].region]);
    }
    return rpick(r, w, N_AREAS);
}

static int alloc_urn(Rng *r, int academy, int nschools)
{
    long lo, hi, u;
    int tries;
    if (academy) {
        lo = 136000;
        hi = 136000 + (nschools * 4 > 16000 ? (long)nschools * 4 : 16000) - 1;
    } else {
        lo = 100000;
        hi = 125999;
    }
    if (hi > 999999)
        hi = 999999;
    for (tries = 0; tries < 200; tries++) {
        u = rint_in(r, lo, hi);
        if (!g_urn_used[u]) {
            g_urn_used[u] = 1;
            return (int)u;
        }
    }
    /* crowded range: scan from a random start over the whole URN space */
    u = rint_in(r, 100000, 999999);
    for (tries = 0; tries < 900000; tries++) {
        if (!g_urn_used[u]) {
            g_urn_used[u] = 1;
            return (int)u;
        }
        u = u == 999999 ? 100000 : u + 1;
    }
    die("URN space exhausted");
}

/* per join year, so each year's intake tracks the target-area share */
static Quota g_target_q[HORIZON_YEAR + 1 - FIRST_JOIN_YEAR];
static Quota g_in_trust_q, g_new_trust_q;

/* phases follow a golden-ratio (low-discrepancy) sequence, so the mix, and
 * with it the pupil total, is close to PHASE_W for any seed */
static double g_phase_u;

static int pick_phase(void)
{
    double total = 0.0, x;
    int i;
    g_phase_u += 0.6180339887498949;
    if (g_phase_u >= 1.0)
        g_phase_u -= 1.0;
    for (i = 0; i < NPHASE; i++)
        total += PHASE_W[i];
    x = g_phase_u * total;
    for (i = 0; i < NPHASE - 1; i++) {
        x -= PHASE_W[i];
        if (x < 0.0)
            break;
    }
    return i;
}

static unsigned trust_programmes_base(Rng *r)
{
    unsigned m = 0;
    if (rchance(r, 0.58))
        m |= 1u;
    if (rchance(r, 0.32))
        m |= 2u;
    return m;
}

static int new_trust(Rng *r, const School *s)
{
    Trust *t;
    char name[200], id[24];
    int tries = 0;
    if (g_ntrusts == g_captrusts) {
        g_captrusts = g_captrusts ? g_captrusts * 2 : 256;
        g_trusts = xrealloc(g_trusts, g_captrusts * sizeof(Trust));
    }
    t = &g_trusts[g_ntrusts];
    memset(t, 0, sizeof *t);
    do {
        gen_trust_name(r, s->rel, s->area, name, sizeof name);
        if (++tries > 200) {
            char alt[240];
            FMT(alt, "%s (%s)", name, AREA_DEFS[s->area].name);
            FMT(name, "%s", alt);
        }
    } while (sset_has(&g_names, name) && tries < 400);
    if (sset_has(&g_names, name))
        die("could not find a unique trust name");
    sset_add(&g_names, name);
    trust_id_from_name(name, &g_trust_ids, id, sizeof id);
    t->id = xstrdup(id);
    t->name = xstrdup(name);
    t->region = AREA_DEFS[s->area].region;
    t->area = s->area;
    t->rel = s->rel;
    t->joined = s->joined;
    t->join_year = s->join_year;
    t->leave_year = 0; /* decided later, see lapse_members() */
    t->last_join_year = s->join_year;
    t->prog_base = trust_programmes_base(r);
    t->seed = rnext(r);
    g_region_trusts[t->region] =
        xrealloc(g_region_trusts[t->region], (g_region_ntrusts[t->region] + 1) * sizeof(int));
    g_region_trusts[t->region][g_region_ntrusts[t->region]++] = (int)g_ntrusts;
    return (int)g_ntrusts++;
}

/* an existing trust the school could join: preferential by size, same
 * region, mostly matching religious character */
static int pick_existing_trust(Rng *r, const School *s)
{
    int region = AREA_DEFS[s->area].region;
    size_t i, n = g_region_ntrusts[region];
    double total = 0.0, x;
    const int *list = g_region_trusts[region];
    int pass;
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            if (total <= 0.0)
                return -1;
            x = runif(r) * total;
        } else
            x = 0.0;
        for (i = 0; i < n; i++) {
            const Trust *t = &g_trusts[list[i]];
            double w;
            if (t->joined > s->joined || (t->leave_year && t->leave_year <= s->join_year))
                continue;
            w = (t->nschools < 6 ? t->nschools : 6) + 1.0;
            if (t->rel == REL_CATH && s->rel != REL_CATH)
                w *= 0.05;
            else if (s->rel == REL_CATH && t->rel != REL_CATH)
                w *= 0.2;
            if (t->area == s->area)
                w *= 2.0;
            if (pass == 0)
                total += w;
            else {
                x -= w;
                if (x < 0.0)
                    return list[i];
            }
        }
    }
    return -1;
}

/* Ofsted inspection history up to the horizon */
static const double GRADE_START[4] = {0.15, 0.62, 0.18, 0.05};
static const double GRADE_NEXT[4][4] = {
    {0.20, 0.68, 0.10, 0.02}, /* from outstanding */
    {0.07, 0.83, 0.09, 0.01}, /* from good */
    {0.04, 0.78, 0.16, 0.02}, /* from requires improvement */
    {0.00, 0.68, 0.29, 0.03}, /* from inadequate */
};

static void gen_inspections(Rng *r, School *s)
{
    long d, gap_lo = days_from_civil(2020, 3, 17), gap_hi = days_from_civil(2021, 9, 6);
    long ungraded_from = days_from_civil(UNGRADED_FROM_Y, UNGRADED_FROM_M, 1);
    long cards_from = days_from_civil(CARDS_FROM_Y, CARDS_FROM_M, 1);
    int g = rpick(r, GRADE_START, 4);
    s->ninsp = 0;
    if (s->results_from >= 2022) /* a newer school: first inspection 2-4 years in */
        d = rint_in(r, days_from_civil(2021, 9, 6), days_from_civil(2025, 7, 1));
    else
        d = rint_in(r, days_from_civil(2005, 9, 1), days_from_civil(2014, 7, 15));
    d = next_term_day(d);
    while (d <= g_horizon && s->ninsp < MAX_INSP) {
        long lo, hi;
        s->insp_date[s->ninsp] = d;
        s->insp_grade[s->ninsp] = (signed char)(d >= cards_from ? G_CARD + g : d >= ungraded_from ? G_NONE : g);
        s->ninsp++;
        switch (g) {
        case G_OUT: lo = 1800; hi = 3600; break;
        case G_GOOD: lo = 1250; hi = 1800; break;
        case G_RI: lo = 700; hi = 1000; break;
        default: lo = 500; hi = 800; break;
        }
        d += rint_in(r, lo, hi);
        if (d >= gap_lo && d < gap_hi) /* routine inspections paused in the
                                        * pandemic; the backlog cleared over
                                        * the following years */
            d = gap_hi + rint_in(r, 0, 1000);
        d = next_term_day(d);
        g = rpick(r, GRADE_NEXT[g], 4);
    }
}

static void push_school(const School *s)
{
    if (g_nschools == g_capschools) {
        g_capschools = g_capschools ? g_capschools * 2 : 1024;
        g_schools = xrealloc(g_schools, g_capschools * sizeof(School));
    }
    g_schools[g_nschools++] = *s;
}

static void create_school(Rng *r, long joined, int nschools)
{
    School s;
    char name[200];
    int tries, i;
    double fsm_mu, send_mu;

    memset(&s, 0, sizeof s);
    s.seed = rnext(r);
    s.joined = joined;
    s.join_year = year_of(joined);
    s.phase = pick_phase();
    s.area = pick_area(r, quota_hit(&g_target_q[s.join_year - FIRST_JOIN_YEAR],
                                    p_target_for_year(s.join_year)));
    {
        double u = runif(r);
        double cofe = 0.0, cath = 0.0;
        if (s.phase == P_PRIMARY) {
            cofe = 0.15;
            cath = 0.10;
        } else if (s.phase == P_SECONDARY) {
            cofe = 0.06;
            cath = 0.08;
        } else if (s.phase == P_ALLTHROUGH) {
            cofe = 0.04;
            cath = 0.04;
        }
        s.rel = u < cofe ? REL_COFE : (u < cofe + cath ? REL_CATH : REL_NONE);
    }
    for (tries = 0;; tries++) {
        gen_school_name(r, s.phase, s.rel, s.area, &s.junior, name, sizeof name);
        if (!sset_has(&g_names, name))
            break;
        if (tries > 300) {
            char alt[240];
            int k;
            for (k = 1;; k++) {
                if (k == 1)
                    FMT(alt, "%s, %s", name, AREA_DEFS[s.area].name);
                else
                    FMT(alt, "%s, %s %d", name, AREA_DEFS[s.area].name, k);
                if (!sset_has(&g_names, alt))
                    break;
            }
            FMT(name, "%s", alt);
            break;
        }
    }
    sset_add(&g_names, name);
    s.name = xstrdup(name);

    /* trust membership */
    s.trust = -1;
    {
        double p_trust = P_IN_TRUST;
        if (s.phase == P_NURSERY)
            p_trust = 0.25;
        else if (s.phase == P_POST16)
            p_trust = 0.40;
        if (quota_hit(&g_in_trust_q, p_trust)) {
            int t = -1;
            if (!quota_hit(&g_new_trust_q, P_NEW_TRUST))
                t = pick_existing_trust(r, &s);
            if (t < 0)
                t = new_trust(r, &s);
            s.trust = t;
            g_trusts[t].nschools++;
            g_trusts[t].last_join_year = s.join_year;
        }
    }
    s.urn = alloc_urn(r, s.trust >= 0 || rchance(r, 0.35), nschools);

    s.leave_year = 0; /* decided later, see lapse_members() */

    /* hub */
    if (rchance(r, P_NO_HUB))
        s.hub = -1;
    else
        s.hub = g_area_hubs[s.area][rint_in(r, 0, g_area_nhubs[s.area] - 1)];

    /* size and intake (values for 2024; other years derived) */
    switch (s.phase) {
    case P_PRIMARY:
        if (s.junior)
            s.pupils_base = clampd(330 + 90 * rnorm(r), 150, 560);
        else
            s.pupils_base = clampd(420 + 130 * rnorm(r), 90, 860);
        break;
    case P_SECONDARY: s.pupils_base = clampd(1250 + 320 * rnorm(r), 480, 2150); break;
    case P_ALLTHROUGH: s.pupils_base = clampd(1800 + 350 * rnorm(r), 900, 2800); break;
    case P_SPECIAL: s.pupils_base = clampd(150 + 50 * rnorm(r), 40, 320); break;
    case P_AP: s.pupils_base = clampd(70 + 30 * rnorm(r), 15, 180); break;
    case P_NURSERY: s.pupils_base = clampd(95 + 25 * rnorm(r), 40, 170); break;
    default: s.pupils_base = clampd(1400 + 400 * rnorm(r), 500, 2600); break;
    }
    s.growth = 0.006 + 0.02 * rnorm(r);

    if (area_is_target(s.area))
        fsm_mu = 0.365;
    else if (AREA_DEFS[s.area].region == R_LON)
        fsm_mu = 0.35;
    else
        fsm_mu = 0.275;
    switch (s.phase) {
    case P_SECONDARY: fsm_mu -= 0.02; break;
    case P_SPECIAL: fsm_mu += 0.12; break;
    case P_AP: fsm_mu += 0.16; break;
    case P_NURSERY: fsm_mu -= 0.06; break;
    case P_POST16: fsm_mu -= 0.06; break;
    default: break;
    }
    s.fsm_base = clampd(fsm_mu + 0.10 * rnorm(r), 0.03, 0.80);

    switch (s.phase) {
    case P_PRIMARY: send_mu = 0.203; break;
    case P_SECONDARY: send_mu = 0.180; break;
    case P_ALLTHROUGH: send_mu = 0.175; break;
    case P_SPECIAL: send_mu = 1.0; break;
    case P_AP: send_mu = 0.55; break;
    default: send_mu = 0.12; break;
    }
    if (s.phase == P_SPECIAL)
        s.send_base = 1.0;
    else
        s.send_base = clampd(send_mu + (s.phase == P_AP ? 0.15 : 0.05) * rnorm(r), 0.04, 0.95);
    s.send_present = rchance(r, 0.90);

    /* programmes: bit 0 qar, 1 growing_the_top, 2 leadership_development,
     * 3 send_peer_review, 4 network_of_excellence */
    {
        static const double P_PROG[5] = {0.84, 0.24, 0.32, 0.12, 0.18};
        int b;
        s.prog_base = 0;
        for (b = 0; b < 5; b++) {
            double p = P_PROG[b];
            if (b == 3 && (s.phase == P_SPECIAL || s.phase == P_AP))
                p = 0.55;
            if (rchance(r, p))
                s.prog_base |= 1u << b;
        }
    }

    /* attainment model: school effect + improvement after joining */
    {
        double common = rnorm(r);
        for (i = 0; i < 3; i++)
            s.ks2_u[i] = 0.5 + 1.5 * common + 0.6 * rnorm(r);
    }
    s.ks2_t = 0.12 + 0.15 * rnorm(r);
    s.ks4_u = 1.5 + 7.0 * rnorm(r);
    s.ks4_t = 1.1 + 0.5 * rnorm(r);
    {
        double u = runif(r);
        s.results_from = u < 0.93 ? 2000 : (u < 0.98 ? 2022 : 2023);
    }
    gen_inspections(r, &s);
    push_school(&s);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long random_join_date(Rng *r, int y)
{
    double u = runif(r);
    if (u < 0.55)
        return days_from_civil(y, 9, 1);
    if (u < 0.68)
        return days_from_civil(y, 4, 1);
    if (u < 0.75)
        return days_from_civil(y, 1, 1);
    return rint_in(r, days_from_civil(y, 1, 1), days_from_civil(y, 12, 31));
}

static void add_year_joiners(Rng *r, int y, long count, int nschools)
{
    long *dates, i;
    if (count <= 0)
        return;
    dates = xmalloc((size_t)count * sizeof(long));
    for (i = 0; i < count; i++)
        dates[i] = random_join_date(r, y);
    qsort(dates, (size_t)count, sizeof(long), cmp_long);
    for (i = 0; i < count; i++)
        create_school(r, dates[i], nschools);
    free(dates);
}

/* take n integer units from a running fractional total */
static long take_units(double *carry, double amount)
{
    long n;
    *carry += amount;
    n = (long)*carry;
    if (n < 0)
        n = 0;
    *carry -= (double)n;
    return n;
}

static double trust_lapse_weight(long present)
{
    /* small trusts (and trusts whose schools have all gone) leave more */
    return present == 0 ? 4.0 : present == 1 ? 2.0 : present <= 3 ? 1.0
                                                  : present <= 6 ? 0.4 : 0.1;
}

/* Members leave ("lapse") only at renewal points, every RENEWAL_CYCLE years
 * after joining.  Decided year by year once the schools are placed:
 *   - trusts: TRUST_LAPSE_SHARE of the trusts at a renewal point leave,
 *     chosen among those no school joined through later, smaller ones
 *     first; their schools leave with them;
 *   - schools: enough more schools at a renewal point leave that the year's
 *     lapsed / (renewed + lapsed) is SCHOOL_LAPSE_SHARE.
 * Fractions carry over from year to year, so any seed lands on the rates. */
static void lapse_members(Rng *r, int y_last)
{
    int y;
    size_t t, i, k;
    size_t *start = xmalloc((g_ntrusts + 1) * sizeof(size_t));
    size_t *members = xmalloc((g_nschools ? g_nschools : 1) * sizeof(size_t));
    size_t *fill = xmalloc((g_ntrusts ? g_ntrusts : 1) * sizeof(size_t));
    size_t *cand = xmalloc((g_nschools ? g_nschools : 1) * sizeof(size_t));
    double *w = xmalloc((g_ntrusts ? g_ntrusts : 1) * sizeof(double));
    long *present = xmalloc((g_ntrusts ? g_ntrusts : 1) * sizeof(long));
    double trust_carry = runif(r), school_carry = runif(r);

    /* schools grouped by trust (counting sort) */
    for (t = 0; t <= g_ntrusts; t++)
        start[t] = 0;
    for (i = 0; i < g_nschools; i++)
        if (g_schools[i].trust >= 0)
            start[g_schools[i].trust + 1]++;
    for (t = 0; t < g_ntrusts; t++) {
        start[t + 1] += start[t];
        fill[t] = start[t];
    }
    for (i = 0; i < g_nschools; i++)
        if (g_schools[i].trust >= 0)
            members[fill[g_schools[i].trust]++] = i;

    for (y = FIRST_JOIN_YEAR + 1; y <= y_last; y++) {
        long due = 0, ntr, nT = 0, nR = 0, nown;
        double wsum = 0.0;

        /* trusts */
        for (t = 0; t < g_ntrusts; t++) {
            const Trust *tr = &g_trusts[t];
            w[t] = 0.0;
            if (tr->leave_year || tr->join_year >= y || (y - tr->join_year) % RENEWAL_CYCLE)
                continue;
            due++;
            if (tr->last_join_year >= y)
                continue;
            present[t] = 0;
            for (k = start[t]; k < start[t + 1]; k++) {
                const School *sc = &g_schools[members[k]];
                if (sc->join_year < y && sc->leave_year == 0)
                    present[t]++;
            }
            w[t] = trust_lapse_weight(present[t]);
            wsum += w[t];
        }
        for (ntr = take_units(&trust_carry, TRUST_LAPSE_SHARE * (double)due); ntr > 0; ntr--) {
            double x;
            if (wsum <= 1e-9)
                break;
            x = runif(r) * wsum;
            for (t = 0; t < g_ntrusts; t++) {
                if (w[t] <= 0.0)
                    continue;
                x -= w[t];
                if (x < 0.0)
                    break;
            }
            if (t == g_ntrusts) /* rounding: take the last candidate */
                for (t = g_ntrusts; t-- > 0 && w[t] <= 0.0;)
                    ;
            wsum -= w[t];
            w[t] = 0.0;
            g_trusts[t].leave_year = y;
            for (k = start[t]; k < start[t + 1]; k++) {
                School *sc = &g_schools[members[k]];
                if (sc->join_year < y && sc->leave_year == 0) {
                    sc->leave_year = y;
                    nT++;
                }
            }
        }

        /* schools at their renewal point */
        for (i = 0; i < g_nschools; i++) {
            const School *sc = &g_schools[i];
            if (sc->leave_year == 0 && sc->join_year < y &&
                (y - sc->join_year) % RENEWAL_CYCLE == 0)
                cand[nR++] = i;
        }
        nown = take_units(&school_carry,
                          SCHOOL_LAPSE_SHARE * (double)(nR + nT) - (double)nT);
        if (nown > nR)
            nown = nR;
        for (k = 0; k < (size_t)nown; k++) { /* partial Fisher-Yates */
            size_t j = k + (size_t)rint_in(r, 0, (long)(nR - 1 - (long)k));
            size_t tmp = cand[k];
            cand[k] = cand[j];
            cand[j] = tmp;
            g_schools[cand[k]].leave_year = y;
        }
    }
    free(start);
    free(members);
    free(fill);
    free(cand);
    free(w);
    free(present);
}

static double pupils_in(const School *s, int y);

static void simulate(uint64_t seed, int nschools)
{
    Rng r;
    int y;
    size_t i;
    long active = 0;

    r.s = seed;
    g_horizon = days_from_civil(HORIZON_YEAR, 12, 31);
    g_phase_u = runif(&r);
    g_urn_used = xmalloc(1000000);
    memset(g_urn_used, 0, 1000000);
    for (y = 0; y <= HORIZON_YEAR - FIRST_JOIN_YEAR; y++) {
        g_target_q[y].acc = runif(&r);
    }
    g_in_trust_q.acc = runif(&r);
    g_new_trust_q.acc = runif(&r);
    build_hubs(&r, nschools, &g_names);

    for (y = FIRST_JOIN_YEAR; y < HORIZON_YEAR; y++) {
        int k = y - FIRST_JOIN_YEAR;
        double frac = k < N_JOIN_FRAC ? JOIN_FRAC[k] : 0.13;
        add_year_joiners(&r, y, iround(frac * nschools), nschools);
    }
    lapse_members(&r, HORIZON_YEAR);
    /* the final year tops the membership up to exactly --schools */
    for (i = 0; i < g_nschools; i++)
        if (g_schools[i].leave_year == 0)
            active++;
    add_year_joiners(&r, HORIZON_YEAR, nschools - active, nschools);

    /* calibrate school sizes so the latest snapshot has PUPILS_PER_SCHOOL
     * pupils per member school on average (a uniform rescale of ~1-3%) */
    {
        double total = 0.0, c;
        for (i = 0; i < g_nschools; i++)
            if (g_schools[i].leave_year == 0)
                total += pupils_in(&g_schools[i], HORIZON_YEAR);
        c = total > 0.0 ? PUPILS_PER_SCHOOL * (double)nschools / total : 1.0;
        for (i = 0; i < g_nschools; i++)
            g_schools[i].pupils_base *= c;
    }
}

/* ------------------------------------------------------------------------ */
/* Per-year figures                                                         */
/* ------------------------------------------------------------------------ */

enum {
    TAG_PUPILS = 1, TAG_FSM, TAG_SEND, TAG_PROG, TAG_QAR, TAG_KS2, TAG_KS4,
    TAG_TPROG, TAG_FIN, TAG_CARD
};

static int school_present(const School *s, int y)
{
    return s->join_year <= y && (s->leave_year == 0 || s->leave_year >= y);
}

static int trust_present(const Trust *t, int y)
{
    return t->join_year <= y && (t->leave_year == 0 || t->leave_year >= y);
}

static const char *renewal_status(int join_year, int leave_year, int y)
{
    if (leave_year == y)
        return "lapsed";
    if (join_year == y)
        return "new";
    if ((y - join_year) % RENEWAL_CYCLE == 0)
        return "renewed";
    return "continuing";
}

static double pupils_in(const School *s, int y)
{
    Rng r = substream(s->seed, TAG_PUPILS, y);
    double p = s->pupils_base, g = 1.0 + s->growth;
    int k;
    for (k = y; k < HORIZON_YEAR; k++)
        p /= g;
    for (k = HORIZON_YEAR; k < y; k++)
        p *= g;
    p *= 1.0 + 0.012 * rnorm(&r);
    return p < 1.0 ? 1.0 : p;
}

static long pupils_int(const School *s, int y)
{
    long p = iround(pupils_in(s, y));
    return p < 1 ? 1 : p;
}

static double fsm_rate(const School *s, int y)
{
    Rng r = substream(s->seed, TAG_FSM, y);
    return clampd(s->fsm_base - 0.007 * (HORIZON_YEAR - y) + 0.01 * rnorm(&r), 0.01, 0.90);
}

static long fsm_int(const School *s, int y)
{
    long p = pupils_int(s, y), f = iround((double)p * fsm_rate(s, y));
    return f > p ? p : (f < 0 ? 0 : f);
}

static long send_int(const School *s, int y)
{
    Rng r = substream(s->seed, TAG_SEND, y);
    long p = pupils_int(s, y), v;
    double rate;
    if (s->phase == P_SPECIAL)
        rate = 1.0 - 0.01 * runif(&r);
    else
        rate = clampd(s->send_base - 0.0075 * (HORIZON_YEAR - y) + 0.008 * rnorm(&r), 0.0, 1.0);
    v = iround((double)p * rate);
    return v > p ? p : (v < 0 ? 0 : v);
}

static unsigned programmes_in(const School *s, int y)
{
    Rng r = substream(s->seed, TAG_PROG, y);
    unsigned m = s->prog_base;
    int b, count = 0;
    for (b = 0; b < 5; b++)
        if (rchance(&r, b == 0 ? 0.03 : 0.06))
            m ^= 1u << b;
    for (b = 0; b < 5; b++)
        if (m & (1u << b)) {
            if (count == 4)
                m &= ~(1u << b);
            else
                count++;
        }
    return m;
}

static unsigned trust_programmes_in(const Trust *t, int y)
{
    Rng r = substream(t->seed, TAG_TPROG, y);
    unsigned m = t->prog_base;
    if (rchance(&r, 0.10))
        m ^= 1u;
    if (rchance(&r, 0.10))
        m ^= 2u;
    return m;
}

/* national comparators by results year */
typedef struct {
    int year;
    double ks2[6]; /* dis reading, maths, gps; other reading, maths, gps */
    double ks4[2]; /* dis em4, other em4 */
} NationalResults;

static const NationalResults NATIONAL[] = {
    {2019, {102.0, 102.2, 103.4, 105.8, 106.1, 107.5}, {44.2, 71.6}},
    {2022, {102.4, 101.4, 102.5, 106.3, 105.4, 106.5}, {45.4, 75.2}},
    {2023, {102.2, 101.7, 102.4, 106.2, 105.6, 106.3}, {43.2, 72.3}},
    {2024, {101.9, 101.2, 101.9, 106.4, 106.0, 107.0}, {42.9, 72.6}},
};
#define N_NATIONAL ((int)(sizeof(NATIONAL) / sizeof(NATIONAL[0])))

static const NationalResults *national_for(int y)
{
    int i;
    for (i = 0; i < N_NATIONAL; i++)
        if (NATIONAL[i].year == y)
            return &NATIONAL[i];
    return NULL;
}

/* results years shown in the snapshot for year y: from the last
 * pre-pandemic year (2019) to y; there were no exams in 2020 and 2021 */
#define FIRST_RESULTS_YEAR 2019
#define LAST_RESULTS_YEAR 2024 /* the latest year in NATIONAL */
static int results_years(int y, int *out)
{
    int n = 0, ry;
    for (ry = FIRST_RESULTS_YEAR; ry <= y; ry++)
        if (national_for(ry))
            out[n++] = ry;
    return n;
}

static double gain_years(const School *s, int ry)
{
    int from = s->join_year > 2019 ? s->join_year : 2019;
    return ry > from ? (double)(ry - from) : 0.0;
}

/* disadvantaged cohort for a results year (0: no entry) */
static long dis_cohort(const School *s, int ry, int ks4, Rng *r)
{
    double pupils = pupils_in(s, ry), cohort, rate, mu, sd;
    long n;
    if (ks4)
        cohort = s->phase == P_ALLTHROUGH ? pupils / 14.0 : pupils * 0.86 / 5.0;
    else if (s->phase == P_ALLTHROUGH)
        cohort = pupils / 14.0;
    else
        cohort = s->junior ? pupils / 4.0 : pupils / 7.0;
    rate = clampd(fsm_rate(s, ry) * 1.2 + 0.03 * rnorm(r), 0.01, 0.95);
    mu = cohort * rate;
    sd = sqrt(mu * (1.0 - rate));
    n = iround(mu + sd * rnorm(r));
    return n < 0 ? 0 : n;
}

/* percentage k/n to one decimal place, as tenths */
static long pct_tenths(long k, long n)
{
    return n > 0 ? (k * 1000 * 2 + n) / (2 * n) : 0;
}

/* one tenth of a point, as an integer: everything prints from these */
static long tenths(double x)
{
    return iround(x * 10.0);
}

typedef struct {
    int year;
    long pupils;
    long read, maths, gps; /* tenths */
} Ks2Row;

typedef struct {
    int year;
    long pupils, achieved;
} Ks4Row;

static int ks2_row(const School *s, int ry, Ks2Row *row)
{
    const NationalResults *nat = national_for(ry);
    Rng r = substream(s->seed, TAG_KS2, ry);
    long n;
    int i;
    long v[3];
    if (!nat || ry < s->results_from)
        return 0;
    n = dis_cohort(s, ry, 0, &r);
    if (n <= 0)
        return 0;
    for (i = 0; i < 3; i++) {
        double mean = nat->ks2[i] + s->ks2_u[i] + s->ks2_t * gain_years(s, ry);
        double x = mean + 5.5 / sqrt((double)n) * rnorm(&r);
        v[i] = tenths(clampd(x, 90.0, 117.5));
    }
    row->year = ry;
    row->pupils = n;
    row->read = v[0];
    row->maths = v[1];
    row->gps = v[2];
    return 1;
}

static int ks4_row(const School *s, int ry, Ks4Row *row)
{
    const NationalResults *nat = national_for(ry);
    Rng r = substream(s->seed, TAG_KS4, ry);
    long n, k;
    double p, sd;
    if (!nat || ry < s->results_from)
        return 0;
    n = dis_cohort(s, ry, 1, &r);
    if (n <= 0)
        return 0;
    p = clampd((nat->ks4[0] + s->ks4_u + s->ks4_t * gain_years(s, ry)) / 100.0, 0.03, 0.97);
    sd = sqrt((double)n * p * (1.0 - p));
    k = iround((double)n * p + sd * rnorm(&r));
    if (k < 0)
        k = 0;
    if (k > n)
        k = n;
    row->year = ry;
    row->pupils = n;
    row->achieved = k;
    return 1;
}

/* Schools that have been members for four years or more by the latest
 * snapshot improved their disadvantaged pupils' English and maths (grade 4+)
 * by about KS4_TENURED_GAIN points between 2019 and the latest year.  The
 * per-school trends are random and results carry cohort-size noise, so nudge
 * every school's trend until the realised mean lands on the target. */
#define KS4_TENURED_GAIN 4.0

static void calibrate_ks4(void)
{
    long cutoff = days_from_civil(HORIZON_YEAR - 4, 12, 31); /* tenure >= 4 */
    int iter;
    size_t i;
    for (iter = 0; iter < 4; iter++) {
        double sum = 0.0, gain = 0.0, shift;
        long n = 0;
        for (i = 0; i < g_nschools; i++) {
            const School *s = &g_schools[i];
            Ks4Row a, b;
            if (s->leave_year != 0 || s->joined > cutoff ||
                (s->phase != P_SECONDARY && s->phase != P_ALLTHROUGH))
                continue;
            if (!ks4_row(s, FIRST_RESULTS_YEAR, &a) || !ks4_row(s, LAST_RESULTS_YEAR, &b))
                continue;
            sum += (double)(pct_tenths(b.achieved, b.pupils) - pct_tenths(a.achieved, a.pupils)) /
                   10.0;
            gain += gain_years(s, LAST_RESULTS_YEAR);
            n++;
        }
        if (n == 0 || gain <= 0.0)
            return;
        shift = (KS4_TENURED_GAIN - sum / (double)n) / (gain / (double)n);
        if (shift > -0.005 && shift < 0.005)
            return;
        for (i = 0; i < g_nschools; i++)
            g_schools[i].ks4_t += shift;
    }
}

/* ------------------------------------------------------------------------ */
/* JSON output                                                              */
/* ------------------------------------------------------------------------ */

static void jstr(FILE *f, const char *s)
{
    const unsigned char *p;
    fputc('"', f);
    for (p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", (unsigned)*p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* fixed-point decimals from an integer count of tenths / hundredths */
static void jtenths(FILE *f, long t)
{
    if (t < 0) {
        fputc('-', f);
        t = -t;
    }
    fprintf(f, "%ld.%ld", t / 10, t % 10);
}

static void jhundredths(FILE *f, long t)
{
    if (t < 0) {
        fputc('-', f);
        t = -t;
    }
    fprintf(f, "%ld.%02ld", t / 100, t % 100);
}

static void jdate(FILE *f, long z)
{
    char buf[16];
    fmt_date(buf, sizeof buf, z);
    fprintf(f, "\"%s\"", buf);
}


static const char *const SPROG_ID[5] = {"qar", "growing_the_top", "leadership_development",
                                        "send_peer_review", "network_of_excellence"};
static const char *const SPROG_NAME[5] = {"Quality Assurance Review", "Growing the Top",
                                          "Leadership Development",
                                          "SEND Developmental Peer Review",
                                          "Network of Excellence"};
static const char *const TPROG_ID[2] = {"trust_leaders_network", "trust_peer_review"};
static const char *const TPROG_NAME[2] = {"Trust Leaders' Network", "Trust Peer Review"};

static const char *const MONTHS[12] = {"January", "February", "March", "April", "May", "June",
                                       "July", "August", "September", "October",
                                       "November", "December"};

typedef struct {
    int year;
    double fsm_pct, send_pct;
    int ofsted[3];
    int lead_reviewers, feedback_responses, feedback_mean_hundredths;
    double income, fundraised_share, spend_ratio, reserve_months;
    double staff_fte, staff_turnover;
} YearFacts;

/* From SNAP_EARLIEST on, one row a year. */
static const YearFacts YEAR_FACTS[] = {
    {2021, 21.6, 15.9, {16, 4, 66}, 62, 2450, 475, 5200000, 0.085, 0.970, 3.1, 39.0, 17.0},
    {2022, 22.5, 16.5, {17, 4, 68}, 70, 2700, 478, 5550000, 0.100, 0.975, 3.3, 42.0, 16.2},
    {2023, 23.6, 17.3, {19, 5, 70}, 78, 2940, 480, 5950000, 0.120, 0.985, 3.5, 45.5, 15.1},
    {2024, 24.0, 18.4, {21, 6, 72}, 84, 3120, 482, 6350000, 0.140, 0.990, 3.7, 48.5, 14.0},
    {2025, 25.7, 19.6, {21, 6, 72}, 89, 3290, 483, 6700000, 0.155, 0.990, 3.8, 50.5, 13.5},
};

static const School **g_sorted_schools;
static const Trust **g_sorted_trusts;

static int cmp_school_urn(const void *a, const void *b)
{
    const School *x = *(const School *const *)a, *y = *(const School *const *)b;
    return (x->urn > y->urn) - (x->urn < y->urn);
}

static int cmp_trust_name(const void *a, const void *b)
{
    const Trust *x = *(const Trust *const *)a, *y = *(const Trust *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->id, y->id);
}

static long scaled(double x, double f)
{
    long v = iround(x * f);
    return v < 1 ? 1 : v;
}

static int hub_in_year(const School *s, int y)
{
    int h = s->hub;
    if (h >= 0 && g_hubs[h].established > y)
        h = g_hubs[h].fallback;
    return h;
}

/* QA Reviews: which schools had one this year, and with a full team, follow
 * per-snapshot quotas (schools are visited in URN order, so this is still
 * deterministic) to keep the year's counts near their targets */
typedef struct {
    Quota had, full;
    long count;
} QarState;

#define P_QAR_THIS_YEAR 0.81 /* schools taking qar that had a review */
#define P_QAR_LAPSING 0.25   /* the same for schools leaving that year */
#define P_QAR_FULL_TEAM 0.92

/* Report cards: each area's grade (exceptional, strong, expected, needs
 * attention, urgent improvement) drawn from the school's quality, and the
 * chance that safeguarding is not met.  Roughly Ofsted's first months: most
 * areas expected, about a quarter strong or better, under a tenth needing
 * attention. */
static const char *const CARD_AREA[8] = {"inclusion", "curriculum_and_teaching", "achievement",
                                         "attendance_and_behaviour",
                                         "personal_development_and_wellbeing",
                                         "leadership_and_governance", "early_years", "post_16"};
static const char *const CARD_GRADE[5] = {"exceptional", "strong", "expected", "needs-attention",
                                          "urgent-improvement"};
static const double CARD_W[4][5] = {
    {0.22, 0.50, 0.25, 0.03, 0.00}, /* outstanding */
    {0.03, 0.27, 0.62, 0.07, 0.01}, /* good */
    {0.00, 0.07, 0.55, 0.32, 0.06}, /* requires improvement */
    {0.00, 0.02, 0.30, 0.45, 0.23}, /* inadequate */
};
static const double CARD_NOT_MET[4] = {0.01, 0.02, 0.05, 0.25};
/* national shares (tenths of a percent): strong or better, needs attention
 * or worse, per area; then safeguarding met */
static const int NAT_CARD[8][2] = {{300, 60}, {240, 80}, {210, 120}, {310, 65},
                                   {380, 35}, {320, 70}, {350, 40}, {280, 60}};
#define NAT_SAFE_MET 975

/* The school's latest report card on or before asof, if any.  Its grades
 * come from a substream of the inspection date, so every snapshot shows the
 * same report card.  Early years applies to schools with a reception or
 * nursery class (not junior schools), post-16 to the sixth forms. */
static void write_report_card(FILE *f, const School *s, long asof)
{
    int i, a, first = 1, q;
    int early, post16;
    Rng r;
    for (i = s->ninsp - 1; i >= 0 && s->insp_date[i] > asof; i--)
        ;
    if (i < 0 || s->insp_grade[i] < G_CARD)
        return;
    q = s->insp_grade[i] - G_CARD;
    r = substream(s->seed, TAG_CARD, (int)s->insp_date[i]);
    early = (s->phase == P_PRIMARY && !s->junior) || s->phase == P_ALLTHROUGH || s->phase == P_NURSERY;
    post16 = s->phase == P_POST16 || ((s->phase == P_SECONDARY || s->phase == P_ALLTHROUGH ||
                                       s->phase == P_SPECIAL) && runif(&r) < 0.55);
    fputs(",\"report_card\":{\"inspected\":", f);
    jdate(f, s->insp_date[i]);
    fprintf(f, ",\"safeguarding\":\"%s\",\"grades\":{", runif(&r) < CARD_NOT_MET[q] ? "not-met" : "met");
    for (a = 0; a < 8; a++) {
        int g = rpick(&r, CARD_W[q], 5);
        if ((a == 6 && !early) || (a == 7 && !post16))
            continue;
        fprintf(f, "%s\"%s\":\"%s\"", first ? "" : ",", CARD_AREA[a], CARD_GRADE[g]);
        first = 0;
    }
    fputs("}}", f);
}

static void write_school(FILE *f, const School *s, int y, long asof, QarState *qs)
{
    const char *ren = renewal_status(s->join_year, s->leave_year, y);
    unsigned prog = programmes_in(s, y);
    int h = hub_in_year(s, y), b, i, n, first, years[8];
    char date[16];

    fprintf(f, "{\"urn\":%d,\"name\":", s->urn);
    jstr(f, s->name);
    fprintf(f, ",\"phase\":\"%s\",\"region\":\"%s\",\"area\":", PHASE_NAME[s->phase],
            REGION_NAME[AREA_DEFS[s->area].region]);
    jstr(f, AREA_DEFS[s->area].name);
    if (h >= 0) {
        fputs(",\"hub\":", f);
        jstr(f, g_hubs[h].id);
    }
    if (s->trust >= 0) {
        fputs(",\"trust\":", f);
        jstr(f, g_trusts[s->trust].id);
    }
    fprintf(f, ",\"pupils\":%ld,\"fsm_pupils\":%ld", pupils_int(s, y), fsm_int(s, y));
    if (s->send_present)
        fprintf(f, ",\"send_pupils\":%ld", send_int(s, y));
    fmt_date(date, sizeof date, s->joined);
    fprintf(f, ",\"joined\":\"%s\"", date);
    if (strcmp(ren, "continuing") != 0)
        fprintf(f, ",\"renewal\":\"%s\"", ren);
    fputs(",\"programmes\":[", f);
    for (b = 0, first = 1; b < 5; b++)
        if (prog & (1u << b)) {
            fprintf(f, "%s\"%s\"", first ? "" : ",", SPROG_ID[b]);
            first = 0;
        }
    fputc(']', f);

    /* latest inspection on or before as_of, report cards apart */
    for (i = s->ninsp - 1; i >= 0 && (s->insp_date[i] > asof || s->insp_grade[i] >= G_CARD); i--)
        ;
    if (i >= 0) {
        fputs(",\"ofsted\":{", f);
        if (s->insp_grade[i] != G_NONE) {
            if (i > 0 && s->insp_grade[i - 1] != G_NONE)
                fprintf(f, "\"previous\":\"%s\",", GRADE_NAME[(int)s->insp_grade[i - 1]]);
            fprintf(f, "\"current\":\"%s\",", GRADE_NAME[(int)s->insp_grade[i]]);
        }
        fputs("\"inspected\":", f);
        jdate(f, s->insp_date[i]);
        fputc('}', f);
    }
    write_report_card(f, s, asof);

    /* this year's QA Review */
    if (prog & 1u) {
        Rng r = substream(s->seed, TAG_QAR, y);
        double p = strcmp(ren, "lapsed") == 0 ? P_QAR_LAPSING : P_QAR_THIS_YEAR;
        if (quota_hit(&qs->had, p)) {
            long lo = days_from_civil(y, 1, 10), hi = days_from_civil(y, 12, 12), d;
            if (s->joined + 28 > lo)
                lo = s->joined + 28;
            if (hi > asof)
                hi = asof;
            d = pick_term_day(&r, lo, hi);
            if (d >= 0) {
                double u = runif(&r);
                int aoe = u < 0.14 ? 0 : u < 0.42 ? 1 : u < 0.73 ? 2 : u < 0.91 ? 3 : 4;
                fputs(",\"qar\":{\"date\":", f);
                jdate(f, d);
                fprintf(f, ",\"full_team\":%s,\"areas_of_excellence\":%d}",
                        quota_hit(&qs->full, P_QAR_FULL_TEAM) ? "true" : "false", aoe);
                qs->count++;
            }
        }
    }

    n = results_years(y, years);
    if (s->phase == P_PRIMARY || s->phase == P_ALLTHROUGH) {
        first = 1;
        for (i = 0; i < n; i++) {
            Ks2Row row;
            if (!ks2_row(s, years[i], &row))
                continue;
            fprintf(f, "%s{\"year\":%d,\"disadvantaged_pupils\":%ld,\"disadvantaged_reading\":",
                    first ? ",\"ks2\":[" : ",", row.year, row.pupils);
            jtenths(f, row.read);
            fputs(",\"disadvantaged_maths\":", f);
            jtenths(f, row.maths);
            fputs(",\"disadvantaged_gps\":", f);
            jtenths(f, row.gps);
            fputc('}', f);
            first = 0;
        }
        if (!first)
            fputc(']', f);
    }
    if (s->phase == P_SECONDARY || s->phase == P_ALLTHROUGH) {
        first = 1;
        for (i = 0; i < n; i++) {
            Ks4Row row;
            if (!ks4_row(s, years[i], &row))
                continue;
            fprintf(f, "%s{\"year\":%d,\"disadvantaged_pupils\":%ld,\"disadvantaged_em4_pct\":",
                    first ? ",\"ks4\":[" : ",", row.year, row.pupils);
            jtenths(f, pct_tenths(row.achieved, row.pupils));
            fputc('}', f);
            first = 0;
        }
        if (!first)
            fputc(']', f);
    }
    fputc('}', f);
}

static void write_money_item(FILE *f, const char *key, const char *label, long amount,
                             int fundraised, int last)
{
    fprintf(f, "      {\"%s\":", key);
    jstr(f, label);
    fprintf(f, ",\"amount\":%ld", amount);
    if (fundraised >= 0)
        fprintf(f, ",\"fundraised\":%s", fundraised ? "true" : "false");
    fprintf(f, "}%s\n", last ? "" : ",");
}

static void write_snapshot(FILE *f, int y, int nschools, uint64_t seed)
{
    const YearFacts *yf = &YEAR_FACTS[y - SNAP_EARLIEST];
    double scale = (double)nschools / DEFAULT_SCHOOLS;
    long asof = days_from_civil(y, 12, 31);
    QarState qs;
    int years[8], n, i, b, first;
    size_t k, ns = 0, nt = 0;
    char *hub_used;
    Rng fin = substream(seed, TAG_FIN, y);
    Rng qr = substream(seed, TAG_QAR, y);

    qs.had.acc = runif(&qr);
    qs.full.acc = runif(&qr);
    qs.count = 0;

    fprintf(f, "{\n  \"format\":\"cpreport/1\",\n  \"as_of\":\"%04d-12-31\",\n", y);
    fprintf(f, "  \"label\":\"%s %d\",\n", MONTHS[11], y);
    fputs("  \"organisation\":\"Example Schools Partnership\",\n", f);
    fputs("  \"target_areas\":[", f);
    for (i = 0; i < N_TARGET_AREAS; i++) {
        if (i)
            fputc(',', f);
        jstr(f, TARGET_AREAS[i]);
    }
    fputs("],\n", f);

    /* national comparators */
    fputs("  \"national\":{\n    \"fsm_pct\":", f);
    jtenths(f, tenths(yf->fsm_pct));
    fputs(",\"send_pct\":", f);
    jtenths(f, tenths(yf->send_pct));
    fputs(",\n    \"ks2\":[\n", f);
    n = results_years(y, years);
    for (i = 0; i < n; i++) {
        const NationalResults *nr = national_for(years[i]);
        static const char *const K[6] = {"disadvantaged_reading", "disadvantaged_maths",
                                         "disadvantaged_gps", "other_reading", "other_maths",
                                         "other_gps"};
        fprintf(f, "      {\"year\":%d", nr->year);
        for (b = 0; b < 6; b++) {
            fprintf(f, ",\"%s\":", K[b]);
            jtenths(f, tenths(nr->ks2[b]));
        }
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fputs("    ],\n    \"ks4\":[\n", f);
    for (i = 0; i < n; i++) {
        const NationalResults *nr = national_for(years[i]);
        fprintf(f, "      {\"year\":%d,\"disadvantaged_em4_pct\":", nr->year);
        jtenths(f, tenths(nr->ks4[0]));
        fputs(",\"other_em4_pct\":", f);
        jtenths(f, tenths(nr->ks4[1]));
        fprintf(f, "}%s\n", i + 1 < n ? "," : "");
    }
    fprintf(f,
            "    ],\n    \"ofsted\":{\"outstanding_kept_pct\":%d,\"good_to_outstanding_pct\":"
            "%d,\"ri_to_good_pct\":%d}",
            yf->ofsted[0], yf->ofsted[1], yf->ofsted[2]);
    if (y >= CARDS_FROM_Y) {
        fputs(",\n    \"report_cards\":{", f);
        for (i = 0; i < 8; i++) {
            fprintf(f, "%s\"%s\":{\"strong_or_better_pct\":", i ? "," : "", CARD_AREA[i]);
            jtenths(f, NAT_CARD[i][0]);
            fputs(",\"needs_attention_or_worse_pct\":", f);
            jtenths(f, NAT_CARD[i][1]);
            fputc('}', f);
        }
        fputs(",\"safeguarding_met_pct\":", f);
        jtenths(f, NAT_SAFE_MET);
        fputc('}', f);
    }
    fputs("\n  },\n", f);

    /* schools present this year, by URN; hubs they use */
    for (k = 0; k < g_nschools; k++)
        if (school_present(&g_schools[k], y))
            g_sorted_schools[ns++] = &g_schools[k];
    qsort(g_sorted_schools, ns, sizeof(*g_sorted_schools), cmp_school_urn);
    hub_used = xmalloc((size_t)g_nhubs);
    memset(hub_used, 0, (size_t)g_nhubs);
    for (k = 0; k < ns; k++) {
        int h = hub_in_year(g_sorted_schools[k], y);
        if (h >= 0)
            hub_used[h] = 1;
    }
    fputs("  \"hubs\":[\n", f);
    for (i = 0, first = 1; i < g_nhubs; i++) {
        if (!hub_used[i])
            continue;
        fprintf(f, "%s    {\"id\":", first ? "" : ",\n");
        jstr(f, g_hubs[i].id);
        fputs(",\"name\":", f);
        jstr(f, g_hubs[i].name);
        fprintf(f, ",\"region\":\"%s\"}", REGION_NAME[g_hubs[i].region]);
        first = 0;
    }
    fputs(first ? "  ],\n" : "\n  ],\n", f);
    free(hub_used);

    /* trusts that are members this year, by name */
    for (k = 0; k < g_ntrusts; k++)
        if (trust_present(&g_trusts[k], y))
            g_sorted_trusts[nt++] = &g_trusts[k];
    qsort(g_sorted_trusts, nt, sizeof(*g_sorted_trusts), cmp_trust_name);
    fputs("  \"trusts\":[\n", f);
    for (k = 0; k < nt; k++) {
        const Trust *t = g_sorted_trusts[k];
        unsigned m = trust_programmes_in(t, y);
        fputs("    {\"id\":", f);
        jstr(f, t->id);
        fputs(",\"name\":", f);
        jstr(f, t->name);
        fputs(",\"joined\":", f);
        jdate(f, t->joined);
        fprintf(f, ",\"renewal\":\"%s\",\"programmes\":[",
                renewal_status(t->join_year, t->leave_year, y));
        for (b = 0, first = 1; b < 2; b++)
            if (m & (1u << b)) {
                fprintf(f, "%s\"%s\"", first ? "" : ",", TPROG_ID[b]);
                first = 0;
            }
        fprintf(f, "]}%s\n", k + 1 < nt ? "," : "");
    }
    fputs("  ],\n", f);

    fputs("  \"programmes\":[\n", f);
    for (b = 0; b < 5; b++) {
        fprintf(f, "    {\"id\":\"%s\",\"name\":", SPROG_ID[b]);
        jstr(f, SPROG_NAME[b]);
        fputs(",\"for\":\"school\"},\n", f);
    }
    for (b = 0; b < 2; b++) {
        fprintf(f, "    {\"id\":\"%s\",\"name\":", TPROG_ID[b]);
        jstr(f, TPROG_NAME[b]);
        fprintf(f, ",\"for\":\"trust\"}%s\n", b ? "" : ",");
    }
    fputs("  ],\n", f);

    fputs("  \"schools\":[\n", f);
    for (k = 0; k < ns; k++) {
        fputs("    ", f);
        write_school(f, g_sorted_schools[k], y, asof, &qs);
        fputs(k + 1 < ns ? ",\n" : "\n", f);
    }
    fputs("  ],\n", f);

    fprintf(f, "  \"lead_reviewers\":%ld,\n", scaled(yf->lead_reviewers, scale));
    fprintf(f, "  \"feedback\":{\"responses\":%ld,\"mean\":",
            scaled(yf->feedback_responses, scale));
    jhundredths(f, yf->feedback_mean_hundredths);
    fputs(",\"scale\":5},\n", f);

    /* surveys */
    {
        static const char *const SID[3] = {"qar_better_place", "leaders_developed",
                                           "tackling_disadvantage"};
        static const char *const SQ[3] = {
            "The QA Review left our school in a better place",
            "The programme developed our leaders' capacity to lead improvement",
            "Being part of the partnership helps us close the disadvantage gap"};
        static const double AGREE[SNAP_LAST - SNAP_EARLIEST + 1][3] = {{0.965, 0.900, 0.0},
                                                                   {0.970, 0.905, 0.0},
                                                                   {0.975, 0.915, 0.885},
                                                                   {0.980, 0.920, 0.905},
                                                                   {0.982, 0.925, 0.910}};
        int nsurv = y <= SNAP_FIRST ? 2 : 3;
        long resp[3];
        resp[0] = qs.count * 61 / 100;
        resp[1] = scaled(150.0 + 20.0 * (y - SNAP_FIRST), scale);
        resp[2] = scaled(310.0 + 15.0 * (y - SNAP_FIRST), scale);
        if (resp[0] < 1)
            resp[0] = 1;
        fputs("  \"surveys\":[\n", f);
        for (i = 0; i < nsurv; i++) {
            fprintf(f, "    {\"id\":\"%s\",\"question\":", SID[i]);
            jstr(f, SQ[i]);
            fprintf(f, ",\"respondents\":%ld,\"agreed\":%ld}%s\n", resp[i],
                    iround((double)resp[i] * AGREE[y - SNAP_EARLIEST][i]),
                    i + 1 < nsurv ? "," : "");
        }
        fputs("  ],\n", f);
    }

    /* finance: whole pounds; the last line of each list absorbs rounding */
    {
        double income = yf->income * scale * (1.0 + 0.01 * rnorm(&fin));
        long total = iround(income), fundraised, grants, phil, rest, subs, tprog, other;
        long spend, items[6], acc = 0;
        double raw[6], rawsum = 0.0;
        static const char *const ITEM[6] = {"Programmes and networks", "Hubs", "Staff",
                                            "Technology", "Fundraising costs", "Governance"};
        static const double SHARE[6] = {0.46, 0.16, 0.26, 0.05, 0.04, 0.03};
        if (total < 6)
            total = 6;
        fundraised = iround((double)total * (yf->fundraised_share + 0.0015 * rnorm(&fin)));
        grants = iround((double)fundraised * (0.56 + 0.03 * rnorm(&fin)));
        phil = fundraised - grants;
        rest = total - fundraised;
        subs = iround((double)rest * (0.72 + 0.01 * rnorm(&fin)));
        tprog = iround((double)rest * (0.19 + 0.01 * rnorm(&fin)));
        other = rest - subs - tprog;
        spend = iround((double)total * yf->spend_ratio);
        for (i = 0; i < 6; i++) {
            raw[i] = SHARE[i] * (1.0 + 0.03 * rnorm(&fin));
            rawsum += raw[i];
        }
        for (i = 0; i < 5; i++) {
            items[i] = iround((double)spend * raw[i] / rawsum);
            acc += items[i];
        }
        items[5] = spend - acc;
        /* 31 December is mid-way through the financial year: a forecast */
        fprintf(f, "  \"finance\":{\n    \"period\":\"%d/%02d\",\"basis\":\"forecast\",\"currency\":\"GBP\",\n", y,
                (y + 1) % 100);
        fputs("    \"income\":[\n", f);
        write_money_item(f, "source", "School subscriptions", subs, 0, 0);
        write_money_item(f, "source", "Trust programmes", tprog, 0, 0);
        write_money_item(f, "source", "Grants and donations", grants, 1, 0);
        write_money_item(f, "source", "Philanthropic partners", phil, 1, 0);
        write_money_item(f, "source", "Other income", other, 0, 1);
        fputs("    ],\n    \"expenditure\":[\n", f);
        for (i = 0; i < 6; i++)
            write_money_item(f, "item", ITEM[i], items[i], -1, i == 5);
        fprintf(f, "    ],\n    \"reserves\":%ld\n  },\n",
                iround((double)spend * yf->reserve_months / 12.0));
    }
    fputs("  \"internal\":{\"staff_fte\":", f);
    jtenths(f, tenths(yf->staff_fte * scale));
    fputs(",\"staff_turnover_pct\":", f);
    jtenths(f, tenths(yf->staff_turnover));
    fputs("}\n}\n", f);
}

/* ------------------------------------------------------------------------ */
/* Command line                                                             */
/* ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: gen_testdata [--schools N] [--seed S] [--years N] --out DIR\n"
          "  Writes DIR/snapshot-2022.json to DIR/snapshot-2025.json:\n"
          "  --years 1 to 5 writes that many, the latest last (5 adds 2021);\n"
          "  a synthetic partnership of N schools\n"
          "  (default 600) in the latest snapshot. DIR must exist.\n"
          "  The same arguments always give byte-identical files.\n",
          f);
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned d;
        if (*s < '0' || *s > '9')
            return 0;
        d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int main(int argc, char **argv)
{
    int nschools = DEFAULT_SCHOOLS, first = SNAP_FIRST, i, y;
    uint64_t seed = DEFAULT_SEED, v;
    const char *outdir = NULL;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--schools") == 0 && i + 1 < argc) {
            if (!parse_u64(argv[++i], &v) || v < 1 || v > MAX_SCHOOLS) {
                fprintf(stderr, "gen_testdata: --schools must be 1..%d\n", MAX_SCHOOLS);
                return 2;
            }
            nschools = (int)v;
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc) {
            if (!parse_u64(argv[++i], &seed)) {
                fputs("gen_testdata: --seed must be a non-negative integer\n", stderr);
                return 2;
            }
        } else if (strcmp(a, "--years") == 0 && i + 1 < argc) {
            if (!parse_u64(argv[++i], &v) || v < 1 || v > SNAP_LAST - SNAP_EARLIEST + 1) {
                fprintf(stderr, "gen_testdata: --years must be 1..%d\n", SNAP_LAST - SNAP_EARLIEST + 1);
                return 2;
            }
            first = SNAP_LAST - (int)v + 1;
        } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
            outdir = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!outdir) {
        usage(stderr);
        return 2;
    }

    simulate(mix64(seed ^ 0x6370726570727421ULL), nschools);
    calibrate_ks4();
    g_sorted_schools = xmalloc((g_nschools ? g_nschools : 1) * sizeof(*g_sorted_schools));
    g_sorted_trusts = xmalloc((g_ntrusts ? g_ntrusts : 1) * sizeof(*g_sorted_trusts));

    for (y = first; y <= SNAP_LAST; y++) {
        char path[4096], tmp[4112];
        FILE *f;
        int n = snprintf(path, sizeof path, "%s/snapshot-%d.json", outdir, y);
        if (n < 0 || (size_t)n >= sizeof path)
            die("output path too long");
        FMT(tmp, "%s.tmp", path);
        f = fopen(tmp, "wb");
        if (!f) {
            fprintf(stderr, "gen_testdata: cannot write %s (does the directory exist?)\n", tmp);
            return 1;
        }
        write_snapshot(f, y, nschools, seed);
        if (ferror(f) || fclose(f) != 0) {
            fprintf(stderr, "gen_testdata: error writing %s\n", tmp);
            remove(tmp);
            return 1;
        }
        remove(path);
        if (rename(tmp, path) != 0) {
            fprintf(stderr, "gen_testdata: cannot rename %s to %s\n", tmp, path);
            return 1;
        }
    }
    return 0;
}
