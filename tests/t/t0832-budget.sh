#!/bin/sh

test_description='--budget: each rule against the runs, measured, limit and verdict'

. "$(dirname "$0")/test-lib.sh"

# Known truth:
#   tests/programs/allocs.c       site make_temporaries: 1000 calls of 100
#                                 bytes; hold_then_free: 10 of 10000 bytes,
#                                 the heap's peak (100000 bytes); leak: 5
#                                 blocks of 64 bytes leaked (320)
#   tests/programs/instr.c        tick() is called 2000 times
#   tests/programs/latency_mix.c  zone "serve": 100 calls, p90 of 15 ms,
#                                 max of 150 ms, 1.13 s busy in all (a
#                                 loaded machine stretches them: upper
#                                 limits are generous); rec(): 8 calls,
#                                 20 ms in its two outermost
#   tests/programs/cpu.c          burn_three() burns 3 of every 4 units
#   tests/programs/leak_knob.c    legacy_cache() leaks LEAK_LEGACY blocks
#                                 of 1000 bytes
#   tests/programs/cxx_lambda.cpp main's lambda #1 allocates 7 blocks of
#                                 100 bytes, lambda #2 one of 64 bytes
# A rule at exactly the truth is kept, one unit below it is exceeded.

# budget FILE RULE... - a budget file of these rules.
budget () {
	budget_f_=$1
	shift
	printf "%s\n" "$@" >"$budget_f_"
}

# verdict JSON RULE - the verdict of RULE (as written) in the JSON report.
verdict () {
	jq -r --arg r "$2" '.rules[] | select(.rule == $r) | .verdict' "$1"
}

# measured JSON RULE - its measured value.
measured () {
	jq -r --arg r "$2" '.rules[] | select(.rule == $r) | .measured' "$1"
}

test_expect_success 'setup: trace the programs' '
	run_traced allocs.zst "$PROGS/allocs" &&
	run_traced instr.zst "$PROGS/instr" >/dev/null &&
	run_traced mix.zst "$PROGS/latency_mix" >/dev/null &&
	PERFSHIM_RSS_INTERVAL_MS=5 run_traced cpu.zst "$PROGS/cpu" split 4 >/dev/null
'

