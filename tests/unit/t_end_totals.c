/*
 * t_end_totals.c - the END record's totals as the reader sees them, and
 * two helpers for t0352-end-totals.sh:
 *	t_end_totals                    the unit tests (TAP)
 *	t_end_totals --print TRACE      print the END totals of a trace:
 *	                                "ALLOCS FREES BYTES", or nothing
 *	t_end_totals --mismatch OUT     write a trace whose END totals (5
 *	                                allocations, 3 frees) exceed its
 *	                                events (3 allocations, 1 free)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "reader.h"
#include "tap.h"
#include "tracebuf.h"

struct got {
	int have_end;
	struct trace_end end;
	uint64_t allocs, frees, bytes;
};

static int on_event(void *ctx, const struct trace_event *ev)
{
	struct got *g = ctx;

	if (ev->kind == PERFSHIM_EV_ALLOC) {
		g->allocs++;
		g->bytes += ev->size;
	} else if (ev->kind == PERFSHIM_EV_FREE) {
		g->frees++;
	}
	return 0;
}

static int on_end(void *ctx, const struct trace_end *end)
{
	struct got *g = ctx;

	g->have_end = 1;
	g->end = *end;
	return 0;
}

static int read_trace(struct trace_reader *r, struct got *g)
{
	struct trace_visitor v = { 0 };
	int rc;

	memset(g, 0, sizeof(*g));
	if (!r)
		return -2;
	v.ctx = g;
	v.event = on_event;
	v.end = on_end;
	rc = trace_reader_run(r, &v);
	trace_reader_free(r);
	return rc;
}

/* 3 allocations (8 + 16 + 32 bytes) and 1 free; END: 5, 3, 100. */
static void mismatched_trace(struct buf *file)
{
	struct buf f = { 0 }, end = { 0 };
	const struct alloc_ev ev[] = { { 10, 1, 0x1000, 8, 0 },
				       { 10, 1, 0x2000, 16, 0 },
				       { 10, 0, 0x1000, 0, 0 },
				       { 10, 1, 0x3000, 32, 0 } };

	header_minor(file, PERFSHIM_FORMAT_MAJOR, PERFSHIM_FORMAT_MINOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	alloc_chunk(&f, 0, ev, 4);
	rec_u(&f, PERFSHIM_REC_SYNC, 100);
	put_u(&end, PERFSHIM_END_EXIT);
	put_u(&end, perfshim_zigzag(0));
	put_u(&end, 5);	  /* allocation calls */
	put_u(&end, 3);	  /* free calls */
	put_u(&end, 100); /* bytes */
	put_u(&end, 0);
	put_u(&end, 0); /* lost */
	rec(&f, PERFSHIM_REC_END, &end);
	add_frame(file, &f);
	free(f.p);
	free(end.p);
}

static int print_end(const char *path)
{
	struct got g;

	if (read_trace(trace_reader_open(path), &g))
		return 2;
	if (g.have_end)
		printf("%llu %llu %llu\n",
		       (unsigned long long)g.end.alloc_calls,
		       (unsigned long long)g.end.free_calls,
		       (unsigned long long)g.end.alloc_bytes);
	return 0;
}

static int write_mismatch(const char *path)
{
	struct buf file = { 0 };
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f)
		return 2;
	mismatched_trace(&file);
	bad = fwrite(file.p, 1, file.len, f) != file.len;
	bad |= fclose(f) != 0;
	free(file.p);
	return bad ? 2 : 0;
}

int main(int argc, char **argv)
{
	struct buf file = { 0 };
	struct got g;

	if (argc == 3 && !strcmp(argv[1], "--print"))
		return print_end(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--mismatch"))
		return write_mismatch(argv[2]);
	mismatched_trace(&file);
	is_int(read_trace(trace_reader_open_mem(file.p, file.len, "m"), &g), 0,
	       "mismatch: read to the end");
	ok(g.have_end, "mismatch: the END record is seen");
	is_uint(g.end.alloc_calls, 5, "END: allocation calls as written");
	is_uint(g.end.free_calls, 3, "END: free calls as written");
	is_uint(g.end.alloc_bytes, 100, "END: bytes as written");
	is_uint(g.allocs, 3, "events: 3 allocations");
	is_uint(g.frees, 1, "events: 1 free");
	is_uint(g.bytes, 56, "events: 56 bytes");
	free(file.p);
	done_testing();
	return exit_status();
}
