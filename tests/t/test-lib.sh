#!/bin/sh
# test-lib.sh - the harness of perfshim's integration tests (tests/t/*.sh).
#
# Modelled on git's t/test-lib.sh. A test script is
#
#	#!/bin/sh
#	test_description='what this script covers'
#	. "$(dirname "$0")/test-lib.sh"
#
#	test_expect_success 'title' '
#		some command &&
#		another command
#	'
#
#	test_done
#
# and prints TAP, so that it can run alone (cd tests/t && ./t0010-x.sh, or
# sh tests/t/t0010-x.sh from anywhere) or under `prove tests/t/*.sh`.
#
# Each script works in its own scratch directory,
# $PERFSHIM_BUILD/tests/trash.<script name>, made afresh at start and
# removed when every test passed (kept on failure, or with --debug).
#
# Options: -v/--verbose (show every test's commands and output),
# -i/--immediate (stop at the first failure), -d/--debug (keep the trash
# directory even when all passed).
#
# The commands of a test are eval'd in a subshell, in the trash directory,
# with stdin from /dev/null; the test passes when they exit 0. As in git,
# they are chained with && and the harness checks the chain first (an
# "&&-chain lint"): a broken chain is reported as a bug in the test. Inside
# a loop use "|| return 1" to fail the test.

# Run by itself (e.g. by `prove tests/t/*.sh`), this file is no test.
case "$0" in
*/test-lib.sh | test-lib.sh)
	echo "1..0 # SKIP test-lib.sh is the harness the t*.sh scripts source"
	exit 0 ;;
esac

# --- where we are ---------------------------------------------------------

case "$0" in
*/*) TEST_DIRECTORY=$(cd "${0%/*}" && pwd) ;;
*) TEST_DIRECTORY=$(pwd) ;;
esac
TEST_NAME=${0##*/}
TEST_NAME=${TEST_NAME%.sh}
PERFSHIM_ROOT=$(cd "$TEST_DIRECTORY/../.." && pwd)

: "${PERFSHIM_BUILD:=$PERFSHIM_ROOT/build}"
case "$PERFSHIM_BUILD" in
/*) ;;
*) PERFSHIM_BUILD=$(cd "$PERFSHIM_BUILD" 2>/dev/null && pwd) ||
	PERFSHIM_BUILD=$(pwd)/$PERFSHIM_BUILD ;;
esac

SHIM=$PERFSHIM_BUILD/libperfshim.so
# PERFSHIM_ANALYZE picks another build of the analyzer (make test uses the
# AddressSanitizer one).
ANALYZE=${PERFSHIM_ANALYZE:-$PERFSHIM_BUILD/perfanalyze}
PROGS=$PERFSHIM_BUILD/tests/programs
SRC_PROGS=$PERFSHIM_ROOT/tests/programs
TRASH_DIRECTORY=$PERFSHIM_BUILD/tests/trash.$TEST_NAME
export PERFSHIM_BUILD SHIM ANALYZE PROGS SRC_PROGS TRASH_DIRECTORY PERFSHIM_ROOT

# --- a clean, predictable environment ---------------------------------------

# Every PERFSHIM_* setting (the documented ones and any tuning knob) but
# where the build is and the harness's own (PERFSHIM_TEST_*: the mode of a
# pass, the exports' tools required, where failures are collected).
for var in $(env | sed -n 's/^\(PERFSHIM_[A-Za-z0-9_]*\)=.*/\1/p')
do
	case "$var" in
	PERFSHIM_BUILD | PERFSHIM_ANALYZE | PERFSHIM_TEST_*) ;;
	*) unset "$var" ;;
	esac
done
# ... except the mode a whole pass runs in (make test's second pass:
# PERFSHIM_TEST_ENV="PERFSHIM_UNWIND=dwarf PERFSHIM_CLOCK=monotonic"); a test
# that sets one of these itself still wins.
for kv in ${PERFSHIM_TEST_ENV-}
do
	case "$kv" in
	PERFSHIM_*=*) export "$kv" ;;
	*) echo "test-lib: PERFSHIM_TEST_ENV: not a PERFSHIM_ setting: $kv" >&2
	   exit 1 ;;
	esac
