#!/bin/sh

test_description='growth verdicts: steady leak, plateau, churn, mmap, bursty; the same on every run'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/growth.c (see its header comment). Each case
# runs GROWTH_RUNS times (default 5) and must give the same verdict every
# time: no flips.
SRC=growth.c
RUNS=${GROWTH_RUNS:-5}
PROG=$PROGS/growth

# run_cases NAME ARGS... - trace growth ARGS $RUNS times, to NAME.1.zst ...
run_cases () {
	rc_name_=$1
	shift
	rc_i_=1
	while test $rc_i_ -le $RUNS
	do
		rm -f "$rc_name_.$rc_i_.zst" &&
		run_traced "$rc_name_.$rc_i_.zst" "$PROG" "$@" >"$rc_name_.out" 2>"$rc_name_.err" &&
		test_must_be_empty "$rc_name_.out" &&
		test_must_be_empty "$rc_name_.err" &&
		analyze "$rc_name_.$rc_i_.zst" --growth --json >"$rc_name_.$rc_i_.json" ||
		return 1
		rc_i_=$((rc_i_ + 1))
	done
}

# same_verdicts NAME WANT - every run of NAME says WANT: "overall heap rss"
# (a '*' for a verdict that does not matter).
same_verdicts () {
	sv_i_=1
	while test $sv_i_ -le $RUNS
	do
		sv_got_=$(jq -r '"\(.verdict) \(.heap_verdict) \(.rss.verdict)"' "$1.$sv_i_.json") || return 1
		case "$sv_got_" in
		$2) ;;
		*)
			echo >&2 "run $sv_i_ of $1: expected '$2' (overall heap rss), got '$sv_got_'"
			jq -c . "$1.$sv_i_.json" >&2
			return 1 ;;
		esac
		sv_i_=$((sv_i_ + 1))
	done
}

test_expect_success 'a steady leak of 48 bytes per iteration, with markers, is GROWING every time' '
	run_cases leak leak &&
	same_verdicts leak "GROWING GROWING *"
'

test_expect_success 'the leak: slope 48 bytes per marker, interval [48, 48], p tiny, 240 points' '
	jq -e ".slope == 48 and .interval == [48, 48] and .p_value < 1e-6
	       and .points == 240 and .unit == \"bytes per marker\"
	       and .marker == \"iteration\" and .basis == \"heap\"
	       and .excluded.points == 60" leak.1.json
'

