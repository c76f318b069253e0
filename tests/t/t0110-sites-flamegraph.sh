#!/bin/sh

test_description='allocation sites (--by) and collapsed stacks (--flamegraph); option errors'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/allocs.c (SITE:temp, SITE:held, SITE:leak).

# site JSON TAG FIELD - FIELD of the site whose first frame is at SITE:TAG.
site () {
	l=$(src_line allocs.c "SITE:$2") &&
	jq -r --argjson l "$l" --arg k "$3" \
		'[.sites[] | select(.stack[0].line == $l)][0][$k] // "none"' "$1"
}

test_expect_success 'setup: trace allocs' '
	capture_traced run allocs.zst "$PROGS/allocs" &&
	test_cmp_str status 0 "$(cat run.code)" &&
	analyze allocs.zst --by allocs --json --top 50 >by-allocs.json &&
	jq -e . by-allocs.json >/dev/null
'

test_expect_success '--by allocs: counts and bytes per site, the most allocations first' '
	test_cmp_str temp 1000 "$(site by-allocs.json temp allocs)" &&
	test_cmp_str temp-bytes 100000 "$(site by-allocs.json temp bytes)" &&
	test_cmp_str held 10 "$(site by-allocs.json held allocs)" &&
	test_cmp_str leak-bytes 320 "$(site by-allocs.json leak bytes)" &&
	test_cmp_str first "$(src_line allocs.c SITE:temp)" "$(jq ".sites[0].stack[0].line" by-allocs.json)"
'

test_expect_success '--by temporary: the freed-at-once site has all 1000' '
	analyze allocs.zst --by temporary --json >by-temp.json &&
	test_cmp_str temp 1000 "$(site by-temp.json temp temporary)" &&
	test_cmp_str first "$(src_line allocs.c SITE:temp)" "$(jq ".sites[0].stack[0].line" by-temp.json)" &&
	jq -e ".temporary_rule | length > 0" by-temp.json
'

test_expect_success '--by peak: the held blocks are the peak, temporaries are not in it' '
	analyze allocs.zst --by peak --json --top 50 >by-peak.json &&
	test_cmp_str held 100000 "$(site by-peak.json held peak_bytes)" &&
	test_cmp_str "temp at peak" none "$(site by-peak.json temp peak_bytes)" &&
	jq -e ".peak_bytes >= 100000" by-peak.json
'

test_expect_success '--by bytes text: a stated rule and the sites with their stacks' '
	analyze allocs.zst --by bytes --top 2 >by-bytes.txt &&
	grep "temporary: freed" by-bytes.txt &&
	test "$(grep -c "allocations, " by-bytes.txt)" = 2 &&
	grep "hold_then_free  .*allocs.c:" by-bytes.txt
'

test_expect_success '--flamegraph --metric allocs|bytes|leaked: root-first collapsed stacks' '
	analyze allocs.zst --flamegraph --metric allocs >fa &&
	grep -x "main;make_temporaries 1000" fa &&
	grep -x "main;hold_then_free 10" fa &&
	analyze allocs.zst --flamegraph --metric bytes >fb &&
	grep -x "main;hold_then_free 100000" fb &&
	analyze allocs.zst --flamegraph --metric leaked >fl &&
	grep -x "main;leak 320" fl &&
	! grep make_temporaries fl
'

test_expect_success '--flamegraph (cpu): every line is "frames count", root first' '
	capture_traced cpu cpu.zst "$PROGS/cpu" split 4 &&
	analyze cpu.zst --flamegraph >fc &&
	test_file_not_empty fc &&
	! grep -v -E "^[^ ;][^;]*(;[^;]+)* [0-9]+$" fc &&
	grep -E "^main;work;burn_three [0-9]+$" fc &&
	total=$(awk "{ s += \$NF } END { print s }" fc) &&
	test_cmp_str "sum of counts" "$(analyze cpu.zst --hotspots --json | jq .samples)" "$total"
'

test_expect_success 'bad option combinations: exit 2 and one line' '
	for args in "--hotspots --leaks" "--flamegraph --json" "--metric cpu" \
		"--by nonsense" "--metric peak --flamegraph" "--top 0 --hotspots" \
		"--top 5" "--hotspots --flamegraph" "--by bytes --flamegraph" \
		"--by bytes --thread 1" "--hotspots --fail-on-leak" \
		"--flamegraph --metric allocs --thread 0" \
		"--flamegraph --metric bytes --thread 0" \
		"--flamegraph --metric leaked --thread 0"
	do
		test_expect_code 2 "$ANALYZE" allocs.zst $args 2>err >out &&
		test_line_count = 1 err &&
		test_must_be_empty out || return 1
	done &&
	grep "^perfanalyze: --thread selects CPU samples; --metric allocs, bytes and leaked count the allocations of every thread" err &&
	analyze cpu.zst --flamegraph --metric cpu --thread 0 >/dev/null
'

test_expect_success '--help lists the new options' '
	analyze --help >help &&
	for o in --hotspots --by --top --thread --flamegraph --metric
	do
		grep -e "$o" help || return 1
	done
'

test_done
