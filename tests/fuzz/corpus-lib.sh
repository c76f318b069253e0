# corpus-lib.sh - what the corpus replays share (sourced, not run): run
# from the top of the tree, a scratch directory, and check FILE..., one
# TAP line for a run of the fuzz target's replay build over the files.
#   fuzz_bin=build/fuzz/X_replay fuzz_what="X fuzz target" fuzz_work=DIR
#   . tests/fuzz/corpus-lib.sh
# then check ...; and at the end: corpus_done. cuts and flips make
# variants of a seed in the scratch directory, to check.
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

# cuts SEED STEP - the seed's prefixes of 0, STEP, 2 STEP ... bytes, as
# $fuzz_work/cut.N.
cuts() {
	size_=$(stat -c %s "$1")
	cut_=0
	while [ "$cut_" -lt "$size_" ]; do
		head -c "$cut_" "$1" >"$fuzz_work/cut.$cut_"
		cut_=$((cut_ + $2))
	done
}

# flips SEED "OFFSETS" "BYTES" - the seed with one byte changed, for each
# offset and each byte (printf escapes such as '\377'), as
# $fuzz_work/flip.OFFSET.BYTE.
flips() {
	for off_ in $2; do
		for byte_ in $3; do
			f_=$fuzz_work/flip.$off_.$(printf '%s' "$byte_" | tr -d '\\')
			cp "$1" "$f_"
			printf "$byte_" |
				dd of="$f_" bs=1 seek="$off_" conv=notrunc 2>/dev/null
		done
	done
}

corpus_done() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
