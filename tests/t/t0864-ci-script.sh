#!/bin/sh
test_description='README "Performance tests in CI": its script, run on a tiny suite'
. "$(dirname "$0")/test-lib.sh"

# The script is taken from README.md as it stands (the sh block after
# the t0864 marker), so the documentation cannot drift from what works.
# Known truth: tests/programs/workload.c ("linear N": 10 N allocations,
# no leak; "leak N": N blocks of 32 bytes leak). The gates of other
# helpers' options (perfanalyze diff, --budget, --baseline) are tested
# only where this analyzer has them.

README=$SRC_PROGS/../../README.md

test_lazy_prereq DIFF '"$ANALYZE" --help | grep -q "perfanalyze diff"'
test_lazy_prereq BUDGET '"$ANALYZE" --help | grep -q -- --budget'
test_lazy_prereq BASELINE '"$ANALYZE" --help | grep -q -- --baseline'

# ci BUILD - run the script as build BUILD; its exit status in ci.code,
# its output in ci.out (stdout and stderr).
ci () {
	BUILD=$1 PERF=perf RUNS=3 PATH=$PWD/bin:$PATH \
		sh ./perf-ci.sh >ci.out 2>&1
	echo $? >ci.code
}

# suite N SHAPE - the suite: one test, "work", workload SHAPE N.
suite () {
	echo "work $PROGS/workload $2 $1" >perf/suite
}

test_expect_success 'setup: the script from the README, perfanalyze on PATH' '
	sed -n "/^<!-- t0864-ci-script.sh/,/^\`\`\`\$/p" "$README" |
		sed -e 1,2d -e "\$d" >perf-ci.sh &&
	head -n 1 perf-ci.sh >first &&
	echo "#!/bin/sh" >expect &&
	test_cmp expect first &&
	grep "^exit \"\$status\"\$" perf-ci.sh &&
	sh -n perf-ci.sh &&
	mkdir bin perf &&
	ln -s "$ANALYZE" bin/perfanalyze
'

test_expect_success 'first build: runs, a record in the history, no trend yet' '
	suite 1000 linear &&
	SHIM=$SHIM ci b1 &&
	find perf -name "run*" | sed "s|.*/||" | sort >runs &&
	printf "run1.zst\nrun2.zst\nrun3.zst\n" >expect &&
	test_cmp expect runs &&
	ls perf/history/work >hist &&
	echo 000001-b1.json >expect &&
	test_cmp expect hist &&
	jq -c "[.runs, .label.build, .metrics.program.allocs]" perf/history/work/000001-b1.json >actual &&
	echo "[3,\"b1\",10000]" >expect &&
	test_cmp expect actual &&
	! grep "^trend over" ci.out
'

test_expect_success 'the first build, leak-free and without a baseline, passes and is the baseline' '
	test_cmp_str "exit status" 0 "$(cat ci.code)" &&
	ls perf/baseline/work >runs &&
	test_line_count = 3 runs &&
	test_path_is_missing perf/new
'

test_expect_success 'builds creeping 4% each: the trend runs from the 5th, fails the 8th' '
	for b in 2 3 4 5 6 7 8
	do
		n=$(awk "BEGIN { printf \"%d\", 1000 * 1.04 ^ ($b - 1) + 0.5 }") &&
		suite $n linear &&
		SHIM=$SHIM ci b$b &&
		cp ci.out ci.$b.out &&
		echo "b$b $(cat ci.code)" >>codes || return 1
	done &&
	! grep "^trend over" ci.2.out ci.3.out ci.4.out &&
	grep "^trend over 5 builds" ci.5.out &&
	! grep "^diff: regression" ci.*.out &&
	grep "^perfanalyze: trend gate failed: .*, first allocs\$" ci.8.out &&
	grep "^allocs  *program  *10000  *13160 .* creeping\$" ci.8.out
'

test_expect_success DIFF,BASELINE '... and every diff and leak gate passes it: builds 2 to 4 pass, 8 fails' '
	head -n 3 codes >first &&
	printf "b2 0\nb3 0\nb4 0\n" >expect &&
	test_cmp expect first &&
	tail -n 1 codes >last &&
	echo "b8 1" >expect &&
	test_cmp expect last
'

test_expect_success 'the history holds every build, in order' '
	ls perf/history/work >actual &&
	for b in 1 2 3 4 5 6 7 8
	do
		echo 00000$b-b$b.json || return 1
	done >expect &&
	test_cmp expect actual
'

test_expect_success DIFF 'a build 60% hungrier: the diff fails it, the baseline stays' '
	rm -rf perf/history perf/baseline &&
	suite 1000 linear &&
	SHIM=$SHIM ci base &&
	test_cmp_str "exit status of the new baseline" 0 "$(cat ci.code)" &&
	cp -r perf/baseline keep &&
	suite 1600 linear &&
	SHIM=$SHIM ci bad &&
	test_cmp_str "exit status" 1 "$(cat ci.code)" &&
	grep "^diff: regression (" ci.out &&
	grep "^allocs  *program  *10000  *16000  *+60.0% .* regression\$" ci.out &&
	diff -r keep perf/baseline &&
	test -d perf/new/work
'

test_expect_success BASELINE 'a new leak site: the leak gate fails it' '
	rm -rf perf/history &&
	suite 1000 leak &&
	SHIM=$SHIM ci leaky &&
	test_cmp_str "exit status" 1 "$(cat ci.code)" &&
	grep "^31.3 KiB in 1,000 blocks (definite; new since the baseline) allocated at:\$" ci.out &&
	grep "^    #0  keep  tests/programs/workload.c:" ci.out
'

test_expect_success BUDGET 'over budget: exit 1; within it: the budget passes' '
	rm -rf perf/history perf/baseline &&
	suite 1000 linear &&
	mkdir -p perf/budgets &&
	echo "allocs <= 5000" >perf/budgets/work.budget &&
	SHIM=$SHIM ci over &&
	test_cmp_str "exit status" 1 "$(cat ci.code)" &&
	grep "^  allocs <= 5000  *10000  *5000  EXCEEDED\$" ci.out &&
	rm -rf perf/history perf/baseline &&
	echo "allocs <= 2e4" >perf/budgets/work.budget &&
	SHIM=$SHIM ci within &&
	test_cmp_str "exit status" 0 "$(cat ci.code)"
'

test_done
