#!/bin/sh
# Covers: trace format 4 (include/perfshim_trace.h, "Since major 4"):
# frames written split, each column of the whole frame side by side;
# 3.x traces still read as before; and what it saves.

test_description='trace format 4: split frames, 3.x still read, smaller traces'

. "$(dirname "$0")/test-lib.sh"

CORPUS=$TEST_DIRECTORY/../fuzz/corpus

test_lazy_prereq SQLITE3 'command -v sqlite3'

# The first byte of a trace's first frame, decompressed, in decimal.
first_byte () {
	hlen=$(trace_header_len "$1") &&
		tail -c +$((hlen + 1)) "$1" | zstd -dc 2>/dev/null |
		head -c 1 | od -An -tu1 | tr -d " "
}

test_expect_success 'a new trace is format 5.4, its frames split' '
	run_traced new.zst "$PROGS/free_orders" &&
	is_current_format new.zst new.json &&
	test_cmp_str "first byte (PERFSHIM_REC_SPLIT)" 41 "$(first_byte new.zst)"
'

test_expect_success 'a 3.4 trace of free_orders reads as a new one' '
	test_cmp_str "first byte (PERFSHIM_REC_FRAME)" 1 \
		"$(first_byte "$CORPUS/free-orders-3.4.zst")" &&
	"$ANALYZE" "$CORPUS/free-orders-3.4.zst" --json >old.json &&
	test_cmp_str format 3 "$(jq -r .format old.json)" &&
	for k in alloc_calls free_calls live_blocks live_bytes; do
		test_cmp_str $k "$(jq -r .$k old.json)" \
			"$(jq -r .$k new.json)" || return 1
	done &&
	"$ANALYZE" "$CORPUS/free-orders-3.4.zst" --leaks --json |
		jq -c "[.leaks[] | [.kind, .bytes, .blocks]]" >old.leaks &&
	"$ANALYZE" new.zst --leaks --json |
		jq -c "[.leaks[] | [.kind, .bytes, .blocks]]" >new.leaks &&
	test_cmp old.leaks new.leaks
'

# Cut inside the first frame: free_orders takes about 100 ms, and past
# PERFSHIM_FLUSH_MS (100) its trace has a second frame, where a cut left
# the first whole and the gate failed on its leaks (1; t0360 says why).
test_expect_success 'a split trace cut inside its first frame: no gate passes' '
	head -c $(($(trace_header_len new.zst) + 100)) new.zst >cut.zst &&
	test_expect_code 2 "$ANALYZE" cut.zst --leaks --fail-on-leak \
		>cut.out 2>cut.err &&
	grep "trace cut short" cut.err &&
	grep "a gate cannot pass" cut.err
'

# sqlite3 on the bench's generated script (bench/sqlgen.awk), small: 88k
# allocations in one frame. Format 2.3 took 1.10 B a pair here, 3.3 0.85,
# 3.4 0.713, 4.4 0.61-0.67 (the whole bench script, 7 frames: 12% less),
# 5.4 0.55-0.56 (32 recently freed addresses a class, not 8), 6.4 0.50
# (times in quanta 16 times as wide), 7.4 0.31 (no address for a block
# of a program of one thread).
# The times' bytes follow the machine's speed and load (sqlite3's took
# 7.6 to 13.1 kB of 50 to 56 kB in five runs on one machine in 5.4,
# 1.5 to 1.7 kB of 44 kB in 6.4); the other columns do not, with no
# samples and the whole run in one frame.
test_expect_success SQLITE3 'sqlite3: at most 0.33 trace bytes per alloc+free pair but for the times, 0.36 in all' '
	awk -v rows=2000 -v queries=400 \
		-f "$TEST_DIRECTORY/../../bench/sqlgen.awk" >script.sql &&
	LD_PRELOAD="$SHIM" PERFSHIM_OUTPUT=sql.zst PERFSHIM_SAMPLE_HZ=0 \
		PERFSHIM_FLUSH_MS=60000 PERFSHIM_BUFFER_KB=65536 \
		sqlite3 db ".read script.sql" >/dev/null &&
	"$ANALYZE" sql.zst --json >sql.json &&
	pairs=$(jq -r .alloc_calls sql.json) &&
	bytes=$(wc -c <sql.zst) &&
	"$PERFSHIM_BUILD/tools/colstat" sql.zst >cols.txt &&
	times=$(awk "\$1 == \"times\" { print \$3 }" cols.txt) &&
	echo "$bytes bytes, $times of them the times, $pairs pairs" &&
	test $(((bytes - times) * 100)) -le $((pairs * 33)) &&
	test $((bytes * 100)) -le $((pairs * 36))
'

test_done
