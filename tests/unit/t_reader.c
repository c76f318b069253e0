/* t_reader.c - the trace reader and replay on traces built in memory. */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "perfshim_trace.h"
#include "reader.h"
#include "replay.h"
#include "tee.h"
#include "tap.h"
#include "tracebuf.h"

static void header(struct buf *file, unsigned major)
{
	header_minor(file, major, 0);
}

/* What the visitor saw. */
struct seen {
	uint64_t ts[64];
	uint32_t thread[64];
	size_t n;
};

static int on_event(void *ctx, const struct trace_event *ev)
{
	struct seen *s = ctx;

	if (s->n < 64) {
		s->ts[s->n] = ev->ts;
		s->thread[s->n] = ev->thread;
	}
	s->n++;
	return 0;
}

static int run_seen(const struct buf *file, struct seen *s, int *cut)
{
	struct trace_reader *r = trace_reader_open_mem(file->p, file->len, "t");
	struct trace_visitor v = { 0 };
	int rc;

	if (!r)
		return -2;
	memset(s, 0, sizeof(*s));
	v.ctx = s;
	v.event = on_event;
	capture_start();
	rc = trace_reader_run(r, &v);
	capture_end();
	*cut = trace_reader_cut_short(r);
	trace_reader_free(r);
	return rc;
}

static void test_merge_order(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct seen s;
	int cut, sorted = 1;
	/* thread 1's chunk comes first in the file but is later in time */
	struct alloc_ev t1[] = { { 50, 1, 0x1000, 8, 0 },
				 { 10, 0, 0x1000, 0, 0 } };
	struct alloc_ev t0[] = { { 10, 1, 0x2000, 8, 0 },
				 { 20, 0, 0x2000, 0, 0 },
				 { 40, 1, 0x3000, 8, 0 } };

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	thread_rec(&f, 1);
	alloc_chunk(&f, 1, t1, 2); /* ts 50, 60 */
	alloc_chunk(&f, 0, t0, 3); /* ts 10, 30, 70 */
	rec_u(&f, PERFSHIM_REC_SYNC, 65);
	add_frame(&file, &f);

	is_int(run_seen(&file, &s, &cut), 0, "merge: read to the end");
	is_int((int)s.n, 5, "merge: five events");
	for (size_t i = 1; i < s.n && i < 64; i++)
		sorted &= s.ts[i - 1] <= s.ts[i];
	ok(sorted, "merge: events come out in time order");
	ok(s.n == 5 && s.ts[0] == 10 && s.thread[0] == 0 && s.ts[2] == 50 &&
		   s.thread[2] == 1 && s.ts[4] == 70,
	   "merge: threads interleave by time");
	ok(cut, "merge: a trace without END counts as cut short");
	free(file.p);
	free(f.p);
}

