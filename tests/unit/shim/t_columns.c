/*
 * t_columns - the writer's chunk encoder (columns.h) read back by the
 * analyzer's reader: every event comes out as the thread wrote it, a
 * FREE found through its block's slot, across records and threads; an
 * ALLOC at an address a slot still holds, or one freed last in its size
 * class; times floored to the quantum, and exact again in the CHUNKs that
 * follow an event the encoder cannot code; a FREE named by its block's
 * age, or, past PERFSHIM_COL_AGES ALLOCs, by its slot; a FREE of a slot
 * that holds nothing, or of an age no block has, is corruption. Events
 * of two threads on one address in one quantum come back in the order
 * of their exact times (TIES records), whichever thread was encoded
 * first and in whichever pass; a TIES record that names no event read,
 * another thread, or a time past the quantum is corruption. The lists
 * of recently freed addresses behave as plain lists (6.x traces).
 * Since 7.x an ALLOC costs no address: the reader names its block by the
 * ALLOC's number, until an ADDRS record gives the addresses of the blocks
 * held, after which events name them so, those queued already included;
 * an ALLOC after another thread's FREE of its address was encoded, and
 * every ALLOC once a thread's events go as CHUNKs, goes with its address.
 * Since 8.x a scan's verdicts go as one kind per block held (SCAN_HELD),
 * which the reader gives back as SCAN records by the blocks' names.
 */
#include <stdint.h>

#include "columns.h"
#include "reader.h"
#include "replay.h"
#include "tap.h"
#include "tee.h"
#include "tracebuf.h"
#include "xorshift.h"

#define PAIRS 10000 /* more than one record's worth of events */
/* A block older than the ages a FREE may name: freed by its slot. */
#define OLD (PERFSHIM_COL_AGES + 10)
#define MAXEV (2 * OLD + 64)
/* Threads ties_model runs (the harness keeps a clock for each). */
#define MODEL_THREADS 3

static struct buf frame;
static struct trace_event want[MAXEV], got[MAXEV];
static int nwant, ngot, ncolumns, nties;
static int nscan_held; /* SCAN_HELD records staged */

static int nfree_slot;	     /* FREEs by slot, no rank (FREE_SLOT) */
static uint64_t times_bytes; /* the times columns' bytes */
static uint64_t addrs_bytes; /* the addresses columns' bytes */
static uint16_t read_major = PERFSHIM_FORMAT_MAJOR; /* read_back's header */

static void stage(uint8_t tag, const uint8_t *payload, size_t len)
{
	struct buf p = { (uint8_t *)payload, len, len };
	const uint8_t *q = payload, *end = payload + len;
	uint64_t v[3];

	ncolumns += tag == PERFSHIM_REC_COLUMNS;
	nscan_held += tag == PERFSHIM_REC_SCAN_HELD;
	nties += tag == PERFSHIM_REC_TIES;
	if (tag == PERFSHIM_REC_COLUMNS &&
	    !perfshim_get_varint(&q, end, &v[0]) &&
	    !perfshim_get_varint(&q, end, &v[1]) &&
	    !perfshim_get_varint(&q, end, &v[2]) && v[2] <= (size_t)(end - q)) {
		for (uint64_t i = 0; i < v[2]; i++)
			nfree_slot += q[i] == PERFSHIM_COL_FREE_SLOT;
		q += v[2];
		for (int c = PERFSHIM_COL_TIMES; c < PERFSHIM_COL_COUNT; c++) {
			if (perfshim_get_varint(&q, end, &v[0]) ||
			    v[0] > (size_t)(end - q))
				break;
			times_bytes += c == PERFSHIM_COL_TIMES ? v[0] : 0;
			addrs_bytes += c == PERFSHIM_COL_ADDRS ? v[0] : 0;
			q += v[0];
		}
	}
	rec(&frame, tag, &p);
}

static int on_event(void *ctx, const struct trace_event *ev)
{
	(void)ctx;
	if (ngot < MAXEV)
		got[ngot] = *ev;
	ngot++;
	return 0;
}

/* Thread t's ring bytes, and what the reader must see for them. */
static struct buf ring;
static uint64_t clock_of[MODEL_THREADS];
static int raw[MODEL_THREADS]; /* the thread's events go as CHUNKs: exact times */
static uint64_t clock_at[MAXEV]; /* each want[]'s exact time */

static void ev(uint32_t t, uint8_t kind, uint64_t dt, uint64_t addr,
	       uint64_t size, uint64_t id)
{
	struct trace_event *w = &want[nwant++];

	memset(w, 0, sizeof(*w));
	clock_of[t] += dt;
	clock_at[nwant - 1] = clock_of[t];
	w->ts = raw[t] ? clock_of[t]
		       : clock_of[t] >> PERFSHIM_COL_TIME_SHIFT
						<< PERFSHIM_COL_TIME_SHIFT;
	w->thread = t;
	w->kind = kind;
	put_byte(&ring, kind);
	put_u(&ring, dt);
	if ((kind & 0xf0) == PERFSHIM_EV_ALLOC) {
		w->kind = PERFSHIM_EV_ALLOC;
		w->fn = kind & 0x0f;
		w->addr = addr;
		w->size = size;
		w->stack = (uint32_t)id;
		put_u(&ring, size);
		put_u(&ring, addr);
		put_u(&ring, id);
	} else if (kind == PERFSHIM_EV_FREE) {
		w->addr = addr;
		put_u(&ring, addr);
	} else if (kind == PERFSHIM_EV_SAMPLE) {
		w->stack = (uint32_t)id;
		put_u(&ring, id);
	} else if (kind == PERFSHIM_EV_MARK) {
		w->label = (uint32_t)id;
		put_u(&ring, id);
	}
}

/* An ALLOC (of stack 1) or FREE. */
static void tev(uint32_t t, uint8_t kind, uint64_t dt, uint64_t addr,
		uint64_t size)
{
	ev(t, kind, dt, addr, size, size ? 1 : 0);
}

/* The ring bytes so far, through the encoder, as thread t's. */
static size_t encode(uint32_t t)
{
	uint64_t lag, dt;
	size_t n =
		perfshim_columns_encode(t, ring.p, ring.len, stage, &lag, NULL);

	if (n < ring.len) { /* the rest as writer.c does: a CHUNK */
		struct buf c = { 0 };
		const uint8_t *q = ring.p + n + 1;

		if (perfshim_get_varint(&q, ring.p + ring.len, &dt))
			exit(255);
		put_u(&c, t);
		put_byte(&c, ring.p[n]);
		put_u(&c, dt + lag);
		put(&c, q, (size_t)(ring.p + ring.len - q));
		rec(&frame, PERFSHIM_REC_CHUNK, &c);
		free(c.p);
	}
	ring.len = 0;
	return n;
}

/*
 * 7.x names a block that has no address by its ALLOC's number
 * (perfshim_col_unnamed): read back, such a name must stand for one
 * address, the one of its ALLOC, and come back at that block's FREE.
 */
static uint64_t bound[MAXEV]; /* a name's address + 1, by ALLOC number */

static int same_addr(const struct trace_event *w, const struct trace_event *g)
{
	uint64_t n = (g->addr << 1) >> 5;

	if (g->addr == w->addr)
		return 1;
	if (!perfshim_col_is_unnamed(g->addr) || n >= MAXEV)
		return 0;
	if (g->kind == PERFSHIM_EV_ALLOC && !bound[n])
		bound[n] = w->addr + 1;
	return bound[n] == w->addr + 1;
}

