#!/bin/sh

test_description='a program that dup2()s onto the trace'"'"'s descriptor while others allocate, or closes it raw'

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

# Known truth: tests/programs/probe_raw_close_range.c (t0300 compares its
# output with the native run's). Its raw close_range() closes the trace
# and libunwind's pipe; its files then take their numbers.
test_expect_success 'a raw close_range: its files its own, the trace opened again, whole' '
	capture native-r "$PROGS/probe_raw_close_range" &&
	mkdir raw &&
	capture shim-r env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="$PWD/raw/t.zst" \
		"$PROGS/probe_raw_close_range" &&
	test_same_run native-r shim-r &&
	test_must_be_empty shim-r.err &&
	analyze_status r raw/t.zst.1 &&
	test_cmp_str "perfanalyze status" 0 "$(cat r.code)" &&
	ended_cleanly r.out &&
	test "$(summary_number r.out "allocation calls")" -ge 240000
'

test_done
