#!/bin/sh

test_description='program handlers that jump out of a computation: the rest of the run is traced'

. "$(dirname "$0")/test-lib.sh"

# Known truth: probe_alarm_jump jumps out of a loop from a SIGALRM handler
# 400 times in its main thread and 400 in another, runs a handler with
# 300 KiB of locals 400 times, forks 8 times, and then leaves 3 blocks of
# 100 B (tests/programs/probe_alarm_jump.c). t0300 compares its output
# with the native run's; here its trace must hold the leak. With the
# sampler's handler open to other signals, a jump out of a program
# handler that ran on top of it left the thread as if inside the shim:
# its later allocations went untraced, and --fail-on-leak passed.

PROG=$PROGS/probe_alarm_jump

test_expect_success 'three runs at 10 kHz: the same output, a trace that holds the leak' '
	for i in 1 2 3
	do
		PERFSHIM_SAMPLE_HZ=10000 run_traced j$i.zst "$PROG" >out$i 2>err$i ||
			return 1
		test_must_be_empty err$i &&
		test_cmp_str "output" "timeouts: 400 in main, 400 in a thread" \
			"$(head -1 out$i)" &&
		test_cmp_str forks "forks: 8" "$(sed -n 3p out$i)" &&
		analyze_status g$i j$i.zst --fail-on-leak &&
		test_cmp_str "gate status" 1 "$(cat g$i.code)" &&
		grep "gate failed: 1 leak site, 300 B in 3 blocks (definite)" g$i.err ||
			return 1
	done
'

test_expect_success 'every run sampled: the ticks met the handlers' '
	for i in 1 2 3
	do
		analyze j$i.zst --json >s$i.json &&
		jq -e ".metrics.program.cpu_time > 0" s$i.json || return 1
	done
'

test_done