/* ALLOCs read back with a name, not their address. */
static int unnamed_allocs(void)
{
	int n = 0;

	for (int i = 0; i < ngot && i < MAXEV; i++)
		n += got[i].kind == PERFSHIM_EV_ALLOC &&
		     perfshim_col_is_unnamed(got[i].addr);
	return n;
}

static int same(const struct trace_event *a, const struct trace_event *b)
{
	return a->ts == b->ts && same_addr(a, b) && a->size == b->size &&
	       a->thread == b->thread && a->stack == b->stack &&
	       (a->kind != PERFSHIM_EV_MARK || a->label == b->label) &&
	       a->kind == b->kind && a->fn == b->fn;
}

/* The index of the first event read back unlike the one written, or -1. */
static int first_wrong(void)
{
	memset(bound, 0, sizeof(bound));
	for (int i = 0; i < nwant && i < ngot; i++)
		if (!same(&want[i], &got[i]))
			return i;
	return -1;
}

static int read_back(const struct buf *fr)
{
	struct buf file = { 0 };
	struct trace_visitor v = { .event = on_event };
	struct buf f = *fr;

	rec_u(&f, PERFSHIM_REC_SYNC, UINT64_MAX >> 1);
	header_minor(&file, read_major, PERFSHIM_FORMAT_MINOR);
	add_frame(&file, &f);
	struct trace_reader *r =
		trace_reader_open_mem(file.p, file.len, "t_columns");
	int ret = -1;

	ngot = 0;
	if (r) {
		trace_reader_quiet(r); /* no END record */
		ret = trace_reader_run(r, &v);
	}
	trace_reader_free(r);
	free(file.p);
	if (f.p != fr->p)
		free(f.p);
	return ret;
}

/* A new trace of one thread, or of two, their clocks at 0: one quantum. */
static void fresh_n(int threads)
{
	perfshim_columns_reset();
	if (threads > 1)
		perfshim_columns_many(stage);
	frame.len = 0;
	nwant = nties = 0;
	memset(clock_of, 0, sizeof(clock_of));
	memset(raw, 0, sizeof(raw));
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
}

static void fresh(void)
{
	fresh_n(2);
}

/* Read back, the events must come in the order of order[] (indices into
 * want[]), each at its exact time when exact is set. */
static int in_order(const int *order, int n, int exact)
{
	if (read_back(&frame) || ngot != n)
		return 0;
	memset(bound, 0, sizeof(bound));
	for (int i = 0; i < n; i++) {
		const struct trace_event *w = &want[order[i]], *g = &got[i];

		if (g->thread != w->thread || g->kind != w->kind ||
		    !same_addr(w, g) ||
		    (exact && g->ts != clock_at[order[i]])) {
			diag("event %d: thread %u kind %x ts %llu", i,
			     g->thread, g->kind, (unsigned long long)g->ts);
			return 0;
		}
	}
	return 1;
}

/*
 * A block allocated by thread 1, freed by thread 0, its address taken
 * again by thread 1 and freed by thread 0, all within one quantum: by
 * thread index, thread 0's FREEs would come first, two frees of nothing
 * and two leaks.
 */
static void handoff(uint64_t x, uint32_t first)
{
	uint64_t b0 = clock_of[0], b1 = clock_of[1];

	/* Ring bytes per thread; the encoder sees first's events first. */
	for (int k = 0; k < 2; k++) {
		uint32_t t = k ? 1 - first : first;

		if (t == 1) {
			tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC,
			    b1 + 10 - clock_of[1], x, 32);
			tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 30, x,
			    48);
		} else {
			tev(0, PERFSHIM_EV_FREE, b0 + 20 - clock_of[0], x, 0);
			tev(0, PERFSHIM_EV_FREE, 30, x, 0);
		}
		encode(t);
	}
}

/*
 * Thread 1 allocates HANDOFFS blocks, thread 0 frees them, all in one
 * quantum, thread 0 encoded first: every pair needs its exact times,
 * while the table of slots and the marks grow under them.
 */
#define HANDOFFS 3000
static void handoffs(uint64_t x)
{
	static int order[2 * HANDOFFS];

	fresh();
	for (int i = 0; i < HANDOFFS; i++)
		tev(0, PERFSHIM_EV_FREE, i ? 0 : 300, x + 64 * (uint64_t)i, 0);
	encode(0);
	for (int i = 0; i < HANDOFFS; i++)
		tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, i ? 0 : 100,
		    x + 64 * (uint64_t)i, 32);
	encode(1);
	perfshim_columns_ties(0, stage);
	for (int i = 0; i < HANDOFFS; i++) {
		order[i] = HANDOFFS + i;
		order[HANDOFFS + i] = i;
	}
	ok(nties >= 1 && in_order(order, 2 * HANDOFFS, 1),
	   "%d handoffs in one quantum, the later thread encoded first: in "
	   "time order",
	   HANDOFFS);
	is_int(unnamed_allocs(), 0,
	       "ALLOCs encoded after the FREEs of their addresses: with them");
}

/*
 * What thread 0 freed below the watermark is forgotten (the table drops
 * it as it grows): thread 1's ALLOC of one such address later is no
 * taking over, and sends no TIES; a handoff after it still does.
 */
static void gone_forgotten(uint64_t x)
{
	static int order[3 * HANDOFFS + 2];
	int n = 0;

	fresh();
	for (int i = 0; i < HANDOFFS; i++) {
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1,
		    x + 64 * (uint64_t)i, 32);
		tev(0, PERFSHIM_EV_FREE, 0, x + 64 * (uint64_t)i, 0);
		order[n++] = nwant - 2;
		order[n++] = nwant - 1;
	}
	encode(0);
	uint64_t w = (clock_of[0] >> PERFSHIM_COL_TIME_SHIFT) + 4;

	perfshim_columns_ties(w << PERFSHIM_COL_TIME_SHIFT, stage);
	uint64_t at = (w + 2) << PERFSHIM_COL_TIME_SHIFT;

	/* New blocks: the table grows past its gone entries. */
	for (int i = 0; i < HANDOFFS; i++)
		tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC,
		    i ? 0 : at - clock_of[1], x + 64 * (uint64_t)(HANDOFFS + i),
		    32);
	tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 10, x, 32);
	encode(1);
	int ties_before = nties;

	perfshim_columns_ties(at, stage);
	int quiet = nties == ties_before;

	tev(0, PERFSHIM_EV_FREE, at + 20 - clock_of[0], x, 0);
	encode(0);
	perfshim_columns_ties(at, stage);
	/* Read back: thread 0's first quantum, then thread 1's new blocks
	 * and x, then thread 0's FREE of x after it. */
	for (int i = 0; i < HANDOFFS + 2; i++)
		order[n++] = 2 * HANDOFFS + i;
	ok(quiet && nties == ties_before + 1 && in_order(order, n, 0),
	   "an address freed below the watermark is no taking over; a "
	   "handoff after it is");
}

/*
 * t0041's flake, 2026-12: thread 0 frees x, thread 1 takes x and frees
 * it, and thread 0 takes x again, all in one quantum q. The writer
 * drains thread 1's ring first. Thread 0 was preempted in its last
 * ALLOC, after its clock read: the pass saw it busy, so its watermark
 * was q, and that ALLOC was encoded a pass later. Without a TIES for
 * it, it was read back by thread index, before thread 1's pair: thread
 * 1 took a block held, and thread 0's FREE of x was of nothing.
 */
