#!/bin/sh

test_description='the metric set of a build: runs from files and directories, exact counts per site, zones'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/allocs.c (1000 + 10 + 5 allocations by
# site, 320 bytes leaked by leak()) and tests/programs/zones_instr.c.
# build/tests/unit/t_metrics TRACE|DIR... prints the set, one metric a
# line: SCOPE WHERE NAME VALUES (tab-separated, "-" for an absent value).
DUMP=$PERFSHIM_BUILD/tests/unit/t_metrics

# value FILE SCOPE WHERE NAME - the values of one metric ("none" if absent).
value () {
	awk -F '	' -v s="$2" -v w="$3" -v n="$4" \
		'$1 == s && $2 == w && $3 == n { print $4; f = 1 }
		 END { if (!f) print "none" }' "$1"
}

test_expect_success 'setup: two runs of allocs in a directory' '
	mkdir runs &&
	capture_traced r1 runs/b.zst "$PROGS/allocs" &&
	capture_traced r2 runs/a.zst "$PROGS/allocs" &&
	test_cmp_str status "0 0" "$(cat r1.code) $(cat r2.code)" &&
	echo not a trace >runs/notes.txt &&
	"$DUMP" runs >set 2>err &&
	test_must_be_empty err
'

test_expect_success 'a directory is its *.zst runs; every value kept per run' '
	test_cmp_str runs "runs	2	one program" "$(head -1 set)" &&
	test_cmp_str calls "1000 1000" "$(value set site make_temporaries calls)" &&
	test_cmp_str bytes "100000 100000" "$(value set site make_temporaries bytes)" &&
	test_cmp_str held "10 10" "$(value set site hold_then_free calls)" &&
	test_cmp_str held-bytes "100000 100000" "$(value set site hold_then_free bytes)" &&
	test_cmp_str leak "5 5" "$(value set site leak calls)" &&
	test_cmp_str leaked "320 320" "$(value set site leak leaked)" &&
	test_cmp_str no-leak none "$(value set site make_temporaries leaked)" &&
	test_cmp_str program-leaked "320 320" "$(value set program "" leaked)" &&
	test_cmp_str blocks "5 5" "$(value set program "" leaked_blocks)" &&
	test_cmp_str peak "100000 100000" "$(value set program "" peak_heap)"
'

test_expect_success 'program totals hold the sites (and nothing else of the program)' '
	set -- $(value set program "" allocs) &&
	test "$1" = "$2" && test "$1" -ge 1015 && test "$1" -le 1020 &&
	set -- $(value set program "" bytes) &&
	test "$1" -ge 200320
'

test_expect_success 'several files are runs in argument order; one file is one run' '
	"$DUMP" runs/b.zst runs/a.zst runs/b.zst >set3 &&
	test_cmp_str runs "runs	3	one program" "$(head -1 set3)" &&
	test_cmp_str calls "1000 1000 1000" "$(value set3 site make_temporaries calls)" &&
	"$DUMP" runs/a.zst >set1 &&
	test_cmp_str leak "5" "$(value set1 site leak calls)"
'

test_expect_success 'an empty directory, a missing path, a non-trace: exit 2, one line' '
	mkdir empty &&
	test_expect_code 2 "$DUMP" empty 2>err &&
	test_cmp_str msg "perfanalyze: empty: no traces (*.zst)" "$(cat err)" &&
	test_expect_code 2 "$DUMP" nothing.zst 2>err &&
	test_cmp_str msg "perfanalyze: nothing.zst: No such file or directory" "$(cat err)" &&
	test_expect_code 2 "$DUMP" runs/notes.txt 2>err &&
	test_line_count = 1 err
'

test_expect_success 'runs of two programs: a warning, not an error' '
	capture_traced z zones.zst "$PROGS/zones_instr" &&
	"$DUMP" runs/a.zst zones.zst >mixed 2>err &&
	test_cmp_str runs "runs	2	mixed" "$(head -1 mixed)" &&
	grep "^perfanalyze: warning: runs of different programs: " err &&
	test_line_count = 1 err &&
	test_cmp_str absent "5 -" "$(value mixed site leak calls)"
'

test_expect_success 'zones and instrumented functions: calls, times, percentiles' '
	"$DUMP" zones.zst >zset &&
	test_cmp_str zone-calls 2 "$(value zset zone step calls)" &&
	test_cmp_str zone-parse 1 "$(value zset zone parse calls)" &&
	test_cmp_str fn-calls 3 "$(value zset function busy_ms calls)" &&
	test "$(value zset zone step p99)" != none &&
	test "$(value zset function busy_ms max)" != none &&
	p50=$(value zset zone parse p50) && total=$(value zset zone parse total) &&
	awk -v a="$p50" -v b="$total" "BEGIN { exit !(a > 0.97 * b && a < 1.03 * b) }"
'

test_done
