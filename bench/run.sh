#!/usr/bin/env bash
# run.sh - perfshim's overhead against native runs, heaptrack and valgrind.
#
#   bench/run.sh            (make bench builds what it needs, then runs this)
#
# For each workload it runs the program natively, under perfshim (default
# stacks, and as perfshim-fp with PERFSHIM_UNWIND=fp) and under heaptrack
# (on the churn workloads also as perfshim-nosample, PERFSHIM_SAMPLE_HZ=0:
# no CPU sampling, and perfshim-noscan, PERFSHIM_SCAN=0: no live-block
# index or exit scan, to show what those cost),
# interleaved (run 1 of every tool and workload, then run 2, ..., with the
# tool order rotating), and valgrind memcheck on a reduced size against a
# native run of that same reduced size.  After each traced run the trace is
# analyzed (perfanalyze --leaks, on perfshim's default-mode traces only;
# heaptrack_print) and timed, then deleted.  Prints the tables and writes
# build/bench/results.md; a full run also rewrites BENCHMARKS.md.  Only
# ratios and medians are reported.
#
# Environment:
#   BENCH_RUNS=N      runs per workload and tool (default 5)
#   ANA_REPEAT=N      analyses of each trace per run, perfanalyze's and
#                     heaptrack_print's, the median kept (default 5)
#   BENCH_QUICK=1     smoke check: 1 run, small sizes, BENCHMARKS.md untouched
#   BENCH_NO_DOC=1    do not rewrite BENCHMARKS.md
#   BENCH_VALGRIND=0  skip valgrind
#   BENCH_HEAPTRACK=0 skip heaptrack
#
# Every measured command is started by build/bench/measure, which is not
# itself traced: the profiler's environment is given to the program only
# (measure env LD_PRELOAD=... prog), since the shim follows exec and fork.
set -u
unset LD_PRELOAD PERFSHIM_UNWIND PERFSHIM_SAMPLE_HZ PERFSHIM_SCAN

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build/bench
W=$B/work
MEASURE=$B/measure
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 0 ] && QUICK=
if [ -n "$QUICK" ]; then RUNS=${BENCH_RUNS:-1}; else RUNS=${BENCH_RUNS:-5}; fi
case $RUNS in '' | *[!0-9]* | 0) echo "run.sh: bad BENCH_RUNS '$RUNS'" >&2; exit 2 ;; esac
if [ -n "$QUICK" ]; then ANA_REPEAT=${ANA_REPEAT:-1}; else ANA_REPEAT=${ANA_REPEAT:-5}; fi
case $ANA_REPEAT in '' | *[!0-9]* | 0) echo "run.sh: bad ANA_REPEAT '$ANA_REPEAT'" >&2; exit 2 ;; esac
export PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 LC_ALL=C

die() { echo "run.sh: $*" >&2; exit 1; }
note() { printf '%s\n' "$*" >> "$W/notes"; echo "run.sh: note: $*" >&2; }

for f in "$MEASURE" "$B/churn" "$B/cxx" "$B/exceptions" "$ROOT/build/libperfshim.so" \
	"$ROOT/build/perfanalyze"; do
	[ -x "$f" ] || [ -f "$f" ] || die "$f missing (run make bench)"
done
rm -rf "$W" && mkdir -p "$W/ref" "$W/snap" "$B/diffs" || die "cannot create $W"
# The analyzer's cache (README), empty at the start: the first --leaks of
# the bench makes glibc's plain debug copy and keeps what symbolization
# found, as a user's first run does; later runs read both back.
export PERFSHIM_CACHE_DIR=$W/cache
rm -f "$B"/diffs/*
: > "$W/notes"
RAW=$B/raw.tsv
# One line per measured command.  events: perfshim's alloc + free calls;
# allocs: allocation calls seen (perfshim's, or heaptrack's own count);
# bytes: trace or data file size.
printf 'workload\tsize\ttool\trun\tcpu\twall\trss_kib\tstatus\toutput\tevents\tbytes\tallocs\n' > "$RAW"

# ---- sizes: full, and the reduced size valgrind runs at ----
if [ -n "$QUICK" ]; then
	N_CHURN=(200000 20000) N_CXX=(20 3) N_ROWS=(2000 200) N_QUERIES=(400 40) N_PY=(20000 2000)
	N_STACKS=(100000 10000) N_EXC=("4 2000 200" "4 200 20") N_PERL=(6000 600)
	N_GIT=(100 10) N_CC1=(20 5)
else
	N_CHURN=(5000000 500000) N_CXX=(300 30) N_ROWS=(20000 2000) N_QUERIES=(4000 400) N_PY=(200000 20000)
	N_STACKS=(1000000 100000) N_EXC=("4 20000 2000" "4 2000 200") N_PERL=(60000 2000)
	N_GIT=(1000 100) N_CC1=(120 5)
fi
idx() { [ "$1" = full ] && echo 0 || echo 1; }

# ---- the shim and analyzer: one snapshot for the whole run ----
# The shim may be rebuilt while we run; copy it once, check the copy traces
# and analyzes, and retry a while if it is caught mid-build.
SHIM=$W/snap/libperfshim.so
ANA=$W/snap/perfanalyze
snapshot_ok() {
	local t=$W/snapcheck
	rm -rf "$t" && mkdir -p "$t"
	cp "$ROOT/build/libperfshim.so" "$SHIM" && cp "$ROOT/build/perfanalyze" "$ANA" || return 1
	env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="$t/trace.%p.zst" "$B/churn" 1 1000 \
		> "$t/out" 2> "$t/err" < /dev/null || return 1
	[ -s "$t/err" ] && return 1
	set -- "$t"/trace.*
	[ $# -eq 1 ] && [ -f "$1" ] || return 1
	"$ANA" "$1" --json > "$t/json" 2>> "$t/err" || return 1
	[ "$(sed -n 's/.*"alloc_calls":\([0-9]*\).*/\1/p' "$t/json")" -ge 1000 ] 2>/dev/null
}
tries=0
until snapshot_ok; do
	tries=$((tries + 1))
	[ $tries -ge 20 ] && die "build/libperfshim.so does not load or trace (see $W/snapcheck/err)"
	echo "run.sh: shim not usable yet (being rebuilt?), retrying in 15 s" >&2
	sleep 15
