#!/bin/sh

test_description='programs killed by signals; truncated and corrupted traces'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/abnormal.c (see its header comment).
SRC=abnormal.c

# The shim flushes periodically (a fraction of a second): the program
# sleeps 500 ms between its first leak and SIGKILL.
test_expect_success 'SIGKILL: same exit status (137) as native' '
	test_expect_code 137 "$PROGS/abnormal" kill 500 &&
	test_expect_code 137 run_traced killed.zst "$PROGS/abnormal" kill 500 &&
	test_file_not_empty killed.zst
'

# 300000 pairs fill a frame of a few MiB, which the writer compresses a
# piece a pass (shim/writer.c); the 500 ms asleep must see it all out.
test_expect_success 'SIGKILL after a burst: every event of the burst is in the trace' '
	test_expect_code 137 run_traced burst.zst "$PROGS/abnormal" kill 500 300000 &&
	analyze_status b burst.zst --json &&
	grep "cut short" b.err &&
	test_cmp_str "allocations read" 300001 "$(jq -r .alloc_calls b.out)" &&
	test_cmp_str "frees read" 300000 "$(jq -r .free_calls b.out)"
'

test_expect_success 'SIGKILL: the analyzer warns "cut short" and exits 0' '
	analyze_status r killed.zst &&
	test_cmp_str "perfanalyze status" 0 "$(cat r.code)" &&
	grep "cut short" r.err &&
	test_file_not_empty r.out &&
	! ended_cleanly r.out
'

test_expect_success 'SIGKILL: the leak made before the flush is reported' '
	analyze_status lj killed.zst --leaks --json &&
	test_cmp_str "perfanalyze --leaks --json status" 0 "$(cat lj.code)" &&
	grep "cut short" lj.err &&
	check_leak lj.out $SRC before_kill 1234 1 1
'

test_expect_success 'SIGKILL: the text leak report works too' '
	analyze_status lt killed.zst --leaks &&
	test_cmp_str "perfanalyze --leaks status" 0 "$(cat lt.code)" &&
	grep "$SRC:$(leak_line $SRC before_kill)" lt.out
'

test_expect_success 'SIGKILL: --fail-on-leak still gates on the leaks read' '
	test_expect_code 1 analyze killed.zst --leaks --fail-on-leak >out 2>err
'

test_expect_success 'a trace still being written reads as cut short, with what was flushed' '
	start_traced_bg live.out live.zst "$PROGS/signals" wait &&
	wait_for_line live.out ready &&
	sleep 0.5 &&
	analyze_status live live.zst --leaks --json &&
	kill -TERM $(cat live.out.pid) &&
	test_cmp_str "perfanalyze status" 0 "$(cat live.code)" &&
	grep "cut short" live.err &&
	check_leak live.out signals.c wait 2000 1 1
'

test_expect_success 'abort(): same status (134) and stderr as native' '
	capture abort.native "$PROGS/abnormal" abort &&
	capture_traced abort.shim aborted.zst "$PROGS/abnormal" abort &&
	test_same_run abort.native abort.shim &&
	test_cmp_str status 134 "$(cat abort.shim.code)"
'

test_expect_success 'abort(): the leak is reported, the trace did not end cleanly' '
	analyze_status s aborted.zst &&
	test_cmp_str "perfanalyze status" 0 "$(cat s.code)" &&
	! ended_cleanly s.out &&
	ended_line s.out | grep -i "signal 6\|SIGABRT\|abort" &&
	leaks_json aborted.zst aborted.json &&
	check_leak aborted.json $SRC before_abort 2345 1 1
'

test_expect_success 'segfault: same status (139) and stderr as native' '
	capture segv.native "$PROGS/abnormal" segv &&
	capture_traced segv.shim segv.zst "$PROGS/abnormal" segv &&
	test_same_run segv.native segv.shim &&
	test_cmp_str status 139 "$(cat segv.shim.code)"
'

test_expect_success 'segfault: the leak is reported, the trace did not end cleanly' '
	analyze_status s segv.zst &&
	test_cmp_str "perfanalyze status" 0 "$(cat s.code)" &&
	! ended_cleanly s.out &&
	ended_line s.out | grep -i "signal 11\|SIGSEGV\|segmentation" &&
	leaks_json segv.zst segv.json &&
	check_leak segv.json $SRC before_segv 3456 1 1
'

test_expect_success 'setup: a bigger trace to cut and damage' '
	run_traced big.zst "$PROGS/threads" &&
	size=$(wc -c <big.zst) &&
	test $size -gt 2000 &&
	echo $size >big.size &&
	trace_header_len big.zst >big.hlen &&
	analyze big.zst >big.summary 2>big.warn &&
	! grep "cut short" big.warn &&
	ended_cleanly big.summary
