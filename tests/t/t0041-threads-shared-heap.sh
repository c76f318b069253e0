#!/bin/sh

test_description='threads sharing one heap: blocks passed between threads within microseconds keep their owners'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/threads.c (see t0040). Here glibc keeps one
# arena and no per-thread cache, so the workers take each other's freed
# blocks all the time: an address is often freed by one thread and
# allocated by another within one time quantum of the trace (a few
# microseconds), where only the TIES records (perfshim_trace.h) tell the
# order. Without them the reader merged such events by thread index:
# about a thousand frees of blocks "allocated before tracing began" a
# run, and half the runs lost a leaked block.

SHARED=glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1

test_expect_success 'the same run natively and traced' '
	capture native timeout 60 env GLIBC_TUNABLES=$SHARED "$PROGS/threads" &&
	test_cmp_str "native exit status" 0 "$(cat native.code)" &&
	capture shim timeout 60 env GLIBC_TUNABLES=$SHARED LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=first.zst "$PROGS/threads" &&
	test_same_run native shim
'

test_expect_success 'five runs: exact leaks, no free without its block' '
	for i in 1 2 3 4 5
	do
		timeout 60 env GLIBC_TUNABLES=$SHARED LD_PRELOAD="$SHIM" \
			PERFSHIM_OUTPUT=run$i.zst "$PROGS/threads" &&
		leaks_json run$i.zst run$i.json &&
		check_leak run$i.json threads.c thread 6400 200 1 &&
		check_no_leak_at run$i.json threads.c CHURN:malloc \
			CHURN:realloc HANDOFF:alloc HANDOFF:consumer &&
		"$ANALYZE" run$i.zst --json >sum$i.json &&
		test_cmp_str "run $i: untracked frees" 0 \
			"$(jq -r .untracked_frees sum$i.json)" ||
		return 1
	done
'

test_expect_success '500 short-lived threads on one heap: every leak' '
	timeout 60 env GLIBC_TUNABLES=$SHARED LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=short.zst "$PROGS/threads" short-lived &&
	leaks_json short.zst short.json &&
	check_leak short.json threads.c short_thread 12000 500 1 &&
	"$ANALYZE" short.zst --json >short.sum &&
	test_cmp_str "untracked frees" 0 "$(jq -r .untracked_frees short.sum)"
'

test_done
