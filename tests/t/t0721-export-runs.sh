#!/bin/sh

test_description='--export pprof on a directory of runs: one profile, values summed over the runs'

. "$(dirname "$0")/test-lib.sh"

# Known truth: whatever each run's own pprof export holds, the merged one
# holds the sum, function by function (flat and cum), for every sample
# type. tests/programs/allocs.c is deterministic (1000 x 100 bytes by
# make_temporaries per run), so its sums are also known outright;
# cpu.c's samples vary from run to run, so only the sums are.
#
# go tool pprof (Debian's golang-go) reads the files; without it the
# tests that need it are skipped, unless PERFSHIM_TEST_EXPORTS=1 (make
# test-exports) makes its absence a failure.

test_lazy_prereq GO 'command -v go >/dev/null 2>&1'

# pprof_top FILE INDEX - "function flat cum" per function, units dropped,
# sorted; every node kept.
pprof_top () {
	timeout 60 go tool pprof -top -sample_index="$2" -nodefraction=0 \
		-unit=ns "$1" >"$1.$2.top" 2>"$1.$2.err" &&
	sed -n '/^ *flat /,$p' "$1.$2.top" | sed 1d |
	awk '{ f = $1; c = $4; sub(/[a-zA-Z]+$/, "", f); sub(/[a-zA-Z]+$/, "", c)
		print $6, f, c }' | sort
}

# summed INDEX FILE... - pprof_top of each file, added up by function.
summed () {
	summed_ix_=$1
	shift
	for f in "$@"
	do
		pprof_top "$f" "$summed_ix_" || return 1
	done | awk '{ flat[$1] += $2; cum[$1] += $3 }
		END { for (f in flat) print f, flat[f], cum[f] }' | sort
}

test_expect_success 'setup: 3 runs of allocs, 2 of cpu, each in a directory' '
	mkdir allocruns cpuruns empty &&
	for i in 1 2 3
	do
		capture_traced a$i allocruns/run$i.zst "$PROGS/allocs" &&
		test_cmp_str "exit status" 0 "$(cat a$i.code)" &&
		analyze allocruns/run$i.zst --export pprof -o a$i.pprof \
			2>/dev/null || return 1
	done &&
	for i in 1 2
	do
		capture_traced c$i cpuruns/run$i.zst "$PROGS/cpu" split 2 &&
		test_cmp_str "exit status" 0 "$(cat c$i.code)" &&
		analyze cpuruns/run$i.zst --export pprof -o c$i.pprof \
			2>/dev/null || return 1
	done &&
	analyze allocruns --export pprof -o allocs.pprof 2>allocs.err &&
	analyze cpuruns --export pprof -o cpu.pprof 2>cpu.err &&
	gzip -t allocs.pprof && gzip -t cpu.pprof
'

test_expect_success 'go tool pprof is here when make test-exports runs' '
	if test "${PERFSHIM_TEST_EXPORTS-}" = 1
	then
		command -v go
	fi
'

test_expect_success GO 'allocs: every sample type is the sum of the runs' '
	for ix in alloc_objects alloc_space inuse_objects inuse_space
	do
		summed $ix a1.pprof a2.pprof a3.pprof >expect.$ix &&
		pprof_top allocs.pprof $ix >actual.$ix &&
		test_cmp expect.$ix actual.$ix || return 1
	done &&
	grep -q "^make_temporaries 3000 3000$" actual.alloc_objects &&
	grep -q "^make_temporaries 300000 300000$" actual.alloc_space &&
	grep -q "^leak 15 15$" actual.alloc_objects
'

test_expect_success GO 'cpu: samples and CPU time are the sum of the runs' '
	for ix in samples cpu
	do
		summed $ix c1.pprof c2.pprof >expect.$ix &&
		pprof_top cpu.pprof $ix >actual.$ix &&
		test_cmp expect.$ix actual.$ix || return 1
	done &&
	grep -q "^burn_three " actual.samples &&
	grep -q "^burn_one " actual.samples
'

test_expect_success GO 'the merged profile keeps the function names and lines' '
	timeout 60 go tool pprof -raw allocs.pprof >raw &&
	! grep -q "??" raw &&
	grep -q " make_temporaries .*allocs.c:[0-9]" raw &&
	grep -q "^1: .*/allocs [0-9a-f]* \[FN\]" raw
'

test_expect_success 'a directory without traces, or another format: exit 2' '
	test_expect_code 2 "$ANALYZE" empty --export pprof -o x 2>err &&
	grep -q "empty: no traces (\*.zst)" err &&
	test_path_is_missing x &&
	test_expect_code 2 "$ANALYZE" allocruns --export chrome -o x 2>err &&
	grep -q "exports only as pprof" err &&
	test_path_is_missing x &&
	echo "not a trace" >allocruns/zz.zst &&
	test_expect_code 2 "$ANALYZE" allocruns --export pprof -o x 2>err &&
	grep -q "zz.zst" err
'

test_done