'

# cut_at N - the analysis of big.zst cut to N bytes: 2 with one line, or
# 0 with a "cut short" warning (and then the JSON report parses).
cut_at () {
	cut_n=$1
	head -c $cut_n big.zst >cut.zst &&
	for mode in summary leaks json
	do
		case $mode in
		summary) set -- ;;
		leaks) set -- --leaks ;;
		json) set -- --leaks --json ;;
		esac &&
		analyze_status c cut.zst "$@" || return 1
		case "$(cat c.code)" in
		0)
			if ! grep "cut short" c.err
			then
				echo >&2 "cut at $cut_n bytes ($mode): exit 0 without a cut short warning"
				return 1
			fi
			if test $mode = json && ! jq -e .summary c.out >/dev/null
			then
				echo >&2 "cut at $cut_n bytes: the JSON does not parse"
				return 1
			fi ;;
		2)
			if ! test_line_count = 1 c.err
			then
				echo >&2 "cut at $cut_n bytes ($mode): exit 2 with more than one line"
				return 1
			fi ;;
		*)
			echo >&2 "cut at $cut_n bytes ($mode): exit status $(cat c.code)"
			cat >&2 c.err
			return 1 ;;
		esac
	done
}

test_expect_success 'truncated inside the header: exit 2 with one line' '
	hlen=$(cat big.hlen) &&
	for n in 0 1 7 8 11 12 15 16 17 $((hlen - 1))
	do
		head -c $n big.zst >cut.zst &&
		analyze_status c cut.zst &&
		test_cmp_str "status, cut at $n" 2 "$(cat c.code)" &&
		test_line_count = 1 c.err || return 1
	done
'

test_expect_success 'truncated after the header: exit 0 with a warning, or 2; never a crash' '
	size=$(cat big.size) &&
	hlen=$(cat big.hlen) &&
	for n in $hlen $((hlen + 1)) $((hlen + 4)) $((hlen + 13)) \
		$((size / 4)) $((size / 3)) $((size / 2)) $((size * 2 / 3)) \
		$((size - 100)) $((size - 13)) $((size - 4)) $((size - 1))
	do
		cut_at $n || return 1
	done
'

test_expect_success 'truncated at the last byte: still reads, with a warning, no more than was there' '
	size=$(cat big.size) &&
	head -c $((size - 1)) big.zst >last.zst &&
	analyze_status c last.zst --leaks --json &&
	test_cmp_str status 0 "$(cat c.code)" &&
	grep "cut short" c.err &&
	line=$(leak_line threads.c thread) &&
	set -- $(json_site c.out threads.c $line) &&
	test $1 = $(($2 * 32)) &&
	test $2 -le 200
'

# flip_at N - big.zst with the byte at N inverted: exit 0 or 2, never a
# crash or a hang.
flip_at () {
	cp big.zst flip.zst &&
	old=$(od -An -tu1 -j$1 -N1 big.zst | tr -d " ") &&
	poke flip.zst $1 $((255 - old)) &&
	for args in "" "--leaks" "--leaks --json"
	do
		analyze_status f flip.zst $args || return 1
		case "$(cat f.code)" in
		0 | 2) ;;
		*)
			echo >&2 "byte $1 flipped ($args): exit status $(cat f.code)"
			cat >&2 f.err
			return 1 ;;
		esac
		if test "$(cat f.code)" = 2 && ! test_line_count = 1 f.err
		then
			echo >&2 "byte $1 flipped ($args): exit 2 with more than one line"
			return 1
		fi
	done
}

test_expect_success 'bytes flipped after the header: exit 0 or 2, never a crash' '
	size=$(cat big.size) &&
	hlen=$(cat big.hlen) &&
	for n in $hlen $((hlen + 1)) $((hlen + 5)) $((hlen + 20)) \
		$((size / 5)) $((size / 3)) $((size / 2)) $((size / 2 + 1)) \
		$((size * 3 / 4)) $((size - 20)) $((size - 2)) $((size - 1))
	do
		flip_at $n || return 1
	done
'

test_expect_success 'bytes flipped in the header body: exit 0 or 2, never a crash' '
	hlen=$(cat big.hlen) &&
	for n in 8 9 12 13 16 17 18 20 24 30 $((hlen - 2)) $((hlen - 1))
	do
		flip_at $n || return 1
	done
'

test_expect_success 'a damaged magic: exit 2' '
	cp big.zst magic.zst &&
	poke magic.zst 0 120 &&
	analyze_status m magic.zst &&
	test_cmp_str status 2 "$(cat m.code)" &&
	test_line_count = 1 m.err
