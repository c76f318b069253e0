#!/bin/sh
# Covers: trace format 3 (include/perfshim_trace.h, "Since major 3"): a
# FREE named by its block's age, an address coded from past the block
# before it; 2.x traces still read as before. (What it saves on sqlite3:
# t0901.)

test_description='trace format 3: FREEs by age, 2.x still read, smaller traces'

. "$(dirname "$0")/test-lib.sh"

CORPUS=$TEST_DIRECTORY/../fuzz/corpus

test_expect_success 'a new trace is format 5.4 (3.x coding, split frames)' '
	run_traced new.zst "$PROGS/free_orders" &&
	is_current_format new.zst new.json
'

test_expect_success 'free_orders: every block freed in any order is found' '
	test_cmp_str "lost 100-byte blocks" "3700 37" "$(lost_sized 100 new.zst)" &&
	test_cmp_str "calls less frees" 38 \
		"$(jq -r ".alloc_calls - .free_calls" new.json)" &&
	test_cmp_str "blocks at exit" 38 \
		"$(jq -r .live_blocks new.json)"
'

test_expect_success 'a 2.3 trace of free_orders reads as it did' '
	"$ANALYZE" "$CORPUS/free-orders-2.3.zst" --json >old.json &&
	test_cmp_str format 2 "$(jq -r .format old.json)" &&
	test_cmp_str calls 70135 "$(jq -r .alloc_calls old.json)" &&
	test_cmp_str frees 70097 "$(jq -r .free_calls old.json)" &&
	test_cmp_str "blocks at exit" 38 \
		"$(jq -r .live_blocks old.json)" &&
	"$ANALYZE" "$CORPUS/free-orders-2.3.zst" --leaks --json |
		jq -c "[.leaks[] | [.kind, .bytes, .blocks]]" >old.leaks &&
	echo "[[\"definite\",2700,27],[\"reachable\",700,7],[\"possible\",300,3]]" >expect &&
	test_cmp expect old.leaks
'

test_expect_success 'the same counts from the 5.4 trace as from the 2.3 one' '
	for k in alloc_calls free_calls live_blocks \
		live_bytes; do
		test_cmp_str $k "$(jq -r .$k old.json)" "$(jq -r .$k new.json)" ||
			return 1
	done
'

test_done
