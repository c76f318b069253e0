/* t_inversion.c - replay puts a free and an alloc of one address back in order. */
/*
 * The shim reads the time-stamp counter without a fence, so two threads'
 * events less than a microsecond apart may be stamped in the wrong order.
 * These traces, built in memory, hold such inversions (and look-alikes
 * too far apart to be one) and check the heap replay rebuilds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "perfshim_trace.h"
#include "reader.h"
#include "replay.h"
#include "tap.h"
#include "tracebuf.h"

static void header(struct buf *file)
{
	header_minor(file, PERFSHIM_FORMAT_MAJOR, PERFSHIM_FORMAT_MINOR);
}

/* An event at absolute time ts (ns); size 0 makes it a FREE. */
struct ev {
	uint64_t ts, addr, size;
};

static void chunk(struct buf *frame, unsigned t, const struct ev *e, size_t n)
{
	struct buf p = { 0 };
	uint64_t last = 0;

	put_u(&p, t);
	for (size_t i = 0; i < n; i++) {
		uint8_t tag = e[i].size ? PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC
					: PERFSHIM_EV_FREE;

		put(&p, &tag, 1);
		put_u(&p, e[i].ts - last);
		last = e[i].ts;
		if (e[i].size)
			put_u(&p, e[i].size);
		put_u(&p, e[i].addr);
		if (e[i].size)
			put_u(&p, 0); /* stack */
	}
	rec(frame, PERFSHIM_REC_CHUNK, &p);
	free(p.p);
}

/* Replay two threads' events; 0 when the trace read cleanly. */
static int replay2(struct replay *rp, const struct ev *e0, size_t n0,
		   const struct ev *e1, size_t n1)
{
	struct buf file = { 0 }, f = { 0 };
	struct trace_visitor v;
	uint8_t tag = PERFSHIM_REC_FRAME, zero = 0, one = 1;
	int rc;

	header(&file);
	put(&f, &tag, 1);
	put(&f, &one, 1); /* payload length */
	put(&f, &zero, 1);
	thread_rec(&f, 0);
	thread_rec(&f, 1);
	chunk(&f, 0, e0, n0);
	chunk(&f, 1, e1, n1);
	add_frame(&file, &f);

	struct trace_reader *r = trace_reader_open_mem(file.p, file.len, "inv");

	replay_init(rp);
	replay_visitor(rp, &v);
	capture_start(); /* no END record: the reader says it was cut short */
	rc = r ? trace_reader_run(r, &v) : -2;
	capture_end();
	trace_reader_free(r);
	free(file.p);
	free(f.p);
	return rc;
}

static const struct live_block *live_at(const struct replay *rp, uint64_t addr)
{
	for (size_t i = 0; i < rp->live_cap; i++)
		if (rp->live[i].addr == addr)
			return &rp->live[i];
	return NULL;
}

/* Thread 0 frees X, thread 1 gets X back: the ALLOC is stamped first. */
static void test_alloc_before_free(void)
{
	struct replay rp;
	const struct ev e0[] = { { 100, 0x1000, 10 }, { 5005, 0x1000, 0 } };
	const struct ev e1[] = { { 5000, 0x1000, 20 } };
	const struct live_block *b;

	is_int(replay2(&rp, e0, 2, e1, 1), 0, "alloc first: read");
	b = live_at(&rp, 0x1000);
	ok(rp.live_count == 1 && b && b->size == 20 && b->thread == 1,
	   "alloc first: thread 1's block is the one live");
	is_uint(rp.live_bytes, 20, "alloc first: live bytes are its size");
	is_uint(rp.unknown_frees, 0, "alloc first: no untracked free");
	is_uint(rp.reordered, 1, "alloc first: one pair put back in order");
	is_uint(rp.freed.size, 10, "alloc first: the free released thread 0's");
	is_uint(rp.peak_bytes, 20, "alloc first: peak counts each block once");
	replay_release(&rp);
}

