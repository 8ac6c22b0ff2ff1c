# cpreport build. Needs GNU make 4.3+ (grouped targets, `&:`).
#
# Targets: all (default: ./cpreport), cpreport-asan, static (./cpreport-static),
# werror-check, clang-check, report, screenshot, test, test-cross, bench, bench-import, fuzz, dist,
# deps, clean, distclean.
# Variables you may set: CC, CFLAGS, CPPFLAGS, LDFLAGS, CJSON_DIR,
# CPREPORT_SRC, ASAN_CC, MUSL_CC, MUSL_CFLAGS, CLANG, CLANG_CFLAGS, REPORT_INPUTS, REPORT_ARGS,
# TEST_ARGS, GEN_TESTDATA, BENCH_SCHOOLS, BENCH_SIZES, BENCH_YEARS, BENCH_RUNS, BENCH_ARGS, FUZZ_TIME,
# DIST_DIR, AARCH64_CC, MINGW_CC, MUSL_ARM64_DIR.

CPREPORT_SRC ?= cpreport.c
# cJSON is never committed; tests/setup.sh fetches Debian's source package
# into this ignored folder. Point it at your own folder holding cJSON.c and
# cJSON.h to skip the fetch.
CJSON_DIR ?= .deps/cjson

CFLAGS ?= -O2
WARNINGS := -Wall -Wextra -Wpedantic
STD := -std=c11 -D_POSIX_C_SOURCE=200809L
LDLIBS := -lm

# cJSON is Debian's 1.7.15 and is warning-free under gcc 12 and clang 14 with
# -std=c89/-std=c11 -Wall -Wextra -Wpedantic, so it keeps its warnings on:
# no -w needed. It gets its own flags (upstream builds it as C89) and never
# -Werror, because its code is not ours to fix.
CJSON_CFLAGS := -std=c89 -O2 -Wall -Wextra -Wpedantic

# The sanitizer build stops at the first report even without UBSAN_OPTIONS.
# float-cast-overflow is not part of "undefined": it catches a double too
# large for the integer it is cast to.
ASAN_CC ?= $(CC)
ASAN_FLAGS := -O1 -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=undefined,float-cast-overflow \
              -fno-omit-frame-pointer -g

# musl, because its fully static binary is ~10x smaller than glibc's -static
# one, and glibc's still loads NSS modules at run time for some calls.
MUSL_CC ?= musl-gcc
# Separate from CFLAGS, which may hold glibc- or gcc-only options.
MUSL_CFLAGS ?= -O2
CLANG ?= clang
# Separate from CFLAGS, which may hold gcc-only options clang rejects.
CLANG_CFLAGS ?= -O2

REPORT_ARGS ?=
TEST_ARGS ?=
BENCH_SCHOOLS ?= 25000
# The sizes of the table against the parse alone (tests/bench.sh), each
# with BENCH_YEARS snapshots: a quarter, half, all and twice the schools of
# a national partnership.
BENCH_SIZES ?= 6250 12500 25000 50000
BENCH_YEARS ?= 5
BENCH_RUNS ?= 5
BENCH_ARGS ?=

B := .build
CJSON_H := $(CJSON_DIR)/cJSON.h
CJSON_C := $(CJSON_DIR)/cJSON.c
SETUP := bash tests/setup.sh
# Tools `make test` needs beyond the compilers.
TEST_TOOLS := valgrind xmllint cmark-gfm python3 'faketime?'
# The browser test (tests/scripts/browser.sh) drives Debian's chromium with
# Node.js (Debian's nodejs and npm only where there is no node). Optional:
# where they cannot be installed, that test says so and skips.
BROWSER_TOOLS := 'chromium?' 'node?' 'npm?'
TEST_TOOLS += $(BROWSER_TOOLS)

# build-tools and musl-tools are order-only prerequisites: their checks run
# every time but never force a rebuild.
.PHONY: all static werror-check clang-check report screenshot test test-cross bench bench-import fuzz dist deps \
        test-tools build-tools musl-tools clean distclean FORCE
