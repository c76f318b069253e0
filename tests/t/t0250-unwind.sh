#!/bin/sh

test_description='default stacks: the checked frame-pointer walk gives exactly libunwind'"'"'s stacks'

. "$(dirname "$0")/test-lib.sh"

# PERFSHIM_UNWIND=libunwind (the default) follows frame pointers through
# functions libunwind has shown to keep a standard frame, and unwinds the
# rest with libunwind; PERFSHIM_UNWIND=dwarf takes every stack with
# libunwind. Both must record the same stacks: every leak group, frame
# for frame, in programs with frame pointers (tests/programs), in code
# without them (libstdc++, libc), across threads, deep recursion, the
# depth limit and libraries unloaded by dlclose.

# same_stacks NAME CMD...: trace CMD both ways and compare every leak.
same_stacks () {
	same_n_=$1
	shift
	for mode in libunwind dwarf; do
		PERFSHIM_UNWIND=$mode capture_traced "$same_n_-$mode" \
			"$same_n_-$mode.zst" "$@" &&
		test_cmp_str "$same_n_ $mode status" 0 "$(cat "$same_n_-$mode.code")" &&
		leaks_json "$same_n_-$mode.zst" "$same_n_-$mode.json" --show-runtime &&
		jq -c "[.leaks[] | [.bytes, .blocks, [.stack[] |
			[.function, .file, .line, .module]]]] | sort | .[]" \
			"$same_n_-$mode.json" >"$same_n_-$mode.stacks" || return 1
	done &&
	test_same_run "$same_n_-libunwind" "$same_n_-dwarf" &&
	test_cmp "$same_n_-dwarf.stacks" "$same_n_-libunwind.stacks" &&
	test_file_not_empty "$same_n_-dwarf.stacks"
}

test_expect_success 'deep recursion: 40 frames, the same' '
	same_stacks deep "$PROGS/deep" 40
'

test_expect_success 'past the depth limit: cut at the same frame' '
	PERFSHIM_DEPTH=8 same_stacks deep8 "$PROGS/deep" 40 &&
	jq -e ".[2] | length == 8" deep8-dwarf.stacks
'

test_expect_success 'leaks of every kind, C' '
	same_stacks basic "$PROGS/leaks_basic"
'

test_expect_success 'C++: through operator new, built without frame pointers' '
	same_stacks cxx "$PROGS/cxx_leaks"
'

test_expect_success 'threads: workers, producers and consumers' '
	same_stacks threads "$PROGS/threads"
'

test_expect_success 'a thread'"'"'s stacks end at its start function, both ways' '
	for mode in libunwind dwarf; do
		jq -s -e "[.[][2][] | .[0] | select(test(\"start_thread|clone\"))]
			| length == 0" threads-$mode.stacks || return 1
	done &&
	jq -s -e "[.[][2] | select(any(.[]; .[0] == \"thread_leak\"))
		| .[-1][0]] | unique == [\"worker\"]" threads-libunwind.stacks
'

test_expect_success 'dlopen and dlclose of two libraries, one after the other' '
	same_stacks dl "$PROGS/dlopen_main" "$PROGS/libleaky.so" \
		"$PROGS/libleaky2.so"
'

test_done
