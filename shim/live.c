/* live.c - the live-block index, kept by the writer thread from the rings. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "columns.h"
#include "live.h"
#include "mem.h"
#include "perfshim_trace.h"

HIDDEN int perfshim_live_enabled = 1;
HIDDEN struct live_index perfshim_live;
/*
 * 1 while the index is not kept: one thread has had events, all of them
 * went through the chunk encoder, and its table of slots holds the same
 * blocks, in the one order there is (live.h). Each drain then only
 * moves the thread's live_pos on.
 */
static int lazy = 1;
static int tell_lazy; /* the drain under way found the index lazy */

static inline size_t home(uint64_t addr, size_t cap)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

/* Room for at least need entries (load at most a half): from 1024 on,
 * doubling, or at once to what need takes. */
static int grow_to(struct live_index *x, size_t need)
{
	/* Small at first: every page the hash spreads entries over is a
	 * fault (13 us each on a VM here), and most programs hold few. */
	size_t cap = x->cap ? 2 * x->cap : 1024;

	while (cap < 2 * need)
		cap *= 2;
	if (cap <= x->cap)
		return 0;
	struct live_entry *e = perfshim_map(cap * sizeof(*e));

	if (!e)
		return -1;
	perfshim_dense(e, cap * sizeof(*e));
	for (size_t i = 0; i < x->cap; i++) {
		if (!x->e[i].addr)
			continue;
		size_t s = home(x->e[i].addr, cap);

		while (e[s].addr)
			s = (s + 1) & (cap - 1);
		e[s] = x->e[i];
	}
	if (x->e)
		perfshim_unmap(x->e, x->cap * sizeof(*x->e));
	x->e = e;
	x->cap = cap;
	return 0;
}

/* Linear probing with backward shift, as the analyzer's replay. */
static void drop(struct live_index *x, size_t s)
{
	size_t mask = x->cap - 1;

	for (size_t j = (s + 1) & mask; x->e[j].addr; j = (j + 1) & mask) {
		size_t h = home(x->e[j].addr, x->cap);

		if (((j - h) & mask) >= ((j - s) & mask)) {
			x->e[s] = x->e[j];
			s = j;
		}
	}
	x->e[s].addr = 0;
	x->count--;
}

/* addr's entry, or the empty one where it would go (x->cap > 0). */
static inline size_t find(const struct live_index *x, uint64_t addr)
{
	size_t s = home(addr, x->cap);

	while (x->e[s].addr && x->e[s].addr != addr)
		s = (s + 1) & (x->cap - 1);
	return s;
}

static struct live_entry *slot(struct live_index *x, uint64_t addr, size_t *at)
{
	if ((x->count + 1) * 2 > x->cap && grow_to(x, x->count + 1))
		return NULL;
	*at = find(x, addr);
	return &x->e[*at];
}

/* addr's entry, made empty (count 0) if new; NULL (index broken) if full. */
static struct live_entry *entry(struct live_index *x, uint64_t addr, size_t *at)
{
	struct live_entry *e = slot(x, addr, at);

	if (!e) {
		x->broken = 1;
		return NULL;
	}
	if (!e->addr) {
		e->addr = addr;
		e->count = 0;
		e->ts = 0;
		e->size = 0;
		x->count++;
	}
	return e;
}

/*
 * Events of different threads arrive out of time order (a free drained
 * before the alloc it frees), so each address keeps a net count and the
 * latest alloc: the order they are applied in does not matter.
 */
static void on_alloc(struct live_index *x, uint64_t addr, uint64_t size,
		     uint64_t ts)
{
	size_t s;
	struct live_entry *e = entry(x, addr, &s);

	if (!e)
		return;
	if (++e->count == 0) {
		drop(x, s);
		return;
	}
	if (ts >= e->ts) {
		e->ts = ts;
		e->size = size;
	}
}

static void on_free(struct live_index *x, uint64_t addr)
{
	size_t s;
	struct live_entry *e = entry(x, addr, &s);

	if (!e)
		return;
	if (--e->count == 0)
		drop(x, s);
}

/*
 * Apply the events in [p, end); *bad set when one cannot be parsed. The
 * byte source is either contiguous (get_flat) or the ring (get_ring).
 */
struct in {
	const uint8_t *p, *end; /* contiguous bytes */
	const uint8_t *ring;	/* or the ring, when not NULL */
	size_t mask;
	uint64_t pos, stop;
};

static inline int get(struct in *r, uint64_t *v)
{
	if (!r->ring)
		return perfshim_get_varint(&r->p, r->end, v);
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->pos == r->stop)
			return -1;
		uint8_t b = r->ring[r->pos++ & r->mask];

		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* t's ring bytes from its applied position up to upto. */
static inline struct in ring_in(const struct thread_state *t, uint64_t upto)
{
	return (struct in){ NULL,	   NULL, t->ring.buf, t->ring.size - 1,
			    t->w.live_pos, upto };
}

static inline int more(const struct in *r)
{
	return r->ring ? r->pos < r->stop : r->p < r->end;
}

