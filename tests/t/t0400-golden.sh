#!/bin/sh
test_description='every report, text and JSON, unchanged over the golden traces'
. "$(dirname "$0")/test-lib.sh"

# tests/golden holds traces recorded once (tests/golden/make-golden.sh
# traces), the programs they ran, and what the analyzer printed over them
# (make-golden.sh expect): stdout in expect/NAME, stderr and the exit
# status in expect/NAME.err. A change to any report's output shows here;
# when it is meant, regenerate expect/ and commit it with the change.

G=$(cd "$TEST_DIRECTORY/../golden" && pwd)
GOLDEN_BIN=/tmp/perfshim-golden-bin.1

test_expect_success 'the golden programs are at the path the traces name' '
	mkdir -p "$GOLDEN_BIN" &&
	for b in "$G"/bin/*
	do
		t=$GOLDEN_BIN/${b##*/} &&
		if ! cmp -s "$b" "$t"
		then
			cp "$b" "$t.$$" && mv -f "$t.$$" "$t" || return 1
		fi
	done
'

grep -v '^#' "$G/cases" | grep . >cases
while read -r name args
do
	test_expect_success "golden: perfanalyze $args" '
		(
			cd "$G/traces" &&
			eval "timeout 60 \"\$ANALYZE\" $args" \
				>"$TRASH_DIRECTORY/$name" \
				2>"$TRASH_DIRECTORY/$name.err"
			echo "exit $?" >>"$TRASH_DIRECTORY/$name.err"
		) &&
		test_cmp "$G/expect/$name" "$name" &&
		test_cmp "$G/expect/$name.err" "$name.err"
	'
done <cases

test_done
