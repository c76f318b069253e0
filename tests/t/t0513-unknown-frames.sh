#!/bin/sh

test_description='a frame no symbol names is module+0xOFFSET, so two such sites stay two'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/libtwosites.c leaks 100 bytes in one()
# (LEAK:one) and 200 bytes in two() (LEAK:two), both static, called from
# leaky_make(); dlopen_main loads it and calls leaky_make(). A copy
# stripped of its symbol table names neither function.

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

test_done
