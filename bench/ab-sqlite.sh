#!/usr/bin/env bash
# ab-sqlite.sh - two builds of the shim side by side on sqlite3, in one run.
#
#   bench/ab-sqlite.sh OLD_LIBPERFSHIM.so [NEW_LIBPERFSHIM.so] [RUNS] [ROWS] [QUERIES]
#
# For a change to the shim's unwinding: sqlite3 (Debian's, built without
# frame pointers) running make bench's generated script (bench/sqlgen.awk,
# default 20000 rows and 4000 queries, as make bench) on a fresh database,
# natively, under OLD and under NEW (default build/libperfshim.so), RUNS
# times each (default 5), interleaved with the order rotating. Prints the
# median CPU time of each and the ratios NEW/native, OLD/native and
# NEW/OLD, then the same for the fastest run of each. The machines here
# are shared and noisy: read the ratios, never one run's seconds.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OLD=${1:?usage: ab-sqlite.sh OLD_LIBPERFSHIM.so [NEW.so] [RUNS] [ROWS] [QUERIES]}
NEW=${2:-$ROOT/build/libperfshim.so}
RUNS=${3:-5}
ROWS=${4:-20000}
QUERIES=${5:-4000}
MEASURE=$ROOT/build/bench/measure
SQLITE=$(command -v sqlite3) || { echo "ab-sqlite.sh: sqlite3 missing" >&2; exit 2; }
for f in "$OLD" "$NEW" "$MEASURE"; do
	[ -f "$f" ] || { echo "ab-sqlite.sh: $f missing (make build/bench/measure)" >&2; exit 2; }
done
W=$(mktemp -d) || exit 2
trap 'rm -rf "$W"' EXIT
awk -v rows="$ROWS" -v queries="$QUERIES" -f "$ROOT/bench/sqlgen.awk" \
	> "$W/script.sql" || exit 2

one() { # TOOL
	local pre=
	case $1 in old) pre=$OLD ;; new) pre=$NEW ;; esac
	rm -f "$W"/t.* "$W/db" "$W/db-journal"
	if [ -n "$pre" ]; then
		"$MEASURE" "$W/$1" env LD_PRELOAD="$pre" \
			PERFSHIM_OUTPUT="$W/t.%p.zst" "$SQLITE" "$W/db" \
			".read $W/script.sql" > "$W/out.$1"
	else
		"$MEASURE" "$W/$1" "$SQLITE" "$W/db" ".read $W/script.sql" \
			> "$W/out.$1"
	fi
}

tools=(native old new)
for ((r = 0; r < RUNS; r++)); do
	for ((k = 0; k < 3; k++)); do
		one "${tools[(r + k) % 3]}"
	done
done
for t in old new; do
	cmp -s "$W/out.native" "$W/out.$t" || echo "ab-sqlite.sh: $t's output differs from native's" >&2
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-10s %10s %10s %10s %9s %9s %9s\n' workload native old new old/nat new/nat new/old
n=$(cut -d' ' -f1 "$W/native" | median)
o=$(cut -d' ' -f1 "$W/old" | median)
w=$(cut -d' ' -f1 "$W/new" | median)
awk -v n="$n" -v o="$o" -v w="$w" 'BEGIN {
	printf "%-10s %10.3f %10.3f %10.3f %8.2fx %8.2fx %8.3f\n", "sqlite3", n, o, w, o / n, w / n, w / o }'
# The fastest run of each as well: under load, the least disturbed one.
n=$(cut -d' ' -f1 "$W/native" | sort -g | head -1)
o=$(cut -d' ' -f1 "$W/old" | sort -g | head -1)
w=$(cut -d' ' -f1 "$W/new" | sort -g | head -1)
awk -v n="$n" -v o="$o" -v w="$w" 'BEGIN {
	printf "%-10s %10.3f %10.3f %10.3f %8.2fx %8.2fx %8.3f\n", "(min)", n, o, w, o / n, w / n, w / o }'
