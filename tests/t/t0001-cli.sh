#!/bin/sh

test_description='perfanalyze command line: usage errors and inputs that are not traces'

. "$(dirname "$0")/test-lib.sh"

# expect_usage_error PREFIX ARGS... - perfanalyze ARGS exits 2 and says
# exactly one line on stderr; nothing on stdout.
expect_error_2 () {
	expect_p=$1
	shift
	analyze_status "$expect_p" "$@" || return 1
	if test "$(cat "$expect_p.code")" != 2
	then
		echo >&2 "perfanalyze $*: exit status $(cat "$expect_p.code"), not 2"
		cat >&2 "$expect_p.err"
		return 1
	fi
	test_line_count = 1 "$expect_p.err" &&
	test_must_be_empty "$expect_p.out"
}

# expect_2_or_cut PREFIX ARGS... - exit 2 with one line on stderr, or
# exit 0 with a "cut short" warning; never a crash or a hang.
expect_2_or_cut () {
	expect_p=$1
	shift
	analyze_status "$expect_p" "$@" || return 1
	case "$(cat "$expect_p.code")" in
	2)
		test_line_count = 1 "$expect_p.err" ;;
	0)
		grep "cut short" "$expect_p.err" ;;
	*)
		echo >&2 "perfanalyze $*: exit status $(cat "$expect_p.code"), not 0 or 2"
		cat >&2 "$expect_p.err"
		return 1 ;;
	esac
}

test_expect_success 'no arguments: exit 2, one line pointing at --help' '
	expect_error_2 r &&
	grep "^perfanalyze: no trace file given (see perfanalyze --help)\$" r.err
'

test_expect_success 'usage errors of every command: exit 2, one line naming the bad thing' '
	expect_error_2 r diff &&
	grep "^perfanalyze: diff needs BASE and NEW (see perfanalyze diff --help)\$" r.err &&
	expect_error_2 r diff a.zst &&
	expect_error_2 r diff a.zst b.zst c.zst &&
	grep "extra argument .c.zst. (see perfanalyze diff --help)\$" r.err &&
	expect_error_2 r diff a.zst b.zst --no-such &&
	grep "^perfanalyze: unknown option .--no-such. (see perfanalyze diff --help)\$" r.err &&
	expect_error_2 r trend &&
	grep "^perfanalyze: trend: no directory of builds given (see perfanalyze trend --help)\$" r.err &&
	expect_error_2 r trend d --no-such &&
	grep "(see perfanalyze trend --help)\$" r.err &&
	expect_error_2 r t.zst -qj &&
	grep "^perfanalyze: unknown option .-q. " r.err &&
	expect_error_2 r t.zst --json=1 &&
	grep "^perfanalyze: this option takes no value: .--json=1. " r.err &&
	expect_error_2 r t.zst --fail &&
	grep "^perfanalyze: ambiguous option .--fail.: the start of several " r.err &&
	expect_error_2 r diff a.zst b.zst --top &&
	grep "^perfanalyze: this option needs a value: .--top. (see perfanalyze diff --help)\$" r.err
'

test_expect_success 'every --help: the usage on stdout, exit 0' '
	for cmd in "" diff trend
	do
		"$ANALYZE" $cmd --help >out 2>err &&
		test_must_be_empty err &&
		grep "^usage: perfanalyze $cmd" out || return 1
	done
'

test_expect_success 'unknown option: exit 2' '
	test_expect_code 2 "$ANALYZE" --no-such-option >out 2>err &&
	test_file_not_empty err &&
	test_must_be_empty out
'

test_expect_success 'missing file: exit 2, one line naming the file' '
	expect_error_2 r no-such-trace.zst &&
	grep "no-such-trace.zst" r.err
'

test_expect_success 'missing file with --leaks --json: exit 2, no JSON on stdout' '
	expect_error_2 r no-such-trace.zst --leaks --json
'

test_expect_success 'empty file: exit 2, one line' '
	: >empty.zst &&
	expect_error_2 r empty.zst &&
	expect_error_2 r2 empty.zst --leaks
'

test_expect_success 'a directory: exit 2, one line' '
	mkdir adir &&
	expect_error_2 r adir
'

test_expect_success 'a text file: exit 2, one line' '
	printf "hello, I am not a trace\nsecond line\n" >text.txt &&
	expect_error_2 r text.txt &&
	expect_error_2 r2 text.txt --leaks --json
'

test_expect_success 'an executable (/bin/ls): exit 2, one line' '
	expect_error_2 r /bin/ls
'

test_lazy_prereq ZSTD 'command -v zstd'

test_expect_success ZSTD 'a zstd file that is not a trace: exit 2, one line' '
	printf "some text\n" | zstd -q -c >text.zst &&
	expect_error_2 r text.zst
'

test_expect_success 'the magic alone (a truncated header): exit 2' '
	printf PERFSHIM >magic-only &&
	expect_error_2 r magic-only
'

test_expect_success 'the fixed prefix without its body: exit 2' '
	{ printf PERFSHIM && printf "\001\000\000\000" && u32le 40; } >prefix-only &&
	expect_error_2 r prefix-only
'

test_expect_success 'a header body length beyond the limit: exit 2' '
	{ printf PERFSHIM && printf "\001\000\000\000" && u32le 4294967295 &&
	  printf "\001\002\003"; } >huge-body &&
	expect_error_2 r huge-body
'

