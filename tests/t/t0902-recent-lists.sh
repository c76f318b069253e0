#!/bin/sh
# Covers: trace format 5 (include/perfshim_trace.h, "Major 5"): 32
# recently freed addresses kept per size class, not 8, so that a block
# handed out again from the allocator's other bins costs no address;
# 4.x traces still read as before.

test_description='trace format 5: longer recently-freed lists, 4.x still read'

. "$(dirname "$0")/test-lib.sh"

CORPUS=$TEST_DIRECTORY/../fuzz/corpus

test_expect_success 'a new trace of reuse_far is format 5.4' '
	run_traced new.zst "$PROGS/reuse_far" &&
	is_current_format new.zst new.json
'

test_expect_success 'reuse_far: every block freed and handed out again is found' '
	test_cmp_str "lost 48-byte blocks" "1104 23" "$(lost_sized 48 new.zst --show-runtime)" &&
	test_cmp_str "untracked frees" 0 \
		"$(jq -r .untracked_frees new.json)" &&
	test "$(jq -r .alloc_calls new.json)" -ge 4823
'

test_expect_success 'a 4.4 trace of reuse_far reads as the new one' '
	"$ANALYZE" "$CORPUS/reuse-far-4.4.zst" --json >old.json &&
	test_cmp_str format 4 "$(jq -r .format old.json)" &&
	for k in alloc_calls free_calls live_blocks live_bytes \
		untracked_frees; do
		test_cmp_str $k "$(jq -r .$k old.json)" \
			"$(jq -r .$k new.json)" || return 1
	done &&
	test_cmp_str "lost 48-byte blocks, 4.4" "1104 23" \
		"$(lost_sized 48 "$CORPUS/reuse-far-4.4.zst" --show-runtime)"
'

test_done