done
rm -rf "$W/snapcheck"
SHIM_SUM=$(sha256sum "$SHIM" | cut -c1-12)

# ---- tools and real programs ----
HAVE_HT=; HAVE_VG=
if [ "${BENCH_HEAPTRACK:-1}" != 0 ] && command -v heaptrack > /dev/null &&
	command -v heaptrack_print > /dev/null; then HAVE_HT=1
else note "heaptrack not run (not installed or BENCH_HEAPTRACK=0)"; fi
if [ "${BENCH_VALGRIND:-1}" != 0 ] && command -v valgrind > /dev/null; then HAVE_VG=1
else note "valgrind not run (not installed or BENCH_VALGRIND=0)"; fi

# churn-stacks: 131072 distinct stacks (heaptrack 1.4 cannot take it:
# its heaptrack_interpret dies of bad_alloc, see BENCHMARKS.md).
WORKLOADS="churn-1t churn-2t churn-stacks cxx exceptions"
if ! command -v sqlite3 > /dev/null; then
	echo "run.sh: sqlite3 missing, trying apt-get install sqlite3" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y -qq sqlite3 > /dev/null 2>&1 ||
		{ apt-get update -qq > /dev/null 2>&1 && apt-get install -y -qq sqlite3 > /dev/null 2>&1; }
	elif command -v sudo > /dev/null; then sudo -n apt-get install -y -qq sqlite3 > /dev/null 2>&1
	fi
fi
SQLITE=$(command -v sqlite3)
if [ -n "$SQLITE" ]; then
	WORKLOADS="$WORKLOADS sqlite3"
	for s in full small; do
		i=$(idx $s)
		awk -v rows="${N_ROWS[$i]}" -v queries="${N_QUERIES[$i]}" \
			-f "$ROOT/bench/sqlgen.awk" > "$W/sqlite-$s.sql" || die "sqlgen.awk failed"
	done
else
	note "sqlite3 workload skipped: sqlite3 not installed and could not be installed"
fi
# python3 is often a pyenv shim (a shell script): run the real interpreter.
PY=
if command -v python3 > /dev/null; then
	PY=$(python3 -c 'import sys; print(sys.executable)' 2> /dev/null)
	PY=$(readlink -f "$PY" 2> /dev/null)
	[ -n "$PY" ] && [ "$(head -c 4 "$PY" 2> /dev/null | od -An -c | tr -d ' ')" = '177ELF' ] || PY=
fi
if [ -n "$PY" ]; then
	WORKLOADS="$WORKLOADS python3"
	# One line: heaptrack 1.4 records argv in a line-based format and
	# loses the whole trace when an argument holds a newline.
	PYSCRIPT="exec(open('$ROOT/bench/dictlist.py').read())"
else
	note "python3 workload skipped: no python3 ELF binary found"
fi
# perl: Debian's, running bench/perlwork.pl.
PERL=$(command -v perl)
if [ -n "$PERL" ]; then
	WORKLOADS="$WORKLOADS perl"
else
	note "perl workload skipped: perl not installed"
fi
# git log -p over a history made by bench/gitgen.awk (the same on every
# machine): kept in build/bench between runs, as making it takes seconds;
# the reduced size is the log of its last commits only (-n).
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null TZ=UTC
GIT=$(command -v git)
REPO=$B/git-${N_GIT[0]}.git
if [ -n "$GIT" ] && { [ "$REPO/done" -nt "$ROOT/bench/gitgen.awk" ] || {
	rm -rf "$REPO" && "$GIT" init -q --bare "$REPO" &&
	awk -v commits="${N_GIT[0]}" -f "$ROOT/bench/gitgen.awk" |
		"$GIT" --git-dir="$REPO" fast-import --quiet && touch "$REPO/done"; }; }; then
	WORKLOADS="$WORKLOADS git"
else
	note "git workload skipped: git not installed or the repository could not be made"
fi
# cc1 itself (not the gcc driver, which would fork it) at -O0 on a
# translation unit made by bench/cgen.awk (no #include: no driver flags).
CC1=$("${CC:-gcc}" -print-prog-name=cc1 2> /dev/null)
if [ -x "$CC1" ]; then
	WORKLOADS="$WORKLOADS cc1"
	for s in full small; do
		awk -v funcs="${N_CC1[$(idx $s)]}" -f "$ROOT/bench/cgen.awk" > "$W/cc1-$s.c" ||
			die "cgen.awk failed"
	done
else
	note "cc1 workload skipped: ${CC:-gcc} -print-prog-name=cc1 gives no program"
fi

