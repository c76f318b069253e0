#!/bin/sh

test_description='resource limits: the shim stays small, and a trace cut short by them changes nothing'

. "$(dirname "$0")/test-lib.sh"

# Known truth: probe_rlimit_as measure does a fixed amount of work (a
# 48 MiB block, 20000 small ones, four threads in turn, a fork) and
# prints its VmPeak in KiB. probe_fsize runs under RLIMIT_FSIZE 16 KiB
# and writes more than that in a forked child and then in itself.
# as_squeeze starts a thread when 4 KiB of address space are left for
# the shim; the thread frees 10 blocks of main's.

test_expect_success 'the shim adds at most 64 MiB to the address space (VmPeak)' '
	"$PROGS/probe_rlimit_as" measure >native.peak &&
	run_traced as.%p.zst "$PROGS/probe_rlimit_as" measure >shim.peak &&
	n=$(cat native.peak) &&
	s=$(cat shim.peak) &&
	echo "VmPeak: native $n KiB, traced $s KiB" &&
	if test $((s - n)) -gt 65536
	then
		echo >&2 "the shim added $((s - n)) KiB of address space (at most 65536)" &&
		false
	fi
'

test_expect_success 'past RLIMIT_FSIZE: the program ends natively, the shim says so once per process' '
	capture native "$PROGS/probe_fsize" &&
	capture_traced shim fs.%p.zst "$PROGS/probe_fsize" &&
	test_same_result native shim &&
	grep "^perfshim: cannot write trace .*File too large; tracing stopped" shim.err >said &&
	test_line_count = 2 said
'

# Known truth: tests/programs/fd_tight.c. Under soft = hard = 6 the shim
# keeps none of the program's numbers: the trace is open only while a
# write lasts, /proc/self/statm and libunwind's pipe only while used. So
# the program opens as many files as natively, and the trace is whole.
# With every number held to the end (keep), the last frames are written
# from a copy of the process with a descriptor table of its own. While
# they are all held, libunwind has no pipe to tell readable memory by:
# the allocations' stacks must still name main (they came out empty).
for keep in "" keep
do
	test_expect_success "soft = hard descriptor limit${keep:+, all held to the end}: every number the program's, the trace whole" '
		capture native${keep} "$PROGS/fd_tight" $keep &&
		printf "open: %s\n" 3 4 5 >expect &&
		echo "then EMFILE" >>expect &&
		test_cmp expect native${keep}.out &&
		capture_traced tight${keep} tight${keep}.%p.zst "$PROGS/fd_tight" $keep &&
		test_cmp expect tight${keep}.out &&
		test_must_be_empty tight${keep}.err &&
		test_cmp_str status 0 "$(cat tight${keep}.code)" &&
		for t in tight${keep}.*.zst.1
		do
			analyze "$t" >tight.sum &&
			ended_cleanly tight.sum &&
			test "$(summary_number tight.sum "allocation calls")" -ge 100000 &&
			analyze "$t" --hotspots --by allocs --top 1 >sites &&
			grep "^100,000 allocations" sites &&
			grep "#0  main  tests/programs/fd_tight.c:[0-9]*  \[fd_tight\]" sites ||
				return 1
		done
	'
done

# fd_tight keep exits, and its child too, with every number held: the
# scans read the memory map from a copy of the process (they had none:
# every block unclassified, the gate failed), and the child's trace is
# made by such a copy (the child ran untraced).
test_expect_success 'every descriptor held at exit, and in a forked child: blocks judged, child traced' '
	for t in tightkeep.*.zst.1
	do
		leaks_json "$t" kp.json &&
		check_kind_src kp.json fd_tight.c tight-kept reachable 33 1 &&
		check_kind_src kp.json fd_tight.c tight-lost definite 44 1 &&
		test_cmp_str unclassified "0 0" "$(json_summary kp.json unclassified)" ||
			return 1
	done &&
	n=0 &&
	for t in tightkeep.*.zst
	do
		analyze "$t" >t.sum &&
		if grep -q "replaced by exec" t.sum
		then
			continue
		fi &&
		ended_cleanly t.sum &&
		grep "^command: .*fd_tight run-keep\$" t.sum &&
		leaks_json "$t" ch.json &&
		check_kind_src ch.json fd_tight.c tight-child definite 55 1 &&
		n=$((n + 1)) || return 1
	done &&
	test_cmp_str "child traces" 1 $n