static inline uint8_t tag_of(struct in *r)
{
	return r->ring ? r->ring[r->pos++ & r->mask] : *r->p++;
}

/* What an ALLOC or FREE parsed goes to: the index (told, below), or a
 * forked child's copy of its parent's table of slots (absorbed). */
typedef void parsed_fn(int alloc, uint64_t addr, uint64_t size, uint64_t ts);

static void told(int alloc, uint64_t addr, uint64_t size, uint64_t ts);

static inline __attribute__((always_inline)) void
parse_to(struct thread_state *t, struct in *r, parsed_fn *fn)
{
	struct live_index *x = &perfshim_live;
	uint64_t dt, size, addr, skip, ts = t->w.live_ts;

	while (more(r)) {
		uint8_t tag = tag_of(r);

		if (get(r, &dt))
			goto bad;
		ts += dt;
		if ((tag & 0xf0) == PERFSHIM_EV_ALLOC) {
			if (get(r, &size) || get(r, &addr) || get(r, &skip))
				goto bad;
			fn(1, addr, size, ts);
		} else if (tag == PERFSHIM_EV_FREE) {
			if (get(r, &addr))
				goto bad;
			fn(0, addr, 0, ts);
		} else if (tag == PERFSHIM_EV_SAMPLE ||
			   tag == PERFSHIM_EV_MARK) {
			if (get(r, &skip))
				goto bad;
		} else if (tag != PERFSHIM_EV_THREAD_EXIT) {
			goto bad;
		}
	}
	t->w.live_ts = ts;
	return;
bad:
	/* An event we cannot parse: this thread's later events cannot be
	 * found either; the scan says its result is partial. */
	t->w.live_bad = 1;
	x->broken = 1;
}

static void parse(struct thread_state *t, struct in *r)
{
	parse_to(t, r, told);
}

HIDDEN void perfshim_live_apply(struct thread_state *t, uint64_t upto)
{
	struct in r = ring_in(t, upto);

	if (!perfshim_live_enabled || upto <= t->w.live_pos)
		return;
	perfshim_live_materialize(); /* (where no caller did) */
	t->w.live_pos = upto;
	if (!t->w.live_bad)
		parse(t, &r);
}

/* Bytes from pos on, where t's applied ones end before pos: a gap, which
 * cannot happen, but the index never guesses. 1 (t marked bad) if so. */
static int gap(struct thread_state *t, uint64_t pos)
{
	if (t->w.live_pos >= pos)
		return 0;
	t->w.live_bad = 1;
	perfshim_live.broken = 1;
	return 1;
}

HIDDEN void perfshim_live_apply_copy(struct thread_state *t, const uint8_t *p,
				     size_t len, uint64_t pos)
{
	if (!perfshim_live_enabled || pos + len <= t->w.live_pos)
		return;
	perfshim_live_materialize(); /* (where no caller did) */
	gap(t, pos);
	size_t skip = (size_t)(t->w.live_pos - pos);
	struct in r = { p + skip, p + len, NULL, 0, 0, 0 };

	t->w.live_pos = pos + len;
	if (!t->w.live_bad)
		parse(t, &r);
}

static void held(uint64_t addr, uint64_t size, uint64_t ts)
{
	on_alloc(&perfshim_live, addr, size, ts);
}

HIDDEN void perfshim_live_materialize(void)
{
	if (!lazy)
		return;
	lazy = 0;
	if (!perfshim_live_enabled)
		return;
	/* At once to its size: a million blocks grew it eleven times,
	 * each a fresh map whose pages all fault (a fork's child of such
	 * a parent spent most of its start here). Without the memory for
	 * that, the inserts grow it as they can (entry() says when not). */
	(void)grow_to(&perfshim_live,
		      perfshim_live.count + perfshim_columns_inherited_count() +
			      perfshim_columns_held_count());
	/* A forked child's: the parent's blocks first, its own after
	 * (the latest ALLOC of an address gives its size). */
	perfshim_columns_inherited(held);
	perfshim_columns_held(held);
}

/* --- a scan's view while lazy ------------------------------------------------ */

/*
 * 1 while the index holds an overlay (perfshim_live_gather): for each
 * address a ring's undrained event names, what the last of them left:
 * count 1 and its size (an ALLOC), or -1 (a FREE). The tables say the
 * rest.
 */
static int overlay;

static void overlaid(int alloc, uint64_t addr, uint64_t size, uint64_t ts)
{
	size_t s;
	struct live_entry *e = entry(&perfshim_live, addr, &s);

	if (!e)
		return;
	e->count = alloc ? 1 : -1;
	e->size = size;
	e->ts = ts;
}

/* How many threads on list have events not applied yet; *with: one. */
static size_t undrained(struct thread_state *list, struct thread_state **with)
{
	size_t n = 0;

	*with = NULL;
	for (struct thread_state *t = list; t; t = t->next)
		if (atomic_load(&t->ring.head) > t->w.live_pos) {
			*with = t;
			n++;
		}
	return n;
}

