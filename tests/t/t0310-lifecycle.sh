#!/bin/sh

test_description='the writer thread never outlives the program: pthread_exit from main, children no fork handler saw'

. "$(dirname "$0")/test-lib.sh"

# traced PREFIX DIR PROG [ARG...] - PROG under the shim, its traces in DIR,
# under a time limit (a hang fails), captured as in capture.
traced () {
	traced_p_=$1
	traced_d_=$2
	shift 2
	mkdir -p "$traced_d_" &&
	capture "$traced_p_" timeout -k 5 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT="$traced_d_/t.%p.zst" "$@"
}

# summary_of TRACE SUMMARY - the analyzer's summary, with no complaint.
summary_of () {
	analyze "$1" >"$2" 2>"$2.warn" &&
	! grep "cut short" "$2.warn" &&
	! grep "cut short" "$2"
}

# count_of SUMMARY WHAT - the number on the summary's WHAT line.
count_of () {
	sed -n "s/^$2: *\([0-9,]*\).*/\1/p" "$1" | tr -d ,
}

test_expect_success 'main() calls pthread_exit: the last thread ends the process, atexit runs, status 0' '
	capture pexit.native "$PROGS/probe_pthread_exit_main" &&
	traced pexit.shim tr-pexit "$PROGS/probe_pthread_exit_main" &&
	test_same_run pexit.native pexit.shim &&
	test_cmp_str status 0 "$(cat pexit.shim.code)" &&
	grep "atexit ran after 3 threads" pexit.shim.out
'

test_expect_success 'its trace ends cleanly with status 0 and holds every thread'"'"'s allocations' '
	summary_of "$(only_trace tr-pexit)" pexit.summary &&
	ended_cleanly pexit.summary &&
	ended_line pexit.summary | grep -w "status 0" &&
	test_cmp_str threads 4 "$(count_of pexit.summary threads)" &&
	n=$(count_of pexit.summary "allocation calls") &&
	test "$n" -ge 120000 && test "$n" -le 120100 &&
	f=$(count_of pexit.summary frees) &&
	test "$f" -ge 120000 && test "$f" -le "$n"
'

test_expect_success 'the exit scan does not wait for the ended main thread' '
	analyze "$(only_trace tr-pexit)" --leaks >pexit.leaks 2>&1 &&
	! grep "did not stop for the last scan" pexit.leaks
'

test_expect_success 'main() calls pthread_exit, the last thread exit(5)s: status 5 in the trace' '
	capture pexit5.native "$PROGS/probe_pthread_exit_status" &&
	traced pexit5.shim tr-pexit5 "$PROGS/probe_pthread_exit_status" &&
	test_same_run pexit5.native pexit5.shim &&
	test_cmp_str status 5 "$(cat pexit5.shim.code)" &&
	summary_of "$(only_trace tr-pexit5)" pexit5.summary &&
	ended_cleanly pexit5.summary &&
	ended_line pexit5.summary | grep -w "status 5"
'

test_expect_success 'raw clone(), SYS_fork, SYS_clone children: no hang, same output' '
	capture clone.native "$PROGS/probe_raw_clone" &&
	traced clone.shim tr-clone "$PROGS/probe_raw_clone" &&
	test_same_result clone.native clone.shim
'

test_expect_success 'the three copied children run untraced, each says so once, no file of theirs' '
	grep -c "made by a clone() or fork system call that the shim cannot follow" \
		clone.shim.err >count &&
	echo 3 >expect &&
	test_cmp expect count &&
	only_trace tr-clone
'

test_expect_success 'a raw clone'"'"'s child of one allocation says so too, once' '
	capture brief.native "$PROGS/clone_brief" &&
	traced brief.shim tr-brief "$PROGS/clone_brief" &&
	test_same_result brief.native brief.shim &&
	test_cmp_str lines 1 "$(grep -c "made by a clone() or fork system call that the shim cannot follow" brief.shim.err)" &&
	only_trace tr-brief
'

test_expect_success 'a child of glibc'"'"'s clone() that returns from its function says so too, once' '
	capture brief-ret.native "$PROGS/clone_brief" return &&
	traced brief-ret.shim tr-brief-ret "$PROGS/clone_brief" return &&
	test_same_result brief-ret.native brief-ret.shim &&
	test_cmp_str lines 1 "$(grep -c "made by a clone() or fork system call that the shim cannot follow" brief-ret.shim.err)" &&
	only_trace tr-brief-ret
'

test_expect_success 'the parent trace is whole: its own and its CLONE_VM children'"'"'s 2400000 allocations' '
	summary_of "$(only_trace tr-clone)" clone.summary &&
	ended_cleanly clone.summary &&
	ended_line clone.summary | grep -w "status 0" &&
	n=$(count_of clone.summary "allocation calls") &&
	{ test "$n" -ge 2400000 && test "$n" -le 2400100 ||
	  { cat clone.summary clone.summary.warn >&2; false; }; } &&
	test_cmp_str frees "$n" "$(count_of clone.summary frees)"
'

# A CLONE_VM child runs on its parent thread's TLS, so on its shim state:
# a CPU sample the parent took meanwhile held the guard against the
# child's allocations, and they went unrecorded (the shim interposes
# clone() to take no samples while such a child may run). The parent
# spins on the CPU all through the child's 300000 allocations (10000
# samples a second), then allocates 300000 itself and spins again, when
# its samples must come back. Five runs: the shim before lost events in
# three of four.
test_expect_success 'a CLONE_VM child while the parent spins: every allocation, samples after' '
	for i in 1 2 3 4 5; do
		rm -rf tr-spin && mkdir tr-spin &&
		capture spin.shim timeout -k 5 60 env LD_PRELOAD="$SHIM" \
			PERFSHIM_SAMPLE_HZ=10000 PERFSHIM_OUTPUT=tr-spin/t.zst \
			"$PROGS/probe_raw_clone" spin &&
		test_cmp_str "spin status" 0 "$(cat spin.shim.code)" &&
		grep -x "clone(CLONE_VM), the parent spinning: exit 7" spin.shim.out &&
		summary_of tr-spin/t.zst spin.summary &&
		n=$(count_of spin.summary "allocation calls") &&
		{ test "$n" -ge 600000 && test "$n" -le 600100 ||
		  { echo "run $i: $n allocations" >&2; false; }; } &&
		test_cmp_str frees "$n" "$(count_of spin.summary frees)" &&
		analyze tr-spin/t.zst --hotspots --json >spin.json &&
		jq -e ".samples >= 100" spin.json >/dev/null || return 1
	done
'

test_done