.DELETE_ON_ERROR:

all: cpreport

# --- flags stamps ----------------------------------------------------------
# Make only sees timestamps; these files change when a variant's compiler,
# flags or source file do, so `make CC=clang` after a gcc build rebuilds
# instead of reusing gcc objects.
# The cJSON folder is in each, so another CJSON_DIR rebuilds its objects.
CJSON_AT := $(abspath $(CJSON_DIR))
FLAGS_plain := $(CPREPORT_SRC) $(CC) $(STD) $(WARNINGS) $(CPPFLAGS) $(CFLAGS) | $(CJSON_CFLAGS) | $(LDFLAGS) | $(CJSON_AT)
FLAGS_asan  := $(CPREPORT_SRC) $(ASAN_CC) $(STD) $(WARNINGS) $(ASAN_FLAGS) | $(CJSON_CFLAGS) $(ASAN_FLAGS) | $(CJSON_AT)
FLAGS_musl  := $(CPREPORT_SRC) $(MUSL_CC) $(STD) $(WARNINGS) $(MUSL_CFLAGS) | $(CJSON_CFLAGS) | -static | $(CJSON_AT)
FLAGS_clang := $(CPREPORT_SRC) $(CLANG) $(STD) $(WARNINGS) -Werror $(CLANG_CFLAGS) | $(CJSON_CFLAGS) | $(CJSON_AT)

$(B)/%.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_$*)' | cmp -s - $@ || echo '$(FLAGS_$*)' > $@

# --- tools and cJSON -------------------------------------------------------
# Every compile waits (order-only) for this: a fresh machine may lack the
# compiler, and as root setup.sh installs it. Silent when all is there.
build-tools:
	@$(SETUP) deps $(firstword $(CC))

$(CJSON_C) $(CJSON_H) &: | build-tools
	@$(SETUP) cjson '$(CJSON_DIR)'

# Never let .DELETE_ON_ERROR remove them: the folder may be the user's.
.PRECIOUS: $(CJSON_C) $(CJSON_H)

# --- ./cpreport --------------------------------------------------------------
$(B)/plain/cpreport.o: $(CPREPORT_SRC) $(CJSON_H) $(B)/plain.flags | build-tools
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -I$(CJSON_DIR) -MMD -MP -c -o $@ $<

$(B)/plain/cJSON.o: $(CJSON_C) $(CJSON_H) $(B)/plain.flags | build-tools
	@mkdir -p $(@D)
	$(CC) $(CJSON_CFLAGS) -c -o $@ $<

cpreport: $(B)/plain/cpreport.o $(B)/plain/cJSON.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- ./cpreport-asan ---------------------------------------------------------
# cJSON is built with the sanitizers too: the program hands it untrusted
# input, so its overreads must be caught as well as ours.
$(B)/asan/cpreport.o: $(CPREPORT_SRC) $(CJSON_H) $(B)/asan.flags | build-tools
	@mkdir -p $(@D)
	$(ASAN_CC) $(STD) $(WARNINGS) $(ASAN_FLAGS) -I$(CJSON_DIR) -MMD -MP -c -o $@ $<

$(B)/asan/cJSON.o: $(CJSON_C) $(CJSON_H) $(B)/asan.flags | build-tools
	@mkdir -p $(@D)
	$(ASAN_CC) $(CJSON_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

cpreport-asan: $(B)/asan/cpreport.o $(B)/asan/cJSON.o
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS)

# --- ./cpreport-static -------------------------------------------------------
static: cpreport-static

musl-tools:
	@$(SETUP) deps $(firstword $(MUSL_CC)) readelf

$(B)/musl/cpreport.o: $(CPREPORT_SRC) $(CJSON_H) $(B)/musl.flags | musl-tools
	@mkdir -p $(@D)
	$(MUSL_CC) $(STD) $(WARNINGS) $(MUSL_CFLAGS) -I$(CJSON_DIR) -MMD -MP -c -o $@ $<

