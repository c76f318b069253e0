#!/bin/sh

test_description='stacks taken inside dl_iterate_phdr: no deadlock with the loader'"'"'s lock'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/phdr_walkers.cpp. Threads walk the loaded
# objects (their callback allocates), throw and catch exceptions, and
# create threads, all at once. libunwind takes the loader's lock under
# its own, a walker holds the loader's lock while its callback runs: an
# unwind there (an allocation's stack, or a sample) must not wait for
# libunwind's lock. Each run is bounded: a hang is a failure.

# run_walkers PREFIX HZ - the program traced at HZ samples a second.
run_walkers () {
	capture "$1" timeout -k 5 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_SAMPLE_HZ=$2 PERFSHIM_OUTPUT="$1.zst" \
		"$PROGS/phdr_walkers" &&
	test_cmp native.out "$1.out" &&
	test_cmp_str "$1: exit status" 0 "$(cat "$1.code")"
}

test_expect_success 'setup: the native run' '
	capture native "$PROGS/phdr_walkers" &&
	test_cmp_str native 0 "$(cat native.code)" &&
	echo "walks 3000 throws 10000 threads 1600" >expect &&
	test_cmp expect native.out
'

test_expect_success 'sampling off: allocations inside the walks, no hang' '
	run_walkers off 0 &&
	analyze off.zst >off.summary &&
	ended_cleanly off.summary
'

test_expect_success 'a leak in a callback of dl_iterate_phdr: its stack goes on to main' '
	leaks_json off.zst off.json &&
	check_leak off.json phdr_walkers.cpp callback 24 1 &&
	jq -e "[.leaks[] | select(.bytes == 24) | [.stack[].function]]
		| length == 1 and (.[0] | .[0] == \"leak_once\" and
			.[-1] == \"main\" and length == 3)" off.json
'

test_expect_success 'sampling at 10 kHz: three runs, each finishes unchanged' '
	for i in 1 2 3; do
		run_walkers hz$i 10000 || return 1
	done
'

# The walkers' callbacks take most of the CPU time: most samples land in
# them and are dropped (how many of the others are taken varies, down to
# none: a sample whose unwind needs the loader while a walker holds it
# is dropped too).
test_expect_success 'the samples that land in the walks are dropped and counted' '
	for i in 1 2 3; do
		analyze hz$i.zst >hz$i.summary &&
		ended_cleanly hz$i.summary &&
		analyze hz$i.zst --hotspots --json >hz$i.json &&
		jq -e ".dropped.in_loader_or_unwinder > 0" hz$i.json ||
		return 1
	done
'

test_done
