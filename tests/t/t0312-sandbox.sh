#!/bin/sh

test_description='seccomp, unshare and setns: the shim ends its trace or steps aside first'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/probe_seccomp_*.c and probe_unshare.c. Each
# seccomp child allocates (and frees) before it turns seccomp on.

traced () {
	mkdir -p "$2" &&
	capture "$1" timeout -k 5 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT="$2/t.%p.zst" "$3"
}

count_of () {
	sed -n "s/^$2: *\([0-9,]*\).*/\1/p" "$1" | tr -d ,
}

# seccomp_traces DIR N ALLOCS FREES - DIR holds the parent's trace, which
# ended cleanly, and N children's, each ended ("tracing stopped early")
# before seccomp, whole (not cut short), with ALLOCS allocations and
# FREES frees.
seccomp_traces () {
	ls "$1" >"$1.ls" &&
	test_line_count = $(($2 + 1)) "$1.ls" &&
	stopped=0 && clean=0 &&
	for t in "$1"/*
	do
		analyze "$t" >s 2>w &&
		! grep "cut short" w s || return 1
		if grep "^ended: *tracing stopped early" s
		then
			stopped=$((stopped + 1)) &&
			test_cmp_str "allocations in $t" "$3" "$(count_of s "allocation calls")" &&
			test_cmp_str "frees in $t" "$4" "$(count_of s frees)" || return 1
		else
			ended_cleanly s && clean=$((clean + 1)) || return 1
		fi
	done &&
	test_cmp_str "children stopped before seccomp" $2 $stopped &&
	test_cmp_str "clean parent" 1 $clean
}

test_expect_success 'strict seccomp (prctl, seccomp()): same output and status, no hang' '
	capture strict.native "$PROGS/probe_seccomp_strict" &&
	traced strict.shim tr-strict "$PROGS/probe_seccomp_strict" &&
	test_same_result strict.native strict.shim &&
	grep "^prctl: exit 3" strict.shim.out &&
	grep "^prctl, then getppid: signal 9" strict.shim.out
'

test_expect_success 'each strict child says once that its trace ends there' '
	grep -c "^perfshim: the program turns on seccomp" strict.shim.err >count &&
	echo 4 >expect &&
	test_cmp expect count &&
	sed -e "/^perfshim: the program turns on seccomp/d" strict.shim.err >rest &&
	test_cmp strict.native.err rest
'

test_expect_success 'the strict children'"'"'s traces are whole and hold the allocation made before' '
	seccomp_traces tr-strict 4 1 1
'

test_expect_success 'seccomp filters (errno, kill, trap): same output and status' '
	capture filter.native "$PROGS/probe_seccomp_filter" &&
	traced filter.shim tr-filter "$PROGS/probe_seccomp_filter" &&
	test_same_result filter.native filter.shim &&
	grep "^prctl, errno filter: exit 4" filter.shim.out &&
	grep "^seccomp(), kill filter: signal 31" filter.shim.out
'

test_expect_success 'the filtered children'"'"'s traces are whole: one allocation before the filter' '
	seccomp_traces tr-filter 5 1 0
'

test_expect_success 'unshare and setns in a single-threaded program: the native results' '
	capture unshare.native "$PROGS/probe_unshare" &&
	traced unshare.shim tr-unshare "$PROGS/probe_unshare" &&
	test_same_run unshare.native unshare.shim &&
	grep -A1 "^unshare, 1 thread:" unshare.shim.out >one &&
	grep "unshare(CLONE_NEWUSER): ok" one
'

test_expect_success 'the traces of the unshare children end cleanly, with every allocation' '
	for t in tr-unshare/*
	do
		analyze "$t" >s 2>w &&
		! grep "cut short" w s &&
		ended_line s || return 1
	done &&
	n=0 &&
	for t in tr-unshare/*
	do
		analyze "$t" >s &&
		if test "$(count_of s "allocation calls")" -ge 10002
		then
			ended_cleanly s && n=$((n + 1))
		fi || return 1
	done &&
	test_cmp_str "children with their allocations" 8 $n
'

# Known truth: tests/programs/probe_seccomp_inherited.c. Four calls, each
# killing the process in one program and failing with EPERM in another,
# by a filter the program starts under; and wait4 killed or trapped, clone
# trapped (the shim's check of the filter makes both); rt_sigprocmask and
# gettid killed (the shim makes them, the program never does).
test_expect_success 'a filter from the start that kills for a call of the shim: untraced, not killed' '
	capture inh.native "$PROGS/probe_seccomp_inherited" &&
	test_cmp_str "native children killed" 0 \
		"$(grep -c ": signal" inh.native.out)" &&
	traced inh.shim tr-inh "$PROGS/probe_seccomp_inherited" &&
	test_same_result inh.native inh.shim &&
	for c in timer_create sigaltstack process_vm_readv mincore wait4 clone \
		rt_sigprocmask gettid
	do
		grep "a seccomp filter in force kills the process on a system call the shim makes ($c): this process is not traced" \
			inh.shim.err || return 1
	done &&
	test_cmp_str "messages" 10 "$(grep -c "seccomp filter in force" inh.shim.err)"
'

test_expect_success 'a filter from the start that fails those calls with EPERM: traced whole' '
	n=0 &&
	for t in tr-inh/*
	do
		analyze "$t" >s 2>w || return 1
		grep "^command:.* \(timer_create\|sigaltstack\|process_vm_readv\|mincore\)$" s ||
			continue
		ended_cleanly s &&
		test "$(count_of s "allocation calls")" -ge 100000 || return 1
		n=$((n + 1))
	done &&
	test_cmp_str "programs traced under a filter" 4 $n
'

test_done
