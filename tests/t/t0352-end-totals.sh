#!/bin/sh

test_description='the END record holds the real totals, and the analyzer cross-checks them'

. "$(dirname "$0")/test-lib.sh"

# t_end_totals (tests/unit) reads the END record of a trace, and writes a
# trace whose END totals disagree with its events.
END_TOTALS=$PERFSHIM_BUILD/tests/unit/t_end_totals

# same_totals TRACE - the END totals equal the events the analyzer
# replayed (a single-threaded end: nothing runs between the two).
same_totals () {
	"$END_TOTALS" --print "$1" >end.txt &&
	analyze_status s "$1" --json &&
	test_cmp_str "perfanalyze status" 0 "$(cat s.code)" &&
	jq -r "\"\(.alloc_calls) \(.free_calls) \(.alloc_bytes)\"" s.out >replayed.txt &&
	test_cmp replayed.txt end.txt &&
	! grep "fewer events" s.err
}

test_expect_success 'a trace whose END counts more events than it holds: warned, with both numbers' '
	"$END_TOTALS" --mismatch bad.zst &&
	analyze_status m bad.zst &&
	test_cmp_str "perfanalyze status" 0 "$(cat m.code)" &&
	grep "fewer events than the shim counted (3 of 5 allocations, 1 of 3 frees)" m.err
'

test_expect_success 'exit: the END totals are the trace'"'"'s allocations, frees and bytes' '
	test_expect_code 3 run_traced exit.zst "$PROGS/exit_status" exit 3 >/dev/null 2>&1 &&
	same_totals exit.zst &&
	test "$(cut -d" " -f1 end.txt)" -gt 0
'

test_expect_success 'threads that ended before the exit are counted too' '
	run_traced thr.zst "$PROGS/threads" short-lived &&
	same_totals thr.zst &&
	test "$(cut -d" " -f1 end.txt)" -ge 500
'

test_expect_success 'a fatal signal: the END totals are real too' '
	test_expect_code 134 run_traced abrt.zst "$PROGS/abnormal" abort 2>/dev/null &&
	same_totals abrt.zst &&
	test "$(cut -d" " -f1 end.txt)" -gt 0
'

test_expect_success 'a forked child counts only its own events' '
	run_traced fork.%p.zst "$PROGS/fork" leak >/dev/null &&
	for f in fork.*.zst
	do
		same_totals $f || return 1
	done
'

test_done