/* The index made, every event committed to list's rings in it. */
static void take_all(struct thread_state *list)
{
	perfshim_live_materialize();
	for (struct thread_state *t = list; t; t = t->next)
		perfshim_live_apply(t, atomic_load(&t->ring.head));
}

HIDDEN size_t perfshim_live_gather(struct thread_state *list)
{
	struct thread_state *with;
	size_t pending = undrained(list, &with);

	if (lazy && pending <= 1 && !perfshim_live.count) {
		overlay = 1;
		if (with && !with->w.live_bad) {
			/* The writer drains these later: its positions
			 * stay as they are. */
			struct in r =
				ring_in(with, atomic_load(&with->ring.head));
			uint64_t ts = with->w.live_ts;

			parse_to(with, &r, overlaid);
			with->w.live_ts = ts;
			with->w.live_bad = 0;
		}
		return perfshim_live.count + perfshim_columns_held_count() +
		       perfshim_columns_inherited_count();
	}
	take_all(list);
	return perfshim_live.count;
}

static void (*each_fn)(uint64_t addr, uint64_t size);

/* A block of the tables, unless the overlay says what came of it. */
static void tabled(uint64_t addr, uint64_t size, uint64_t ts)
{
	struct live_index *x = &perfshim_live;

	(void)ts;
	if (x->count && x->e[find(x, addr)].addr)
		return;
	each_fn(addr, size);
}

HIDDEN void perfshim_live_each(void (*fn)(uint64_t addr, uint64_t size))
{
	struct live_index *x = &perfshim_live;

	if (fn && overlay) {
		each_fn = fn;
		perfshim_columns_inherited_each(tabled);
		perfshim_columns_held(tabled);
	}
	for (size_t i = 0; fn && i < x->cap; i++)
		if (x->e[i].addr && x->e[i].count > 0)
			fn(x->e[i].addr, x->e[i].size);
	if (!overlay)
		return;
	/* The index lazy and empty again, as the writer left it. */
	overlay = 0;
	if (x->e)
		perfshim_unmap(x->e, x->cap * sizeof(*x->e));
	x->e = NULL;
	x->cap = x->count = 0;
}

/* An event of the parent's, in a forked child (perfshim_live_after_fork). */
static int absorb_failed;

static void absorbed(int alloc, uint64_t addr, uint64_t size, uint64_t ts)
{
	if (perfshim_columns_absorb(alloc, addr, size, ts))
		absorb_failed = 1;
}

static void parse_absorbed(struct thread_state *t, uint64_t upto)
{
	struct in r = ring_in(t, upto);

	t->w.live_pos = upto;
	if (!t->w.live_bad)
		parse_to(t, &r, absorbed);
}

HIDDEN void perfshim_live_after_fork(struct thread_state *list)
{
	struct thread_state *with;
	size_t pending = undrained(list, &with);

	/* Lazy, the one thread's events that were not drained yet are the
	 * ones the table lacks: in it, in their order, it is the parent's
	 * heap at the fork (columns.h). With two threads' there is no one
	 * order: the index then, as before. */
	if (perfshim_live_enabled && lazy && pending <= 1) {
		if (with)
			parse_absorbed(with, atomic_load(&with->ring.head));
		if (absorb_failed)
			perfshim_live.broken = 1;
		/* (the child of a child that never read its parent's: the
		 * index reads both now, oldest first) */
		if (!perfshim_columns_inherit())
			return;
	}
	take_all(list);
}

/* The encoder's word of one event (col_seen), applied as parse() would. */
static void told(int alloc, uint64_t addr, uint64_t size, uint64_t ts)
{
	if (alloc)
		on_alloc(&perfshim_live, addr, size, ts);
	else
		on_free(&perfshim_live, addr);
}

HIDDEN void perfshim_live_tell(struct thread_state *t, uint64_t pos,
			       struct col_seen *s)
{
	s->fn = NULL;
	s->from = 0;
	tell_lazy = 0;
	if (!perfshim_live_enabled || t->w.live_bad || gap(t, pos))
		return;
	if (lazy) {
		tell_lazy = 1;
		return;
	}
	s->fn = told;
	s->from = (size_t)(t->w.live_pos - pos);
}

HIDDEN void perfshim_live_told(struct thread_state *t, const uint8_t *p,
			       size_t len, uint64_t pos, size_t done,
			       const struct col_seen *s)
{
	/* Lazy: what the encoder took is in its table; the rest is not. */
	if (tell_lazy && done < len)
		perfshim_live_materialize();
	if ((s->fn || tell_lazy) && done && pos + done > t->w.live_pos) {
		t->w.live_pos = pos + done;
		t->w.live_ts = s->exact;
	}
	tell_lazy = 0;
	if (done < len)
		perfshim_live_apply_copy(t, p + done, len - done, pos + done);
}

HIDDEN void perfshim_live_fork_child(struct thread_state *self)
{
	if (self) {
		self->w.live_pos = 0;
		self->w.live_ts = 0;
	}
}
