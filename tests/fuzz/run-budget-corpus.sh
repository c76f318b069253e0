#!/bin/sh
# run-budget-corpus.sh - replay the budget parser's fuzz corpus, plus every
# prefix of its example and byte flips of it, through the ASan/UBSan build
# of the fuzz target (TAP).
cd "$(dirname "$0")/../.." || exit 1
B=${PERFSHIM_BUILD:-build}
fuzz_bin=$B/fuzz/fuzz_budget_replay
fuzz_what="budget fuzz target"
work=$B/tests/fuzz-budget-work
fuzz_work=$work
. tests/fuzz/corpus-lib.sh
check tests/fuzz/corpus-budget/*
seed=tests/fuzz/corpus-budget/example
size=$(stat -c %s "$seed")
cuts "$seed" 1
check "$work"/cut.*
flips "$seed" "0 5 20 47 60 80 100 $((size - 2))" \
	"\\000 \\012 \\043 \\074 \\075 \\072 \\377"
check "$work"/flip.*
corpus_done
