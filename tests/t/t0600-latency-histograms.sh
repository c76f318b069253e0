#!/bin/sh

test_description='latency histograms: zones and instrumented functions, per call'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/latency.c (zone "request": 90 calls of 1 ms,
# 10 of 10 ms, over two threads) and tests/programs/instr.c (exact call
# counts; nap() sleeps 20 ms). Until --hotspots prints percentiles, the
# histograms are read with the reader's own unit test in dump mode:
#   zone|function NAME count p50 p90 p95 p99 max lost N   (ns)
HIST=$PERFSHIM_BUILD/tests/unit/t_histtrace

# field FILE KIND NAME N - field N of the line for KIND NAME.
field () {
	awk -v k="$2" -v n="$3" -v f="$4" '$1 == k && $2 == n { print $f }' "$1"
}

# ms_between NS LO HI - NS nanoseconds lie within [LO, HI] milliseconds.
ms_between () {
	awk -v n="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		ms = n / 1e6
		if (n == "" || ms < lo || ms > hi) { printf "%s ms is not within [%s, %s]\n", ms, lo, hi > "/dev/stderr"; exit 1 }
	}'
}

test_expect_success 'setup: trace latency (output and status unchanged)' '
	capture native "$PROGS/latency" &&
	capture_traced shim latency.zst "$PROGS/latency" &&
	test_same_run native shim &&
	timeout 60 "$HIST" latency.zst >latency.txt &&
	cat latency.txt
'

test_expect_success 'the zone counts every call of both threads, none lost' '
	test_cmp_str calls 100 "$(field latency.txt zone request 3)" &&
	test_cmp_str lost 0 "$(field latency.txt zone request 10)"
'

# A busy-wait is as long as asked, or longer when the thread is preempted
# (a loaded machine): lower bounds are tight, upper bounds generous. The
# unit tests t_hist and t_histtrace check the values exactly.
test_expect_success 'p50 is a 1 ms call, p95 and p99 the 10 ms ones' '
	ms_between "$(field latency.txt zone request 4)" 0.98 9 &&
	ms_between "$(field latency.txt zone request 6)" 9.8 1000 &&
	ms_between "$(field latency.txt zone request 7)" 9.8 1000 &&
	ms_between "$(field latency.txt zone request 8)" 9.8 1000
'

test_expect_success 'setup: trace instr' '
	run_traced instr.zst "$PROGS/instr" >/dev/null &&
	timeout 60 "$HIST" instr.zst >instr.txt &&
	cat instr.txt
'

test_expect_success 'functions: one count per call, over every path and thread' '
	test_cmp_str tick 2000 "$(field instr.txt function tick 3)" &&
	test_cmp_str fib 177 "$(field instr.txt function fib 3)" &&
	test_cmp_str nap 8 "$(field instr.txt function nap 3)" &&
	test_cmp_str after_jump 10 "$(field instr.txt function after_jump 3)"
'

test_expect_success 'functions: nap() sleeps 20 ms per call' '
	ms_between "$(field instr.txt function nap 4)" 19.8 1000 &&
	ms_between "$(field instr.txt function nap 8)" 19.8 1000
'

test_expect_success 'fork: the child starts its histograms afresh, the parent keeps its own' '
	mkdir fork &&
	run_traced fork/t.%p.zst "$PROGS/latency" fork >fork.out &&
	test_cmp_str out forked "$(cat fork.out)" &&
	for t in fork/t.*.zst
	do
		timeout 60 "$HIST" "$t" >"$t.txt" || return 1
	done &&
	child=$(grep -l "^zone child " fork/*.txt) &&
	parent=$(grep -L "^zone child " fork/*.txt) &&
	test_cmp_str "parent before" 7 "$(field $parent zone before 3)" &&
	test_cmp_str "child child" 2 "$(field $child zone child 3)" &&
	test_cmp_str "child before" 1 "$(field $child zone before 3)"
'

test_expect_success 'a call still running at exit is in no histogram' '
	run_traced open.zst "$PROGS/latency" open >/dev/null &&
	timeout 60 "$HIST" open.zst >open.txt &&
	test_cmp_str done 1 "$(field open.txt zone done 3)" &&
	test_cmp_str open "" "$(field open.txt zone open 3)"
'

test_done