'

test_expect_success 'a run of zero bytes in the middle: exit 0 or 2, never a crash' '
	size=$(cat big.size) &&
	half=$((size / 2)) &&
	{ head -c $half big.zst && head -c 512 /dev/zero &&
	  tail -c +$((half + 513)) big.zst; } >zeros.zst &&
	analyze_status z zeros.zst --leaks --json &&
	case "$(cat z.code)" in 0 | 2) ;; *) false ;; esac
'

test_expect_success 'the trace appended to itself: exit 0 or 2, never a crash' '
	cat big.zst big.zst >double.zst &&
	analyze_status d double.zst --leaks &&
	case "$(cat d.code)" in 0 | 2) ;; *) false ;; esac
'

test_lazy_prereq ZSTD 'command -v zstd'

# The records inside the frames: the zstd layer intact (fresh checksums),
# the records damaged. tests/programs/leaks_basic makes a trace with every
# kind of record. At level 1 no frame takes the one before it as its
# prefix (format 9), so the zstd tool decodes every frame: a slow run
# (test-modes' libunwind and monotonic clock) writes more than one.

test_expect_success ZSTD 'setup: the records of a trace, decompressed' '
	PERFSHIM_ZSTD_LEVEL=1 run_traced basic.zst "$PROGS/leaks_basic" &&
	hlen=$(trace_header_len basic.zst) &&
	head -c $hlen basic.zst >basic.header &&
	tail -c +$((hlen + 1)) basic.zst | zstd -q -d -c >basic.records &&
	test_file_not_empty basic.records &&
	wc -c <basic.records >basic.rsize
'

# records_case NAME - basic.header + NAME.records recompressed as one frame
# with a checksum; perfanalyze exits 0 or 2 on it, and its JSON parses when
# 0. An exit 2 with more than one line on stderr is noted in
# records-multiline (checked by a test of its own).
records_case () {
	{ cat basic.header && zstd -q -c --check <"$1.records"; } >"$1.zst" &&
	for args in "" "--leaks --json"
	do
		analyze_status rc "$1.zst" $args || return 1
		case "$(cat rc.code)" in
		0)
			if test -n "$args" && ! jq -e .summary rc.out >/dev/null
			then
				echo >&2 "$1 ($args): exit 0 but the JSON does not parse"
				return 1
			fi ;;
		2)
			if ! test_line_count = 1 rc.err 2>/dev/null
			then
				{
					echo "== $1 ($args): exit 2 with $(wc -l <rc.err) lines on stderr:" &&
					cat rc.err
				} >>records-multiline
			fi ;;
		*)
			echo >&2 "$1 ($args): exit status $(cat rc.code)"
			head -n 20 rc.err >&2
			return 1 ;;
		esac
	done
}

test_expect_success ZSTD 'records cut short inside a valid frame: exit 0 or 2, never a crash' '
	: >records-multiline &&
	size=$(cat basic.rsize) &&
	for n in 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 \
		$((size / 7)) $((size / 3)) $((size / 2)) $((size - 3)) $((size - 1))
	do
		head -c $n basic.records >cut$n.records &&
		records_case cut$n || return 1
	done
'

test_expect_success ZSTD 'records with a byte flipped, in a valid frame: exit 0 or 2, never a crash' '
	size=$(cat basic.rsize) &&
	for n in 0 1 2 3 4 5 6 7 8 9 10 11 12 16 20 24 32 48 64 96 128 200 300 \
		400 500 700 1000 1500 2000 3000 5000 8000 \
		$((size / 9)) $((size / 5)) $((size / 4)) $((size / 3)) \
		$((size / 2)) $((size * 2 / 3)) $((size - 20)) $((size - 2))
	do
		cp basic.records flip$n.records &&
		old=$(od -An -tu1 -j$n -N1 basic.records | tr -d " ") &&
		poke flip$n.records $n $((255 - old)) &&
		records_case flip$n || return 1
	done
'

test_expect_success ZSTD 'records with runs of 0xff (huge varints) in a valid frame: never a crash' '
	size=$(cat basic.rsize) &&
	for n in 1 3 9 40 300 $((size / 2))
	do
		{ head -c $n basic.records &&
		  printf "\377\377\377\377\377\377\377\377\377\377\177" &&
		  tail -c +$((n + 12)) basic.records; } >ff$n.records &&
		records_case ff$n || return 1
	done
'

test_expect_success ZSTD 'every exit 2 on those damaged records came with one line on stderr' '
	if test -s records-multiline
	then
		head -n 60 records-multiline >&2 &&
		false
	fi
'

test_done
