#!/bin/sh

test_description='the program keeps its own signal handling under the shim'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/signals.c (see its header comment).
SRC=signals.c

# same_signals NAME ARGS... - signals ARGS behaves the same (stdout,
# stderr, status) with and without the shim.
same_signals () {
	same_n=$1
	shift
	capture "$same_n.native" "$PROGS/signals" "$@" &&
	capture_traced "$same_n.shim" "$same_n.zst" "$PROGS/signals" "$@" &&
	test_same_run "$same_n.native" "$same_n.shim"
}

test_expect_success 'a SIGSEGV handler of the program runs: same output, exit 5' '
	same_signals hsegv handler-segv &&
	test_cmp_str status 5 "$(cat hsegv.shim.code)" &&
	echo "caught SIGSEGV" >expect &&
	test_cmp expect hsegv.shim.out
'

test_expect_success 'the trace of that run holds the leak made before the fault' '
	leaks_json hsegv.zst hsegv.json &&
	check_leak hsegv.json $SRC handler_segv 100 1 1
'

test_expect_success 'signal() and sigaction() see the program handler; SIG_DFL then kills (143)' '
	same_signals term term &&
	test_cmp_str status 143 "$(cat term.shim.code)" &&
	printf "%s\n" "handler ran once" "sigaction reports the handler" >expect &&
	test_cmp expect term.shim.out
'

test_expect_success 'SA_RESETHAND: the handler runs once, then the default kills (138)' '
	same_signals reset resethand &&
	test_cmp_str status 138 "$(cat reset.shim.code)" &&
	printf "%s\n" "handler ran once" "reset to default" >expect &&
	test_cmp expect reset.shim.out
'

test_expect_success 'sa_mask is honoured while the handler runs' '
	same_signals mask mask &&
	printf "%s\n" "USR1 blocked" "USR2 blocked" "HUP not blocked" >expect &&
	test_cmp expect mask.shim.out
'

test_expect_success 'dispositions as the program starts: the same (default)' '
	same_signals disp dispositions
'

test_expect_success 'signals ignored by the parent stay ignored (nohup, background jobs)' '
	(
		trap "" INT QUIT HUP PIPE &&
		same_signals dispign dispositions
	) &&
	grep "^INT ign\$" dispign.shim.out &&
	grep "^HUP ign\$" dispign.shim.out &&
	grep "^PIPE ign\$" dispign.shim.out &&
	grep "^TERM dfl\$" dispign.shim.out
'

test_expect_success 'ignored signals are still ignored in a program the traced one execs' '
	(
		trap "" INT QUIT HUP PIPE &&
		capture execign.native "$PROGS/fork" exec-untraced "$PROGS/signals" dispositions &&
		capture_traced execign.shim execign.%p.zst "$PROGS/fork" exec-untraced "$PROGS/signals" dispositions
	) &&
	test_same_run execign.native execign.shim &&
	grep "^INT ign\$" execign.shim.out
'

test_expect_success 'a handler on an alternate stack catches a stack overflow (exit 6)' '
	same_signals overflow overflow &&
	test_cmp_str status 6 "$(cat overflow.shim.code)"
'

test_expect_success 'a stack overflow without a handler: killed by SIGSEGV (139) as native' '
	same_signals overflow2 overflow-nohandler &&
	test_cmp_str status 139 "$(cat overflow2.shim.code)" &&
	analyze_status r overflow2.zst &&
	test_cmp_str "perfanalyze status" 0 "$(cat r.code)"
'

test_expect_success 'SIGTERM from outside: status 143, the leak and the signal in the trace' '
	start_traced_bg wait.out wait.zst "$PROGS/signals" wait &&
	pid=$(cat wait.out.pid) &&
	wait_for_line wait.out ready &&
	kill -TERM $pid &&
	{ wait $pid; echo $? >wait.code; } &&
	test_cmp_str status 143 "$(cat wait.code)" &&
	analyze_status s wait.zst &&
	test_cmp_str "perfanalyze status" 0 "$(cat s.code)" &&
	! ended_cleanly s.out &&
	ended_line s.out | grep -i "signal 15\|SIGTERM\|terminated" &&
	leaks_json wait.zst wait.json &&
	check_leak wait.json $SRC wait 2000 1 1
'

test_expect_success 'SIGPIPE (writing into a closed pipe) kills as native: 141' '
	{ yes; echo $? >yes.native.code; } | head -n 1 >yes.native.out &&
	{ run_traced yes.zst yes; echo $? >yes.shim.code; } | head -n 1 >yes.shim.out &&
	test_same_result yes.native yes.shim &&
	test_cmp_str status 141 "$(cat yes.shim.code)"
'

# Known truth: tests/programs/sig_over_guard.c. A handler that came in
# while the shim was inside malloc or free, and called the allocator:
# that call passes untraced (and a handler that left by longjmp left the
# thread untraced for good, silently, and the gate passed a leak). It is
# a lost event now: said once, and no gate passes the trace.
test_expect_success 'a handler that allocates while it interrupted malloc: lost, said, no gate passes' '
	capture og.native "$PROGS/sig_over_guard" &&
	echo "every handler call failed with EINVAL" >want &&
	test_cmp want og.native.out &&
	capture_traced og.shim og.zst "$PROGS/sig_over_guard" &&
	test_same_result og.native og.shim &&
	test_line_count = 1 og.shim.err &&
	grep "^perfshim: a signal handler allocated or freed while it interrupted malloc or free" og.shim.err &&
	test_expect_code 2 analyze og.zst --fail-on-leak >/dev/null 2>gate.err &&
	grep "lost events" gate.err &&
	analyze og.zst --fail-on-leak --allow-incomplete >/dev/null 2>&1
'

# Known truth: tests/programs/fork_in_handler.c. A handler forks while
# the main thread is in malloc or free, 150 times; each child _exits 7.
# glibc's fork takes the arenas' locks when a process has a second
# thread (the shim's writer), and hung on the lock the interrupted
# malloc held, every signal blocked: the old shim never finished (3 of
# 3 runs). Such a fork's child now runs untraced, and says so.
test_expect_success 'a handler that forks while it interrupted malloc: no hang, same result' '
	capture fh.native "$PROGS/fork_in_handler" &&
	echo "every child exited with 7" >want &&
	test_cmp want fh.native.out &&
	mkdir fh &&
	capture fh.shim timeout -s KILL 120 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT="$PWD/fh/t.%p.zst" "$PROGS/fork_in_handler" &&
	test_cmp_str status 0 "$(cat fh.shim.code)" &&
	test_cmp want fh.shim.out &&
	! grep -v "^perfshim: process [0-9]* was made by fork() in a signal handler that interrupted malloc or free; it runs untraced$" fh.shim.err &&
	test -s fh.shim.err &&
	for t in fh/*.zst
	do
		analyze "$t" --fail-on-leak >/dev/null || return 1
	done
'

test_done
