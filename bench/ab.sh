#!/usr/bin/env bash
# ab.sh - two builds of the shim side by side on churn, in one run.
#
#   bench/ab.sh OLD_LIBPERFSHIM.so [NEW_LIBPERFSHIM.so] [RUNS] [PAIRS]
#
# For a change to the shim: is it slower than the shim it replaces?
# Runs build/bench/churn (1 and 2 threads, PAIRS alloc+free pairs,
# default 2000000) natively, under OLD and under NEW (default
# build/libperfshim.so), RUNS times each (default 5), interleaved with
# the order rotating, and prints the median CPU time of each and the
# ratios NEW/native, OLD/native and NEW/OLD. Machines here are shared
# and noisy: read the ratios of medians, never one run's seconds.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${1:?usage: ab.sh OLD_LIBPERFSHIM.so [NEW.so] [RUNS] [PAIRS]}
NEW=${2:-$ROOT/build/libperfshim.so}
RUNS=${3:-5}
PAIRS=${4:-2000000}
MEASURE=$ROOT/build/bench/measure
CHURN=$ROOT/build/bench/churn
for f in "$OLD" "$NEW" "$MEASURE" "$CHURN"; do
	[ -f "$f" ] || { echo "ab.sh: $f missing (make build/bench/churn build/bench/measure)" >&2; exit 2; }
done
W=$(mktemp -d) || exit 2
trap 'rm -rf "$W"' EXIT

one() { # TOOL THREADS
	local pre=
	case $1 in old) pre=$OLD ;; new) pre=$NEW ;; esac
	rm -f "$W"/t.*
	if [ -n "$pre" ]; then
		"$MEASURE" "$W/$1.$2" env LD_PRELOAD="$pre" \
			PERFSHIM_OUTPUT="$W/t.%p.zst" "$CHURN" "$2" "$PAIRS" >/dev/null
	else
		"$MEASURE" "$W/$1.$2" "$CHURN" "$2" "$PAIRS" >/dev/null
	fi
}

tools=(native old new)
for ((r = 0; r < RUNS; r++)); do
	for th in 1 2; do
		for ((k = 0; k < 3; k++)); do
			one "${tools[(r + k) % 3]}" "$th"
		done
	done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-10s %10s %10s %10s %9s %9s %9s\n' workload native old new old/nat new/nat new/old
for th in 1 2; do
	n=$(cut -d' ' -f1 "$W/native.$th" | median)
	o=$(cut -d' ' -f1 "$W/old.$th" | median)
	w=$(cut -d' ' -f1 "$W/new.$th" | median)
	awk -v t="churn-${th}t" -v n="$n" -v o="$o" -v w="$w" 'BEGIN {
		printf "%-10s %10.3f %10.3f %10.3f %8.2fx %8.2fx %8.3f\n", t, n, o, w, o / n, w / n, w / o }'
done
