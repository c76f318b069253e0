#!/bin/sh

test_description='perfanalyze starts itself again once for a heap on huge pages'

. "$(dirname "$0")/test-lib.sh"

# The plain build: the AddressSanitizer one keeps its own heap and never
# starts again (analyzer/hugepages.h).
PLAIN=$PERFSHIM_BUILD/perfanalyze

test_lazy_prereq STRACE 'strace -o /dev/null true'
test_lazy_prereq THP_MADVISE 'grep -q "\[madvise\]" /sys/kernel/mm/transparent_hugepage/enabled'

# starts LOG - how many times the program was started (execve calls).
starts () {
	grep -c "^[0-9]* *execve(" "$1"
}

test_expect_success 'setup: a trace' '
	run_traced t.zst "$PROGS/leaks_basic" &&
	"$PLAIN" t.zst --leaks >want
'

test_expect_success STRACE,THP_MADVISE 'madvise: started again once, with the tunable, same report' '
	strace -f -v -s 256 -e trace=execve -o log "$PLAIN" t.zst --leaks >got &&
	test_cmp want got &&
	test_cmp_str starts 2 "$(starts log)" &&
	grep "execve(\"/proc/self/exe\".*\"GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432\"" log
'

test_expect_success STRACE,THP_MADVISE 'the user'"'"'s own tunables are kept, ours added' '
	GLIBC_TUNABLES=glibc.malloc.arena_max=2 \
		strace -f -v -s 256 -e trace=execve -o log "$PLAIN" t.zst --leaks >got &&
	test_cmp want got &&
	grep "GLIBC_TUNABLES=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.mmap_threshold=33554432\"" log
'

test_expect_success STRACE 'not again when told not to, or when the tunable is set' '
	PERFANALYZE_HUGEPAGES=0 strace -f -e trace=execve -o log1 "$PLAIN" t.zst --leaks >got1 &&
	GLIBC_TUNABLES=glibc.malloc.hugetlb=0 strace -f -e trace=execve -o log2 "$PLAIN" t.zst --leaks >got2 &&
	test_cmp want got1 &&
	test_cmp want got2 &&
	test_cmp_str "told not to" 1 "$(starts log1)" &&
	test_cmp_str "tunable set" 1 "$(starts log2)"
'

# grown LOG - the largest step by which a brk() call of LOG moved the
# break, in bytes (the values brk returned, in order, per process).
grown () {
	sed -n "s/^\([0-9]*\) *brk(.*= \(0x[0-9a-f]*\)$/\1 \2/p" "$1" | {
		max=0
		while read pid at; do
			eval "last=\${last_$pid:-}"
			if test -n "$last" && test $((at - last)) -gt "$max"; then
				max=$((at - last))
			fi
			eval "last_$pid=$at"
		done
		echo "$max"
	}
}

test_expect_success STRACE,THP_MADVISE 'started again: the heap grows 64 MiB at a time' '
	strace -f -e trace=brk -o blog "$PLAIN" t.zst --leaks >got &&
	test_cmp want got &&
	step=$(grown blog) &&
	{ test "$step" -ge 67108864 ||
	  { echo "largest brk step: $step" >&2; false; }; }
'

test_expect_success STRACE 'not started again: glibc'"'"'s own small steps' '
	PERFANALYZE_HUGEPAGES=0 strace -f -e trace=brk -o blog0 "$PLAIN" t.zst --leaks >got &&
	test_cmp want got &&
	step=$(grown blog0) &&
	test "$step" -gt 0 && test "$step" -lt 67108864
'

test_done
