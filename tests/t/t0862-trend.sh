#!/bin/sh
test_description='perfanalyze trend: creep over builds, scaling with a label'
. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/workload.c. "leak N" makes 11 N allocations
# (10 N of 64 bytes freed, N of 32 bytes kept) and N calls of the zone
# "work"; "linear N" 10 N allocations; "quadratic N" N * (N / 100). A
# build's size is its N: builds whose N grows 4% each make counts that
# grow 4% each. Times are noise here: only the counts are known truth,
# so the exit status of a gate is tested on summaries made by hand.

# build DIR NAME SHAPE N - trace one run of workload SHAPE N into DIR/NAME,
# labelled n=N.
build () {
	PERFSHIM_LABEL=n=$4 run_traced "$1/$2" "$PROGS/workload" "$3" "$4"
}

# counted JSON - "NAME WHERE VERDICT" of the metrics the program's counts
# make (not its times), sorted.
counted () {
	jq -r '.metrics[]
		| select((.scope == "program" and (.name | test("^(allocs|bytes|peak_heap|leaked|leaked_blocks)$")))
			or (.scope == "zone" and .name == "calls"))
		| "\(.name) \(.where) \(.verdict)"' "$1" | sort
}

# expect_all VERDICT - the counted lines, each with VERDICT.
expect_all () {
	for m in "allocs " "bytes " "calls work" "leaked " "leaked_blocks " "peak_heap "
	do
		echo "$m $1"
	done
}

# summary DIR NAME ALLOCS [N] - a summary made by hand: allocs, a
# duration that is the same in every build, and the label n=N (default:
# ALLOCS).
summary () {
	printf '{"label":{"n":"%s"},"metrics":{"program":{"allocs":%s,"duration":5e7}}}\n' \
		"${4:-$3}" "$3" >"$1/$2"
}

test_expect_success 'setup: 8 builds creeping 4% a build; 8 flat; 8 noisy but flat' '
	mkdir creep flat noisy &&
	i=0 &&
	for n in 1000 1040 1082 1125 1170 1217 1265 1316
	do
		build creep b$i.zst leak $n &&
		build flat b$i.zst leak 1000 || return 1
		i=$((i + 1))
	done &&
	i=0 &&
	for n in 1000 1100 900 1080 920 1060 940 1000
	do
		build noisy b$i.zst leak $n || return 1
		i=$((i + 1))
	done
'

test_expect_success 'a 4%-a-build creep over 8 builds: every count creeping' '
	analyze trend creep --json >creep.json &&
	counted creep.json >actual &&
	expect_all creeping >expect &&
	test_cmp expect actual
'

test_expect_success 'the creep'"'"'s figures: slope, change, largest step, p-value' '
	jq -c ".metrics[] | select(.name == \"allocs\") |
		[.builds, .first, .last, .slope_per_build, (.change_pct * 10 | round),
		 (.max_step_pct * 10 | round), .p_value < 0.001]" creep.json >actual &&
	echo "[8,11000,14476,495,275,40,true]" >expect &&
	test_cmp expect actual
'

test_expect_success 'the creep gate: exit 1, one line naming the first metric' '
	test_expect_code 1 analyze trend creep --fail-on-trend >out 2>err &&
	test_line_count = 1 err &&
	grep "^perfanalyze: trend gate failed: [0-9]* metrics creeping or rising, first allocs\$" err &&
	grep "^trend over 8 builds (alpha 0.05, adjusted over [0-9]* metrics): " out &&
	grep "^allocs  *program  *11000  *14476  *+495  *+27.5%  *+4.0%  *<0.001  *creeping\$" out
'

# A figure of the text: a number, a space, one of the units diff prints.
BYTES="[0-9.]* \(B\|KiB\|MiB\|GiB\)"
TIME="[0-9.]* \(ns\|us\|ms\|s\)"

test_expect_success 'text: each figure in its unit, as diff prints it' '
	analyze trend creep >text &&
	grep "^bytes  *program  *656.3 KiB  *863.6 KiB  *+29.5 KiB  *+27.5%  *+4.0%  *<0.001  *creeping\$" text &&
	grep "^leaked  *program  *31.3 KiB  *41.1 KiB  *+1.4 KiB  *+27.5% " text &&
	grep "^leaked_blocks  *program  *1000  *1316  *+45  *+27.5% " text &&
	grep "^calls  *zone:work  *1000  *1316  *+45  *+27.5% " text &&
	grep "^rss_peak  *program  *$BYTES  *$BYTES  *[-+]$BYTES  " text &&
	for m in duration "total  *zone:work" "p99  *zone:work"
	do
		grep "^$m  *[a-z:]*  *$TIME  *$TIME  *[-+]$TIME  " text || return 1
	done &&
	! grep "e+\|[0-9]e-" text
'

test_expect_success 'a flat series: every count stable, slope 0, p 1' '
	analyze trend flat --json >flat.json &&
	counted flat.json >actual &&
	expect_all stable >expect &&
	test_cmp expect actual &&
	jq -e "[.metrics[] | select(.name == \"allocs\") | .slope_per_build == 0 and .p_value == 1] == [true]" flat.json
'

test_expect_success 'a noisy (+-10%) but flat series: every count stable' '
	analyze trend noisy --json >noisy.json &&
	counted noisy.json >actual &&
	expect_all stable >expect &&
	test_cmp expect actual