test_expect_success 'an unknown major version: exit 2' '
	{ printf PERFSHIM && printf "\377\000\000\000" && u32le 3 &&
	  printf "\001\002\003"; } >future-major &&
	expect_error_2 r future-major
'

# A header made by hand after include/perfshim_trace.h: pid 4660, ppid 1,
# start time 0, clock id 1, resolution 1, page size 4096, pointer size 8,
# depth 64, executable "/x", command line "x".
write_header () {
	body="\264\044\001\000\001\001\200\040\010\100\002/x\001x"
	blen=$(printf "$body" | wc -c) &&
	{ printf PERFSHIM && printf "\001\000\000\000" && u32le $blen &&
	  printf "$body"; }
}

test_expect_success 'a hand-made header with no frames: no crash' '
	write_header >header-only &&
	expect_2_or_cut r header-only
'

test_expect_success 'a valid header followed by garbage: exit 2 or cut short, no crash' '
	{ write_header && printf "this is not a zstd frame at all\n" &&
	  head -c 4096 /bin/ls; } >header-garbage &&
	expect_2_or_cut r header-garbage &&
	expect_2_or_cut r2 header-garbage --leaks --json
'

test_expect_success ZSTD 'a valid header followed by a zstd frame of garbage: no crash' '
	{ write_header && head -c 3000 /bin/ls | zstd -q -c --check; } >header-zgarbage &&
	expect_2_or_cut r header-zgarbage &&
	expect_2_or_cut r2 header-zgarbage --leaks
'

test_expect_success 'setup: a real trace' '
	run_traced real.zst "$PROGS/gate" &&
	test_file_not_empty real.zst &&
	analyze real.zst >summary &&
	test_file_not_empty summary
'

# A trace whose last write never ended (RLIMIT_FSIZE, a full disk, a
# kill): read to its last whole frame, with a warning that says so, or
# that none is whole; and no gate passes on it.
test_expect_success 'a trace cut inside a frame: read to the frame before, said' '
	hlen=$(trace_header_len real.zst) &&
	head -c $((hlen + 20)) real.zst >cut-first.zst &&
	analyze_status c0 cut-first.zst &&
	test_cmp_str "status" 0 "$(cat c0.code)" &&
	grep "^perfanalyze: warning: cut-first.zst: trace cut short (the program was killed or crashed, or the file could not be written on): not one frame of it is complete, it holds no event$" c0.err &&
	{ cat real.zst && tail -c +$((hlen + 1)) real.zst | head -c 20; } >cut-later.zst &&
	analyze_status c1 cut-later.zst &&
	test_cmp_str "status" 0 "$(cat c1.code)" &&
	grep "^perfanalyze: warning: cut-later.zst: trace cut short (.*): read to the end of frame [1-9][0-9]*, its last complete one$" c1.err &&
	analyze_status c2 cut-later.zst --leaks --fail-on-leak &&
	test "$(cat c2.code)" != 0
'

test_expect_success 'the header of a real trace followed by garbage: no crash' '
	hlen=$(trace_header_len real.zst) &&
	{ head -c $hlen real.zst && head -c 5000 /bin/ls; } >real-garbage &&
	expect_2_or_cut r real-garbage &&
	expect_2_or_cut r2 real-garbage --leaks --json
'

test_expect_success 'a real trace with a major version from the future: exit 2' '
	cp real.zst future.zst &&
	poke future.zst 8 99 &&
	expect_error_2 r future.zst
'

test_expect_success 'a real trace with a newer minor version and extra header fields still reads' '
	hlen=$(trace_header_len real.zst) &&
	blen=$((hlen - 16)) &&
	{ head -c 10 real.zst && printf "\007\000" && u32le $((blen + 3)) &&
	  tail -c +17 real.zst | head -c $blen && printf "\005\001a" &&
	  tail -c +$((hlen + 1)) real.zst; } >newer-minor.zst &&
	leaks_json real.zst want.json &&
	leaks_json newer-minor.zst got.json &&
	test_cmp want.json got.json
'

test_expect_success 'unknown option after a valid trace: exit 2, no report' '
	test_expect_code 2 "$ANALYZE" real.zst --leaks --bogus >out 2>err &&
	test_file_not_empty err &&
	test_must_be_empty out
'

test_expect_success 'options before the trace name work as after it' '
	"$ANALYZE" real.zst --leaks --json >after.json &&
	"$ANALYZE" --leaks --json real.zst >before.json &&
	"$ANALYZE" --json real.zst --leaks >between.json &&
	test_cmp after.json before.json &&
	test_cmp after.json between.json
'

test_expect_success 'bad --min-bytes values: exit 2' '
	test_expect_code 2 "$ANALYZE" real.zst --leaks --min-bytes abc 2>err &&
	test_file_not_empty err &&
	test_expect_code 2 "$ANALYZE" real.zst --leaks --min-bytes -5 2>err &&
	test_file_not_empty err &&
	test_expect_code 2 "$ANALYZE" real.zst --leaks --min-bytes 2>err &&
	test_file_not_empty err
'

test_expect_success '--suppressions without a file name: exit 2' '
	test_expect_code 2 "$ANALYZE" real.zst --leaks --suppressions 2>err &&
	test_file_not_empty err
'

test_expect_success 'two trace names: exit 2' '
	test_expect_code 2 "$ANALYZE" real.zst real.zst 2>err &&
	test_file_not_empty err
'

test_done
