#!/bin/sh

test_description='a stack overflow still finishes the trace (alternate signal stack)'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/overflow.c leaks 123 bytes at LEAK:before,
# then recurses until the stack is gone, in the main thread or in a
# second thread. Without a stack set aside for signals, no handler can
# run and the trace would end unwritten.

SRC=overflow.c

# MODE:SIGNAL:STATUS:TITLE. small and small-term set the program's own
# alternate stack, with room for a signal frame and 2 KiB: the shim's
# handler does its scan and last write on a stack of its own (a
# program's may be as small as Rust's 8 KiB).
for how in 'main:11:139:overflow (main thread)' \
	'thread:11:139:overflow (thread thread)' \
	'small:11:139:overflow (own small alternate stack)' \
	'small-term:15:143:SIGTERM (own small alternate stack)'
do
	mode=${how%%:*}
	how=${how#*:}
	sig=${how%%:*}
	how=${how#*:}
	status=${how%%:*}
	title=${how#*:}
	test_expect_success "$title: same status ($status) and stderr as native" "
		capture $mode.native \"\$PROGS/overflow\" $mode &&
		capture_traced $mode.shim $mode.zst \"\$PROGS/overflow\" $mode &&
		test_same_run $mode.native $mode.shim &&
		test_cmp_str status $status \"\$(cat $mode.shim.code)\"
	"

	test_expect_success "$title: the trace ends with signal $sig and has the leak" "
		analyze_status s $mode.zst &&
		test_cmp_str 'perfanalyze status' 0 \"\$(cat s.code)\" &&
		ended_line s.out | grep -i 'signal $sig' &&
		leaks_json $mode.zst $mode.json &&
		check_leak $mode.json \$SRC before 123 1 1
	"
done

# The shim's CPU samples (SIGPROF) come on the thread's alternate stack:
# there was no room for them where these programs run.
for how in 'edge:a thread that runs with 256 bytes of stack left' \
	'nested:a handler with 1 KiB left on its own alternate stack'
do
	mode=${how%%:*}
	test_expect_success "${how#*:} runs as natively" "
		capture $mode.native \"\$PROGS/overflow\" $mode &&
		capture_traced $mode.shim $mode.zst \"\$PROGS/overflow\" $mode &&
		test_same_run $mode.native $mode.shim &&
		test_cmp_str status 0 \"\$(cat $mode.shim.code)\" &&
		grep '$mode ok' $mode.shim.out &&
		analyze_status s $mode.zst &&
		ended_cleanly s.out
	"
done

test_expect_success 'a program with its own alternate signal stack keeps it' '
	run_traced own.zst "$PROGS/overflow" sigaltstack >out 2>err &&
	grep "own altstack kept" out
'

# tests/programs/probe_altstack.c: what sigaltstack() tells the program
# in each thread. The shim takes a thread's stack in one call, and puts
# back at once one the thread had set before its first allocation (with
# no CPU sampling, the shim's first look at a thread is that allocation).
test_expect_success 'sigaltstack tells each thread what it does natively' '
	capture alt.native "$PROGS/probe_altstack" &&
	grep "first flags: as set" alt.native.out &&
	capture_traced alt.shim alt.zst "$PROGS/probe_altstack" &&
	test_same_run alt.native alt.shim &&
	capture_traced alt.nosample alt2.zst env PERFSHIM_SAMPLE_HZ=0 \
		"$PROGS/probe_altstack" &&
	test_same_run alt.native alt.nosample
'

test_done
