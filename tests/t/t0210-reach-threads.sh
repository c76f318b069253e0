#!/bin/sh

test_description='the scan stops the other threads: their stacks, registers and TLS are roots'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/reach_threads.c (memcheck agrees with each).
SRC=reach_threads.c

check_kind () {
	check_kind_src "$1" "$SRC" "$2" "$3" "$4" "$5"
}

test_expect_success 'setup: exit(0) with three threads still running' '
	capture live timeout 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=live.zst "$PROGS/reach_threads" live &&
	test_cmp_str status 0 "$(cat live.code)" &&
	test_must_be_empty live.err &&
	leaks_json live.zst live.json
'

test_expect_success 'a pointer only on a blocked thread'"'"'s stack: reachable' '
	check_kind live.json on-stack reachable 100 1
'

test_expect_success 'a pointer only in a register of a spinning thread: reachable' '
	check_kind live.json in-reg reachable 200 1
'

test_expect_success '__thread of a live thread: reachable; of an ended one: definite' '
	check_kind live.json tls-live reachable 300 1 &&
	check_kind live.json tls-dead definite 400 1
'

test_expect_success 'a block a live thread dropped: definite' '
	check_kind live.json dropped-t definite 500 1
'

test_expect_success 'exit from a non-main thread: main'"'"'s locals are roots' '
	capture ex timeout 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=ex.zst "$PROGS/reach_threads" exit &&
	test_cmp_str status 0 "$(cat ex.code)" &&
	leaks_json ex.zst ex.json &&
	check_kind ex.json main-local reachable 600 1 &&
	check_kind ex.json exit-dropped definite 700 1
'

test_expect_success '500 short-lived threads: the stacks glibc keeps for reuse are no roots' '
	run_traced short.zst "$PROGS/threads" short-lived &&
	leaks_json short.zst short.json &&
	test_cmp_str definite "12000 500" "$(json_summary short.json definite)" &&
	test_cmp_str reachable "0 0" "$(json_summary short.json reachable)"
'

test_done