done
unset LD_PRELOAD LD_LIBRARY_PATH CDPATH GREP_OPTIONS
LC_ALL=C
LANG=C
TZ=UTC
export LC_ALL LANG TZ
# No core files from the programs that crash on purpose (the soft limit
# only: a test of core dumps raises it again for its own program).
ulimit -S -c 0 2>/dev/null
# A sanitizer report from an instrumented analyzer exits 86, a status no
# test accepts (the default, 1, would pass for "--fail-on-leak found leaks").
case "${ASAN_OPTIONS-}" in
*exitcode=*) ;;
*) ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86" ;;
esac
case "${UBSAN_OPTIONS-}" in
*exitcode=*) ;;
*) UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86" ;;
esac
export ASAN_OPTIONS UBSAN_OPTIONS

LF='
'

# --- options ----------------------------------------------------------------

verbose=
immediate=
debug=
for arg
do
	case "$arg" in
	-v | --verbose) verbose=t ;;
	-i | --immediate) immediate=t ;;
	-d | --debug) debug=t ;;
	-h | --help)
		echo "usage: $0 [-v|--verbose] [-i|--immediate] [-d|--debug]"
		exit 0 ;;
	*)
		echo "Bail out! $0: unknown option '$arg'"
		exit 1 ;;
	esac
done

say () {
	printf '%s\n' "$*"
}

# Prefix every line of a file (or stdin) with "# ", as TAP diagnostics.
diag_file () {
	sed -e 's/^/# /' "$@"
}

BUG () {
	say "Bail out! BUG in $TEST_NAME: $*"
	exit 1
}

# --- the scratch directory --------------------------------------------------

rm -rf "$TRASH_DIRECTORY" || BUG "cannot remove $TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" || BUG "cannot make $TRASH_DIRECTORY"
cd "$TRASH_DIRECTORY" || BUG "cannot cd to $TRASH_DIRECTORY"
# The harness keeps its own files one level up, out of the tests' sight.
TEST_LOG=$TRASH_DIRECTORY.log
rm -f "$TEST_LOG"

HOME=$TRASH_DIRECTORY
export HOME
# One cache of plain debug files (analyzer/input/debugcache.h) for the
# whole run, so that glibc's is made once, not in every script; and no
# debuginfod server is asked for what the machine lacks.
XDG_CACHE_HOME=$PERFSHIM_BUILD/tests/cache
export XDG_CACHE_HOME
unset DEBUGINFOD_URLS

# --- prerequisites ------------------------------------------------------------

satisfied_prereq=' '
lazy_prereq_names=' '

test_set_prereq () {
	satisfied_prereq="$satisfied_prereq$1 "
}

# test_lazy_prereq NAME 'script': the prereq holds when script exits 0;
# evaluated the first time a test asks for it.
test_lazy_prereq () {
	lazy_prereq_names="$lazy_prereq_names$1 "
	eval "lazy_prereq_script_$1=\$2"
}

# test_have_prereq A,B,!C - all of them hold. Sets missing_prereq.
test_have_prereq () {
	missing_prereq=
	save_IFS=$IFS
	IFS=,
	set -- $1
	IFS=$save_IFS
	for p
	do
		negate=
		case "$p" in
		!*) negate=t; p=${p#!} ;;
		esac
		case "$lazy_prereq_names" in
		*" $p "*)
			eval "script=\$lazy_prereq_script_$p"
			if (cd "$TRASH_DIRECTORY" && eval "$script") >/dev/null 2>&1 </dev/null
			then
				test_set_prereq "$p"
			fi
			lazy_prereq_names=$(printf '%s' "$lazy_prereq_names" | sed -e "s/ $p / /")
			;;
		esac
		case "$satisfied_prereq" in
		*" $p "*) have=t ;;
		*) have= ;;
		esac
		if test -n "$negate"
		then
			if test -n "$have"; then have=; else have=t; fi
		fi
		if test -z "$have"
		then
			missing_prereq="${missing_prereq:+$missing_prereq,}${negate:+!}$p"
		fi
	done
	test -z "$missing_prereq"
}

# --- running tests ------------------------------------------------------------

test_count=0
test_success=0
test_failure=0
test_skipped=0