'

# Known truth: tests/programs/as_tight.c runs in 4 MiB more than it and
# the shim's libraries take, of address space (ulimit -v) or of data
# (ulimit -d, which counts private writable mappings). The shim would
# map about 11 MiB at start: it says once why it steps aside, makes no
# trace, and the program runs as natively.
# tight_limit FLAG FIELD WHAT NAME - as_tight under `ulimit -FLAG` at its
# FIELD plus 4 MiB, natively and traced: the same run, and the shim's one
# line naming the WHAT limit (NAME).
tight_limit () {
	kb=$(env LD_PRELOAD="$SHIM" PERFSHIM_DISABLE=1 "$PROGS/as_tight" measure "$2") &&
	lim=$((kb + 4096)) &&
	capture native$1 sh -c "ulimit -$1 $lim && exec \"\$0\" run" "$PROGS/as_tight" &&
	echo done >expect &&
	test_cmp expect native$1.out &&
	capture tight$1 sh -c "ulimit -$1 $lim && exec env LD_PRELOAD=\"\$1\" PERFSHIM_OUTPUT=tight$1.zst \"\$0\" run" \
		"$PROGS/as_tight" "$SHIM" &&
	test_same_result native$1 tight$1 &&
	test_line_count = 1 tight$1.err &&
	grep "^perfshim: the $3 limit ($4) leaves [0-9]* KiB free, and the shim needs 16384: this process is not traced\$" tight$1.err &&
	test_path_is_missing tight$1.zst
}

for lim in "v VmSize: address-space RLIMIT_AS" "d VmData: data RLIMIT_DATA"
do
	set -- $lim
	test_expect_success "no room for the shim under the $3 limit: not traced, said once" "
		tight_limit $*
	"
done

# Known truth: tests/programs/as_fork.c lowers its address-space limit to
# 64 KiB above what it takes, then forks (a shell's `ulimit -v` and then a
# subshell, as coreutils' tests do). The parent's shim traces on; the
# child's would need room it does not have (a subshell once said "out of
# memory" twice and left a cut-short trace): it says so once and steps
# aside, and the child runs as natively. Its own fork once waited for
# good on a lock the parent's shim held when it forked (a subshell's
# subshell under grep's test suite).
test_expect_success 'a fork after the limit leaves 64 KiB: the child not traced, said once, forks' '
	capture native "$PROGS/as_fork" &&
	grep "^child done, grandchild 0\$" native.out &&
	capture fork timeout -k 5 60 env LD_PRELOAD="$SHIM" \
		PERFSHIM_OUTPUT=af.%p.zst "$PROGS/as_fork" &&
	test_same_result native fork &&
	test_line_count = 1 fork.err &&
	grep "^perfshim: the address-space limit (RLIMIT_AS) leaves [0-9]* KiB free, and the shim needs 16384: this process is not traced\$" fork.err &&
	test $(ls af.*.zst | wc -l) = 1 &&
	analyze af.*.zst >af.sum &&
	ended_cleanly af.sum &&
	test "$(summary_number af.sum "allocation calls")" -ge 100
'

test_expect_success 'no memory for a thread'"'"'s buffer: its events are lost, said, no gate passes' '
	capture native "$PROGS/as_squeeze" &&
	capture_traced shim sq.zst "$PROGS/as_squeeze" &&
	test_same_run native shim &&
	analyze_status sum sq.zst &&
	grep "^lost events: *[1-9]" sum.out &&
	grep "could not record [0-9]* events" sum.err &&
	test_expect_code 2 analyze sq.zst --fail-on-leak >gate.out 2>gate.err &&
	grep "sq.zst: lost events .*: a gate cannot pass on it" gate.err &&
	analyze sq.zst --json >sq.json &&
	jq -e ".complete == false and .lost_events >= 10" sq.json
'

test_done
