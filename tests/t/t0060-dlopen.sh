#!/bin/sh

test_description='leaks in dlopen-ed libraries, symbolized after dlclose'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/libleaky.c leaks 777 bytes at LEAK:lib in
# leaky_make(); libleaky2.c leaks 555 bytes at LEAK:lib2 in
# leaky2_inner(), called by its own leaky_make(). dlopen_main.c loads,
# calls and dlcloses each library named on its command line, in order.

test_expect_success 'setup: trace dlopen_main with libleaky.so' '
	capture native "$PROGS/dlopen_main" "$PROGS/libleaky.so" &&
	test_cmp_str "native status" 0 "$(cat native.code)" &&
	capture_traced shim one.zst "$PROGS/dlopen_main" "$PROGS/libleaky.so" &&
	test_same_run native shim &&
	leaks_json one.zst one.json
'

test_expect_success 'the leak is at libleaky.c:line, 777 bytes, 1 block' '
	check_leak one.json libleaky.c lib 777 1 1
'

test_expect_success 'the leaking frame is leaky_make in module libleaky.so' '
	line=$(leak_line libleaky.c lib) &&
	jq -e --argjson l $line "$JQ_DEFS""
		[.leaks[] | progframe(\"libleaky.c\") | select(. != null and .line == \$l)]
		| length == 1 and .[0].function == \"leaky_make\"
		  and (.[0].module | base) == \"libleaky.so\"
	" one.json
'

test_expect_success 'the caller frame is main in dlopen_main.c, module dlopen_main' '
	call=$(src_line dlopen_main.c CALL:leaky_make) &&
	line=$(leak_line libleaky.c lib) &&
	jq -e --argjson l $line --argjson c $call "$JQ_DEFS""
		[.leaks[] | select((progframe(\"libleaky.c\") // {}).line == \$l)][0]
		| progframe(\"dlopen_main.c\")
		| .function == \"main\" and .line == \$c and (.module | base) == \"dlopen_main\"
	" one.json
'

test_expect_success 'the library file gone since: still a trace that reads (the leak at least counted)' '
	mkdir gone &&
	cp "$PROGS/libleaky.so" gone/libleaky.so &&
	run_traced gone.zst "$PROGS/dlopen_main" "$TRASH_DIRECTORY/gone/libleaky.so" &&
	rm -r gone &&
	analyze_status r gone.zst --leaks --json &&
	test_cmp_str "perfanalyze status" 0 "$(cat r.code)" &&
	jq -e ".leaks | map(.bytes) | index(777) != null" r.out
'

test_expect_success 'two libraries loaded one after the other: each leak put down to its own library' '
	run_traced two.zst "$PROGS/dlopen_main" "$PROGS/libleaky.so" "$PROGS/libleaky2.so" &&
	leaks_json two.zst two.json &&
	check_leak two.json libleaky.c lib 777 1 1 &&
	check_leak two.json libleaky2.c lib2 555 1 1 &&
	line=$(leak_line libleaky2.c lib2) &&
	inner=$(src_line libleaky2.c CALL:lib2-inner) &&
	jq -e --argjson l $line --argjson i $inner "$JQ_DEFS""
		[.leaks[] | select((progframe(\"libleaky2.c\") // {}).line == \$l)][0]
		| [.stack[] | select((.file | base) == \"libleaky2.c\")]
		| .[0].function == \"leaky2_inner\" and (.[0].module | base) == \"libleaky2.so\"
		  and .[1].function == \"leaky_make\" and .[1].line == \$i
	" two.json
'

test_expect_success 'the same library loaded twice: both leaks counted at its line' '
	run_traced twice.zst "$PROGS/dlopen_main" "$PROGS/libleaky.so" "$PROGS/libleaky2.so" "$PROGS/libleaky.so" &&
	leaks_json twice.zst twice.json &&
	check_leak twice.json libleaky.c lib 1554 2 &&
	check_leak twice.json libleaky2.c lib2 555 1 1
'

test_expect_success 'each library leak names its own file and module' '
	jq -e "$JQ_DEFS""
		def libframe: [.stack[] | select(.module | base | startswith(\"libleaky\"))][0]
			| [(.file | base), (.module | base)];
		([.leaks[] | select(.bytes == 777 or .bytes == 1554) | libframe]) as \$one
		| ([.leaks[] | select(.bytes == 555) | libframe]) as \$two
		| (\$one | length) >= 1 and (\$two | length) == 1
		  and (\$one | all(. == [\"libleaky.c\", \"libleaky.so\"]))
		  and (\$two | all(. == [\"libleaky2.c\", \"libleaky2.so\"]))
	" twice.json
'

test_done
