#!/bin/sh

test_description='what the C/C++ runtime keeps until exit is not the program'"'"'s leak'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/runtime.c prints (stdout's buffer), calls
# setlocale (locale data) and, with "leak", leaks one strdup of 14 bytes.
# runtime_cxx.cpp is a C++ hello world: libstdc++'s emergency exception
# pool and stdout's buffer stay allocated, nothing of its own.

test_expect_success 'setup: trace the three runs' '
	run_traced clean.zst "$PROGS/runtime" clean >/dev/null &&
	run_traced leak.zst "$PROGS/runtime" leak >/dev/null &&
	run_traced cxx.zst "$PROGS/runtime_cxx" >/dev/null
'

test_expect_success 'a C program that only prints, sets the locale and the environment passes the gate' '
	test_expect_code 0 analyze clean.zst --fail-on-leak >out &&
	grep "No leaks" out &&
	grep "the C/C++ runtime keeps until exit" out
'

test_expect_success 'a C++ hello world passes the gate' '
	test_expect_code 0 analyze cxx.zst --fail-on-leak >out &&
	grep "No leaks" out
'

test_expect_success '--show-runtime reports them: stdout buffer and libstdc++ pool' '
	test_expect_code 1 analyze cxx.zst --fail-on-leak --show-runtime --leak-kinds all >out &&
	grep "_IO_file_doallocate" out &&
	grep "libstdc++" out
'

test_expect_success 'the JSON leaves them out of leaks and summary' '
	leaks_json clean.zst clean.json &&
	test_cmp_str "leaks of a clean run" "0 0" "$(json_summary clean.json unclassified)"
'

test_expect_success 'a leak through strdup next to them is still reported, exactly' '
	leaks_json leak.zst leak.json &&
	check_leak leak.json runtime.c dup 14 1 1 &&
	test_cmp_str "leaks of the leaking run" "14 1" "$(json_summary leak.json definite)" &&
	test_expect_code 1 analyze leak.zst --fail-on-leak >out
'

test_done
