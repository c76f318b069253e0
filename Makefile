# perfshim - one non-recursive Makefile. Outputs go to build/.
#   make            build/libperfshim.so and build/perfanalyze
#   make demo       build, trace a leaky sample, print its leak report
#   make test       build everything and run every test (prove)
#   make test-exports  the exports read by go tool pprof (installs golang-go)
#   make test-browser  the HTML report in headless Chromium (installs it)
#   make bench      overhead against native and heaptrack (see BENCHMARKS.md)
#   make fuzz       libFuzzer targets: trace reader, budget files, summary
#                   JSON, split frames (clang)
#   make lint       clang-format check
#   make install PREFIX=/usr/local [DESTDIR=stage]; make uninstall the same
# V=1 shows the commands. SANITIZE=address,undefined builds the analyzer,
# the unit tests and the fuzz replay so (the shim stays as it is: see
# README, Development); with B=build-san beside a normal build.

# The project's version, here only: the analyzer, the wrapper, the
# library's file name and SONAME, and perfshim.pc take it from here.
VERSION := 0.9.0
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libperfshim.so.$(SOMAJOR)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
LDCONFIG ?= ldconfig
B := build
CC ?= cc
CXX ?= g++
CLANG ?= clang

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Wwrite-strings -Werror
BASE_CFLAGS := -std=gnu11 -g -O2 $(WARN) -Iinclude -MMD -MP
# Not for the shim: a sanitizer's runtime replaces malloc itself and must
# come first in the preload list, so a sanitized shim would trace nothing.
SAN_CFLAGS :=
ifneq ($(SANITIZE),)
SAN_CFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=$(SANITIZE)
endif
CFLAGS ?=
# What the shim's code relies on comes after CFLAGS, which cannot undo it.
# Ubuntu's package flags have -flto=auto: built so, the shim lost the
# environment its constructor is given (PERFSHIM_OUTPUT ignored) or
# crashed the program it was preloaded into.
SHIM_CFLAGS := $(BASE_CFLAGS) -Ishim $(CFLAGS) -fPIC -fvisibility=hidden \
	-fno-builtin-malloc -fno-builtin-free -fno-builtin-calloc \
	-fno-builtin-realloc -fno-omit-frame-pointer \
	-ftls-model=initial-exec -fno-lto
# The analyzer's layers (see DESIGN.md): input, model, verdict, render.
ANA_DIRS := analyzer analyzer/input analyzer/model analyzer/verdict \
	analyzer/render
ANA_INC := $(ANA_DIRS:%=-I%)
ANA_DEFS := -DPERFSHIM_VERSION='"$(VERSION)"'
ANA_CFLAGS := $(BASE_CFLAGS) $(SAN_CFLAGS) $(ANA_INC) $(ANA_DEFS) \
	$(CFLAGS)
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer

# libgcc_s first: its _Unwind_* (the C++ runtime's) come before those
# libunwind.so.8 also exports, in every traced process (see README).
SHIM_LIBS := -Wl,--no-as-needed -lgcc_s -Wl,--as-needed -lunwind -lzstd -ldl \
	-lpthread
ANA_LIBS := -ldw -lelf -lzstd -lz -ljansson -lstdc++ -lm

