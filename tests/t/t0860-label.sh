#!/bin/sh
test_description='PERFSHIM_LABEL: recorded in the trace header, shown by the summary'
. "$(dirname "$0")/test-lib.sh"

# Known truth: the label is what the environment said, byte for byte; a
# key takes its first value; a run without a label has no "label" at all.

test_expect_success 'a label list: the summary shows it as given, JSON as an object' '
	PERFSHIM_LABEL="n=1000,build=a1b2,n=5" run_traced l.zst \
		"$PROGS/exit_status" exit 0 >out 2>err &&
	! grep perfshim err &&
	analyze l.zst >sum &&
	grep "^label:             n=1000,build=a1b2,n=5\$" sum &&
	analyze l.zst --json >sum.json &&
	jq -c .label sum.json >actual &&
	echo "{\"n\":\"1000\",\"build\":\"a1b2\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'one KEY=VALUE; a value may hold = and spaces' '
	PERFSHIM_LABEL="what=a b=c" run_traced one.zst \
		"$PROGS/exit_status" exit 0 &&
	analyze one.zst --json | jq -r ".label.what" >actual &&
	echo "a b=c" >expect &&
	test_cmp expect actual
'

test_expect_success 'no label: no label line, no label field' '
	run_traced none.zst "$PROGS/exit_status" exit 0 &&
	analyze none.zst >sum &&
	! grep "^label" sum &&
	analyze none.zst --json | jq -e "has(\"label\") | not"
'

test_expect_success 'a malformed label: said once, not recorded, program unchanged' '
	for bad in "nokey" "=v" "a=1,,b=2" "a=1,b"
	do
		PERFSHIM_LABEL=$bad capture_traced bad bad.zst \
			"$PROGS/exit_status" exit 3 &&
		test_cmp_str "exit status" 3 "$(cat bad.code)" &&
		grep perfshim bad.err >said &&
		test_line_count = 1 said &&
		grep "^perfshim: ignoring PERFSHIM_LABEL: expected KEY=VALUE" said &&
		analyze bad.zst --json | jq -e "has(\"label\") | not" &&
		rm -f bad.zst || return 1
	done
'

test_expect_success 'a label longer than 1023 bytes is refused, 1023 kept' '
	long=$(printf "%01021d" 0) &&
	PERFSHIM_LABEL="k=${long}x" capture_traced big big.zst \
		"$PROGS/exit_status" exit 0 &&
	grep "ignoring PERFSHIM_LABEL" big.err &&
	PERFSHIM_LABEL="k=$long" run_traced ok.zst "$PROGS/exit_status" exit 0 &&
	analyze ok.zst --json | jq -r ".label.k" >actual &&
	echo "$long" >expect &&
	test_cmp expect actual
'

test_expect_success 'a forked child and an exec keep the label' '
	PERFSHIM_LABEL="n=7" run_traced fork.%p.zst "$PROGS/fork" exec \
		"$PROGS/exit_status" exit 0 >out &&
	ls fork.* >traces &&
	test_line_count = 3 traces &&
	for t in $(cat traces)
	do
		analyze "$t" --json | jq -e ".label.n == \"7\"" || return 1
	done
'

test_expect_success 'a trace written before labels (golden) still reads' '
	analyze "$SRC_PROGS/../golden/traces/leaks_basic.zst" --json >old.json &&
	jq -e "(has(\"label\") | not) and .alloc_calls == 41037" old.json
'

test_done
