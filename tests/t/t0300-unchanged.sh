#!/bin/sh

test_description='behaviour unchanged: every probe runs the same natively and under the shim'

. "$(dirname "$0")/test-lib.sh"

# Each tests/programs/probe_NAME.c (or .cpp) is a program whose behaviour
# the shim must not change. It prints what it observes on stdout (results,
# errno values by name, descriptor numbers, which signal arrived) and
# ends with a status or a signal. It takes no arguments: a probe that
# needs a resource limit or another environment sets it itself and
# re-executes itself (the shim then loads under that limit).
#
# Here each probe runs natively, then with the shim preloaded, each under
# a time limit (a hang is a failure), and the two runs' stdout and exit
# status (128 + N for a signal) must be byte for byte equal. stderr is
# not compared: the shim may say there once why it stepped aside. The
# traced run's traces must not crash the analyzer.
#
# PROBE_TIMEOUT (seconds, default 60) bounds each run.

: "${PROBE_TIMEOUT:=60}"

set -- "$PROGS"/probe_*
test -e "$1" || test_skip_all "no probe programs built in $PROGS"

# run_probe PREFIX PROG [shim TRACEDIR]
run_probe () {
	rp_p_=$1
	rp_prog_=$2
	if test $# = 4
	then
		LD_PRELOAD=$SHIM PERFSHIM_OUTPUT=$4/t.%p.zst \
			timeout -k 5 "$PROBE_TIMEOUT" "$rp_prog_" \
			>"$rp_p_.out" 2>"$rp_p_.err" </dev/null
	else
		timeout -k 5 "$PROBE_TIMEOUT" "$rp_prog_" \
			>"$rp_p_.out" 2>"$rp_p_.err" </dev/null
	fi
	rp_c_=$?
	echo $rp_c_ >"$rp_p_.code"
	if test $rp_c_ = 124 || test $rp_c_ = 137
	then
		echo >&2 "$rp_prog_ ${3:+(under the shim) }did not finish within $PROBE_TIMEOUT s"
		return 1
	fi
}

for prog
do
	name=${prog##*/}
	case "$name" in
	*.so | *.d | *.o) continue ;;
	esac
	test -x "$prog" || continue
	test_expect_success "$name: same stdout and exit status under the shim" '
		run_probe "$name.native" "$prog" &&
		mkdir -p "tr-$name" &&
		run_probe "$name.shim" "$prog" shim "$PWD/tr-$name" &&
		test_cmp "$name.native.out" "$name.shim.out" &&
		test_cmp "$name.native.code" "$name.shim.code" &&
		for t in "tr-$name"/*
		do
			test -f "$t" || continue
			analyze_status "$name.ana" "$t" || return 1
		done
	'
done

test_done
