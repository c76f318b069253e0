#!/bin/sh

test_description='a frame no symbol names is module+0xOFFSET, so two such sites stay two'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/libtwosites.c leaks 100 bytes in one()
# (LEAK:one) and 200 bytes in two() (LEAK:two), both static, called from
# leaky_make(); dlopen_main loads it and calls leaky_make(). A copy
# stripped of its symbol table names neither function.
# tests/programs/jit_leak.c leaks 48 bytes from code in an anonymous
# mapping: one frame, in no module, nothing known of it (x86-64).

test_expect_success 'setup: a stripped copy of libtwosites.so, traced' '
	cp "$PROGS/libtwosites.so" . &&
	strip --strip-all -o libtwosites-stripped.so libtwosites.so &&
	run_traced t.zst "$PROGS/dlopen_main" ./libtwosites-stripped.so &&
	analyze t.zst --leaks >leaks.txt &&
	analyze t.zst --leaks --json >leaks.json
'

test_expect_success 'two leak groups, each with its own module+0xOFFSET frame, no ??' '
	grep "^    #0  libtwosites-stripped.so+0x[0-9a-f]*  \[libtwosites-stripped.so\]$" leaks.txt >frames &&
	test_line_count = 2 frames &&
	test "$(sort -u frames | wc -l)" = 2 &&
	! grep "??" leaks.txt
'

test_expect_success 'each offset is the ELF address of the function that leaked' '
	for s in "100 one" "200 two"
	do
		set -- $s &&
		off=$(jq -r ".leaks[] | select(.bytes == $1) | .stack[0].function" leaks.json) &&
		off=${off#libtwosites-stripped.so+} &&
		addr2line -f -e libtwosites.so "$off" >where &&
		test_cmp_str "function at $off" "$2" "$(head -n 1 where)" || return 1
	done
'

test_expect_success 'the flame graph of leaked bytes keeps them apart' '
	analyze t.zst --flamegraph --metric leaked >flame &&
	grep -x "main;leaky_make;libtwosites-stripped.so+0x[0-9a-f]* 100" flame &&
	grep -x "main;leaky_make;libtwosites-stripped.so+0x[0-9a-f]* 200" flame
'

test_expect_success 'a module pattern suppresses the unnamed frames of that module' '
	printf "leak:^libtwosites-stripped.so\$\n" >mod.supp &&
	analyze t.zst --leaks --json --suppressions mod.supp >mod.json &&
	test_cmp_str groups 0 "$(jq ".leaks | length" mod.json)" &&
	analyze t.zst --leaks --suppressions mod.supp >mod.txt &&
	grep "^Suppression leak:^libtwosites-stripped.so\$ matched 2 sites, 300 B in 2 blocks\.$" mod.txt
'

test_lazy_prereq JIT '
	"$PROGS/jit_leak"
'

test_expect_success JIT 'setup: a leak from code in no module' '
	run_traced jit.zst "$PROGS/jit_leak" &&
	analyze jit.zst --leaks --leak-kinds all --json >jit.json &&
	test_cmp_str groups 1 "$(jq ".leaks | length" jit.json)" &&
	test_cmp_str bytes 48 "$(jq ".leaks[0].bytes" jit.json)" &&
	test_cmp_str "frames in a module" 0 \
		"$(jq "[.leaks[0].stack[] | select(.module != \"\")] | length" jit.json)"
'

test_expect_success JIT 'leak:* suppresses a stack nothing is known of, as in LSan' '
	printf "leak:*\n" >all.supp &&
	analyze jit.zst --fail-on-leak --leak-kinds all --suppressions all.supp >all.txt &&
	grep "^Suppression leak:\* matched 1 site, 48 B in 1 block\.$" all.txt &&
	printf "leak:<unknown module>\n" >unknown.supp &&
	analyze jit.zst --fail-on-leak --leak-kinds all --suppressions unknown.supp >unknown.txt &&
	grep "^Suppression leak:<unknown module> matched 1 site" unknown.txt
'

test_expect_success JIT 'a function or module pattern does not suppress it' '
	printf "leak:main\nleak:jit_leak\nleak:??\n" >names.supp &&
	test_expect_code 1 analyze jit.zst --fail-on-leak --leak-kinds all \
		--suppressions names.supp >names.txt 2>err &&
	grep "^perfanalyze: gate failed: 1 leak site, 48 B in 1 block" err
'

test_done
