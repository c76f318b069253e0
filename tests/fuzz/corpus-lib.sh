# corpus-lib.sh - what the corpus replays share (sourced, not run): run
# from the top of the tree, a scratch directory, and check FILE..., one
# TAP line for a run of the fuzz target's replay build over the files.
#   fuzz_bin=build/fuzz/X_replay fuzz_what="X fuzz target" fuzz_work=DIR
#   . tests/fuzz/corpus-lib.sh
# then check ...; and at the end: corpus_done.
n=0
fails=0
rm -rf "$fuzz_work" && mkdir -p "$fuzz_work"

check() {
	n=$((n + 1))
	if "$fuzz_bin" "$@" >"$fuzz_work/out" 2>&1; then
		echo "ok $n - $fuzz_what survives $(basename "$1")${2:+ and others}"
	else
		echo "not ok $n - $fuzz_what on $*"
		sed 's/^/# /' "$fuzz_work/out" | head -20
		fails=$((fails + 1))
	fi
}

corpus_done() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
