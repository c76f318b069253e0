#!/bin/sh

test_description='leak kinds: a root in the program mmap that the kernel merged with a malloc chunk'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/reach_merged_mmap.c. The program maps a
# page of its own right next to the chunk glibc mapped for a 1 MiB
# malloc; the kernel makes the two one mapping. The only pointer to
# the block at REACH:mine is in the program's page: reachable, as
# memcheck says, not lost. The block at LEAK:lost is definite.

test_expect_success 'setup: trace the program' '
	LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=merged.zst \
		"$PROGS/reach_merged_mmap" >out &&
	echo merged >expect &&
	test_cmp expect out &&
	leaks_json merged.zst merged.json --leak-kinds all
'

test_expect_success 'the block held from the merged mapping is reachable' '
	l=$(src_line reach_merged_mmap.c REACH:mine) &&
	jq -e --argjson l $l "$JQ_DEFS""
		[.leaks[] | select((progframe(\"reach_merged_mmap.c\") // {}).line == \$l)]
		| length == 1 and .[0].kind == \"reachable\"
	" merged.json
'

test_expect_success 'the dropped block is still lost: 48 B definite' '
	check_leak merged.json reach_merged_mmap.c lost 48 1
'

test_expect_success 'the chunk itself is reachable from its global' '
	jq -e "[.leaks[] | select(.kind == \"reachable\" and .bytes == 1048576)] | length == 1" merged.json
'

test_done
