/* series.c - the growth series, taken as the trace is read (series.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "perfshim_trace.h"
#include "series.h"

/* Cells of the grid: at least this many, and this many a window. */
#define GRID_CELLS 8192
#define CELLS_PER_WINDOW 128

/* Entries of hot[] from which changes wait for theirs (512 KiB). */
#define LAG_HOT ((size_t)32 << 10)

/* Bytes of a chunk of the blocks, its header included. */
#define CHUNK_BYTES ((size_t)64 << 10)

/*
 * The blocks' entries, each a varint whose low two bits are its kind:
 *   DELTA  site << 2, then the site's net change (zigzag)
 *   CELL   1, then a time: the blocks after it are at or past it
 *   MARK   label << 2 | 2: a marker of that label
 */
enum { B_DELTA, B_CELL, B_MARK };

void series_init(struct series *s, const struct replay *rp, unsigned windows,
		 size_t limit)
{
	size_t n = GRID_CELLS;

	memset(s, 0, sizeof(*s));
	while (n < (size_t)windows * CELLS_PER_WINDOW)
		n *= 2;
	s->rp = rp;
	s->limit = limit;
	s->ncells = n;
	s->b_integral = xcalloc(n, sizeof(*s->b_integral));
	s->b_heap = xcalloc(n, sizeof(*s->b_heap));
	s->rss_sum = xcalloc(n, sizeof(*s->rss_sum));
	s->mapped_sum = xcalloc(n, sizeof(*s->mapped_sum));
	s->rss_n = xcalloc(n, sizeof(*s->rss_n));
	hashtab_init(&s->site_ix);
	s->block = 1;
}