/* file: a trace of one frame, in which thread 0 makes e[0..n). */
static void one_thread_trace(struct buf *file, const struct alloc_ev *e,
			     size_t n)
{
	struct buf f = { 0 };

	header(file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	alloc_chunk(&f, 0, e, n);
	add_frame(file, &f);
	free(f.p);
}

/* What a visitor with prefetch heard: each event's order hinted (0: never)
 * and delivered, by its address's index. */
struct hinted {
	size_t hint_at[200], got_at[200];
	size_t delivered, wrong;
	int fetched; /* what the visitor answers: 0, its tables are cached */
};

static int h_event(void *ctx, const struct trace_event *ev)
{
	struct hinted *h = ctx;
	size_t i = (ev->addr - 0x10000) / 16;

	h->delivered++;
	if (i < 200)
		h->got_at[i] = h->delivered;
	return 0;
}

static int h_prefetch(void *ctx, const struct trace_event *const *ev, size_t n)
{
	struct hinted *h = ctx;

	for (size_t k = 0; k < n; k++) {
		size_t i = (ev[k]->addr - 0x10000) / 16;

		if (i >= 200 || h->hint_at[i] || h->got_at[i])
			h->wrong++; /* not an event, twice, or too late */
		else
			h->hint_at[i] = h->delivered + 1;
	}
	return h->fetched;
}

/* A thread's run of 200 allocations: the visitors hear of most of them
 * 8 to 16 events before each comes, through a tee too, and of none that
 * does not come or came already. */
static void test_prefetch_hints(int fetched)
{
	struct buf file = { 0 };
	struct alloc_ev e[200];
	struct hinted h = { .fetched = fetched };
	struct trace_visitor v = { .ctx = &h,
				   .event = h_event,
				   .prefetch = h_prefetch };
	struct visitor_tee tee;
	struct trace_reader *r;
	size_t hinted = 0, early = 1;

	for (size_t i = 0; i < 200; i++)
		e[i] = (struct alloc_ev){ 10, 1, 0x10000 + 16 * i, 16, 0 };
	one_thread_trace(&file, e, 200);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &v);
	r = trace_reader_open_mem(file.p, file.len, "t");
	capture_start();
	is_int(trace_reader_run(r, &tee.out), 0, "hints: read to the end");
	capture_end();
	is_int((int)h.delivered, 200, "hints: 200 events");
	is_int((int)h.wrong, 0, "hints: none twice, late, or not an event");
	for (size_t i = 0; i < 200; i++)
		if (h.hint_at[i]) {
			hinted++;
			early &= h.got_at[i] >= h.hint_at[i] + 8 &&
				 h.got_at[i] <= h.hint_at[i] + 16;
		}
	if (fetched) {
		ok(hinted >= 180, "hints: %zu of 200 events hinted", hinted);
		ok(early, "hints: each 8 to 16 events ahead");
	} else {
		/* It fetched nothing: no more hints for a while. */
		is_int((int)hinted, 8,
		       "a visitor that fetched nothing: one hint");
	}
	trace_reader_free(r);
	free(file.p);
}

/* Events seen when the STRING record after the SYNC was read. */
static size_t seen_at_string;

static int count_at_string(void *ctx, uint32_t id, const char *text)
{
	(void)id;
	(void)text;
	seen_at_string = ((struct seen *)ctx)->n;
	return 0;
}

/*
 * A SYNC lets go of every event below it, before the records after it
 * are read (a CLOCK record there would convert the rest at other rates).
 * Here the threads take turns, 10 15 20 25, and thread 0's next (100) is
 * past the watermark while thread 1's 25 is not.
 */
static void test_release_by_sync(void)
{
	struct buf file = { 0 }, f = { 0 }, str = { 0 };
	struct seen s = { 0 };
	struct alloc_ev t0[] = { { 10, 1, 0x2000, 8, 0 },
				 { 10, 0, 0x2000, 0, 0 },
				 { 80, 1, 0x3000, 8, 0 } };
	struct alloc_ev t1[] = { { 15, 1, 0x1000, 8, 0 },
				 { 10, 0, 0x1000, 0, 0 } };
	struct trace_visitor v = { .ctx = &s,
				   .event = on_event,
				   .string = count_at_string };

	header_minor(&file, PERFSHIM_FORMAT_MAJOR, 1); /* STRING: minor 1 */
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	thread_rec(&f, 1);
	alloc_chunk(&f, 0, t0, 3); /* ts 10, 20, 100 */
	alloc_chunk(&f, 1, t1, 2); /* ts 15, 25 */
	rec_u(&f, PERFSHIM_REC_SYNC, 50);
	put_u(&str, 1);
	put_str(&str, "x");
	rec(&f, PERFSHIM_REC_STRING, &str);
	add_frame(&file, &f);

	struct trace_reader *r = trace_reader_open_mem(file.p, file.len, "t");

	seen_at_string = 0;
	if (r) {
		capture_start();
		trace_reader_run(r, &v);
		capture_end();
	}
	is_int((int)seen_at_string, 4,
	       "sync: every event below it let go before the next record");
	ok(s.n == 5 && s.ts[3] == 25 && s.thread[3] == 1 && s.ts[4] == 100,
	   "sync: then the rest, in time order");
	trace_reader_free(r);
	free(file.p);
	free(f.p);
	free(str.p);
}

