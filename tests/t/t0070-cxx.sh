#!/bin/sh

test_description='C++: operator new / new[] leaks, exact sizes, demangled names'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/cxx_leaks.cpp (see its header comment).
SRC=cxx_leaks.cpp

test_expect_success 'setup: trace cxx_leaks' '
	run_traced cxx.zst "$PROGS/cxx_leaks" >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	leaks_json cxx.zst cxx.json
'

test_expect_success 'new int[10]: 40 bytes in 1 block' '
	check_leak cxx.json $SRC array 40 1 1
'

test_expect_success 'new Foo: sizeof(Foo) = 52 bytes in 1 block' '
	check_leak cxx.json $SRC foo 52 1 1
'

test_expect_success 'new std::string(30 chars): the object and its buffer, 32 + 31 bytes' '
	check_leak cxx.json $SRC string 63 2
'

test_expect_success 'new Bar[3] with a destructor: 3 * 16 + 8 (array cookie) = 56 bytes' '
	check_leak cxx.json $SRC cookie 56 1 1
'

test_expect_success 'destroyed containers, strings and exceptions are not leaks' '
	check_no_leak_at cxx.json $SRC CXX:global-vector CXX:global-string CXX:global-map &&
	test_cmp_str "leaks with a $SRC frame (bytes blocks)" "211 5" \
		"$(json_file_total cxx.json $SRC | cut -d" " -f1,2)"
'

test_expect_success 'free function names are demangled, with their parameters' '
	line=$(leak_line $SRC array) &&
	jq -e --argjson l $line "$JQ_DEFS""
		[.leaks[] | progframe(\"$SRC\") | select(. != null and .line == \$l)][0]
		| .function == \"make_widget(int)\"
	" cxx.json &&
	line=$(leak_line $SRC string) &&
	jq -e --argjson l $line "$JQ_DEFS""
		[.leaks[] | progframe(\"$SRC\") | select(. != null and .line == \$l) | .function]
		| length == 2 and all(test(\"^make_string(\\\\[abi:cxx11\\\\])?\\\\(\\\\)\$\"))
	" cxx.json
'

test_expect_success 'methods in a namespace are demangled' '
	jq -e "[.leaks[].stack[].function] | index(\"ns::Factory::make_foo()\") != null" cxx.json &&
	jq -e "[.leaks[].stack[].function] | index(\"ns::Cls::method()\") != null" cxx.json
'

test_expect_success 'no mangled names in the frames of the program' '
	jq -e "$JQ_DEFS""
		[.leaks[].stack[] | select((.file | base) == \"$SRC\") | .function
		 | select(startswith(\"_Z\"))] == []
	" cxx.json
'

test_expect_success 'operator new frames, when shown, are demangled too' '
	jq -e "[.leaks[].stack[].function | select(startswith(\"_Znw\") or startswith(\"_Zna\"))] == []" cxx.json
'

test_expect_success 'the text report shows the demangled names' '
	analyze cxx.zst --leaks >leaks.txt &&
	grep -F "make_widget(int)" leaks.txt &&
	grep -F "ns::Factory::make_foo()" leaks.txt
'

# libownnew defines operator new and delete of its own, never calling
# malloc, as jemalloc, tcmalloc and mimalloc do; preloaded after the shim,
# a C++ program's new and delete reach it and not libstdc++'s.
test_expect_success 'operators of an allocator library of their own, after the shim: the same leaks' '
	OWNNEW_REPORT=1 LD_PRELOAD="$SHIM $PROGS/libownnew.so" \
		PERFSHIM_OUTPUT=own.zst "$PROGS/cxx_leaks" >own.out 2>own.err &&
	test_must_be_empty own.out &&
	counts=$(sed -n "s/^ownnew: \([1-9][0-9]*\) new, \([1-9][0-9]*\) delete\$/\1 \2/p" own.err) &&
	test -n "$counts" &&
	leaks_json own.zst own.json &&
	check_leak own.json $SRC array 40 1 1 &&
	check_leak own.json $SRC foo 52 1 1 &&
	check_leak own.json $SRC string 63 2 &&
	check_leak own.json $SRC cookie 56 1 1 &&
	test_cmp_str "leaks with a $SRC frame (bytes blocks)" "211 5" \
		"$(json_file_total own.json $SRC | cut -d" " -f1,2)" &&
	"$ANALYZE" own.zst --json >own.sum &&
	jq -e --argjson n "${counts% *}" --argjson d "${counts#* }" \
		".alloc_calls >= \$n and .free_calls >= \$d" own.sum
'

# huge_new drops a block of 4 TiB that libownnew reserves (never commits)
# with one page written: the scan at exit reads only the pages mincore()
# says are there. It read every word of it once, for hours.
test_expect_success 'a lost block of 4 TiB, one page of it resident: definite, no hang' '
	capture huge timeout -k 5 120 env OWNNEW_ARENA_GB=4100 \
		LD_PRELOAD="$SHIM $PROGS/libownnew.so" PERFSHIM_OUTPUT=huge.zst \
		"$PROGS/huge_new" 4096 &&
	test_cmp_str status 0 "$(cat huge.code)" &&
	test_cmp_str output dropped "$(cat huge.out)" &&
	leaks_json huge.zst huge.json &&
	jq -e "[.leaks[] | select(.bytes == 4398046511104)]
		| length == 1 and .[0].kind == \"definite\" and .[0].blocks == 1" huge.json
'

test_done
