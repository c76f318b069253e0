#!/bin/sh

test_description='fork: the child keeps the errno it had, whatever its trace file met'

. "$(dirname "$0")/test-lib.sh"

# tests/programs/probe_errno_calls prints errno after each call the shim
# interposes, from a sentinel. A forked child opens a trace of its own,
# O_EXCL, trying names until one is free: with PERFSHIM_OUTPUT naming no
# %p the parent's name is taken, so the first try meets EEXIST, which the
# fork handler left in the child's errno (and t0300 met once when a pid
# came round again in a busy directory). Known truth: the native run.

test_expect_success 'setup: the probe natively' '
	"$PROGS/probe_errno_calls" >native.out 2>native.err </dev/null &&
	grep "^fork, in the child .*errno=unchanged" native.out
'

test_expect_success 'a fixed trace name: the child errno is the native one' '
	LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=fixed.zst \
		"$PROGS/probe_errno_calls" >shim.out 2>shim.err </dev/null &&
	test -f fixed.zst && test -f fixed.zst.1 &&
	test_cmp native.out shim.out
'

test_expect_success 'the same again, the names taken by the first run' '
	LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=fixed.zst \
		"$PROGS/probe_errno_calls" >again.out 2>again.err </dev/null &&
	test_cmp native.out again.out
'

test_done
