/*
 * t_calls.c - CALLS records (format 1.3) through the reader: timed calls
 * decoded with their zigzag start deltas, the dropped count handed on,
 * corrupt records refused, and a CALLS record in an older minor refused.
 *
 * "t_calls --write FILE" writes, instead, a trace whose calls nest badly
 * by a few ns (zone "inner" at depth 1 ends 10 ns after "outer", which
 * holds it), as clock conversion can make them, for t0720.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "reader.h"
#include "tap.h"
#include "tracebuf.h"

struct got {
	int records;
	uint32_t thread;
	uint64_t dropped;
	size_t n;
	struct trace_call call[8];
};

static int on_calls(void *ctx, const struct trace_calls *c)
{
	struct got *g = ctx;

	g->records++;
	g->thread = c->thread;
	g->dropped += c->dropped;
	for (size_t i = 0; i < c->n && g->n < 8; i++)
		g->call[g->n++] = c->call[i];
	return 0;
}

/*
 * A trace whose CALLS record holds n calls of calls[] (5 fields each:
 * type, value, depth, start, duration; start as the shim writes it, a
 * zigzag delta from the previous call's), claiming count calls.
 */
static int run(unsigned minor, const uint64_t (*calls)[5], size_t n,
	       uint64_t count, struct got *g, const char **err)
{
	struct buf file = { 0 }, f = { 0 }, p = { 0 };
	struct trace_visitor v = { .ctx = g, .calls = on_calls };
	struct trace_reader *r;
	uint64_t prev = 0;
	int rc = -2;

	memset(g, 0, sizeof(*g));
	header_minor(&file, PERFSHIM_FORMAT_MAJOR, minor);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 2);  /* thread */
	put_u(&p, 17); /* dropped */
	put_u(&p, count);
	for (size_t i = 0; i < n; i++) {
		put_u(&p, calls[i][0]);
		put_u(&p, calls[i][1]);
		put_u(&p, calls[i][2]);
		put_u(&p, perfshim_zigzag((int64_t)(calls[i][3] - prev)));
		put_u(&p, calls[i][4]);
		prev = calls[i][3];
	}
	rec(&f, PERFSHIM_REC_CALLS, &p);
	add_frame(&file, &f);
	r = trace_reader_open_mem(file.p, file.len, "t");
	if (r) {
		capture_start();
		rc = trace_reader_run(r, &v);
		*err = capture_end();
	}
	trace_reader_free(r);
	free(file.p);
	free(f.p);
	free(p.p);
	return rc;
}

static int write_bad_nest(const char *path)
{
	struct buf file = { 0 }, f = { 0 }, p = { 0 };
	FILE *out = fopen(path, "wb");

	header_minor(&file, PERFSHIM_FORMAT_MAJOR, PERFSHIM_FORMAT_MINOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 0);  /* thread index */
	put_u(&p, 42); /* tid */
	put_str(&p, "main");
	rec(&f, PERFSHIM_REC_THREAD, &p);
	p.len = 0;
	put_u(&p, 1);
	put_str(&p, "outer");
	rec(&f, PERFSHIM_REC_STRING, &p);
	p.len = 0;
	put_u(&p, 2);
	put_str(&p, "inner");
	rec(&f, PERFSHIM_REC_STRING, &p);
	p.len = 0;
	put_u(&p, 0); /* thread */
	put_u(&p, 0); /* dropped */
	put_u(&p, 2);
	/* inner: depth 1, 1000..1160 ns; outer: depth 0, 500..1150 ns */
	put_u(&p, PERFSHIM_PATH_ZONE);
	put_u(&p, 2);
	put_u(&p, 1);
	put_u(&p, perfshim_zigzag(1000));
	put_u(&p, 160);
	put_u(&p, PERFSHIM_PATH_ZONE);
	put_u(&p, 1);
	put_u(&p, 0);
	put_u(&p, perfshim_zigzag(-500));
	put_u(&p, 650);
	rec(&f, PERFSHIM_REC_CALLS, &p);
	p.len = 0;
	for (int i = 0; i < 8; i++) /* END: exit 0, no counts */
		put_u(&p, 0);
	rec(&f, PERFSHIM_REC_END, &p);
	add_frame(&file, &f);
	int rc = !out || fwrite(file.p, 1, file.len, out) != file.len;

	if (out && fclose(out))
		rc = 1;
	free(file.p);
	free(f.p);
	free(p.p);
	return rc;
}

int main(int argc, char **argv)
{
	/* A child returns before its parent, which began earlier. */
	static const uint64_t nested[][5] = {
		{ PERFSHIM_PATH_ZONE, 1, 1, 5000, 300 },
		{ PERFSHIM_PATH_FUNCTION, 0x401000, 2, 5100, 20 },
		{ PERFSHIM_PATH_FUNCTION, 0x401000, 0, 1000, 9000 },
	};
	static const uint64_t bad_type[][5] = { { 2, 1, 0, 10, 1 } };
	static const uint64_t zone0[][5] = { { PERFSHIM_PATH_ZONE, 0, 0, 10,
					       1 } };
	struct got g;
	const char *err = "";

	if (argc == 3 && !strcmp(argv[1], "--write"))
		return write_bad_nest(argv[2]);

	is_int(run(3, nested, 3, 3, &g, &err), 0, "a CALLS record reads");
	ok(g.records == 1 && g.thread == 2 && g.dropped == 17 && g.n == 3,
	   "one record of thread 2: 3 calls, 17 dropped");
	ok(g.call[0].type == PERFSHIM_PATH_ZONE && g.call[0].value == 1 &&
		   g.call[0].depth == 1 && g.call[0].start == 5000 &&
		   g.call[0].dur == 300,
	   "the zone call, as written");
	ok(g.call[1].value == 0x401000 && g.call[1].start == 5100 &&
		   g.call[1].depth == 2 && g.call[1].dur == 20,
	   "the function call");
	ok(g.call[2].start == 1000 && g.call[2].dur == 9000 &&
		   g.call[2].depth == 0,
	   "a start before the previous one (a negative delta)");

	is_int(run(3, nested, 3, 4, &g, &err), -1,
	       "a record that claims more calls than it holds is refused");
	ok(strstr(err, "corrupt trace") != NULL, "as corrupt (%s)", err);
	is_int(run(3, nested, 3, 1000000, &g, &err), -1,
	       "and so is one that claims a million in a few bytes");
	is_int(run(3, bad_type, 1, 1, &g, &err), -1, "an unknown call type");
	is_int(run(3, zone0, 1, 1, &g, &err), -1, "a zone with no name");
	is_int(run(2, nested, 3, 3, &g, &err), -1,
	       "a CALLS record in a minor-2 trace is corruption");
	ok(g.records == 0, "and is not handed out");
	done_testing();
	return 0;
}