SHIM_SRC := $(wildcard shim/*.c)
ANA_SRC := $(filter-out analyzer/main.c,$(wildcard $(ANA_DIRS:%=%/*.c)))
UNIT_SRC := $(wildcard tests/unit/t_*.c)
# The shim's modules that interpose nothing (no EXPORT): its unit tests
# link these and no other, so no interposer (malloc, pthread_create,
# sigaction, exit, ...) can slip into a test binary; one that needs an
# interposer's symbol fails to link instead.
SHIM_MOD_SRC := $(shell grep -Lw EXPORT $(SHIM_SRC))
SHIM_UNIT_SRC := $(wildcard tests/unit/shim/t_*.c)
PROG_C := $(filter-out tests/programs/lib%,$(wildcard tests/programs/*.c))
PROG_CXX := $(wildcard tests/programs/*.cpp)
PROG_LIB := $(wildcard tests/programs/lib*.c)

# The HTML report's page, compiled into the analyzer (analyzer/html/).
HTML_FILES := analyzer/html/report.html analyzer/html/report.css \
	analyzer/html/report.js vendor/uplot/uPlot.iife.min.js \
	vendor/uplot/uPlot.min.css
HTML_GEN := $(B)/gen/html_assets.c

SHIM_OBJ := $(SHIM_SRC:%.c=$(B)/%.o)
ANA_OBJ := $(ANA_SRC:%.c=$(B)/%.o) $(B)/gen/html_assets.o
ASAN_OBJ := $(ANA_SRC:%.c=$(B)/asan/%.o) $(B)/asan/gen/html_assets.o
UNITS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
SHIM_UNITS := $(SHIM_UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
TSAN_UNITS := $(SHIM_UNIT_SRC:tests/unit/%.c=$(B)/tsan/tests/unit/%)
ASAN_UNITS := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/unit/%)
PROGS := $(PROG_C:tests/programs/%.c=$(B)/tests/programs/%) \
	$(PROG_CXX:tests/programs/%.cpp=$(B)/tests/programs/%) \
	$(PROG_LIB:tests/programs/%.c=$(B)/tests/programs/%.so)

DEPS_STAMP := $(B)/.deps-ok

.PHONY: all test test-modes test-exports test-browser test-tsan demo bench fuzz lint install uninstall clean deps \
	check-progs
all: $(B)/libperfshim.so $(B)/perfanalyze $(B)/perfshim

# Missing -dev packages are installed (apt-get, as root) before compiling.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): tools/install-deps.sh
	$(Q)tools/install-deps.sh
	$(Q)mkdir -p $(B) && touch $@

# An exception from a dl_iterate_phdr callback runs phdr.c's cleanup.
$(B)/shim/phdr.o $(B)/tsan/shim/phdr.o $(B)/shim/cxxnew.o: SHIM_CFLAGS += -fexceptions
$(B)/shim/%.o: shim/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(SHIM_CFLAGS) -c $< -o $@

# The Makefile holds the SONAME and the version: a change relinks.
# -z now: every function bound at load, so that a signal handler's first
# call does not run the loader's resolver, which saves the vector
# registers on the handler's stack (3 KiB with AVX-512).
$(B)/libperfshim.so: $(SHIM_OBJ) Makefile
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -Wl,-z,defs -Wl,-z,initfirst -Wl,-z,now \
		-Wl,--as-needed -Wl,-soname,$(SONAME) -o $@ $(SHIM_OBJ) \
		$(SHIM_LIBS)

$(B)/analyzer/%.o: analyzer/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ANA_CFLAGS) -c $< -o $@

$(B)/asan/analyzer/%.o: analyzer/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC asan $<")
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

$(B)/analyzer/cli.o $(B)/asan/analyzer/cli.o: Makefile

$(HTML_GEN): tools/embed-files.sh $(HTML_FILES)
	@mkdir -p $(@D)
	$(Q)tools/embed-files.sh $(HTML_FILES) >$@.tmp && mv $@.tmp $@

$(B)/gen/html_assets.o: $(HTML_GEN)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ANA_CFLAGS) -c $< -o $@

$(B)/asan/gen/html_assets.o: $(HTML_GEN)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

$(B)/libanalyzer.a: $(ANA_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/asan/libanalyzer.a: $(ASAN_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/perfanalyze: $(B)/analyzer/main.o $(B)/libanalyzer.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN_LDFLAGS) -o $@ $^ $(ANA_LIBS)

$(B)/asan/perfanalyze: $(B)/asan/analyzer/main.o $(B)/asan/libanalyzer.a
	@$(if $(Q),echo "  LD asan $@")
	$(Q)$(CC) $(ASAN_FLAGS) -o $@ $^ $(ANA_LIBS)

# Unit tests: one C file each, linked against the analyzer's pieces.
$(B)/tests/unit/%: tests/unit/%.c $(B)/libanalyzer.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ANA_CFLAGS) -Itests/unit -O0 -o $@ $< $(B)/libanalyzer.a $(ANA_LIBS)

$(B)/asan/tests/unit/%: tests/unit/%.c $(B)/asan/libanalyzer.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -Itests/unit -O0 -o $@ $< \
		$(B)/asan/libanalyzer.a $(ANA_LIBS)

# The shim's modules as a static library, for their unit tests (no
# preload); again built with ThreadSanitizer for make test-tsan.
# -Wno-tsan: TSan does not model fences; the shim's (around fork, in
# perfshim_unwind_enter) are outside what these tests exercise.
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan
SHIM_UNIT_FLAGS := $(BASE_CFLAGS) -Ishim $(ANA_INC) -Itests/unit -pthread \
	$(CFLAGS)
SHIM_UNIT_LIBS := -lunwind $(ANA_LIBS) -lpthread

$(B)/tsan/shim/%.o: shim/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC tsan $<")
	$(Q)$(CC) $(SHIM_CFLAGS) $(TSAN_FLAGS) -c $< -o $@

$(B)/libshim.a: $(SHIM_MOD_SRC:%.c=$(B)/%.o)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/tsan/libshim.a: $(SHIM_MOD_SRC:%.c=$(B)/tsan/%.o)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/tests/unit/shim/%: tests/unit/shim/%.c $(B)/libshim.a $(B)/libanalyzer.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(SHIM_UNIT_FLAGS) -o $@ $< $(B)/libshim.a \
		$(B)/libanalyzer.a $(SHIM_UNIT_LIBS)

$(B)/tsan/tests/unit/shim/%: tests/unit/shim/%.c $(B)/tsan/libshim.a \
		$(B)/libanalyzer.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(SHIM_UNIT_FLAGS) $(TSAN_FLAGS) -o $@ $< \
		$(B)/tsan/libshim.a $(B)/libanalyzer.a $(SHIM_UNIT_LIBS)

# The shim's unit tests under ThreadSanitizer (a race fails the test).
test-tsan: $(TSAN_UNITS)
	$(Q)TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
		$(PROVE) $(TSAN_UNITS)

# Programs with known truth: no optimisation, so lines stay put.
PROG_FLAGS := -g -O0 -fno-omit-frame-pointer -pthread
$(B)/tests/programs/%: tests/programs/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -Iinclude -o $@ $< -ldl
$(B)/tests/programs/%: tests/programs/%.cpp | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(PROG_FLAGS) -Iinclude -o $@ $< -ldl
$(B)/tests/programs/%.so: tests/programs/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -fPIC -shared -o $@ $<

# The exact-timing test program: every function calls the shim's hooks.
$(B)/tests/programs/instr: tests/programs/instr.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -finstrument-functions -Iinclude -o $@ $< -ldl

# The same, optimized: inlined functions call the hooks from their caller's
# frame.
PROGS += $(B)/tests/programs/instr_o2
$(B)/tests/programs/instr_o2: tests/programs/instr.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O2 -pthread -finstrument-functions -Iinclude -o $@ $< -ldl

# A program built without PIE that takes malloc's address: its malloc is
# a canonical PLT entry (t0365).
PROGS += $(B)/tests/programs/malloc_addr_nopie
$(B)/tests/programs/malloc_addr_nopie: tests/programs/malloc_addr.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O0 -fno-pie -no-pie -o $@ $<

# Zones of include/perfshim.h in a program whose functions call the hooks.
$(B)/tests/programs/zones_instr: tests/programs/zones_instr.c include/perfshim.h \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -finstrument-functions -Iinclude -o $@ $< -ldl

# The leak-baseline program rebuilt with code added before its leaks.
PROGS += $(B)/tests/programs/leak_knob_shift
$(B)/tests/programs/leak_knob_shift: tests/programs/leak_knob.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -DSHIFT -Iinclude -o $@ $< -ldl

# Calls of known durations, in zones and instrumented functions.
$(B)/tests/programs/latency_mix: tests/programs/latency_mix.c \
		include/perfshim.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -finstrument-functions -Iinclude -o $@ $< -ldl

# The same, optimized: the inline wrappers are inlined into their callers.
PROGS += $(B)/tests/programs/zones_instr_o2
$(B)/tests/programs/zones_instr_o2: tests/programs/zones_instr.c \
		include/perfshim.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O2 -pthread -finstrument-functions -Iinclude -o $@ $< -ldl

# Optimized: main's pointer lives in a callee-saved register (t0351).
$(B)/tests/programs/exit_reg_root: tests/programs/exit_reg_root.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O2 -o $@ $<

# C++ optimized as shipped: long call chains inlined into one function.
$(B)/tests/programs/cxx_o2 $(B)/tests/programs/cxx_growth: \
		$(B)/tests/programs/%: tests/programs/%.cpp | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CXX) -std=c++17 -g -O2 -pthread -Iinclude -o $@ $< -ldl

# Without frame pointers, optimized: what the cached unwinder must follow.
$(B)/tests/programs/unwind_cases: tests/programs/unwind_cases.cpp | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CXX) -std=c++17 -g -O2 -fomit-frame-pointer -pthread -Iinclude \
		-o $@ $< -ldl
# The exception benchmark as a test program (t0940): known counts.
PROGS += $(B)/tests/programs/exceptions
$(B)/tests/programs/exceptions: bench/exceptions.cpp | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(PROG_FLAGS) -o $@ $<

$(B)/tests/programs/instr_cxx: tests/programs/instr_cxx.cpp | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(PROG_FLAGS) -finstrument-functions -Iinclude -o $@ $< -ldl

# Found only through the probe's RUNPATH ($ORIGIN/sub), as dlopen() from
# the program, not from the shim, finds it.
PROGS += $(B)/tests/programs/sub/librunpath.so
$(B)/tests/programs/sub/librunpath.so: tests/programs/sub/librunpath.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -fPIC -shared -o $@ $<
$(B)/tests/programs/probe_dlopen_runpath: tests/programs/probe_dlopen_runpath.c \
		$(B)/tests/programs/sub/librunpath.so | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -Wl,-rpath,'$$ORIGIN/sub' -Wl,--enable-new-dtags \
		-o $@ $< -ldl

# A C++ plugin, found through the probe's RUNPATH as above.
PROGS += $(B)/tests/programs/sub/libcxxthrow.so
$(B)/tests/programs/sub/libcxxthrow.so: tests/programs/sub/libcxxthrow.cpp \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CXX) $(PROG_FLAGS) -fPIC -shared -o $@ $<
$(B)/tests/programs/probe_cxx_plugin: tests/programs/probe_cxx_plugin.c \
		$(B)/tests/programs/sub/libcxxthrow.so | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -Wl,-rpath,'$$ORIGIN/sub' \
		-Wl,--enable-new-dtags -o $@ $< -ldl

# A library the program links: its destructor runs after the shim's.
$(B)/tests/programs/libexitlate.so: tests/programs/libexitlate.c \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -fPIC -shared -Wl,-soname,libexitlate.so \
		-o $@ $<
$(B)/tests/programs/exit_late: tests/programs/exit_late.c \
		$(B)/tests/programs/libexitlate.so | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PROG_FLAGS) -Wl,-rpath,'$$ORIGIN' -Wl,--enable-new-dtags \
		-o $@ $< $(B)/tests/programs/libexitlate.so

check-progs: $(PROGS)

# The reader's fuzz target, replayed over its corpus without libFuzzer.
$(B)/fuzz/fuzz_reader_replay: tests/fuzz/fuzz_reader.c tests/fuzz/replay.c \
		$(B)/asan/libanalyzer.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -o $@ tests/fuzz/fuzz_reader.c \
		tests/fuzz/replay.c $(B)/asan/libanalyzer.a $(ANA_LIBS)

# The budget parser's, the same way.
$(B)/fuzz/fuzz_budget_replay: tests/fuzz/fuzz_budget.c tests/fuzz/replay.c \
		$(B)/asan/libanalyzer.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -o $@ tests/fuzz/fuzz_budget.c \
		tests/fuzz/replay.c $(B)/asan/libanalyzer.a $(ANA_LIBS)

# The summary JSON reader's (trend's input), the same way.
$(B)/fuzz/fuzz_summary_replay: tests/fuzz/fuzz_summary.c tests/fuzz/replay.c \
		$(B)/asan/libanalyzer.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -o $@ tests/fuzz/fuzz_summary.c \
		tests/fuzz/replay.c $(B)/asan/libanalyzer.a $(ANA_LIBS)

# The symbol cache files', the same way.
$(B)/fuzz/fuzz_symcache_replay: tests/fuzz/fuzz_symcache.c tests/fuzz/replay.c \
		$(B)/asan/libanalyzer.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -o $@ tests/fuzz/fuzz_symcache.c \
		tests/fuzz/replay.c $(B)/asan/libanalyzer.a $(ANA_LIBS)

# SPLIT frames', the same way: the reader's unsplit and the shim's split.
$(B)/fuzz/fuzz_split_replay: tests/fuzz/fuzz_split.c tests/fuzz/replay.c \
		shim/split.c shim/split.h $(B)/asan/libanalyzer.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(ANA_CFLAGS) $(ASAN_FLAGS) -Ishim -o $@ \
		tests/fuzz/fuzz_split.c shim/split.c tests/fuzz/replay.c \
		$(B)/asan/libanalyzer.a $(ANA_LIBS)

fuzz: $(B)/fuzz/fuzz_reader $(B)/fuzz/fuzz_budget $(B)/fuzz/fuzz_summary \
	$(B)/fuzz/fuzz_split $(B)/fuzz/fuzz_symcache
$(B)/fuzz/fuzz_split: tests/fuzz/fuzz_split.c analyzer/input/unsplit.c \
		shim/split.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -g -O1 -Iinclude -Ishim -Ianalyzer/input \
		-fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_split.c \
		analyzer/input/unsplit.c shim/split.c
	@echo "run: $@ -max_total_time=60 tests/fuzz/corpus-split"
$(B)/fuzz/fuzz_summary: tests/fuzz/fuzz_summary.c $(ANA_SRC) $(HTML_GEN) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -g -O1 -Iinclude $(ANA_INC) $(ANA_DEFS) \
		-fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_summary.c \
		$(ANA_SRC) $(HTML_GEN) $(ANA_LIBS)
	@echo "run: $@ -max_total_time=60 tests/fuzz/corpus-summary"
$(B)/fuzz/fuzz_symcache: tests/fuzz/fuzz_symcache.c $(ANA_SRC) $(HTML_GEN) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -g -O1 -Iinclude $(ANA_INC) $(ANA_DEFS) \
		-fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_symcache.c \
		$(ANA_SRC) $(HTML_GEN) $(ANA_LIBS)
	@echo "run: $@ -max_total_time=60 tests/fuzz/corpus-symcache"
$(B)/fuzz/fuzz_budget: tests/fuzz/fuzz_budget.c $(ANA_SRC) $(HTML_GEN) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -g -O1 -Iinclude $(ANA_INC) $(ANA_DEFS) \
		-fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_budget.c \
		$(ANA_SRC) $(HTML_GEN) $(ANA_LIBS)
	@echo "run: $@ -max_total_time=60 tests/fuzz/corpus-budget"
$(B)/fuzz/fuzz_reader: tests/fuzz/fuzz_reader.c $(ANA_SRC) $(HTML_GEN) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -g -O1 -Iinclude $(ANA_INC) $(ANA_DEFS) \
		-fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_reader.c \
		$(ANA_SRC) $(HTML_GEN) $(ANA_LIBS)
	@echo "run: $@ -max_total_time=60 tests/fuzz/corpus"

# Each test script or unit test runs under a time limit: one that hangs
# (a deadlock in the shim, say) fails, named in prove's summary (status
# 124), instead of holding the whole run until CI's own limit.
PROVE := prove --exec 'timeout -k 10 600'

# The integration tests' failures, each with its commands and output,
# printed after prove's summary: a CI log's tail then says what failed.
FAILURES := $(abspath $(B))/tests/failures.log
SHOW_FAILURES = { echo "== the failed tests' output ($(FAILURES))"; \
	cat $(FAILURES) 2>/dev/null; exit 1; }

ifeq ($(SANITIZE),)
test: all $(B)/asan/perfanalyze $(UNITS) $(ASAN_UNITS) $(SHIM_UNITS) $(PROGS) \
		$(B)/fuzz/fuzz_reader_replay $(B)/fuzz/fuzz_budget_replay \
		$(B)/fuzz/fuzz_summary_replay $(B)/fuzz/fuzz_split_replay \
		$(B)/fuzz/fuzz_symcache_replay $(B)/tools/colstat lint
	$(Q)rm -f $(FAILURES) && PERFSHIM_BUILD=$(abspath $(B)) \
		PERFSHIM_ANALYZE=$(abspath $(B))/asan/perfanalyze \
		ASAN_OPTIONS=detect_leaks=0 PERFSHIM_TEST_FAILURES=$(FAILURES) \
		$(PROVE) $(UNITS) $(ASAN_UNITS) $(SHIM_UNITS) \
		tests/fuzz/run-corpus.sh tests/fuzz/run-budget-corpus.sh \
		tests/fuzz/run-summary-corpus.sh tests/fuzz/run-split-corpus.sh \
		tests/fuzz/run-symcache-corpus.sh \
		tests/t/t[0-9]*.sh || $(SHOW_FAILURES)

# Again, with the shim's other unwinder and clock: the shim's own tests
# (t00-t04), and those of timed calls and latencies (clock units); the
# analyzer's reports over runs (t05-t08) do not depend on them. A target
# of its own, which .ci/run calls, so that make test stays under 10
# minutes on a 2-core machine.
test-modes: all $(PROGS)
	@echo "== the shim's integration tests again: libunwind for every stack, monotonic clock"
	$(Q)rm -f $(FAILURES) && PERFSHIM_BUILD=$(abspath $(B)) \
		PERFSHIM_TEST_ENV="PERFSHIM_UNWIND=dwarf PERFSHIM_CLOCK=monotonic" \
		PERFSHIM_TEST_FAILURES=$(FAILURES) \
		$(PROVE) tests/t/t0[0-4]*.sh tests/t/t072*.sh \
		tests/t/t0830*.sh || $(SHOW_FAILURES)
else
# The sanitized analyzer and unit tests, leaks checked too; the shim and
# the integration tests are the normal build's business (make test, whose
# integration tests already run an ASan/UBSan analyzer).
SAN_TRACE := $(B)/tests/san-zones.zst
test: all $(UNITS) $(B)/fuzz/fuzz_reader_replay $(B)/fuzz/fuzz_split_replay \
		$(B)/fuzz/fuzz_symcache_replay $(B)/tests/programs/zones
	$(Q)PERFSHIM_BUILD=$(abspath $(B)) \
		$(PROVE) $(UNITS) tests/fuzz/run-corpus.sh \
		tests/fuzz/run-split-corpus.sh tests/fuzz/run-symcache-corpus.sh
	@echo "== perfanalyze $(SAN_TRACE), each report"
	$(Q)rm -f $(SAN_TRACE) && PERFSHIM_OUTPUT=$(SAN_TRACE) \
		LD_PRELOAD=$(abspath $(B))/libperfshim.so \
		$(B)/tests/programs/zones >/dev/null
	$(Q)for o in "" --leaks "--leaks --json" --hotspots "--by bytes" \
		--growth --timeline --flamegraph "--html -o $(B)/tests/san.html"; do \
		$(B)/perfanalyze $(SAN_TRACE) $$o >/dev/null || exit 1; \
	done
endif

# The exports as the viewers read them: t0710 and t0721 with `go tool
# pprof` required (Debian's golang-go, installed here when missing).
test-exports: all check-progs
	$(Q)command -v go >/dev/null 2>&1 || tools/install-deps.sh golang-go
	$(Q)PERFSHIM_BUILD=$(abspath $(B)) PERFSHIM_TEST_EXPORTS=1 \
		$(PROVE) tests/t/t0710-exports.sh \
		tests/t/t0721-export-runs.sh

# The HTML report in headless Chromium: tests/browser/run.sh installs
# Debian's chromium (and node, npm) when missing, and playwright-core.
test-browser: all $(B)/demo/leaky $(B)/tests/programs/zones \
	$(B)/tests/programs/variant
	$(Q)B=$(B) sh tests/browser/run.sh

demo: all $(B)/demo/leaky
	@echo "== running build/demo/leaky under perfshim"
	$(Q)rm -f $(B)/demo/leaky.zst
	$(Q)PERFSHIM_OUTPUT=$(B)/demo/leaky.zst LD_PRELOAD=$(abspath $(B))/libperfshim.so \
		$(B)/demo/leaky
	@echo "== perfanalyze $(B)/demo/leaky.zst"
	$(Q)$(B)/perfanalyze $(B)/demo/leaky.zst
	@echo "== perfanalyze $(B)/demo/leaky.zst --leaks"
	$(Q)$(B)/perfanalyze $(B)/demo/leaky.zst --leaks
	@echo "== perfanalyze $(B)/demo/leaky.zst --hotspots --top 5"
	$(Q)$(B)/perfanalyze $(B)/demo/leaky.zst --hotspots --top 5
	@echo "== perfanalyze $(B)/demo/leaky.zst --growth"
	$(Q)$(B)/perfanalyze $(B)/demo/leaky.zst --growth

$(B)/demo/leaky: tools/demo-leaky.c include/perfshim.h
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O0 -Iinclude -o $@ $<

# Benchmark against native runs, heaptrack and valgrind (see BENCHMARKS.md).
BENCH_FLAGS := -O2 -g -fno-omit-frame-pointer
BENCH_BIN := $(B)/bench/churn $(B)/bench/cxx $(B)/bench/exceptions \
	$(B)/bench/measure
bench: all $(BENCH_BIN)
	$(Q)bench/run.sh

# Where a trace's bytes go, by column (a measuring aid: tools/colstat.c).
$(B)/tools/colstat: tools/colstat.c analyzer/input/unsplit.c \
		analyzer/input/unsplit.h include/perfshim_trace.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) -Iinclude -Ianalyzer/input -o $@ $< \
		analyzer/input/unsplit.c -lzstd

$(B)/bench/churn: bench/churn.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 $(BENCH_FLAGS) $(WARN) -pthread -o $@ $<
$(B)/bench/measure: bench/measure.c
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 $(BENCH_FLAGS) $(WARN) -o $@ $<
$(B)/bench/cxx: bench/cxx.cpp
	@mkdir -p $(@D)
	$(Q)$(CXX) -std=c++17 $(BENCH_FLAGS) -Wall -Wextra -Werror -o $@ $<
$(B)/bench/exceptions: bench/exceptions.cpp
	@mkdir -p $(@D)
	$(Q)$(CXX) -std=c++17 $(BENCH_FLAGS) -Wall -Wextra -Werror -pthread \
		-o $@ $<

lint: | $(DEPS_STAMP)
	@$(if $(Q),echo "  LINT    clang-format")
	$(Q)clang-format --dry-run -Werror shim/*.[ch] \
		$(ANA_DIRS:%=%/*.[ch]) \
		include/*.h tests/unit/*.[ch] tests/unit/shim/*.c \
		tests/fuzz/*.c

# Installed files. Paths are quoted in the recipes: a PREFIX may hold
# spaces. The library is installed as the versioned file with its SONAME
# and development links, as a distribution would.
MAN1 := perfshim.1 perfanalyze.1
MAN3 := perfshim.3
GEN_MAN := $(MAN1:%=$(B)/man/%) $(MAN3:%=$(B)/man/%)
HEADERS := perfshim.h perfshim_trace.h
# The wrapper finds the library from where it is installed (relocatable,
# so a DESTDIR staging copy works too).
LIBREL = $(shell realpath -m --relative-to="$(BINDIR)" "$(LIBDIR)")
# ldconfig only where the loader's cache matters: a system library
# directory, installed for real (no DESTDIR).
SYSTEM_LIBDIRS := /lib /usr/lib /usr/local/lib /lib64 /usr/lib64 \
	/usr/local/lib64 /usr/lib/x86_64-linux-gnu
RUN_LDCONFIG = $(if $(DESTDIR),,$(filter $(SYSTEM_LIBDIRS),$(LIBDIR)))

$(B)/man/%: man/% Makefile
	@mkdir -p $(@D)
	$(Q)sed 's|@VERSION@|$(VERSION)|g' $< >$@

# build/perfshim runs the build's library and analyzer, next to it.
$(B)/perfshim: tools/perfshim Makefile
	@mkdir -p $(@D)
	$(Q)sed 's|^librel=$$|librel=.|' $< >$@ && chmod 755 $@

install: all $(GEN_MAN)
	install -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(BINDIR)" \
		"$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(PKGCONFIGDIR)" \
		"$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man3"
	install -m 755 $(B)/libperfshim.so \
		"$(DESTDIR)$(LIBDIR)/libperfshim.so.$(VERSION)"
	ln -sf libperfshim.so.$(VERSION) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SONAME) "$(DESTDIR)$(LIBDIR)/libperfshim.so"
	install -m 755 $(B)/perfanalyze "$(DESTDIR)$(BINDIR)/"
	sed 's|^librel=$$|librel="$(LIBREL)"|' tools/perfshim \
		>"$(DESTDIR)$(BINDIR)/perfshim"
	chmod 755 "$(DESTDIR)$(BINDIR)/perfshim"
	install -m 644 $(HEADERS:%=include/%) "$(DESTDIR)$(INCLUDEDIR)/"
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
		perfshim.pc.in >"$(DESTDIR)$(PKGCONFIGDIR)/perfshim.pc"
	install -m 644 $(MAN1:%=$(B)/man/%) "$(DESTDIR)$(MANDIR)/man1/"
	install -m 644 $(MAN3:%=$(B)/man/%) "$(DESTDIR)$(MANDIR)/man3/"
	$(if $(RUN_LDCONFIG),$(LDCONFIG))

uninstall:
	rm -f "$(DESTDIR)$(LIBDIR)/libperfshim.so.$(VERSION)" \
		"$(DESTDIR)$(LIBDIR)/$(SONAME)" \
		"$(DESTDIR)$(LIBDIR)/libperfshim.so" \
		"$(DESTDIR)$(BINDIR)/perfanalyze" "$(DESTDIR)$(BINDIR)/perfshim" \
		$(foreach f,$(HEADERS),"$(DESTDIR)$(INCLUDEDIR)/$(f)") \
		"$(DESTDIR)$(PKGCONFIGDIR)/perfshim.pc" \
		$(foreach f,$(MAN1),"$(DESTDIR)$(MANDIR)/man1/$(f)") \
		$(foreach f,$(MAN3),"$(DESTDIR)$(MANDIR)/man3/$(f)")
	$(if $(RUN_LDCONFIG),$(LDCONFIG))

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
