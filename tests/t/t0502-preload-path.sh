#!/bin/sh

test_description='a relative LD_PRELOAD path to the shim still reaches children that change directory'

. "$(dirname "$0")/test-lib.sh"

# The shim under a relative name: lib/libperfshim.so from here.
mkdir lib sub traces
cp "$SHIM" lib/libperfshim.so

test_expect_success 'a child that changes directory and execs is still traced' '
	{
		LD_PRELOAD=lib/libperfshim.so \
			PERFSHIM_OUTPUT="$TRASH_DIRECTORY/traces/%p.zst" \
			env -C sub "$PROGS/exit_status" exit 3 >out 2>err
		echo $? >code
	} &&
	test_cmp_str "exit status" 3 "$(cat code)" &&
	! grep "cannot be preloaded" err &&
	ls traces >list &&
	test_line_count = 2 list &&
	for t in traces/*
	do
		"$ANALYZE" "$t" >"$t.txt" || return 1
	done &&
	grep "exit_status exit 3" traces/*.txt &&
	grep "exit status 3" traces/*.txt
'

test_expect_success 'the program and its children see the absolute path' '
	LD_PRELOAD=lib/libperfshim.so PERFSHIM_DISABLE=1 \
		env -C sub sh -c "echo \"\$LD_PRELOAD\"" >out &&
	echo "$TRASH_DIRECTORY/lib/libperfshim.so" >expect &&
	test_cmp expect out
'

test_expect_success 'other entries of LD_PRELOAD and their separators are kept' '
	LD_PRELOAD="libm.so.6 lib/libperfshim.so:libc.so.6" PERFSHIM_DISABLE=1 \
		env sh -c "echo \"\$LD_PRELOAD\"" >out &&
	echo "libm.so.6 $TRASH_DIRECTORY/lib/libperfshim.so:libc.so.6" >expect &&
	test_cmp expect out
'

test_expect_success 'an absolute or bare LD_PRELOAD is left as it is' '
	LD_PRELOAD="$SHIM" PERFSHIM_DISABLE=1 env sh -c "echo \"\$LD_PRELOAD\"" >out &&
	echo "$SHIM" >expect &&
	test_cmp expect out &&
	LD_LIBRARY_PATH="$TRASH_DIRECTORY/lib" LD_PRELOAD=libperfshim.so \
		PERFSHIM_DISABLE=1 env sh -c "echo \"\$LD_PRELOAD\"" >out &&
	echo libperfshim.so >expect &&
	test_cmp expect out
'

test_expect_success 'in a directory with a space (the loader would split it) nothing changes' '
	mkdir "with space" &&
	cp "$SHIM" "with space/libperfshim.so" &&
	(
		cd "with space" &&
		LD_PRELOAD=./libperfshim.so PERFSHIM_DISABLE=1 \
			env sh -c "echo \"\$LD_PRELOAD\""
	) >out &&
	echo ./libperfshim.so >expect &&
	test_cmp expect out
'

test_done
