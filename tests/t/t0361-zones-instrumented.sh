#!/bin/sh

test_description='zones in a program built with -finstrument-functions'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/zones_instr.c, built with
# -finstrument-functions at -O0 (zones_instr) and -O2 (zones_instr_o2):
# zone "parse" holds 100 ms of busy loop, 40 ms of it in two "step" zones
# of 20 ms; every entry has its exit.

timing () {
	jq -r --arg p "$2" --arg k "$3" \
		'[.timings[] | select((.path | join(";")) == $p)][0][$k] // ""' "$1"
}

ms_between () {
	awk -v n="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		ms = n / 1e6
		if (n == "" || ms < lo || ms > hi) { printf "%s ms is not within [%s, %s]\n", ms, lo, hi > "/dev/stderr"; exit 1 }
	}'
}

for prog in zones_instr zones_instr_o2
do
	test_expect_success "$prog: the program runs the same with and without the shim" '
		capture native "$PROGS/'$prog'" &&
		capture_traced shim '$prog'.zst "$PROGS/'$prog'" &&
		test_same_run native shim &&
		analyze '$prog'.zst --hotspots --json >'$prog'.json &&
		analyze '$prog'.zst --hotspots >'$prog'.txt
	'

	test_expect_success "$prog: zone parse measures its 100 ms, step its 2 x 20 ms" '
		test_cmp_str parse 1 "$(timing '$prog'.json "main;parse;parse" calls)" &&
		test_cmp_str kind zone "$(timing '$prog'.json "main;parse;parse" kind)" &&
		ms_between "$(timing '$prog'.json "main;parse;parse" total_ns)" 95 400 &&
		test_cmp_str step 2 "$(timing '$prog'.json "main;parse;parse;step;step" calls)" &&
		ms_between "$(timing '$prog'.json "main;parse;parse;step;step" total_ns)" 38 200
	'

	test_expect_success "$prog: no unmatched exits, no frame of the API wrappers" '
		! grep unmatched '$prog'.txt &&
		jq -e "[.timings[].path[] | select(startswith(\"perfshim_\"))] == []" '$prog'.json
	'
done

test_done