# The test's commands run in a function so that "return 1" works in them.
test_eval_inner_ () {
	eval "$1"
}

test_eval_ () {
	(
		cd "$TRASH_DIRECTORY" || exit 1
		test_eval_inner_ "$1"
	) </dev/null
}

# The TAP lines of a failed test: its title, commands and output. Make's
# test targets also collect them in $PERFSHIM_TEST_FAILURES, to print
# after prove's summary (which shows none of a test's output).
test_failure_report_ () {
	say "not ok $test_count - $1"
	printf '%s\n' "$2" | sed -e 's/^/#	/'
	say "# --- output (exit status $3) ---"
	diag_file "$TEST_LOG"
	say "# ---"
}

test_expect_success () {
	test_prereq=
	if test $# = 3
	then
		test_prereq=$1
		shift
	fi
	test $# = 2 || BUG "test_expect_success needs 2 or 3 arguments"
	test_count=$((test_count + 1))

	if test -n "$test_prereq" && ! test_have_prereq "$test_prereq"
	then
		test_skipped=$((test_skipped + 1))
		say "ok $test_count # skip $1 (missing $missing_prereq)"
		return 0
	fi

	# &&-chain lint: with every command chained, the leading (exit 117)
	# short-cuts the whole script.
	test_eval_ "(exit 117) && $2${LF}" >/dev/null 2>&1
	lint=$?
	if test $lint != 117
	then
		BUG "broken &&-chain or run-away HERE-DOC in test $test_count '$1' (status $lint):$LF$2"
	fi

	test_eval_ "$2" >"$TEST_LOG" 2>&1
	status=$?
	if test $status = 0
	then
		test_success=$((test_success + 1))
		say "ok $test_count - $1"
		if test -n "$verbose"
		then
			printf '%s\n' "$2" | diag_file
			diag_file "$TEST_LOG"
		fi
	else
		test_failure=$((test_failure + 1))
		test_failure_report_ "$1" "$2" "$status"
		if test -n "$PERFSHIM_TEST_FAILURES"
		then
			test_failure_report_ "$1" "$2" "$status" |
				sed -e "s|^|$TEST_NAME: |" \
				>>"$PERFSHIM_TEST_FAILURES"
		fi
		if test -n "$immediate"
		then
			say "1..$test_count"
			say "# stopping at the first failure (--immediate); trash kept in $TRASH_DIRECTORY"
			exit 1
		fi
	fi
	rm -f "$TEST_LOG"
	return 0
}

# test_skip_all REASON - the whole script does not apply here.
test_skip_all () {
	say "1..0 # SKIP $*"
	cd / && rm -rf "$TRASH_DIRECTORY"
	exit 0
}

test_done () {
	say "1..$test_count"
	if test $test_failure != 0
	then
		say "# failed $test_failure among $test_count test(s); trash kept in $TRASH_DIRECTORY"
		exit 1
	fi
	if test $test_skipped != 0
	then
		say "# passed all $test_success run test(s), skipped $test_skipped"
	else
		say "# passed all $test_count test(s)"
	fi
	if test -z "$debug"
	then
		cd / && rm -rf "$TRASH_DIRECTORY"
	fi
	exit 0
}

# --- assertions --------------------------------------------------------------

# test_cmp EXPECTED ACTUAL
test_cmp () {
	test $# = 2 || BUG "test_cmp needs 2 arguments"
	diff -u "$1" "$2"
}

# test_must_fail CMD... - CMD exits with a status in 1..125: it failed as a
# program does, not by being killed (>= 128) nor by not being found (126,
# 127).
test_must_fail () {
	"$@"
	exit_code=$?
	if test $exit_code = 0
	then
		echo >&2 "test_must_fail: command succeeded: $*"
		return 1
	elif test $exit_code -gt 128 && test $exit_code -le 192
	then
		echo >&2 "test_must_fail: died by signal $((exit_code - 128)): $*"
		return 1
	elif test $exit_code -gt 125
	then
		echo >&2 "test_must_fail: exit status $exit_code (not found, not executable or signal): $*"
		return 1
	fi
	return 0
}

