#!/bin/sh

test_description='exports: pprof, speedscope and Chrome trace files render the same numbers as the reports'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/cpu.c (a 3:1 split of CPU samples),
# allocs.c (1000 x 100, 10 x 10000 and 5 x 64 bytes by three functions),
# leaks_basic.c (1066322 bytes in 1007 blocks unfreed, 1048576 of them by
# leak_big), growth.c (one "iteration" marker per iteration), zones.c
# (zones, traced with PERFSHIM_EVENTS=off so that the trace holds them as
# per-path totals only; t0720 tests the per-call events), inlined.c
# (4096 bytes leaked from a function inlined into another). Each export is
# checked against the analyzer's own --hotspots, --by, --leaks and summary
# JSON of the same trace.
#
# The pprof files are read by `go tool pprof` (Debian's golang-go). Without
# it those tests are skipped, unless PERFSHIM_TEST_EXPORTS=1 (make
# test-exports, which installs it) makes its absence a failure.

SCHEMA=$TEST_DIRECTORY/../schema/speedscope/file-format-schema.json
VALIDATE=$TEST_DIRECTORY/../schema/validate.py

test_lazy_prereq GO 'command -v go >/dev/null 2>&1'
test_lazy_prereq PYTHON3 'command -v python3 >/dev/null 2>&1'

# pprof_top FILE INDEX - "function flat cum" per function, units dropped,
# sorted; every node kept.
pprof_top () {
	timeout 60 go tool pprof -top -sample_index="$2" -nodefraction=0 \
		-unit=ns "$1" >"$1.$2.top" 2>"$1.$2.err" &&
	sed -n '/^ *flat /,$p' "$1.$2.top" | sed 1d |
	awk '{ f = $1; c = $4; sub(/[a-zA-Z]+$/, "", f); sub(/[a-zA-Z]+$/, "", c)
		print $6, f, c }' | sort
}

test_expect_success 'setup: trace the programs with known truth' '
	capture_traced cpu cpu.zst "$PROGS/cpu" split 4 &&
	capture_traced threads threads.zst "$PROGS/cpu" threads 2 &&
	capture_traced allocs allocs.zst "$PROGS/allocs" &&
	capture_traced leaks leaks.zst "$PROGS/leaks_basic" &&
	capture_traced growth growth.zst "$PROGS/growth" leak 20 &&
	(
		PERFSHIM_EVENTS=off &&
		export PERFSHIM_EVENTS &&
		capture_traced zones zones.zst "$PROGS/zones"
	) &&
	capture_traced inlined inlined.zst "$PROGS/inlined" &&
	(
		PERFSHIM_SAMPLE_HZ=0 &&
		export PERFSHIM_SAMPLE_HZ &&
		capture_traced quiet quiet.zst "$PROGS/leaks_basic"
	) &&
	for p in cpu threads allocs leaks growth zones inlined quiet
	do
		test_cmp_str "$p exit status" 0 "$(cat $p.code)" || return 1
	done &&
	analyze cpu.zst --hotspots --json >cpu.json &&
	analyze allocs.zst --by allocs --json >allocs.json &&
	analyze leaks.zst --leaks --json >leaks.json &&
	analyze growth.zst --json >growth.json &&
	analyze threads.zst --json >threads.json
'

test_expect_success 'go tool pprof is here when make test-exports runs' '
	if test "${PERFSHIM_TEST_EXPORTS-}" = 1
	then
		command -v go
	fi
'

test_expect_success 'each format is written, exit 0' '
	for f in pprof speedscope chrome
	do
		for p in cpu threads allocs leaks growth zones inlined quiet
		do
			analyze $p.zst --export $f -o $p.$f 2>$p.$f.err ||
				return 1
			test_file_not_empty $p.$f || return 1
		done
	done &&
	gzip -t cpu.pprof
'

test_expect_success '--export and -o go together, and only known formats' '
	test_expect_code 2 "$ANALYZE" cpu.zst --export pprof &&
	test_expect_code 2 "$ANALYZE" cpu.zst -o x &&
	test_expect_code 2 "$ANALYZE" cpu.zst --export svg -o x &&
	test_expect_code 2 "$ANALYZE" cpu.zst --export pprof -o x --leaks &&
	test_path_is_missing x
'

test_expect_success 'a file that cannot be written is an error, exit 2' '
	for f in pprof speedscope chrome
	do
		test_expect_code 2 "$ANALYZE" cpu.zst --export $f -o /dev/full \
			2>err || return 1
		grep -q "No space left on device" err || return 1
	done &&
	test_expect_code 2 "$ANALYZE" cpu.zst --export chrome -o no/such/dir/x
'