test_expect_success 'program and site metrics: exact, kept at the truth' '
	budget ok.txt "peak_heap <= 100000" "leaked <= 320" \
		"leaked_blocks <= 5" "bytes <= 1MiB" \
		"site:make_temporaries calls <= 1000" \
		"site:hold_then_free bytes <= 100000" \
		"site:leak leaked <= 320" "site:leak calls <= 5" &&
	analyze allocs.zst --budget ok.txt --json >ok.json &&
	jq -c ".rules[] | [.rule, .measured, .verdict]" ok.json &&
	test_cmp_str verdict ok "$(jq -r .verdict ok.json)" &&
	test_cmp_str rules 8 "$(jq "[.rules[] | select(.verdict == \"ok\")] | length" ok.json)" &&
	test_cmp_str peak 100000 "$(measured ok.json "peak_heap <= 100000")" &&
	test_cmp_str site-calls 1000 "$(measured ok.json "site:make_temporaries calls <= 1000")"
'

test_expect_success 'program and site metrics: one below the truth is exceeded, exit 1' '
	budget over.txt "peak_heap <= 99999" "leaked <= 319" \
		"leaked_blocks <= 4" "site:make_temporaries calls <= 999" \
		"site:hold_then_free bytes <= 99999" "site:leak leaked <= 319" &&
	test_expect_code 1 analyze allocs.zst --budget over.txt --json >over.json 2>err &&
	test_cmp_str verdict failed "$(jq -r .verdict over.json)" &&
	test_cmp_str exceeded 6 "$(jq -r .exceeded over.json)" &&
	test_cmp_str exceeded-rows 6 "$(jq "[.rules[] | select(.verdict == \"exceeded\")] | length" over.json)" &&
	test_cmp_str stderr "perfanalyze: budget over.txt: 6 of 6 rules exceeded, 0 cannot be checked" "$(cat err)"
'

test_expect_success 'the allocation count of the whole program' '
	budget allocs.txt "allocs <= 2e6" &&
	analyze allocs.zst --budget allocs.txt --json >allocs.json &&
	n=$(measured allocs.json "allocs <= 2e6") &&
	test "$n" -ge 1015 && test "$n" -le 1020 &&
	budget allocs2.txt "allocs <= 1014" &&
	test_expect_code 1 analyze allocs.zst --budget allocs2.txt >/dev/null 2>&1
'

test_expect_success 'an instrumented function: calls' '
	budget fn.txt "function:tick calls <= 2000" "function:tick calls <= 1999" &&
	test_expect_code 1 analyze instr.zst --budget fn.txt --json >fn.json 2>/dev/null &&
	test_cmp_str kept ok "$(verdict fn.json "function:tick calls <= 2000")" &&
	test_cmp_str over exceeded "$(verdict fn.json "function:tick calls <= 1999")"
'

test_expect_success 'a zone: calls, latency percentiles, and the program duration' '
	budget zone.txt "zone:serve calls <= 100" "zone:serve calls <= 99" \
		"zone:serve p90 <= 14ms" "zone:serve p90 <= 100s" \
		"zone:serve max <= 140ms" "zone:serve max <= 5s" \
		"duration <= 1s" "duration <= 60s" &&
	test_expect_code 1 analyze mix.zst --budget zone.txt --json >zone.json 2>/dev/null &&
	jq -c ".rules[] | [.rule, .measured, .verdict]" zone.json &&
	test_cmp_str "calls ok" ok "$(verdict zone.json "zone:serve calls <= 100")" &&
	test_cmp_str "calls over" exceeded "$(verdict zone.json "zone:serve calls <= 99")" &&
	test_cmp_str "p90 over" exceeded "$(verdict zone.json "zone:serve p90 <= 14ms")" &&
	test_cmp_str "p90 ok" ok "$(verdict zone.json "zone:serve p90 <= 100s")" &&
	test_cmp_str "max over" exceeded "$(verdict zone.json "zone:serve max <= 140ms")" &&
	test_cmp_str "max ok" ok "$(verdict zone.json "zone:serve max <= 5s")" &&
	test_cmp_str "duration over" exceeded "$(verdict zone.json "duration <= 1s")" &&
	test_cmp_str "duration ok" ok "$(verdict zone.json "duration <= 60s")"
'

test_expect_success 'a recursive function: its total counts the outermost calls once' '
	budget rec.txt "function:rec calls <= 8" "function:rec total <= 60ms" \
		"function:rec total <= 19ms" &&
	test_expect_code 1 analyze mix.zst --budget rec.txt --json >rec.json 2>/dev/null &&
	jq -c ".rules[] | [.rule, .measured, .verdict]" rec.json &&
	test_cmp_str calls ok "$(verdict rec.json "function:rec calls <= 8")" &&
	test_cmp_str "total ok" ok "$(verdict rec.json "function:rec total <= 60ms")" &&
	test_cmp_str "total over" exceeded "$(verdict rec.json "function:rec total <= 19ms")"
'

test_expect_success 'CPU time of the program and of a function; the peak resident set' '
	budget cpu.txt "cpu_time <= 1ms" "cpu_time <= 100s" \
		"function:burn_three cpu_time <= 1ms" \
		"function:burn_three cpu_time <= 100s" \
		"rss_peak <= 64KiB" "rss_peak <= 100GiB" &&
	test_expect_code 1 analyze cpu.zst --budget cpu.txt --json >cpu.json 2>/dev/null &&
	jq -c ".rules[] | [.rule, .measured, .verdict]" cpu.json &&
	test_cmp_str "cpu over" exceeded "$(verdict cpu.json "cpu_time <= 1ms")" &&
	test_cmp_str "cpu ok" ok "$(verdict cpu.json "cpu_time <= 100s")" &&
	test_cmp_str "fn over" exceeded "$(verdict cpu.json "function:burn_three cpu_time <= 1ms")" &&
	test_cmp_str "fn ok" ok "$(verdict cpu.json "function:burn_three cpu_time <= 100s")" &&
	test_cmp_str "rss over" exceeded "$(verdict cpu.json "rss_peak <= 64KiB")" &&
	test_cmp_str "rss ok" ok "$(verdict cpu.json "rss_peak <= 100GiB")"
'

test_expect_success 'a zone, function or site the runs do not have: MISSING, which fails' '
	budget missing.txt "site:make_temporaries calls <= 1000" \
		"zone:nosuch calls <= 10" "function:nosuch calls <= 10" \
		"site:nosuch bytes <= 1MiB" &&
	test_expect_code 1 analyze allocs.zst --budget missing.txt --json >missing.json 2>err &&
	test_cmp_str missing 3 "$(jq -r .missing missing.json)" &&
	test_cmp_str zone missing "$(verdict missing.json "zone:nosuch calls <= 10")" &&
	test_cmp_str measured null "$(measured missing.json "zone:nosuch calls <= 10")" &&
	test_cmp_str kept ok "$(verdict missing.json "site:make_temporaries calls <= 1000")" &&
	test_cmp_str stderr "perfanalyze: budget missing.txt: 0 of 4 rules exceeded, 3 cannot be checked" "$(cat err)" &&
	test_expect_code 1 analyze allocs.zst --budget missing.txt >missing.out 2>/dev/null &&
	grep "^  zone:nosuch calls <= 10 .* -  *10  MISSING: no zone .nosuch. in the runs$" missing.out
'

test_expect_success 'a figure the run does not have (no CPU samples, no histogram): MISSING' '
	PERFSHIM_SAMPLE_HZ=0 run_traced nohz.zst "$PROGS/allocs" &&
	budget cpu0.txt "cpu_time <= 100s" &&
	test_expect_code 1 analyze nohz.zst --budget cpu0.txt --json >cpu0.json 2>/dev/null &&
	test_cmp_str verdict missing "$(verdict cpu0.json "cpu_time <= 100s")" &&
	test_expect_code 1 analyze nohz.zst --budget cpu0.txt >cpu0.out 2>/dev/null &&
	grep "^  cpu_time <= 100s .*  MISSING: the runs have no cpu_time$" cpu0.out &&
	budget p99.txt "zone:outer calls <= 1" "zone:outer p99 <= 1s" &&
	test_expect_code 1 analyze "$TEST_DIRECTORY/../golden/traces/zones.zst" \
		--budget p99.txt >p99.out 2>/dev/null &&
	grep "^  zone:outer calls <= 1 .*  ok$" p99.out &&
	grep "^  zone:outer p99 <= 1s .*  MISSING: the runs have no p99 of zone .outer.$" p99.out
'

test_expect_success 'text: a table of rule, measured, limit, verdict, in human units' '
	budget text.txt "peak_heap <= 64MiB" "leaked <= 0" \
		"site:make_temporaries calls <= 1000" "zone:x p99 <= 2ms" &&
	test_expect_code 1 analyze allocs.zst --budget text.txt >text.out 2>/dev/null &&
	cat >expect <<-\EOF &&
	Budget text.txt: 4 rules, judged on one run: FAILED (1 exceeded, 1 missing).

	  rule                                     measured         limit  verdict
	  peak_heap <= 64MiB                      97.66 KiB        64 MiB  ok
	  leaked <= 0                                 320 B           0 B  EXCEEDED
	  site:make_temporaries calls <= 1000          1000          1000  ok
	  zone:x p99 <= 2ms                               -          2 ms  MISSING: no zone x in the runs
	EOF
	tr -d "\047" <text.out >text.cmp &&
	test_cmp expect text.cmp
'

test_expect_success 'a directory of runs is judged on the median' '
	mkdir runs &&
	LEAK_LEGACY=1 run_traced runs/1.zst "$PROGS/leak_knob" &&
	LEAK_LEGACY=5 run_traced runs/2.zst "$PROGS/leak_knob" &&
	LEAK_LEGACY=2 run_traced runs/3.zst "$PROGS/leak_knob" &&
	budget med.txt "site:legacy_cache leaked <= 2000" \
		"site:legacy_cache leaked <= 1999" "leaked <= 2000" &&
	test_expect_code 1 analyze runs --budget med.txt --json >med.json 2>/dev/null &&
	test_cmp_str runs 3 "$(jq -r .runs med.json)" &&
	test_cmp_str median 2000 "$(measured med.json "site:legacy_cache leaked <= 2000")" &&
	test_cmp_str kept ok "$(verdict med.json "site:legacy_cache leaked <= 2000")" &&
	test_cmp_str over exceeded "$(verdict med.json "site:legacy_cache leaked <= 1999")" &&
	test_cmp_str program ok "$(verdict med.json "leaked <= 2000")" &&
	analyze runs/1.zst runs/3.zst --budget med.txt --json >two.json &&
	test_cmp_str "median of two" 1500 "$(measured two.json "site:legacy_cache leaked <= 2000")"
'

test_expect_success 'a malformed rule or an unknown metric: exit 2, naming file and line' '
	budget bad.txt "peak_heap <= 64MiB" "# a comment" "peak_heap <= 64 apples" &&
	test_expect_code 2 analyze allocs.zst --budget bad.txt >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	grep "^perfanalyze: bad.txt:3: " err &&
	budget unknown.txt "" "zone:parse p42 <= 2ms" &&
	test_expect_code 2 analyze allocs.zst --budget unknown.txt >out 2>err &&
	test_must_be_empty out &&
	grep "^perfanalyze: unknown.txt:2: unknown metric .p42." err &&
	test_expect_code 2 analyze allocs.zst --budget nosuch.txt 2>err &&
	grep "^perfanalyze: nosuch.txt: " err
'

test_expect_success 'a fractional limit is compared as written, not rounded up' '
	budget frac.txt "leaked_blocks <= 4.5" "peak_heap <= 99999.5B" \
		"site:leak leaked <= 319.9" &&
	test_expect_code 1 analyze allocs.zst --budget frac.txt --json >frac.json 2>err &&
	test_cmp_str exceeded 3 "$(jq -r .exceeded frac.json)" &&
	test_cmp_str limit 4.5 "$(jq -r ".rules[0].limit" frac.json)" &&
	budget frac-ok.txt "leaked_blocks <= 5.5" "peak_heap <= 97.66KiB" \
		"site:leak leaked <= 320.1" &&
	analyze allocs.zst --budget frac-ok.txt --json >frac-ok.json &&
	test_cmp_str kept ok "$(jq -r .verdict frac-ok.json)" &&
	test_cmp_str limit 100003.84 "$(jq -r ".rules[1].limit" frac-ok.json)"
'

test_expect_success 'a budget without rules does not pass: exit 2, one line' '
	budget none.txt "# every rule commented out" "" &&
	for f in none.txt /dev/null
	do
		test_expect_code 2 analyze allocs.zst --budget $f >out 2>err &&
		test_must_be_empty out &&
		test_cmp_str msg "perfanalyze: $f: no rules: a budget that checks nothing cannot pass" "$(cat err)" ||
		return 1
	done
'

test_expect_success 'an empty directory, a cut-short run: exit 2' '
	mkdir empty &&
	budget any.txt "allocs <= 2e6" &&
	test_expect_code 2 analyze empty --budget any.txt 2>err &&
	test_cmp_str msg "perfanalyze: empty: no traces (*.zst)" "$(cat err)" &&
	head -c $(($(trace_header_len allocs.zst) + 20)) allocs.zst >cut.zst &&
	test_expect_code 2 analyze cut.zst --budget any.txt >/dev/null 2>err &&
	grep "^perfanalyze: cut.zst: .*--allow-incomplete" err &&
	analyze cut.zst --budget any.txt --allow-incomplete >/dev/null 2>err
'

test_expect_success 'a C++ lambda site: a # inside a name is no comment' '
	run_traced lambda.zst "$PROGS/cxx_lambda" &&
	l1="main::{lambda(int)#1}::operator()(int) const" &&
	l2="main::{lambda()#2}::operator()() const" &&
	budget lambda.txt "#a comment" "site:$l1 calls <= 7 # after a blank" \
		"site:$l2 bytes <= 64B	#after a tab" &&
	analyze lambda.zst --budget lambda.txt --json >lambda.json &&
	test_cmp_str verdict ok "$(jq -r .verdict lambda.json)" &&
	test_cmp_str where "$l1" "$(jq -r ".rules[0].where" lambda.json)" &&
	test_cmp_str calls 7 "$(measured lambda.json "site:$l1 calls <= 7")" &&
	test_cmp_str bytes 64 "$(measured lambda.json "site:$l2 bytes <= 64B")" &&
	budget lambda2.txt "site:$l1 calls <= 6" &&
	test_expect_code 1 analyze lambda.zst --budget lambda2.txt --json >lambda2.json 2>/dev/null &&
	test_cmp_str exceeded exceeded "$(jq -r ".rules[0].verdict" lambda2.json)"
'

test_expect_success 'runs of two programs: a warning, the median still judged' '
	budget mixed.txt "allocs <= 2e6" &&
	analyze allocs.zst instr.zst --budget mixed.txt >/dev/null 2>err &&
	grep "^perfanalyze: warning: runs of different programs: " err
'

test_expect_success '--budget goes without the other reports' '
	test_expect_code 2 analyze allocs.zst --budget any.txt --leaks 2>err &&
	grep "^perfanalyze: --budget goes without" err &&
	test_expect_code 2 analyze allocs.zst --budget any.txt --hotspots 2>err &&
	test_expect_code 2 analyze allocs.zst instr.zst --leaks 2>err &&
	grep "^perfanalyze: one trace at a time" err
'

test_expect_success '--budget twice: exit 2, not the first file ignored' '
	test_expect_code 2 "$ANALYZE" allocs.zst --budget over.txt --budget ok.txt 2>err &&
	echo "perfanalyze: --budget given twice (over.txt, ok.txt): put every rule in one file" >expect &&
	test_cmp expect err
'

test_done