/*
 * Events at the last time there is, UINT64_MAX, are let out at the end
 * too: the end let out only those before it, and a crafted trace's leak
 * at that time went unseen by the gate.
 */
static void test_release_at_max_time(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct seen s;
	int cut;
	struct alloc_ev t0[] = { { 10, 1, 0x2000, 8, 0 },
				 { UINT64_MAX - 10, 1, 0x3000, 8, 0 } };
	struct alloc_ev t1[] = { { UINT64_MAX, 1, 0x1000, 8, 0 } };

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	thread_rec(&f, 1);
	alloc_chunk(&f, 1, t1, 1); /* ts UINT64_MAX */
	alloc_chunk(&f, 0, t0, 2); /* ts 10, UINT64_MAX */
	add_frame(&file, &f);

	is_int(run_seen(&file, &s, &cut), 0, "max time: read to the end");
	is_int((int)s.n, 3, "max time: every event delivered");
	ok(s.n == 3 && s.ts[0] == 10 && s.ts[1] == UINT64_MAX &&
		   s.thread[1] == 0 && s.ts[2] == UINT64_MAX &&
		   s.thread[2] == 1,
	   "max time: in time order, ties by thread");
	free(file.p);
	free(f.p);
}

/*
 * Events without a SYNC record are let go past the queue's bound, with
 * one warning: a "zstd bomb" without SYNC queued every event to the end,
 * 115 KB of trace to more than 10 GB.
 */
static void test_queue_bound(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct seen s = { 0 };
	struct alloc_ev t0[] = { { 10, 1, 0x2000, 8, 0 },
				 { 10, 1, 0x3000, 8, 0 } };
	struct alloc_ev t1[] = { { 15, 1, 0x1000, 8, 0 },
				 { 10, 0, 0x1000, 0, 0 } };
	struct trace_visitor v = { .ctx = &s, .event = on_event };
	struct trace_reader *r;
	const char *msg, *w;

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	thread_rec(&f, 1);
	for (int i = 0; i < 3; i++) {
		alloc_chunk(&f, 0, t0, 2);
		alloc_chunk(&f, 1, t1, 2);
	}
	add_frame(&file, &f);

	r = trace_reader_open_mem(file.p, file.len, "t");
	trace_reader_queue_max(r, 3);
	capture_start();
	is_int(trace_reader_run(r, &v), 0, "no SYNC: read to the end");
	msg = capture_end();
	is_int((int)s.n, 12, "no SYNC: every event delivered");
	static const char warned[] = "perfanalyze: warning: t: 4 events "
				     "without a SYNC record: let go as "
				     "they stand";

	w = strstr(msg, warned);
	if (!ok(w && !strstr(w + sizeof(warned) - 1, "without a SYNC"),
		"no SYNC: one warning"))
		diag("message: %s", msg);
	trace_reader_free(r);
	free(file.p);
	free(f.p);
}

/* A queue's events as delivered: how many, and whether each came at the
 * time after the last one's (times 1, 2, 3, ...). */
struct counted {
	size_t n, wrong;
};

static int count_event(void *ctx, const struct trace_event *ev)
{
	struct counted *c = ctx;

	c->wrong += ev->ts != ++c->n;
	return 0;
}

/*
 * A queue that grows while its events wrap round its end: a SYNC lets
 * the first 150 of 200 go, then 400 more come, so the queue is full with
 * its head mid-way when it grows. Every event comes out once, in order.
 */