# test_expect_code N CMD... - CMD exits with status exactly N.
test_expect_code () {
	want_code=$1
	shift
	"$@"
	exit_code=$?
	if test $exit_code = "$want_code"
	then
		return 0
	fi
	echo >&2 "test_expect_code: exit status $exit_code, not $want_code: $*"
	return 1
}

# test_line_count OP N FILE - e.g. test_line_count = 1 err
test_line_count () {
	test $# = 3 || BUG "test_line_count needs 3 arguments"
	if ! test "$(wc -l <"$3" | tr -d ' ')" "$1" "$2"
	then
		echo >&2 "test_line_count: wc -l $3 is not $1 $2; $3 holds:"
		cat >&2 "$3"
		return 1
	fi
}

# test_file_not_empty FILE / test_must_be_empty FILE
test_file_not_empty () {
	if ! test -s "$1"
	then
		echo >&2 "'$1' is missing or empty"
		return 1
	fi
}

test_must_be_empty () {
	if ! test -f "$1"
	then
		echo >&2 "'$1' is missing"
		return 1
	fi
	if test -s "$1"
	then
		echo >&2 "'$1' is not empty; it holds:"
		cat >&2 "$1"
		return 1
	fi
}

# test_path_is_missing PATH...
test_path_is_missing () {
	for p
	do
		if test -e "$p" || test -L "$p"
		then
			echo >&2 "'$p' exists and should not"
			return 1
		fi
	done
}

# test_cmp_str WHAT EXPECTED ACTUAL - compare two strings, saying what.
test_cmp_str () {
	if test "$2" != "$3"
	then
		echo >&2 "$1: expected '$2', got '$3'"
		return 1
	fi
}

# test_not_signal STATUS WHAT - fail when STATUS says a process was killed by
# a signal (or timed out under timeout(1): 124).
test_not_signal () {
	if test "$1" -ge 128 || test "$1" = 124
	then
		echo >&2 "$2: exit status $1 (killed by a signal or timed out)"
		return 1
	fi
}

# --- running the programs under test ------------------------------------------

# run_traced OUT CMD... - run CMD with the shim preloaded, tracing to OUT
# (a PERFSHIM_OUTPUT template: %p is the pid). The assignments are on the
# command itself, so nothing else (no env(1)) runs traced.
run_traced () {
	run_traced_out_=$1
	shift
	LD_PRELOAD=$SHIM PERFSHIM_OUTPUT=$run_traced_out_ "$@"
}

# build_id FILE - FILE's GNU build-id in hex, "" when it has none.
build_id () {
	readelf -n "$1" | sed -n "s/.*Build ID: *//p"
}

# debug_by_id FILE DIR [OBJCOPY-OPTION...] - FILE's debug information
# moved to DIR/.build-id/xx/yyyy.debug, the layout of /usr/lib/debug
# (objcopy --only-keep-debug, with the options), and FILE stripped of
# everything but its build-id. Prints that debug file's path.
debug_by_id () {
	debug_by_id_f_=$1 &&
	debug_by_id_d_=$2 &&
	shift 2 &&
	debug_by_id_id_=$(build_id "$debug_by_id_f_") &&
	test -n "$debug_by_id_id_" &&
	debug_by_id_d_=$debug_by_id_d_/.build-id/$(echo "$debug_by_id_id_" | cut -c1-2) &&
	mkdir -p "$debug_by_id_d_" &&
	debug_by_id_p_=$debug_by_id_d_/$(echo "$debug_by_id_id_" | cut -c3-).debug &&
	objcopy --only-keep-debug "$@" "$debug_by_id_f_" "$debug_by_id_p_" &&
	strip --strip-all "$debug_by_id_f_" &&
	echo "$debug_by_id_p_"
}

# capture PREFIX CMD... - run CMD, leaving its stdout, stderr and exit
# status in PREFIX.out, PREFIX.err and PREFIX.code. Always succeeds.
capture () {
	capture_p_=$1
	shift
	"$@" >"$capture_p_.out" 2>"$capture_p_.err"
	echo $? >"$capture_p_.code"
}

# capture_traced PREFIX OUT CMD... - capture CMD run under the shim.
capture_traced () {
	capture_p_=$1
	capture_o_=$2
	shift 2
	LD_PRELOAD=$SHIM PERFSHIM_OUTPUT=$capture_o_ "$@" \
		>"$capture_p_.out" 2>"$capture_p_.err"
	echo $? >"$capture_p_.code"
}

