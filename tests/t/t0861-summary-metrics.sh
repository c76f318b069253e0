#!/bin/sh
test_description='the summary JSON is the record of a build: its "metrics" object'
. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/workload.c ("leak N": 10 N allocations of
# 64 bytes freed at once, N blocks of 32 bytes kept, N calls of the zone
# "work") and tests/programs/instr.c (call counts of its functions).

test_expect_success 'setup: workload leak 1000, 1040, 1082' '
	mkdir runs &&
	for n in 1000 1040 1082
	do
		run_traced runs/w$n.zst "$PROGS/workload" leak $n || return 1
	done &&
	analyze runs/w1000.zst --json >one.json
'

test_expect_success 'program metrics: the exact counts and bytes' '
	jq -c ".metrics.program | [.allocs, .bytes, .peak_heap, .leaked, .leaked_blocks]" one.json >actual &&
	echo "[11000,672000,32000,32000,1000]" >expect &&
	test_cmp expect actual &&
	jq -e ".metrics.program | (.duration > 0) and (.rss_peak > 0) and has(\"cpu_time\")" one.json
'

test_expect_success 'a zone: calls exact, total, self and p50..max in ns' '
	jq -c ".metrics.zone.work | keys_unsorted" one.json >actual &&
	echo "[\"calls\",\"total\",\"self\",\"p50\",\"p90\",\"p95\",\"p99\",\"max\"]" >expect &&
	test_cmp expect actual &&
	jq -e ".metrics.zone.work | .calls == 1000 and .p50 <= .p99 and .p99 <= .max and .max <= .total" one.json
'

test_expect_success 'the run fields keep their names and values; metrics come last' '
	jq -c "{program, command, pid, alloc_calls, alloc_bytes, free_calls, peak_bytes, live_bytes, live_blocks}" one.json >sub &&
	echo "[11000,672000,10000,32000,32000,1000]" >expect &&
	jq -c "[.alloc_calls, .alloc_bytes, .free_calls, .peak_bytes, .live_bytes, .live_blocks]" sub >got &&
	test_cmp expect got &&
	jq -e "keys_unsorted | index(\"metrics\") == length - 1" one.json
'

test_expect_success 'instrumented functions: calls exact, no sampled functions, no sites' '
	run_traced instr.zst "$PROGS/instr" >/dev/null &&
	analyze instr.zst --json >instr.json &&
	jq -c ".metrics.function | [.nap.calls, .parent.calls, .tick.calls, .fib.calls, .after_jump.calls]" instr.json >actual &&
	echo "[8,3,2000,177,10]" >expect &&
	test_cmp expect actual &&
	jq -e ".metrics.function.nap.p50 >= 20000000 and .metrics.function.nap.p50 < 40000000" instr.json &&
	jq -e "[.metrics.function[] | has(\"cpu_time\") or has(\"cpu_share\")] | any | not" instr.json &&
	jq -e ".metrics | has(\"site\") | not" instr.json
'

test_expect_success 'a directory of runs: each metric the median, runs counted' '
	analyze runs --json >dir.json &&
	jq -c "[.runs, .metrics.program.allocs, .metrics.program.leaked, .metrics.zone.work.calls]" dir.json >actual &&
	echo "[3,11440,33280,1040]" >expect &&
	test_cmp expect actual
'

test_expect_success 'the text summary of a directory: exit 2, one line that says --json' '
	analyze_status dtext runs &&
	test_cmp_str status 2 "$(cat dtext.code)" &&
	test_line_count = 1 dtext.err &&
	grep "^perfanalyze: runs: a directory of runs: its summary (each metric the median of the runs) is --json only\$" dtext.err
'

test_expect_success 'through a pipe: one pass, the same record' '
	cat runs/w1000.zst | timeout 60 "$ANALYZE" /dev/stdin --json >pipe.json &&
	jq -c "del(.pid, .ppid) | .metrics.program |= del(.duration)" one.json >expect &&
	jq -c "del(.pid, .ppid) | .metrics.program |= del(.duration)" pipe.json >actual &&
	test_cmp expect actual
'

test_expect_success 'not a trace: exit 2, one line' '
	echo "not a trace" >bad.zst &&
	analyze_status bad bad.zst --json &&
	test_cmp_str status 2 "$(cat bad.code)" &&
	test_line_count = 1 bad.err &&
	test_must_be_empty bad.out
'

test_done
