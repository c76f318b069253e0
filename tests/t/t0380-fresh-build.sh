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

# A packager's CFLAGS come before the shim's own: Ubuntu's give
# -flto=auto, and a shim built with link-time optimization ignored
# PERFSHIM_OUTPUT (its constructor lost the environment) or crashed the
# program it was preloaded into.
test_expect_success 'a shim built with CFLAGS=-flto traces as the default build' '
	mk B="$PWD/lto" CFLAGS="-flto=2 -fomit-frame-pointer" \
		"$PWD/lto/libperfshim.so" &&
	LD_PRELOAD="$PWD/lto/libperfshim.so" PERFSHIM_OUTPUT=lto.zst \
		"$PROGS/leaks_basic" >out 2>err &&
	test_must_be_empty err &&
	leaks_json lto.zst lto.json &&
	check_leak lto.json leaks_basic.c malloc 100 1 1
'

test_done