static void late_retake(uint64_t x)
{
	static const int order[] = { 2, 3, 0, 1, 4, 5 };
	const uint64_t q = 8 << PERFSHIM_COL_TIME_SHIFT; /* the quantum */

	fresh();
	/* thread 1, encoded first: x taken at +2042, freed at +3775 */
	tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, q + 2042, x, 123);
	tev(1, PERFSHIM_EV_FREE, 3775 - 2042, x, 0);
	encode(1);
	/* thread 0: x allocated in the quantum before, freed at +266 */
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, q - 100, x, 198);
	tev(0, PERFSHIM_EV_FREE, 100 + 266, x, 0);
	encode(0);
	/* the watermark: thread 0 was in its next event, stamped in q */
	perfshim_columns_ties(q, stage);
	/* the next pass: thread 0's ALLOC of x at +4000, then its FREE */
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_REALLOC, 4000 - 266, x, 158);
	encode(0);
	perfshim_columns_ties(q, stage);
	tev(0, PERFSHIM_EV_FREE, 4 * q, x, 0);
	encode(0);
	perfshim_columns_ties(0, stage);
	ok(in_order(order, 6, 0),
	   "an address taken back a pass late, in its quantum: in time "
	   "order");
}

/*
 * Random histories of three threads on a few addresses, each allocated by
 * one thread and freed by any, many events to a quantum; the writer's
 * passes drain each thread up to a random point, in a random order, and
 * give a watermark at or below every event not encoded yet (the contract
 * of writer.c's pass). Read back, each address's events must come in the
 * order they happened: late_retake's loss, and any other, shows as a
 * block allocated twice or freed before its ALLOC.
 */
#define MODEL_EVENTS 160
#define MODEL_ADDRS 3

struct model_ev {
	uint64_t t; /* exact time */
	uint32_t thread;
	int alloc;
	uint64_t addr;
};

/* Each address's threads in the order read back equal those of h. */
static int model_matches(const struct model_ev *h, int n, uint64_t x)
{
	for (int a = 0; a < MODEL_ADDRS; a++) {
		uint64_t addr = x + 64 * (uint64_t)a;
		int i = 0, j = 0;

		for (;; i++, j++) {
			while (i < n && h[i].addr != addr)
				i++;
			while (j < ngot && j < MAXEV && got[j].addr != addr)
				j++;
			if (i == n || j >= ngot)
				break;
			if (got[j].thread != h[i].thread ||
			    (got[j].kind == PERFSHIM_EV_ALLOC) != h[i].alloc)
				return 0;
		}
		if (i != n || j < ngot)
			return 0;
	}
	return 1;
}

static void ties_model(uint64_t x)
{
	static struct model_ev h[MODEL_EVENTS];
	uint64_t seed = 0x7e57ab1e5eed;
	int bad = 0, trial;

	for (trial = 0; trial < 500 && !bad; trial++) {
		uint32_t held[MODEL_ADDRS] = { 0 }; /* 0: free, else 1 */
		uint64_t now = 1u << PERFSHIM_COL_TIME_SHIFT;
		int at[MODEL_THREADS] = { 0 }, n = 0;

		/* The history, in time order, one event per step. */
		while (n < MODEL_EVENTS) {
			int a = (int)(xorshift64(&seed) % MODEL_ADDRS);
			struct model_ev *e = &h[n++];

			now += 1 + xorshift64(&seed) % 1500;
			e->t = now;
			e->thread =
				(uint32_t)(xorshift64(&seed) % MODEL_THREADS);
			e->alloc = !held[a];
			e->addr = x + 64 * (uint64_t)a;
			held[a] = !held[a];
		}
		fresh();
		/* Passes: each thread drained to a point, in either order. */
		for (;;) {
			int cut[MODEL_THREADS], order[MODEL_THREADS], left = 0;
			uint64_t w = UINT64_MAX >> 1, slack;

			for (int t = 0; t < MODEL_THREADS; t++) {
				left |= at[t] < n;
				cut[t] = at[t] + (int)(xorshift64(&seed) % 24);
				order[t] = t;
			}
			if (!left)
				break;
			for (int t = MODEL_THREADS - 1; t > 0; t--) {
				int k = (int)(xorshift64(&seed) %
					      (uint64_t)(t + 1)),
				    o = order[t];

				order[t] = order[k];
				order[k] = o;
			}
			for (int k = 0; k < MODEL_THREADS; k++) {
				int t = order[k];

				for (; at[t] < n && at[t] < cut[t]; at[t]++) {
					const struct model_ev *e = &h[at[t]];

					if (e->thread != (uint32_t)t)
						continue;
					tev((uint32_t)t,
					    e->alloc
						    ? PERFSHIM_EV_ALLOC |
							      PERFSHIM_FN_MALLOC
						    : PERFSHIM_EV_FREE,
					    e->t - clock_of[t], e->addr,
					    e->alloc ? 32 : 0);
				}
				encode((uint32_t)t);
			}
			/* At or below each thread's next event, less some. */
			for (int t = 0; t < MODEL_THREADS; t++) {
				int i = at[t];

				while (i < n && h[i].thread != (uint32_t)t)
					i++;
				if (i < n && h[i].t < w)
					w = h[i].t;
			}
			slack = xorshift64(&seed) %
				(4 << PERFSHIM_COL_TIME_SHIFT);
			w = w > slack ? w - slack : 0;
			perfshim_columns_ties(w, stage);
			rec_u(&frame, PERFSHIM_REC_SYNC,
			      w >> PERFSHIM_COL_TIME_SHIFT
					      << PERFSHIM_COL_TIME_SHIFT);
		}
		if (read_back(&frame) || ngot != n || !model_matches(h, n, x))
			bad = trial + 1;
	}
	if (!ok(!bad, "random handoffs over random passes: each address "
		      "in time order"))
		diag("trial %d", bad - 1);
}

static void ties(void)
{
	const uint64_t x = 0x7f0000009000ull;
	static const int handed[] = { 2, 0, 3, 1 }; /* want[] of handoff */
	static const int inv[] = { 0, 2, 1, 3 };    /* ... encoded 1 first */

	fresh();
	handoff(x, 0);
	perfshim_columns_ties(0, stage);
	ok(nties == 1 && in_order(handed, 4, 1),
	   "two threads on one address in one quantum: in time order");

	fresh();
	handoff(x, 1);
	perfshim_columns_ties(0, stage);
	ok(nties == 1 && in_order(inv, 4, 1),
	   "the same, the later thread encoded first");

	/* Thread 1's ALLOC in one pass, thread 0's FREE in the next. */
	fresh();
	tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 10, x, 32);
	encode(1);
	perfshim_columns_ties(clock_of[1] >> PERFSHIM_COL_TIME_SHIFT
						     << PERFSHIM_COL_TIME_SHIFT,
			      stage);
	tev(0, PERFSHIM_EV_FREE, 20, x, 0);
	encode(0);
	perfshim_columns_ties(clock_of[0] >> PERFSHIM_COL_TIME_SHIFT
						     << PERFSHIM_COL_TIME_SHIFT,
			      stage);
	static const int split[] = { 0, 1 };

	ok(nties == 1 && in_order(split, 2, 1),
	   "across two passes: in time order");

	/* One thread's address, or two threads' different addresses in
	 * one quantum: no TIES, each thread in its own order. */
	fresh();
	tev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 10, x, 32);
	tev(1, PERFSHIM_EV_FREE, 10, x, 0);
	encode(1);
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 20, x + 64, 32);
	tev(0, PERFSHIM_EV_FREE, 1, x + 64, 0);
	encode(0);
	perfshim_columns_ties(0, stage);
	static const int byindex[] = { 2, 3, 0, 1 };

	ok(nties == 0 && in_order(byindex, 4, 0),
	   "no address shared: no TIES record");

	/* Below the watermark: forgotten, never sent again. */
	fresh();
	handoff(x, 0);
	perfshim_columns_ties(UINT64_MAX >> 1, stage);
	perfshim_columns_ties(UINT64_MAX >> 1, stage);
	ok(nties == 1, "each tie sent once (%d)", nties);

	handoffs(x);
	gone_forgotten(x);
	late_retake(x);
	ties_model(x);
}

