#!/bin/sh

test_description='--baseline: the leak gate fails on new leak sites only'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/leak_knob.c. legacy_cache() leaks
# LEAK_LEGACY blocks (default 1) of 1000 bytes in every run; new_feature()
# leaks 500 bytes when LEAK_NEW is set. leak_knob_shift is the same source
# rebuilt with code added before the leaks (other addresses, other lines).

# site JSON FUNCTION FIELD - FIELD of the leak groups whose stack holds
# FUNCTION, one line each.
site () {
	jq -r --arg f "$2" --arg k "$3" \
		'.leaks[] | select(any(.stack[]; .function == $f)) | .[$k]' "$1"
}

# line JSON FUNCTION - the source line of FUNCTION's frame in the groups.
line () {
	jq -r --arg f "$2" \
		'.leaks[] | .stack[] | select(.function == $f) | .line' "$1"
}

test_expect_success 'setup: a baseline run, and runs of the rebuilt program' '
	run_traced base.zst "$PROGS/leak_knob" &&
	run_traced same.zst "$PROGS/leak_knob_shift" &&
	LEAK_NEW=1 run_traced new.zst "$PROGS/leak_knob_shift" &&
	LEAK_LEGACY=2 run_traced twice.zst "$PROGS/leak_knob_shift" &&
	LEAK_LEGACY=3 run_traced thrice.zst "$PROGS/leak_knob_shift" &&
	leaks_json base.zst base.json &&
	leaks_json same.zst same.json &&
	test_cmp_str "base legacy bytes" 1000 "$(site base.json legacy_cache bytes)" &&
	test_cmp_str "new legacy bytes" 1000 "$(site same.json legacy_cache bytes)"
'

test_expect_success 'the rebuild moved the site: other lines than the baseline' '
	test -n "$(line base.json legacy_cache)" &&
	test "$(line base.json legacy_cache)" != "$(line same.json legacy_cache)"
'

test_expect_success 'without a baseline the legacy leak fails the gate' '
	test_expect_code 1 analyze same.zst --fail-on-leak >/dev/null
'

test_expect_success 'only the legacy leak: known by name after the rebuild, the gate passes' '
	analyze same.zst --fail-on-leak --baseline base.zst --json >same-b.json &&
	test_cmp_str baseline known "$(site same-b.json legacy_cache baseline)" &&
	test_cmp_str grown false "$(site same-b.json legacy_cache grown)" &&
	test_cmp_str "baseline bytes" 1000 "$(site same-b.json legacy_cache baseline_bytes)" &&
	test_cmp_str sites "{\"new\":0,\"known\":1,\"grown\":0}" \
		"$(jq -c .baseline same-b.json)"
'

test_expect_success 'a new leak site fails the gate, marked new; the legacy one known' '
	test_expect_code 1 analyze new.zst --fail-on-leak --baseline base.zst --json >new-b.json &&
	test_cmp_str "new site" new "$(site new-b.json new_feature baseline)" &&
	test_cmp_str "new bytes" 500 "$(site new-b.json new_feature bytes)" &&
	test_cmp_str "legacy site" known "$(site new-b.json legacy_cache baseline)" &&
	test_cmp_str sites "{\"new\":1,\"known\":1,\"grown\":0}" \
		"$(jq -c .baseline new-b.json)"
'

test_expect_success 'text: each site says new or known, and a line of totals' '
	test_expect_code 1 analyze new.zst --leaks --fail-on-leak --baseline base.zst >new-b.txt 2>new-b.err &&
	test_cmp_str "gate line" "perfanalyze: gate failed: 1 leak site, 500 B in 1 block (definite)" "$(cat new-b.err)" &&
	grep "^500 B in 1 block (definite; new since the baseline) allocated at:$" new-b.txt &&
	grep "^1000 B in 1 block (definite; known in the baseline) allocated at:$" new-b.txt &&
	grep "^Baseline: 1 site new, 1 known (0 of them grown); the gate counts new and grown sites only.$" new-b.txt
'