$(B)/musl/cJSON.o: $(CJSON_C) $(CJSON_H) $(B)/musl.flags | musl-tools
	@mkdir -p $(@D)
	$(MUSL_CC) $(CJSON_CFLAGS) -c -o $@ $<

# Plain -static, never -static-pie: musl-gcc -static-pie quietly links a
# dynamic binary (interpreter /lib/ld-musl-*.so.1) that runs here and fails
# on machines without musl. Running it proves nothing, so check for the
# INTERP program header instead.
cpreport-static: $(B)/musl/cpreport.o $(B)/musl/cJSON.o
	$(MUSL_CC) -static -o $@ $^ $(LDLIBS)
	@if readelf -lW $@ | grep -q INTERP; then \
	  echo "cpreport: $@ has an INTERP header, so it is not static" >&2; \
	  rm -f $@; exit 1; fi

# --- zero warnings -----------------------------------------------------------
# `make` shows warnings but does not stop on them, so a newer compiler cannot
# break a user's build; `make test` fails on them instead. Compile-only: the
# object is thrown away.
werror-check: $(B)/werror/cpreport.o

$(B)/werror/cpreport.o: $(CPREPORT_SRC) $(CJSON_H) $(B)/plain.flags | build-tools
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARNINGS) -Werror $(CPPFLAGS) $(CFLAGS) -I$(CJSON_DIR) -MMD -MP -c -o $@ $<

# gcc and clang warn about different things; the program must be clean under
# both. Skipped (with a message) only when clang cannot be installed.
# The header is a prerequisite so that the fetch happens here, never in the
# sub-make at the same time as in this one (make -j).
clang-check: $(B)/clang.flags $(CJSON_H)
	@$(SETUP) deps '$(CLANG)?'
	@if ! command -v $(CLANG) >/dev/null 2>&1; then \
	  echo "clang-check: SKIPPED, $(CLANG) is not installed and could not be (Debian package clang)"; \
	else \
	  mkdir -p $(B)/clang && \
	  $(MAKE) --no-print-directory -s $(B)/clang/cpreport && \
	  echo "clang-check: $(CLANG) built cpreport with -Werror, no warnings"; \
	fi

$(B)/clang/cpreport.o: $(CPREPORT_SRC) $(CJSON_H) $(B)/clang.flags
	$(CLANG) $(STD) $(WARNINGS) -Werror $(CLANG_CFLAGS) -I$(CJSON_DIR) -MMD -MP -c -o $@ $<

$(B)/clang/cJSON.o: $(CJSON_C) $(CJSON_H) $(B)/clang.flags
	$(CLANG) $(CJSON_CFLAGS) -c -o $@ $<

$(B)/clang/cpreport: $(B)/clang/cpreport.o $(B)/clang/cJSON.o
	$(CLANG) -o $@ $^ $(LDLIBS)