/* TIES damage: each one read after one event of thread 0. */
static void ties_damage(void)
{
	static const uint64_t bad[][3] = {
		{ 0, 1, 5 },	/* an event not read */
		{ 1000, 0, 5 }, /* a thread with none */
		{ 0, 0, 1u << PERFSHIM_COL_TIME_SHIFT }, /* past the quantum */
	};
	static const char *const what[] = { "an event not read",
					    "a thread unknown",
					    "a time past its quantum" };

	for (int i = 0; i < 3; i++) {
		struct buf t = { 0 };

		fresh();
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 10, 4096, 32);
		encode(0);
		for (int k = 0; k < 3; k++)
			put_u(&t, bad[i][k]);
		rec(&frame, PERFSHIM_REC_TIES, &t);
		free(t.p);
		ok(read_back(&frame) == -1, "TIES naming %s: corrupt", what[i]);
	}
	/* One for an event let go already: of no use, no harm. */
	struct buf t = { 0 };

	fresh();
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 10, 4096, 32);
	encode(0);
	rec_u(&frame, PERFSHIM_REC_SYNC, UINT64_MAX >> 2);
	put_u(&t, 0);
	put_u(&t, 0);
	put_u(&t, 7);
	rec(&frame, PERFSHIM_REC_TIES, &t);
	free(t.p);
	ok(!read_back(&frame) && ngot == 1,
	   "TIES for an event let go: skipped");
}

/* The first entry of a plain list that is a, + 1; 0 if none. */
static unsigned model_find(const uint64_t *m, unsigned n, uint64_t a)
{
	for (unsigned i = 0; i < n; i++)
		if (m[i] == a)
			return i + 1;
	return 0;
}

/* The lists' recently freed addresses against a plain array's, through
 * random pushes (some of an address listed already) and takings out of
 * three classes; each step looks up an address listed, one taken out or
 * fallen off (still in the ring's memory), and one never pushed. */
static void recent_model(void)
{
	static struct perfshim_col_lists l;
	uint64_t model[3][PERFSHIM_COL_RECENT];
	unsigned n[3] = { 0 }, bad = 0, found = 0;
	uint64_t gone = 1;
	uint32_t x = 7;

	for (int step = 0; step < 100000 && !bad; step++) {
		x = x * 1103515245u + 12345u;
		unsigned c = (x >> 8) % 3, r = x >> 12;

		if (r % 3 || !n[c]) { /* push */
			uint64_t a = n[c] && r % 7 == 0
					     ? model[c][(r >> 3) % n[c]]
					     : (uint64_t)step << 4;

			if (n[c] == PERFSHIM_COL_RECENT)
				gone = model[c][n[c] - 1];
			memmove(&model[c][1], &model[c][0],
				(PERFSHIM_COL_RECENT - 1) * sizeof(uint64_t));
			model[c][0] = a;
			n[c] += n[c] < PERFSHIM_COL_RECENT;
			perfshim_col_recent_push(&l, c + 1, model[c][0]);
		} else { /* out, mostly near the front */
			unsigned i = (r >> 2) % (r & 4	    ? n[c]
						 : 3 < n[c] ? 3
							    : n[c]);

			gone = model[c][i];
			memmove(&model[c][i], &model[c][i + 1],
				(n[c] - i - 1) * sizeof(uint64_t));
			n[c]--;
			perfshim_col_recent_out(&l, c + 1, i);
		}
		for (unsigned k = 0; k < 3; k++) {
			bad += l.nrecent[k + 1] != n[k];
			for (unsigned i = 0; i < n[k] && i < l.nrecent[k + 1];
			     i++)
				bad += perfshim_col_recent_at(&l, k + 1, i) !=
				       model[k][i];
			uint64_t ask[3] = { n[k] ? model[k][r % n[k]] : 0, gone,
					    ((uint64_t)step << 4) | 8 };

			for (unsigned q = 0; q < 3; q++) {
				unsigned expect =
					model_find(model[k], n[k], ask[q]);

				found += expect != 0;
				bad += perfshim_col_recent_find(
					       &l, k + 1, ask[q]) != expect;
			}
		}
	}
	ok(bad == 0 && found > 100000,
	   "recently freed lists: as plain lists, %d deep (%u wrong, %u found)",
	   PERFSHIM_COL_RECENT, bad, found);
}

/* The recently allocated slots against a plain array's: each take finds
 * the first entry of its slot among the live ones, never past them. */
static void mru_model(void)
{
	static struct perfshim_col_lists l;
	uint32_t model[PERFSHIM_COL_MRU];
	unsigned n = 0, bad = 0;
	uint32_t x = 11;

	memset(&l, 0xab, sizeof(l)); /* garbage past the count */
	l.nmru = 0;
	for (int step = 0; step < 200000 && !bad; step++) {
		x = x * 1103515245u + 12345u;
		uint32_t s = (x >> 9) % 24; /* repeats, and misses */

		if ((x >> 5) % 3 == 0) {
			memmove(&model[1], &model[0],
				(PERFSHIM_COL_MRU - 1) * sizeof(model[0]));
			model[0] = s;
			n += n < PERFSHIM_COL_MRU;
			perfshim_col_mru_push(&l, s);
		} else {
			unsigned rank = 0;

			for (unsigned i = 0; i < n && !rank; i++)
				rank = model[i] == s ? i + 1 : 0;
			if (rank) {
				memmove(&model[rank - 1], &model[rank],
					(n - rank) * sizeof(model[0]));
				n--;
			}
			bad += perfshim_col_mru_take(&l, s) != rank;
		}
		bad += l.nmru != n;
		for (unsigned i = 0; i < n; i++)
			bad += l.mru[i] != model[i];
	}
	ok(bad == 0, "recently allocated list: as a plain list (%u wrong)",
	   bad);
}

/* 40 blocks of one size class freed, then allocated again oldest first,
 * by one thread or once a second one is there. Two threads: the 8
 * oldest fell off the recently freed list, the other 32 are taken from
 * it by k. One thread: no address at all. */