/* Thread 1 allocates Y and hands it to thread 0, whose FREE is stamped first. */
static void test_free_before_alloc(void)
{
	struct replay rp;
	const struct ev e0[] = { { 2000, 0x2000, 0 } };
	const struct ev e1[] = { { 2003, 0x2000, 30 } };

	is_int(replay2(&rp, e0, 1, e1, 1), 0, "free first: read");
	ok(rp.live_count == 0 && !live_at(&rp, 0x2000),
	   "free first: the block is not live");
	is_uint(rp.live_bytes, 0, "free first: no live bytes");
	is_uint(rp.unknown_frees, 0, "free first: no untracked free");
	is_uint(rp.reordered, 1, "free first: one pair put back in order");
	ok(rp.alloc_calls == 1 && rp.free_calls == 1 && rp.alloc_bytes == 30,
	   "free first: both calls counted");
	replay_release(&rp);
}

/* The same shapes too far apart, or on one thread, are what they say. */
static void test_not_inversions(void)
{
	struct replay rp;
	/* Z: thread 1's ALLOC displaces a block; thread 0 frees Z 20 us
	 * later, so that free is of thread 1's block. W: a lone FREE, and
	 * thread 1 allocates W 20 us later. V: thread 0 frees V and
	 * allocates it again itself (one thread is never out of order). */
	const struct ev e0[] = { { 1000, 0x3000, 10 },
				 { 22000, 0x3000, 0 },
				 { 50000, 0x4000, 0 },
				 { 90000, 0x5000, 0 },
				 { 90001, 0x5000, 40 } };
	const struct ev e1[] = { { 2000, 0x3000, 20 }, { 70000, 0x4000, 30 } };

	is_int(replay2(&rp, e0, 5, e1, 2), 0, "far apart: read");
	ok(!live_at(&rp, 0x3000),
	   "far apart: the late free took the new block");
	ok(live_at(&rp, 0x4000) && live_at(&rp, 0x4000)->size == 30,
	   "far apart: an allocation after a lone free stays live");
	ok(live_at(&rp, 0x5000) && live_at(&rp, 0x5000)->size == 40,
	   "one thread: its free and alloc keep their order");
	is_uint(rp.unknown_frees, 2,
		"far apart: the lone frees stay untracked");
	is_uint(rp.reordered, 0, "far apart: nothing reordered");
	is_uint(rp.live_bytes, 70, "far apart: live bytes");
	replay_release(&rp);
}

/* Many inversions at once, interleaved on many addresses. */
static void test_many(void)
{
	enum { N = 200 };
	struct ev *e0 = calloc(2 * N, sizeof(*e0));
	struct ev *e1 = calloc(N, sizeof(*e1));
	struct replay rp;

	if (!e0 || !e1)
		exit(255);
	/* Thread 0 allocates N blocks, then frees each while thread 1,
	 * stamped 3 ns early, allocates its address again. */
	for (int i = 0; i < N; i++) {
		e0[i] = (struct ev){ 10 + (uint64_t)i, 0x10000 + 16u * i, 8 };
		e0[N + i] = (struct ev){ 1000 + 10 * (uint64_t)i,
					 0x10000 + 16u * i, 0 };
		e1[i] = (struct ev){ 997 + 10 * (uint64_t)i, 0x10000 + 16u * i,
				     24 };
	}
	is_int(replay2(&rp, e0, 2 * N, e1, N), 0, "many: read");
	is_uint(rp.live_count, N, "many: every new block live");
	is_uint(rp.live_bytes, 24 * N, "many: all of them thread 1's");
	is_uint(rp.reordered, N, "many: every pair put back in order");
	is_uint(rp.unknown_frees, 0, "many: no untracked free");
	replay_release(&rp);
	free(e0);
	free(e1);
}

int main(void)
{
	plan(25);
	test_alloc_before_free();
	test_free_before_alloc();
	test_not_inversions();
	test_many();
	return exit_status();
}
