#!/bin/sh

test_description='a stack overflow still finishes the trace (alternate signal stack)'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/overflow.c leaks 123 bytes at LEAK:before,
# then recurses until the stack is gone, in the main thread or in a
# second thread. Without a stack set aside for signals, no handler can
# run and the trace would end unwritten.

SRC=overflow.c

for where in main thread
do
	test_expect_success "overflow ($where thread): same status (139) and stderr as native" "
		capture $where.native \"\$PROGS/overflow\" $where &&
		capture_traced $where.shim $where.zst \"\$PROGS/overflow\" $where &&
		test_same_run $where.native $where.shim &&
		test_cmp_str status 139 \"\$(cat $where.shim.code)\"
	"

	test_expect_success "overflow ($where thread): the trace ends with SIGSEGV and has the leak" "
		analyze_status s $where.zst &&
		test_cmp_str 'perfanalyze status' 0 \"\$(cat s.code)\" &&
		ended_line s.out | grep -i 'signal 11' &&
		leaks_json $where.zst $where.json &&
		check_leak $where.json \$SRC before 123 1 1
	"
done

# The program's own alternate stack, with room for a signal frame and
# 2 KiB: the shim's handler does its scan and last write on a stack of
# its own (a program's may be as small as Rust's 8 KiB).
for how in small:11:139 small-term:15:143
do
	mode=${how%%:*}
	sig=${how#*:}
	status=${sig#*:}
	sig=${sig%:*}
	test_expect_success "$mode (own small alternate stack): same status ($status) and stderr as native" "
		capture $mode.native \"\$PROGS/overflow\" $mode &&
		capture_traced $mode.shim $mode.zst \"\$PROGS/overflow\" $mode &&
		test_same_run $mode.native $mode.shim &&
		test_cmp_str status $status \"\$(cat $mode.shim.code)\"
	"

	test_expect_success "$mode (own small alternate stack): the trace ends with signal $sig and has the leak" "
		analyze_status s $mode.zst &&
		test_cmp_str 'perfanalyze status' 0 \"\$(cat s.code)\" &&
		ended_line s.out | grep -i 'signal $sig' &&
		leaks_json $mode.zst $mode.json &&
		check_leak $mode.json \$SRC before 123 1 1
	"
done

# The shim's CPU samples (SIGPROF) come on the thread's alternate stack:
# there was no room for them where these programs run.
test_expect_success 'a thread that runs with 256 bytes of stack left runs as natively' '
	capture edge.native "$PROGS/overflow" edge &&
	capture_traced edge.shim edge.zst "$PROGS/overflow" edge &&
	test_same_run edge.native edge.shim &&
	test_cmp_str status 0 "$(cat edge.shim.code)" &&
	grep "edge ok" edge.shim.out &&
	analyze_status s edge.zst &&
	ended_cleanly s.out
'

test_expect_success 'a handler with 1 KiB left on its own alternate stack runs as natively' '
	capture nested.native "$PROGS/overflow" nested &&
	capture_traced nested.shim nested.zst "$PROGS/overflow" nested &&
	test_same_run nested.native nested.shim &&
	test_cmp_str status 0 "$(cat nested.shim.code)" &&
	grep "nested ok" nested.shim.out &&
	analyze_status s nested.zst &&
	ended_cleanly s.out
'

test_expect_success 'a program with its own alternate signal stack keeps it' '
	run_traced own.zst "$PROGS/overflow" sigaltstack >out 2>err &&
	grep "own altstack kept" out
'

test_done