static void far_reuse(int threads)
{
	const uint64_t base = 0x6600000000ull;

	fresh_n(threads);
	for (int i = 0; i < 40; i++)
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, base + i * 64,
		    48);
	for (int i = 0; i < 40; i++)
		tev(0, PERFSHIM_EV_FREE, 1, base + i * 64, 0);
	encode(0);
	addrs_bytes = 0;
	for (int i = 0; i < 40; i++)
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, base + i * 64,
		    44);
	encode(0);
	if (threads > 1)
		ok(addrs_bytes > 0 && addrs_bytes <= 16,
		   "two threads: blocks freed 9 to 32 blocks ago come back "
		   "without an address (%llu bytes of addresses for 40 ALLOCs)",
		   (unsigned long long)addrs_bytes);
	else
		is_uint(addrs_bytes, 0, "one thread: no address");
	ok(!read_back(&frame) && ngot == nwant && first_wrong() < 0,
	   "and read back");
	is_int(unnamed_allocs(), threads > 1 ? 0 : 80,
	       "ALLOCs named by their numbers");
}

/* The first event read back at a time other than its quanta of
 * 2^PERFSHIM_COL_TIME_SHIFT units times 2^shift, or -1. */
static int off_quanta(unsigned shift)
{
	for (int i = 0; i < nwant; i++)
		if (got[i].ts != clock_at[i] >> PERFSHIM_COL_TIME_SHIFT
							<< shift)
			return i;
	return -1;
}

/* A 5.x trace counted its times in quanta of 2^9 units: the same bytes
 * read as 5.x put each event at its quanta times 2^9, and as 6.x at its
 * quanta times 2^13, the quantum of its exact time. */
static void old_quanta(void)
{
	fresh();
	for (int i = 0; i < 50; i++)
		ev(0, PERFSHIM_EV_SAMPLE, (uint64_t)i * i * 997, 0, 0, 1);
	encode(0);
	ok(!read_back(&frame) && ngot == nwant, "a trace read as 7.x");
	is_int(off_quanta(PERFSHIM_COL_TIME_SHIFT), -1,
	       "each event in the quantum of 2^13 of its time");
	read_major = 5;
	ok(!read_back(&frame) && ngot == nwant, "the same bytes read as 5.x");
	is_int(off_quanta(PERFSHIM_COL_TIME_SHIFT_5), -1,
	       "each event at its quanta times 2^9");
	read_major = PERFSHIM_FORMAT_MAJOR;
}

/* Renames the reader gives the visitors: (name, address) pairs. */
static uint64_t renamed[64][2];
static int nrenamed;

static int on_rename(void *ctx, uint64_t from, uint64_t to)
{
	(void)ctx;
	if (nrenamed < 64) {
		renamed[nrenamed][0] = from;
		renamed[nrenamed][1] = to;
	}
	nrenamed++;
	return 0;
}

/* frame as read_back does, through the visitor v. */
static int read_with(const struct trace_visitor *v)
{
	struct buf file = { 0 };
	struct buf f = frame;

	f.p = malloc(frame.len + 16);
	memcpy(f.p, frame.p, frame.len);
	f.cap = frame.len + 16;
	rec_u(&f, PERFSHIM_REC_SYNC, UINT64_MAX >> 1);
	header_minor(&file, read_major, PERFSHIM_FORMAT_MINOR);
	add_frame(&file, &f);
	struct trace_reader *r = trace_reader_open_mem(file.p, file.len, "t");
	int ret = -1;

	ngot = 0;
	if (r) {
		trace_reader_quiet(r);
		ret = trace_reader_run(r, v);
	}
	trace_reader_free(r);
	free(file.p);
	free(f.p);
	return ret;
}

/* frame as read_back does, with the visitor's rename too. */
static int read_renamed(void)
{
	struct trace_visitor v = { .event = on_event, .rename = on_rename };

	nrenamed = 0;
	return read_with(&v);
}

/*
 * ADDRS: the blocks held get their addresses. Events still queued in the
 * reader are renamed there; blocks whose ALLOC a visitor had already are
 * renamed through its rename callback; a FREE after the record names the
 * address.
 */
static void addrs(void)
{
	const uint64_t x = 0x6800000000ull;

	fresh_n(1);
	for (int i = 0; i < 6; i++)
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, x + 64 * i,
		    48);
	tev(0, PERFSHIM_EV_FREE, 1, x + 64 * 2, 0);
	encode(0);
	/* Let the first six events go: a SYNC past their quanta. */
	rec_u(&frame, PERFSHIM_REC_SYNC, UINT64_MAX >> 2);
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, x + 64 * 6, 48);
	encode(0);
	size_t before = frame.len;

	perfshim_columns_addrs(stage);
	ok(frame.len > before, "an ADDRS record for the blocks held");
	tev(0, PERFSHIM_EV_FREE, 1, x + 64 * 4, 0);
	tev(0, PERFSHIM_EV_FREE, 1, x + 64 * 6, 0);
	encode(0);
	ok(!read_renamed() && ngot == nwant, "read back");
	int exact = 1, pairs_ok = nrenamed >= 1 && nrenamed <= 64;

	/* The queued ALLOC and both FREEs after it: their addresses. */
	for (int i = 7; i < nwant; i++)
		exact &= got[i].addr == want[i].addr;
	/* ALLOC number n was block n, at x + 64 n; block 2 was freed. */
	for (int k = 0; k < nrenamed && k < 64; k++) {
		uint64_t n = (renamed[k][0] << 1) >> 5;

		pairs_ok &= perfshim_col_is_unnamed(renamed[k][0]) && n < 7 &&
			    n != 2 && renamed[k][1] == x + 64 * n;
	}
	ok(exact, "events after the record, and one queued: addresses");
	ok(pairs_ok && nrenamed == 6,
	   "the six blocks held: renamed to their addresses (%d)", nrenamed);

	/* A block allocated again at an address still held (a free the
	 * shim missed) is the latest: ADDRS lists it last. */
	fresh_n(1);
	for (int i = 0; i < 3; i++)
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, x + 64 * i,
		    48);
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, x, 32);
	encode(0);
	perfshim_columns_addrs(stage);
	for (int i = 2; i >= 0; i--)
		tev(0, PERFSHIM_EV_FREE, 1, x + 64 * i, 0);
	encode(0);
	exact = !read_renamed() && ngot == nwant;
	for (int i = 4; i < nwant && exact; i++)
		exact = got[i].addr == want[i].addr;
	ok(exact, "a block allocated again where one is held: its address "
		  "in ADDRS's order");

	/* Damage: a slot not held, and a count not the blocks held. */
	struct buf bad = { 0 }, p = { 0 };

	frame.len = 0;
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	perfshim_columns_reset();
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, x, 48);
	encode(0);
	bad = frame;
	put_u(&p, 0); /* form 0 */
	put_u(&p, 1);
	put_u(&p, 3); /* slot 3: nothing */
	put_u(&p, perfshim_col_addr(x));
	rec(&frame, PERFSHIM_REC_ADDRS, &p);
	ok(read_renamed() == -1, "ADDRS of an empty slot: corrupt");
	frame.len = bad.len;
	p.len = 0;
	put_u(&p, 1); /* form 1 */
	put_u(&p, 2); /* one block is held */
	put_u(&p, perfshim_col_addr(x));
	put_u(&p, 0);
	rec(&frame, PERFSHIM_REC_ADDRS, &p);
	ok(read_renamed() == -1, "ADDRS of two blocks, one held: corrupt");
	free(p.p);
}

/*
 * One thread's block at x, encoded; then a second thread: the first
 * frees x and allocates it again, the second frees that, and is encoded
 * first (its ring drained first). Its FREE finds the first block in the
 * table; only by address can the reader tell which block it freed.
 */
