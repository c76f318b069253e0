#!/bin/sh

test_description='leak options imply --leaks; a failed gate says why; every --json has a gate field'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/gate.c "both" leaks 300 bytes in 1 block in
# gate_leak_alpha() and 200 bytes in 2 blocks in gate_leak_beta(), both
# definite; "none" leaks nothing. growth.c "leak" leaks 48 bytes per
# marker (GROWING).

test_expect_success 'setup: trace gate both and none, a growing run, a cut-short one' '
	run_traced both.zst "$PROGS/gate" both &&
	run_traced none.zst "$PROGS/gate" none &&
	run_traced grow.zst "$PROGS/growth" leak 80 500 &&
	head -c $(trace_header_len none.zst) none.zst >header.zst &&
	echo "leak:gate_leak_beta" >supp
'

for opt in "--min-bytes 250" "--suppressions supp" \
	"--leak-kinds definite" "--show-runtime"
do
	test_expect_success "$opt alone is the leak report, as with --leaks" '
		analyze both.zst $opt >alone.txt &&
		analyze both.zst --leaks $opt >with.txt &&
		test_cmp with.txt alone.txt &&
		grep "^Total: " alone.txt &&
		analyze both.zst $opt --json >alone.json &&
		analyze both.zst --leaks $opt --json >with.json &&
		test_cmp with.json alone.json
	'
done

test_expect_success '--min-bytes alone keeps the rule: beta (200 B) is left out' '
	analyze both.zst --min-bytes 250 >min.txt &&
	grep "^300 B in 1 block (definite) allocated at:" min.txt &&
	grep "^Not shown: 200 B in 2 blocks from 1 site below --min-bytes.$" min.txt
'

test_expect_success 'a failed leak gate: exit 1 and one line on stderr that says why' '
	test_expect_code 1 analyze both.zst --fail-on-leak >out 2>err &&
	echo "perfanalyze: gate failed: 2 leak sites, 500 B in 3 blocks (definite)" >expect &&
	test_cmp expect err
'

test_expect_success 'a failed leak gate with --min-bytes: only what it counts' '
	test_expect_code 1 analyze both.zst --fail-on-leak --min-bytes 250 >out 2>err &&
	echo "perfanalyze: gate failed: 1 leak site, 300 B in 1 block (definite)" >expect &&
	test_cmp expect err
'

test_expect_success 'a passed leak gate: exit 0, stderr empty' '
	test_expect_code 0 analyze none.zst --fail-on-leak >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'a failed growth gate: exit 1 and one line on stderr that says why' '
	test_expect_code 1 analyze grow.zst --fail-on-growth >out 2>err &&
	echo "perfanalyze: gate failed: memory is GROWING: 48 B per marker (heap)" >expect &&
	test_cmp expect err
'

test_expect_success '--json leak gate failed: the gate field, with its raw numbers' '
	test_expect_code 1 analyze both.zst --fail-on-leak --json >g.json 2>err &&
	jq -c .gate g.json >actual &&
	echo "{\"checked\":true,\"passed\":false,\"gate\":\"leak\",\"reason\":\"2 leak sites, 500 B in 3 blocks (definite)\",\"incomplete\":null,\"sites\":2,\"bytes\":500,\"blocks\":3}" >expect &&
	test_cmp expect actual
'

test_expect_success '--json leak gate passed: checked, passed' '
	analyze none.zst --fail-on-leak --json >p.json &&
	jq -c .gate p.json >actual &&
	echo "{\"checked\":true,\"passed\":true,\"gate\":\"leak\",\"reason\":\"no leak site of a kind the gate counts\",\"incomplete\":null,\"sites\":0,\"bytes\":0,\"blocks\":0}" >expect &&
	test_cmp expect actual
'

test_expect_success '--json growth gate failed: verdict, slope and unit' '
	test_expect_code 1 analyze grow.zst --fail-on-growth --json >gg.json 2>err &&
	jq -c .gate gg.json >actual &&
	echo "{\"checked\":true,\"passed\":false,\"gate\":\"growth\",\"reason\":\"memory is GROWING: 48 B per marker (heap)\",\"incomplete\":null,\"verdict\":\"GROWING\",\"slope\":48,\"unit\":\"marker\"}" >expect &&
	test_cmp expect actual
'

test_expect_success '--json on a header-only trace: the gate did not pass, and says why' '
	analyze_status h header.zst --fail-on-leak --json &&
	test_cmp_str status 2 "$(cat h.code)" &&
	jq -e ".gate.checked == true and .gate.passed == false and .gate.incomplete == \"holds no records (header only)\"" h.out
'

test_expect_success 'every other --json report carries an unchecked gate field' '
	echo "{\"checked\":false,\"passed\":null,\"gate\":null,\"reason\":null}" >expect &&
	for args in "" "--leaks" "--hotspots" "--by bytes" "--growth" \
		"--timeline" "--min-bytes 1"
	do
		analyze both.zst $args --json >r.json &&
		jq -c .gate r.json >actual &&
		test_cmp expect actual || return 1
	done
'

test_done
