#!/bin/sh

test_description='--debug-dir and PERFSHIM_DEBUG_DIR: separate debug files found by build-id'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/gate.c "both" leaks 300 bytes in
# gate_leak_alpha() (LEAK:alpha) and 200 in gate_leak_beta(). A copy
# stripped of everything (strip --strip-all keeps its build-id) has its
# debug information in dbg/.build-id/xx/yyyy.debug only, the layout of
# /usr/lib/debug (objcopy --only-keep-debug).

test_expect_success 'setup: a stripped gate, its debug file by build-id, a trace' '
	cp "$PROGS/gate" gate &&
	id=$(build_id gate) &&
	debug_by_id gate dbg >/dev/null &&
	test "$(build_id gate)" = "$id" &&
	run_traced t.zst ./gate both
'

test_expect_success 'without a debug directory: no names, module+0xOFFSET' '
	analyze t.zst --leaks >plain.txt &&
	grep "^    #0  gate+0x[0-9a-f]*  \[gate\]$" plain.txt &&
	! grep "gate_leak_alpha" plain.txt
'

test_expect_success '--debug-dir DIR: function and file:line from DIR/.build-id' '
	line=$(leak_line gate.c alpha) &&
	analyze t.zst --leaks --debug-dir dbg >dbg.txt &&
	grep "^    #0  gate_leak_alpha  tests/programs/gate.c:$line  \[gate\]$" dbg.txt &&
	! grep "gate+0x" dbg.txt
'

test_expect_success 'PERFSHIM_DEBUG_DIR: the same, a missing entry warned about' '
	line=$(leak_line gate.c alpha) &&
	PERFSHIM_DEBUG_DIR=$PWD/nosuch:dbg analyze t.zst --leaks >env.txt 2>env.err &&
	grep "^    #0  gate_leak_alpha  tests/programs/gate.c:$line  \[gate\]$" env.txt &&
	echo "perfanalyze: warning: PERFSHIM_DEBUG_DIR: $PWD/nosuch is not a directory" >expect &&
	test_cmp expect env.err
'

test_expect_success '--debug-dir that is no directory: exit 2 with one line' '
	analyze_status r t.zst --leaks --debug-dir nosuch &&
	test_cmp_str status 2 "$(cat r.code)" &&
	echo "perfanalyze: --debug-dir nosuch: not a directory" >expect &&
	test_cmp expect r.err
'

# By .gnu_debuglink: a copy stripped of its debug information names its
# debug file, which libdwfl looks for beside it, in .debug there, and
# under each absolute debug directory joined with the copy's directory.
# The analyzer skips that search when no such file exists (and no
# debuginfod server is configured), so each place must still be found.
test_expect_success 'setup: a stripped copy with a .gnu_debuglink' '
	mkdir -p link &&
	cp "$PROGS/gate" link/gate &&
	objcopy --only-keep-debug link/gate gate.dbg &&
	strip --strip-all link/gate &&
	objcopy --add-gnu-debuglink=gate.dbg link/gate &&
	(cd link && run_traced ../link.zst ./gate both)
'

test_expect_success '.gnu_debuglink: found beside, in .debug, under a debug dir' '
	line=$(leak_line gate.c alpha) &&
	want="^    #0  gate_leak_alpha  tests/programs/gate.c:$line  \[gate\]$" &&
	analyze link.zst --leaks >none.txt &&
	! grep gate_leak_alpha none.txt &&
	cp gate.dbg link/ &&
	analyze link.zst --leaks >beside.txt &&
	grep "$want" beside.txt &&
	mkdir link/.debug && mv link/gate.dbg link/.debug/ &&
	analyze link.zst --leaks >dotdebug.txt &&
	grep "$want" dotdebug.txt &&
	rm -r link/.debug &&
	mkdir -p "ldbg$PWD/link" && cp gate.dbg "ldbg$PWD/link/" &&
	analyze link.zst --leaks --debug-dir ldbg >under.txt &&
	grep "$want" under.txt
'

test_expect_success 'no debuginfod client loaded unless DEBUGINFOD_URLS is set' '
	rm -r "ldbg$PWD" &&
	LD_DEBUG=files analyze link.zst --leaks >/dev/null 2>ld.err &&
	! grep "file=libdebuginfod" ld.err &&
	DEBUGINFOD_URLS=http://127.0.0.1:1 DEBUGINFOD_TIMEOUT=1 \
		LD_DEBUG=files analyze link.zst --leaks >/dev/null 2>ld2.err &&
	grep "file=libdebuginfod" ld2.err
'

test_expect_success 'no .gnu_debuglink: FILE.debug beside the file is found' '
	mkdir -p nolink &&
	cp "$PROGS/gate" nolink/gate &&
	objcopy --only-keep-debug nolink/gate nolink.dbg &&
	strip --strip-all nolink/gate &&
	! readelf -SW nolink/gate | grep -q gnu_debuglink &&
	(cd nolink && run_traced ../nolink.zst ./gate both) &&
	analyze nolink.zst --leaks >nolink-none.txt &&
	! grep gate_leak_alpha nolink-none.txt &&
	cp nolink.dbg nolink/gate.debug &&
	analyze nolink.zst --leaks >nolink.txt &&
	grep "gate_leak_alpha  tests/programs/gate.c" nolink.txt
