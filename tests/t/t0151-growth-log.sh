#!/bin/sh

test_description='growth: one reading with what the series keep, two past PERFSHIM_GROWTH_LOG_MB; the same report'

. "$(dirname "$0")/test-lib.sh"

# The series come from what the first pass keeps (markers, the sites'
# changes in blocks: analyzer/verdict/series.h) when it stays under
# PERFSHIM_GROWTH_LOG_MB, else from a second reading of the trace. Either
# way every report is the same.
PROG=$PROGS/growth

test_lazy_prereq STRACE 'strace -o /dev/null true'

# readings LOG TRACE - how many times the analyzer opened TRACE.
readings () {
	grep -c "open.*\"$2\"" "$1"
}

# same_all TRACE ARGS... - the report for ARGS is the same with the log,
# without it (0) and with a log too small for the trace (1 MiB when the
# log passes it), exit status included.
same_all () {
	sa_t_=$1
	shift
	analyze_status a "$sa_t_" "$@" &&
	PERFSHIM_GROWTH_LOG_MB=0 analyze_status b "$sa_t_" "$@" &&
	PERFSHIM_GROWTH_LOG_MB=1 analyze_status c "$sa_t_" "$@" &&
	test_cmp a.out b.out && test_cmp a.out c.out &&
	test_cmp a.err b.err && test_cmp a.err c.err &&
	test_cmp a.code b.code && test_cmp a.code c.code
}

test_expect_success 'setup: markers, windows, threads, mmap, and a long churn' '
	run_traced leak.zst "$PROG" leak 100 1000 &&
	run_traced nomark.zst "$PROG" bursty 300 1000 nomark &&
	run_traced threads.zst "$PROG" threads 100 1000 &&
	run_traced mmap.zst "$PROG" mmap 100 1000 &&
	run_traced long.zst "$PROG" churn 1500 100 nomark &&
	run_traced many.zst "$PROG" churn 40000 0
'

for t in leak nomark threads mmap long many
do
	test_expect_success "$t: the verdict, the timeline and the page are the same all three ways" "
		same_all $t.zst --growth &&
		same_all $t.zst --growth --json &&
		same_all $t.zst --growth --timeline --json &&
		same_all $t.zst --growth --json --windows 7 --warmup 3 &&
		same_all $t.zst --html -o /dev/stdout
	"
done

test_expect_success 'the reports are not empty: points and a verdict' '
	analyze leak.zst --growth --json >l.json &&
	jq -e ".verdict == \"GROWING\" and .points > 50" l.json &&
	analyze long.zst --growth --json >g.json &&
	jq -e ".verdict == \"STABLE\" and .unit == \"bytes per second\"" g.json
'

test_expect_success STRACE 'the trace is read once with the log, twice without it or past its limit' '
	strace -f -e trace=open,openat -o s1 "$ANALYZE" long.zst --growth >/dev/null &&
	test_cmp_str "read with the log" 1 "$(readings s1 long.zst)" &&
	PERFSHIM_GROWTH_LOG_MB=0 strace -f -e trace=open,openat -o s2 \
		"$ANALYZE" long.zst --growth >/dev/null &&
	test_cmp_str "read without the log" 2 "$(readings s2 long.zst)" &&
	PERFSHIM_GROWTH_LOG_MB=1 strace -f -e trace=open,openat -o s3 \
		"$ANALYZE" many.zst --growth >/dev/null &&
	test_cmp_str "40,000 markers past the limit" 2 "$(readings s3 many.zst)" &&
	PERFSHIM_GROWTH_LOG_MB=1 strace -f -e trace=open,openat -o s5 \
		"$ANALYZE" long.zst --growth >/dev/null &&
	test_cmp_str "150,000 events in 1 MiB" 1 "$(readings s5 long.zst)" &&
	PERFSHIM_GROWTH_LOG_MB=1 strace -f -e trace=open,openat -o s4 \
		"$ANALYZE" leak.zst --growth >/dev/null &&
	test_cmp_str "a small log under the limit" 1 "$(readings s4 leak.zst)"
'

test_expect_success 'a bad PERFSHIM_GROWTH_LOG_MB: one warning, the default, the same report' '
	analyze leak.zst --growth >want &&
	PERFSHIM_GROWTH_LOG_MB=lots analyze leak.zst --growth >got 2>err &&
	test_cmp want got &&
	test_cmp_str "warnings" 1 "$(grep -c "PERFSHIM_GROWTH_LOG_MB: lots is not a size in MiB; 256 is used" err)" &&
	test_cmp_str "lines on stderr" 1 "$(wc -l <err)"
'

test_done
