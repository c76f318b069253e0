#!/bin/sh

test_description='exact timing: -finstrument-functions counts and times, longjmp, zones'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/instr.c (built with -finstrument-functions)
# and tests/programs/zones.c (the zone API of include/perfshim.h).

# timing JSON PATH FIELD - FIELD of the .timings entry whose path, joined
# with ";", is PATH ("" when there is none).
timing () {
	jq -r --arg p "$2" --arg k "$3" \
		'[.timings[] | select((.path | join(";")) == $p)][0][$k] // ""' "$1"
}

# ms_between NS LO HI - NS nanoseconds lie within [LO, HI] milliseconds.
ms_between () {
	awk -v n="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		ms = n / 1e6
		if (n == "" || ms < lo || ms > hi) { printf "%s ms is not within [%s, %s]\n", ms, lo, hi > "/dev/stderr"; exit 1 }
	}'
}

test_expect_success 'setup: trace instr (output and status unchanged)' '
	capture native "$PROGS/instr" &&
	capture_traced shim instr.zst "$PROGS/instr" &&
	test_same_run native shim &&
	analyze instr.zst --hotspots --json --top 100 >instr.json &&
	jq -e . instr.json >/dev/null
'

test_expect_success 'call counts are exact, per path and per function' '
	test_cmp_str "main;nap" 5 "$(timing instr.json "main;nap" calls)" &&
	test_cmp_str "main;parent" 3 "$(timing instr.json "main;parent" calls)" &&
	test_cmp_str "main;parent;nap" 3 "$(timing instr.json "main;parent;nap" calls)" &&
	test_cmp_str "main;count_loop;tick" 1000 "$(timing instr.json "main;count_loop;tick" calls)" &&
	test_cmp_str "nap in all" 8 "$(jq "[.functions[] | select(.function == \"nap\")][0].calls" instr.json)" &&
	test_cmp_str "tick in all" 2000 "$(jq "[.functions[] | select(.function == \"tick\")][0].calls" instr.json)"
'

test_expect_success 'threads: each writes its paths at exit; the same path adds up' '
	test_cmp_str "thread_fn" 2 "$(timing instr.json "thread_fn" calls)" &&
	test_cmp_str "thread_fn;tick" 1000 "$(timing instr.json "thread_fn;tick" calls)"
'

test_expect_success 'recursion: fib(10) is 177 calls over its paths' '
	test_cmp_str fib 177 "$(jq "[.functions[] | select(.function == \"fib\")][0].calls" instr.json)" &&
	test_cmp_str "outermost fib" 1 "$(timing instr.json "main;fib" calls)"
'

test_expect_success 'inclusive and self times match the sleeps (loaded machine: generous upper bounds)' '
	ms_between "$(timing instr.json "main;nap" total_ns)" 100 400 &&
	ms_between "$(timing instr.json "main;parent" total_ns)" 90 360 &&
	ms_between "$(timing instr.json "main;parent" self_ns)" 0 20 &&
	ms_between "$(timing instr.json "main;parent;sleep_ms" self_ns)" 30 120 &&
	ms_between "$(timing instr.json "main;parent;nap" total_ns)" 60 240 &&
	ms_between "$(timing instr.json "main" total_ns)" 190 800
'

# (Durations are kept in clock ticks and converted one by one: allow a
# few ns of rounding.)
# (Durations are kept in clock ticks and converted one by one: allow a
# few ns of rounding.)
test_expect_success 'self is inclusive less the children: parent = its sleep_ms + nap' '
	p=$(timing instr.json "main;parent" total_ns) &&
	s=$(timing instr.json "main;parent;sleep_ms" total_ns) &&
	n=$(timing instr.json "main;parent;nap" total_ns) &&
	o=$(timing instr.json "main;parent" self_ns) &&
	d=$((s + n + o - p)) &&
	test "${d#-}" -le 100
'

test_expect_success 'longjmp out of deep2 does not corrupt the shadow stack' '
	test_cmp_str "main;jumper;deep1;deep2" 10 "$(timing instr.json "main;jumper;deep1;deep2" calls)" &&
	test_cmp_str "main;jumper;after_jump" 10 "$(timing instr.json "main;jumper;after_jump" calls)" &&
	jq -e "[.timings[] | select(.path | index(\"deep2\")) | select(.path | index(\"after_jump\"))] | length == 0" instr.json &&
	jq -e "[.timings[] | select(.path[0] != \"main\" and .path[0] != \"thread_fn\")] | length == 0" instr.json
'

test_expect_success 'built with -O2 (inlined functions call the hooks from their caller): the same counts and paths' '
	capture_traced o2 o2.zst "$PROGS/instr_o2" &&
	test_same_run native o2 &&
	analyze o2.zst --hotspots --json --top 100 >o2.json &&
	for p in "main;nap 5" "main;parent;nap 3" "main;count_loop;tick 1000" \
		"main;jumper;deep1;deep2 10" "main;jumper;after_jump 10" \
		"thread_fn;tick 1000"
	do
		test_cmp_str "${p% *}" "${p##* }" "$(timing o2.json "${p% *}" calls)" || return 1
	done &&
	ms_between "$(timing o2.json "main;parent;nap" total_ns)" 60 240
'

test_expect_success 'C++ exceptions through instrumented frames keep the shadow stack' '
	capture cnative "$PROGS/instr_cxx" &&
	capture_traced cshim cxx.zst "$PROGS/instr_cxx" &&
	test_same_run cnative cshim &&
	analyze cxx.zst --hotspots --json --top 100 >cxx.json &&
	test_cmp_str after 10 "$(timing cxx.json "main;catcher(int);after()" calls)" &&
	test_cmp_str thrower 10 "$(timing cxx.json "main;catcher(int);mid(int);thrower(int)" calls)" &&
	jq -e "[.timings[] | select(.path | index(\"after()\")) | select(.path | length != 3)] | length == 0" cxx.json
'

test_expect_success 'the text report has the exact timings as a tree' '
	analyze instr.zst --hotspots >instr.txt &&
	grep "^Exact timings" instr.txt &&
	grep -E "^ +1,000 .*  tick " instr.txt &&
	grep -E "^ +3 .* {4}parent " instr.txt
'

test_expect_success 'zones: the program runs the same with and without the shim' '
	capture znative "$PROGS/zones" &&
	test_cmp_str status 0 "$(cat znative.code)" &&
	capture_traced zshim zones.zst "$PROGS/zones" &&
	test_same_run znative zshim &&
	analyze zones.zst --hotspots --json >zones.json
'

test_expect_success 'zones nest: inner under outer, with their calls and times' '
	test_cmp_str outer 1 "$(timing zones.json outer calls)" &&
	test_cmp_str outer/inner 3 "$(timing zones.json "outer;inner" calls)" &&
	test_cmp_str "no inner at the top" "" "$(timing zones.json inner calls)" &&
	ms_between "$(timing zones.json outer total_ns)" 50 200 &&
	ms_between "$(timing zones.json outer self_ns)" 20 80 &&
	ms_between "$(timing zones.json "outer;inner" total_ns)" 30 120 &&
	test_cmp_str kind zone "$(timing zones.json outer kind)"
'

test_expect_success 'the scoped zone closes on return: 4 calls, not nested in itself' '
	test_cmp_str scoped 4 "$(timing zones.json scoped calls)" &&
	test_cmp_str "scoped in scoped" "" "$(timing zones.json "scoped;scoped" calls)" &&
	ms_between "$(timing zones.json scoped total_ns)" 20 100
'

test_expect_success 'a zone ended out of order closes the zones inside it' '
	capture_traced mm mismatch.zst "$PROGS/zones" mismatch &&
	test_cmp_str status 0 "$(cat mm.code)" &&
	analyze mismatch.zst --hotspots --json >mm.json &&
	test_cmp_str a 1 "$(timing mm.json a calls)" &&
	test_cmp_str a/b 1 "$(timing mm.json "a;b" calls)" &&
	test_cmp_str "c at the top" 1 "$(timing mm.json c calls)" &&
	analyze mismatch.zst --hotspots >mm.txt &&
	grep "2 unmatched" mm.txt
'

test_done