# start_traced_bg OUT TRACE CMD... - start CMD traced in the background,
# its stdout in OUT and its pid (the program's own: env execs it) in
# OUT.pid. (A test cannot use & itself: it would break the &&-chain.)
start_traced_bg () {
	bg_out_=$1
	bg_trace_=$2
	shift 2
	(
		exec env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="$bg_trace_" "$@" >"$bg_out_"
	) &
	echo $! >"$bg_out_.pid"
}

# wait_for_line FILE TEXT - wait (up to 30 s) until FILE holds TEXT.
wait_for_line () {
	wait_i_=0
	while ! grep "$2" "$1" >/dev/null 2>&1
	do
		if test $wait_i_ -ge 300
		then
			echo >&2 "no '$2' in $1 after 30 s"
			return 1
		fi
		sleep 0.1
		wait_i_=$((wait_i_ + 1))
	done
}

# test_same_result NATIVE TRACED - the two captures have the same stdout
# and exit status (stderr, where the shim may say its one line, is the
# caller's to check).
test_same_result () {
	test_cmp "$1.out" "$2.out" &&
	test_cmp "$1.code" "$2.code"
}

# test_same_run NATIVE TRACED - the two captures are byte for byte equal
# (stdout, stderr and exit status).
test_same_run () {
	test_cmp "$1.out" "$2.out" &&
	test_cmp "$1.err" "$2.err" &&
	test_cmp "$1.code" "$2.code"
}

# analyze TRACE ARGS... - run the analyzer under a time limit.
analyze () {
	timeout 60 "$ANALYZE" "$@"
}

# analyze_status PREFIX TRACE ARGS... - capture an analyzer run (PREFIX.out,
# .err, .code) and fail only when it crashed or hung.
analyze_status () {
	analyze_p_=$1
	shift
	timeout 60 "$ANALYZE" "$@" >"$analyze_p_.out" 2>"$analyze_p_.err"
	analyze_c_=$?
	echo $analyze_c_ >"$analyze_p_.code"
	test_not_signal $analyze_c_ "perfanalyze $*"
}

# is_current_format TRACE JSON - TRACE is of the format this tree writes
# (include/perfshim_trace.h), as its summary and --json say (the JSON kept
# in JSON).
is_current_format () {
	icf_h_=$TEST_DIRECTORY/../../include/perfshim_trace.h
	icf_maj_=$(sed -n "s/^#define PERFSHIM_FORMAT_MAJOR \([0-9]*\).*/\1/p" "$icf_h_")
	icf_min_=$(sed -n "s/^#define PERFSHIM_FORMAT_MINOR \([0-9]*\).*/\1/p" "$icf_h_")
	"$ANALYZE" "$1" --json >"$2" &&
	test_cmp_str format "$icf_maj_" "$(jq -r .format "$2")" &&
	"$ANALYZE" "$1" >"$2.txt" &&
	grep "^trace: .*(format $icf_maj_\.$icf_min_)" "$2.txt"
}

# lost_sized N TRACE [OPTION]... - the leaks of TRACE, of any kind, whose
# blocks are N bytes each, as "bytes blocks".
lost_sized () {
	ls_n_=$1
	ls_t_=$2
	shift 2
	"$ANALYZE" "$ls_t_" --leaks --json "$@" |
		jq -r "[.leaks[] | select(.bytes == $ls_n_ * .blocks)] |
			\"\\(map(.bytes) | add) \\(map(.blocks) | add)\""
}

# ended_cleanly SUMMARY - the analyzer's summary (its text output) says the
# trace ended cleanly: its "ended" line says "clean", and not "not clean"
# or "unclean".
ended_cleanly () {
	ended_l_=$(grep -i "^ *ended" "$1") || {
		echo >&2 "no 'ended' line in the summary $1:"
		cat >&2 "$1"
		return 1
	}
	case "$ended_l_" in
	*[Nn]ot\ clean* | *[Uu]nclean*) ;;
	*[Cc]lean*) return 0 ;;
	esac
	echo >&2 "the trace did not end cleanly: $ended_l_"
	return 1
}