'

# dwz moves what debug files share into one file that each names in
# .gnu_debugaltlink; libdwfl asks for it by that name, with no CRC, and
# the analyzer must let its search run (here: DIR/.dwz/NAME). With the
# cache off: answers kept by an earlier run would need no DWARF at all.
test_lazy_prereq DWZ 'command -v dwz'
test_lazy_prereq STRACE 'strace -o /dev/null true'
test_expect_success DWZ,STRACE 'a dwz file named by .gnu_debugaltlink is read' '
	mkdir -p dz/.dwz &&
	cp "$PROGS/gate" dz/gate &&
	cp "$PROGS/leaks_basic" dz/other &&
	objcopy --only-keep-debug dz/gate dz/gate.dbg &&
	objcopy --only-keep-debug dz/other dz/other.dbg &&
	dwz -m dz/.dwz/common -M "$PWD/dz/.dwz/common" dz/gate.dbg dz/other.dbg &&
	readelf -SW dz/gate.dbg | grep -q gnu_debugaltlink &&
	id=$(build_id dz/gate) &&
	mkdir -p dzdbg/.build-id/$(echo $id | cut -c1-2) &&
	mv dz/gate.dbg dzdbg/.build-id/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-).debug &&
	strip --strip-all dz/gate &&
	(cd dz && run_traced ../dz.zst ./gate both) &&
	PERFSHIM_CACHE_DIR=off strace -f -e trace=openat -o dz.log \
		"$ANALYZE" dz.zst --leaks \
		--debug-dir dzdbg >dz.txt &&
	grep "gate_leak_alpha  tests/programs/gate.c" dz.txt &&
	grep "\.dwz/common\", O_RDONLY) = [0-9]" dz.log
'

# A program rebuilt in place after its traces were made (the baseline a
# diff compares with was traced from the last build): the file at its
# path is another build. The traced build is found by build-id, in a
# debug directory (DIR/.build-id/xx/yyyy, the object itself, as perf's
# build-id cache keeps it) or where the analyzer kept it when it first
# read a trace of that build (PERFSHIM_CACHE_DIR/objects).
build_gate () {
	cc -g "$2" -I"$PERFSHIM_ROOT/include" -o "$1" "$SRC_PROGS/gate.c" -ldl
}

test_expect_success 'rebuilt in place: the traced build by build-id in --debug-dir' '
	mkdir -p rb &&
	build_gate rb/gate -O0 &&
	id=$(build_id rb/gate) &&
	mkdir -p keep/.build-id/$(echo $id | cut -c1-2) &&
	cp rb/gate keep/.build-id/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-) &&
	PERFSHIM_CACHE_DIR=off run_traced rb.zst rb/gate both &&
	build_gate rb/gate -O1 &&
	test "$(build_id rb/gate)" != "$id" &&
	PERFSHIM_CACHE_DIR=off analyze rb.zst --leaks >stale.txt 2>stale.err &&
	grep "build-id differs from the traced one" stale.err &&
	! grep "gate_leak_alpha" stale.txt &&
	line=$(leak_line gate.c alpha) &&
	PERFSHIM_CACHE_DIR=off analyze rb.zst --leaks --debug-dir keep >rb.txt 2>rb.err &&
	grep "^    #0  gate_leak_alpha  .*tests/programs/gate.c:$line  \\[gate\\]$" rb.txt &&
	test_must_be_empty rb.err &&
	PERFSHIM_CACHE_DIR=off analyze diff rb.zst rb.zst --debug-dir keep >d.txt 2>d.err &&
	test_must_be_empty d.err
'

test_expect_success 'rebuilt in place: the build the analyzer read before, from its cache' '
	mkdir -p rc &&
	build_gate rc/gate -O0 &&
	PERFSHIM_CACHE_DIR=off run_traced rc.zst rc/gate both &&
	PERFSHIM_CACHE_DIR=$PWD/cache analyze rc.zst --leaks >before.txt &&
	build_gate rc/gate -O1 &&
	PERFSHIM_CACHE_DIR=$PWD/cache analyze rc.zst --leaks >after.txt 2>after.err &&
	test_must_be_empty after.err &&
	test_cmp before.txt after.txt &&
	grep "gate_leak_alpha  .*tests/programs/gate.c" after.txt
'

test_expect_success 'a kept build written over in place: no wrong names, the entry dropped' '
	mkdir -p ro &&
	build_gate ro/gate -O0 &&
	PERFSHIM_CACHE_DIR=off run_traced ro.zst ro/gate both &&
	PERFSHIM_CACHE_DIR=$PWD/cache2 analyze ro.zst --leaks >/dev/null &&
	id=$(build_id ro/gate) &&
	test -f cache2/objects/$id &&
	cp "$PROGS/deep" ro/gate &&
	PERFSHIM_CACHE_DIR=$PWD/cache2 analyze ro.zst --leaks >ro.txt 2>ro.err &&
	grep "build-id differs from the traced one" ro.err &&
	! grep "gate_leak_alpha" ro.txt &&
	test_path_is_missing cache2/objects/$id
'

test_done
