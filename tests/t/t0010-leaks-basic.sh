#!/bin/sh

test_description='leaks from each allocation function, at the right line, with exact sizes'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/leaks_basic.c (see its header comment). It
# makes 41037 allocation calls (realloc included): 2 * 20014 in no_leaks()
# and 1009 in the leaking functions; its heap peaks during the second
# no_leaks(), with the 3 MiB block live on top of the 1066322 leaked bytes.
SRC=leaks_basic.c

test_expect_success 'setup: trace leaks_basic' '
	mkdir traces &&
	run_traced traces/basic.%p.zst "$PROGS/leaks_basic" >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	trace=$(only_trace traces) &&
	mv "$trace" basic.zst &&
	leaks_json basic.zst basic.json
'

test_expect_success 'the %p in PERFSHIM_OUTPUT became a number' '
	run_traced traces/pid.%p.zst "$PROGS/leaks_basic" &&
	trace=$(only_trace traces) &&
	case "$trace" in
	traces/pid.[0-9]*.zst) name=${trace#traces/pid.} && name=${name%.zst} &&
		test -z "$(printf %s "$name" | tr -d 0-9)" ;;
	*) echo >&2 "unexpected trace name $trace"; false ;;
	esac &&
	rm -f traces/*
'

test_expect_success 'the JSON report has the documented keys and types' '
	jq -e ". as \$root |
		(.leaks | type == \"array\" and length > 0) and
		(.summary | type == \"object\") and
		([\"definite\", \"indirect\", \"possible\", \"reachable\", \"unclassified\"]
		 | all(. as \$k | \$root.summary[\$k] | (.bytes | type == \"number\") and (.blocks | type == \"number\"))) and
		(.leaks | all(
			.kind == \"definite\" and
			(.bytes | type == \"number\" and . > 0) and
			(.blocks | type == \"number\" and . > 0) and
			(.stack | type == \"array\" and length > 0) and
			(.stack | all(
				(.function | type == \"string\") and
				(.file | type == \"string\") and
				(.line | type == \"number\") and
				(.module | type == \"string\")))))
	" basic.json >/dev/null
'

test_expect_success 'the JSON report has exactly the documented shape, no other keys' '
	if ! jq -e "
		(keys == [\"complete\", \"gate\", \"leaks\", \"summary\"]) and
		(.gate | keys == [\"checked\", \"gate\", \"passed\", \"reason\"]) and
		(.summary | keys == [\"definite\", \"indirect\", \"possible\", \"reachable\", \"unclassified\"]) and
		(.summary | to_entries | all(.value | keys == [\"blocks\", \"bytes\"])) and
		(.leaks | all(keys == [\"blocks\", \"bytes\", \"kind\", \"stack\"])) and
		(.leaks | all(.stack | all(keys == [\"file\", \"function\", \"line\", \"module\"])))
	" basic.json >/dev/null
	then
		echo >&2 "top-level keys: $(jq -c keys basic.json)" &&
		echo >&2 "summary keys: $(jq -c ".summary | keys" basic.json)" &&
		echo >&2 "first group keys: $(jq -c ".leaks[0] | keys" basic.json)" &&
		false
	fi
'

test_expect_success 'leak groups are sorted largest first' '
	jq -e "[.leaks[].bytes] as \$b | \$b == (\$b | sort | reverse)" basic.json
'

test_expect_success 'malloc: 100 bytes in 1 block at the malloc line' '
	check_leak basic.json $SRC malloc 100 1 1
'

test_expect_success 'calloc: 10 * 24 = 240 bytes in 1 block' '
	check_leak basic.json $SRC calloc 240 1 1
'

test_expect_success 'realloc chain: 1000 bytes at the last realloc, nothing at the earlier steps' '
	check_leak basic.json $SRC realloc 1000 1 1 &&
	check_no_leak_at basic.json $SRC CHAIN:malloc CHAIN:realloc100
'

test_expect_success 'posix_memalign: 256 bytes in 1 block' '
	check_leak basic.json $SRC posix_memalign 256 1 1
'

test_expect_success 'aligned_alloc: 128 bytes in 1 block' '
	check_leak basic.json $SRC aligned_alloc 128 1 1
'

test_expect_success 'strdup: 22 bytes, frame 0 may be libc, the program frame is the caller line' '
	check_leak basic.json $SRC strdup 22 1 1 &&
	line=$(leak_line $SRC strdup) &&
	jq -e --argjson l $line "$JQ_DEFS""
		[.leaks[] | select((progframe(\"$SRC\") // {}).line == \$l)][0]
		| progframe(\"$SRC\").function == \"leak_strdup\"
	" basic.json
'

test_expect_success 'a loop leaking 1000 blocks of 16 bytes is one group' '
	check_leak basic.json $SRC loop 16000 1000 1
'

test_expect_success 'a 1 MiB block (mmap-sized) is reported, and first' '
	check_leak basic.json $SRC big 1048576 1 1 &&
	line=$(leak_line $SRC big) &&
	jq -e --argjson l $line "$JQ_DEFS"".leaks[0] | progframe(\"$SRC\").line == \$l" basic.json
'

test_expect_success 'freed allocations are not reported' '
	check_no_leak_at basic.json $SRC \
		FREED:malloc FREED:calloc FREED:realloc-start FREED:realloc-grow \
		FREED:realloc-shrink FREED:realloc-null FREED:reallocarray \
		FREED:posix_memalign FREED:aligned_alloc FREED:memalign \
		FREED:valloc FREED:strdup FREED:strndup FREED:big \
		FREED:churn FREED:churn2
'

test_expect_success 'exactly the 8 known groups come from the program' '
	test_cmp_str "groups with a leaks_basic.c frame (bytes blocks groups)" \
		"1066322 1007 8" "$(json_file_total basic.json $SRC)"
'

test_expect_success 'the summary: definite bytes and blocks are exact (as memcheck), other kinds zero' '
	test_cmp_str definite "1066322 1007" "$(json_summary basic.json definite)" &&
	for k in unclassified indirect possible reachable
	do
		test_cmp_str $k "0 0" "$(json_summary basic.json $k)" || return 1
	done
'

test_expect_success 'leak groups add up to the summary' '
	jq -e "([.leaks[].bytes] | add) == .summary.definite.bytes and
	       ([.leaks[].blocks] | add) == .summary.definite.blocks" basic.json
'

test_expect_success 'the program frames name the functions and the module' '
	line=$(leak_line $SRC calloc) &&
	jq -e --argjson l $line "$JQ_DEFS""
		[.leaks[] | progframe(\"$SRC\") | select(.line == \$l)][0]
		| .function == \"leak_calloc\" and .module == \"leaks_basic\"
	" basic.json
'

test_expect_success 'the frame below the leaking function is main, at its call' '
	jq -e "$JQ_DEFS""[.leaks[] | select(progframe(\"$SRC\") != null)] | all(
		[.stack[] | select((.file | base) == \"$SRC\")] | .[1].function == \"main\")
	" basic.json
'

test_expect_success 'the text leak report names the leaking lines' '
	analyze basic.zst --leaks >leaks.txt &&
	for tag in malloc calloc realloc strdup loop big
	do
		line=$(leak_line $SRC $tag) &&
		grep "$SRC:$line" leaks.txt || return 1
	done
'

test_expect_success 'the summary counts the blocks still allocated at exit' '
	analyze basic.zst >summary.txt &&
	test_file_not_empty summary.txt &&
	grep "^allocated at exit: 1.0 MiB in 1,007 blocks$" summary.txt &&
	analyze basic.zst --json >summary.json &&
	test_cmp_str "bytes at exit" 1066322 "$(jq .live_bytes summary.json)" &&
	test_cmp_str "blocks at exit" 1007 "$(jq .live_blocks summary.json)"
'

test_expect_success 'the summary counts every allocation call (41037) and one thread' '
	test_cmp_str "allocation calls" 41037 "$(summary_number summary.txt "allocation calls")" &&
	test_cmp_str threads 1 "$(summary_number summary.txt threads)"
'

test_expect_success 'the summary peak heap is the 3 MiB block on top of the leaks: 4212050 bytes' '
	test_cmp_str "peak heap" 4212050 "$(jq .peak_bytes summary.json)" &&
	grep "^peak heap: *4.0 MiB at " summary.txt
'

test_expect_success 'the summary says the trace ended cleanly, exit status 0' '
	ended_cleanly summary.txt &&
	ended_line summary.txt | grep -w 0
'

test_expect_success 'a second run gives the same report' '
	run_traced again.zst "$PROGS/leaks_basic" &&
	leaks_json again.zst again.json &&
	jq -S "$JQ_DEFS"".leaks | map(progframe(\"$SRC\")) " basic.json >want &&
	jq -S "$JQ_DEFS"".leaks | map(progframe(\"$SRC\")) " again.json >got &&
	test_cmp want got
'

# PERFSHIM_DEPTH, with tests/programs/deep.c.

test_expect_success 'deep recursion: frames innermost first, one per call' '
	run_traced deep.zst "$PROGS/deep" 40 &&
	leaks_json deep.zst deep.json &&
	check_leak deep.json deep.c deep 48 1 1 &&
	call=$(src_line deep.c CALL:recurse) &&
	main=$(src_line deep.c CALL:main) &&
	jq -e --argjson c $call --argjson m $main "$JQ_DEFS"".leaks[0]
		| [.stack[] | select((.file | base) == \"deep.c\")] as \$s
		| (\$s | length) == 42
		and (\$s[1:41] | all(.function == \"recurse\" and .line == \$c))
		and \$s[41].function == \"main\" and \$s[41].line == \$m
	" deep.json
'

test_expect_success 'PERFSHIM_DEPTH=5 keeps at most 5 frames, the innermost' '
	(
		PERFSHIM_DEPTH=5 &&
		export PERFSHIM_DEPTH &&
		run_traced deep5.zst "$PROGS/deep" 40
	) &&
	leaks_json deep5.zst deep5.json &&
	check_leak deep5.json deep.c deep 48 1 1 &&
	jq -e ".leaks[0].stack | length >= 1 and length <= 5" deep5.json
'

test_expect_success 'a stack deeper than the default limit (64) is cut, innermost kept' '
	run_traced deep200.zst "$PROGS/deep" 200 &&
	leaks_json deep200.zst deep200.json &&
	check_leak deep200.json deep.c deep 48 1 1 &&
	jq -e ".leaks[0].stack | length >= 32 and length <= 64" deep200.json
'

test_done