# summary_number SUMMARY LABEL - the first number on the line of the
# summary that starts with LABEL (case-insensitive; thousands separators
# dropped).
summary_number () {
	grep -i "^ *$2" "$1" | head -n 1 |
	sed -e "s/\([0-9]\)[,_']\([0-9]\)/\1\2/g" \
	    -e "s/\([0-9]\)[,_']\([0-9]\)/\1\2/g" |
	sed -n -e "s/^[^0-9]*\([0-9][0-9]*\).*/\1/p"
}

# ended_line SUMMARY - the "ended" line of a summary.
ended_line () {
	grep -i "^ *ended" "$1"
}

# leaks_json TRACE JSON [ARGS...] - write the JSON leak report of TRACE to
# JSON, checking that the analyzer exited 0 and that the result parses.
# (Its stderr goes to the test's output.)
leaks_json () {
	leaks_json_t_=$1
	leaks_json_j_=$2
	shift 2
	analyze "$leaks_json_t_" --leaks --json "$@" >"$leaks_json_j_" || {
		echo >&2 "perfanalyze $leaks_json_t_ --leaks --json $* failed (status $?)"
		return 1
	}
	jq -e . "$leaks_json_j_" >/dev/null || {
		echo >&2 "$leaks_json_j_ is not JSON:"
		head -c 2000 "$leaks_json_j_" >&2
		return 1
	}
}

# src_line FILE MARK - the line of tests/programs/FILE holding "/* MARK */";
# the marker must be there exactly once.
src_line () {
	src_line_n_=$(grep -n -F "/* $2 */" "$SRC_PROGS/$1" | cut -d: -f1)
	case "$src_line_n_" in
	'' | *[!0-9]*)
		echo >&2 "marker '/* $2 */' is not in $SRC_PROGS/$1 exactly once"
		return 1 ;;
	esac
	echo "$src_line_n_"
}

# leak_line FILE TAG - the line of the /* LEAK:TAG */ marker in FILE.
leak_line () {
	src_line "$1" "LEAK:$2"
}

