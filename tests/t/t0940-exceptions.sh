#!/bin/sh

test_description='C++ exceptions in threads while others start and exit: every allocation traced, no leak'

. "$(dirname "$0")/test-lib.sh"

# Known truth: bench/exceptions.cpp (built at -O0 as a test program).
# `exceptions 4 2000 300`: 4 threads each throw and catch 2000 exceptions
# through 1 to 4 frames of fail() (each a __cxa_allocate_exception, from
# malloc), while main starts and joins 300 short threads one after the
# other, each allocating one std::vector in short_lived(). Everything
# is freed. 305 threads: main, 4 throwers, 300 short ones, whose states
# the shim recycles from one to the next.
THROWERS=4 EXCEPTIONS=2000 SPAWNS=300

test_expect_success 'setup: run it natively and traced (under a time limit)' '
	capture native timeout 120 "$PROGS/exceptions" $THROWERS $EXCEPTIONS $SPAWNS &&
	test_cmp_str "native exit status" 0 "$(cat native.code)" &&
	mkdir traces &&
	capture shim timeout 120 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=traces/exc.%p.zst \
		"$PROGS/exceptions" $THROWERS $EXCEPTIONS $SPAWNS &&
	trace=$(only_trace traces) &&
	mv "$trace" exc.zst &&
	analyze exc.zst >summary 2>summary.err &&
	analyze exc.zst --json >summary.json &&
	analyze exc.zst --flamegraph --metric allocs >allocs.folded
'

test_expect_success 'the program behaves as natively: output, stderr, exit status' '
	test_same_run native shim &&
	test_line_count = $((THROWERS + 1)) native.out &&
	grep -q "^spawned $SPAWNS threads" native.out
'

test_expect_success 'the trace is whole: ended cleanly, no event lost, 305 threads' '
	ended_cleanly summary &&
	jq -e ".lost_events == 0 and .complete == true" summary.json &&
	test_cmp_str threads $((1 + THROWERS + SPAWNS)) \
		"$(jq .threads summary.json)"
'

test_expect_success 'every exception allocation traced, through 1 to 4 fail() frames' '
	# throw_loop;fail[;fail...];__cxa_allocate_exception COUNT
	grep -E "^throw_loop(;fail){1,4};__cxa_allocate_exception [0-9]+\$" \
		allocs.folded >exc.lines &&
	test_line_count = 4 exc.lines &&
	test_cmp_str "__cxa_allocate_exception calls" $((THROWERS * EXCEPTIONS)) \
		"$(awk "{ n += \$NF } END { print n }" exc.lines)" &&
	test_cmp_str "all allocations at __cxa_allocate_exception" \
		$((THROWERS * EXCEPTIONS)) \
		"$(awk "/;__cxa_allocate_exception / { n += \$NF } END { print n }" allocs.folded)"
'

test_expect_success 'each short thread allocation traced, with its thread function' '
	test_cmp_str "short_lived allocations" $SPAWNS \
		"$(awk "/^short_lived;/ { n += \$NF } END { print n }" allocs.folded)"
'

test_expect_success 'the threads totals (END) agree with the events' '
	# The analyzer warns when the shim counted other totals than the
	# events it wrote (a recycled thread state must start from zero).
	test_must_be_empty summary.err &&
	test_cmp_str "allocation calls" "$(jq .alloc_calls summary.json)" \
		"$(awk "{ n += \$NF } END { print n }" allocs.folded)" &&
	jq -e ".free_calls == .alloc_calls - .live_blocks" summary.json &&
	jq -e ".untracked_frees == 0" summary.json
'

test_expect_success 'no leak reported: the gate passes, nothing leaked' '
	analyze exc.zst --leaks --fail-on-leak >leaks &&
	grep -q "^No leaks" leaks &&
	leaks_json exc.zst leaks.json &&
	jq -e ".leaks == []" leaks.json
'

test_done