# --- report ------------------------------------------------------------------
REPORT_INPUTS ?= testdata/*.json
# The addresses of out/report.eml; set your own to send it with sendmail -t.
MAIL_FROM ?= reports@example.org
MAIL_TO ?= trustees@example.org

report: cpreport
	@mkdir -p out
	./cpreport $(REPORT_INPUTS) -o out/report.md -o out/report.html -o out/report.json \
	  --by hub --out-dir out/hubs \
	  --eml out/report.eml --mail-from '$(MAIL_FROM)' $(foreach to,$(MAIL_TO),--mail-to '$(to)') \
	  $(REPORT_ARGS)

# --- screenshot --------------------------------------------------------------
# README's picture of the report's overview (tests/browser/overview.png), from the
# bundled testdata in Debian's headless chromium at 1280 px, with the browser
# test's tools (tests/browser). Commit the PNG it writes.
screenshot: cpreport
	@$(SETUP) deps chromium node npm
	@[ -d tests/browser/node_modules/playwright-core ] || \
	  (cd tests/browser && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
	@mkdir -p out
	./cpreport testdata/*.json -o out/overview.html
	node tests/browser/screenshot.mjs out/overview.html tests/browser/overview.png

# --- test --------------------------------------------------------------------
deps:
	@$(SETUP) deps $(firstword $(CC)) make dpkg-source $(firstword $(MUSL_CC)) readelf '$(CLANG)?' $(TEST_TOOLS)

test-tools:
	@$(SETUP) deps $(TEST_TOOLS)

# The runner is the last command, so its "N passed, N failed" is the last
# line on success; on failure it exits 1 and make adds its error line.
test: cpreport cpreport-asan werror-check clang-check cpreport-static test-tools tests/gen_testdata
	@bash tests/run.sh $(TEST_ARGS)

# The release binaries proven under qemu and Wine (tests/scripts/cross.sh,
# also part of `make test`).
test-cross: cpreport tests/gen_testdata
	@bash tests/run.sh cross

# --- bench -------------------------------------------------------------------
tests/gen_testdata: tests/gen_testdata.c | build-tools
	$(CC) -O2 -std=c11 $(WARNINGS) -o $@ $< -lm

GEN_TESTDATA ?= tests/gen_testdata
BENCH_DATA := .bench/data-$(BENCH_SCHOOLS)

# Generated once per school count (and again when the generator changes);
# the stamp marks a complete run, so an interrupted one is redone.
.bench/data-%/.complete: $(GEN_TESTDATA)
	rm -rf $(@D)
	@mkdir -p $(@D)
	$(GEN_TESTDATA) --schools $* --years $(BENCH_YEARS) --out $(@D)
	@touch $@

# The baseline: cpreport.c with its main renamed, parsing only (see the
# file); the same flags and cJSON object as ./cpreport.
tests/bench_parse: tests/bench_parse.c $(CPREPORT_SRC) $(B)/plain/cJSON.o $(CJSON_H) $(B)/plain.flags
	$(CC) $(STD) $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -I$(CJSON_DIR) -o $@ tests/bench_parse.c $(B)/plain/cJSON.o $(LDLIBS)

# First cpreport against the parse alone at each of BENCH_SIZES (ratios of
# CPU time and peak memory, tests/bench.sh); then both builds on the same
# input, with outputs in separate folders so the glibc and musl results can
# be compared byte for byte afterwards.
bench: cpreport cpreport-static tests/bench_parse $(foreach n,$(BENCH_SIZES),.bench/data-$(n)/.complete) \
       $(BENCH_DATA)/.complete bench-import
	@bash tests/bench.sh $(BENCH_RUNS) $(foreach n,$(BENCH_SIZES),.bench/data-$(n))
	@set -e; \
	files=$$(find $(BENCH_DATA) -name '*.json' -type f | LC_ALL=C sort | tr '\n' ' '); \
	[ -n "$$files" ] || { echo "bench: the generator wrote no .json files into $(BENCH_DATA)" >&2; exit 1; }; \
	echo "bench: $(BENCH_SCHOOLS) schools, $$(echo $$files | wc -w) files, $$(du -ch $$files | tail -n 1 | cut -f1) of JSON"; \
	mkdir -p .bench/out-glibc .bench/out-static; \
	run_glibc="./cpreport $$files -o .bench/out-glibc/report.md -o .bench/out-glibc/report.html -o .bench/out-glibc/report.json $(BENCH_ARGS)"; \
	run_static="./cpreport-static $$files -o .bench/out-static/report.md -o .bench/out-static/report.html -o .bench/out-static/report.json $(BENCH_ARGS)"; \
	if command -v hyperfine >/dev/null; then \
	  hyperfine -N --warmup 1 --runs $(BENCH_RUNS) -n cpreport "$$run_glibc" -n cpreport-static "$$run_static"; \
	else \
	  echo "bench: hyperfine not installed (Debian package hyperfine); timing one run each"; \
	fi; \
	for run in "$$run_glibc" "$$run_static"; do \
	  echo "== $${run%% *}"; \
	  if [ -x /usr/bin/time ]; then \
	    /usr/bin/time -v $$run 2>.bench/time.txt >/dev/null || { cat .bench/time.txt >&2; exit 1; }; \
	    grep -E 'Elapsed|Maximum resident' .bench/time.txt; \
	  else \
	    echo "(no /usr/bin/time, Debian package time: no max RSS)"; \
	    bash -c "time $$run >/dev/null"; \
	  fi; \
	done; \
	for f in report.md report.html report.json; do \
	  cmp -s .bench/out-glibc/$$f .bench/out-static/$$f || echo "bench: NOTE $$f differs between cpreport and cpreport-static"; \
	done

# `cpreport import` of a national-size GIAS extract (50,000 rows of 130
# columns, ~79 MB of Windows-1252) for 600 members: it should take well
# under a second, in memory that follows the member list, not the file.
BENCH_GIAS := .bench/import
$(BENCH_GIAS)/.complete: tests/gen_gias.py
	rm -rf $(BENCH_GIAS)
	python3 tests/gen_gias.py $(BENCH_GIAS)
	@touch $@

bench-import: cpreport $(BENCH_GIAS)/.complete
	@set -e; \
	run="./cpreport import --quiet --as-of 2025-12-31 --members $(BENCH_GIAS)/members.csv --gias $(BENCH_GIAS)/gias.csv -o $(BENCH_GIAS)/snapshot.json"; \
	echo "bench-import: a $$(du -h $(BENCH_GIAS)/gias.csv | cut -f1) GIAS extract, $$(($$(wc -l <$(BENCH_GIAS)/members.csv) - 1)) members"; \
	if command -v hyperfine >/dev/null; then hyperfine -N --warmup 1 --runs $(BENCH_RUNS) -n import "$$run"; fi; \
	if [ -x /usr/bin/time ]; then \
	  /usr/bin/time -v $$run 2>.bench/time.txt || { cat .bench/time.txt >&2; exit 1; }; \
	  grep -E 'Elapsed|Maximum resident' .bench/time.txt; \
	else \
	  bash -c "time $$run"; \
	fi

# --- fuzz --------------------------------------------------------------------
# libFuzzer on hostile snapshots for FUZZ_TIME seconds (see
# tests/fuzz/fuzz_snapshot.c); new inputs collect in .fuzz/corpus and a
# finding is written as .fuzz/crash-*. Not part of `make test`, which only
# builds the harness and replays its seeds (tests/scripts/fuzz.sh).
FUZZ_TIME ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all \
              $(STD) $(WARNINGS) -Werror
FUZZ_BIN := .fuzz/fuzz_snapshot

$(FUZZ_BIN): tests/fuzz/fuzz_snapshot.c $(CPREPORT_SRC) $(CJSON_C) $(CJSON_H)
	@$(SETUP) deps $(CLANG)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -I$(CJSON_DIR) tests/fuzz/fuzz_snapshot.c $(CJSON_C) -lm -o $@

fuzz: $(FUZZ_BIN)
	@mkdir -p .fuzz/corpus
	$(FUZZ_BIN) -fork=2 -max_total_time=$(FUZZ_TIME) -max_len=20000 -timeout=10 \
	  -rss_limit_mb=2048 -artifact_prefix=.fuzz/ -dict=tests/fuzz/snapshot.dict .fuzz/corpus \
	  tests/fuzz/seeds tests/fixtures tests/fixtures/kpi tests/fixtures/invalid tests/fixtures/fuzz

# --- dist: the release binaries ---------------------------------------------
# One self-contained binary per platform, built by Debian's cross compilers:
# Linux x86-64 and ARM64 static with musl (no INTERP header, so they run on
# any Linux), Windows x86-64 linked only to the system's own DLLs. Nothing
# of the machine reaches the files: no build path (-ffile-prefix-map), no
# build id, no PE timestamp, no debug information, so the same commit gives
# the same bytes (tests/scripts/cross.sh builds twice and compares).
VERSION := $(shell sed -n 's/^\#define CPREPORT_VERSION "\(.*\)"/\1/p' $(CPREPORT_SRC))
DIST_DIR ?= dist
AARCH64_CC ?= aarch64-linux-gnu-gcc
MINGW_CC ?= x86_64-w64-mingw32-gcc
MUSL_ARM64_DIR ?= .deps/musl-arm64
DIST_CFLAGS := -O2 -ffile-prefix-map=$(CURDIR)/=
DIST_LD_LINUX := -Wl,--build-id=none
DIST_LD_WINDOWS := -Wl,--no-insert-timestamp
# mingw's own printf, C99's (%zu, %lld, exact rounding), not msvcrt's.
DIST_CFLAGS_WINDOWS := -D__USE_MINGW_ANSI_STDIO=1
DIST_LINUX_X86 := $(DIST_DIR)/cpreport-$(VERSION)-linux-x86_64
DIST_LINUX_ARM := $(DIST_DIR)/cpreport-$(VERSION)-linux-arm64
DIST_WINDOWS := $(DIST_DIR)/cpreport-$(VERSION)-windows-x86_64.exe
DIST_BINS := $(DIST_LINUX_X86) $(DIST_LINUX_ARM) $(DIST_WINDOWS)

dist: $(DIST_DIR)/SHA256SUMS

# $(call dist_build,CC,compile flags,link flags): cpreport and cJSON into $@.
define dist_build
	@mkdir -p $(@D) $(B)/dist/$(@F)
	$(1) $(STD) $(WARNINGS) $(DIST_CFLAGS) $(2) -I$(CJSON_DIR) -c -o $(B)/dist/$(@F)/cpreport.o $(CPREPORT_SRC)
	$(1) $(CJSON_CFLAGS) $(DIST_CFLAGS) $(2) -c -o $(B)/dist/$(@F)/cJSON.o $(CJSON_C)
	$(1) -static -s $(3) -o $@.tmp $(B)/dist/$(@F)/cpreport.o $(B)/dist/$(@F)/cJSON.o $(LDLIBS)
	@mv $@.tmp $@
endef

# A Linux release binary must have no INTERP header: see cpreport-static.
define dist_check_static
	@if readelf -lW $@ | grep -q INTERP; then \
	  echo "cpreport: $@ has an INTERP header, so it is not static" >&2; rm -f $@; exit 1; fi
endef

$(DIST_LINUX_X86): $(CPREPORT_SRC) $(CJSON_C) $(CJSON_H) | musl-tools
	$(call dist_build,$(MUSL_CC),,$(DIST_LD_LINUX))
	$(dist_check_static)

$(MUSL_ARM64_DIR)/musl.specs: | build-tools
	@$(SETUP) musl-arm64 '$(MUSL_ARM64_DIR)'

$(DIST_LINUX_ARM): $(CPREPORT_SRC) $(CJSON_C) $(CJSON_H) $(MUSL_ARM64_DIR)/musl.specs
	@$(SETUP) deps $(AARCH64_CC) readelf
	$(call dist_build,$(AARCH64_CC) -specs=$(MUSL_ARM64_DIR)/musl.specs,,$(DIST_LD_LINUX))
	$(dist_check_static)

# Windows: only KERNEL32 and msvcrt (the system's C library) at run time;
# tests/scripts/cross.sh checks the import table with objdump.
$(DIST_WINDOWS): $(CPREPORT_SRC) $(CJSON_C) $(CJSON_H)
	@$(SETUP) deps $(MINGW_CC)
	$(call dist_build,$(MINGW_CC),$(DIST_CFLAGS_WINDOWS),$(DIST_LD_WINDOWS))

$(DIST_DIR)/SHA256SUMS: $(DIST_BINS)
	cd $(DIST_DIR) && sha256sum $(notdir $(DIST_BINS)) > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	@cat $@

# --- clean -------------------------------------------------------------------
clean:
	rm -rf $(B) out .bench .fuzz tests/.work dist cpreport cpreport-asan cpreport-static tests/gen_testdata \
	  tests/bench_parse

# Also drops the fetched cJSON (next build fetches it again, ~2 s).
distclean: clean
	rm -rf .deps

-include $(wildcard $(B)/*/*.d)
