#!/bin/sh

test_description='symbolization: odd executable names, a binary gone or rebuilt since the run'

. "$(dirname "$0")/test-lib.sh"

# tests/programs/gate.c: alpha 300 bytes in 1 block, beta 200 in 2.

test_expect_success 'an executable whose name needs JSON escaping' '
	mkdir odd &&
	name=$(printf "gate \"quoted\" \\\\back\\\\slash\ttab \303\274") &&
	cp "$PROGS/gate" "odd/$name" &&
	run_traced odd.zst "odd/$name" &&
	leaks_json odd.zst odd.json &&
	check_leak odd.json gate.c alpha 300 1 1 &&
	jq -r ".leaks[0].stack[0].module" odd.json >module &&
	printf "%s\n" "$name" >expect &&
	test_cmp expect module
'

test_expect_success 'the text report shows that name too' '
	analyze odd.zst --leaks >odd.txt &&
	grep -F "quoted" odd.txt
'

# (Without the analyzer's cache, which keeps the file of each build it
# reads a trace of: with it, the traced build is named from there.)
test_expect_success 'the binary deleted since the run: sizes still right, a warning, exit 0' '
	mkdir gone &&
	cp "$PROGS/gate" gone/gate &&
	run_traced gone.zst "$TRASH_DIRECTORY/gone/gate" &&
	rm gone/gate &&
	PERFSHIM_CACHE_DIR=off analyze_status r gone.zst --leaks --json &&
	test_cmp_str "perfanalyze status" 0 "$(cat r.code)" &&
	test_file_not_empty r.err &&
	jq -e "[.leaks[] | [.bytes, .blocks]] | sort == [[200, 2], [300, 1]]" r.out &&
	jq -e "[.leaks[].stack[] | select(.file != \"\" and .module == \"gate\")] == []" r.out
'

test_expect_success 'the binary rebuilt since the run: a warning, no file:line claimed' '
	mkdir rebuilt &&
	cp "$PROGS/gate" rebuilt/gate &&
	run_traced rebuilt.zst "$TRASH_DIRECTORY/rebuilt/gate" &&
	cp "$PROGS/deep" rebuilt/gate &&
	PERFSHIM_CACHE_DIR=off analyze_status r rebuilt.zst --leaks --json &&
	test_cmp_str "perfanalyze status" 0 "$(cat r.code)" &&
	test_file_not_empty r.err &&
	jq -e "[.leaks[] | [.bytes, .blocks]] | sort == [[200, 2], [300, 1]]" r.out &&
	jq -e "[.leaks[].stack[] | select(.module == \"gate\" and (.file != \"\" or .line != 0))] == []" r.out
'

test_expect_success 'deleted, but its build read before with the cache on: named from the cache' '
	mkdir kept &&
	cp "$PROGS/gate" kept/gate &&
	run_traced kept.zst "$TRASH_DIRECTORY/kept/gate" &&
	PERFSHIM_CACHE_DIR=$PWD/c analyze kept.zst --leaks >before.txt &&
	rm kept/gate &&
	PERFSHIM_CACHE_DIR=$PWD/c analyze kept.zst --leaks >after.txt 2>after.err &&
	test_must_be_empty after.err &&
	test_cmp before.txt after.txt &&
	grep "gate_leak_alpha  tests/programs/gate.c" after.txt
'

test_expect_success 'a binary run through a symlink is still found' '
	mkdir link &&
	ln -s "$PROGS/gate" link/gate-link &&
	run_traced link.zst link/gate-link &&
	leaks_json link.zst link.json &&
	check_leak link.json gate.c alpha 300 1 1 &&
	check_leak link.json gate.c beta 200 2 1
'

test_expect_success 'analyzing from another directory gives the same report' '
	leaks_json link.zst here.json &&
	mkdir elsewhere &&
	(cd elsewhere && "$ANALYZE" ../link.zst --leaks --json) >there.json &&
	test_cmp here.json there.json
'

# Names from the symbol table alone (no DWARF) come from an index built
# once per module, not dwfl_module_addrinfo's search of the whole table
# at each address; PERFANALYZE_SYMTAB=check compares every one with
# addrinfo's. GCC's cc1 (28k dynamic symbols, no other table) and
# libstdc++'s runtime frames (aliased constructors) under the shim.
test_expect_success 'PERFANALYZE_SYMTAB=check: the index names frames as libdwfl does' '
	cc1=$(gcc -print-prog-name=cc1) &&
	test -x "$cc1" &&
	cat >in.c <<-\EOF &&
	struct s { int a[4]; };
	static int f(struct s *p, int n) { return p->a[n & 3] * 2; }
	int g(int x) { struct s v = { { x, 1, 2, 3 } }; return f(&v, x); }
	EOF
	capture_traced cc1 cc1.zst "$cc1" -quiet -O0 in.c -o /dev/null &&
	test_cmp_str "cc1 status" 0 "$(cat cc1.code)" &&
	PERFANALYZE_SYMTAB=check analyze cc1.zst --leaks --show-runtime \
		>cc1.leaks 2>cc1.check &&
	capture_traced cxx cxx.zst "$PROGS/cxx_leaks" &&
	PERFANALYZE_SYMTAB=check analyze cxx.zst --leaks --show-runtime \
		>cxx.leaks 2>cxx.check &&
	for f in cc1.check cxx.check; do
		grep "^perfanalyze: PERFANALYZE_SYMTAB=check: [1-9][0-9]* names from the symbol index, 0 not libdwfl.s$" \
			$f || return 1
	done
'

test_done
