#!/bin/sh

test_description='threads: exact leak totals under concurrent churn, cross-thread frees, no deadlock'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/threads.c. 4 workers each leak 50 blocks of
# 32 bytes at LEAK:thread while churning 100000 malloc/free pairs; then 2
# producers hand 20000 blocks each to a consumer thread, which frees them.
# 8 threads in all: main, 4 workers, 2 producers, 1 consumer.

test_expect_success 'setup: trace threads (under a time limit: no deadlock)' '
	capture native timeout 60 "$PROGS/threads" &&
	test_cmp_str "native exit status" 0 "$(cat native.code)" &&
	mkdir traces &&
	capture shim timeout 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=traces/threads.%p.zst "$PROGS/threads" &&
	test_same_run native shim &&
	trace=$(only_trace traces) &&
	mv "$trace" threads.zst &&
	leaks_json threads.zst threads.json
'

test_expect_success 'the leaks of the 4 threads: 200 blocks, 6400 bytes' '
	check_leak threads.json threads.c thread 6400 200
'

test_expect_success 'one thread function, one stack: one group' '
	check_leak threads.json threads.c thread 6400 200 1
'

test_expect_success 'the leak stack goes through the thread function' '
	line=$(leak_line threads.c thread) &&
	jq -e --argjson l $line "$JQ_DEFS""
		[.leaks[] | select((progframe(\"threads.c\") // {}).line == \$l)][0]
		| [.stack[] | select((.file | base) == \"threads.c\") | .function]
		| .[0] == \"thread_leak\" and .[1] == \"worker\"
	" threads.json
'

test_expect_success 'churned and handed-off blocks are not leaks' '
	check_no_leak_at threads.json threads.c \
		CHURN:malloc CHURN:realloc HANDOFF:alloc HANDOFF:consumer
'

test_expect_success 'the summary counts 8 threads' '
	analyze threads.zst >summary &&
	grep -i "^ *threads" summary >threads-line &&
	grep -w 8 threads-line
'

test_expect_success 'the trace ended cleanly' '
	analyze threads.zst >summary 2>warn &&
	! grep "cut short" warn &&
	ended_cleanly summary
'

test_expect_success 'three more runs: the same exact totals every time' '
	for i in 1 2 3
	do
		mkdir run$i &&
		timeout 60 env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=run$i/t.zst \
			"$PROGS/threads" &&
		leaks_json run$i/t.zst run$i.json &&
		check_leak run$i.json threads.c thread 6400 200 1 &&
		check_no_leak_at run$i.json threads.c HANDOFF:alloc HANDOFF:consumer ||
		return 1
	done
'

test_expect_success '500 short-lived threads: every leak recorded, 501 threads counted' '
	capture short timeout 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=short.zst "$PROGS/threads" short-lived &&
	test_cmp_str status 0 "$(cat short.code)" &&
	leaks_json short.zst short.json &&
	check_leak short.json threads.c short_thread 12000 500 1 &&
	analyze short.zst >short.summary &&
	grep -i "^ *threads" short.summary | grep -w 501 &&
	ended_cleanly short.summary
'

test_expect_success 'key destructors that free: 201 threads, each free its own thread'"'"'s' '
	capture key timeout 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=key.zst "$PROGS/threads" key-freed &&
	test_cmp_str status 0 "$(cat key.code)" &&
	leaks_json key.zst key.json &&
	check_no_leak_at key.json threads.c KEY:alloc &&
	analyze key.zst >key.summary &&
	grep -i "^ *threads" key.summary | grep -w 201 &&
	ended_cleanly key.summary
'

test_done
