#!/bin/sh

test_description='what glibc loads to unwind (pthread_exit, an exception through its code) is the runtime'"'"'s, not a leak'

. "$(dirname "$0")/test-lib.sh"

# glibc dlopens libgcc_s the first time it unwinds a thread (pthread_exit,
# cancellation) or a C++ exception leaves one of its functions (a
# callback's), and keeps it: its link map, dependency lists and scope
# arrays, allocated under __libc_unwind_link_get, stay until exit and the
# scan finds no pointer to some of them. Known truth:
# tests/programs/pthread_exit_clean.c frees everything;
# tests/programs/phdr_throw.cpp leaks one std::string only (a 32-byte
# object, definite, and its 201-byte buffer, indirect).

test_expect_success 'setup: trace both' '
	capture native_exit "$PROGS/pthread_exit_clean" &&
	capture_traced shim_exit exit.zst "$PROGS/pthread_exit_clean" &&
	capture native_throw "$PROGS/phdr_throw" &&
	capture_traced shim_throw throw.zst "$PROGS/phdr_throw" &&
	leaks_json exit.zst exit.json &&
	leaks_json throw.zst throw.json
'

test_expect_success 'both behave as natively' '
	test_same_run native_exit shim_exit &&
	test_same_run native_throw shim_throw &&
	test_cmp_str "pthread_exit_clean" "joined 42" "$(cat native_exit.out)" &&
	grep -q "^caught 3\$" native_throw.out
'

test_expect_success 'pthread_exit: no leak, the gate passes' '
	jq -e ".leaks == []" exit.json &&
	analyze exit.zst --leaks --fail-on-leak >exit.txt &&
	grep -q "^No leaks" exit.txt
'

test_expect_success 'an exception out of a dl_iterate_phdr callback: only the string' '
	test_cmp_str "definite" "32 1" "$(json_summary throw.json definite)" &&
	test_cmp_str "indirect" "201 1" "$(json_summary throw.json indirect)" &&
	jq -e "[.leaks[].stack[].function | select(test(\"unwind_link\"))] == []" throw.json
'

test_expect_success 'after the exception, stacks through libstdc++ are whole again' '
	jq -e "[.leaks[] | select(.kind == \"indirect\") | .stack[].function]
		| index(\"make_string\") != null and index(\"late_thread\") != null" \
		throw.json &&
	jq -e "[.leaks[] | select(.kind == \"indirect\") | .stack[].function]
		| any(test(\"basic_string\"))" throw.json
'

test_expect_success 'with --show-runtime, what glibc loaded is shown' '
	leaks_json exit.zst exit_rt.json --show-runtime &&
	jq -e "[.leaks[].stack[].function | select(test(\"unwind_link\"))] != []" exit_rt.json
'

test_done
