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

# fn BYTES: the distinct stacks (functions) of the leaks of BYTES-byte
# blocks, one a line; blocks BYTES: how many such blocks leaked.
fn () {
	jq -c "[.leaks[] | select(.bytes / .blocks == $1)
		| [.stack[].function]] | unique | .[]" libunwind.json
}
blocks () {
	jq "[.leaks[] | select(.bytes / .blocks == $1) | .blocks] | add" \
		libunwind.json
}

# The program runs its cases 8 times over.
test_expect_success 'deep recursion: 61 frames of recurse, then main' '
	fn 1001 >rec &&
	test_line_count = 1 rec &&
	jq -e "length == 62 and .[-1] == \"main\" and
		(.[0:61] | unique) == [\"recurse\"]" rec &&
	test_cmp_str "recursion blocks" 24 "$(blocks 1001)"
'

test_expect_success 'one return address at three alloca sizes' '
	fn 1002 >alloca &&
	echo "[\"with_alloca\",\"main\"]" >expect &&
	test_cmp expect alloca &&
	test_cmp_str "alloca blocks" 24 "$(blocks 1002)"
'

test_expect_success 'a realigned frame at three stack alignments' '
	fn 1003 >aligned &&
	cat >expect <<-\EOF &&
	["aligned_frame","shift","main"]
	["aligned_frame","shift","shift","main"]
	["aligned_frame","shift","shift","shift","main"]
	EOF
	test_cmp expect aligned &&
	test_cmp_str "aligned blocks" 24 "$(blocks 1003)"
'

test_expect_success 'through a signal frame: the handler, raise, 13 raise_deep, main' '
	fn 1004 >sig &&
	test_line_count = 1 sig &&
	jq -e ".[0] == \"on_usr1\" and .[-1] == \"main\" and
		([.[] | select(. == \"raise_deep\")] | length) == 13" sig &&
	test_cmp_str "handler blocks" 16 "$(blocks 1004)"
'

test_expect_success 'an exception unwinding: destructors at 6 depths, the catch' '
	fn 1005 | jq -c "[.[0], (map(select(. == \"thrower\")) | length),
		.[-2], .[-1]]" | sort >dtor &&
	for k in 1 2 3 4 5 6; do
		echo "[\"Guard::~Guard()\",$k,\"catcher\",\"main\"]" || return 1
	done >expect &&
	test_cmp expect dtor &&
	test_cmp_str "destructor blocks" 48 "$(blocks 1005)" &&
	fn 1006 >catch &&
	echo "[\"catcher\",\"main\"]" >expect &&
	test_cmp expect catch &&
	test_cmp_str "catch blocks" 8 "$(blocks 1006)"
'

test_expect_success 'one leaf under two callers' '
	fn 1007 >leaf &&
	cat >expect <<-\EOF &&
	["leaf_from","caller_a","main"]
	["leaf_from","caller_b","main"]
	EOF
	test_cmp expect leaf &&
	jq -c "[.leaks[] | select(.bytes / .blocks == 1007)
		| {(.stack[1].function): .blocks}] | add" libunwind.json >n &&
	echo "{\"caller_a\":16,\"caller_b\":16}" >expect &&
	test_cmp expect n
'

test_expect_success 'threads: 31 frames of recurse, ending at thread_main' '
	fn 1008 >thr &&
	test_line_count = 1 thr &&
	jq -e "length == 32 and .[-1] == \"thread_main\"" thr &&
	test_cmp_str "thread blocks" 64 "$(blocks 1008)"
'

# PERFSHIM_UNWIND=check takes every stack the cached rules give with
# unw_backtrace as well, and says at exit how many differed.
test_expect_success 'PERFSHIM_UNWIND=check: every cached stack is libunwind'"'"'s' '
	PERFSHIM_UNWIND=check capture_traced check check.zst \
		"$PROGS/unwind_cases" &&
	test_cmp_str "check status" 0 "$(cat check.code)" &&
	test_cmp libunwind.out check.out &&
	sed -n "s/^perfshim: PERFSHIM_UNWIND=check: \([0-9]*\) stacks from the cached rules, \([0-9]*\) not libunwind.s$/\1 \2/p" \
		check.err >counts &&
	test_line_count = 1 counts &&
	read cached differ <counts &&
	test "$cached" -ge 150 &&
	test_cmp_str "stacks that differ" 0 "$differ"
'

# A walk cut at PERFSHIM_DEPTH frames (the recursion is 60 deep): the
# cached walk starts at the interposer's caller, libunwind's at its own
# frames, and both must give the same program frames up to the cut.
test_expect_success 'PERFSHIM_UNWIND=check: stacks cut at PERFSHIM_DEPTH=8' '
	PERFSHIM_DEPTH=8 PERFSHIM_UNWIND=check capture_traced cut cut.zst \
		"$PROGS/unwind_cases" &&
	test_cmp_str "cut status" 0 "$(cat cut.code)" &&
	grep "^perfshim: PERFSHIM_UNWIND=check: [1-9][0-9]* stacks from the cached rules, 0 not libunwind.s$" \
		cut.err &&
	leaks_json cut.zst cut.json &&
	jq -e "[.leaks[].stack | map(.function)
		| select(unique == [\"recurse\"]) | length] == [8]" cut.json
'

# checked NAME: NAME.err says that stacks came from the cached rules,
# and that none differed from libunwind's.
checked () {
	grep "^perfshim: PERFSHIM_UNWIND=check: [1-9][0-9]* stacks from the cached rules, 0 not libunwind.s$" \
		"$1.err"
}

test_expect_success 'PERFSHIM_UNWIND=check: C++, threads, a library loaded 300 times' '
	for p in cxx_leaks threads growth; do
		PERFSHIM_UNWIND=check capture_traced $p $p.zst "$PROGS/$p" &&
		checked $p || return 1
	done &&
	PERFSHIM_UNWIND=check capture_traced dl dl.zst "$PROGS/dlopen_loop" \
		"$PROGS/libchurn.so" 300 &&
	test_cmp_str "dlopen_loop status" 0 "$(cat dl.code)" &&
	checked dl
'

test_done
