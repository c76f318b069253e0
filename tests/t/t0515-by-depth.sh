#!/bin/sh

test_description='--by stacks keep their depth (--depth N, default 64)'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/deep.c N leaks 48 bytes at the bottom of N
# nested calls of recurse(): recurse (LEAK:deep) + N recurse (CALL:recurse)
# + main = N + 2 frames. Traced with PERFSHIM_DEPTH=128, deep 100 keeps
# all 102.

test_expect_success 'setup: a stack of 102 frames' '
	PERFSHIM_DEPTH=128 run_traced deep.zst "$PROGS/deep" 100 &&
	analyze deep.zst --by bytes --top 1 --json >all.json
'

test_expect_success 'by default, --by shows 64 frames and says how many it left out' '
	analyze deep.zst --by bytes --top 1 >d.txt &&
	test "$(grep -c "^    #[0-9]* *recurse  .*deep.c:[0-9]*  \[deep\]$" d.txt)" = 64 &&
	grep "^    #63 recurse  " d.txt &&
	grep -x "    (38 more frames: --depth shows them)" d.txt &&
	jq -e ".sites[0].stack | length == 64" all.json
'

test_expect_success '--depth 512: every frame, down to main' '
	analyze deep.zst --by bytes --top 1 --depth 512 >full.txt &&
	grep "^    #101 main  .*deep.c:[0-9]*  \[deep\]$" full.txt &&
	! grep "more frames" full.txt &&
	analyze deep.zst --by bytes --top 1 --depth 512 --json >full.json &&
	jq -e ".sites[0].stack | length == 102" full.json
'

test_expect_success '--depth 3: three frames, and 99 left out' '
	analyze deep.zst --by bytes --top 1 --depth 3 >three.txt &&
	test "$(grep -c "^    #[0-9]" three.txt)" = 3 &&
	grep -x "    (99 more frames: --depth shows them)" three.txt
'

test_expect_success '--depth out of range or without --by: exit 2' '
	for v in 0 513 x
	do
		test_expect_code 2 analyze deep.zst --by bytes --depth $v 2>err &&
		grep "^perfanalyze: --depth takes a count of frames from 1 to 512, not '"'"'$v'"'"'" err || return 1
	done &&
	test_expect_code 2 analyze deep.zst --leaks --depth 5 2>err &&
	grep "^perfanalyze: --depth goes with --by" err
'

test_done
