#!/bin/sh

test_description='the scan and other threads: stopped unseen, their registers, stacks, arguments and return values'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/reach_scan.c (memcheck agrees with each
# verdict). That stopping threads changes no blocking call's result is
# tests/programs/probe_scan_stop.c, run by t0300.
SRC=reach_scan.c

# check_kind JSON TAG KIND BYTES BLOCKS
check_kind () {
	check_kind_src "$1" "$SRC" "$2" "$3" "$4" "$5"
}

# run_mode NAME MODE [VAR=VALUE...] - run reach_scan MODE traced to
# NAME.zst (exit 0, nothing on stderr), its leak report in NAME.json.
run_mode () {
	run_mode_n_=$1
	run_mode_m_=$2
	shift 2
	capture "$run_mode_n_" timeout 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT="$run_mode_n_.zst" "$@" \
		"$PROGS/reach_scan" "$run_mode_m_" &&
	test_cmp_str "$run_mode_n_ status" 0 "$(cat "$run_mode_n_.code")" &&
	test_must_be_empty "$run_mode_n_.err" &&
	leaks_json "$run_mode_n_.zst" "$run_mode_n_.json"
}

test_expect_success 'a thread not started yet: the argument it is to take is not lost' '
	run_mode args args &&
	echo "args: 0 checks found the argument lost" >expect &&
	test_cmp expect args.out
'

test_expect_success 'an ended thread not joined yet: what it returned is reachable' '
	run_mode ret retval &&
	check_kind ret.json retval reachable 800 1 &&
	check_kind ret.json retval-exit reachable 1000 1
'

test_expect_success 'an ended thread joined: what it returned, dropped, is definite' '
	check_kind ret.json retval-joined definite 900 1
'

test_expect_success 'the same at abort(), where the scan runs in the signal handler' '
	capture ra timeout 60 env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=ra.zst \
		"$PROGS/reach_scan" retval-abort &&
	test_cmp_str status 134 "$(cat ra.code)" &&
	leaks_json ra.zst ra.json &&
	check_kind ra.json retval reachable 800 1 &&
	check_kind ra.json retval-exit reachable 1000 1 &&
	check_kind ra.json retval-joined definite 900 1
'

test_expect_success 'a thread on a stack the program allocated: its root is that block, not the heap above it' '
	run_mode hs heapstack &&
	check_kind hs.json list-head definite 1000 1 &&
	check_kind hs.json list-tail indirect 48 1
'

test_expect_success 'exit() from a makecontext() stack the program allocated: the same' '
	run_mode uc ucontext &&
	check_kind uc.json list-head definite 1000 1 &&
	check_kind uc.json list-tail indirect 48 1
'

test_expect_success 'below the stack pointer is no root: a block a blocked thread dropped is definite' '
	run_mode drop dropped &&
	check_kind drop.json dropped-blocked definite 600 1
'

test_expect_success 'a pointer only in a vector register: reachable, 10 runs of 10' '
	for i in 0 1 2 3 4 5 6 7 8 9
	do
		run_mode xmm$i xmm &&
		check_kind xmm$i.json in-xmm reachable 700 1 &&
		check_kind xmm$i.json in-ymm reachable 750 1 || return 1
	done
'

test_expect_success 'stopping by signal: a pointer only in a vector register: reachable, 10 runs of 10' '
	for i in 0 1 2 3 4 5 6 7 8 9
	do
		run_mode sxmm$i xmm PERFSHIM_SCAN_STOP=signal &&
		check_kind sxmm$i.json in-xmm reachable 700 1 &&
		check_kind sxmm$i.json in-ymm reachable 750 1 || return 1
	done
'

# A thread that blocked the stop signal when the stop looked was skipped
# (1 scan of reach_scan xmm in 100, a CPU sample's unwinding holding every
# signal at that moment): this one blocks every signal by turns, half of
# the time, and the old stop missed its register 14 runs of 20.
test_expect_success 'stopping by signal: a thread that blocks every signal by turns is stopped once it unblocks, 10 runs' '
	for i in 0 1 2 3 4 5 6 7 8 9
	do
		run_mode fl$i flicker PERFSHIM_SCAN_STOP=signal &&
		check_kind fl$i.json flicker reachable 720 1 || return 1
	done
'

# A thread stopped in a signal handler that runs on the shim's alternate
# stack: the signal frames there hold what the interrupted code had in
# its registers, and that code's frames are on the thread's stack.
for stop in ptrace signal
do
	test_expect_success "stopped in a handler on the alternate stack ($stop): its frame and the stack under it are roots" "
		run_mode ih-$stop inhandler PERFSHIM_SCAN_STOP=$stop &&
		check_kind ih-$stop.json in-handler reachable 600 1 &&
		check_kind ih-$stop.json under-handler reachable 650 1
	"
done

test_expect_success 'a thread that blocks every signal stops too' '
	run_mode bl blocked &&
	check_kind bl.json sigblocked reachable 75 1 &&
	analyze bl.zst --leaks >bl.txt &&
	! grep "did not stop" bl.txt
'

test_expect_success 'stopping by signal: blocking calls interrupted are made again (probe_scan_stop)' '
	capture native timeout 60 "$PROGS/probe_scan_stop" &&
	capture sig timeout 60 env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=sig.zst \
		PERFSHIM_SCAN_STOP=signal "$PROGS/probe_scan_stop" &&
	test_same_result native sig &&
	grep "^poll: 0" sig.out
'

test_lazy_prereq STRACE 'strace -o /dev/null true'

test_expect_success STRACE 'traced already (strace): the scan stops threads by signal' '
	capture st timeout 60 strace -f -o /dev/null env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=st.zst "$PROGS/reach_scan" blocked &&
	test_cmp_str status 0 "$(cat st.code)" &&
	leaks_json st.zst st.json &&
	check_kind st.json sigblocked reachable 75 1 &&
	analyze st.zst --leaks >st.txt &&
	grep "1 thread did not stop for the last scan" st.txt
'

test_expect_success 'PERFSHIM_SCAN_STOP: a bad value is ignored, said once' '
	capture bad env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=bad.zst \
		PERFSHIM_SCAN_STOP=sometimes "$PROGS/reach_scan" blocked &&
	test_cmp_str status 0 "$(cat bad.code)" &&
	grep "ignoring PERFSHIM_SCAN_STOP=sometimes" bad.err >said &&
	test_line_count = 1 said
'

test_done
