#!/bin/sh

test_description='answers of symbolization kept by build-id between runs'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/gate.c "both" leaks 300 bytes in
# gate_leak_alpha() (LEAK:alpha); cxx_leaks and inlined give C++ names
# and inlined frames. A run with the cache (cold, then warm) must print
# what a run without it prints. The cache keeps an address's frames
# under the module's build-id, the answers read with DWARF apart from
# those of the symbol table alone: a stripped copy of gate (the same
# build-id) with no debug file at hand must still get no names from the
# answers a run of gate kept.

test_expect_success 'setup: traces, and a stripped copy of gate' '
	cp "$PROGS/gate" split &&
	build_id split >id &&
	debug_by_id split dbg >/dev/null &&
	run_traced gate.zst "$PROGS/gate" both &&
	run_traced split.zst ./split both &&
	run_traced cxx.zst "$PROGS/cxx_leaks" &&
	run_traced inl.zst "$PROGS/inlined"
'

# same NAME ARGS... - the report with the cache off, cold and warm (in
# directory c): one output, and nothing on stderr.
same () {
	same_n_=$1 &&
	shift &&
	PERFSHIM_CACHE_DIR=off analyze "$@" >$same_n_.off 2>$same_n_.off.err &&
	PERFSHIM_CACHE_DIR=c analyze "$@" >$same_n_.cold 2>$same_n_.cold.err &&
	PERFSHIM_CACHE_DIR=c analyze "$@" >$same_n_.warm 2>$same_n_.warm.err &&
	test_cmp $same_n_.off $same_n_.cold &&
	test_cmp $same_n_.off $same_n_.warm &&
	test_cmp $same_n_.off.err $same_n_.cold.err &&
	test_cmp $same_n_.off.err $same_n_.warm.err
}

test_expect_success 'leaks, hot spots and JSON: the same with the cache' '
	same g gate.zst --leaks &&
	grep "gate_leak_alpha  tests/programs/gate.c:$(leak_line gate.c alpha)" g.off &&
	same gj gate.zst --leaks --json &&
	same x cxx.zst --leaks &&
	same xh cxx.zst --hotspots &&
	same i inl.zst --leaks &&
	grep "#0  grab  tests/programs/inlined.c:$(leak_line inlined.c inlined)  (inlined)" i.warm
'

test_expect_success 'one file per build-id and kind, holding what the runs looked up' '
	test -s c/symbols/$(cat id)-dwarf-*.sym &&
	! ls c/symbols/$(cat id)-symtab-* 2>/dev/null &&
	for f in c/symbols/*; do
		case $f in *.sym) ;; *) echo "stray: $f"; false ;; esac || return 1
	done
'

test_expect_success 'a stripped copy without its debug file: no names kept for gate' '
	test -s c/symbols/$(cat id)-dwarf-*.sym &&
	same s split.zst --leaks &&
	! grep gate_leak_alpha s.warm &&
	grep "split+0x" s.warm &&
	test -s c/symbols/$(cat id)-symtab-*.sym
'

test_expect_success 'a program with its symbol table only: the same with the cache' '
	cp "$PROGS/gate" symonly &&
	strip --strip-debug symonly &&
	run_traced symonly.zst ./symonly both &&
	same so symonly.zst --leaks &&
	grep "#0  gate_leak_alpha  \[symonly\]" so.warm
'

test_expect_success 'the same copy with its debug file: the names' '
	same sd split.zst --leaks --debug-dir dbg &&
	grep "gate_leak_alpha  tests/programs/gate.c" sd.warm
'

test_expect_success 'a damaged file: the same output, and it is written again' '
	f=$(ls c/symbols/$(cat id)-dwarf-*.sym) &&
	size=$(wc -c <$f) &&
	cp $f good.sym &&
	printf "XXXXXXXX" | dd of=$f bs=1 seek=$((size - 12)) conv=notrunc 2>/dev/null &&
	cp $f bad.sym &&
	PERFSHIM_CACHE_DIR=c analyze gate.zst --leaks >dmg.out 2>dmg.err &&
	test_cmp g.off dmg.out &&
	test_must_be_empty dmg.err &&
	! cmp -s $f bad.sym &&
	PERFSHIM_CACHE_DIR=c analyze gate.zst --leaks >again.out &&
	test_cmp g.off again.out
'

test_expect_success 'a file that is no cache file, or a directory: ignored' '
	name=$(basename $(ls c/symbols/$(cat id)-dwarf-*.sym)) &&
	rm -rf c2 && mkdir -p c2/symbols &&
	echo "not a cache file" >c2/symbols/$name &&
	PERFSHIM_CACHE_DIR=c2 analyze gate.zst --leaks >junk.out 2>junk.err &&
	test_cmp g.off junk.out &&
	test_must_be_empty junk.err &&
	rm -f c2/symbols/$name && mkdir c2/symbols/$name &&
	PERFSHIM_CACHE_DIR=c2 analyze gate.zst --leaks >dir.out 2>dir.err &&
	test_cmp g.off dir.out &&
	test_must_be_empty dir.err
'

test_expect_success 'PERFSHIM_CACHE_MAX_MB: the least recently used files go' '
	rm -rf c3 && mkdir -p c3/symbols &&
	head -c 70000 /dev/zero >c3/symbols/old.sym &&
	head -c 10 /dev/zero >c3/symbols/x.sym.tmp.abc123 &&
	touch -d "2001-01-01" c3/symbols/old.sym c3/symbols/x.sym.tmp.abc123 &&
	PERFSHIM_CACHE_DIR=c3 PERFSHIM_CACHE_MAX_MB=1 \
		analyze gate.zst --leaks >lru.out &&
	test_cmp g.off lru.out &&
	test_path_is_missing c3/symbols/old.sym &&
	test_path_is_missing c3/symbols/x.sym.tmp.abc123 &&
	test -s c3/symbols/$(cat id)-dwarf-*.sym
'

test_done
