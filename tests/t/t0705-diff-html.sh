#!/bin/sh

test_description='perfanalyze diff --html: each side'"'"'s flame graphs summed over its runs, the table of changes with their verdicts'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/variant.c. make_items() allocates 500 blocks
# of 64 bytes a run, 800 with VARIANT_ALLOCS=1.6; keep() leaks 10 blocks
# of 32 bytes in every run. Two runs a side: each side's allocation flame
# graphs are exactly twice one run's.

# data PAGE - the report document inside the page.
data () {
	perl -0ne 'print $1 if /<script type="application\/json" id="perfshim-data">(.*?)<\/script>/s' "$1"
}

# line DOC KEY METRIC STACK - the value of STACK in DOC's collapsed stacks
# .KEY.METRIC ("none" when the stack is not there).
line () {
	jq -r --arg k "$2" --arg m "$3" '.[$k][$m]' "$1" |
	awk -v s="$4" '$1 == s { print $2; found = 1 } END { if (!found) print "none" }'
}

test_expect_success 'setup: 2 runs of the base and of more allocations, in turns' '
	mkdir -p base allocs &&
	for i in 1 2
	do
		LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="base/r$i.zst" "$PROGS/variant" &&
		LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="allocs/r$i.zst" \
			VARIANT_ALLOCS=1.6 "$PROGS/variant" || return 1
	done
'

test_expect_success 'diff --html -o FILE writes a diff page; its document is valid JSON' '
	"$ANALYZE" diff base allocs --html -o d.html >out 2>err &&
	test_must_be_empty out &&
	data d.html >d.json &&
	test_cmp_str perfshim_report 1 "$(jq -r .perfshim_report d.json)" &&
	test_cmp_str base base "$(jq -r .base d.json)" &&
	test_cmp_str trace allocs "$(jq -r .trace d.json)" &&
	test_cmp_str "parts of one run" "null null null null null null" \
		"$(jq -r "[.summary, .leaks, .hotspots, .sites, .growth, .timeline] | map(tostring) | join(\" \")" d.json)"
'

test_expect_success 'flame_base and flame hold each side summed over its runs, exactly' '
	test_cmp_str "base allocations" 1000 "$(line d.json flame_base allocations "main;make_items")" &&
	test_cmp_str "new allocations" 1600 "$(line d.json flame allocations "main;make_items")" &&
	test_cmp_str "base bytes" 64000 "$(line d.json flame_base bytes "main;make_items")" &&
	test_cmp_str "new bytes" 102400 "$(line d.json flame bytes "main;make_items")" &&
	test_cmp_str "base leaked" 640 "$(line d.json flame_base leaked "main;keep")" &&
	test_cmp_str "new leaked" 640 "$(line d.json flame leaked "main;keep")" &&
	test_cmp_str "no leak from make_items" none "$(line d.json flame leaked "main;make_items")" &&
	test "$(line d.json flame_base cpu "main;burn")" -gt 0 &&
	test "$(line d.json flame cpu "main;burn")" -gt 0
'

test_expect_success 'one run a side: the flame graphs are one run'"'"'s' '
	"$ANALYZE" diff base/r1.zst allocs/r1.zst --html -o one.html &&
	data one.html >one.json &&
	test_cmp_str "base allocations" 500 "$(line one.json flame_base allocations "main;make_items")" &&
	test_cmp_str "new allocations" 800 "$(line one.json flame allocations "main;make_items")"
'

test_expect_success 'changes: the regression at make_items, with its verdict; no "ok" row' '
	test_cmp_str verdict regression "$(jq -r .changes.verdict d.json)" &&
	test_cmp_str "make_items calls" "500 800 60 regression" \
		"$(jq -r "[.changes.rows[] | select(.scope == \"site\" and .where == \"make_items\" and .name == \"calls\")][0] | \"\(.base) \(.new) \(.change_pct) \(.verdict)\"" d.json)" &&
	test_cmp_str "the most severe first" regression "$(jq -r ".changes.rows[0].verdict" d.json)" &&
	test_cmp_str "ok rows" 0 "$(jq "[.changes.rows[] | select(.verdict == \"ok\")] | length" d.json)"
'

test_expect_success 'without -o the page goes to stdout; --fail-on-regression still gates' '
	test_expect_code 1 "$ANALYZE" diff base allocs --html --fail-on-regression >s.html 2>err &&
	grep "regression: " err &&
	data s.html >s.json &&
	test_cmp_str "new allocations" 1600 "$(line s.json flame allocations "main;make_items")"
'

test_expect_success 'a side that is no trace: exit 2, no page' '
	echo junk >junk.zst &&
	test_expect_code 2 "$ANALYZE" diff base junk.zst --html -o j.html 2>err &&
	test_path_is_missing j.html
'

test_expect_success 'bad combinations: exit 2 with one clear line' '
	test_expect_code 2 "$ANALYZE" diff base allocs --html --json 2>err &&
	grep "choose one of --html and --json" err &&
	test_expect_code 2 "$ANALYZE" diff base allocs --json -o x.json 2>err &&
	grep "\-o FILE is where --html writes; add --html" err &&
	test_expect_code 2 "$ANALYZE" diff base allocs -o x.html 2>err &&
	grep "add --html" err &&
	test_path_is_missing x.html &&
	test_path_is_missing x.json
'

test_expect_success 'diff --help tells --html' '
	"$ANALYZE" diff --help >help &&
	grep "^  --html  " help &&
	grep "\-\-html \[-o FILE\]" help
'

test_done