# set_cmd WORKLOAD SIZE: the program's command line in CMD, and a fresh
# database for sqlite3.
DB=$W/sqlite.db
set_cmd() {
	local i
	i=$(idx "$2")
	case $1 in
	churn-1t) CMD=("$B/churn" 1 "${N_CHURN[$i]}") ;;
	churn-2t) CMD=("$B/churn" 2 "${N_CHURN[$i]}") ;;
	churn-stacks) CMD=("$B/churn" 1 "${N_STACKS[$i]}" 16) ;;
	cxx) CMD=("$B/cxx" "${N_CXX[$i]}") ;;
	sqlite3) rm -f "$DB" "$DB-journal"; CMD=("$SQLITE" "$DB" ".read $W/sqlite-$2.sql") ;;
	python3) CMD=("$PY" -c "$PYSCRIPT" "${N_PY[$i]}") ;;
	exceptions) CMD=("$B/exceptions" ${N_EXC[$i]}) ;;
	perl) CMD=("$PERL" "$ROOT/bench/perlwork.pl" "${N_PERL[$i]}") ;;
	git) CMD=("$GIT" --git-dir="$REPO" log -p -n "${N_GIT[$i]}" main) ;;
	cc1) CMD=("$CC1" -quiet -O0 "$W/cc1-$2.c" -o /dev/null) ;;
	esac
}
# A command line to paste, for the notes.
show_cmd() {
	case $1 in
	sqlite3) printf "%s DB '.read SCRIPT'  (SCRIPT: awk -v rows=%s -v queries=%s -f bench/sqlgen.awk)" \
		"$SQLITE" "${N_ROWS[$(idx "$2")]}" "${N_QUERIES[$(idx "$2")]}" ;;
	*) set_cmd "$1" "$2"; printf '%q ' "${CMD[@]}" ;;
	esac
}

# measure_into FILE cmd...: run under measure; M_CPU M_WALL M_RSS M_STATUS.
measure_into() {
	local res=$1
	shift
	rm -f "$res"
	"$MEASURE" "$res" "$@"
	read -r M_CPU M_WALL M_RSS M_STATUS < "$res" ||
		die "measure gave no result for: $*"
}

# measure_median RES CMD...: CMD run ANA_REPEAT times (an analyzer's
# report: tens of ms, where one run moves by a third), M_* set from the
# run of median CPU; stops at a run that fails. Both analyzers are timed
# so, perfanalyze and heaptrack_print alike.
measure_median() {
	local res=$1 k cpus=()
	shift
	for ((k = 0; k < ANA_REPEAT; k++)); do
		measure_into "$res.$k" "$@" > "$res.$k.out" 2> "$res.$k.err"
		[ "$M_STATUS" = 0 ] || break
		cpus+=("$M_CPU $k")
	done
	if [ "$M_STATUS" = 0 ]; then
		k=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(((ANA_REPEAT + 1) / 2))p")
		k=${k#* }
		read -r M_CPU M_WALL M_RSS M_STATUS < "$res.$k"
	fi
	cat "$res.$k.out"
	cat "$res.$k.err" >&2
}

# compare_out WORKLOAD SIZE TOOL RUN DIR: same stdout, stderr and status as
# the native reference?  Sets OUTPUT to same or DIFF, keeps evidence.
compare_out() {
	local ref=$W/ref/$1-$2 d=$5
	if cmp -s "$ref.out" "$d/out" && cmp -s "$ref.err" "$d/err" &&
		[ "$(cat "$ref.status")" = "$M_STATUS" ]; then
		OUTPUT=same
	else
		OUTPUT=DIFF
		local tag=$1-$2-$3-run$4
		cp "$d/out" "$B/diffs/$tag.out"; cp "$d/err" "$B/diffs/$tag.err"
		cp "$ref.out" "$B/diffs/$1-$2-native.out"; cp "$ref.err" "$B/diffs/$1-$2-native.err"
		note "$1 ($2 size) run $4: $3 output differs from native (status $M_STATUS vs $(cat "$ref.status")); see build/bench/diffs/$tag.*; command: $(show_cmd "$1" "$2")"
	fi
}

record() { # workload size tool run output events bytes [allocs]
	# The progress line shows the program's run, not its trace's analysis.
	case $3 in perfanalyze* | heaptrack_print) ;; *) P_CPU=$M_CPU P_WALL=$M_WALL ;; esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
		"$M_CPU" "$M_WALL" "$M_RSS" "$M_STATUS" "$5" "$6" "$7" "${8:--}" >> "$RAW"
}

# time_analyzer WORKLOAD SIZE RUN DIR TRACE BYTES NAME OPTION: perfanalyze
# TRACE OPTION, measured and recorded as tool NAME.
time_analyzer() {
	measure_median "$4/a" "$ANA" "$5" "$8" > "$4/report" 2> "$4/report.err" < /dev/null
	[ "$M_STATUS" = 0 ] || die "$1 run $3: perfanalyze $8 ($7) exited $M_STATUS: $(cat "$4/report.err")"
	record "$1" "$2" "$7" "$3" - - "$6"
}

