#!/bin/sh
# Covers: trace format 2 (COLUMNS records, include/perfshim_trace.h) as the
# analyzer reports it, next to the 1.x traces it still reads.

test_description='trace format 2: the summary names it; 1.x traces still read'

. "$(dirname "$0")/test-lib.sh"

GOLDEN=$TEST_DIRECTORY/../golden/traces

test_expect_success 'a new trace: --json says format "5", with its events' '
	run_traced new.zst "$PROGS/leaks_basic" >/dev/null 2>&1 &&
	is_current_format new.zst new.json &&
	test "$(jq -r .alloc_calls new.json)" -gt 40000
'

test_expect_success 'a 1.x trace: --json says format "1"' '
	"$ANALYZE" "$GOLDEN/leaks_basic.zst" --json >old.json &&
	test_cmp_str format 1 "$(jq -r .format old.json)"
'

test_expect_success 'the same leaks from a format 2 trace as the 1.x golden one' '
	"$ANALYZE" "$GOLDEN/leaks_basic.zst" --leaks --json |
		jq -c "[.leaks[] | [.kind, .bytes, .blocks]]" >old.leaks &&
	"$ANALYZE" new.zst --leaks --json |
		jq -c "[.leaks[] | [.kind, .bytes, .blocks]]" >new.leaks &&
	test_cmp old.leaks new.leaks
'

test_done
