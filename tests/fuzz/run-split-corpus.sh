#!/bin/sh
# run-split-corpus.sh - replay the SPLIT frames' fuzz corpus, plus every
# prefix of a real split frame and byte flips of it, through the ASan/UBSan
# build of the fuzz target (TAP).
cd "$(dirname "$0")/../.." || exit 1
B=${PERFSHIM_BUILD:-build}
fuzz_bin=$B/fuzz/fuzz_split_replay
fuzz_what="split fuzz target"
work=$B/tests/fuzz-split-work
fuzz_work=$work
. tests/fuzz/corpus-lib.sh
check tests/fuzz/corpus-split/*
seed=tests/fuzz/corpus-split/zones-split
size=$(stat -c %s "$seed")
cuts "$seed" 1
check "$work"/cut.*
flips "$seed" "0 1 2 5 9 12 $((size / 3)) $((size / 2)) $((size - 2))" \
	"\\000 \\001 \\050 \\051 \\177 \\200 \\377"
check "$work"/flip.*
corpus_done
