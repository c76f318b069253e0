#!/bin/sh

test_description='leak kinds from the reachability scan, as memcheck defines them'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/reach.c; each verdict below is the one
# valgrind --leak-check=full --show-leak-kinds=all gives for that block.
SRC=reach.c

# check_kind JSON TAG KIND BYTES BLOCKS - the groups of kind KIND whose
# program frame is at the LEAK:TAG line of reach.c hold BYTES in BLOCKS.
check_kind () {
	check_kind_src "$1" "$SRC" "$2" "$3" "$4" "$5"
}

test_expect_success 'setup: trace reach, ending by exit() and by return' '
	run_traced exit.zst "$PROGS/reach" exit >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	run_traced return.zst "$PROGS/reach" return &&
	leaks_json exit.zst exit.json &&
	leaks_json return.zst return.json
'

test_expect_success 'a dropped pointer: definite' '
	check_kind exit.json dropped definite 111 1
'

test_expect_success 'a pointer kept in a global: reachable' '
	check_kind exit.json kept reachable 222 1
'

test_expect_success 'a leaked list of 5: the head definite, 4 nodes indirect' '
	check_kind exit.json list definite 32 1 &&
	check_kind exit.json list indirect 128 4
'

test_expect_success 'a subtree cut off a global tree: its root definite, 2 indirect, the rest reachable' '
	check_kind exit.json tree definite 24 1 &&
	check_kind exit.json tree indirect 48 2 &&
	check_kind exit.json tree reachable 48 2
'

test_expect_success 'an unreachable cycle of 3: one definite, two indirect' '
	check_kind exit.json cycle definite 48 1 &&
	check_kind exit.json cycle indirect 96 2
'

test_expect_success 'an interior pointer in a global: possible' '
	check_kind exit.json interior possible 64 1
'

test_expect_success 'an interior pointer into a table of string pointers (no vtables): possible' '
	check_kind exit.json strtab possible 32 1
'

test_expect_success 'a pointer one past the end is no pointer to it: definite' '
	check_kind exit.json past-end definite 40 1
'

test_expect_success '2000 small leaks from one site: one definite group' '
	check_kind exit.json many definite 48000 2000 &&
	check_leak exit.json $SRC many 48000 2000 1
'

test_expect_success 'an aligned allocation and a realloc chain kept in globals: reachable' '
	check_kind exit.json aligned reachable 100 1 &&
	check_kind exit.json realloc reachable 300000 1
'

test_expect_success 'a __thread variable of the main thread: reachable' '
	check_kind exit.json main-tls reachable 55 1
'

test_expect_success 'a local of main at exit(): reachable; after return from main: definite' '
	check_kind exit.json local reachable 77 1 &&
	check_kind return.json local definite 77 1
'

test_expect_success 'the summary has the per-kind totals of the program (exit)' '
	jq -r "\"\(.summary.definite.blocks) \(.summary.indirect.blocks) \(.summary.possible.blocks)\"" exit.json >got &&
	echo "2005 8 2" >want &&
	test_cmp want got &&
	test_cmp_str unclassified "0 0" "$(json_summary exit.json unclassified)"
'

test_expect_success 'the text report names each kind and shows the totals by kind' '
	analyze exit.zst --leaks >leaks.txt &&
	grep "(definite) allocated at" leaks.txt &&
	grep "(indirect) allocated at" leaks.txt &&
	grep "(possible) allocated at" leaks.txt &&
	grep "(reachable) allocated at" leaks.txt &&
	grep "^By kind: definite 47.1 KiB in 2,005 blocks, indirect 272 B in 8 blocks, possible 96 B in 2 blocks" leaks.txt
'

test_expect_success '--fail-on-leak: definite, indirect and possible count; reachable not' '
	test_expect_code 1 analyze exit.zst --fail-on-leak >/dev/null &&
	test_expect_code 0 analyze exit.zst --fail-on-leak --min-bytes 300000 >big.txt &&
	grep "^293.0 KiB in 1 block (reachable)" big.txt &&
	test_expect_code 1 analyze exit.zst --fail-on-leak --min-bytes 300000 --leak-kinds reachable >/dev/null &&
	test_expect_code 1 analyze exit.zst --fail-on-leak --leak-kinds possible >/dev/null &&
	test_expect_code 0 analyze exit.zst --fail-on-leak --leak-kinds unclassified >/dev/null
'

test_expect_success '--leak-kinds chooses what is reported' '
	leaks_json exit.zst def.json --leak-kinds definite,indirect &&
	jq -e "[.leaks[].kind] | unique == [\"definite\", \"indirect\"]" def.json &&
	test_cmp_str reachable "0 0" "$(json_summary def.json reachable)" &&
	leaks_json exit.zst all.json --leak-kinds all &&
	jq -e "[.leaks[].kind] | unique | length == 4" all.json
'

test_expect_success '--leak-kinds with a word that is no kind: usage error' '
	test_expect_code 2 analyze exit.zst --leaks --leak-kinds definite,lost 2>err &&
	test_line_count = 1 err &&
	test_expect_code 2 analyze exit.zst --leaks --leak-kinds "" 2>err
'

test_expect_success 'suppressions apply to every kind' '
	printf "leak:cut_tree\nleak:realloc_chain\n" >supp &&
	leaks_json exit.zst supp.json --suppressions supp &&
	check_kind supp.json tree reachable 0 0 &&
	check_kind supp.json tree definite 0 0 &&
	check_kind supp.json realloc reachable 0 0 &&
	check_kind supp.json list definite 32 1
'

test_expect_success 'PERFSHIM_SCAN=0: no scan, every block unclassified, and the gate counts them' '
	PERFSHIM_SCAN=0 run_traced noscan.zst "$PROGS/reach" exit &&
	leaks_json noscan.zst noscan.json &&
	jq -e "[.leaks[].kind] | unique == [\"unclassified\"]" noscan.json &&
	check_leak noscan.json $SRC kept 222 1 &&
	test_expect_code 1 analyze noscan.zst --fail-on-leak >/dev/null
'

test_done