# run_tool WORKLOAD SIZE TOOL RUN
run_tool() {
	local wl=$1 size=$2 tool=$3 run=$4 d=$W/run events bytes f extra=()
	rm -rf "$d" && mkdir -p "$d"
	set_cmd "$wl" "$size"
	case $tool in
	native)
		measure_into "$d/m" "${CMD[@]}" > "$d/out" 2> "$d/err" < /dev/null
		if [ ! -f "$W/ref/$wl-$size.out" ]; then
			cp "$d/out" "$W/ref/$wl-$size.out"; cp "$d/err" "$W/ref/$wl-$size.err"
			echo "$M_STATUS" > "$W/ref/$wl-$size.status"
			[ "$M_STATUS" = 0 ] || die "$wl fails natively (status $M_STATUS): $(show_cmd "$wl" "$size")"
			OUTPUT=same
		else
			compare_out "$wl" "$size" "$tool" "$run" "$d"
		fi
		record "$wl" "$size" "$tool" "$run" "$OUTPUT" - -
		;;
	perfshim | perfshim-fp | perfshim-nosample | perfshim-noscan)
		case $tool in
		perfshim-fp) extra=(PERFSHIM_UNWIND=fp) ;;
		perfshim-nosample) extra=(PERFSHIM_SAMPLE_HZ=0) ;;
		perfshim-noscan) extra=(PERFSHIM_SCAN=0) ;;
		esac
		measure_into "$d/m" env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="$d/trace.%p.zst" "${extra[@]}" \
			"${CMD[@]}" > "$d/out" 2> "$d/err" < /dev/null
		compare_out "$wl" "$size" "$tool" "$run" "$d"
		set -- "$d"/trace.*
		if [ $# -ne 1 ] || [ ! -f "$1" ]; then
			echo "run.sh: $wl run $run: $tool wrote $# trace files, expected exactly 1:" >&2
			ls -l "$d" >&2
			die "command: env LD_PRELOAD=$SHIM PERFSHIM_OUTPUT=$d/trace.%p.zst ${extra[*]} $(show_cmd "$wl" "$size")"
		fi
		f=$1
		bytes=$(stat -c %s "$f")
		"$ANA" "$f" --json > "$d/json" 2> "$d/json.err" ||
			die "$wl run $run: perfanalyze --json failed: $(cat "$d/json.err")"
		events=$(sed -n 's/.*"alloc_calls":\([0-9]*\).*"free_calls":\([0-9]*\).*/\1 \2/p' "$d/json")
		local allocs=${events% *}
		events=$(( ${events% *} + ${events#* } ))
		grep -q '"lost_events":0[,}]' "$d/json" ||
			note "$wl run $run: $tool lost events: $(sed 's/.*"lost_events":\([0-9]*\).*/\1/' "$d/json")"
		record "$wl" "$size" "$tool" "$run" "$OUTPUT" "$events" "$bytes" "$allocs"
		# The analyzer is timed on the default mode's traces only: --leaks
		# with the cache of plain debug files and symbolization's answers
		# (emptied at the start of the bench: each workload's first run
		# fills it) and without it, and --growth.
		if [ "$tool" = perfshim ]; then
			time_analyzer "$wl" "$size" "$run" "$d" "$f" "$bytes" perfanalyze --leaks
			PERFSHIM_CACHE_DIR=off time_analyzer "$wl" "$size" "$run" "$d" "$f" \
				"$bytes" perfanalyze-nocache --leaks
			time_analyzer "$wl" "$size" "$run" "$d" "$f" "$bytes" perfanalyze-growth --growth
		fi
		;;
	heaptrack)
		measure_into "$d/m" heaptrack -o "$d/heaptrack" "${CMD[@]}" \
			> "$d/out" 2> "$d/err" < /dev/null
		local ht_cpu=$M_CPU ht_wall=$M_WALL ht_rss=$M_RSS ht_status=$M_STATUS why=
		f=$d/heaptrack.zst
		[ -f "$f" ] || f=$d/heaptrack.gz
		bytes=-
		[ -f "$f" ] && bytes=$(stat -c %s "$f")
		[ "$M_STATUS" = "$(cat "$W/ref/$wl-$size.status")" ] || why="exit status $M_STATUS"
		[ -f "$f" ] || why="no output file"
		grep -q 'terminate called\|bad_alloc\|failed to parse' "$d/err" &&
			why="heaptrack_interpret: $(grep -m1 'terminate called\|bad_alloc\|failed to parse' "$d/err")"
		if [ -z "$why" ]; then
			measure_median "$d/a" heaptrack_print --print-leaks=1 "$f" \
				> "$d/report" 2> "$d/report.err" < /dev/null
			events=$(sed -n 's/^calls to allocation functions: \([0-9]*\).*/\1/p' "$d/report")
			if [ "$M_STATUS" != 0 ]; then why="heaptrack_print exited $M_STATUS"
			elif [ "${events:-0}" = 0 ]; then why="heaptrack recorded no allocations"
			else record "$wl" "$size" heaptrack_print "$run" - - "$bytes"
			fi
		fi
		M_CPU=$ht_cpu M_WALL=$ht_wall M_RSS=$ht_rss M_STATUS=$ht_status
		if [ -n "$why" ]; then
			OUTPUT=FAILED
			note "$wl run $run: heaptrack failed ($why); command: heaptrack $(show_cmd "$wl" "$size")"
		else
			OUTPUT=-
		fi
		record "$wl" "$size" "$tool" "$run" "$OUTPUT" - "$bytes" "${events:--}"
		;;
	valgrind)
		measure_into "$d/m" valgrind --tool=memcheck --leak-check=full \
			--log-file="$d/valgrind.log" "${CMD[@]}" > "$d/out" 2> "$d/err" < /dev/null
		compare_out "$wl" "$size" "$tool" "$run" "$d"
		record "$wl" "$size" "$tool" "$run" "$OUTPUT" - -
		;;
	esac
	printf 'run.sh: [%d/%d] %-9s %-5s %-17s cpu %6.2f s  wall %6.2f s  %s\n' "$run" "$RUNS" \
		"$wl" "$size" "$tool" "$P_CPU" "$P_WALL" "$OUTPUT" >&2
	rm -rf "$d"
}

# ---- the runs: interleaved, tool order rotating ----
START=$(date +%s)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
TOOLS="native perfshim perfshim-fp"
[ -n "$HAVE_HT" ] && TOOLS="$TOOLS heaptrack"
for run in $(seq 1 "$RUNS"); do
	for wl in $WORKLOADS; do
		# The variants only on churn, where their cost shows most.
		case $wl in
		churn-stacks) set -- ${TOOLS% heaptrack} ;;
		churn-*) set -- $TOOLS perfshim-nosample perfshim-noscan ;;
		*) set -- $TOOLS ;;
		esac
		# The first native run is the reference output: keep native first then.
		rot=$(( run == 1 ? 0 : (run - 1) % $# ))
		order="$*"
		for _ in $(seq 1 $rot); do order="${order#* } ${order%% *}"; done
		for tool in $order; do run_tool "$wl" full "$tool" "$run"; done
		if [ -n "$HAVE_VG" ]; then
			if [ $((run % 2)) = 1 ] || [ ! -f "$W/ref/$wl-small.out" ]; then
				run_tool "$wl" small native "$run"; run_tool "$wl" small valgrind "$run"
			else
				run_tool "$wl" small valgrind "$run"; run_tool "$wl" small native "$run"
			fi
		fi
	done
done
ELAPSED=$(( $(date +%s) - START ))
rm -rf "$W/run" "$DB" "$DB-journal"

# ---- the report ----
ver() { "$@" 2>&1 | head -n 1; }
{
	echo "- Machine: $(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the start $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg); the bench took ${ELAPSED} s"
	awk -v a="$LOAD_START" -v b="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" \
		'BEGIN { if (a + 0 >= 0.5 || b + 0 >= n) printf "- **The machine was loaded by other work during the run** (load average %s before the bench began, %s at its end, on %d CPUs; the bench alone keeps it near 1): absolute times are inflated and noisy, the ratios less so\n", a, b, n }'
	printf -- '- perfshim: %s' "$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo '?')"
	[ -n "$(git -C "$ROOT" status --porcelain -- shim analyzer include 2> /dev/null)" ] &&
		printf ' with uncommitted changes in shim/, analyzer/ or include/'
	echo "; libperfshim.so sha256 $SHIM_SUM…"
	echo "- Tools: $(ver "${CC:-cc}" --version), $(ver "${CXX:-g++}" --version)"
	printf -- '- Compared with: %s' "$( [ -n "$HAVE_HT" ] && ver heaptrack --version || echo 'heaptrack not run')"
	printf ', %s' "$( [ -n "$HAVE_VG" ] && ver valgrind --version || echo 'valgrind not run')"
	[ -n "$SQLITE" ] && printf ', sqlite3 %s' "$("$SQLITE" --version | cut -d' ' -f1)"
	[ -n "$PY" ] && printf ', %s (%s)' "$("$PY" --version 2>&1)" "$PY"
	[ -n "$PERL" ] && printf ', perl %s' "$("$PERL" -e 'print $^V')"
	[ -n "$GIT" ] && printf ', %s' "$("$GIT" --version)"
	[ -x "$CC1" ] && printf ', cc1 of %s (%s)' "$(ver "${CC:-gcc}" --version)" "$CC1"
	echo
	echo "- Runs: $RUNS per workload and tool, interleaved${QUICK:+; QUICK MODE (small sizes, 1 run): a smoke check, not a measurement}"
} > "$W/machine"

awk -F'\t' -v quick="$QUICK" -v runs="$RUNS" -v anarep="$ANA_REPEAT" \
	-v churn="${N_CHURN[0]}" -v churn_s="${N_CHURN[1]}" -v stacks="${N_STACKS[0]}" -v stacks_s="${N_STACKS[1]}" -v cxx="${N_CXX[0]}" -v cxx_s="${N_CXX[1]}" \
	-v sqlr="${N_ROWS[0]}" -v sqlq="${N_QUERIES[0]}" -v sqlr_s="${N_ROWS[1]}" -v sqlq_s="${N_QUERIES[1]}" \
	-v pyn="${N_PY[0]}" -v pyn_s="${N_PY[1]}" -v exc="${N_EXC[0]}" -v exc_s="${N_EXC[1]}" \
	-v perln="${N_PERL[0]}" -v perln_s="${N_PERL[1]}" -v gitn="${N_GIT[0]}" -v gitn_s="${N_GIT[1]}" \
	-v cc1n="${N_CC1[0]}" -v cc1n_s="${N_CC1[1]}" -v order="$WORKLOADS" \
	-v machine="$W/machine" -v notes="$W/notes" -f "$ROOT/bench/report.awk" "$RAW" \
	> "$B/results.md" || die "report.awk failed"
cat "$B/results.md"

if [ -z "$QUICK" ] && [ "${BENCH_NO_DOC:-0}" = 0 ]; then
	{
		cat <<-'EOF'
		# perfshim benchmarks

		What perfshim costs, measured against the same programs run natively and
		under heaptrack (and valgrind memcheck, at a reduced size), on a synthetic
		malloc/free churn (`bench/churn.c`, 1 and 2 threads), a C++ container
		workload (`bench/cxx.cpp`), C++ exceptions thrown in 4 threads while
		2000 short threads start and exit (`bench/exceptions.cpp`), and real
		programs nobody here wrote, Debian's binaries: `sqlite3` running a
		generated script (`bench/sqlgen.awk`) on a temporary database,
		`python3 -c` running a dict/list churn (`bench/dictlist.py`), `perl`
		running a text churn (`bench/perlwork.pl`), `git log -p` of a history
		made by `bench/gitgen.awk` (kept in `build/bench/` between runs) and
		GCC's `cc1 -O0` on a C file made by `bench/cgen.awk`.
		`perfshim-fp` is perfshim with `PERFSHIM_UNWIND=fp` (frame-pointer
		stacks, for programs built with frame pointers; the bench programs are).
		On the churn workloads only, `perfshim-nosample` (`PERFSHIM_SAMPLE_HZ=0`,
		no CPU-time sampling) and `perfshim-noscan` (`PERFSHIM_SCAN=0`, no
		live-block index and no exit scan) show what those two features cost;
		a shim without them ignores the variables, and the rows equal perfshim's.

		Rerun with `make bench` (a few minutes on 2 cores; `BENCH_RUNS=N` for
		more or fewer runs, `BENCH_QUICK=1 make bench` for a one-run smoke check
		that leaves this file alone). It writes `build/bench/results.md` and
		rewrites this file, this introduction included; `build/bench/raw.tsv`
		holds every run. The machine is shared and noisy: read the ratios and
		medians, not the absolute seconds. The driver is `bench/run.sh`; the
		tables are made by `bench/report.awk`.

		Two heaptrack 1.4 limitations shape the workloads. `churn` allocates
		from 20 distinct stacks by default: with ~2000 stacks times ~4000 sizes
		(`build/bench/churn 1 100000 10`) heaptrack's `heaptrack_interpret` grows
		past 2 GiB and dies with `std::bad_alloc` (its allocation-info hash set,
		KDE bug 477018), leaving a truncated file. And the Python script is
		passed as a one-line `-c "exec(open(...).read())"`, because heaptrack
		records the command line in a line-based format and loses the whole
		trace when an argument holds a newline.

		## Where perfshim's time goes on churn (profile, not make bench)

		`perf record -e cpu-clock -F 4000` of `churn 1 5000000` under the
		shim at 1fb47d3 (load average 0.8 on 2 CPUs), share of the whole
		process's CPU samples. The program's thread 52%: the stack walk
		15.7% (cached frame rules, from the interposer's caller outward;
		where a word outward changed, the previous walk's frames are met
		again further out), the ring write 5.9%, record_alloc 5.5%, the
		free interposer 5.3%, interning the stack 2.3%, the malloc
		interposer 1.3%; libc's malloc and free 6.1%; the program's own
		loop 4.4%; the kernel 1.8%. The writer thread 48%: the chunk
		encoder 27% and its lists of recent blocks and slots 5.2% (they
		now move by fixed-size copies, not loops: churn 6.15x -> 5.82x
		native in bench/ab.sh), the live-block index 7.6%, zstd about
		1.5%. The file is 2.3 B per event. Three quarters of the ring
		write was its one store, waiting for the writer's copy of the
		line to go; ring_put_small now takes the line ahead with
		PREFETCHW (churn 4-8% less CPU, perl, cxx, sqlite3 and
		exceptions 3-6%, in interleaved A/B runs). Half of record_alloc
		and two thirds of the free interposer are the latency of rdtsc.

		The same profile at 73e2362 (load average 0.5): the program's
		thread 63% of the samples, the writer 37%. The stack walk 22.2%,
		the free interposer 5.5%, record_alloc 5.3%, the ring write 5.2%,
		interning the stack 5.1%; libc's malloc and free about 8%, the
		program's own loop 5.6%. The chunk encoder 28.7%, of which its
		table of held blocks (a probe of an open-addressing table, by
		address, for every ALLOC and FREE) 3.7% and its lists of recent
		frees and slots 4.5%. Varints of 3 to 8 bytes, each ALLOC's and
		FREE's address among them, are now read from one load, not a
		byte a turn: a stream of 1- to 7-byte varints 8.8-11.5 -> 5.3
		ns each.

		What remains to reach 3x: the walk is a chain of dependent loads,
		about 30 instructions a frame; every event reads the clock; the
		writer, once a second thread has events, keeps two tables of
		the same live blocks (the index for the exit scan, counting
		allocations and frees per address whatever order threads'
		events come in; the encoder's slot table, in encoding order;
		one thread keeps only the second, below). One table with the
		two orders kept
		apart in each entry was tried and gained nothing (churn 1.004
		and 0.979, perl 0.979 of the two tables' CPU): the insert and
		delete per event remain, on bigger entries. The program's thread
		encodes varints for the ring, which the writer decodes again;
		fixed-width ring records would drop both, at twice the ring's
		bytes.

		With a second thread the writer also keeps what TIES records
		need (two threads' events on one address within a time quantum
		go out with exact times): on churn-2t that cost 16% of the
		CPU (ties off: 0.52 s against 0.62 s, medians of 9), most of it
		a 1 MiB table of owners by hash of the address, read at random
		for every event, whose collisions sent 460k events to the end of
		the passes' sorting for ties that never were. The encoder's slot
		table now says which thread made each block, and keeps a freed
		address, with the thread and quantum of its FREE, until the
		watermark passes it: each event knows exactly whose event came
		before it at its address, churn-2t marks nothing, and the log
		is trimmed from each thread's end. churn-2t 0.62 -> 0.60 s,
		exceptions 0.40 -> 0.37 s. What is left is the log itself,
		32 bytes an event (40 until the floored time went).

		The exit scan's index of live blocks was kept the same way, event
		by event, next to the encoder's table of slots, which holds the
		same blocks: on churn-1t that was the 10% between perfshim and
		perfshim-noscan. The index is there for the order of events
		across threads; with one thread there is one order, and the
		encoder's table is exact. So the index is now built from that
		table only when a second thread has events, when the encoder
		stops on an event it does not know, or when a scan or a fork's
		child reads it (bench/ab.sh: churn-1t 0.93 of the CPU; perl
		0.45 -> 0.43 s, sqlite3 0.45 -> 0.44 s).

		With 131k distinct stacks (churn-stacks) interning took 46% of
		the CPU: the shared cache's set, each node table's probed entry,
		and the node each entry named, all cache misses. Entries now
		carry 8 bits of their key's hash, so a probe reads a node only
		when they agree, and a frame's node is looked for no further
		back than its parent's table level (a new stack's frames were
		looked for in every level): 0.79 -> 0.73 s.

		## Where perfshim's time goes on real programs (profile, not make bench)

		On this VM two costs dominate what a real program pays beyond
		churn's per-event work. A page touched for the first time costs
		about 13 us (a loop over fresh pages: 10.7 to 16.7 us each), so
		every page of the shim's tables is dear: sqlite3's run put 719
		live blocks in a 2 MiB index and 3163 stacks in the 2 MiB shared
		stack cache, both spread by hashing over all their pages. Both
		now start small (1024 entries; 512 sets of 8) and grow with what
		they hold: sqlite3 2898 -> 2073 page faults, and the resident
		memory the shim adds fell by 32 to 41% on the five real
		programs. And a
		system call costs 1.2 us (sigprocmask): Debian's libunwind blocks
		every signal around each of its locks and lookups, about 16
		calls for each frame rule learned and each CPU sample's walk
		(python3 made 68k, cc1 88.6k). The shim, which interposes
		sigprocmask, now blocks every signal once around all of a
		learning's or a sample's libunwind calls, which then change only
		its copy of the mask: 1.8k and 4.3k calls left. What is left of
		learning (cc1 learns 3163 rules, python3 1040) is libunwind's own
		lookups, two or three per rule.

		Programs that end with much of their heap live pay for the exit
		scan, which asks for every word of every root and reached block
		which live block it points into. That was a binary search of all
		blocks (40-byte entries, a cache miss a step on a large heap) and
		a call per word, even for words nowhere near the heap: 7 to 10%
		of the CPU of git log -p and cc1 under the shim. The starts are
		now cut into regions of close starts, each into at most twice as
		many equal buckets as it has blocks (shim/blockfind.c), and a
		word outside the blocks' span stops before any call. CPU in
		perfshim_scan_at_exit (perf samples, 5 runs each): git 33 -> 17
		ms, cc1 46 -> 27 ms.

		## Where the trace's bytes go (tools/colstat, not make bench)

		A COLUMNS record is one writer pass over one thread's ring, a
		few thousand events, and a 1 MiB frame holds a few hundred of
		them. zstd met each column in short pieces among the others and
		found few of their repeats. Format 4 lays each column of the
		whole frame end to end after a skeleton of the records, which
		the reader puts back together: the same program's trace, old
		shim -> new, sqlite3 494 -> 441 KB (-11%), churn 23.1 -> 21.0
		MB (-9%), and zstd does less work. On sqlite3 the biggest
		columns are then the alloc addresses not found among the recent
		frees (120 KB), the index into the recent frees (100 KB), sizes
		(82 KB) and times (45 KB). zstd's own effort is the next
		lever, and its price is per byte: on split frames greedy search
		took 13% off sqlite3's and git's traces, 10% off perl's and
		0.3% off churn's, each for 2.3 to 3.9 times level 1's time. So
		the writer (PERFSHIM_ZSTD_LEVEL=auto, the default) picks the
		effort by how far the last frame shrank: level 1 below 2.5:1,
		zstd's dfast below 5:1, greedy from there, and compresses the
		open frame 128 KiB a pass so that no ring waits on a greedy
		frame. sqlite3 is then 394 KB, 21% less than format 3 (A/B, 9
		interleaved runs), for 1.4% more CPU; git and perl 13 to 14%
		less, for 3 to 3.6%.

		Format 6 counts event times in quanta of 2^13 clock units where
		format 5 counted 2^9. A unit is 16 TSC ticks (or a ns without an
		invariant TSC), so a quantum is 35 us at a 3.8 GHz TSC, 131 us
		at 1 GHz and 8 us in ns: what reads times across threads (the
		heap timeline, growth windows, markers, samples) needs about a
		millisecond, a thread's order is its events' order, and two
		threads' events on one address within a quantum keep theirs
		through TIES. The same workloads, one run each under each
		shift: sqlite3 381 -> 288 kB (-25%), cc1 215 -> 185 kB (-14%),
		git 174 -> 153 kB (-12%), perl -6%, cxx -5%, churn and python3
		-2%; the growth verdicts of the bench's programs the same.

		Format 7 writes no address for a block allocated while the
		program has one thread: colstat showed git's 155 kB trace
		holding 51 kB of alloc addresses and 34 kB of indices into the
		recent frees, and sqlite3's 121 kB of the latter. One thread's
		events come in its order, so every FREE is found in the
		writer's table of slots; the reader names such a block by its
		ALLOC's number, and after a leak scan the writer gives the
		addresses of the blocks held (ADDRS, in ALLOC order, 2 bytes a
		block) for the verdicts, which name addresses. Once a second
		thread has events, every ALLOC goes with its address again
		(only addresses and TIES order two threads' events on one
		address). A FREE's rank among the 16 latest ALLOCs moved into
		its kind byte (two streams that follow each other compress
		worse than one), and a FREE without rank names its block's
		ALLOC number as a distance from the last one named (blocks
		freed in the order they came step by small repeats, where
		ages drift: python3's FREEs 0.75 -> 0.11 B each). The same
		workloads, one run each, format 6 -> 7: python3 376 -> 89 kB,
		git 155 -> 69 kB, sqlite3 291 -> 144 kB, cc1 181 -> 110 kB,
		perl 586 -> 394 kB, cxx 4.16 -> 2.91 MB; churn-1t's encoder
		does less per event (bench/ab.sh, 7 interleaved runs: 0.83 of
		the CPU before). Its search of the 16 latest ALLOCs for a
		FREE's slot compares 4 entries at a time with SSE2 (churn 0.95
		of the CPU before).

		Format 8 gives a leak scan's verdicts as one kind per held
		block, in ALLOC order (SCAN_HELD), where format 7 wrote every
		held block's address and then the verdicts by address: git's
		trace 70.7 -> 55.0 kB, cc1's 108 -> 98 kB, a bash subshell's
		2.7 -> 1.75 kB (a forked child's trace keeps no verdicts for
		the blocks it inherited). A stack new to the thread fetches
		its frames' node-table entries all at once, the key of each
		being the hash of its path from the outermost frame (a lookup
		by parent id waited for the one before): churn-stacks 0.93 to
		0.96 of the CPU before (interleaved runs).

		The first frame goes at the deepest zstd effort (most traces
		are one frame; a first frame costs a few ms once), and data
		that shrinks 10:1 or more gets a lazy search; since format 9
		each frame after the first may match into the one before
		(it is decoded with that frame's content as its prefix),
		where each frame started afresh: git's trace 54.0 -> 41.0
		-> 34.8 kB, python3's 99.7 -> 60.6 kB, cc1's 101 -> 88 kB,
		CPU the same within the noise of interleaved runs.

		## Where perfanalyze's time goes (profile, not make bench)

		`perf record` of `perfanalyze TRACE --leaks` at 7f709b0. On git's
		trace (246k events, 116 ms of CPU) libz took 37%, inflating the
		DWARF of glibc's separate debug file (libc6-dbg: 10 MiB in
		compressed sections, read for the frames of strdup, setenv and
		the like), and the page faults of the inflated buffers most of
		the kernel's 27%; 12 ms more was elfutils 0.188 loading its
		debuginfod client (libcurl and some twenty libraries) after it
		looked in vain for git's own debug file. Plain copies of
		compressed debug files kept between runs (README), and a check
		that skips a search the disk cannot satisfy, took that report to
		40 ms. On python3's trace dwarf_getscopes and
		dwarf_getscopes_die took 27%, walking CPython's large units from
		the top for each pc; each unit's functions are now indexed once
		(138-155 -> 105-121 ms). What is left on a large trace is reading
		it: on churn's 10M events the column decoder 25%, the merge of
		the threads' events by time 30%, the replay's live set 12%.
		`--growth` read the trace twice, as where its points fall
		(every n-th marker of the most frequent label, or windows of the
		trace's span) is known only once it has been read: about twice
		the time of `--leaks`. A log of what its series need of each
		event (5 to 7 bytes an event) took that to 1.8x; writing it,
		reading it back and the kernel clearing its pages were 45% of
		the time on churn. The series are now taken as the first
		reading goes: the heap's integral on a grid of time that
		widens with the run (windows' edges fall on it), every marker,
		and each site's net change between two grid boundaries or two
		markers; a site's series is read off those only when the heap
		grows. churn 0.70 -> 0.40 s against 0.34 for `--leaks`
		(medians of 7); what is left is the lookup of each event's
		site, a cache miss per event with 131k stacks. The analyzer, started again with
		glibc's heap on huge pages, still took about 3,000 page faults
		a run: a heap that grows 128 KiB at a time, or a block mapped
		on its own, rarely holds a whole 2 MiB range when it is first
		touched. A 64 MiB top pad and a 32 MiB mmap threshold
		(README) took them to 600-900, and --leaks 6 to 36% less CPU
		(perf stat, 11 interleaved runs: cxx 258 -> 228 ms, sqlite3
		144 -> 109, python3 126 -> 80, churn-2t 741 -> 697).
		On exceptions' trace (242k events of 2,005 threads) the
		kernel's clear_page_erms was 15% of --leaks: each thread's
		merge queue (256 events, 10 KiB) was kept to the end, 20 MB
		in all, faulted in page by page. A gone thread's queue now
		goes back to the heap, where the next thread's takes it up:
		34.1 -> 25.9 ms, 35.7 -> 16.8 MB resident. On cxx the
		replay's live table is 35% of --leaks' samples, nearly all
		of it the first load of a slot: its 16k slots (512 KiB)
		and the merge queue between two SYNC records (13k events,
		520 KiB) do not both fit the 1 MiB L2. Halving the table
		when below an eighth full did not help: cxx's live set
		swings between 1k and 8k blocks every iteration, and the
		table was resized 1,139 times in one analysis; fetching slots
		ahead helped cxx 11% and cost sqlite3 14%. A block allocated
		while the program has one thread is named by its ALLOC's
		number, and the reader holds it in a slot of its own table
		already; the replay now keeps such blocks in an array by that
		slot (no hashing; the slot a FREE gave back is the next
		ALLOC's, still in the caches) and moves them into its table
		when the reading ends: --leaks perl 0.73 of the CPU, git
		0.80, cxx 0.87, sqlite3 0.92. Homing those blocks in the
		table by their numbers instead (consecutive ALLOCs side by
		side) was slower, up to 2.5x on perl: linear probing piles
		runs of consecutive keys into long clusters. And cc1's report
		is 22,930 lines (1,430 reachable sites): its text renderers
		were 40% of --leaks, four snprintf calls a frame line and a
		pass a byte to shorten, escape, measure and copy each line;
		frame lines put together with memcpy and plain names copied
		whole took it from 46.8 to 29.8 ms.

		## Where perfshim's time goes on exceptions (profile, not make bench)

		`exceptions 4 20000 2000` cost 11.7x native CPU under the shim
		at 17bc432 (2.6 s against 0.22 s), nearly all of it in the 2000
		thread starts, not the exceptions (4 x 20000 alone: 1.6x): each
		new thread's first unw_backtrace mapped and filled libunwind's
		256 KiB trace cache (56% of the samples, with its page faults),
		and each thread's state, ring and alternate stack were mapped
		and then unmapped, every unmap a TLB shootdown across the CPUs.
		A thread's first 256 stacks are now walked step by step, and
		exited threads' states are kept for new ones: 2.3x CPU. Then
		(`perf record`, share of all samples): the program's own
		exception unwinding in libgcc_s 26%; the kernel 30%, most of it
		system calls: a new thread makes about 42 more than natively,
		30 of them rt_sigprocmask, which libunwind issues around each
		lookup of unwind tables (its caches are per thread, so every
		new thread looks up every frame again), plus the sampler's
		timer (3), the alternate stack (4), gettid, getpid and
		pthread_getattr_np's sched_getaffinity; libunwind 10%; the
		writer thread 9%. glibc 2.35's _dl_find_object serves the
		exception unwinder without dl_iterate_phdr, so the shim's
		dl_iterate_phdr hook is not on that path here.

		EOF
		# Under this file's own title: one heading level down.
		sed -e '1s/^# .*/## Results/' -e '2,$s/^#/##/' "$B/results.md"
	} > "$ROOT/BENCHMARKS.md"
	echo "run.sh: wrote build/bench/results.md and BENCHMARKS.md" >&2
else
	echo "run.sh: wrote build/bench/results.md" >&2
fi
