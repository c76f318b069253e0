#!/bin/sh
# run-corpus.sh - replay the reader's fuzz corpus, plus mutations of a fresh
# trace, through the ASan/UBSan build of the fuzz target (TAP).
cd "$(dirname "$0")/../.." || exit 1
B=${PERFSHIM_BUILD:-build}
fuzz_bin=$B/fuzz/fuzz_reader_replay
fuzz_what="fuzz target"
work=$B/tests/fuzz-work
fuzz_work=$work
. tests/fuzz/corpus-lib.sh
check tests/fuzz/corpus/*
# Mutations of a real trace: every prefix length class and byte flips.
PERFSHIM_OUTPUT=$work/seed.zst LD_PRELOAD=$B/libperfshim.so \
	$B/tests/programs/zones >/dev/null 2>&1 ||
	PERFSHIM_OUTPUT=$work/seed.zst LD_PRELOAD=$B/libperfshim.so ls >/dev/null
size=$(stat -c %s "$work/seed.zst")
i=0
for cut in 0 1 8 15 16 17 30 $((size / 3)) $((size / 2)) $((size - 1)); do
	head -c "$cut" "$work/seed.zst" >"$work/cut.$cut"
done
check "$work"/cut.*
for off in 16 20 40 60 $((size / 4)) $((size / 2)) $((size - 10)); do
	i=$((i + 1))
	cp "$work/seed.zst" "$work/flip.$i"
	printf '\377' | dd of="$work/flip.$i" bs=1 seek="$off" conv=notrunc 2>/dev/null
done
check "$work"/flip.*
corpus_done