static void test_queue_grows_wrapped(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct alloc_ev e[400];
	struct counted c = { 0, 0 };
	struct trace_visitor v = { .ctx = &c, .event = count_event };
	struct trace_reader *r;

	for (size_t i = 0; i < 400; i++)
		e[i] = (struct alloc_ev){ 1, !(i & 1), 0x1000 + 16 * (i / 2), 8,
					  0 };
	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f, 0);
	alloc_chunk(&f, 0, e, 200); /* times 1 to 200 */
	rec_u(&f, PERFSHIM_REC_SYNC, 151);
	alloc_chunk(&f, 0, e, 400); /* 201 to 600 */
	add_frame(&file, &f);
	r = trace_reader_open_mem(file.p, file.len, "t");
	capture_start();
	is_int(trace_reader_run(r, &v), 0, "wrapped growth: read to the end");
	capture_end();
	is_int((int)c.n, 600, "wrapped growth: every event delivered");
	is_int((int)c.wrong, 0, "wrapped growth: each in its order");
	trace_reader_free(r);
	free(file.p);
	free(f.p);
}

/* The most heap in use while the visitor was called. */
static size_t heap_base, heap_most;

static int heap_event(void *ctx, const struct trace_event *ev)
{
	size_t now = mallinfo2().uordblks;

	(void)ctx;
	(void)ev;
	if (now > heap_base && now - heap_base > heap_most)
		heap_most = now - heap_base;
	return 0;
}

/*
 * Thousands of threads, one after another, each with its events and its
 * exit: the reader's memory is that of the threads at hand, not of all
 * it has met (it kept each one's queue: exceptions' 2,005 threads took
 * 20 MB, faulted in page by page).
 */
static void test_threads_come_and_go(void)
{
	enum { THREADS = 3000, PAIRS = 40 };
	struct buf file = { 0 }, f = { 0 };
	struct trace_visitor v = { .event = heap_event };
	struct trace_reader *r;

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	for (unsigned t = 0; t < THREADS; t++) {
		struct buf c = { 0 };

		put_u(&c, t);
		for (unsigned i = 0; i < PAIRS; i++) {
			put_byte(&c, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC);
			put_u(&c, i ? 10 : 1000 * (uint64_t)t + 1);
			put_u(&c, 32);
			put_u(&c, 0x100000 + 64 * (uint64_t)i);
			put_u(&c, 0);
			put_byte(&c, PERFSHIM_EV_FREE);
			put_u(&c, 10);
			put_u(&c, 0x100000 + 64 * (uint64_t)i);
		}
		put_byte(&c, PERFSHIM_EV_THREAD_EXIT);
		put_u(&c, 1);
		rec(&f, PERFSHIM_REC_CHUNK, &c);
		free(c.p);
		rec_u(&f, PERFSHIM_REC_SYNC, 1000 * (uint64_t)(t + 1));
	}
	add_frame(&file, &f);
	r = trace_reader_open_mem(file.p, file.len, "t");
	heap_base = mallinfo2().uordblks;
	heap_most = 0;
	is_int(trace_reader_run(r, &v), 0, "3000 threads in turn: read");
	/* One thread's queue is 10 KiB; all of them, 30 MB. */
	if (!ok(heap_most < 4u << 20,
		"%d threads in turn: the queues of those gone are let go",
		THREADS))
		diag("heap in use grew by %zu bytes", heap_most);
	trace_reader_free(r);
	free(file.p);
	free(f.p);
}

/* The message of reading file through a replay, or NULL when it read. */
static const char *replay_says(const struct buf *file)
{
	struct trace_reader *r = trace_reader_open_mem(file->p, file->len, "t");
	struct trace_visitor v;
	struct replay rp;
	const char *msg;
	int rc;

	replay_init(&rp);
	replay_visitor(&rp, &v);
	capture_start();
	rc = r ? trace_reader_run(r, &v) : -2;
	msg = capture_end();
	replay_release(&rp);
	trace_reader_free(r);
	return rc ? msg : NULL;
}

/*
 * A block larger than an address space, or live blocks that add up to
 * more, is corrupt: a crafted 2^63 was a signed overflow in the growth
 * series, and two of 2^64 - 1 bytes wrapped the totals.
 */
