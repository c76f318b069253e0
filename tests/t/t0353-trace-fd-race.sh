#!/bin/sh

test_description='a program that dup2()s onto the trace'"'"'s descriptor while others allocate'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/fdrace.c (see its header comment). A frame a
# millisecond, from small rings: the writer writes all the time.
race_env="PERFSHIM_FLUSH_MS=1 PERFSHIM_BUFFER_KB=16"

test_expect_success 'natively: every dup2() and close() as asked, the file exact' '
	capture native "$PROGS/fdrace" none native.txt &&
	printf "%s\n" "dup2: native" "OUT: exact" >expect &&
	test_cmp expect native.out &&
	test_cmp_str status 0 "$(cat native.code)"
'

test_expect_success 'traced, three times: the same, no complaint, a complete trace' '
	for i in 1 2 3
	do
		env $race_env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=race$i.zst \
			"$PROGS/fdrace" race$i.zst out$i.txt >race$i.out 2>race$i.err ||
			return 1
		test_cmp native.out race$i.out &&
		test_must_be_empty race$i.err &&
		analyze_status s$i race$i.zst &&
		test_cmp_str "perfanalyze status" 0 "$(cat s$i.code)" &&
		test_must_be_empty s$i.err &&
		ended_cleanly s$i.out || return 1
	done
'

test_done
