#!/bin/sh

test_description='perfanalyze diff A/A: twenty comparisons of an unchanged program, 5 runs a side, stay clean'

. "$(dirname "$0")/test-lib.sh"

# tests/programs/variant.c without its knobs: about 25 ms of CPU (its
# own function, 1000 calls of a zone, 500 allocations, a known leak).
# 200 runs, one after another; comparison c takes runs 10c..10c+9, the
# even ones as the base and the odd ones as the new, so that the load
# of the machine, which drifts, falls on both sides alike (as a CI job
# that alternates the two builds' runs would have it). No two
# comparisons share a run: one burst of load on a shared machine is one
# trial, not two.

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
		for j in $(seq 0 9)
		do
			r=$((100 + 10 * c + j)) &&
			if test $((j % 2)) = 0
			then
				ln -s ../../runs/$r.zst c$c/base/ || return 1
			else
				ln -s ../../runs/$r.zst c$c/new/ || return 1
			fi
		done &&
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