static void test_block_sizes(void)
{
	static const uint64_t sizes[] = { TRACE_MAX_BYTES, TRACE_MAX_BYTES + 1,
					  1ull << 63, UINT64_MAX };
	const char *msg;

	for (size_t i = 0; i < 4; i++) {
		struct buf file = { 0 };
		struct alloc_ev e[] = { { 1, 1, 0x1000, sizes[i], 0 } };

		one_thread_trace(&file, e, 1);
		msg = replay_says(&file);
		if (i == 0)
			ok(!msg, "a block of 2^56 bytes reads");
		else
			is_error_line(msg, "corrupt trace: a block of ",
				      "a larger block is corrupt");
		free(file.p);
	}

	struct buf file = { 0 };
	struct alloc_ev e[] = { { 1, 1, 0x1000, TRACE_MAX_BYTES, 0 },
				{ 1, 1, 0x2000, 1, 0 } };

	one_thread_trace(&file, e, 2);
	msg = replay_says(&file);
	/* (After the warning that the trace has no END.) */
	ok(msg && strstr(msg,
			 "perfanalyze: corrupt trace: 72057594037927937 bytes live at once, more than an address space holds\n"),
	   "live blocks past an address space are corrupt");
	free(file.p);
}

static void test_frame_gap(void)
{
	struct buf file = { 0 }, f0 = { 0 }, f2 = { 0 };
	struct seen s;
	int cut;

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f0, PERFSHIM_REC_FRAME, 0);
	rec_u(&f2, PERFSHIM_REC_FRAME, 2); /* frame 1 is missing */
	add_frame(&file, &f0);
	add_frame(&file, &f2);
	is_int(run_seen(&file, &s, &cut), -1, "a missing frame is corruption");
	free(file.p);
	free(f0.p);
	free(f2.p);
}

static void test_unknown_record(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct seen s;
	int cut;

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	rec_u(&f, 200, 7); /* no such record in minor 0 */
	add_frame(&file, &f);
	is_int(run_seen(&file, &s, &cut), -1,
	       "an unknown record kind in a known minor is corruption");
	free(file.p);
	free(f.p);
}

static void test_cut_short(void)
{
	struct buf file = { 0 }, f0 = { 0 }, f1 = { 0 };
	struct seen s;
	int cut;
	struct alloc_ev e0[] = { { 5, 1, 0x1000, 8, 0 } };
	struct alloc_ev e1[] = { { 5, 1, 0x2000, 8, 0 } };

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f0, PERFSHIM_REC_FRAME, 0);
	thread_rec(&f0, 0);
	alloc_chunk(&f0, 0, e0, 1);
	add_frame(&file, &f0);
	rec_u(&f1, PERFSHIM_REC_FRAME, 1);
	alloc_chunk(&f1, 0, e1, 1);
	add_frame(&file, &f1);
	file.len -= 3; /* the second frame loses its end */
	is_int(run_seen(&file, &s, &cut), 0, "cut short: still read");
	is_int((int)s.n, 1, "cut short: the complete frame's event is there");
	ok(cut, "cut short: reported as such");
	free(file.p);
	free(f0.p);
	free(f1.p);
}

/* frame compressed with prev (its content) as its raw prefix, into file:
 * as the shim writes a frame where the data repeats (major 9). */
static void add_frame_prefixed(struct buf *file, const struct buf *frame,
			       const struct buf *prev)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t bound = ZSTD_compressBound(frame->len);
	uint8_t *z = malloc(bound);
	size_t n;

	if (!c || !z)
		exit(255);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_refPrefix(c, prev->p, prev->len);
	n = ZSTD_compress2(c, z, bound, frame->p, frame->len);
	if (ZSTD_isError(n))
		exit(255);
	put(file, z, n);
	free(z);
	ZSTD_freeCCtx(c);
}

