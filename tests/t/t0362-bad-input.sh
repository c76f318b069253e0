#!/bin/sh

test_description='the analyzer under bad input: crafted ids, pipes and FIFOs'

. "$(dirname "$0")/test-lib.sh"

# Known truth: gate.c "both" leaks 500 bytes in 3 blocks (alpha 300 in
# 1, beta 200 in 2). The crafted traces are its header followed by one
# zstd frame of hand-made records; a 100-odd-byte trace must not make the
# analyzer allocate what its ids claim (it did: 0.8 GB for a thread index,
# 12 GB for a stack node id).

test_lazy_prereq ZSTD 'command -v zstd'

# bytes N... - write the bytes N... (0..255) to stdout.
bytes () {
	printf "$(printf '\\%03o' "$@")"
}

# crafted NAME BYTES... - NAME.zst: the header of both.zst, then one frame
# of a FRAME record (sequence 0) and the records given as bytes.
crafted () {
	crafted_n_=$1 &&
	shift &&
	{
		cat header &&
		{ bytes 1 1 0 && bytes "$@"; } | zstd -q -c
	} >"$crafted_n_.zst"
}

# The analyzer to run under an address-space limit: a sanitizer build
# (make test's) reserves terabytes of shadow memory and cannot start under
# one, so the plain build, whose memory the limit is about, stands in.
if (ulimit -v 1048576 && "$ANALYZE" --version) >/dev/null 2>&1
then
	LIMITED=$ANALYZE
else
	LIMITED=$PERFSHIM_BUILD/perfanalyze
fi

# bounded NAME ARGS... - perfanalyze NAME.zst ARGS under a 1 GiB address
# space limit and a 20 s timeout: exit 2 with one line on stderr.
bounded () {
	bounded_n_=$1 &&
	shift &&
	bounded_c_=$(status_of sh -c "ulimit -v 1048576 && exec timeout 20 \"\$@\"" \
		sh "$LIMITED" "$bounded_n_.zst" "$@") &&
	test_cmp_str "$bounded_n_ $* status" 2 "$bounded_c_" &&
	test_line_count = 1 err
}

# status_of CMD... - run CMD (stdout to out, stderr to err) and print its
# exit status.
status_of () {
	"$@" >out 2>err
	echo $?
}

# from_pipe FILE CMD... - CMD with FILE through a pipe on its stdin.
from_pipe () {
	from_pipe_f_=$1
	shift
	cat "$from_pipe_f_" | "$@"
}

test_expect_success 'setup: a trace, and its header' '
	run_traced both.zst "$PROGS/gate" both &&
	head -c $(trace_header_len both.zst) both.zst >header
'

test_expect_success ZSTD 'a thread record with a huge index: exit 2 under 1 GiB, one line' '
	crafted thread 5 6 255 255 255 7 1 0 &&
	for args in "" --leaks --hotspots --growth
	do
		bounded thread $args || return 1
	done &&
	grep "thread index 16777215" err
'

test_expect_success ZSTD 'a chunk of a huge thread index: exit 2 under 1 GiB' '
	crafted chunk 6 4 255 255 255 7 &&
	bounded chunk --leaks &&
	bounded chunk --hotspots &&
	grep "thread index" err
'

test_expect_success ZSTD 'a stack node id far beyond the nodes defined: exit 2 under 1 GiB' '
	crafted node 4 8 128 128 128 128 1 1 1 0 &&
	for args in "" --leaks --hotspots --growth
	do
		bounded node $args || return 1
	done &&
	grep "stack node 268435456 where 1 was due" err
'

test_expect_success ZSTD 'the largest thread index allowed is read under 1 GiB' '
	crafted tmax 5 5 255 255 63 1 0 &&
	test_cmp_str status 0 "$(status_of sh -c "ulimit -v 1048576 && exec timeout 20 \"\$0\" tmax.zst --hotspots" "$LIMITED")"
'

test_expect_success 'a trace through a pipe is read in one pass' '
	leaks_json both.zst both.json &&
	from_pipe both.zst timeout 20 "$ANALYZE" /dev/stdin --leaks --json >pipe.json &&
	test_cmp both.json pipe.json
'

test_expect_success 'a suppressions file through a pipe is read in one pass' '
	echo leak:gate_leak_alpha |
	timeout 20 "$ANALYZE" both.zst --leaks --json --suppressions /dev/stdin >supp.json &&
	check_leak supp.json gate.c alpha 0 0 0 &&
	check_leak supp.json gate.c beta 200 2 1
'

test_expect_success '--growth on /dev/stdin redirected from the file works' '
	analyze both.zst --growth --json >file.json &&
	timeout 20 "$ANALYZE" /dev/stdin --growth --json <both.zst >stdin.json &&
	test_cmp file.json stdin.json
'

test_expect_success '--growth through a pipe: refused at once, exit 2, one line' '
	test_cmp_str status 2 "$(status_of from_pipe both.zst timeout 20 "$ANALYZE" /dev/stdin --growth)" &&
	test_line_count = 1 err &&
	grep "not a regular file" err
'

test_expect_success '--growth on a FIFO: refused at once, no wait for a writer' '
	mkfifo fifo &&
	test_cmp_str status 2 "$(status_of timeout 20 "$ANALYZE" fifo --growth)" &&
	test_line_count = 1 err &&
	grep "fifo: --growth may read the trace twice" err
'

test_expect_success 'diff --html through a pipe: refused at once, naming it (it read the pipe twice)' '
	test_cmp_str status 2 "$(status_of from_pipe both.zst timeout 20 "$ANALYZE" diff both.zst /dev/stdin --html -o p.html)" &&
	test_line_count = 1 err &&
	grep "/dev/stdin: diff --html may read the trace twice" err &&
	test_cmp_str status 2 "$(status_of timeout 20 "$ANALYZE" fifo --html -o f.html)" &&
	grep "fifo: --html may read the trace twice" err
'

test_expect_success 'a module path that is now a FIFO: not opened, frames as module+0xoffset' '
	cp "$PROGS/gate" ./gatecopy &&
	run_traced copy.zst ./gatecopy both &&
	rm gatecopy &&
	mkfifo gatecopy &&
	timeout 20 "$ANALYZE" copy.zst --leaks >out 2>err &&
	grep "gatecopy: not a regular file; its frames are shown as module+0xoffset" err &&
	grep "^    #[0-9]*  gatecopy+0x[0-9a-f]*  \[gatecopy\]$" out &&
	grep "^500 B in\|^Total: 500 B in" out
'

test_expect_success 'a directory to a report of one trace: one line saying so, exit 2' '
	mkdir runs &&
	cp copy.zst runs/ &&
	for opt in --leaks --fail-on-leak --growth --hotspots --flamegraph
	do
		test_expect_code 2 "$ANALYZE" runs $opt >out 2>err &&
		test_line_count = 1 err &&
		grep "runs: a directory: this report reads one trace" err || return 1
	done
'

test_done
