#!/bin/sh

test_description='a malloc before the shim: the process is left untraced, said once'

. "$(dirname "$0")/test-lib.sh"

# Known truth: probe_own_malloc prints "own malloc: used" and exits 3; an
# ASan-built program prints 1 and exits 2. Under the shim each must do
# the same, print one perfshim line naming the malloc's owner, and leave
# no trace file (a trace would say "no allocation" of a run it never saw).

test_expect_success 'a program with its own malloc: unchanged, said once' '
	capture own "$PROGS/probe_own_malloc" &&
	capture_traced traced own.%p.zst "$PROGS/probe_own_malloc" &&
	test_same_result own traced &&
	test_cmp_str status 3 "$(cat traced.code)" &&
	test_line_count = 1 traced.err &&
	grep "^perfshim: .*probe_own_malloc replaces malloc" traced.err &&
	test_path_is_missing own.*.zst
'

# Known truth: tests/programs/malloc_addr.c keeps 10 blocks. Built without
# PIE, "malloc" names its canonical PLT entry, which only jumps to the
# shim's: traced as any program, and a malloc preloaded before the shim
# is still found behind it.
test_expect_success 'a non-PIE program that takes malloc'"'"'s address: traced' '
	test "$(readelf -W --dyn-syms "$PROGS/malloc_addr_nopie" |
		awk "\$8 ~ /^malloc(@|\$)/ && \$7 == \"UND\" && \$2 !~ /^0+\$/" |
		wc -l)" = 1 &&
	MALLOC_ADDR_VAR=here capture addr.native "$PROGS/malloc_addr_nopie" &&
	MALLOC_ADDR_VAR=here capture_traced addr addr.zst \
		"$PROGS/malloc_addr_nopie" &&
	test_cmp addr.native.out addr.out &&
	test_cmp_str "the environment" "MALLOC_ADDR_VAR here" \
		"$(sed -n 2p addr.out)" &&
	test_cmp_str output "kept 10" "$(tail -1 addr.out)" &&
	test_must_be_empty addr.err &&
	analyze addr.zst --leaks --json >addr.json &&
	test "$(jq "[.leaks[] | select(.kind == \"definite\" or .kind == \"possible\" or .kind == \"reachable\" or .kind == \"indirect\" or .kind == \"unclassified\") | .blocks] | add" addr.json)" -ge 10 &&
	analyze addr.zst --json >addr.sum &&
	test "$(jq .alloc_calls addr.sum)" -ge 10000
'

test_expect_success 'the same, a malloc preloaded before the shim: said once, untraced' '
	${CC:-cc} -shared -fPIC -o libbump.so "$SRC_PROGS/probe_own_malloc.c" &&
	capture pre env LD_PRELOAD="$PWD/libbump.so $SHIM" \
		PERFSHIM_OUTPUT=pre.zst "$PROGS/malloc_addr_nopie" &&
	test_cmp_str output "kept 10" "$(tail -1 pre.out)" &&
	test_line_count = 1 pre.err &&
	grep "^perfshim: .*libbump.so replaces malloc" pre.err &&
	test_path_is_missing pre.zst
'

# Known truth: libsigwrap wraps signal() and sigaction() under one lock,
# as the JDK's libjsig does, and probe_signal_api installs handlers every
# way there is. Preloaded before the shim, the wrapper's signal() reaches
# the shim's, which must not call the wrapper's sigaction() again.
# Known truth: tests/programs/malloc_overrun.c writes a byte past a block,
# frees it and leaks 1000 bytes. glibc's libc_malloc_debug.so defines the
# allocator under glibc's versions only (malloc@GLIBC_2.2.5, no default),
# which an unversioned lookup passes by: preloaded before the shim it
# took every call and the trace said "allocation calls: 0" (a leak gate
# passed); after it, its checks were bypassed (glibc.malloc.check=3 finds
# the overrun and aborts).
MALLOC_DEBUG=/usr/lib/x86_64-linux-gnu/libc_malloc_debug.so.0
test -f "$MALLOC_DEBUG" && test_set_prereq MALLOC_DEBUG
test_expect_success MALLOC_DEBUG 'glibc'"'"'s malloc debugging library before the shim: said once, untraced' '
	capture dbg env LD_PRELOAD="$MALLOC_DEBUG $SHIM" \
		PERFSHIM_OUTPUT=dbg.zst "$PROGS/malloc_overrun" &&
	test_cmp_str status 0 "$(cat dbg.code)" &&
	test_line_count = 1 dbg.err &&
	grep "^perfshim: .*libc_malloc_debug.so.0 replaces malloc" dbg.err &&
	test_path_is_missing dbg.zst
'

test_expect_success MALLOC_DEBUG 'after the shim: its checks act as natively, and the run is traced' '
	GLIBC_TUNABLES=glibc.malloc.check=3 capture cnat \
		env LD_PRELOAD="$MALLOC_DEBUG" "$PROGS/malloc_overrun" &&
	test_cmp_str "native status" 134 "$(cat cnat.code)" &&
	GLIBC_TUNABLES=glibc.malloc.check=3 capture cshim \
		env LD_PRELOAD="$SHIM $MALLOC_DEBUG" PERFSHIM_OUTPUT=c.zst \
		"$PROGS/malloc_overrun" &&
	test_cmp_str "status under the shim" 134 "$(cat cshim.code)" &&
	capture plain env LD_PRELOAD="$SHIM $MALLOC_DEBUG" \
		PERFSHIM_OUTPUT=p.zst "$PROGS/malloc_overrun" &&
	test_cmp_str output done "$(cat plain.out)" &&
	analyze p.zst --leaks --json >p.json &&
	jq -e ".leaks | map(.bytes) | index(1000) != null" p.json
'

test_expect_success 'a signal wrapper preloaded before the shim: no hang, the same answers' '
	capture wrap.native timeout 30 env \
		LD_PRELOAD="$PROGS/libsigwrap.so" "$PROGS/probe_signal_api" &&
	capture wrap timeout 30 env \
		LD_PRELOAD="$PROGS/libsigwrap.so $SHIM" \
		PERFSHIM_OUTPUT=wrap.zst "$PROGS/probe_signal_api" &&
	test_cmp_str status "$(cat wrap.native.code)" "$(cat wrap.code)" &&
	test_cmp wrap.native.out wrap.out &&
	analyze wrap.zst >wrap.sum &&
	ended_cleanly wrap.sum
'

# Known truth: libnoreaddir defines readdir() alone, failing with EIO;
# listdir counts what readdir() gives. Preloaded after the shim (as
# coreutils' rm-readdir-fail test does with $LD_PRELOAD:./k.so), its
# readdir() must still be the one called: the shim's went on to the C
# library's readdir64 (4 entries, end).
test_expect_success 'a readdir() preloaded after the shim is still called' '
	mkdir -p d && touch d/a d/b &&
	capture rd.native env LD_PRELOAD="$PROGS/libnoreaddir.so" "$PROGS/listdir" d &&
	echo "0 entries, error: Input/output error" >expect &&
	test_cmp expect rd.native.out &&
	capture rd env LD_PRELOAD="$SHIM $PROGS/libnoreaddir.so" \
		PERFSHIM_OUTPUT=rd.zst "$PROGS/listdir" d &&
	test_same_run rd.native rd &&
	analyze rd.zst >rd.sum &&
	ended_cleanly rd.sum
'

test_lazy_prereq VALGRIND 'valgrind -q /bin/true'

# Under valgrind its allocator takes every allocation: the shim steps
# aside, says so once, and valgrind finds nothing of the shim's to report.
test_expect_success VALGRIND 'under valgrind: said once, not traced, no error of valgrind'"'"'s' '
	capture vg env LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT="$PWD/vg.%p.zst" \
		valgrind -q --error-exitcode=99 "$PROGS/malloc_addr_nopie" &&
	test_cmp_str status 0 "$(cat vg.code)" &&
	test_cmp_str "last line" "kept 10" "$(tail -1 vg.out)" &&
	test_cmp_str "lines on stderr" 1 "$(wc -l <vg.err)" &&
	grep "^perfshim: running under valgrind, whose allocator takes every allocation: this process is not traced" vg.err
'

ASAN_RT=$(${CC:-cc} -print-file-name=libasan.so 2>/dev/null)
if ${CC:-cc} -fsanitize=address -o probe_asan \
	"$SRC_PROGS/asan/probe_asan.c" 2>/dev/null &&
	./probe_asan >/dev/null 2>&1; test $? = 2
then
	test_set_prereq ASAN
fi

# ASan must come first in the library list; it then owns malloc.
test_expect_success ASAN 'ASan first, the shim after it: no hang, said once' '
	capture asan timeout 60 sh -c "LD_PRELOAD=\"\$0 \$1\" \
		PERFSHIM_OUTPUT=asan.%p.zst exec ./probe_asan" "$ASAN_RT" "$SHIM" &&
	mv asan.out out && mv asan.err err && mv asan.code code &&
	test_cmp_str output 1 "$(cat out)" &&
	test_cmp_str status 2 "$(cat code)" &&
	test_line_count = 1 err &&
	grep "^perfshim: .*libasan.* replaces malloc or is a sanitizer" err &&
	test_path_is_missing asan.*.zst
'

# With the order check off, the shim comes first but ASan still wraps
# threads and allocations around it (this used to deadlock).
test_expect_success ASAN 'the shim first, ASan told not to mind: no hang' '
	capture late timeout 60 sh -c "ASAN_OPTIONS=verify_asan_link_order=0 \
		LD_PRELOAD=\"\$0\" PERFSHIM_OUTPUT=late.%p.zst \
		exec ./probe_asan" "$SHIM" &&
	mv late.out out && mv late.err err && mv late.code code &&
	test_cmp_str output 1 "$(cat out)" &&
	test_cmp_str status 2 "$(cat code)" &&
	test_line_count = 1 err &&
	test_path_is_missing late.*.zst
'

test_done