test_expect_success GO 'pprof: CPU functions, self and total, as --hotspots counts them' '
	jq -r ".functions[] | \"\(.function) \(.self_samples) \"" cpu.json |
		sort >expect.samples &&
	pprof_top cpu.pprof samples | sed "s/ [0-9]*$/ /" >actual.samples &&
	test_cmp expect.samples actual.samples &&
	jq -r ".functions[] | \"\(.function) \(.self_ns) \(.total_ns)\"" cpu.json |
		sed "s/ 0 / 0 /" | sort >expect.cpu &&
	pprof_top cpu.pprof cpu >actual.cpu &&
	test_cmp expect.cpu actual.cpu &&
	grep -q "^burn_three " actual.cpu &&
	grep -q "^burn_one " actual.cpu
'

test_expect_success GO 'pprof: -traces shows main, work, burn_three with the thread label' '
	timeout 60 go tool pprof -traces -sample_index=samples cpu.pprof >traces &&
	tid=$(jq -r ".threads[0].tid" cpu.json) &&
	grep -q "thread: *$tid" traces &&
	awk "/burn_three/ { getline w; getline m; print \$NF, w, m }" traces |
		sed "s/  */ /g" | sort -u >stack &&
	test_cmp_str "burn_three stack" "burn_three work main" "$(cat stack)"
'

test_expect_success GO 'pprof: the program is the first mapping, with its build-id' '
	id=$(build_id "$PROGS/cpu") &&
	test -n "$id" &&
	timeout 60 go tool pprof -raw cpu.pprof >raw &&
	sed -n "/^Mappings/{n;p;}" raw >first &&
	grep -q "/cpu $id " first &&
	grep -q "^PeriodType: cpu nanoseconds" raw &&
	grep -q "^Period: 1000000$" raw
'

test_expect_success GO 'pprof: allocation sites by objects and bytes, as --by allocs counts them' '
	jq -r ".sites[] | \"\(.stack[0].function) \(.allocs) \(.bytes)\"" \
		allocs.json | sort >expect &&
	pprof_top allocs.pprof alloc_objects | grep -v "^main " |
		cut -d" " -f1,2 >objects &&
	pprof_top allocs.pprof alloc_space | grep -v "^main " |
		cut -d" " -f2 >bytes &&
	paste -d" " objects bytes >actual &&
	test_cmp expect actual &&
	grep -q "^make_temporaries 1000 100000$" actual &&
	grep -q "^leak 5 320$" actual
'

test_expect_success GO 'pprof: in use at exit is what --leaks reports (1066322 bytes, 1007 blocks)' '
	test_cmp_str "leaked bytes" 1066322 \
		"$(jq ".summary.definite.bytes" leaks.json)" &&
	pprof_top leaks.pprof inuse_space >space &&
	pprof_top leaks.pprof inuse_objects >objects &&
	test_cmp_str "inuse_space of main" "main 0 1066322" \
		"$(grep "^main " space)" &&
	test_cmp_str "inuse_objects of main" "main 0 1007" \
		"$(grep "^main " objects)" &&
	test_cmp_str "leak_big" "leak_big 1048576 1048576" \
		"$(grep "^leak_big " space)"
'

test_expect_success GO 'pprof: an inlined call is one location with two lines, innermost first' '
	timeout 60 go tool pprof -raw inlined.pprof >raw &&
	grab=$(grep -n "/\* LEAK:inlined \*/" "$SRC_PROGS/inlined.c" | cut -d: -f1) &&
	call=$(grep -n "/\* INLINED:call \*/" "$SRC_PROGS/inlined.c" | cut -d: -f1) &&
	test_cmp_str "lines with each mark" "1 1" \
		"$(echo "$grab" | wc -l) $(echo "$call" | wc -l)" &&
	grep -A1 " grab .*inlined.c:$grab " raw >loc &&
	test_line_count = 2 loc &&
	grep -q "^ *outer .*inlined.c:$call " loc &&
	pprof_top inlined.pprof inuse_space >top &&
	grep -q "^grab 4096 4096$" top &&
	grep -q "^outer 0 4096$" top
'

test_expect_success GO 'pprof: a trace without samples or allocations is a valid, empty profile' '
	test_cmp_str "no-sample note" 1 \
		"$(grep -c "note: the trace has no CPU samples" quiet.pprof.err)" &&
	test_cmp_str "no-allocation note" 1 \
		"$(grep -c "note: the trace has no allocations" cpu.pprof.err)" &&
	pprof_top quiet.pprof cpu >cpu.top &&
	test_must_be_empty cpu.top &&
	grep -q "Total samples = 0" quiet.pprof.cpu.top &&
	pprof_top quiet.pprof inuse_space >space &&
	grep -q "^main 0 1066322$" space
'

