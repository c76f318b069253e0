#!/bin/sh
# make-golden.sh - record the golden traces, or the analyzer's outputs over
# them, that tests/t/t0400-golden.sh holds every later analyzer to.
#
#   tests/golden/make-golden.sh traces   run the programs under the shim
#   tests/golden/make-golden.sh expect   run every case of tests/golden/cases
#
# Traces are not reproducible byte for byte (addresses, times), so they are
# recorded once and committed, with the few test programs they ran: the
# analyzer symbolizes through the module paths and build-ids a trace
# records, so the programs must sit at the recorded path, $GOLDEN_BIN
# (fixed, outside any worktree), holding exactly the committed files.
# "expect" writes tests/golden/expect/NAME: the analyzer's stdout, then its
# stderr and exit status. Run "expect" only with an analyzer whose output
# is the reference: main's, e.g. built from `git archive main` elsewhere
# and given as ANALYZE=.../perfanalyze, when main changes an output.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
G=$ROOT/tests/golden
: "${PERFSHIM_BUILD:=$ROOT/build}"
: "${ANALYZE:=$PERFSHIM_BUILD/perfanalyze}"
GOLDEN_BIN=/tmp/perfshim-golden-bin.1
LC_ALL=C
TZ=UTC
export LC_ALL TZ

# install_bins - put the committed programs at $GOLDEN_BIN; a rename, so
# that a concurrent run never sees half a file.
install_bins () {
	mkdir -p "$GOLDEN_BIN"
	for b in "$G"/bin/*
	do
		t=$GOLDEN_BIN/${b##*/}
		cmp -s "$b" "$t" && continue
		cp "$b" "$t.$$" && mv -f "$t.$$" "$t"
	done
}

# record NAME PROG ARGS... - trace one run into traces/NAME.zst.
record () {
	name=$1
	shift
	rm -f "$G/traces/$name.zst"
	(cd "$G/traces" && env -i PATH=/usr/bin:/bin \
		PERFSHIM_RSS_INTERVAL_MS=${RSS_MS:-10} \
		${HZ:+PERFSHIM_SAMPLE_HZ=$HZ} \
		LD_PRELOAD="$PERFSHIM_BUILD/libperfshim.so" \
		PERFSHIM_OUTPUT="$name.zst" "$GOLDEN_BIN/$@" >/dev/null 2>&1) ||
		true
	test -s "$G/traces/$name.zst"
}

case "$1" in
traces)
	mkdir -p "$G/bin" "$G/traces"
	for p in leaks_basic allocs growth reach zones instr cpu \
		runtime
	do
		cp "$PERFSHIM_BUILD/tests/programs/$p" "$G/bin/$p"
	done
	install_bins
	HZ=0 record leaks_basic leaks_basic
	HZ=0 record allocs allocs
	HZ=0 record growth_leak growth leak 80 500
	HZ=0 record growth_plateau growth plateau 80 500
	HZ=0 record growth_nomark growth bursty 80 2000 nomark
	HZ=0 record reach reach
	HZ=0 record zones zones
	HZ=0 record instr instr
	record cpu cpu split 2
	record cpu_threads cpu threads 2
	HZ=0 record runtime runtime
	ls -l "$G/traces"
	;;
expect)
	install_bins
	rm -rf "$G/expect"
	mkdir -p "$G/expect"
	cd "$G/traces"
	grep -v '^#' "$G/cases" | grep . | while read -r name args
	do
		set +e
		eval "\"\$ANALYZE\" $args" >"$G/expect/$name" 2>"$G/expect/$name.err"
		echo "exit $?" >>"$G/expect/$name.err"
		set -e
	done
	ls "$G/expect" | wc -l
	;;
*)
	echo "usage: $0 traces|expect" >&2
	exit 2 ;;
esac
