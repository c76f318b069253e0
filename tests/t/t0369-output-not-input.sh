#!/bin/sh

test_description='-o never overwrites an input: the trace, diff BASE/NEW, a run'

. "$(dirname "$0")/test-lib.sh"

# Known truth: gate.c "both" leaks; its trace is the input each test tries
# to overwrite through -o. The analyzer wrote the report over the trace
# and exited 0, so a typo in a CI script lost the run's trace.

SAID="it would be overwritten"

# refused CODE ARGS... - perfanalyze ARGS exits 2 with one line that says
# why, and t.zst is left as it was.
refused () {
	analyze_status r "$@" &&
	test_cmp_str "perfanalyze $* status" 2 "$(cat r.code)" &&
	test_line_count = 1 r.err &&
	grep "$SAID" r.err &&
	test_cmp orig.zst t.zst
}

test_expect_success 'setup: a trace, a copy of it to compare with' '
	run_traced t.zst "$PROGS/gate" both &&
	cp t.zst orig.zst &&
	ln -s t.zst link.zst &&
	ln t.zst hard.zst &&
	mkdir runs &&
	cp t.zst runs/a.zst
'

test_expect_success '--export and --html to the input itself: exit 2, trace kept' '
	for how in "--export pprof" "--export speedscope" "--export chrome" --html
	do
		refused t.zst $how -o t.zst || return 1
	done &&
	refused t.zst --html -o ./t.zst
'

test_expect_success 'to a symlink or a hard link to the input, or from one' '
	refused t.zst --export chrome -o link.zst &&
	refused link.zst --export chrome -o t.zst &&
	refused t.zst --html -o hard.zst
'

test_expect_success 'diff --html -o BASE or NEW: exit 2, trace kept' '
	refused diff t.zst orig.zst --html -o t.zst &&
	refused diff orig.zst t.zst --html -o t.zst
'

test_expect_success 'a directory of runs: -o one of its runs is refused' '
	cp runs/a.zst runs-a.orig &&
	analyze_status r runs --export pprof -o runs/a.zst &&
	test_cmp_str status 2 "$(cat r.code)" &&
	grep "^perfanalyze: -o runs/a.zst: that is a run of the input runs; $SAID" r.err &&
	test_cmp runs-a.orig runs/a.zst
'

test_expect_success 'another existing file is overwritten as asked' '
	echo old >report.html &&
	analyze t.zst --html -o report.html &&
	grep "<html" report.html &&
	analyze t.zst --export pprof -o report.html &&
	test_cmp orig.zst t.zst
'

test_done
