#!/bin/sh

test_description='progress on stderr only on a terminal, only for reads over PERFSHIM_PROGRESS_MS (2 s)'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/gate.c "both" leaks 2 blocks' worth; its
# trace reads in well under 2 s. PERFSHIM_PROGRESS_MS=0 shows the
# progress line at once, as a long read would after 2 s.

test_expect_success 'setup: a trace' '
	run_traced t.zst "$PROGS/gate" both
'

test_expect_success 'stderr not a terminal: nothing on it, even with no delay' '
	PERFSHIM_PROGRESS_MS=0 analyze t.zst --leaks >out.txt 2>err &&
	test_must_be_empty err &&
	PERFSHIM_PROGRESS_MS=0 analyze t.zst >out.txt 2>err &&
	test_must_be_empty err &&
	PERFSHIM_PROGRESS_MS=0 analyze t.zst --growth >out.txt 2>err &&
	test_must_be_empty err
'

test_expect_success 'stderr a terminal, a read past the delay: a progress line, then cleared' '
	PERFSHIM_PROGRESS_MS=0 script -qec "\"$ANALYZE\" t.zst --leaks >report.txt" /dev/null </dev/null >tty.txt &&
	grep "perfanalyze: reading t.zst: [0-9]*%" tty.txt &&
	printf "\\r\\033[K" >clear &&
	tail -c 4 tty.txt >last &&
	test_cmp clear last &&
	grep "^Total: " report.txt &&
	! grep "reading" report.txt
'

test_expect_success 'stderr a terminal, a read shorter than 2 s: no progress line' '
	script -qec "\"$ANALYZE\" t.zst --leaks >report.txt" /dev/null </dev/null >tty.txt &&
	test_must_be_empty tty.txt
'

test_done