'

test_expect_success 'summaries as builds: the same verdicts as their traces' '
	mkdir sums &&
	for t in creep/*.zst
	do
		b=${t##*/} &&
		analyze "$t" --json >"sums/${b%.zst}.json" || return 1
	done &&
	analyze trend sums --json >sums.json &&
	counted sums.json >actual &&
	expect_all creeping >expect &&
	test_cmp expect actual &&
	jq -c "[.builds[].name]" sums.json >actual &&
	echo "[\"b0.json\",\"b1.json\",\"b2.json\",\"b3.json\",\"b4.json\",\"b5.json\",\"b6.json\",\"b7.json\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'directories of runs as builds: their median' '
	mkdir runs &&
	i=0 &&
	for n in 1000 1040 1082 1125 1170 1217 1265 1316
	do
		mkdir runs/b$i &&
		build runs/b$i r1.zst leak $n &&
		build runs/b$i r2.zst leak $((n + 2)) &&
		build runs/b$i r3.zst leak $((n - 2)) || return 1
		i=$((i + 1))
	done &&
	echo notes >runs/README &&
	analyze trend runs --json >runs.json &&
	counted runs.json >actual &&
	expect_all creeping >expect &&
	test_cmp expect actual &&
	jq -e "[.metrics[] | select(.name == \"allocs\") | .first == 11000 and .last == 14476] == [true]" runs.json
'

test_expect_success 'the gate on summaries: creep exits 1; flat and noisy-flat exit 0' '
	mkdir hc hf hn &&
	i=0 &&
	for a in 100000 104000 108160 112486 116986 121665 126532 131593
	do
		summary hc $i.json $a &&
		summary hf $i.json 100000 || return 1
		i=$((i + 1))
	done &&
	i=0 &&
	for a in 100000 110000 90000 108000 92000 106000 94000 100000
	do
		summary hn $i.json $a || return 1
		i=$((i + 1))
	done &&
	test_expect_code 1 analyze trend hc --fail-on-trend >/dev/null 2>err &&
	grep "first allocs" err &&
	analyze trend hf --fail-on-trend >out &&
	grep "^trend over 8 builds .*: STABLE\$" out &&
	analyze trend hn --fail-on-trend >out &&
	grep "^trend over 8 builds .*: STABLE\$" out
'

test_expect_success 'a creep with one step of 25%: rising, still a failed gate' '
	mkdir hr &&
	i=0 &&
	for a in 100000 101000 102000 103000 128750 130000 131000 132000
	do
		summary hr $i.json $a || return 1
		i=$((i + 1))
	done &&
	analyze trend hr --json >hr.json &&
	jq -r ".metrics[] | select(.name == \"allocs\") | .verdict" hr.json >actual &&
	echo rising >expect &&
	test_cmp expect actual &&
	test_expect_code 1 analyze trend hr --fail-on-trend >/dev/null 2>&1 &&
	analyze trend hr --warn 30 --json | jq -r ".metrics[0].verdict" >actual &&
	echo creeping >expect &&
	test_cmp expect actual
'

test_expect_success 'setup: scaling, n from 500 to 8000, linear and quadratic' '
	mkdir lin quad &&
	for n in 500 1000 2000 4000 8000
	do
		build lin $n.zst linear $n &&
		build quad $n.zst quadratic $n || return 1
	done
'

test_expect_success '--x n: a linear workload fits 1.0, linear' '
	analyze trend lin --x n --json >lin.json &&
	jq -r ".metrics[] | select(.scope == \"program\" and (.name == \"allocs\" or .name == \"bytes\")) | \"\(.name) \(.exponent * 1000 | round) \(.verdict)\"" lin.json >actual &&
	printf "allocs 1000 linear\nbytes 1000 linear\n" >expect &&
	test_cmp expect actual &&
	jq -c "[.x, [.builds[].x]]" lin.json >actual &&
	echo "[\"n\",[1000,2000,4000,500,8000]]" >expect &&
	test_cmp expect actual
'

test_expect_success '--x n: a quadratic workload fits 2.0, super-linear' '
	analyze trend quad --x n --json >quad.json &&
	jq -r ".metrics[] | select(.scope == \"program\" and .name == \"allocs\") | \"\(.exponent * 1000 | round) \(.verdict)\"" quad.json >actual &&
	echo "2000 super-linear" >expect &&
	test_cmp expect actual &&
	jq -r .verdict quad.json >actual &&
	echo super-linear >expect &&
	test_cmp expect actual &&
	test_expect_code 1 analyze trend quad --x n --fail-on-trend >out 2>err &&
	grep "^perfanalyze: trend gate failed: [0-9]* metrics\? super-linear, first allocs\$" err &&
	grep "^scaling with n over 5 builds: SUPER-LINEAR\$" out
'

test_expect_success '--x on summaries: exponent of hand-made counts' '
	mkdir hx &&
	for n in 1000 2000 4000 8000
	do
		summary hx $n.json $((n * n / 1000)) $n || return 1
	done &&
	analyze trend hx --x n --json | jq -c "[.metrics[] | [.name, .exponent, .verdict]]" >actual &&
	echo "[[\"allocs\",2,\"super-linear\"],[\"duration\",0,\"sub-linear\"]]" >expect &&
	test_cmp expect actual
'

test_done
