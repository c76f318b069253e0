#!/bin/sh

test_description='plain copies of compressed debug files, kept between runs'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/gate.c "both" leaks 300 bytes in
# gate_leak_alpha() (LEAK:alpha). Two ways to hold its DWARF compressed
# (SHF_COMPRESSED, as distributions ship debug files): a stripped copy
# with a separate debug file found by build-id, and a copy whose own
# sections are compressed. The analyzer reads a plain copy kept in
# PERFSHIM_CACHE_DIR/debug/BUILDID.debug, whose output must equal that
# of the run without the cache.

# compressed FILE - some section of FILE is SHF_COMPRESSED
compressed () {
	readelf -SWt "$1" | grep -q COMPRESSED
}

test_expect_success 'setup: gates with compressed DWARF, and their traces' '
	cp "$PROGS/gate" split &&
	build_id split >id &&
	debug=$(debug_by_id split dbg --compress-debug-sections=zlib) &&
	compressed "$debug" &&
	objcopy --compress-debug-sections=zlib "$PROGS/gate" own &&
	compressed own &&
	run_traced split.zst ./split both &&
	run_traced own.zst ./own both
'

test_expect_success 'a separate debug file: names as without the cache' '
	line=$(leak_line gate.c alpha) &&
	PERFSHIM_CACHE_DIR=off analyze split.zst --leaks --debug-dir dbg \
		>off.txt &&
	grep "^    #0  gate_leak_alpha  tests/programs/gate.c:$line  \[split\]$" off.txt &&
	test_path_is_missing c &&
	PERFSHIM_CACHE_DIR=c analyze split.zst --leaks --debug-dir dbg \
		>cold.txt 2>cold.err &&
	test_cmp off.txt cold.txt &&
	test_must_be_empty cold.err
'

test_expect_success 'the copy: named by build-id, nothing compressed' '
	test -f c/debug/$(cat id).debug &&
	! compressed c/debug/$(cat id).debug &&
	readelf -n c/debug/$(cat id).debug | grep "Build ID: $(cat id)" &&
	ls c/debug >files &&
	echo $(cat id).debug >expect &&
	test_cmp expect files
'

test_expect_success 'a second run reads the copy and marks it used' '
	touch -d "2001-01-01" c/debug/$(cat id).debug &&
	PERFSHIM_CACHE_DIR=c analyze split.zst --leaks --debug-dir dbg \
		>warm.txt &&
	test_cmp off.txt warm.txt &&
	test "$(stat -c %Y c/debug/$(cat id).debug)" -gt 1000000000 &&
	test "$(date -d @$(stat -c %Y c/debug/$(cat id).debug) +%Y)" != 2001
'

test_expect_success 'a wrong copy (other build-id, or garbage) is made again' '
	objcopy --remove-section=.note.gnu.build-id own c/debug/$(cat id).debug &&
	PERFSHIM_CACHE_DIR=c analyze split.zst --leaks --debug-dir dbg \
		>redo.txt &&
	test_cmp off.txt redo.txt &&
	readelf -n c/debug/$(cat id).debug | grep "Build ID: $(cat id)" &&
	echo garbage >c/debug/$(cat id).debug &&
	PERFSHIM_CACHE_DIR=c analyze split.zst --leaks --debug-dir dbg \
		>redo2.txt &&
	test_cmp off.txt redo2.txt &&
	! compressed c/debug/$(cat id).debug
'

test_expect_success 'a program with its own compressed DWARF: a full copy' '
	PERFSHIM_CACHE_DIR=off analyze own.zst --leaks >own-off.txt &&
	grep "gate_leak_alpha  tests/programs/gate.c" own-off.txt &&
	PERFSHIM_CACHE_DIR=c2 analyze own.zst --leaks >own-cold.txt &&
	PERFSHIM_CACHE_DIR=c2 analyze own.zst --leaks >own-warm.txt &&
	test_cmp own-off.txt own-cold.txt &&
	test_cmp own-off.txt own-warm.txt &&
	copy=c2/debug/$(cat id).debug &&
	! compressed $copy &&
	readelf -lW own >phdr.expect &&
	readelf -lW $copy >phdr.actual &&
	test_cmp phdr.expect phdr.actual &&
	# all but the ELF header (e_shoff moved) up to the end of .text
	set -- $(readelf -SW own | sed "s/^ *\[ *[0-9]*\]//" |
		awk "\$1 == \".text\" { print \$4, \$5 }") &&
	cmp -i 64 -n $((0x$1 + 0x$2 - 64)) own $copy
'

test_expect_success 'unusable cache directory, or off: same output, no words' '
	touch file &&
	PERFSHIM_CACHE_DIR=file/sub analyze split.zst --leaks --debug-dir dbg \
		>nodir.txt 2>nodir.err &&
	test_cmp off.txt nodir.txt &&
	test_must_be_empty nodir.err &&
	PERFSHIM_CACHE_DIR= analyze split.zst --leaks --debug-dir dbg \
		>empty.txt &&
	test_cmp off.txt empty.txt
'

test_expect_success 'without PERFSHIM_CACHE_DIR: XDG_CACHE_HOME, then HOME' '
	XDG_CACHE_HOME=$PWD/xdg analyze split.zst --leaks --debug-dir dbg \
		>xdg.txt &&
	test_cmp off.txt xdg.txt &&
	test -f xdg/perfshim/debug/$(cat id).debug &&
	(unset XDG_CACHE_HOME && HOME=$PWD/home &&
	 analyze split.zst --leaks --debug-dir dbg >home.txt) &&
	test_cmp off.txt home.txt &&
	test -f home/.cache/perfshim/debug/$(cat id).debug
'

test_expect_success 'PERFSHIM_CACHE_MAX_MB: least recently used go first' '
	mkdir -p lru/debug &&
	head -c 700000 /dev/zero >lru/debug/old.debug &&
	head -c 700000 /dev/zero >lru/debug/new.debug &&
	head -c 10 /dev/zero >lru/debug/stale.debug.tmp.abc123 &&
	touch -d "2001-01-01" lru/debug/old.debug lru/debug/stale.debug.tmp.abc123 &&
	PERFSHIM_CACHE_DIR=lru PERFSHIM_CACHE_MAX_MB=1 \
		analyze split.zst --leaks --debug-dir dbg >lru.txt &&
	test_cmp off.txt lru.txt &&
	test_path_is_missing lru/debug/old.debug &&
	test_path_is_missing lru/debug/stale.debug.tmp.abc123 &&
	test -f lru/debug/new.debug &&
	test -f lru/debug/$(cat id).debug
'

test_expect_success 'a copy bigger than half the limit is not made' '
	PERFSHIM_CACHE_DIR=small PERFSHIM_CACHE_MAX_MB=0 \
		analyze split.zst --leaks --debug-dir dbg >small.txt &&
	test_cmp off.txt small.txt &&
	ls small/debug >small.ls &&
	test_must_be_empty small.ls
'

test_expect_success 'PERFSHIM_CACHE_MAX_MB that is no number: one warning' '
	PERFSHIM_CACHE_DIR=c PERFSHIM_CACHE_MAX_MB=lots \
		analyze split.zst --leaks --debug-dir dbg >bad.txt 2>bad.err &&
	test_cmp off.txt bad.txt &&
	echo "perfanalyze: warning: PERFSHIM_CACHE_MAX_MB: lots is not a size in MiB; 2048 is used" >expect &&
	test_cmp expect bad.err
'

test_done
