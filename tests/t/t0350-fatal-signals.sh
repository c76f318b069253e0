#!/bin/sh

test_description='every signal whose default action ends the process: native death, and the trace says so'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/fatal.c (see its header comment).
SRC=fatal.c

# Linux x86-64 numbers. Default action Term: HUP 1, INT 2, USR1 10, USR2 12,
# PIPE 13, ALRM 14, TERM 15, STKFLT 16, VTALRM 26, IO 29, PWR 30, and the
# real-time signals SIGRTMIN (34) to SIGRTMAX (64), of which the shim keeps
# SIGRTMAX - 1 (63) for its scan and SIGPROF (27) for its sampler. Default
# action Core: QUIT 3, ILL 4, TRAP 5, ABRT 6, BUS 7, FPE 8, SEGV 11, XCPU 24,
# XFSZ 25, SYS 31.
TERM_SIGNALS="1 2 10 12 13 14 15 16 26 29 30 34 35 40 49 50 62 64"
CORE_SIGNALS="3 4 5 6 7 8 11 24 25 31"

# Cores are dumped to files here unless the hard limit forbids it; a
# crash handler (a core_pattern pipe) may decline: then native and traced
# runs are only compared.
cores=no
if test "$(ulimit -H -c)" != 0 &&
	! grep "^|" /proc/sys/kernel/core_pattern >/dev/null 2>&1
then
	cores=yes
fi

# fatal_run MODE SIG [core] - fatal run MODE SIG, natively and with the
# child traced (to MODE-SIG.zst): the same report, "killed by signal SIG"
# (and "(core dumped)" for a core signal), and the child's trace ends by
# that signal.
fatal_run () {
	fatal_p_=$1-$2
	capture "$fatal_p_.native" "$PROGS/fatal" run "$1" "$2" "$fatal_p_.n.zst" $3 &&
	rm -f core &&
	capture_traced "$fatal_p_.shim" launcher.%p.zst "$PROGS/fatal" run "$1" "$2" "$fatal_p_.zst" $3 &&
	rm -f core &&
	test_same_run "$fatal_p_.native" "$fatal_p_.shim" &&
	if test -n "$3" && test "$cores" = yes
	then
		echo "killed by signal $2 (core dumped)" >expect
	else
		echo "killed by signal $2" >expect
	fi &&
	if test -n "$3" && test "$cores" = no
	then
		sed "s/ (core dumped)//" "$fatal_p_.shim.out" >got
	else
		cp "$fatal_p_.shim.out" got
	fi &&
	test_cmp expect got &&
	analyze_status "$fatal_p_.sum" "$fatal_p_.zst" &&
	test_cmp_str "perfanalyze status" 0 "$(cat "$fatal_p_.sum.code")" &&
	! ended_cleanly "$fatal_p_.sum.out" 2>/dev/null &&
	ended_line "$fatal_p_.sum.out" | grep "killed by signal $2 ("
}

test_expect_success 'raise() of a Term signal: killed by it as natively, the trace says so' '
	for s in $TERM_SIGNALS
	do
		fatal_run raise $s || return 1
	done
'

test_expect_success 'kill(2) of a Term signal from outside: the same' '
	for s in $TERM_SIGNALS
	do
		fatal_run wait $s || return 1
	done
'

test_expect_success 'raise() of a Core signal: killed by it, core dumped as natively' '
	for s in $CORE_SIGNALS
	do
		fatal_run raise $s core || return 1
	done
'

test_expect_success 'kill(2) of a Core signal from outside: the same' '
	for s in $CORE_SIGNALS
	do
		fatal_run wait $s core || return 1
	done
'

test_expect_success 'with RLIMIT_CORE 0 no core, as natively' '
	fatal_run raise 3 &&
	fatal_run wait 31
'

test_expect_success 'the leak made before the signal is in the trace' '
	leaks_json raise-64.zst r.json &&
	check_leak r.json $SRC fatal 321 1 1 &&
	leaks_json wait-26.zst w.json &&
	check_leak w.json $SRC fatal 321 1 1
'

# meta_run MODE - tests/programs/meta_signal MODE natively, and traced
# with SIGTERM raised inside the shim's record of its marker's label
# (PERFSHIM_TEST_META_SIGNAL=15,12: a STRING record), where a signal
# from outside may land too: the same end, no hang (a hang is killed
# after 20 s, status 137).
meta_run () {
	capture "meta-$1.native" "$PROGS/meta_signal" "$1" &&
	PERFSHIM_TEST_META_SIGNAL=15,12 capture "meta-$1.shim" \
		timeout -k 5 20 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT="meta-$1.zst" "$PROGS/meta_signal" "$1" &&
	test_same_run "meta-$1.native" "meta-$1.shim"
}

test_expect_success 'SIGTERM inside the shim'"'"'s own record: the default action, no hang' '
	meta_run dfl &&
	test "$(cat meta-dfl.shim.code)" = 143
'

test_expect_success 'SIGTERM there, to a handler that calls exit(3): no hang' '
	meta_run exit &&
	test "$(cat meta-exit.shim.code)" = 3
'

test_expect_success 'both traces read to their END, with the leak made before' '
	leaks_json meta-dfl.zst md.json &&
	check_leak md.json meta_signal.c meta_leak 321 1 &&
	leaks_json meta-exit.zst me.json &&
	check_leak me.json meta_signal.c meta_leak 321 1
'

test_done
