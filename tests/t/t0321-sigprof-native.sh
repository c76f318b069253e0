#!/bin/sh

test_description='the sampler'"'"'s SIGPROF ticks stay the shim'"'"'s; the program'"'"'s own SIGPROF acts natively'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/probe_raise_prof.c and probe_sigwait_prof.c
# (t0300 compares their output with the native runs). Here: the traces
# of the processes that SIGPROF ended say so, and a program that blocks
# SIGPROF and sigwaits is still sampled while it does not block it.

test_expect_success 'SIGPROF raised, sent, queued or from its own timer ends the process, traced' '
	capture native "$PROGS/probe_raise_prof" &&
	test_cmp_str "native status" 155 "$(cat native.code)" &&
	mkdir raise &&
	capture shim timeout -k 5 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT="$PWD/raise/t.%p.zst" "$PROGS/probe_raise_prof" &&
	test_same_result native shim &&
	for t in raise/*.zst; do
		analyze "$t" >"$t.summary" || return 1
		ended_line "$t.summary" || return 1
	done >ends &&
	test "$(grep -c "killed by signal 27" ends)" = 6 &&
	test "$(grep -c "by _exit(0)" ends)" = 4 &&
	test_line_count = 10 ends
'

test_expect_success 'at 10 kHz, no tick reaches sigwait, sigtimedwait or a signalfd' '
	capture native-w "$PROGS/probe_sigwait_prof" &&
	capture shim-w timeout -k 5 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_SAMPLE_HZ=10000 PERFSHIM_OUTPUT="$PWD/w.zst" \
		"$PROGS/probe_sigwait_prof" &&
	test_same_run native-w shim-w &&
	test_must_fail grep SIGPROF shim-w.out
'

test_expect_success 'sampled while SIGPROF is not blocked: 60 ms of CPU time, 500+ samples at 10 kHz' '
	analyze w.zst --hotspots --json >w.json &&
	jq -e ".samples >= 500" w.json
'

test_done
