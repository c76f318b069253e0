#!/bin/sh

test_description='perfanalyze diff A/A: twenty comparisons of an unchanged program, 5 runs a side, stay clean'

. "$(dirname "$0")/test-lib.sh"

# tests/programs/variant.c without its knobs: about 25 ms of CPU (its
# own function, 1000 calls of a zone, 500 allocations, a known leak).
# 200 runs, one after another; comparison c takes runs 10c..10c+9,
# five of them for the base and five for the new, drawn at random (a
# fixed seed per comparison). No two comparisons share a run: one burst
# of load on a shared machine is one trial, not two. Not even runs
# against odd ones: consecutive runs alternate between the two CPUs,
# and when one CPU is busier for a while, the parity of the runs is the
# difference (seen here: a p99 26 us on the even runs, 34 us on the odd
# ones, five and five, for a second). A CI job that alternates two
# builds' runs can meet the same; drawing the order at random cancels it.

test_expect_success 'setup: 200 runs of the unchanged program' '
	mkdir runs &&
	for i in $(seq 100 299)
	do
		LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=runs/$i.zst \
			"$PROGS/variant" || return 1
	done
'

test_expect_success 'twenty comparisons: no regression, at most one warning' '
	for c in $(seq 0 19)
	do
		mkdir c$c c$c/base c$c/new &&
		awk -v seed=$((c + 1)) "BEGIN {
			srand(seed)
			for (i = 0; i < 10; i++) a[i] = i
			for (i = 9; i > 0; i--) {
				j = int(rand() * (i + 1)); t = a[i]; a[i] = a[j]; a[j] = t
			}
			for (i = 0; i < 10; i++) print a[i], (i < 5 ? \"base\" : \"new\")
		}" >order &&
		while read -r j side
		do
			ln -s ../../runs/$((100 + 10 * c + j)).zst c$c/$side/ || return 1
		done <order &&
		analyze diff c$c/base c$c/new --fail-on-regression --json \
			>c$c.json || return 1
		jq -r .verdict c$c.json >>verdicts || return 1
	done &&
	test_line_count = 20 verdicts &&
	! grep -x regression verdicts &&
	test "$(grep -cx warning verdicts)" -le 1
'

test_expect_success 'each compared the same metrics, with statistics on the noisy ones' '
	jq -r "[.runs_base, .runs_new] | @tsv" c0.json >nruns &&
	printf "5\t5\n" >expect &&
	test_cmp expect nruns &&
	jq -e "[.metrics[] | select(.scope == \"zone\" and .name == \"p99\")][0].p_value != null" c0.json &&
	jq -e "[.metrics[] | select(.scope == \"site\" and .where == \"make_items\")][0].p_value == null" c0.json
'

test_done
