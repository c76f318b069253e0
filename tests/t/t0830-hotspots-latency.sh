#!/bin/sh

test_description='--hotspots: calls, total and p50/p90/p95/p99/max per zone and function'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/latency_mix.c. The zone "serve" and the
# instrumented function work() each take 100 calls (over two call paths):
# 50 of 1 ms, 40 of 15 ms, 5 of 30 ms, 4 of 45 ms, 1 of 150 ms, so p50
# 1 ms, p90 15 ms, p95 30 ms, p99 45 ms, max 150 ms. rec(): 8 calls, two
# of them outermost, 10 ms each: total 20 ms.
#
# A busy-wait is as long as asked or longer (preemption on a loaded
# machine): the lower bounds are the classes above (less 2%: a bucket's
# midpoint is within 0.8%). The program also measures each call itself
# around the zone (LATENCY_TRUTH): the zone and work() run inside that
# measure, so each of their percentiles is at most the program's (plus
# 2% and 0.1 ms for the bucket and the clocks). Not at least: time spent
# in the hooks, or a preemption there, is the program's but not theirs.

# lat JSON KIND NAME FIELD - FIELD of the latency row of KIND NAME.
lat () {
	jq -r --arg k "$2" --arg n "$3" --arg f "$4" \
		'.latency[] | select(.kind == $k and .name == $n) | .[$f]' "$1"
}

# ms_between NS LO HI - NS nanoseconds lie within [LO, HI] milliseconds.
ms_between () {
	awk -v n="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		ms = n / 1e6
		if (n == "" || n == "null" || ms < lo || ms > hi) { printf "%s ms is not within [%s, %s]\n", ms, lo, hi > "/dev/stderr"; exit 1 }
	}'
}

# within NS TRUTH - NS is at most TRUTH (ns), plus 2% and 0.1 ms.
within () {
	awk -v n="$1" -v t="$2" 'BEGIN {
		if (n == "" || n == "null" || t == "" || n > 1.02 * t + 1e5) { printf "%s ns is above %s ns\n", n, t > "/dev/stderr"; exit 1 }
	}'
}

# check_dist JSON KIND NAME - the percentiles of the table above.
check_dist () {
	set -- "$1" "$2" "$3" $(cat truth.txt) &&
	test_cmp_str "$3 calls" 100 "$(lat "$1" "$2" "$3" calls)" &&
	ms_between "$(lat "$1" "$2" "$3" total_ns)" 1107 100000 &&
	ms_between "$(lat "$1" "$2" "$3" p50_ns)" 0.98 100000 &&
	ms_between "$(lat "$1" "$2" "$3" p90_ns)" 14.7 100000 &&
	ms_between "$(lat "$1" "$2" "$3" p95_ns)" 29.4 100000 &&
	ms_between "$(lat "$1" "$2" "$3" p99_ns)" 44.1 100000 &&
	ms_between "$(lat "$1" "$2" "$3" max_ns)" 147 100000 &&
	within "$(lat "$1" "$2" "$3" p50_ns)" "$4" &&
	within "$(lat "$1" "$2" "$3" p90_ns)" "$5" &&
	within "$(lat "$1" "$2" "$3" p95_ns)" "$6" &&
	within "$(lat "$1" "$2" "$3" p99_ns)" "$7" &&
	within "$(lat "$1" "$2" "$3" max_ns)" "$8"
}

test_expect_success 'setup: trace latency_mix (output and status unchanged)' '
	capture native "$PROGS/latency_mix" &&
	LATENCY_TRUTH=truth.txt capture_traced shim mix.zst "$PROGS/latency_mix" &&
	test_same_run native shim &&
	cat truth.txt &&
	analyze mix.zst --hotspots --json >mix.json &&
	analyze mix.zst --hotspots >mix.txt &&
	jq -c ".latency[]" mix.json
'

test_expect_success 'JSON: a zone, per call, over both call paths' '
	check_dist mix.json zone serve
'

test_expect_success 'JSON: an instrumented function, per call, over both call paths' '
	check_dist mix.json function work
'

test_expect_success 'JSON: a recursive function totals its outermost calls only' '
	test_cmp_str "rec calls" 8 "$(lat mix.json function rec calls)" &&
	ms_between "$(lat mix.json function rec total_ns)" 19.6 60 &&
	ms_between "$(lat mix.json function rec p50_ns)" 9.8 100000 &&
	ms_between "$(lat mix.json function rec max_ns)" 9.8 5000
'

test_expect_success 'JSON: every row has the five fields, in ns' '
	jq -e "[.latency[] | has(\"p50_ns\", \"p90_ns\", \"p95_ns\", \"p99_ns\", \"max_ns\") ] | all and length >= 3" mix.json
'

test_expect_success 'text: a latency table with the same calls and columns' '
	grep "^Latency per call" mix.txt &&
	grep -E "^ +calls +total +p50 +p90 +p95 +p99 +max +name$" mix.txt &&
	sed -n "/^Latency per call/,\$p" mix.txt >table.txt &&
	row=$(grep -E "  zone serve$" table.txt) &&
	set -- $row &&
	test_cmp_str calls 100 "$1" &&
	row=$(grep -E "  work  .*latency_mix.c:[0-9]+$" table.txt) &&
	set -- $row &&
	test_cmp_str calls 100 "$1"
'

test_expect_success 'a trace without histograms (format 1.1): null percentiles, calls kept' '
	G=$TEST_DIRECTORY/../golden/traces &&
	analyze "$G/zones.zst" --hotspots --json >old.json &&
	test_cmp_str "outer calls" 1 "$(lat old.json zone outer calls)" &&
	test_cmp_str "outer p99" null "$(lat old.json zone outer p99_ns)" &&
	analyze "$G/zones.zst" --hotspots >old.txt &&
	grep -E "^ +1 +[0-9.]+ ms +- +- +- +- +-  zone outer$" old.txt
'

test_done
