#!/bin/sh

test_description='corner cases: failed calls, realloc to 0 and from NULL, malloc(0), destructors, detached threads'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/edge.c (see its header comment).
SRC=edge.c

test_expect_success 'setup: trace edge' '
	capture native "$PROGS/edge" &&
	capture_traced shim edge.zst "$PROGS/edge" &&
	test_same_run native shim &&
	leaks_json edge.zst edge.json &&
	analyze edge.zst >summary
'

test_expect_success 'a failed realloc leaves the block allocated: 300 bytes at its malloc' '
	check_leak edge.json $SRC realloc_fail 300 1 1
'

test_expect_success 'failed calls allocate nothing' '
	check_no_leak_at edge.json $SRC EDGE:realloc_fail EDGE:malloc_fail \
		EDGE:calloc_overflow EDGE:reallocarray_overflow EDGE:memalign_einval
'

test_expect_success 'realloc(p, 0) frees p' '
	check_no_leak_at edge.json $SRC EDGE:realloc_zero
'

test_expect_success 'realloc(NULL, 640) is an allocation of 640 bytes' '
	check_leak edge.json $SRC realloc_null 640 1 1
'

test_expect_success 'memalign(64, 100): 100 bytes' '
	check_leak edge.json $SRC memalign 100 1 1
'

test_expect_success 'a leaked malloc(0) is a block of 0 bytes' '
	check_leak edge.json $SRC zero 0 1 1
'

test_expect_success 'the leak of a detached thread that exits as main returns is recorded' '
	check_leak edge.json $SRC detached 77 1 1
'

test_expect_success 'blocks freed by atexit handlers and destructors are not leaks' '
	check_no_leak_at edge.json $SRC EDGE:atexit EDGE:destructor
'

test_expect_success 'a block allocated by a destructor, after main returned, is a leak' '
	check_leak edge.json $SRC late 123 1 1
'

test_expect_success 'a block allocated by a constructor of the program, before main, is a leak' '
	check_leak edge.json $SRC ctor_main 321 1 1
'

test_expect_success 'the trace ended cleanly' '
	ended_cleanly summary
'

# A library's constructor runs before the program's (and before
# __libc_start_main): the allocations it makes are the program's too.

test_expect_success 'a constructor of a library preloaded next to the shim: its leak is reported' '
	LD_PRELOAD="$SHIM $PROGS/libctor.so" PERFSHIM_OUTPUT=preloaded.zst "$PROGS/gate" &&
	leaks_json preloaded.zst preloaded.json &&
	check_leak preloaded.json gate.c alpha 300 1 1 &&
	check_leak preloaded.json libctor.c ctor 4242 1 1 &&
	check_no_leak_at preloaded.json libctor.c CTOR:freed
'

test_lazy_prereq CC '
	cc -o "$TRASH_DIRECTORY/.cc-probe" -x c - <<-\EOF
	int main(void) { return 0; }
	EOF
'

test_expect_success CC 'a constructor of a library the program links to: its leak is reported' '
	cc -g -O0 -o linked "$SRC_PROGS/gate.c" \
		-Wl,--no-as-needed "$PROGS/libctor.so" -Wl,-rpath,"$PROGS" &&
	./linked &&
	run_traced linked.zst ./linked &&
	leaks_json linked.zst linked.json &&
	check_leak linked.json gate.c alpha 300 1 1 &&
	check_leak linked.json libctor.c ctor 4242 1 1 &&
	check_no_leak_at linked.json libctor.c CTOR:freed
'

test_expect_success 'ten more runs: the detached thread leak is never lost' '
	for i in 0 1 2 3 4 5 6 7 8 9
	do
		run_traced again$i.zst "$PROGS/edge" &&
		leaks_json again$i.zst again$i.json &&
		check_leak again$i.json $SRC detached 77 1 1 &&
		check_leak again$i.json $SRC late 123 1 1 || return 1
	done
'

test_expect_success 'a program that allocates nothing still has a length: the finish'"'"'s sample' '
	run_traced true.zst /bin/true &&
	analyze true.zst --json >true.json &&
	jq -e ".alloc_calls == 0 and .duration_ns > 0" true.json
'

test_done
