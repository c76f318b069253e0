#!/bin/sh
test_description='trend --fail-on-trend does not pass on a build not seen whole'
. "$(dirname "$0")/test-lib.sh"

# Known truth: gate.c "none" ends cleanly; abnormal.c "kill" SIGKILLs
# itself, so its trace has no END record (cut short). A killed build's
# smaller figures can hide a creep, so the trend gate, like every gate,
# exits 2 on it unless --allow-incomplete. It exited 0 with a warning, and
# the summary of a directory whose later run was killed said complete.

GATE_LINE="a trend gate cannot pass on it; --allow-incomplete to judge what they hold"
# Traced runs' times are noise, and a gate that a creeping time already
# fails exits 1: no change of a traced metric is flagged here.
FLAT="--min-change 1000000"

# summary DIR NAME ALLOCS [COMPLETE] - a flat build's summary, by hand.
summary () {
	printf '{%s"metrics":{"program":{"allocs":%s,"duration":5e7}}}\n' \
		"${4:+\"complete\":$4,}" "$3" >"$1/$2"
}

test_expect_success 'setup: flat builds of summaries and of traces, one killed' '
	mkdir sums traces runs &&
	for b in 1 2 3 4 5
	do
		summary sums $b.json 1000 true &&
		run_traced traces/$b.zst "$PROGS/gate" none || return 1
	done &&
	summary sums 6.json 1000 false &&
	test_expect_code 137 run_traced traces/6.zst "$PROGS/abnormal" kill 500 &&
	cp traces/1.zst runs/a.zst &&
	cp traces/6.zst runs/b.zst
'

test_expect_success 'a summary with complete false: --fail-on-trend exits 2, one line' '
	analyze_status t trend sums --fail-on-trend &&
	test_cmp_str status 2 "$(cat t.code)" &&
	test_line_count = 1 t.err &&
	grep "sums/6.json: cut short, empty or stopped early, 1 of 6 builds: $GATE_LINE" t.err &&
	test_file_not_empty t.out
'

test_expect_success 'a cut-short trace among the builds: exit 2 naming it' '
	analyze_status t trend traces --fail-on-trend $FLAT &&
	test_cmp_str status 2 "$(cat t.code)" &&
	grep "traces/6.zst: cut short, empty or stopped early, 1 of 6 builds: $GATE_LINE" t.err
'

test_expect_success '--allow-incomplete judges what they hold; no gate: exit 0' '
	test_expect_code 0 analyze trend sums --fail-on-trend --allow-incomplete >out &&
	test_expect_code 0 analyze trend traces --fail-on-trend --allow-incomplete $FLAT >out 2>err &&
	test_expect_code 0 analyze trend sums >out &&
	! grep "$GATE_LINE" err
'

test_expect_success 'complete builds (and summaries without the member) pass' '
	rm sums/6.json &&
	summary sums 6.json 1000 &&
	test_expect_code 0 analyze trend sums --fail-on-trend >out
'

test_expect_success 'complete must be true or false' '
	summary sums 7.json 1000 \"yes\" &&
	analyze_status t trend sums &&
	test_cmp_str status 2 "$(cat t.code)" &&
	grep "sums/7.json: complete: not true or false" t.err
'

test_expect_success 'a directory of runs, a later one killed: its summary says so' '
	analyze runs --json >dir.json 2>/dev/null &&
	jq -e ".runs == 2 and .complete == false and .cut_short == true" dir.json &&
	analyze traces/1.zst --json >one.json &&
	jq -e ".complete == true and .cut_short == false" one.json
'

test_expect_success 'a build that is a directory with a killed run counts as one' '
	mkdir dirs &&
	for b in 1 2 3 4 5
	do
		mkdir dirs/$b && cp traces/1.zst dirs/$b/a.zst || return 1
	done &&
	cp -r runs dirs/6 &&
	analyze_status t trend dirs --fail-on-trend $FLAT &&
	test_cmp_str status 2 "$(cat t.code)" &&
	grep "dirs/6: cut short, empty or stopped early, 1 of 6 builds" t.err
'

test_done
