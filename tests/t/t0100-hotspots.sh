#!/bin/sh

test_description='CPU sampling: a known 3:1 split, per thread, SIGPROF left to the program'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/cpu.c. "split": burn_three() does three times
# the work of burn_one(), interleaved, both under work(). "threads": one
# thread runs only burn_three(), another only burn_one(), same 3:1 ratio.

# fn_field JSON FUNCTION FIELD - FIELD of FUNCTION in .functions (0 if absent).
fn_field () {
	jq -r --arg f "$2" --arg k "$3" \
		'[.functions[] | select(.function == $f)][0][$k] // 0' "$1"
}

# within VALUE WANT TOL - |VALUE - WANT| <= TOL (decimals allowed).
within () {
	awk -v v="$1" -v w="$2" -v t="$3" 'BEGIN {
		d = v - w; if (d < 0) d = -d
		if (d > t) { printf "%s is not within %s of %s\n", v, t, w > "/dev/stderr"; exit 1 }
	}'
}

test_expect_success 'setup: trace the split (output and status unchanged)' '
	capture native "$PROGS/cpu" split &&
	capture_traced shim split.zst "$PROGS/cpu" split &&
	test_same_run native shim &&
	analyze split.zst --hotspots --json >split.json &&
	jq -e . split.json >/dev/null
'

test_expect_success 'the samples cover the CPU time (a sample per ms)' '
	n=$(jq .samples split.json) &&
	test "$n" -ge 100 &&
	test_cmp_str period 1000000 "$(jq .sample_period_ns split.json)"
'

# The kernel checks CPU timers on its tick: one signal can stand for
# several 1 ms periods (4 on a 250 Hz kernel), each a SAMPLE of one
# time and stack. At 50 Hz a period is longer than any tick.
test_expect_success 'timer signals: at most the samples, one a sample at 50 Hz' '
	n=$(jq .samples split.json) && s=$(jq .timer_signals split.json) &&
	test "$s" -gt 0 && test "$s" -le "$n" &&
	PERFSHIM_SAMPLE_HZ=50 capture_traced slow slow.zst "$PROGS/cpu" split &&
	analyze slow.zst --hotspots --json >slow.json &&
	n=$(jq .samples slow.json) && s=$(jq .timer_signals slow.json) &&
	test "$n" -ge 5 && test "$s" -le "$n" && test $((s * 10)) -ge $((n * 9))
'

test_expect_success 'burn_three gets 75% and burn_one 25% of the samples (+-5 points)' '
	within "$(fn_field split.json burn_three self_pct)" 75 5 &&
	within "$(fn_field split.json burn_one self_pct)" 25 5 &&
	within "$(fn_field split.json burn_three total_pct)" 75 5
'

