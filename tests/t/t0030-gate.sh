#!/bin/sh

test_description='CI gate: --fail-on-leak, --min-bytes, --suppressions'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/gate.c. alpha: 300 bytes in 1 block in
# gate_leak_alpha(); beta: 200 bytes in 2 blocks in gate_leak_beta(),
# called from gate_caller_beta(). "none" leaks nothing.

test_expect_success 'setup: trace gate with leaks and without' '
	run_traced both.zst "$PROGS/gate" both &&
	run_traced none.zst "$PROGS/gate" none &&
	leaks_json both.zst both.json &&
	check_leak both.json gate.c alpha 300 1 1 &&
	check_leak both.json gate.c beta 200 2 1 &&
	leaks_json none.zst none.json &&
	test_cmp_str "leaks of gate none" 0 "$(jq "[.summary[].blocks] | add" none.json)" &&
	test_cmp_str "definite leaks of gate both (as memcheck)" "500 3" "$(json_summary both.json definite)"
'

test_expect_success '--fail-on-leak with leaks: exit 1' '
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak >out &&
	test_file_not_empty out
'

test_expect_success '--fail-on-leak with --json and leaks: exit 1, the JSON still printed' '
	test_expect_code 1 analyze both.zst --leaks --json --fail-on-leak >out.json &&
	jq -e ".leaks | length >= 2" out.json
'

test_expect_success '--fail-on-leak without leaks: exit 0' '
	test_expect_code 0 analyze none.zst --leaks --fail-on-leak >out
'

test_expect_success 'without --fail-on-leak, leaks do not fail the run' '
	test_expect_code 0 analyze both.zst --leaks >out
'

test_expect_success '--min-bytes: groups smaller than N are ignored' '
	leaks_json both.zst min250.json --min-bytes 250 &&
	check_leak min250.json gate.c alpha 300 1 1 &&
	check_leak min250.json gate.c beta 0 0 0
'

test_expect_success '--min-bytes equal to the largest group keeps it: exit 1' '
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak --min-bytes 300 >out
'

test_expect_success '--min-bytes above the largest group: exit 0' '
	test_expect_code 0 analyze both.zst --leaks --fail-on-leak --min-bytes 301 >out &&
	leaks_json both.zst min301.json --min-bytes 301 &&
	jq -e ".leaks == []" min301.json
'

test_expect_success '--min-bytes 0 and 1 keep everything' '
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak --min-bytes 0 >out &&
	leaks_json both.zst min1.json --min-bytes 1 &&
	test_cmp both.json min1.json
'

test_expect_success 'suppress alpha by function name: beta still fails the gate' '
	echo "leak:gate_leak_alpha" >supp-alpha &&
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak --suppressions supp-alpha >out &&
	leaks_json both.zst supp-alpha.json --suppressions supp-alpha &&
	check_leak supp-alpha.json gate.c alpha 0 0 0 &&
	check_leak supp-alpha.json gate.c beta 200 2 1
'

test_expect_success 'suppress both by name: exit 0, the report names the rules that matched' '
	printf "%s\n" leak:gate_leak_alpha leak:gate_leak_beta >supp-both &&
	test_expect_code 0 analyze both.zst --leaks --fail-on-leak --suppressions supp-both >out &&
	grep gate_leak_alpha out &&
	grep gate_leak_beta out &&
	leaks_json both.zst supp-both.json --suppressions supp-both &&
	test_cmp_str "gate.c groups left" "0 0 0" "$(json_file_total supp-both.json gate.c)"
'

test_expect_success 'a rule that matches nothing suppresses nothing' '
	echo "leak:no_such_function_in_gate" >supp-none &&
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak --suppressions supp-none >out &&
	leaks_json both.zst supp-none.json --suppressions supp-none &&
	check_leak supp-none.json gate.c alpha 300 1 1 &&
	check_leak supp-none.json gate.c beta 200 2 1
'