test_expect_success 'the leak: the leaking line is the one site, nearly all of the growth' '
	line=$(leak_line $SRC steady) &&
	jq -e --argjson l $line "$JQ_DEFS"".sites[0] as \$s
		| (\$s | progframe(\"$SRC\")) as \$f
		| \$f.line == \$l and \$f.function == \"leak_one\"
		  and \$s.share > 0.9 and \$s.slope == 48" leak.1.json
'

test_expect_success 'the text report names the site: "N% of the growth: leak_one at growth.c:LINE"' '
	line=$(leak_line $SRC steady) &&
	analyze leak.1.zst --growth >leak.txt &&
	grep "^Memory growth: GROWING" leak.txt &&
	grep "^heap: GROWING: 48 B per marker (95% interval 48 B to 48 B)" leak.txt &&
	grep "of the growth: leak_one at .*$SRC:$line" leak.txt
'

test_expect_success 'a cache that fills and then stays full is STABLE after the warm-up' '
	run_cases plateau plateau &&
	same_verdicts plateau "STABLE STABLE STABLE" &&
	jq -e ".slope == 0 and .sites == []" plateau.1.json
'

test_expect_success 'heavy churn with no net growth is STABLE, heap and resident set' '
	run_cases churn churn &&
	same_verdicts churn "STABLE STABLE STABLE"
'

test_expect_success 'growth through mmap only: heap STABLE, resident set GROWING, the gate says GROWING' '
	run_cases mmap mmap &&
	same_verdicts mmap "GROWING STABLE GROWING" &&
	jq -e ".basis == \"rss\" and .rss.slope > 60000 and .rss.slope < 72000" mmap.1.json &&
	analyze mmap.1.zst --growth >mmap.txt &&
	grep "resident set grows while the heap is stable" mmap.txt
'

test_expect_success 'main() gone by pthread_exit: the resident set is still read (GROWING)' '
	(GROWTH_MAIN_EXIT=1 && export GROWTH_MAIN_EXIT &&
	 run_traced mainexit.zst "$PROG" mmap 300) &&
	analyze mainexit.zst --growth --json >mainexit.json &&
	jq -e ".rss.verdict == \"GROWING\" and .rss.slope > 60000 and .rss.slope < 72000" mainexit.json
'

test_expect_success 'bursty growth with occasional frees is GROWING, at the burst line' '
	run_cases bursty bursty &&
	same_verdicts bursty "GROWING GROWING *" &&
	line=$(leak_line $SRC burst) &&
	jq -e --argjson l $line "$JQ_DEFS"".slope > 140 and .slope < 170 and
		(.sites[0] | progframe(\"$SRC\").line == \$l)" bursty.1.json
'

test_expect_success 'leaks on three other threads, in step with the markers: 96 bytes per marker, every time' '
	run_cases threads threads &&
	same_verdicts threads "GROWING GROWING *" &&
	line=$(leak_line $SRC worker) &&
	jq -e --argjson l $line "$JQ_DEFS"".slope == 96 and .interval == [96, 96] and
		(.sites[0] | progframe(\"$SRC\").line == \$l and .share > 0.9)" threads.1.json
'

# Without markers: time windows. The programs sleep 1 ms per iteration, so
# that the phases keep their share of the run on a loaded machine, and run
# 600 iterations: the plateau's cache must be full within the warm-up (the
# first 20% of the run), and in test-modes (libunwind for every stack, the
# monotonic clock) its first iterations were once slow enough that at 300
# the fill ran past it (GROWING, 1 run in 5); a longer run also gives the
# leak more bytes against the churn's timing noise.

test_expect_success 'no markers: the steady leak is GROWING over time windows, every time' '
	run_cases nleak leak 600 1000 nomark &&
	same_verdicts nleak "GROWING GROWING *" &&
	jq -e ".points_by == \"time window\" and .unit == \"bytes per second\"
	       and .points == 32 and .marker == null and .slope > 0
	       and .interval[0] > 0" nleak.1.json
'

test_expect_success 'no markers: heavy churn is STABLE every time' '
	run_cases nchurn churn 600 1000 nomark &&
	same_verdicts nchurn "STABLE STABLE *"
'

test_expect_success 'no markers: the plateau is STABLE every time' '
	run_cases nplateau plateau 600 1000 nomark &&
	same_verdicts nplateau "STABLE STABLE *"
'

test_expect_success 'three phase markers are too few for points: time windows, GROWING' '
	run_traced phases.zst "$PROG" leak 600 1000 phases &&
	analyze phases.zst --growth --json >phases.json &&
	jq -e ".points_by == \"time window\" and .markers_in_trace == 3
	       and .heap_verdict == \"GROWING\"" phases.json &&
	analyze phases.zst --growth >phases.txt &&
	grep "3 markers, too few to be points" phases.txt
'

test_expect_success 'a run killed by SIGKILL: the verdict from what was written, one warning' '
	test_expect_code 137 env GROWTH_KILL_AT=250 LD_PRELOAD=$SHIM \
		PERFSHIM_OUTPUT=killed.zst "$PROG" leak 400 &&
	analyze_status k killed.zst --growth --json &&
	test_cmp_str "exit status" 0 "$(cat k.code)" &&
	test_line_count = 1 k.err &&
	grep "cut short" k.err &&
	jq -e ".heap_verdict == \"GROWING\" and .slope == 48" k.out
'

test_expect_success '--fail-on-growth: exit 1 on GROWING (heap or, with a stable heap, RSS), 0 otherwise' '
	analyze_status g leak.1.zst --fail-on-growth &&
	test_cmp_str leak 1 "$(cat g.code)" &&
	analyze_status g mmap.1.zst --fail-on-growth &&
	test_cmp_str mmap 1 "$(cat g.code)" &&
	analyze_status g churn.1.zst --fail-on-growth &&
	test_cmp_str churn 0 "$(cat g.code)" &&
	analyze_status g plateau.1.zst --fail-on-growth --json &&
	test_cmp_str plateau 0 "$(cat g.code)" &&
	jq -e ".verdict == \"STABLE\"" g.out
'

test_expect_success 'the JSON verdict has the documented keys' '
	jq -e "(.verdict | type == \"string\") and (.slope | type == \"number\")
	       and (.interval | type == \"array\" and length == 2)
	       and (.p_value | type == \"number\") and (.points | type == \"number\")
	       and (.sites | type == \"array\") and (.rss | type == \"object\")
	       and (.rss | has(\"verdict\") and has(\"slope\") and has(\"interval\")
	                   and has(\"p_value\") and has(\"points\"))
	       and (.sites[0] | has(\"share\") and has(\"slope\") and has(\"bytes\") and has(\"stack\"))
	       and (.excluded | has(\"warmup\") and has(\"points\"))" leak.1.json
'

test_expect_success '--timeline: a CSV row per point, warm-up flagged, heap and RSS' '
	analyze leak.1.zst --timeline >tl.csv &&
	test_cmp_str header "marker,time_s,heap_bytes,rss_bytes,mapped_bytes,warmup" "$(head -n 1 tl.csv)" &&
	test_cmp_str rows 301 "$(wc -l <tl.csv | tr -d " ")" &&
	test_cmp_str warmup 60 "$(awk -F, "NR > 1 && \$6 == 1" tl.csv | wc -l | tr -d " ")" &&
	awk -F, "NR > 2 && (\$3 - prev != 48 || \$4 == \"\") { exit 1 } { prev = \$3 }" tl.csv
'

test_expect_success '--timeline --json: the same points as JSON' '
	analyze leak.1.zst --timeline --json >tl.json &&
	jq -e ".basis == \"markers\" and (.points | length) == 300 and
	       (.points[0] | has(\"marker\") and has(\"time_s\") and has(\"heap_bytes\")
	                     and has(\"rss_bytes\") and has(\"mapped_bytes\") and has(\"warmup\"))" tl.json
'

test_expect_success '--warmup: N% of the points, N points, Ns seconds' '
	analyze leak.1.zst --growth --json --warmup 50% >w.json &&
	jq -e ".points == 150 and .excluded.points == 150" w.json &&
	analyze leak.1.zst --growth --json --warmup 100 >w.json &&
	jq -e ".points == 200 and .excluded.points == 100" w.json &&
	analyze leak.1.zst --growth --json --warmup 0 >w.json &&
	jq -e ".points == 300 and .excluded.points == 0" w.json &&
	analyze leak.1.zst --growth --json --warmup 1000s >w.json &&
	jq -e ".points == 0 and .verdict == \"INCONCLUSIVE\"" w.json
'

test_expect_success '--windows, --growth-floor, --growth-relative, --rss-floor, --alpha take effect' '
	analyze nleak.1.zst --growth --json --windows 20 >o.json &&
	jq -e ".points == 16 and .excluded.points == 4" o.json &&
	analyze leak.1.zst --growth --json --growth-floor 100 >o.json &&
	jq -e ".verdict == \"STABLE\" and (.reason | test(\"below the floor of 100 B per marker\"))" o.json &&
	analyze leak.1.zst --growth --json --growth-relative 5 >o.json &&
	jq -e ".verdict == \"STABLE\" and (.reason | test(\"of the median\"))" o.json &&
	analyze mmap.1.zst --growth --json --rss-floor 100000000 >o.json &&
	jq -e ".verdict == \"STABLE\" and .rss.verdict == \"STABLE\"" o.json &&
	analyze leak.1.zst --growth --json --alpha 0.01 >o.json &&
	jq -e ".confidence == 0.99 and .verdict == \"GROWING\"" o.json
'

test_expect_success 'too few points after the warm-up: INCONCLUSIVE, saying why; the gate does not pass (2)' '
	run_traced short.zst "$PROG" leak 8 &&
	analyze_status s short.zst --fail-on-growth &&
	test_cmp_str "exit status" 2 "$(cat s.code)" &&
	grep "INCONCLUSIVE" s.out &&
	grep "only 7 points after the warm-up" s.out &&
	test_line_count = 1 s.err &&
	grep "^perfanalyze: gate did not pass: memory is INCONCLUSIVE: only 7 points after the warm-up (at least 8 needed): the gate cannot judge it\$" s.err &&
	test_expect_code 0 analyze short.zst --growth >/dev/null
'

test_expect_success 'a --warmup that leaves no point: the gate cannot judge, exit 2' '
	for w in 1000 1000s
	do
		analyze_status s leak.1.zst --fail-on-growth --warmup $w &&
		test_cmp_str "--warmup $w exit status" 2 "$(cat s.code)" &&
		test_line_count = 1 s.err &&
		grep "memory is INCONCLUSIVE: only 0 points after the warm-up" s.err ||
		return 1
	done &&
	analyze_status s leak.1.zst --fail-on-growth --warmup 1000 --json &&
	test_cmp_str "--json exit status" 2 "$(cat s.code)" &&
	jq -e ".gate.passed == false and .gate.gate == \"growth\" and .verdict == \"INCONCLUSIVE\"" s.out
'

test_expect_success '--marker picks the label; an unknown one is an error (exit 2, one line)' '
	analyze leak.1.zst --growth --json --marker iteration >m.json &&
	jq -e ".marker == \"iteration\"" m.json &&
	analyze_status m leak.1.zst --growth --marker nosuch &&
	test_cmp_str "exit status" 2 "$(cat m.code)" &&
	test_line_count = 1 m.err &&
	grep "no marker .nosuch." m.err
'

test_expect_success 'bad values and combinations: exit 2 with one line' '
	for args in "--growth --warmup abc" "--growth --warmup 100%" \
		"--growth --warmup -1" "--growth --windows 3" \
		"--growth --alpha 0" "--growth --growth-floor x" \
		"--growth --growth-relative -0.1" "--growth --rss-floor 1k" \
		"--warmup 10%" "--marker x" "--rss-floor 5" "--growth --leaks" \
		"--fail-on-growth --min-bytes 1" "--timeline --fail-on-growth" \
		"--growth --marker"
	do
		analyze_status b leak.1.zst $args || return 1
		test_cmp_str "perfanalyze $args" 2 "$(cat b.code)" || return 1
		test_line_count = 1 b.err || return 1
		test_must_be_empty b.out || return 1
		! grep "unknown option" b.err || return 1
	done
'

test_expect_success 'PERFSHIM_RSS_INTERVAL_MS=0: no resident-set samples, the heap verdict still there' '
	PERFSHIM_RSS_INTERVAL_MS=0 run_traced off.zst "$PROG" leak 100 0 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	analyze off.zst --growth --json >off.json &&
	jq -e ".heap_verdict == \"GROWING\" and .rss.verdict == \"INCONCLUSIVE\"
	       and .rss.points == 0" off.json
'

test_expect_success 'a bad PERFSHIM_RSS_INTERVAL_MS is reported once and the default used' '
	PERFSHIM_RSS_INTERVAL_MS=often run_traced bad.zst "$PROG" leak 20 0 >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	grep "PERFSHIM_RSS_INTERVAL_MS" err &&
	analyze bad.zst --timeline >bad.csv &&
	awk -F, "NR > 1 && \$4 == \"\" { exit 1 }" bad.csv
'

test_expect_success 'the program takes over the statm descriptor: its close really closes, samples go on' '
	GROWTH_CLOBBER=1 run_traced clob.zst "$PROG" mmap 200 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	analyze clob.zst --growth --json >clob.json &&
	jq -e ".verdict == \"GROWING\" and .rss.verdict == \"GROWING\"" clob.json &&
	analyze clob.zst --timeline >clob.csv &&
	awk -F, "NR == 101 { mid = \$4 } END { exit !(\$4 > mid + 4000000) }" clob.csv
'

test_expect_success 'markers are a no-op without the shim and with PERFSHIM_DISABLE' '
	"$PROG" leak 20 0 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	mkdir dis &&
	PERFSHIM_DISABLE=1 run_traced dis/t.zst "$PROG" leak 20 0 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test -z "$(ls dis)"
'

test_expect_success 'fork: the child samples into its own trace' '
	mkdir fk &&
	run_traced fk/t.%p.zst "$PROGS/fork" leak >out &&
	set -- fk/* &&
	test $# = 2 &&
	for t in fk/*
	do
		analyze "$t" --timeline >"$t.csv" &&
		awk -F, "NR > 1 && \$4 != \"\" { n++ } END { exit !n }" "$t.csv" ||
		return 1
	done
'

test_done
