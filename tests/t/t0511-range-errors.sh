#!/bin/sh

test_description='values out of range exit 2 with one line; unknown options point at --help'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/cpu.c "threads 2" runs main and 2 threads:
# thread indices 0, 1 and 2.

test_expect_success 'setup: a trace of 3 threads' '
	run_traced cpu.zst "$PROGS/cpu" threads 2 &&
	analyze cpu.zst --json >sum.json &&
	test_cmp_str threads 3 "$(jq .threads sum.json)"
'

# exit2 EXPECTED_LINE ARGS... - perfanalyze ARGS exits 2, prints nothing on
# stdout and exactly EXPECTED_LINE on stderr.
exit2 () {
	echo "$1" >expect &&
	shift &&
	analyze_status r "$@" &&
	test_cmp_str status 2 "$(cat r.code)" &&
	test_must_be_empty r.out &&
	test_cmp expect r.err
}

test_expect_success '--thread past the last thread: exit 2, says how many there are' '
	exit2 "perfanalyze: --thread 3: the trace has 3 threads (indices from 0)" \
		cpu.zst --hotspots --thread 3 &&
	exit2 "perfanalyze: --thread 999: the trace has 3 threads (indices from 0)" \
		cpu.zst --flamegraph --thread 999
'

test_expect_success '--thread of the last thread is accepted' '
	analyze cpu.zst --hotspots --thread 2 >out &&
	grep "(thread 2 only)" out
'

test_expect_success '--thread negative or junk: exit 2' '
	exit2 "perfanalyze: --thread takes a thread index (0, 1, ...), not '"'"'-1'"'"' (see perfanalyze --help)" \
		cpu.zst --hotspots --thread -1 &&
	exit2 "perfanalyze: --thread takes a thread index (0, 1, ...), not '"'"'two'"'"' (see perfanalyze --help)" \
		cpu.zst --hotspots --thread two
'

test_expect_success '--top 0, negative, junk or huge: exit 2 with the range' '
	for v in 0 -1 5x 1000000001
	do
		exit2 "perfanalyze: --top takes a count from 1 to 1000000000, not '"'"'$v'"'"' (see perfanalyze --help)" \
			cpu.zst --hotspots --top $v || return 1
	done
'

test_expect_success '--min-bytes negative or junk: exit 2' '
	for v in -5 1e3 ""
	do
		exit2 "perfanalyze: --min-bytes takes a whole number of bytes, not '"'"'$v'"'"' (see perfanalyze --help)" \
			cpu.zst --min-bytes "$v" || return 1
	done
'

test_expect_success 'an unknown option: exit 2 and a pointer at --help' '
	exit2 "perfanalyze: unknown option '"'"'--nosuch'"'"' (see perfanalyze --help)" \
		cpu.zst --nosuch &&
	exit2 "perfanalyze: unknown option '"'"'-Q'"'"' (see perfanalyze --help)" \
		-Q cpu.zst
'

test_done
