#!/bin/sh

test_description='per-call events: each zone and instrumented call as a timed event (CALLS records), in the Chrome trace and speedscope exports'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/zones.c ("outer" 1 call holding 3 "inner"
# of 10 ms; then 4 top-level "scoped" of 5 ms: 8 calls in one thread),
# latency.c (2 threads of 50 "request" calls), instr.c (functions built
# with -finstrument-functions, with the call counts its header gives).
# Every call returns before the finish, so the events hold every call
# that --hotspots counts, and their durations add up to its totals.

SCHEMA=$TEST_DIRECTORY/../schema/speedscope/file-format-schema.json
VALIDATE=$TEST_DIRECTORY/../schema/validate.py
CORPUS=$TEST_DIRECTORY/../fuzz/corpus

test_lazy_prereq PYTHON3 'command -v python3 >/dev/null 2>&1'

# traced_with EVENTS NAME CMD... - capture_traced with PERFSHIM_EVENTS.
traced_with () {
	(
		PERFSHIM_EVENTS=$1 &&
		export PERFSHIM_EVENTS &&
		traced_name_=$2 &&
		shift 2 &&
		capture_traced "$traced_name_" "$traced_name_.zst" "$@"
	)
}

# xcalls FILE - "name count" of the complete events, sorted.
xcalls () {
	jq -r '[.traceEvents[] | select(.ph == "X")] | group_by(.name)[] |
		"\(.[0].name) \(length)"' "$1" | sort
}

# hotcalls FILE - "name calls" of --hotspots JSON timings, summed by name.
hotcalls () {
	jq -r '.timings | group_by(.name)[] |
		"\(.[0].name) \(map(.calls) | add)"' "$1" | sort
}

# nested FILE - true when, on each thread, any two complete events are
# disjoint or one holds the other (times in µs, to 1 ns).
nested () {
	jq -e '[.traceEvents[] | select(.ph == "X")] | group_by(.tid) |
		all(sort_by([.ts, -.dur]) |
		reduce .[] as $e ({ok: true, ends: []};
			.ends |= map(select(. > $e.ts + 0.001)) |
			.ok = (.ok and ((.ends | length) == 0 or
				$e.ts + $e.dur <= .ends[-1] + 0.001)) |
			.ends += [$e.ts + $e.dur]) | .ok)' "$1" >/dev/null
}

# balanced FILE - true when each evented speedscope profile opens and
# closes its frames as a stack, in time order, and ends with none open.
balanced () {
	jq -e '[.profiles[] | select(.type == "evented")] | length > 0 and
		all(reduce .events[] as $e ({ok: true, st: [], at: 0};
			.ok = (.ok and $e.at >= .at) | .at = $e.at |
			if $e.type == "O" then .st += [$e.frame]
			else .ok = (.ok and (.st | length) > 0 and
				.st[-1] == $e.frame) | .st |= .[:-1] end) |
		.ok and (.st | length) == 0)' "$1" >/dev/null
}

test_expect_success 'setup: trace zones, latency and instr' '
	capture_traced zones zones.zst "$PROGS/zones" &&
	capture_traced latency latency.zst "$PROGS/latency" &&
	capture_traced instr instr.zst "$PROGS/instr" &&
	for p in zones latency instr
	do
		test_cmp_str "$p exit status" 0 "$(cat $p.code)" &&
		test_must_be_empty $p.err &&
		analyze $p.zst --hotspots --json >$p.json &&
		analyze $p.zst --export chrome -o $p.chrome 2>$p.chrome.err &&
		analyze $p.zst --export speedscope -o $p.ss 2>$p.ss.err ||
		return 1
	done
'

test_expect_success 'zones: 8 complete events, "outer" holds the 3 "inner", 4 "scoped" on their own' '
	printf "%s\n" "inner 3" "outer 1" "scoped 4" >expect &&
	xcalls zones.chrome >actual &&
	test_cmp expect actual &&
	jq -e "[.traceEvents[] | select(.ph == \"X\")] |
		(map(select(.name == \"outer\"))[0]) as \$o |
		(map(select(.name == \"inner\")) | length == 3 and
			all(.ts >= \$o.ts and .ts + .dur <= \$o.ts + \$o.dur and
			    .dur >= 10000)) and
		(map(select(.name == \"scoped\")) | length == 4 and
			all(.ts >= \$o.ts + \$o.dur and .dur >= 5000)) and
		map(.ts) == (map(.ts) | sort)" zones.chrome &&
	! grep -q "per-path totals" zones.chrome.err
'

test_expect_success 'each zone and function: as many events as --hotspots calls' '
	for p in zones latency instr
	do
		hotcalls $p.json >expect.$p &&
		xcalls $p.chrome >actual.$p &&
		test_cmp expect.$p actual.$p || return 1
	done &&
	grep -q "^tick 2000$" actual.instr &&
	grep -q "^fib 177$" actual.instr &&
	grep -q "^request 100$" actual.latency
'

test_expect_success 'durations add up to the --hotspots totals (to 0.1%)' '
	for p in zones latency instr
	do
		jq -r ".timings | group_by(.name)[] |
			\"\(.[0].name) \(map(.total_ns) | add)\"" $p.json |
			sort >hot.$p &&
		jq -r "[.traceEvents[] | select(.ph == \"X\")] | group_by(.name)[] |
			\"\(.[0].name) \(map(.dur) | add * 1000)\"" $p.chrome |
			sort >ev.$p &&
		join hot.$p ev.$p >both.$p &&
		test_line_count = "$(wc -l <hot.$p)" both.$p &&
		awk "{ d = \$2 - \$3; if (d < 0) d = -d
			if (d > \$2 / 1000 + 1000) { print \"off: \" \$0; bad = 1 } }
			END { exit bad }" both.$p || return 1
	done
'

test_expect_success 'chrome: the complete events of each thread nest' '
	nested zones.chrome && nested latency.chrome && nested instr.chrome &&
	printf "%s\n" "{\"traceEvents\": [" \
		"{\"name\":\"a\",\"ph\":\"X\",\"tid\":1,\"ts\":0,\"dur\":10}," \
		"{\"name\":\"b\",\"ph\":\"X\",\"tid\":1,\"ts\":5,\"dur\":10}]}" \
		>crossed && ! nested crossed
'

test_expect_success 'a call that ends past its caller (clock rounding) is kept inside it' '
	"$PERFSHIM_BUILD/tests/unit/t_calls" --write badnest.zst &&
	analyze badnest.zst --export chrome -o badnest.chrome &&
	analyze badnest.zst --export speedscope -o badnest.ss &&
	nested badnest.chrome && balanced badnest.ss &&
	test_cmp_str "inner" "1 0.15" "$(jq -r ".traceEvents[] |
		select(.name == \"inner\") | \"\(.ts) \(.dur)\"" badnest.chrome)"
'

test_expect_success 'chrome: latency calls on the two threads that made them' '
	jq -r "[.traceEvents[] | select(.ph == \"X\")] | group_by(.tid)[] |
		length" latency.chrome >per-thread &&
	printf "%s\n" 50 50 >expect &&
	test_cmp expect per-thread &&
	jq -r ".traceEvents[] | select(.ph == \"M\" and .name == \"thread_name\") |
		.tid" latency.chrome | sort >named &&
	jq -r ".traceEvents[] | select(.ph == \"X\") | .tid" latency.chrome |
		sort -u >used &&
	comm -13 named used >unnamed &&
	test_must_be_empty unnamed
'

test_expect_success 'speedscope: evented profiles open and close as a stack' '
	balanced zones.ss && balanced latency.ss && balanced instr.ss &&
	test_cmp_str "latency evented profiles" 2 \
		"$(jq "[.profiles[] | select(.type == \"evented\")] | length" latency.ss)" &&
	test_cmp_str "opens in zones" "outer inner inner inner scoped scoped scoped scoped" \
		"$(jq -r ".shared.frames as \$f | [.profiles[] |
			select(.type == \"evented\") | .events[] |
			select(.type == \"O\") | \$f[.frame].name] | join(\" \")" zones.ss)"
'

test_expect_success PYTHON3 'speedscope: files with evented profiles pass the schema' '
	for p in zones latency instr
	do
		python3 "$VALIDATE" "$SCHEMA" $p.ss || return 1
	done
'

test_expect_success 'PERFSHIM_EVENTS=2: 2 calls kept, 6 dropped and said, totals exact' '
	traced_with 2 capped "$PROGS/zones" &&
	test_cmp_str "exit status" 0 "$(cat capped.code)" &&
	test_cmp zones.out capped.out &&
	test_must_be_empty capped.err &&
	analyze capped.zst --export chrome -o capped.chrome 2>capped.note &&
	test_cmp_str "kept" "inner 2" "$(xcalls capped.chrome)" &&
	grep -q "note: 6 zone and function calls were not recorded" capped.note &&
	analyze capped.zst --hotspots --json >capped.json &&
	test_cmp_str "totals" "inner 3 outer 1 scoped 4" \
		"$(hotcalls capped.json | tr "\n" " " | sed "s/ $//")"
'

test_expect_success 'PERFSHIM_EVENTS=10 with two threads: 10 each, 80 dropped' '
	traced_with 10 capped2 "$PROGS/latency" &&
	test_cmp_str "exit status" 0 "$(cat capped2.code)" &&
	test_cmp latency.out capped2.out &&
	test_must_be_empty capped2.err &&
	analyze capped2.zst --export speedscope -o capped2.ss 2>capped2.note &&
	grep -q "note: 80 zone and function calls were not recorded" capped2.note &&
	test_cmp_str "opens per thread" "10 10" \
		"$(jq -r "[.profiles[] | select(.type == \"evented\") |
			[.events[] | select(.type == \"O\")] | length] |
			map(tostring) | join(\" \")" capped2.ss)" &&
	balanced capped2.ss
'

test_expect_success 'PERFSHIM_EVENTS=off: no events, a note; all: every call' '
	traced_with off none "$PROGS/zones" &&
	test_must_be_empty none.err &&
	analyze none.zst --export chrome -o none.chrome 2>none.note &&
	test_cmp_str "complete events" "" "$(xcalls none.chrome)" &&
	grep -q "note: .*per-path totals only" none.note &&
	traced_with all every "$PROGS/latency" &&
	test_must_be_empty every.err &&
	analyze every.zst --export chrome -o every.chrome &&
	test_cmp_str "all" "request 100" "$(xcalls every.chrome)"
'

test_expect_success 'PERFSHIM_EVENTS=junk: said once, the default cap' '
	traced_with junk junk "$PROGS/zones" &&
	test_cmp_str "exit status" 0 "$(cat junk.code)" &&
	grep -q "ignoring PERFSHIM_EVENTS=junk" junk.err &&
	test_line_count = 1 junk.err &&
	analyze junk.zst --export chrome -o junk.chrome &&
	test_cmp_str "kept" "$(xcalls zones.chrome)" "$(xcalls junk.chrome)"
'

test_expect_success 'traces of format 1.1 and 1.2 still read: totals, no events' '
	for p in zones latency
	do
		cp "$CORPUS/$p.zst" old-$p.zst &&
		analyze old-$p.zst --hotspots --json >old-$p.json &&
		analyze old-$p.zst --export chrome -o old-$p.chrome \
			2>old-$p.note &&
		test_cmp_str "$p events" "" "$(xcalls old-$p.chrome)" &&
		grep -q "note: .*per-path totals only" old-$p.note || return 1
	done &&
	test_cmp_str "old zones" "inner 3 outer 1 scoped 4" \
		"$(hotcalls old-zones.json | tr "\n" " " | sed "s/ $//")"
'

test_done