static void second_thread(void)
{
	const uint64_t x = 0x6900000000ull, q = 1ull << PERFSHIM_COL_TIME_SHIFT;
	static const int order[] = { 0, 2, 3, 1 };
	int all_x = 1;

	fresh_n(1);
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, q, x, 48);
	encode(0);
	perfshim_columns_many(stage);
	tev(1, PERFSHIM_EV_FREE, 4 * q, x, 0);
	encode(1);
	tev(0, PERFSHIM_EV_FREE, q, x, 0);
	tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, q, x, 40);
	encode(0);
	ok(in_order(order, 4, 0), "a second thread's FREE encoded first: "
				  "in time order");
	for (int i = 0; i < ngot && i < 4; i++)
		all_x &= got[i].addr == x;
	ok(all_x, "every event at x by its address");
}

/* The SCAN and SCAN_HEADS records the reader gives the visitors, and
 * the SCAN_HELD records staged. */
static struct buf scan_got, heads_got;
static int nscan_got;

static int on_ext(void *ctx, uint8_t tag, const uint8_t *p, const uint8_t *end)
{
	struct buf b = { (uint8_t *)p, (size_t)(end - p), (size_t)(end - p) };

	(void)ctx;
	if (tag == PERFSHIM_REC_SCAN) {
		scan_got.len = 0;
		put(&scan_got, b.p, b.len);
		nscan_got++;
	} else if (tag == PERFSHIM_REC_SCAN_HEADS) {
		heads_got.len = 0;
		put(&heads_got, b.p, b.len);
	}
	return 0;
}

static int read_scans(void)
{
	struct trace_visitor v = { .event = on_event, .ext = on_ext };

	nscan_got = 0;
	scan_got.len = heads_got.len = 0;
	return read_with(&v);
}

/* A record as writer.c hands perfshim_columns_scans() one. */
static void scan_rec(struct buf *to, uint8_t tag, const struct buf *p)
{
	uint32_t l = (uint32_t)p->len;

	put_byte(to, tag);
	put(to, (const uint8_t *)&l, 4);
	put(to, p->p, p->len);
}

/* The verdicts of a SCAN record's payload, in "name size kind;" text. */
static void scan_text(const struct buf *b, char *out, size_t cap,
		      uint64_t *flags)
{
	const uint8_t *q = b->p, *end = b->p + b->len;
	uint64_t h[5], v[3], addr = 0;
	size_t l = 0;

	out[0] = 0;
	for (int i = 0; i < 5; i++)
		if (perfshim_get_varint(&q, end, &h[i]))
			return;
	*flags = h[1];
	while (l < cap && !perfshim_get_varint(&q, end, &v[0]) &&
	       !perfshim_get_varint(&q, end, &v[1]) &&
	       !perfshim_get_varint(&q, end, &v[2])) {
		addr += v[0];
		l += (size_t)snprintf(out + l, cap - l, "%llx %llu %llu;",
				      (unsigned long long)addr,
				      (unsigned long long)v[1],
				      (unsigned long long)v[2]);
	}
}

/*
 * SCAN_HELD: a scan's verdicts by address, after the pass's events,
 * become one kind per block held, in ALLOC order; the reader gives them
 * back as SCAN and SCAN_HEADS records, each block by the name it knows.
 * Verdicts for no block held (freed since, or a forked child's inherited
 * ones) or of another size are left out. Once every block goes by its
 * address, the scan is given again by address, flagged a repeat.
 */
static void scan_held(void)
{
	const uint64_t x = 0x6a00000000ull;
	struct buf in = { 0 }, p = { 0 };
	char text[512], wanted[512];
	uint64_t flags = 0;

	fresh_n(1);
	for (int i = 0; i < 5; i++)
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, x + 64 * i,
		    48);
	tev(0, PERFSHIM_EV_FREE, 1, x + 64, 0);
	encode(0);
	/* ts, flags, stopped, missed, n, then (address delta, size, kind) */
	static const uint64_t scan[][3] = {
		{ 0, 48, PERFSHIM_SCAN_DEFINITE },    /* block 0 */
		{ 64, 48, PERFSHIM_SCAN_REACHABLE },  /* freed */
		{ 128, 48, PERFSHIM_SCAN_INDIRECT },  /* block 2, head 0 */
		{ 192, 99, PERFSHIM_SCAN_REACHABLE }, /* block 3, other size */
		{ 320, 48, PERFSHIM_SCAN_REACHABLE }, /* no block there */
	};
	uint64_t prev = 0;

	put_u(&p, 5);
	put_u(&p, PERFSHIM_SCAN_AT_EXIT);
	put_u(&p, 1);
	put_u(&p, 0);
	put_u(&p, 5);
	for (int i = 0; i < 5; i++) {
		put_u(&p, x + scan[i][0] - prev);
		prev = x + scan[i][0];
		put_u(&p, scan[i][1]);
		put_u(&p, scan[i][2]);
	}
	scan_rec(&in, PERFSHIM_REC_SCAN, &p);
	p.len = 0;
	put_u(&p, 5);
	put_u(&p, 1);
	put_u(&p, x + 128);
	put_u(&p, x);
	scan_rec(&in, PERFSHIM_REC_SCAN_HEADS, &p);
	nscan_held = 0;
	size_t before = frame.len;

	perfshim_columns_scans(in.p, in.len, stage);
	ok(nscan_held == 1 && frame.len - before < 40,
	   "one small SCAN_HELD record (%zu bytes)", frame.len - before);
	ok(!read_scans() && ngot == nwant && nscan_got == 1, "read back");
	scan_text(&scan_got, text, sizeof(text), &flags);
	snprintf(wanted, sizeof(wanted), "%llx 48 %d;%llx 48 %d;",
		 (unsigned long long)perfshim_col_unnamed(0),
		 PERFSHIM_SCAN_DEFINITE,
		 (unsigned long long)perfshim_col_unnamed(2),
		 PERFSHIM_SCAN_INDIRECT);
	is_str(text, wanted,
	       "as a SCAN of the blocks held, named by their ALLOCs' numbers");
	ok(flags == PERFSHIM_SCAN_AT_EXIT, "the scan's flags");
	{
		const uint8_t *q = heads_got.p, *end = q + heads_got.len;
		uint64_t v[4] = { 0 };
		int good = heads_got.len > 0;

		for (int i = 0; i < 4 && good; i++)
			good = !perfshim_get_varint(&q, end, &v[i]);
		ok(good && v[1] == 1 && v[2] == perfshim_col_unnamed(2) &&
			   v[3] == perfshim_col_unnamed(0) && q == end,
		   "and the indirect block's head as SCAN_HEADS");
	}

	/* A second thread: ADDRS, then the scan again by address. */
	perfshim_columns_many(stage);
	ok(!read_scans() && nscan_got == 2, "given again once blocks go by "
					    "address");
	scan_text(&scan_got, text, sizeof(text), &flags);
	prev = 0;
	{
		size_t l = 0;

		for (int i = 0; i < 5; i++)
			l += (size_t)snprintf(
				wanted + l, sizeof(wanted) - l,
				"%llx %llu %llu;",
				(unsigned long long)(x + scan[i][0]),
				(unsigned long long)scan[i][1],
				(unsigned long long)scan[i][2]);
	}
	is_str(text, wanted, "as the scan gave it");
	ok(flags == (PERFSHIM_SCAN_AT_EXIT | PERFSHIM_SCAN_REPEAT),
	   "flagged a repeat");

	/* Damage: a count not the blocks held, a kind past NONE, a head
	 * past the list (3 blocks held): time, flags, stopped, missed, N,
	 * then the blocks' fields. */
	static const uint64_t damage[][11] = {
		{ 10, 5, 1, 0, 0, 6, 3, 3, 3, 3, 3 }, /* N 6 */
		{ 8, 5, 1, 0, 0, 3, 3, 3, 5 },	      /* kind 5 */
		{ 9, 5, 1, 0, 0, 3, 3, 1, 20, 3 },    /* head at +10 */
	};
	for (int d = 0; d < 3; d++) {
		fresh_n(1);
		for (int i = 0; i < 3; i++)
			tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1,
			    x + 64 * i, 48);
		encode(0);
		p.len = 0;
		for (uint64_t k = 1; k <= damage[d][0]; k++)
			put_u(&p, damage[d][k]);
		rec(&frame, PERFSHIM_REC_SCAN_HELD, &p);
		ok(read_scans() == -1, "damaged SCAN_HELD %d: corrupt", d);
	}
	free(in.p);
	free(p.p);
	free(scan_got.p);
	free(heads_got.p);
}