test_expect_success 'a known site leaking twice its baseline bytes fails, marked grown' '
	test_expect_code 1 analyze twice.zst --fail-on-leak --baseline base.zst --json >twice.json &&
	test_cmp_str baseline known "$(site twice.json legacy_cache baseline)" &&
	test_cmp_str grown true "$(site twice.json legacy_cache grown)" &&
	test_cmp_str "site bytes" 2000 "$(site twice.json legacy_cache site_bytes)" &&
	test_expect_code 1 analyze twice.zst --fail-on-leak --baseline base.zst >twice.txt &&
	grep "^2.0 KiB in 2 blocks (definite; known in the baseline, grown: 2.0 KiB at this site, 1000 B in the baseline) allocated at:$" twice.txt
'

test_expect_success 'growth below the --min-bytes floor passes: 2000 more bytes, floor 2001' '
	test_expect_code 1 analyze thrice.zst --fail-on-leak --baseline base.zst --min-bytes 2000 --json >floor-fail.json &&
	test_cmp_str grown true "$(site floor-fail.json legacy_cache grown)" &&
	analyze thrice.zst --fail-on-leak --baseline base.zst --min-bytes 2001 --json >floor.json &&
	test_cmp_str grown false "$(site floor.json legacy_cache grown)" &&
	test_cmp_str baseline known "$(site floor.json legacy_cache baseline)"
'

test_expect_success 'one and a half times the baseline is not clearly more: known, passes' '
	LEAK_LEGACY=2 run_traced base2.zst "$PROGS/leak_knob" &&
	analyze thrice.zst --fail-on-leak --baseline base2.zst --json >half.json &&
	test_cmp_str grown false "$(site half.json legacy_cache grown)" &&
	test_cmp_str "baseline bytes" 2000 "$(site half.json legacy_cache baseline_bytes)"
'

test_expect_success 'a baseline with the new leak knows it: the same run passes' '
	analyze new.zst --fail-on-leak --baseline new.zst >/dev/null
'

test_expect_success 'a directory of baseline runs: a site is known from any, at its largest' '
	mkdir base &&
	cp base.zst base/1.zst &&
	LEAK_LEGACY=2 run_traced base/2.zst "$PROGS/leak_knob" &&
	LEAK_NEW=1 LEAK_LEGACY=3 run_traced base/3.zst "$PROGS/leak_knob" &&
	analyze new.zst --fail-on-leak --baseline base --json >dir.json &&
	test_cmp_str "new site" known "$(site dir.json new_feature baseline)" &&
	test_cmp_str "legacy base" 3000 "$(site dir.json legacy_cache baseline_bytes)" &&
	mkdir nobase &&
	test_expect_code 2 analyze new.zst --fail-on-leak --baseline nobase 2>err &&
	test_cmp_str msg "perfanalyze: nobase: no traces (*.zst)" "$(cat err)"
'

test_expect_success 'without --fail-on-leak the sites are marked and the exit is 0' '
	analyze new.zst --baseline base.zst --json >marks.json &&
	test_cmp_str "new site" new "$(site marks.json new_feature baseline)"
'

test_expect_success 'a baseline that cannot be read, or a cut-short one: exit 2, one line' '
	test_expect_code 2 analyze new.zst --fail-on-leak --baseline missing.zst >out 2>err &&
	test_must_be_empty out &&
	test_line_count = 1 err &&
	grep "^perfanalyze: .*missing.zst" err &&
	head -c $(($(trace_header_len base.zst) + 20)) base.zst >cut.zst &&
	test_expect_code 2 analyze new.zst --fail-on-leak --baseline cut.zst >out 2>err &&
	grep "^perfanalyze: baseline cut.zst: .*--allow-incomplete" err
'

test_expect_success '--baseline goes with the leak report only' '
	test_expect_code 2 analyze new.zst --hotspots --baseline base.zst 2>err &&
	grep "^perfanalyze: " err &&
	test_expect_code 2 analyze new.zst --growth --baseline base.zst 2>err &&
	grep "^perfanalyze: " err
'

test_done