/*
 * Since major 9 a frame may match into the one before: the reader decodes
 * each with the last one's content as prefix. Frame 1 repeats frame 0's
 * events (its matches reach back into it); a major-8 reader's way, every
 * frame on its own, finds it corrupt.
 */
static void test_prefix_frames(void)
{
	struct alloc_ev e[32];
	struct seen s;
	int cut;

	for (int i = 0; i < 32; i++)
		e[i] = (struct alloc_ev){ 5, i % 2 == 0, 0x1000 + 64 * (i / 2),
					  48, 0 };
	for (int major = 9; major >= 8; major--) {
		struct buf file = { 0 }, f0 = { 0 }, f1 = { 0 };

		header(&file, (uint16_t)major);
		rec_u(&f0, PERFSHIM_REC_FRAME, 0);
		thread_rec(&f0, 0);
		alloc_chunk(&f0, 0, e, 32);
		add_frame(&file, &f0);
		rec_u(&f1, PERFSHIM_REC_FRAME, 1);
		alloc_chunk(&f1, 0, e, 32);
		size_t alone = file.len;

		add_frame_prefixed(&file, &f1, &f0);
		if (major == 9) {
			ok(file.len - alone < f1.len / 2,
			   "frame 1 matches into frame 0 (%zu of %zu bytes)",
			   file.len - alone, f1.len);
			is_int(run_seen(&file, &s, &cut), 0,
			       "9.x: a frame with the last as prefix reads");
			is_int((int)s.n, 64, "9.x: both frames' events");
		} else {
			is_int(run_seen(&file, &s, &cut), -1,
			       "8.x: the same frame is corrupt");
		}
		free(file.p);
		free(f0.p);
		free(f1.p);
	}
}

/* Read file into rp (made afresh) through replay; one test: it reads. */
static struct trace_reader *replay_mem(const struct buf *file, const char *name,
				       struct replay *rp)
{
	struct trace_reader *r =
		trace_reader_open_mem(file->p, file->len, name);
	struct trace_visitor v;

	replay_init(rp);
	replay_visitor(rp, &v);
	capture_start();
	ok((r ? trace_reader_run(r, &v) : -2) == 0, "%s: read", name);
	capture_end();
	return r;
}

static void test_twin_nodes(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct trace_reader *r;
	struct replay rp;
	/* 1: root->A, 2: 1->B, 3: root->A again (a twin of 1), 4: 3->B */
	uint32_t par[] = { 0, 1, 0, 3 };
	uint64_t ip[] = { 0xA0, 0xB0, 0xA0, 0xB0 };
	struct alloc_ev e[] = { { 1, 1, 0x1000, 10, 2 },
				{ 1, 1, 0x2000, 20, 4 } };

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	nodes_rec(&f, 1, par, ip, 4);
	thread_rec(&f, 0);
	alloc_chunk(&f, 0, e, 2);
	add_frame(&file, &f);
	r = replay_mem(&file, "twins", &rp);
	ok(rp.nnodes == 5 && rp.nodes[3].canon == 1 && rp.nodes[4].canon == 2,
	   "twins: a node written twice maps to the first");
	ok(rp.live_count == 2 && rp.live_bytes == 30,
	   "twins: both blocks live");
	ok(rp.freed.addr == 0, "twins: nothing freed yet");
	{
		int same = 1;

		for (size_t i = 0; i < rp.live_cap; i++)
			if (rp.live[i].addr)
				same &= rp.live[i].stack == 2;
		ok(same, "twins: both blocks count against one stack");
	}
	replay_release(&rp);
	trace_reader_free(r);
	free(file.p);
	free(f.p);
}

/*
 * A node its maker had not filled in when the writer came: written empty
 * (a child of the root at address 0) to keep the ids in order, and again
 * when it is ready, before any event uses it (shim/writer.c).
 */
