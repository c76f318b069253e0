#!/bin/sh

test_description='cached frame rules: exactly libunwind'"'"'s stacks in code without frame pointers'

. "$(dirname "$0")/test-lib.sh"

# The default unwinder follows frame rules cached per return address
# (shim/unwind.c), learned once from libunwind; PERFSHIM_UNWIND=dwarf
# takes every stack with libunwind. tests/programs/unwind_cases.cpp,
# built with -O2 -fomit-frame-pointer, allocates where a cached rule
# could go wrong, each case twice or more (the second time from the
# cache): deep recursion, one return address at three alloca sizes and
# at three stack alignments, a signal handler, destructors and a catch
# block while an exception unwinds, one leaf under two callers, two
# threads. Every leaked block's stack must be the same both ways, and
# the known truth.

test_expect_success 'both ways: the same leaks, frame for frame' '
	for mode in libunwind dwarf; do
		PERFSHIM_UNWIND=$mode capture_traced $mode $mode.zst \
			"$PROGS/unwind_cases" &&
		test_cmp_str "$mode status" 0 "$(cat $mode.code)" &&
		leaks_json $mode.zst $mode.json --show-runtime &&
		jq -c "[.leaks[] | [.bytes, .blocks, [.stack[] |
			[.function, .file, .line, .module]]]] | sort | .[]" \
			$mode.json >$mode.stacks || return 1
	done &&
	test_same_run libunwind dwarf &&
	test_cmp dwarf.stacks libunwind.stacks &&
	test_file_not_empty dwarf.stacks
'

# fn BYTES: the functions of every leak of BYTES, one stack a line.
fn () {
	jq -c "[.leaks[] | select(.bytes % $1 == 0 and .bytes / .blocks == $1)
		| [.stack[].function]] | .[]" libunwind.json
}

test_expect_success 'deep recursion: 61 frames of recurse, then main' '
	fn 1001 >rec &&
	test_line_count = 3 rec &&
	jq -e "length == 62 and .[-1] == \"main\" and
		(.[0:61] | unique) == [\"recurse\"]" rec
'

test_expect_success 'one return address at three alloca sizes' '
	fn 1002 >alloca &&
	test_line_count = 3 alloca &&
	jq -e ". == [\"with_alloca\", \"main\"]" alloca
'

test_expect_success 'a realigned frame at three stack alignments' '
	fn 1003 | sort >aligned &&
	cat >expect <<-\EOF &&
	["aligned_frame","shift","main"]
	["aligned_frame","shift","shift","main"]
	["aligned_frame","shift","shift","shift","main"]
	EOF
	test_cmp expect aligned
'

test_expect_success 'through a signal frame: the handler, raise, 13 raise_deep, main' '
	fn 1004 >sig &&
	test_line_count = 2 sig &&
	jq -e ".[0] == \"on_usr1\" and .[-1] == \"main\" and
		([.[] | select(. == \"raise_deep\")] | length) == 13" sig
'

test_expect_success 'an exception unwinding: destructors at 6 depths, the catch' '
	fn 1005 | jq -c "[.[0], (map(select(. == \"thrower\")) | length),
		.[-2], .[-1]]" | sort >dtor &&
	for k in 1 2 3 4 5 6; do
		echo "[\"Guard::~Guard()\",$k,\"catcher\",\"main\"]" || return 1
	done >expect &&
	test_cmp expect dtor &&
	fn 1006 >catch &&
	echo "[\"catcher\",\"main\"]" >expect &&
	test_cmp expect catch
'

test_expect_success 'one leaf under two callers' '
	jq -c "[.leaks[] | select(.bytes / .blocks == 1007)
		| [.blocks, [.stack[].function]]] | sort | .[]" \
		libunwind.json >leaf &&
	cat >expect <<-\EOF &&
	[2,["leaf_from","caller_a","main"]]
	[2,["leaf_from","caller_b","main"]]
	EOF
	test_cmp expect leaf
'

test_expect_success 'threads: 31 frames of recurse, ending at thread_main' '
	fn 1008 >thr &&
	jq -e "length == 32 and .[-1] == \"thread_main\"" thr &&
	jq -e "[.leaks[] | select(.bytes / .blocks == 1008) | .blocks]
		| add == 8" libunwind.json
'

test_done
