#!/bin/sh

test_description='a suppressed leak takes the blocks lost only through it (LeakSanitizer)'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/supp_tree.c. A list head from make_list (32
# bytes, definite) holds 5 nodes from list_node (240 bytes, indirect); a
# pair head from make_pair (64 bytes, definite) holds 2 parts from
# pair_part (80 bytes, indirect, two call sites). No node or part has a
# frame of its head's function on its stack.

SRC=supp_tree.c

test_expect_success 'setup: the leaks and their kinds' '
	run_traced tree.zst "$PROGS/supp_tree" &&
	leaks_json tree.zst all.json &&
	check_leak all.json $SRC list_head 32 1 1 &&
	check_leak all.json $SRC list_node 240 5 1 &&
	check_leak all.json $SRC pair_head 64 1 1 &&
	check_leak all.json $SRC pair_part 80 2 2 &&
	test_cmp_str definite "96 2" "$(json_summary all.json definite)" &&
	test_cmp_str indirect "320 7" "$(json_summary all.json indirect)"
'

test_expect_success 'suppressing the list head suppresses its nodes, not the pair' '
	echo "leak:make_list" >supp-list &&
	leaks_json tree.zst list.json --suppressions supp-list &&
	check_leak list.json $SRC list_head 0 0 0 &&
	check_leak list.json $SRC list_node 0 0 0 &&
	check_leak list.json $SRC pair_head 64 1 1 &&
	check_leak list.json $SRC pair_part 80 2 2 &&
	test_cmp_str indirect "80 2" "$(json_summary list.json indirect)"
'

test_expect_success 'the text report counts the children under the rule that took them' '
	analyze tree.zst --leaks --suppressions supp-list >list.txt &&
	grep "Suppression leak:make_list matched 2 sites, 272 B in 6 blocks." list.txt
'

test_expect_success 'suppressing the pair head suppresses its parts, not the list' '
	echo "leak:make_pair" >supp-pair &&
	leaks_json tree.zst pair.json --suppressions supp-pair &&
	check_leak pair.json $SRC pair_head 0 0 0 &&
	check_leak pair.json $SRC pair_part 0 0 0 &&
	check_leak pair.json $SRC list_head 32 1 1 &&
	check_leak pair.json $SRC list_node 240 5 1
'

test_expect_success 'both heads suppressed: the gate passes (it failed on the children)' '
	printf "leak:make_list\nleak:make_pair\n" >supp-both &&
	test_expect_code 0 analyze tree.zst --fail-on-leak --suppressions supp-both >out &&
	grep "No leaks" out
'

test_expect_success 'a child suppressed by its own stack keeps its own rule' '
	printf "leak:list_node\nleak:make_list\n" >supp-own &&
	analyze tree.zst --leaks --suppressions supp-own >own.txt &&
	grep "Suppression leak:list_node matched 1 site, 240 B in 5 blocks." own.txt &&
	grep "Suppression leak:make_list matched 1 site, 32 B in 1 block." own.txt
'

test_expect_success 'suppressing a child does not suppress its head' '
	echo "leak:list_node" >supp-node &&
	leaks_json tree.zst node.json --suppressions supp-node &&
	check_leak node.json $SRC list_node 0 0 0 &&
	check_leak node.json $SRC list_head 32 1 1
'

test_done
