#!/bin/sh

test_description='a fresh build directory: each output makes its own directory'

. "$(dirname "$0")/test-lib.sh"

# The first `make -j2 all check-progs` in a new worktree failed at random:
# build/perfshim (the wrapper, a sed of tools/perfshim) could be made
# before anything had created build/. Made alone, it must still build.

# (test-lib.sh clears every PERFSHIM_* variable, PERFSHIM_ROOT too.)
ROOT=$(cd "$TEST_DIRECTORY/../.." && pwd)

# mk ARGS... - make in the source tree, not with the flags and variables
# of a make that runs the tests.
mk () {
	timeout 300 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -C "$ROOT" "$@"
}

test_expect_success 'the wrapper alone builds into a new build directory' '
	mk B="$PWD/fresh" "$PWD/fresh/perfshim" &&
	test -x fresh/perfshim &&
	grep -q "^librel=\.$" fresh/perfshim
'

test_expect_success 'the man pages alone build into a new build directory' '
	mk B="$PWD/fresh2" "$PWD/fresh2/man/perfshim.1" &&
	test -s fresh2/man/perfshim.1
'

test_done