test_expect_success 'a rule matches an outer frame too (the caller of the allocating function)' '
	echo "leak:gate_caller_beta" >supp-caller &&
	leaks_json both.zst supp-caller.json --suppressions supp-caller &&
	check_leak supp-caller.json gate.c beta 0 0 0 &&
	check_leak supp-caller.json gate.c alpha 300 1 1 &&
	analyze both.zst --leaks --suppressions supp-caller >out &&
	grep gate_caller_beta out
'

test_expect_success 'a * wildcard suppresses both: exit 0, the pattern is reported' '
	echo "leak:gate_leak_*" >supp-wild &&
	test_expect_code 0 analyze both.zst --leaks --fail-on-leak --suppressions supp-wild >out &&
	grep -F "gate_leak_*" out
'

test_expect_success 'a * wildcard in the middle matches only what it should' '
	echo "leak:gate_*_alpha" >supp-mid &&
	leaks_json both.zst supp-mid.json --suppressions supp-mid &&
	check_leak supp-mid.json gate.c alpha 0 0 0 &&
	check_leak supp-mid.json gate.c beta 200 2 1
'

test_expect_success 'anchored patterns (LeakSanitizer ^ and $)' '
	echo "leak:^gate_leak_alpha\$" >supp-anchor &&
	leaks_json both.zst supp-anchor.json --suppressions supp-anchor &&
	check_leak supp-anchor.json gate.c alpha 0 0 0 &&
	echo "leak:^leak_alpha" >supp-anchor2 &&
	leaks_json both.zst supp-anchor2.json --suppressions supp-anchor2 &&
	check_leak supp-anchor2.json gate.c alpha 300 1 1
'

test_expect_success 'a pattern without anchors matches a substring (LeakSanitizer)' '
	echo "leak:leak_alph" >supp-sub &&
	leaks_json both.zst supp-sub.json --suppressions supp-sub &&
	check_leak supp-sub.json gate.c alpha 0 0 0 &&
	check_leak supp-sub.json gate.c beta 200 2 1
'

test_expect_success 'a source file name suppresses every leak from that file' '
	echo "leak:gate.c" >supp-file &&
	test_expect_code 0 analyze both.zst --leaks --fail-on-leak --suppressions supp-file >out
'

test_expect_success 'comments, blank lines and CRLF line ends are allowed' '
	printf "# suppressions for gate\n\n   # an indented comment\nleak:gate_leak_alpha\r\n\n  leak:gate_caller_beta  \n# leak:main\n" >supp-comments &&
	test_expect_code 0 analyze both.zst --leaks --fail-on-leak --suppressions supp-comments >out &&
	grep gate_leak_alpha out &&
	grep gate_caller_beta out
'

test_expect_success 'a commented-out rule suppresses nothing' '
	printf "# leak:gate_leak_alpha\n#leak:gate_leak_beta\n" >supp-commented &&
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak --suppressions supp-commented >out
'

test_expect_success 'suppressions and --min-bytes together' '
	echo "leak:gate_leak_alpha" >supp-a &&
	test_expect_code 1 analyze both.zst --leaks --fail-on-leak --suppressions supp-a --min-bytes 200 >out &&
	test_expect_code 0 analyze both.zst --leaks --fail-on-leak --suppressions supp-a --min-bytes 201 >out
'

test_expect_success 'a missing suppressions file: exit 2, one line' '
	test_expect_code 2 analyze both.zst --leaks --fail-on-leak --suppressions no-such-file >out 2>err &&
	test_line_count = 1 err
'

test_expect_success 'a suppressions file with a line that is not leak:PATTERN: exit 2' '
	printf "leak:gate_leak_alpha\nthis is not a rule\n" >supp-bad &&
	test_expect_code 2 analyze both.zst --leaks --suppressions supp-bad >out 2>err &&
	test_line_count = 1 err
'

test_expect_success 'a suppressions file with an empty pattern: exit 2' '
	printf "leak:\n" >supp-empty &&
	test_expect_code 2 analyze both.zst --leaks --suppressions supp-empty >out 2>err &&
	test_line_count = 1 err
'

test_expect_success 'a bad suppressions file wins over --fail-on-leak (2, not 1 or 0)' '
	test_expect_code 2 analyze none.zst --leaks --fail-on-leak --suppressions supp-bad >out 2>err
'

test_done