test_expect_success 'inclusive time: work and main hold (nearly) all of it, no self time' '
	within "$(fn_field split.json work total_pct)" 100 2 &&
	within "$(fn_field split.json main total_pct)" 100 2 &&
	within "$(fn_field split.json work self_pct)" 0 2 &&
	test_cmp_str "calls of a function nobody instrumented" null \
		"$(jq -c "[.functions[] | select(.function == \"work\")][0].calls" split.json)"
'

test_expect_success 'self_ns is self_samples times the period; the file and line name the function' '
	jq -e "[.functions[] | select(.self_ns != .self_samples * 1000000)] | length == 0" split.json &&
	jq -e "[.functions[] | select(.function == \"burn_three\")][0] |
		(.file | endswith(\"cpu.c\")) and .module == \"cpu\" and .line > 0" split.json
'

test_expect_success 'the top call path is main;work;burn_three' '
	test_cmp_str "top path" "main;work;burn_three" "$(jq -r ".paths[0].stack" split.json)"
'

test_expect_success 'the text report ranks burn_three first, with its percentage' '
	analyze split.zst --hotspots >split.txt &&
	grep -A2 "^Functions by self time" split.txt >head &&
	sed -n 3p head | grep "burn_three" &&
	grep "main;work;burn_one" split.txt
'

test_expect_success 'threads: each burning function on its own thread, 3:1' '
	capture_traced thr threads.zst "$PROGS/cpu" threads &&
	test_cmp_str status 0 "$(cat thr.code)" &&
	analyze threads.zst --hotspots --json >threads.json &&
	within "$(fn_field threads.json burn_three self_pct)" 75 5 &&
	jq -e "[.threads[] | select(.top_function == \"burn_three\")] | length == 1" threads.json &&
	jq -e "[.threads[] | select(.top_function == \"burn_one\")] | length == 1" threads.json
'

test_expect_success '--thread keeps one thread: the burn_one thread is all burn_one' '
	t=$(jq "[.threads[] | select(.top_function == \"burn_one\")][0].thread" threads.json) &&
	analyze threads.zst --hotspots --json --thread "$t" >one.json &&
	within "$(fn_field one.json burn_one self_pct)" 100 1 &&
	test_cmp_str burn_three 0 "$(fn_field one.json burn_three self_samples)"
'

test_expect_success 'thread stacks start at the thread function (spin_a), not in libc' '
	jq -e "[.paths[] | select(.stack | startswith(\"spin_a;burn_three\"))] | length == 1" threads.json
'

test_expect_success 'fork: the child samples itself, into its own trace' '
	mkdir forked &&
	capture_traced fork "forked/t.%p.zst" "$PROGS/cpu" fork 6 &&
	test_cmp_str status 0 "$(cat fork.code)" &&
	for t in forked/*
	do
		analyze "$t" --hotspots --json >"$t.json" || return 1
	done &&
	jq -s -e "map(.functions[0].function) | sort == [\"burn_one\", \"burn_three\"]" forked/*.json &&
	jq -s -e "map(select(.samples < 50)) | length == 0" forked/*.json
'

test_expect_success 'PERFSHIM_UNWIND=fp: stacks from frame pointers, the same split' '
	PERFSHIM_UNWIND=fp capture_traced fp fp.zst "$PROGS/cpu" split &&
	test_same_run native fp &&
	analyze fp.zst --hotspots --json >fp.json &&
	within "$(fn_field fp.json burn_three self_pct)" 75 5 &&
	within "$(fn_field fp.json main total_pct)" 100 2
'

# Samples land everywhere: in malloc, in the shim, in thread start and
# exit. 10 kHz on threads.c (churn, hand-offs, 500 short-lived threads)
# must neither hang nor lose an event.
test_expect_success '10 kHz sampling under thread churn: no deadlock, exact leak totals' '
	capture busy timeout 60 env LD_PRELOAD="$SHIM" PERFSHIM_SAMPLE_HZ=10000 \
		PERFSHIM_OUTPUT=busy.zst "$PROGS/threads" &&
	test_cmp_str status 0 "$(cat busy.code)" &&
	leaks_json busy.zst busy.json &&
	check_leak busy.json threads.c thread 6400 200 1 &&
	capture short timeout 60 env LD_PRELOAD="$SHIM" PERFSHIM_SAMPLE_HZ=10000 \
		PERFSHIM_OUTPUT=short.zst "$PROGS/threads" short-lived &&
	test_cmp_str status 0 "$(cat short.code)" &&
	leaks_json short.zst short.json &&
	check_leak short.json threads.c short_thread 12000 500 1 &&
	analyze busy.zst >busy.summary 2>busy.warn &&
	ended_cleanly busy.summary &&
	! grep -i "lost\|fewer" busy.warn
'

test_expect_success 'dlopen/dlclose storm at 10 kHz: samples in the loader are dropped, counted' '
	capture dl timeout 60 env LD_PRELOAD="$SHIM" PERFSHIM_SAMPLE_HZ=10000 \
		PERFSHIM_OUTPUT=dl.zst "$PROGS/cpu" dlopen "$PROGS/libleaky.so" 1000 &&
	test_cmp_str status 0 "$(cat dl.code)" &&
	analyze dl.zst --hotspots --json >dl.json &&
	jq -e ".samples > 0 and .dropped.in_loader_or_unwinder > 0" dl.json
'

test_expect_success 'PERFSHIM_SAMPLE_HZ=0: no samples, and the report says sampling was off' '
	PERFSHIM_SAMPLE_HZ=0 capture_traced off off.zst "$PROGS/cpu" split 2 &&
	analyze off.zst --hotspots >off.txt &&
	grep "No CPU sampling" off.txt &&
	test_cmp_str samples 0 "$(analyze off.zst --hotspots --json | jq .samples)"
'

test_expect_success 'the program that uses SIGPROF itself gets it, and we step aside' '
	capture native-p "$PROGS/cpu" sigprof 4 &&
	capture_traced shim-p prof.zst "$PROGS/cpu" sigprof 4 &&
	test_same_run native-p shim-p &&
	grep "own sigprof: ok" shim-p.out &&
	analyze prof.zst --hotspots >prof.txt &&
	grep "No CPU sampling" prof.txt
'

test_done