static void drop_kept(struct series *s)
{
	for (struct series_chunk *c = s->chunks, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(s->marks);
	free(s->unresolved);
	s->chunks = s->chunk_tail = NULL;
	s->marks = NULL;
	s->unresolved = NULL;
	s->blocks_cap = 0;
	s->nmarks = s->mark_cap = 0;
	s->nunresolved = s->unresolved_cap = 0;
}

void series_release(struct series *s)
{
	drop_kept(s);
	free(s->b_integral);
	free(s->b_heap);
	free(s->rss_sum);
	free(s->mapped_sum);
	free(s->rss_n);
	free(s->touched);
	for (size_t i = 0; i < s->nsites; i++)
		free(s->sites[i].series);
	free(s->sites);
	hashtab_release(&s->site_ix);
	free(s->hot);
	free(s->edge);
	free(s->pts);
	memset(s, 0, sizeof(*s));
}

void series_free(struct series *s)
{
	if (!s)
		return;
	series_release(s);
	free(s);
}

/* --- what is kept: under the limit, or dropped ------------------------- */

static size_t kept_bytes(const struct series *s)
{
	return s->blocks_cap + s->mark_cap * sizeof(*s->marks) +
	       s->unresolved_cap * sizeof(*s->unresolved);
}

/*
 * An array of *cap elements of size that must hold need: grown within
 * the limit. 0, or -1 when it cannot (everything kept is then dropped
 * and the series is over: growth reads the trace again).
 */
static int kept_room(struct series *s, void **p, size_t *cap, size_t need,
		     size_t size)
{
	if (s->over)
		return -1;
	if (need <= *cap)
		return 0;
	size_t n = *cap ? 2 * *cap : 65536 / size;
	size_t others = kept_bytes(s) - *cap * size;
	void *q = NULL;

	while (n < need)
		n *= 2;
	if (others < s->limit && n > (s->limit - others) / size)
		n = (s->limit - others) / size;
	if (others < s->limit && n >= need)
		q = realloc(*p, n * size);
	if (!q) {
		drop_kept(s);
		s->over = 1;
		return -1;
	}
	*p = q;
	*cap = n;
	return 0;
}

/* --- sites ---------------------------------------------------------------- */

static int site_eq(const void *ctx, size_t i)
{
	const struct series *s = ((const void *const *)ctx)[0];
	const uint32_t *stack = ((const void *const *)ctx)[1];

	return s->sites[i].stack == *stack;
}

/* The index in sites[] of stack's site, made if new. */
static uint32_t site_new(struct series *s, uint32_t stack)
{
	const void *ctx[2] = { s, &stack };
	size_t i = hashtab_put(&s->site_ix, hash64(stack), site_eq, ctx,
			       s->nsites);

	if (i == s->nsites) {
		XGROW(s->sites, s->site_cap, s->nsites + 1);
		s->sites[i] = (struct series_site){ .stack = stack };
		s->nsites++;
	}
	return (uint32_t)i;
}

/*
 * The node stack's entry in hot[], which grows to hold it: by doubling,
 * never past the room the replay made for its nodes (nothing is sized by
 * a crafted id). Clamped to the nodes read so far instead, it grew by a
 * few entries at a time as the trace named new ones: 60 copies and
 * 276 MiB of them on a trace of 131k stacks.
 */
static struct series_hot *hot_of(struct series *s, uint32_t stack)
{
	if (stack >= s->hot_cap) {
		size_t cap = s->hot_cap ? 2 * s->hot_cap : 1024;

		if (cap > s->rp->capnodes)
			cap = s->rp->capnodes;
		if (cap <= stack) /* stack < nnodes: within the room */
			cap = (size_t)stack + 1;
		s->hot = xreallocarray(s->hot, cap, sizeof(*s->hot));
		memset(s->hot + s->hot_cap, 0,
		       (cap - s->hot_cap) * sizeof(*s->hot));
		s->hot_cap = cap;
	}
	return &s->hot[stack];
}

/* The site's live bytes at every site point taken so far. */
static void site_fill(const struct series *s, struct series_site *x)
{
	if (!x->series)
		x->series =
			xcalloc(s->spcap ? s->spcap : 1, sizeof(*x->series));
	while (x->filled < s->nsp)
		x->series[x->filled++] = x->live;
}

/* --- the blocks, read (or live): the sites' series ------------------------ */

static void on_delta(struct series *s, uint64_t site, int64_t d)
{
	struct series_site *x = &s->sites[site];

	site_fill(s, x);
	x->live += d;
}

/* The site points of the windows that end at or before t (not the last:
 * it ends with the trace). */
static void on_cell(struct series *s, uint64_t t)
{
	if (s->by_marker)
		return;
	while (s->nsp < s->spcap && s->nsp * s->sstride + 1 < s->nwin &&
	       s->edge[s->nsp * s->sstride + 1] <= t)
		s->nsp++;
}

static void on_mark(struct series *s, uint64_t label)
{
	if (!s->by_marker || label != s->label)
		return;
	if (s->seen % s->stride == 0) {
		uint64_t p = s->seen / s->stride;

		if (p < s->cap && p % s->sstride == 0)
			s->nsp++;
	}
	s->seen++;
}

static int read_chunk(struct series *s, const struct series_chunk *c)
{
	const uint8_t *p = c->b, *end = p + c->len;
	uint64_t v, w;

	while (p < end) {
		if (perfshim_get_varint(&p, end, &v))
			goto bad;
		switch (v & 3) {
		case B_DELTA:
			if (perfshim_get_varint(&p, end, &w) ||
			    (v >> 2) >= s->nsites)
				goto bad;
			on_delta(s, v >> 2, perfshim_unzigzag(w));
			break;
		case B_CELL:
			if (perfshim_get_varint(&p, end, &w))
				goto bad;
			on_cell(s, w);
			break;
		case B_MARK:
			on_mark(s, v >> 2);
			break;
		default:
			goto bad;
		}
	}
	return 0;
bad:
	return error("internal error: the growth series' blocks do not parse");
}

static int read_blocks(struct series *s)
{
	for (const struct series_chunk *c = s->chunks; c; c = c->next)
		if (read_chunk(s, c))
			return -1;
	return 0;
}

/* --- the blocks, written ---------------------------------------------------- */

static void put(struct series *s, uint64_t v)
{
	struct series_chunk *c = s->chunk_tail;

	c->len += perfshim_put_varint(c->b + c->len, v);
}

/*
 * Room in the last chunk for an entry (two varints), or a new chunk
 * within the limit: 0, or -1 when there is none (everything kept is then
 * dropped, as kept_room does). Chunks, not one array grown by copies:
 * on a trace of 131k stacks the blocks took 16 MiB, and the copies
 * touched twice that.
 */
static int blocks_room(struct series *s)
{
	const size_t data = CHUNK_BYTES - sizeof(struct series_chunk);
	struct series_chunk *c = s->chunk_tail;

	if (s->over)
		return -1;
	if (c && c->len + 2 * PERFSHIM_VARINT_MAX <= data)
		return 0;
	if (kept_bytes(s) > s->limit ||
	    s->limit - kept_bytes(s) < CHUNK_BYTES ||
	    !(c = malloc(CHUNK_BYTES))) {
		drop_kept(s);
		s->over = 1;
		return -1;
	}
	c->next = NULL;
	c->len = 0;
	if (s->chunk_tail)
		s->chunk_tail->next = c;
	else
		s->chunks = c;
	s->chunk_tail = c;
	s->blocks_cap += CHUNK_BYTES;
	return 0;
}

static void say_delta(struct series *s, uint32_t site, int64_t d)
{
	if (s->live) {
		on_delta(s, site, d);
	} else if (!blocks_room(s)) {
		put(s, (uint64_t)site << 2 | B_DELTA);
		put(s, perfshim_zigzag(d));
	}
}

static void say_cell(struct series *s, uint64_t t)
{
	if (s->live) {
		on_cell(s, t);
	} else if (!blocks_room(s)) {
		put(s, B_CELL);
		put(s, t);
	}
}

static void say_mark(struct series *s, uint32_t label)
{
	if (s->live)
		on_mark(s, label);
	else if (!blocks_room(s))
		put(s, (uint64_t)label << 2 | B_MARK);
}

static void lag_flush(struct series *s);

/* The block ends: each site it touched, with its net change. */
static void block_end(struct series *s)
{
	lag_flush(s);
	for (size_t i = 0; i < s->ntouched; i++) {
		uint64_t t = s->touched[i];
		uint32_t site;
		int64_t d;

		if (t & 1) {
			const struct series_hot *h = &s->hot[t >> 1];

			site = h->site - 1;
			d = h->pending;
		} else {
			site = (uint32_t)(t >> 1);
			d = s->sites[site].pending;
		}
		if (d)
			say_delta(s, site, d);
	}
	s->ntouched = 0;
	if (++s->block == UINT32_MAX) {
		/* hot[]'s 32-bit block numbers wrap: none is current */
		for (size_t i = 0; i < s->hot_cap; i++)
			s->hot[i].block = 0;
		s->block = 1;
	}
}

/* A site's first change in the block: the block says first where in
 * time it is, and the site goes on the list of those it touched. */
static void touch(struct series *s, uint64_t entry)
{
	uint64_t t = (uint64_t)s->cell << s->shift;

	if (!s->ntouched && s->cell_said != t + 1) {
		say_cell(s, t);
		s->cell_said = t + 1;
	}
	XGROW(s->touched, s->touched_cap, s->ntouched + 1);
	s->touched[s->ntouched++] = entry;
}

/*
 * The site of stack changes by d: the first change in the block of a
 * node's site, or any change of another id's. A node's state is in hot[]
 * by its id (what most events change: one cache line, not the site's
 * index and then the site); any other id (a trace's stack id that names
 * no node) goes through the table alone, so one id is one site whichever
 * way it comes.
 */
static void change_first(struct series *s, uint32_t stack, int64_t d)
{
	if (stack < s->rp->nnodes) {
		struct series_hot *h = hot_of(s, stack);

		if (!h->site)
			h->site = site_new(s, stack) + 1;
		if (h->block != s->block) {
			touch(s, (uint64_t)stack << 1 | 1);
			h->block = (uint32_t)s->block;
			h->pending = 0;
		}
		h->pending += d;
		return;
	}
	uint32_t i = site_new(s, stack);
	struct series_site *x = &s->sites[i];

	if (x->block != s->block) {
		touch(s, (uint64_t)i << 1);
		x->block = s->block;
		x->pending = 0;
	}
	x->pending += d;
}

/* The site of stack changes by d in the current block (most changes
 * are to a node's site the block has met already: that path is inline). */
static inline void change_now(struct series *s, uint32_t stack, int64_t d)
{
	if (stack < s->hot_cap && s->hot[stack].block == s->block)
		s->hot[stack].pending += d;
	else
		change_first(s, stack, d);
}

/* The changes that wait, in their order. */
static void lag_flush(struct series *s)
{
	for (; s->lag_n; s->lag_n--) {
		const struct series_change *c = &s->lag[s->lag_head];

		change_now(s, c->stack, c->d);
		s->lag_head = (s->lag_head + 1) % SERIES_LAG;
	}
}

/*
 * The site of stack changes by d: taken in SERIES_LAG changes later (or
 * when the block ends), in the same order. Its hot[] entry is fetched
 * now: with many stacks each is a cache miss, which the wait hides
 * (on a trace of 131k stacks, the one the series added to the replay's
 * two an event).
 */
static inline void change(struct series *s, uint32_t stack, int64_t d)
{
	unsigned i;

	if (s->hot_cap < LAG_HOT) { /* in cache: no wait (none waits) */
		change_now(s, stack, d);
		return;
	}
	if (stack < s->hot_cap)
		__builtin_prefetch(&s->hot[stack], 1);
	if (s->lag_n == SERIES_LAG) {
		const struct series_change *c = &s->lag[s->lag_head];

		change_now(s, c->stack, c->d);
		s->lag_head = (s->lag_head + 1) % SERIES_LAG;
		s->lag_n--;
	}
	i = (s->lag_head + s->lag_n++) % SERIES_LAG;
	s->lag[i] = (struct series_change){ stack, d };
}

/* --- the grid ---------------------------------------------------------------- */

/* Cells twice as wide: pairs merge, boundaries keep the even ones. */
static void grid_double(struct series *s)
{
	size_t half = s->ncells / 2;

	for (size_t b = 0; 2 * b <= s->cell; b++) {
		s->b_integral[b] = s->b_integral[2 * b];
		s->b_heap[b] = s->b_heap[2 * b];
	}
	for (size_t c = 0; c < half; c++) {
		s->rss_sum[c] = s->rss_sum[2 * c] + s->rss_sum[2 * c + 1];
		s->mapped_sum[c] =
			s->mapped_sum[2 * c] + s->mapped_sum[2 * c + 1];
		s->rss_n[c] = s->rss_n[2 * c] + s->rss_n[2 * c + 1];
	}
	memset(s->rss_sum + half, 0, half * sizeof(*s->rss_sum));
	memset(s->mapped_sum + half, 0, half * sizeof(*s->mapped_sum));
	memset(s->rss_n + half, 0, half * sizeof(*s->rss_n));
	s->cell /= 2;
	s->shift++;
}

/* Wide enough for ts (a 2^64 ns grid at most: shift stays < 64). */
static void grid_fit(struct series *s, uint64_t ts)
{
	while ((ts >> s->shift) >= s->ncells)
		grid_double(s);
}

/* Time goes on to ts: the heap's integral, and each boundary passed. */
static void grid_to(struct series *s, uint64_t ts)
{
	if (ts <= s->acc)
		return; /* the same time, or an event a moment late */
	if ((ts >> s->shift) > s->cell) {
		grid_fit(s, ts);
		size_t to = (size_t)(ts >> s->shift);

		for (size_t b = s->cell + 1; b <= to; b++) {
			uint64_t at = (uint64_t)b << s->shift;

			s->integral += (series_u128)s->heap * (at - s->acc);
			s->acc = at;
			s->b_integral[b] = s->integral;
			s->b_heap[b] = s->heap;
		}
		s->cell = to;
		block_end(s);
	}
	s->integral += (series_u128)s->heap * (ts - s->acc);
	s->acc = ts;
}

/* --- markers and their resident set ---------------------------------------- */

/* The latest sample at or before ts (the earliest if none is). */
static const struct series_sample *sample_at(const struct series *s,
					     uint64_t ts)
{
	const struct series_sample *best = NULL;

	for (size_t i = 0; i < s->ring_n; i++) {
		const struct series_sample *m =
			&s->ring[(s->ring_head + i) % SERIES_RING];

		if (m->ts > ts)
			break;
		best = m;
	}
	if (!best && s->ring_n)
		best = &s->ring[s->ring_head];
	return best;
}

/*
 * Give marks their resident set once a later sample came (all: at the
 * end, from what there is). Each mark on its own, so that which other
 * marks are kept changes nothing.
 */
static void resolve(struct series *s, int all)
{
	uint64_t newest =
		s->ring_n
			? s->ring[(s->ring_head + s->ring_n - 1) % SERIES_RING]
				  .ts
			: 0;
	size_t keep = 0;

	for (size_t i = 0; i < s->nunresolved; i++) {
		struct series_mark *m = &s->marks[s->unresolved[i]];
		const struct series_sample *x;

		if (!all && m->ts >= newest) {
			s->unresolved[keep++] = s->unresolved[i];
			continue;
		}
		if ((x = sample_at(s, m->ts))) {
			m->rss = (double)x->rss;
			m->mapped = (double)x->mapped;
		}
	}
	s->nunresolved = keep;
}

static void mark(struct series *s, const struct trace_event *ev, uint64_t n)
{
	struct series_mark *m;

	block_end(s);
	say_mark(s, ev->label);
	if (s->live && (ev->label != s->label || n % s->stride))
		return;
	if (kept_room(s, (void **)&s->marks, &s->mark_cap, s->nmarks + 1,
		      sizeof(*s->marks)) ||
	    kept_room(s, (void **)&s->unresolved, &s->unresolved_cap,
		      s->nunresolved + 1, sizeof(*s->unresolved)))
		return;
	m = &s->marks[s->nmarks];
	*m = (struct series_mark){ .ts = ev->ts,
				   .heap = s->rp->live_bytes,
				   .n = n,
				   .label = ev->label,
				   .rss = NAN,
				   .mapped = NAN };
	s->unresolved[s->nunresolved++] = s->nmarks++;
}

/* --- the reading -------------------------------------------------------------- */

void series_event(struct series *s, const struct trace_event *ev,
		  uint64_t label_n)
{
	const struct replay *rp = s->rp;
	uint64_t heap = rp->live_bytes;

	grid_to(s, ev->ts);
	if (!s->over) {
		if (ev->kind == PERFSHIM_EV_ALLOC) {
			uint32_t stack = ev->stack < rp->nnodes
						 ? rp->nodes[ev->stack].canon
						 : ev->stack;

			if (rp->displaced.addr)
				change(s, rp->displaced.stack,
				       -(int64_t)rp->displaced.size);
			change(s, stack, (int64_t)ev->size);
		} else if (ev->kind == PERFSHIM_EV_FREE && rp->freed.addr) {
			change(s, rp->freed.stack, -(int64_t)rp->freed.size);
		} else if (ev->kind == PERFSHIM_EV_MARK) {
			mark(s, ev,
			     !s->live		     ? label_n
			     : ev->label == s->label ? s->label_seen++
						     : UINT64_MAX);
		}
	}
	s->heap = heap;
}

void series_memory(struct series *s, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	size_t i;

	grid_fit(s, ts);
	s->rss_sum[ts >> s->shift] += (double)rss;
	s->mapped_sum[ts >> s->shift] += (double)mapped;
	s->rss_n[ts >> s->shift]++;
	/* In time order: samples a marker took come a little late. */
	if (s->ring_n == SERIES_RING) {
		s->ring_head = (s->ring_head + 1) % SERIES_RING;
		s->ring_n--;
	}
	i = s->ring_n++;
	while (i > 0 && s->ring[(s->ring_head + i - 1) % SERIES_RING].ts > ts) {
		s->ring[(s->ring_head + i) % SERIES_RING] =
			s->ring[(s->ring_head + i - 1) % SERIES_RING];
		i--;
	}
	s->ring[(s->ring_head + i) % SERIES_RING] =
		(struct series_sample){ ts, rss, mapped };
	if (!s->over)
		resolve(s, 0);
}

void series_end(struct series *s)
{
	s->ended = 1;
	block_end(s);
	if (!s->over)
		resolve(s, 1);
}

/* --- the points ---------------------------------------------------------------- */

/* Placed again (growth_collect may be asked twice): as never placed. */
static void unplace(struct series *s)
{
	for (size_t i = 0; i < s->nsites; i++) {
		free(s->sites[i].series);
		s->sites[i].series = NULL;
		s->sites[i].filled = 0;
		s->sites[i].live = 0;
	}
	free(s->edge);
	free(s->pts);
	s->edge = NULL;
	s->pts = NULL;
	s->npts = s->nsp = 0;
	s->seen = 0;
	s->sites_done = 0;
	s->by_marker = 0;
	s->label = 0;
	s->span = 0;
	s->nwin = 0;
}

static void place_sites(struct series *s, unsigned site_points)
{
	s->live = !s->ended;
	s->sstride = (s->cap + site_points - 1) / site_points;
	if (!s->sstride)
		s->sstride = 1;
	s->spcap = (s->cap + s->sstride - 1) / s->sstride;
	s->pts = xcalloc(s->cap + 1, sizeof(*s->pts));
}

void series_by_marker(struct series *s, uint32_t label, uint64_t count,
		      unsigned point_cap, unsigned site_points)
{
	unplace(s);
	s->by_marker = 1;
	s->label = label;
	s->stride = (count + point_cap - 1) / point_cap;
	if (!s->stride)
		s->stride = 1;
	s->cap = (size_t)((count + s->stride - 1) / s->stride);
	place_sites(s, site_points);
}

void series_by_time(struct series *s, unsigned nwin, uint64_t span,
		    unsigned shift, unsigned site_points)
{
	series_u128 half = (series_u128)1 << shift >> 1;

	unplace(s);
	s->span = span;
	s->nwin = span ? nwin : 0;
	s->cap = s->nwin;
	s->edge = xcalloc(s->nwin + 1, sizeof(*s->edge));
	for (unsigned k = 1; k < s->nwin; k++) {
		series_u128 q = (series_u128)span * k / s->nwin;
		series_u128 e = (q + half) >> shift << shift;

		if (e > span)
			e = span;
		if (e < s->edge[k - 1])
			e = s->edge[k - 1];
		s->edge[k] = (uint64_t)e;
	}
	if (s->nwin)
		s->edge[s->nwin] = span;
	place_sites(s, site_points);
}

static void marker_points(struct series *s)
{
	for (size_t i = 0; i < s->nmarks && s->npts < s->cap; i++) {
		const struct series_mark *m = &s->marks[i];

		if (m->label != s->label || m->n % s->stride)
			continue;
		s->pts[s->npts++] = (struct growth_point){
			.x = (double)m->n,
			.ts = m->ts,
			.heap = (double)m->heap,
			.heap_end = m->heap,
			.rss = m->rss,
			.mapped = m->mapped,
		};
	}
}

/* The heap's integral and the heap at e: the end, or a boundary. */
static series_u128 integral_at(const struct series *s, uint64_t e)
{
	if (e >= s->acc)
		return s->integral + (series_u128)s->heap * (e - s->acc);
	return s->b_integral[e >> s->shift];
}

static uint64_t heap_at(const struct series *s, uint64_t e)
{
	return e >= s->acc ? s->heap : s->b_heap[e >> s->shift];
}

/* Each window's mean resident set, from the cells' samples; a window
 * with no sample of its own carries the last one (or the next). */
static void window_rss(struct series *s)
{
	double *rss = xcalloc(s->nwin, sizeof(*rss));
	double *mapped = xcalloc(s->nwin, sizeof(*mapped));
	uint64_t *n = xcalloc(s->nwin, sizeof(*n));
	double r = NAN, m = NAN;
	unsigned k = 0;

	for (size_t c = 0; c < s->ncells; c++) {
		uint64_t start = (uint64_t)c << s->shift;

		if (!s->rss_n[c])
			continue;
		while (k + 1 < s->nwin && s->edge[k + 1] <= start)
			k++;
		rss[k] += s->rss_sum[c];
		mapped[k] += s->mapped_sum[c];
		n[k] += s->rss_n[c];
	}
	for (size_t i = 0; i < s->npts; i++) {
		if (n[i]) {
			r = rss[i] / (double)n[i];
			m = mapped[i] / (double)n[i];
			s->pts[i].own_rss = 1;
		}
		s->pts[i].rss = r;
		s->pts[i].mapped = m;
	}
	for (size_t i = s->npts; i-- > 0;)
		if (isnan(s->pts[i].rss) && i + 1 < s->npts) {
			s->pts[i].rss = s->pts[i + 1].rss;
			s->pts[i].mapped = s->pts[i + 1].mapped;
		}
	free(rss);
	free(mapped);
	free(n);
}

static void window_points(struct series *s)
{
	for (unsigned k = 0; k < s->nwin; k++) {
		uint64_t start = s->edge[k], end = s->edge[k + 1];
		series_u128 in = integral_at(s, end) - integral_at(s, start);

		s->pts[s->npts++] = (struct growth_point){
			.x = (double)(start + end) / 2e9,
			.ts = end,
			.heap = end > start ? (double)in / (double)(end - start)
					    : (double)heap_at(s, end),
			.heap_end = heap_at(s, end),
		};
	}
	if (s->nwin)
		window_rss(s);
}

void series_points(struct series *s)
{
	if (s->by_marker)
		marker_points(s);
	else
		window_points(s);
}

int series_sites(struct series *s)
{
	if (s->sites_done)
		return 0;
	s->sites_done = 1;
	if (!s->live && read_blocks(s))
		return -1;
	/* The site points not taken yet are at the end. */
	s->nsp = s->spcap;
	for (size_t i = 0; i < s->nsites; i++)
		site_fill(s, &s->sites[i]);
	return 0;
}