static void test_late_nodes(void)
{
	struct buf file = { 0 }, f = { 0 };
	struct trace_reader *r;
	struct replay rp;
	/* 1: root->A, 2: empty, 3: 1->B, 4: empty; then 2 is 1->C and 4 is
	 * 1->B (a twin of 3) */
	uint32_t par[] = { 0, 0, 1, 0 }, late_par[] = { 1 };
	uint64_t ip[] = { 0xA0, 0, 0xB0, 0 }, c[] = { 0xC0 }, b[] = { 0xB0 };
	struct alloc_ev e[] = { { 1, 1, 0x1000, 10, 2 },
				{ 1, 1, 0x2000, 20, 4 },
				{ 1, 1, 0x3000, 30, 3 } };

	header(&file, PERFSHIM_FORMAT_MAJOR);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	nodes_rec(&f, 1, par, ip, 4);
	nodes_rec(&f, 2, late_par, c, 1);
	nodes_rec(&f, 4, late_par, b, 1);
	thread_rec(&f, 0);
	alloc_chunk(&f, 0, e, 3);
	add_frame(&file, &f);
	r = replay_mem(&file, "late nodes", &rp);
	ok(rp.nnodes == 5 && rp.nodes[2].ip == 0xC0 &&
		   rp.nodes[2].parent == 1 && rp.nodes[2].canon == 2,
	   "late nodes: the second writing is the node");
	ok(rp.nodes[4].canon == 3 && rp.nodes[3].canon == 3,
	   "late nodes: a late twin maps to the first of its kind");
	ok(replay_find(&rp, 0x1000) && replay_find(&rp, 0x1000)->stack == 2 &&
		   replay_find(&rp, 0x2000)->stack == 3 &&
		   replay_find(&rp, 0x3000)->stack == 3,
	   "late nodes: each block's stack is the filled-in node's");
	replay_release(&rp);
	trace_reader_free(r);
	free(file.p);
	free(f.p);
}

static void test_future_major(void)
{
	struct buf file = { 0 };

	header(&file, PERFSHIM_FORMAT_MAJOR + 1);
	capture_start();
	struct trace_reader *r =
		trace_reader_open_mem(file.p, file.len, "future");
	const char *err = capture_end();

	ok(r == NULL, "a newer major version is refused");
	ok(strstr(err, "is not readable by this perfanalyze") != NULL,
	   "and says why");
	trace_reader_free(r);
	free(file.p);
}

/* What a minor-1 visitor saw besides allocations. */
struct seen1 {
	int samples, marks, memory, ext;
	uint32_t sample_stack, mark_label;
	uint64_t mark_ts, mem_ts, rss, mapped;
	uint8_t ext_tag;
	size_t ext_len;
};

static int s1_event(void *ctx, const struct trace_event *ev)
{
	struct seen1 *s = ctx;

	if (ev->kind == PERFSHIM_EV_SAMPLE) {
		s->samples++;
		s->sample_stack = ev->stack;
	} else if (ev->kind == PERFSHIM_EV_MARK) {
		s->marks++;
		s->mark_label = ev->label;
		s->mark_ts = ev->ts;
	}
	return 0;
}

static int s1_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct seen1 *s = ctx;

	s->memory++;
	s->mem_ts = ts;
	s->rss = rss;
	s->mapped = mapped;
	return 0;
}

static int s1_ext(void *ctx, uint8_t tag, const uint8_t *p, const uint8_t *end)
{
	struct seen1 *s = ctx;

	(void)p;
	s->ext++;
	s->ext_tag = tag;
	s->ext_len = (size_t)(end - p);
	return 0;
}

