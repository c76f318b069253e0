#!/bin/sh

test_description='no gate passes on a trace that does not cover the run'

. "$(dirname "$0")/test-lib.sh"

# Known truth: gate.c "none" leaks nothing and ends cleanly; abnormal.c
# "kill" leaks 1234 bytes (LEAK:before_kill) and SIGKILLs itself, so its
# trace has no END record.

GATE_LINE="a gate cannot pass on it; --allow-incomplete to judge what it holds"

test_expect_success 'setup: a complete trace, a header-only one, a killed one' '
	run_traced none.zst "$PROGS/gate" none &&
	head -c $(trace_header_len none.zst) none.zst >header.zst &&
	test_expect_code 137 run_traced killed.zst "$PROGS/abnormal" kill 500 &&
	echo "leak:abnormal.c" >supp-all
'

test_expect_success 'complete trace, no leak: the gate passes, JSON complete true' '
	test_expect_code 0 analyze none.zst --fail-on-leak --json >out.json &&
	jq -e ".complete == true" out.json
'

test_expect_success 'header-only trace: --fail-on-leak exits 2 with one line saying why' '
	analyze_status h header.zst --fail-on-leak &&
	test_cmp_str status 2 "$(cat h.code)" &&
	test_cmp_str "gate lines" 1 "$(grep -c "$GATE_LINE" h.err)" &&
	grep "header.zst: holds no records (header only): $GATE_LINE" h.err
'

test_expect_success 'cut-short trace, every leak suppressed: --fail-on-leak exits 2' '
	analyze_status k killed.zst --fail-on-leak --suppressions supp-all &&
	test_cmp_str status 2 "$(cat k.code)" &&
	test_cmp_str "gate lines" 1 "$(grep -c "$GATE_LINE" k.err)" &&
	grep "killed.zst: cut short (no END record): $GATE_LINE" k.err
'

test_expect_success 'cut-short trace with leaks: the gate still fails (1)' '
	test_expect_code 1 analyze killed.zst --fail-on-leak >out 2>err &&
	! grep "$GATE_LINE" err
'

test_expect_success '--json on a cut-short trace says complete false, and the report is printed' '
	analyze_status j killed.zst --fail-on-leak --json --suppressions supp-all &&
	test_cmp_str status 2 "$(cat j.code)" &&
	jq -e ".complete == false and .leaks == []" j.out &&
	analyze killed.zst --json >sum.json 2>/dev/null &&
	jq -e ".complete == false and .cut_short == true" sum.json &&
	analyze none.zst --json >sum.json &&
	jq -e ".complete == true" sum.json
'

test_expect_success '--allow-incomplete lets the gate judge what the trace holds' '
	test_expect_code 0 analyze header.zst --fail-on-leak --allow-incomplete >out 2>err &&
	! grep "$GATE_LINE" err &&
	test_expect_code 0 analyze killed.zst --fail-on-leak --allow-incomplete --suppressions supp-all >out 2>err &&
	test_expect_code 1 analyze killed.zst --fail-on-leak --allow-incomplete >out 2>err
'

test_expect_success 'without a gate, a cut-short trace still reports (exit 0, a warning)' '
	test_expect_code 0 analyze killed.zst --leaks >out 2>err &&
	grep "cut short" err &&
	test_file_not_empty out &&
	test_expect_code 0 analyze header.zst --leaks >out 2>err &&
	grep "No leaks" out
'

test_expect_success '--fail-on-growth goes through the same rule' '
	analyze_status g header.zst --fail-on-growth &&
	test_cmp_str "header-only" 2 "$(cat g.code)" &&
	grep "$GATE_LINE" g.err &&
	analyze_status g killed.zst --fail-on-growth --json &&
	test_cmp_str "killed" 2 "$(cat g.code)" &&
	jq -e ".complete == false" g.out &&
	test_expect_code 2 analyze killed.zst --fail-on-growth --allow-incomplete \
		--warmup 99% >out 2>err &&
	grep "memory is INCONCLUSIVE: .*: the gate cannot judge it" err &&
	! grep "$GATE_LINE" err &&
	analyze none.zst --growth --json >g.json &&
	jq -e ".complete == true" g.json
'

# Known truth: tests/programs/seccomp_leak.c loses 100 blocks of 1000
# bytes after it turns seccomp on, where the shim's trace ends.
test_expect_success 'a trace stopped at seccomp: no gate passes, --allow-incomplete judges it' '
	run_traced sec.zst "$PROGS/seccomp_leak" >/dev/null 2>&1 &&
	analyze_status s sec.zst --fail-on-leak &&
	test_cmp_str status 2 "$(cat s.code)" &&
	grep "sec.zst: stopped before the program ended .*: $GATE_LINE" s.err &&
	analyze_status g sec.zst --fail-on-growth &&
	test_cmp_str "growth gate status" 2 "$(cat g.code)" &&
	analyze sec.zst --json >sec.json &&
	jq -e ".complete == false and .cut_short == false" sec.json &&
	test_expect_code 0 analyze sec.zst --fail-on-leak --allow-incomplete >/dev/null
'

test_expect_success 'diff --fail-on-regression: a side cut short or empty exits 2, either side' '
	analyze_status d1 diff none.zst header.zst --fail-on-regression &&
	test_cmp_str "NEW header-only" 2 "$(cat d1.code)" &&
	grep "header.zst: cut short, empty or stopped early, 1 of 1 runs of NEW: a regression gate cannot pass" d1.err &&
	analyze_status d2 diff killed.zst none.zst --fail-on-regression &&
	test_cmp_str "BASE killed" 2 "$(cat d2.code)" &&
	grep "killed.zst: .* runs of BASE" d2.err &&
	analyze_status d3 diff none.zst header.zst --fail-on-regression --allow-incomplete &&
	test "$(cat d3.code)" != 2 &&
	analyze_status d4 diff none.zst none.zst --fail-on-regression &&
	test_cmp_str "both whole" 0 "$(cat d4.code)"
'

test_done
