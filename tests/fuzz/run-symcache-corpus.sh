#!/bin/sh
# run-symcache-corpus.sh - replay the symbol cache's fuzz corpus, plus
# every prefix of its example and byte flips of it (entries, frames and
# strings with a valid hash: what a crafted file holds), through the
# ASan/UBSan build of the fuzz target (TAP).
cd "$(dirname "$0")/../.." || exit 1
B=${PERFSHIM_BUILD:-build}
fuzz_bin=$B/fuzz/fuzz_symcache_replay
fuzz_what="symbol cache fuzz target"
work=$B/tests/fuzz-symcache-work
fuzz_work=$work
. tests/fuzz/corpus-lib.sh
check tests/fuzz/corpus-symcache/*
seed=tests/fuzz/corpus-symcache/example
size=$(stat -c %s "$seed")
cuts "$seed" 3
check "$work"/cut.*
flips "$seed" "1 2 3 4 5 9 13 17 21 29 37 45 53 61 69 $((size - 2)) $((size - 1))" \
	"\\000 \\001 \\002 \\177 \\377"
check "$work"/flip.*
corpus_done