# The jq definitions the checks share. base: a path's last component.
# progframe(f): the first frame of a group whose file is f (a basename);
# the test program's own frame, past any libc/libstdc++ frames.
JQ_DEFS='
def base: (. // "") | split("/") | last // "";
def progframe($f): [.stack[] | select((.file | base) == $f)] | first;
'

# check_kind_src JSON SRC TAG KIND BYTES BLOCKS - the leak groups of kind
# KIND whose program frame is at SRC's LEAK:TAG line sum to BYTES in
# BLOCKS.
check_kind_src () {
	check_kind_l_=$(leak_line "$2" "$3") || return 1
	check_kind_got_=$(jq -r --arg f "$2" --argjson l "$check_kind_l_" \
		--arg k "$4" "$JQ_DEFS"'
		[.leaks[] | select(.kind == $k and (progframe($f) // {}).line == $l)]
		| "\(map(.bytes) | add // 0) \(map(.blocks) | add // 0)"' "$1") &&
	test_cmp_str "$3 ($4)" "$5 $6" "$check_kind_got_"
}

# json_site JSON SRCFILE LINE - "BYTES BLOCKS GROUPS" summed over the leak
# groups whose program frame (first frame in SRCFILE) is at LINE.
json_site () {
	jq -r --arg f "$2" --argjson l "$3" "$JQ_DEFS"'
		[.leaks[] | select((progframe($f) // {}).line == $l)]
		| "\(map(.bytes) | add // 0) \(map(.blocks) | add // 0) \(length)"
	' "$1"
}

# json_file_total JSON SRCFILE - "BYTES BLOCKS GROUPS" over every leak group
# that has a frame in SRCFILE.
json_file_total () {
	jq -r --arg f "$2" "$JQ_DEFS"'
		[.leaks[] | select(progframe($f) != null)]
		| "\(map(.bytes) | add // 0) \(map(.blocks) | add // 0) \(length)"
	' "$1"
}

# json_summary JSON KIND - "BYTES BLOCKS" of summary.KIND.
json_summary () {
	jq -r --arg k "$2" '.summary[$k] | "\(.bytes) \(.blocks)"' "$1"
}

# check_leak JSON SRCFILE TAG BYTES BLOCKS [GROUPS] - the groups whose
# program frame is at the /* LEAK:TAG */ line of SRCFILE add up to BYTES
# bytes in BLOCKS blocks (in GROUPS groups, when given).
check_leak () {
	check_leak_l_=$(leak_line "$2" "$3") || return 1
	check_leak_got_=$(json_site "$1" "$2" "$check_leak_l_") || return 1
	check_leak_want_="$4 $5"
	check_leak_cut_=${check_leak_got_% *}
	if test -n "$6"
	then
		check_leak_want_="$4 $5 $6"
		check_leak_cut_=$check_leak_got_
	fi
	if test "$check_leak_cut_" != "$check_leak_want_"
	then
		echo >&2 "leak $3 at $2:$check_leak_l_: expected '$check_leak_want_' (bytes blocks [groups]), got '$check_leak_got_'"
		echo >&2 "leak report ($1):"
		jq -c '.leaks[]' "$1" | head -n 40 >&2
		return 1
	fi
}

# check_no_leak_at JSON SRCFILE MARK... - no leak group has its program
# frame at any of the marked lines.
check_no_leak_at () {
	check_nl_j_=$1
	check_nl_f_=$2
	shift 2
	for check_nl_m_
	do
		check_nl_l_=$(src_line "$check_nl_f_" "$check_nl_m_") || return 1
		check_nl_got_=$(json_site "$check_nl_j_" "$check_nl_f_" "$check_nl_l_") || return 1
		if test "$check_nl_got_" != "0 0 0"
		then
			echo >&2 "$check_nl_f_:$check_nl_l_ ($check_nl_m_) reported as a leak: $check_nl_got_ (bytes blocks groups)"
			return 1
		fi
	done
}

# u32le N - N as four little-endian bytes.
u32le () {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' \
		$(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)))"
}

# trace_header_len TRACE - bytes taken by the uncompressed header (the
# 16-byte prefix and the body whose length it gives).
trace_header_len () {
	trace_hl_b_=$(od -An -tu4 -j12 -N4 "$1" | tr -d ' ') &&
	test -n "$trace_hl_b_" &&
	echo $((16 + trace_hl_b_))
}

# poke FILE OFFSET BYTE - overwrite one byte (BYTE in 0..255) in place.
poke () {
	printf "$(printf '\\%03o' "$3")" |
	dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# only_trace DIR - the path of the single file in DIR (the trace of a
# run that started one process).
only_trace () {
	set -- "$1"/*
	if test $# != 1 || ! test -f "$1"
	then
		echo >&2 "expected exactly one trace, found: $*"
		return 1
	fi
	echo "$1"
}

# trace_with_leak DIR SRCFILE TAG - the single trace in DIR whose leak
# report has a group at the /* LEAK:TAG */ line of SRCFILE.
trace_with_leak () {
	twl_line_=$(leak_line "$2" "$3") || return 1
	twl_hits_=
	for twl_t_ in "$1"/*
	do
		"$ANALYZE" "$twl_t_" --leaks --json >"$TRASH_DIRECTORY/.twl.json" 2>/dev/null &&
		case "$(json_site "$TRASH_DIRECTORY/.twl.json" "$2" "$twl_line_")" in
		"0 0 0") ;;
		*) twl_hits_="$twl_hits_ $twl_t_" ;;
		esac
	done
	rm -f "$TRASH_DIRECTORY/.twl.json"
	set -- $twl_hits_
	if test $# != 1
	then
		echo >&2 "expected one trace with the leak $3, found: $*"
		return 1
	fi
	echo "$1"
}

# --- sanity: is there something to test? ---------------------------------------

for f in "$SHIM" "$ANALYZE"
do
	test -f "$f" || {
		say "Bail out! $f is not built (run make, or set PERFSHIM_BUILD)"
		exit 1
	}
done
test -d "$PROGS" || {
	say "Bail out! the test programs are not built in $PROGS (run make)"
	exit 1
}
command -v jq >/dev/null || {
	say "Bail out! jq is needed (apt-get install jq)"
	exit 1
}