/*
 * The replay keeps one thread's blocks, named by their ALLOCs' numbers,
 * in an array by the slot each event gives (reader.h): no two live
 * blocks so named share one. When the reading is over every block is in
 * the replay's table, found by its name, or by its address after ADDRS.
 */
#define SLOT_POOL 300
static int slots_unique;
static uint64_t slot_name[4 * SLOT_POOL];

static int slot_event(void *ctx, const struct trace_event *e)
{
	uint64_t *n;

	(void)ctx;
	if ((e->kind != PERFSHIM_EV_ALLOC && e->kind != PERFSHIM_EV_FREE) ||
	    !perfshim_col_is_unnamed(e->addr))
		return 0;
	if (!e->slot || e->slot > 4 * SLOT_POOL) {
		slots_unique = 0;
		return 0;
	}
	n = &slot_name[e->slot - 1];
	if (e->kind == PERFSHIM_EV_ALLOC) {
		slots_unique &= !*n;
		*n = e->addr;
	} else {
		slots_unique &= *n == e->addr;
		*n = 0;
	}
	return 0;
}

/* frame through the replay (and slot_event): rp's state at the end. */
static int read_replay(struct replay *rp)
{
	struct trace_visitor rv, sv = { .event = slot_event };
	struct visitor_tee tee;

	memset(slot_name, 0, sizeof(slot_name));
	slots_unique = 1;
	replay_init(rp);
	replay_visitor(rp, &rv);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &rv);
	visitor_tee_add(&tee, &sv);
	return read_with(&tee.out);
}

/* The blocks in rp's table, which the reports go through. */
static size_t table_blocks(const struct replay *rp)
{
	size_t n = 0;

	for (size_t i = 0; i < rp->live_cap; i++)
		n += rp->live[i].addr != 0;
	return n;
}

static void replay_slots(void)
{
	const uint64_t x = 0x6a00000000ull, y = 0x6b00000000ull;
	uint64_t size[SLOT_POOL] = { 0 }, rng = 0x2545f4914f6cdd1dull;
	uint64_t bytes = 0, live = 0;
	struct replay rp;
	int found = 1;

	fresh_n(1);
	for (int i = 0; i < 3000; i++) {
		unsigned k = (unsigned)(xorshift64(&rng) % SLOT_POOL);

		if (size[k]) {
			tev(0, PERFSHIM_EV_FREE, 1, x + 64 * k, 0);
			bytes -= size[k];
			size[k] = 0;
			live--;
		} else {
			size[k] = 16 + xorshift64(&rng) % 32;
			tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1,
			    x + 64 * k, size[k]);
			bytes += size[k];
			live++;
		}
		if (i % 200 == 199)
			encode(0);
	}
	encode(0);
	ok(!read_replay(&rp) && slots_unique && rp.unknown_frees == 0,
	   "one thread's blocks: read, one slot for each live block");
	ok(rp.direct_count == 0 && rp.live_count == live &&
		   table_blocks(&rp) == live && rp.live_bytes == bytes,
	   "all %llu in the replay's table when the reading is over",
	   (unsigned long long)live);
	replay_release(&rp);

	/* A second thread: ADDRS names them; it frees half of them while
	 * the first allocates more. */
	perfshim_columns_many(stage);
	for (unsigned k = 0; k < SLOT_POOL; k += 2)
		if (size[k]) {
			tev(1, PERFSHIM_EV_FREE, 1, x + 64 * k, 0);
			bytes -= size[k];
			size[k] = 0;
			live--;
		}
	for (unsigned k = 0; k < 50; k++)
		tev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, y + 64 * k,
		    24);
	encode(1);
	encode(0);
	ok(!read_replay(&rp) && slots_unique && rp.unknown_frees == 0,
	   "then a second thread: read");
	for (unsigned k = 0; k < SLOT_POOL; k++) {
		const struct live_block *b = replay_find(&rp, x + 64 * k);

		found &= size[k] ? b && b->size == size[k] : !b;
	}
	for (unsigned k = 0; k < 50; k++)
		found &= replay_find(&rp, y + 64 * k) != NULL;
	ok(found && rp.direct_count == 0 && rp.live_count == live + 50 &&
		   table_blocks(&rp) == live + 50,
	   "each block held found by its address");
	replay_release(&rp);
}

