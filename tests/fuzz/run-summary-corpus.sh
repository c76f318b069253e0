#!/bin/sh
# run-summary-corpus.sh - replay the summary JSON reader's fuzz corpus,
# plus every prefix of its example and byte flips of it, through the
# ASan/UBSan build of the fuzz target (TAP).
cd "$(dirname "$0")/../.." || exit 1
B=${PERFSHIM_BUILD:-build}
fuzz_bin=$B/fuzz/fuzz_summary_replay
fuzz_what="summary fuzz target"
work=$B/tests/fuzz-summary-work
fuzz_work=$work
. tests/fuzz/corpus-lib.sh
check tests/fuzz/corpus-summary/*
seed=tests/fuzz/corpus-summary/example
size=$(stat -c %s "$seed")
cuts "$seed" 7
check "$work"/cut.*
flips "$seed" "0 1 60 75 100 200 300 400 500 $((size - 3))" \
	"\\000 \\042 \\054 \\055 \\072 \\133 \\175 \\377"
check "$work"/flip.*
corpus_done