test_expect_success PYTHON3 'speedscope: every file passes the published schema' '
	for p in cpu threads allocs leaks growth zones quiet
	do
		python3 "$VALIDATE" "$SCHEMA" $p.speedscope || return 1
	done
'

test_expect_success PYTHON3 'speedscope: the schema check catches a bad file' '
	jq ".profiles[0].unit = \"furlongs\" | del(.shared)" cpu.speedscope >bad &&
	test_expect_code 1 python3 "$VALIDATE" "$SCHEMA" bad >why &&
	grep -q "unit" why && grep -q "shared" why
'

test_expect_success 'speedscope: frames in range, a weight per sample, CPU 3:1 as --hotspots' '
	jq -e "(.shared.frames | length) as \$n |
		all(.profiles[]; .type != \"sampled\" or
			((.samples | length) == (.weights | length) and
			 all(.samples[][]; . >= 0 and . < \$n)))" \
		cpu.speedscope &&
	for f in burn_three burn_one
	do
		want=$(jq ".functions[] | select(.function == \"$f\") | .self_ns" cpu.json) &&
		got=$(jq "(.shared.frames | map(.name) | index(\"$f\")) as \$i |
			.profiles[] | select(.name == \"cpu\") |
			[.samples as \$s | .weights | to_entries[] |
			 select(\$s[.key][-1] == \$i) | .value] | add" cpu.speedscope) &&
		test_cmp_str "$f cpu ns" "$want" "$got" || return 1
	done &&
	test_cmp_str "the CPU profile is shown first" cpu \
		"$(jq -r ".profiles[.activeProfileIndex].name" cpu.speedscope)"
'

test_expect_success 'speedscope: leaked bytes by function, as --leaks' '
	test_cmp_str "inlined stack, root first" "main outer grab" \
		"$(jq -r ".shared.frames as \$f | .profiles[] |
			select(.name == \"inuse_space\") | .samples[] |
			map(\$f[.].name) | select(.[-1] == \"grab\") | join(\" \")" \
			inlined.speedscope)" &&
	test_cmp_str "inuse bytes" 1066322 \
		"$(jq ".profiles[] | select(.name == \"inuse_space\") | .endValue" leaks.speedscope)"
'

test_expect_success 'chrome: a trace event array, thread names as metadata' '
	jq -e ".traceEvents | type == \"array\"" threads.chrome &&
	jq -r ".traceEvents[] | select(.ph == \"M\" and .name == \"thread_name\") | .tid" \
		threads.chrome | sort -n >tids &&
	test_cmp_str "threads" "$(jq .threads threads.json)" "$(wc -l <tids)" &&
	jq -e "[.traceEvents[] | select(.ph == \"M\")] |
		all(.args.name | type == \"string\" and length > 0)" threads.chrome &&
	pid=$(jq .pid threads.json) &&
	jq -e --argjson pid $pid "all(.traceEvents[]; .pid == \$pid)" threads.chrome
'

test_expect_success 'chrome: markers as instant events, one per perfshim_mark()' '
	test_cmp_str "iteration markers" 20 \
		"$(jq "[.traceEvents[] | select(.ph == \"i\" and .name == \"iteration\")] | length" growth.chrome)" &&
	jq -e "[.traceEvents[] | select(.ph == \"i\") | .ts] | . == sort" growth.chrome
'

test_expect_success 'chrome: heap counters peak and end where the summary says' '
	jq -e "[.traceEvents[] | select(.ph == \"C\")] | all(.args.bytes >= 0)" growth.chrome &&
	test_cmp_str "heap peak" "$(jq .peak_bytes growth.json)" \
		"$(jq "[.traceEvents[] | select(.ph == \"C\" and .name == \"heap in use\") | .args.bytes] | max" growth.chrome)" &&
	test_cmp_str "heap at the end" "$(jq .live_bytes growth.json)" \
		"$(jq "[.traceEvents[] | select(.ph == \"C\" and .name == \"heap in use\")] | max_by(.ts) | .args.bytes" growth.chrome)" &&
	test "$(jq "[.traceEvents[] | select(.ph == \"C\" and .name == \"RSS\")] | length" growth.chrome)" -gt 0
'

test_expect_success 'zones: no made-up call events, and a note that says why' '
	grep -q "note: .*per-call events" zones.chrome.err &&
	grep -q "note: .*per-call events" zones.speedscope.err &&
	test_cmp_str "complete events" 0 \
		"$(jq "[.traceEvents[] | select(.ph == \"X\")] | length" zones.chrome)" &&
	test_cmp_str "done marker" 1 \
		"$(jq "[.traceEvents[] | select(.ph == \"i\" and .name == \"done\")] | length" zones.chrome)"
'

test_done