/* A minor-1 trace: strings, a marker, a sample, memory, an extension. */
static void minor1_trace(struct buf *file, unsigned minor)
{
	struct buf f = { 0 }, p = { 0 }, c = { 0 };
	uint32_t par[] = { 0 };
	uint64_t ip[] = { 0xA1 };
	uint8_t tag;

	header_minor(file, PERFSHIM_FORMAT_MAJOR, minor);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	nodes_rec(&f, 1, par, ip, 1);
	thread_rec(&f, 0);
	put_u(&p, 1);
	put_str(&p, "iteration");
	rec(&f, PERFSHIM_REC_STRING, &p);
	put_u(&c, 0);
	tag = PERFSHIM_EV_SAMPLE;
	put(&c, &tag, 1);
	put_u(&c, 10); /* dt */
	put_u(&c, 1);  /* stack */
	tag = PERFSHIM_EV_MARK;
	put(&c, &tag, 1);
	put_u(&c, 5); /* dt: ts 15 */
	put_u(&c, 1); /* "iteration" */
	rec(&f, PERFSHIM_REC_CHUNK, &c);
	p.len = 0;
	put_u(&p, 12);	 /* ts */
	put_u(&p, 4096); /* rss */
	put_u(&p, 8192); /* mapped */
	rec(&f, PERFSHIM_REC_MEMORY, &p);
	p.len = 0;
	put_u(&p, 1);
	put_u(&p, 2);
	put_u(&p, 3);
	rec(&f, PERFSHIM_REC_TIMING, &p);
	rec_u(&f, PERFSHIM_REC_SYNC, 100);
	add_frame(file, &f);
	free(f.p);
	free(p.p);
	free(c.p);
}

static void test_minor1_records(void)
{
	struct buf file = { 0 };
	struct seen1 s;
	struct replay rp;
	struct trace_visitor rv, sv = { 0 };
	struct visitor_tee tee;
	struct trace_reader *r;

	memset(&s, 0, sizeof(s));
	minor1_trace(&file, 1);
	r = trace_reader_open_mem(file.p, file.len, "minor1");
	replay_init(&rp);
	replay_visitor(&rp, &rv);
	sv.ctx = &s;
	sv.event = s1_event;
	sv.memory = s1_memory;
	sv.ext = s1_ext;
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &rv);
	visitor_tee_add(&tee, &sv);
	capture_start();
	is_int(r ? trace_reader_run(r, &tee.out) : -2, 0, "minor 1: read");
	capture_end();
	ok(s.samples == 1 && s.sample_stack == 1,
	   "minor 1: a CPU sample with its stack");
	ok(s.marks == 1 && s.mark_label == 1 && s.mark_ts == 15,
	   "minor 1: a marker with its label and time");
	is_str(replay_string(&rp, s.mark_label), "iteration",
	       "minor 1: replay keeps the label's text");
	is_str(replay_string(&rp, 7), "?", "minor 1: an unknown id reads ?");
	ok(s.memory == 1 && s.mem_ts == 12 && s.rss == 4096 && s.mapped == 8192,
	   "minor 1: a memory sample");
	ok(s.ext == 1 && s.ext_tag == PERFSHIM_REC_TIMING && s.ext_len == 3,
	   "minor 1: an extension record reaches its owner");
	ok(rp.nnodes == 2 && rp.live_count == 0,
	   "minor 1: the tee fed replay too");
	replay_release(&rp);
	trace_reader_free(r);
	free(file.p);

	/* The same records in a minor-0 trace are damage, not news. */
	file.p = NULL;
	file.len = file.cap = 0;
	minor1_trace(&file, 0);
	r = trace_reader_open_mem(file.p, file.len, "minor0");
	memset(&s, 0, sizeof(s));
	capture_start();
	is_int(r ? trace_reader_run(r, &sv) : -2, -1,
	       "minor 0: a STRING record is corruption");
	capture_end();
	trace_reader_free(r);
	free(file.p);
}

int main(void)
{
	plan(61);
	test_prefetch_hints(1);
	test_prefetch_hints(0);
	test_minor1_records();
	test_merge_order();
	test_release_by_sync();
	test_release_at_max_time();
	test_block_sizes();
	test_queue_bound();
	test_queue_grows_wrapped();
	test_threads_come_and_go();
	test_frame_gap();
	test_unknown_record();
	test_cut_short();
	test_prefix_frames();
	test_twin_nodes();
	test_late_nodes();
	test_future_major();
	return exit_status();
}