int main(void)
{
	const uint64_t a = 0x7f0000001000ull, b = 0x7f0000002000ull;
	size_t len;

	plan(69);
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 5, a, 32, 7);
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_PVALLOC, 1, b, 1ull << 40, 8);
	ev(0, PERFSHIM_EV_FREE, UINT32_MAX, a, 0, 0);
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_CALLOC, 0, a + 16, 48, 7);
	/* a again, of its size class: the block freed last there */
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 0, a, 40, 7);
	ev(0, PERFSHIM_EV_FREE, 1, a, 0, 0);
	/* and of another class: not from the recent ones */
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 0, a, 4000, 7);
	ev(0, PERFSHIM_EV_FREE, 1, a, 0, 0);
	ev(0, PERFSHIM_EV_FREE, 2, 0xdead0, 0, 0); /* never allocated */
	ev(0, PERFSHIM_EV_SAMPLE, 3, 0, 0, 9);
	ev(0, PERFSHIM_EV_MARK, 3, 0, 0, 1);
	/* The same address again, unfreed as far as the file goes. */
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, a + 16, 64, 3);
	len = ring.len;
	is_uint(encode(0), len, "every known event encoded");
	/* Another thread frees the first thread's blocks, later on. */
	ev(1, PERFSHIM_EV_FREE, clock_of[0] + 4096, b, 0, 0);
	ev(1, PERFSHIM_EV_FREE, 1, a + 16, 0, 0);
	ev(1, PERFSHIM_EV_THREAD_EXIT, 1, 0, 0, 0);
	encode(1);
	ev(0, PERFSHIM_EV_SAMPLE, clock_of[1] - clock_of[0] + 4096, 0, 0, 2);
	for (int i = 0; i < PAIRS; i++) {
		uint64_t at = 0x5000000000ull + (uint64_t)(i % 700) * 4096;

		ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, i & 3, at,
		   16 + i % 4000, 1 + i % 20);
		if (i >= 500)
			ev(0, PERFSHIM_EV_FREE, 1,
			   0x5000000000ull + (uint64_t)((i - 500) % 700) * 4096,
			   0, 0);
	}
	encode(0);
	ok(ncolumns > 2, "in several COLUMNS records (%d)", ncolumns);
	ok(!read_back(&frame), "the reader reads them");
	is_int(ngot, nwant, "as many events as written");
	int bad = first_wrong();

	if (bad >= 0)
		diag("%d: kind %x/%x ts %llu/%llu addr %llx/%llx", bad,
		     want[bad].kind, got[bad].kind,
		     (unsigned long long)want[bad].ts,
		     (unsigned long long)got[bad].ts,
		     (unsigned long long)want[bad].addr,
		     (unsigned long long)got[bad].addr);
	is_int(bad, -1,
	       "each one the same: time, thread, kind, fn, size, "
	       "address, stack, label");

	/* An allocation it cannot code (a distance past 2^62, not of 16)
	 * stops it; that event and the thread's later ones go as CHUNKs,
	 * with exact times from there on, and the table stays in step. */
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 700, a, 8, 1);
	len = ring.len;
	raw[0] = 1;
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 700, (1ull << 63) + 1, 8,
	   1);
	ev(0, PERFSHIM_EV_FREE, 1, a, 0, 0);
	is_uint(encode(0), len, "an event it cannot code: stops before it");
	ev(0, PERFSHIM_EV_FREE, 1, (1ull << 63) + 1, 0, 0);
	is_uint(encode(0), 0, "the thread's next events: none in columns");
	ev(1, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 100000, b, 8, 1);
	ev(1, PERFSHIM_EV_FREE, 1, b, 0, 0);
	encode(1);
	ok(!read_back(&frame) && ngot == nwant && first_wrong() < 0,
	   "all read back, times exact after the CHUNK's first");

	/* Damage: a FREE of a slot that holds nothing. */
	struct buf bad_frame = { 0 }, p = { 0 };

	rec_u(&bad_frame, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 0); /* thread */
	put_u(&p, 1); /* one event */
	put_u(&p, 1); /* kinds */
	put_byte(&p, PERFSHIM_COL_FREE_SLOT);
	put_u(&p, 0); /* times: none moves */
	put_u(&p, 0); /* sizes */
	put_u(&p, 0); /* stacks */
	put_u(&p, 1); /* slots: slot 4 */
	put_u(&p, 4);
	put_u(&p, 0); /* addresses */
	put_u(&p, 0); /* ranks */
	rec(&bad_frame, PERFSHIM_REC_COLUMNS, &p);
	ok(read_back(&bad_frame) == -1, "a FREE of an empty slot: corrupt");
	p.p[3] = PERFSHIM_EV_FREE; /* by age 4, with no ALLOC before it */
	p.p[10] = 1;		   /* ranks: 0 */
	put_u(&p, 0);
	bad_frame.len = 0;
	rec_u(&bad_frame, PERFSHIM_REC_FRAME, 0);
	rec(&bad_frame, PERFSHIM_REC_COLUMNS, &p);
	ok(read_back(&bad_frame) == -1, "a FREE of an age beyond the ALLOCs: "
					"corrupt");
	p.len = 0;
	bad_frame.len = 0;
	rec_u(&bad_frame, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 0);
	put_u(&p, 2); /* two events, one kind */
	put_u(&p, 1);
	put_byte(&p, PERFSHIM_EV_THREAD_EXIT);
	for (int i = 1; i < PERFSHIM_COL_COUNT; i++)
		put_u(&p, 0);
	rec(&bad_frame, PERFSHIM_REC_COLUMNS, &p);
	ok(read_back(&bad_frame) == -1, "a count the kinds do not match: "
					"corrupt");
	p.len = 0;
	bad_frame.len = 0;
	rec_u(&bad_frame, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 0);
	put_u(&p, 1); /* one FREE of rank 16, no ALLOC before it */
	put_u(&p, 1);
	put_byte(&p, PERFSHIM_COL_FREE_RANK | 15);
	for (int i = 1; i < PERFSHIM_COL_COUNT; i++)
		put_u(&p, 0);
	rec(&bad_frame, PERFSHIM_REC_COLUMNS, &p);
	ok(read_back(&bad_frame) == -1, "a FREE of a rank past the recently "
					"allocated: corrupt");

	/* A fresh table (a forked child's trace) starts from slot 0. */
	perfshim_columns_reset();
	frame.len = 0;
	nwant = 0;
	memset(clock_of, 0, sizeof(clock_of));
	memset(raw, 0, sizeof(raw));
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, b, 8, 1);
	ev(0, PERFSHIM_EV_FREE, 1, b, 0, 0);
	encode(0);
	ok(!read_back(&frame) && ngot == 2 && first_wrong() < 0,
	   "after a reset, a new table on both sides");
	ok(!read_back(&frame) && ngot == 2, "read twice, the same");

	/* Blocks freed in the order they came (no rank), one past the
	 * ages a FREE may name: by age, and that one by its slot. */
	for (int i = 0; i < OLD; i++)
		ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1,
		   0x6000000000ull + (uint64_t)i * 64, 48, 1);
	for (int i = 0; i < OLD; i++)
		ev(0, PERFSHIM_EV_FREE, 1, 0x6000000000ull + (uint64_t)i * 64,
		   0, 0);
	encode(0);
	ok(!read_back(&frame) && ngot == nwant && first_wrong() < 0,
	   "FREEs by age and by slot, read back");

	/* Times: only the events whose quantum moves cost bytes. */
	nwant = 0;
	frame.len = 0;
	perfshim_columns_reset();
	clock_of[0] = 0;
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	for (int i = 0; i < PAIRS; i++)
		ev(0, PERFSHIM_EV_SAMPLE, (1u << PERFSHIM_COL_TIME_SHIFT) / 10,
		   0, 0, 1);
	times_bytes = 0;
	encode(0);
	ok(times_bytes <= PAIRS / 10 * 2 + 4,
	   "%d events in %d quanta: %llu bytes of times", PAIRS, PAIRS / 10,
	   (unsigned long long)times_bytes);
	ok(!read_back(&frame) && ngot == nwant && first_wrong() < 0,
	   "and read back, each at its quantum");

	/* Blocks freed at random among many: by slot, when the encoder
	 * sees that ages do not repeat (columns.c). */
	nwant = 0;
	frame.len = 0;
	perfshim_columns_reset();
	clock_of[0] = 0;
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	uint32_t x = 1;

	for (int i = 0; i < 2 * OLD; i++) {
		x = x * 1103515245u + 12345u;
		uint64_t at = 0x7000000000ull + (uint64_t)(x >> 8) % 600 * 64;

		ev(0, PERFSHIM_EV_FREE, 1, at, 0, 0);
		ev(0, PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC, 1, at, 48, 1);
		if (nwant > MAXEV - 2)
			break;
	}
	nfree_slot = 0;
	encode(0);
	ok(nfree_slot > 1000, "random FREEs go by slot (%d)", nfree_slot);
	ok(!read_back(&frame) && ngot == nwant && first_wrong() < 0,
	   "and read back");

	ties();
	ties_damage();
	recent_model();
	mru_model();
	far_reuse(1);
	replay_slots();
	far_reuse(2);
	old_quanta();
	addrs();
	second_thread();
	scan_held();
	free(frame.p);
	free(ring.p);
	free(p.p);
	free(bad_frame.p);
	return exit_status();
}
