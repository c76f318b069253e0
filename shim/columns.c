/* columns.c - the writer's chunk encoder (see columns.h). */
#include <string.h>

#include "columns.h"
#include "hsort.h"
#include "mem.h"
#include "perfshim_trace.h"

/* Events a record holds at most: a pass drains some 13k events of a busy
 * thread (its 256 KiB ring is drained at half full), so a thread's pass
 * is one record, whose longer columns compress better. The arrays below
 * are touched only as far as they are filled. */
#define BATCH 16384

/* The table of block slots: address -> slot, and each slot's block
 * (below); the released slots, last released on top. Once ties are
 * kept (below), an address freed stays in the table as gone, with the
 * thread and quantum of its FREE, until that quantum is below the
 * watermark. */
struct held {
	uint64_t addr; /* 0: empty entry */
	uint32_t slot; /* gone: the FREE's quantum (its low 32 bits) */
	uint32_t who;  /* thread index + 1 of the last event; | GONE: freed */
};

#define GONE 0x80000000u
static struct held *map;
static size_t map_cap, map_count, map_gone; /* count: gone ones too */
/* Each slot's block, in one place: an event reads or writes them together
 * (four arrays were four cache lines). */
struct slot_block {
	uint64_t size;
	uint64_t seq; /* the ALLOC count when the block came; | NAMED_SEQ:
		       * the reader knows it by its address */
	uint64_t ts;  /* the exact time of its ALLOC */
};

#define NAMED_SEQ ((uint64_t)1 << 63)
_Static_assert(PERFSHIM_COL_MRU <= 16, "a FREE's rank fits its kind's nibble");
static struct slot_block *slot_of;
static uint64_t nalloc; /* ALLOCs (ALLOC_HELD too) so far */
/*
 * A FREE without a rank names its block by age or by slot
 * (perfshim_trace.h). Ages repeat where the program repeats itself
 * (sqlite3: 0.02 B a free, slots 0.21); where it frees at random among
 * many blocks, nothing repeats and slots are the smaller numbers (churn:
 * slots 1.30 B a free, ages 1.50). So the next CHOOSE such FREEs go by
 * slot only when, over the last CHOOSE, ages hardly ever followed the
 * age before them as they had before (a repeat zstd would find), and
 * slots took fewer bits.
 */
#define CHOOSE 1024
#define GUESS_BITS 12
static int by_slot;
static uint64_t age_bits, slot_bits;
static unsigned chosen, age_hits;
static uint32_t guess[1 << GUESS_BITS], last_age;
static uint32_t *released; /* as many entries as slots: never full */
static size_t slot_cap, nslots, nreleased;
/* Recently freed addresses per size class (of blocks the reader knows by
 * their addresses), most recent first; the recently allocated slots; and
 * where the heap would carve a block after the last ALLOC not found
 * there. */
static struct perfshim_col_lists lists;
static uint64_t next_miss;
/*
 * Every ALLOC goes with its address (7.x: perfshim_trace.h): once a
 * second thread has events, or a thread's events go as CHUNKs. One
 * thread's events come in its order, and a FREE of a block found in the
 * table is of that block; another thread's may be encoded before
 * events of the same address that came earlier, and only addresses
 * let the reader put them in order (with TIES).
 */
static int named_all;

/*
 * Each thread's time: exact, its last event's in the ring; seen, what
 * the reader has for it (exact, floored to a time quantum); raw, once
 * an event was not encoded: from then on the thread's events all go as
 * CHUNKs, whose exact deltas the reader adds up (we could not follow
 * the times of events we cannot parse).
 */
struct col_thread {
	uint64_t exact, seen;
	uint64_t count; /* events encoded: the reader's number for the next */
	int raw;
};

static struct col_thread *thr;
static size_t thr_cap;
static struct col_thread *cur; /* the thread being encoded */
static uint32_t cur_index;
/* Who is told of the events from tell_from on (col_seen), or NULL. */
static struct col_seen *telling;
static const uint8_t *tell_from;
static int all_raw;

/*
 * Ties (TIES in perfshim_trace.h). The reader merges the threads' events
 * by their floored times, so two threads' events in one quantum come out
 * in the order of the thread indices. For events of one address that is
 * wrong half the time: a block freed and taken by another thread within
 * a quantum looks allocated twice, or freed before it was allocated. The
 * writer drains one thread's ring after another, so the later of two
 * such events may be encoded first; what they are is known only when
 * both are. So once a second thread exists, every ALLOC and FREE is
 * logged with its exact time. The table of slots tells, for each event,
 * which thread's event came before it at its address, in the order of
 * encoding: a block's ALLOC for its FREE, and for an ALLOC the FREE that
 * left the address gone (none: nothing there above the watermark, or
 * never). Where that was another thread, the address is marked taken
 * over, with the later quantum of the two events. (Not the event's own:
 * thread 1 frees x, thread 2 takes and frees x, thread 1 takes x again,
 * all in quantum q, thread 2's pair encoded first: the change found is
 * thread 1's earlier ALLOC of x in q - 1, after thread 2's FREE. Marked
 * q - 1, x was forgotten once the watermark reached q, before thread
 * 1's last ALLOC came a pass late: t0041's lost tie.) At the end of a
 * pass the logged events of addresses taken over since the last
 * watermark are sorted by address and time, and those of an address and
 * quantum that two threads touched go out in a TIES record with their
 * exact times. The log keeps what is not below the pass's SYNC
 * watermark: every later event is at or above it, so shares no quantum
 * with what is below.
 *
 * Until 2026-12 a table of owners by hash of the address did this, and
 * every event read it at random (1 MiB): with its collisions, it cost
 * churn-2t 10% of its CPU for ties it never had.
 */
/* The time the reader has for an event of exact time t: t floored to
 * its quantum (seen in struct col_thread, which is never above exact). */
static inline uint64_t floored(uint64_t t)
{
	return t & ~(((uint64_t)1 << PERFSHIM_COL_TIME_SHIFT) - 1);
}

struct tie_ev {
	uint64_t addr, exact, seq; /* its floored time: floored(exact) */
	uint32_t thread;
	uint32_t done; /* sent in a TIES record already */
};

/* An address taken over: the quantum + 1 of the latest such change. */
struct tie_mark {
	uint64_t addr; /* 0: empty entry */
	uint32_t switched;
};

#define TIES_PER_RECORD 4096
static int ties_on = -1; /* -1: one thread so far; 0: off (no memory) */
static struct tie_ev *tlog;
static uint32_t *tsort;
static size_t tlog_len, tlog_cap;
/* Where each stretch of the log of one thread's events begins: in one,
 * times never go back, so what a watermark keeps of it is its end. */
static size_t *truns;
static size_t nruns, truns_cap;
static struct tie_mark *marks, *marks_spare; /* spare: for pruning */
static size_t marks_cap, marks_count;
static uint64_t tie_floor;   /* the last watermark: the log holds >= it */
static uint32_t last_switch; /* the latest marks[].switched set */
/* The thread before an event at its address: none, or not known (an
 * address freed that the table did not hold: taken as taken over). */
#define PREV_NONE 0u
#define PREV_UNKNOWN UINT32_MAX
/* Below this many marks, a pass with no taking over since its watermark
 * leaves them alone (what is old among them only waits). */
#define TIE_MARK_SLACK 4096

/* The record being built. */
static uint8_t col[PERFSHIM_COL_COUNT][BATCH * PERFSHIM_VARINT_MAX];
static size_t col_len[PERFSHIM_COL_COUNT];
static size_t nev;
/* Events of the record since the last one whose time moved on a quantum:
 * the times column holds only those that did (perfshim_trace.h). */
static size_t still;

/* The quantum of the last watermark (its low 32 bits, as marks keep). */
static inline uint32_t floor_quantum(void)
{
	return (uint32_t)(tie_floor >> PERFSHIM_COL_TIME_SHIFT);
}

static inline size_t home(uint64_t addr, size_t cap)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

/* A gone entry still worth keeping: its FREE is not below the floor. */
static inline int gone_kept(const struct held *h)
{
	return ties_on > 0 && (int32_t)(h->slot - floor_quantum()) >= 0;
}

/* The table again, without the gone entries below the floor, at a
 * quarter full at most (twice as big, while they are few). */
static int map_grow(void)
{
	size_t kept = map_count - map_gone, gone = 0;

	for (size_t i = 0; map_gone && i < map_cap; i++)
		gone += map[i].addr && (map[i].who & GONE) &&
			gone_kept(&map[i]);
	kept += gone;
	size_t cap = map_cap ? map_cap : 4096;

	while ((kept + 1) * 4 > cap)
		cap *= 2;
	struct held *m = perfshim_map(cap * sizeof(*m));

	if (!m)
		return -1;
	perfshim_dense(m, cap * sizeof(*m));
	for (size_t i = 0; i < map_cap; i++) {
		if (!map[i].addr ||
		    ((map[i].who & GONE) && !gone_kept(&map[i])))
			continue;
		size_t s = home(map[i].addr, cap);

		while (m[s].addr)
			s = (s + 1) & (cap - 1);
		m[s] = map[i];
	}
	perfshim_unmap(map, map_cap * sizeof(*map));
	map = m;
	map_cap = cap;
	map_count = kept;
	map_gone = gone;
	return 0;
}

/* addr's entry in table m of cap entries, or the empty one where it
 * would go. */
static inline size_t find_in(const struct held *m, size_t cap, uint64_t addr)
{
	size_t s = home(addr, cap);

	while (m[s].addr && m[s].addr != addr)
		s = (s + 1) & (cap - 1);
	return s;
}

static size_t map_find(uint64_t addr)
{
	return find_in(map, map_cap, addr);
}

/* Linear probing with backward shift, as live.c. */
static void map_drop(size_t s)
{
	size_t mask = map_cap - 1;

	for (size_t j = (s + 1) & mask; map[j].addr; j = (j + 1) & mask) {
		size_t h = home(map[j].addr, map_cap);

		if (((j - h) & mask) >= ((j - s) & mask)) {
			map[s] = map[j];
			s = j;
		}
	}
	map[s].addr = 0;
	map_count--;
}

/*
 * The parent's table as the child got it (columns.h): its entries in
 * place, each freed one struck out (GONE), never grown or moved.
 */
static struct held *inh_map;
static size_t inh_cap, inh_live;
static struct slot_block *inh_slot_of;
static size_t inh_slot_cap;

/* A FREE the child's table does not know: of an inherited block? */
static void inherited_free(uint64_t addr)
{
	size_t s = find_in(inh_map, inh_cap, addr);

	if (inh_map[s].addr && !(inh_map[s].who & GONE)) {
		inh_map[s].who |= GONE;
		inh_live--;
	}
}

/*
 * The gone entries below the floor out, in place: map_drop fills each
 * hole from further on, so the entry now at i is looked at again; an
 * entry never moves to a place the scan has passed, save one that
 * wraps around the end, which it has seen already.
 */
static void map_purge(void)
{
	for (size_t i = 0; i < map_cap;) {
		if (map[i].addr && (map[i].who & GONE) && !gone_kept(&map[i])) {
			map_drop(i);
			map_gone--;
		} else {
			i++;
		}
	}
}

/* Room for one more slot and one more entry; 0 or -1 (nothing changed). */
static int room_slow(void)
{
	if ((map_count + 1) * 2 > map_cap && map_grow())
		return -1;
	if (nslots < slot_cap)
		return 0;
	size_t cap = slot_cap ? 2 * slot_cap : 4096;
	struct slot_block *b = perfshim_remap(slot_of, slot_cap * sizeof(*b),
					      cap * sizeof(*b));

	if (!b)
		return -1; /* what grew changes nothing */
	perfshim_dense(b, cap * sizeof(*b));
	slot_of = b;
	uint32_t *r = perfshim_remap(released, slot_cap * sizeof(*r),
				     cap * sizeof(*r));

	if (!r)
		return -1;
	released = r;
	slot_cap = cap;
	return 0;
}

/* The common case inline: every ALLOC asks (a call was 1% of churn-2t). */
static inline int room(void)
{
	if ((map_count + 1) * 2 <= map_cap && nslots < slot_cap)
		return 0;
	return room_slow();
}

/* Room for one more logged event; -1 (ties go off) without memory. */
static int tie_room(void)
{
	if (tlog_len < tlog_cap)
		return 0;
	size_t cap = tlog_cap ? 2 * tlog_cap : 8192;
	struct tie_ev *l =
		perfshim_remap(tlog, tlog_cap * sizeof(*l), cap * sizeof(*l));

	if (!l)
		return -1;
	tlog = l;
	uint32_t *s =
		perfshim_remap(tsort, tlog_cap * sizeof(*s), cap * sizeof(*s));

	if (!s)
		return -1;
	tsort = s;
	tlog_cap = cap;
	return 0;
}

static void ties_off(void)
{
	ties_on = 0;
}

static void go_named(col_stage_fn *stage);

HIDDEN void perfshim_columns_many(col_stage_fn *stage)
{
	if (ties_on < 0)
		ties_on = 1;
	go_named(stage);
}

/* addr's entry in marks (cap entries), or the empty one where it goes. */
static size_t mark_find(const struct tie_mark *m, size_t cap, uint64_t addr)
{
	size_t s = home(addr, cap);

	while (m[s].addr && m[s].addr != addr)
		s = (s + 1) & (cap - 1);
	return s;
}

/* Into m (cap entries, empty): marks' entries not below floor_q. */
static size_t marks_copy(struct tie_mark *m, size_t cap, uint32_t floor_q)
{
	size_t n = 0;

	for (size_t i = 0; i < marks_cap; i++) {
		if (!marks[i].addr ||
		    (int32_t)(marks[i].switched - floor_q) <= 0)
			continue;
		m[mark_find(m, cap, marks[i].addr)] = marks[i];
		n++;
	}
	return n;
}

/* Room for one more mark: 0, or -1 without memory. */
static int mark_room(void)
{
	if ((marks_count + 1) * 2 <= marks_cap)
		return 0;
	size_t cap = marks_cap ? 2 * marks_cap : 1024;
	struct tie_mark *m = perfshim_map(cap * sizeof(*m));
	struct tie_mark *spare = perfshim_map(cap * sizeof(*spare));

	if (!m || !spare) {
		perfshim_unmap(m, m ? cap * sizeof(*m) : 0);
		perfshim_unmap(spare, spare ? cap * sizeof(*spare) : 0);
		return -1;
	}
	marks_count = marks_copy(m, cap, floor_quantum());
	perfshim_unmap(marks, marks_cap * sizeof(*marks));
	perfshim_unmap(marks_spare, marks_cap * sizeof(*marks_spare));
	marks = m;
	marks_spare = spare;
	marks_cap = cap;
	return 0;
}

/* addr was taken over by another thread in quantum q + 1 = sw. */
static int mark(uint64_t addr, uint32_t sw)
{
	if (mark_room())
		return -1;
	size_t s = mark_find(marks, marks_cap, addr);

	if (!marks[s].addr) {
		marks[s].addr = addr;
		marks[s].switched = sw;
		marks_count++;
	} else if ((int32_t)(sw - marks[s].switched) > 0) {
		marks[s].switched = sw;
	}
	if ((int32_t)(sw - last_switch) > 0)
		last_switch = sw;
	return 0;
}

/* Whether addr was taken over since the quantum floor_q. */
static int marked(uint64_t addr, uint32_t floor_q)
{
	const struct tie_mark *m = &marks[mark_find(marks, marks_cap, addr)];

	return m->addr && (int32_t)(m->switched - floor_q) > 0;
}

/* The calling event's thread in the table's terms (PREV_UNKNOWN past
 * 2^31 - 1 threads: then every event takes its address over). */
static inline uint32_t me(void)
{
	return cur_index + 1 < GONE ? cur_index + 1 : PREV_UNKNOWN;
}

/* A new stretch of the log: the events of one thread's pass. */
static void run_begin(void)
{
	if (nruns && truns[nruns - 1] == tlog_len)
		return;
	if (nruns == truns_cap) {
		size_t cap = truns_cap ? 2 * truns_cap : 256;
		size_t *r = perfshim_remap(truns, truns_cap * sizeof(*r),
					   cap * sizeof(*r));

		if (!r) {
			ties_off();
			return;
		}
		truns = r;
		truns_cap = cap;
	}
	truns[nruns++] = tlog_len;
}

/* The event before one at its address, in the order of encoding: its
 * thread (index + 1), PREV_NONE or PREV_UNKNOWN; and its quantum (low 32
 * bits), where there is one. */
struct tie_prev {
	uint32_t who, q;
};

/*
 * An ALLOC or FREE of addr at time exact, just encoded, into the log;
 * prev is the event before it at addr.
 */
static void tie_note(uint64_t addr, uint64_t exact, struct tie_prev prev)
{
	uint32_t q = (uint32_t)(exact >> PERFSHIM_COL_TIME_SHIFT);

	if (ties_on <= 0)
		return;
	if (tie_room()) {
		ties_off(); /* the replay's own rules are left */
		return;
	}
	/* Quanta wrap after hours; a mark that old taken for recent costs
	 * a sort, never a tie. */
	if (prev.who != PREV_NONE &&
	    (prev.who != me() || prev.who == PREV_UNKNOWN) && addr &&
	    mark(addr, ((int32_t)(prev.q - q) > 0 ? prev.q : q) + 1)) {
		ties_off();
		return;
	}
	struct tie_ev *e = &tlog[tlog_len++];

	e->addr = addr;
	e->exact = exact;
	e->seq = cur->count;
	e->thread = cur_index;
	e->done = 0;
}

static int tie_less(const void *pa, const void *pb)
{
	const struct tie_ev *x = &tlog[*(const uint32_t *)pa],
			    *y = &tlog[*(const uint32_t *)pb];

	if (x->addr != y->addr)
		return x->addr < y->addr;
	return x->exact < y->exact; /* (so their floored times too) */
}

/* Events [from, to) of tsort are one address and quantum: if two threads
 * touched it, each one not sent yet goes into rec. */
static void tie_group(size_t from, size_t to, uint8_t *rec, size_t *len,
		      size_t *count, col_stage_fn *stage)
{
	size_t i = from + 1;

	while (i < to && tlog[tsort[i]].thread == tlog[tsort[from]].thread)
		i++;
	if (i == to)
		return;
	for (i = from; i < to; i++) {
		struct tie_ev *e = &tlog[tsort[i]];
		uint64_t r = e->exact - floored(e->exact);

		if (e->done)
			continue;
		e->done = 1;
		*len += perfshim_put_varint(rec + *len, e->thread);
		*len += perfshim_put_varint(rec + *len, e->seq);
		*len += perfshim_put_varint(rec + *len, r);
		if (++*count == TIES_PER_RECORD) {
			stage(PERFSHIM_REC_TIES, rec, *len);
			*len = 0;
			*count = 0;
		}
	}
}

HIDDEN void perfshim_columns_ties(uint64_t w, col_stage_fn *stage)
{
	static uint8_t rec[TIES_PER_RECORD * 3 * PERFSHIM_VARINT_MAX];
	size_t n = 0, len = 0, count = 0, keep = 0;
	uint32_t floor_q = floor_quantum();
	/* Without a change of owner since the last watermark there is no
	 * tie to find (most passes of most programs). */
	int any = ties_on > 0 && marks_count &&
		  (int32_t)(last_switch - floor_q) > 0;

	for (size_t i = 0; i < tlog_len && any; i++)
		if (marked(tlog[i].addr, floor_q))
			tsort[n++] = (uint32_t)i;
	perfshim_hsort(tsort, n, sizeof(*tsort), tie_less);
	for (size_t i = 0, j; i < n; i = j) {
		const struct tie_ev *e = &tlog[tsort[i]];

		for (j = i + 1;
		     j < n && tlog[tsort[j]].addr == e->addr &&
		     floored(tlog[tsort[j]].exact) == floored(e->exact);
		     j++)
			;
		if (j - i > 1)
			tie_group(i, j, rec, &len, &count, stage);
	}
	if (count)
		stage(PERFSHIM_REC_TIES, rec, len);
	w = floored(w);
	/* The log keeps each stretch's end at or above w: a few events a
	 * thread, found from the end, not a pass over the whole log. */
	size_t nr = 0;

	for (size_t r = 0; r < nruns; r++) {
		size_t from = truns[r],
		       to = r + 1 < nruns ? truns[r + 1] : tlog_len;
		size_t i = to;

		while (i > from && tlog[i - 1].exact >= w)
			i--;
		if (i == to)
			continue;
		memmove(&tlog[keep], &tlog[i], (to - i) * sizeof(*tlog));
		truns[nr++] = keep;
		keep += to - i;
	}
	nruns = nr;
	tlog_len = keep;
	if (w > tie_floor)
		tie_floor = w;
	/* Gone entries more than the blocks held: those now below the
	 * floor leave the table (most of them: a pass ends with the
	 * watermark past most of its events). A table kept small stays in
	 * the cache, and its lookups short. */
	if (map_gone > 1024 && 2 * map_gone > map_count)
		map_purge();
	/* Marks below the new floor are forgotten, as the log's events. */
	if (marks_count && (any || marks_count >= TIE_MARK_SLACK)) {
		memset(marks_spare, 0, marks_cap * sizeof(*marks_spare));
		marks_count =
			marks_copy(marks_spare, marks_cap, floor_quantum());
		struct tie_mark *m = marks;

		marks = marks_spare;
		marks_spare = m;
	}
}

static inline void put(int c, uint64_t v)
{
	col_len[c] += perfshim_put_varint(col[c] + col_len[c], v);
}

static void flush(uint32_t thread, col_stage_fn *stage)
{
	static uint8_t rec[sizeof(col) +
			   (PERFSHIM_COL_COUNT + 2) * PERFSHIM_VARINT_MAX];
	size_t n = 0;

	if (!nev)
		return;
	n += perfshim_put_varint(rec + n, thread);
	n += perfshim_put_varint(rec + n, nev);
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		n += perfshim_put_varint(rec + n, col_len[c]);
		memcpy(rec + n, col[c], col_len[c]);
		n += col_len[c];
		col_len[c] = 0;
	}
	nev = 0;
	still = 0;
	stage(PERFSHIM_REC_COLUMNS, rec, n);
}

/* A table entry's last event, as tie_note takes it: a FREE (gone), or
 * its block's ALLOC. */
static inline struct tie_prev prev_of(const struct held *h)
{
	uint32_t w = h->who & ~GONE;
	struct tie_prev p = { w == GONE - 1 ? PREV_UNKNOWN : w, 0 };

	if (!(h->who & GONE))
		p.q = (uint32_t)(slot_of[h->slot].ts >>
				 PERFSHIM_COL_TIME_SHIFT);
	else if (gone_kept(h))
		p.q = h->slot;
	else
		p.who = PREV_NONE;
	return p;
}

/* What a table entry says of the calling event's thread. */
static inline uint32_t who_me(void)
{
	return me() == PREV_UNKNOWN ? GONE - 1 : me();
}

/* A free slot for a new block at addr (not 0), in entry at: empty, or
 * gone (it comes back); who as the entry's last thread. */
static inline uint32_t claim(size_t at, uint64_t addr, uint32_t who)
{
	uint32_t s = nreleased ? released[--nreleased] : (uint32_t)nslots++;

	if (map[at].addr) {
		map_gone--;
	} else {
		map[at].addr = addr;
		map_count++;
	}
	map[at].slot = s;
	map[at].who = who;
	return s;
}

/* k > 0 if addr is the k-th recent one of size's class (taken out). */
static unsigned recent_take(uint64_t addr, uint64_t size)
{
	unsigned c = perfshim_col_class(size);
	unsigned k = perfshim_col_recent_find(&lists, c, addr);

	if (k)
		perfshim_col_recent_out(&lists, c, k - 1);
	return k;
}

/* An ALLOC at time exact; *prev for tie_note. */
static int alloc_ev(uint8_t tag, const uint8_t **p, const uint8_t *end,
		    uint64_t exact, uint64_t *addr_out, uint64_t *size_out,
		    struct tie_prev *prev)
{
	uint64_t size, addr, stack;
	uint32_t s;
	/* A failed allocation goes with its address, 0, as well. */
	int with_addr;

	if (perfshim_get_varint(p, end, &size) ||
	    perfshim_get_varint(p, end, &addr) ||
	    perfshim_get_varint(p, end, &stack) || room() ||
	    perfshim_col_is_unnamed(addr))
		return -1; /* (a reader would take it for a name) */
	with_addr = named_all || !addr;
	if (with_addr && perfshim_col_unaddr(perfshim_col_addr(
				 addr - next_miss)) != addr - next_miss)
		return -1; /* (a distance past 2^62 cannot be coded) */
	*addr_out = addr;
	*size_out = size;
	put(PERFSHIM_COL_SIZES, size);
	put(PERFSHIM_COL_STACKS, stack);
	size_t at = map_find(addr);

	*prev = map[at].addr ? prev_of(&map[at])
			     : (struct tie_prev){ PREV_NONE, 0 };
	if (map[at].addr && !(map[at].who & GONE)) {
		/* (the block takes the slot's name: its flag stays) */
		s = map[at].slot;
		map[at].who = who_me();
		col[PERFSHIM_COL_KINDS][nev] =
			PERFSHIM_COL_ALLOC_HELD | (tag & 0x0f);
		put(PERFSHIM_COL_SLOTS, s);
		slot_of[s] = (struct slot_block){
			size, nalloc++ | (slot_of[s].seq & NAMED_SEQ), exact
		};
		(void)perfshim_col_mru_take(&lists, s);
		perfshim_col_mru_push(&lists, s);
		return 0;
	}
	if (addr)
		s = claim(at, addr, who_me());
	else /* a failed allocation: a slot, no entry */
		s = nreleased ? released[--nreleased] : (uint32_t)nslots++;
	col[PERFSHIM_COL_KINDS][nev] = tag;
	if (with_addr) {
		unsigned k = recent_take(addr, size);

		col[PERFSHIM_COL_KINDS][nev] =
			PERFSHIM_COL_ALLOC_ADDR | (tag & 0x0f);
		if (!k) {
			put(PERFSHIM_COL_ADDRS,
			    perfshim_col_addr(addr - next_miss));
			next_miss = addr + perfshim_col_chunk(size);
		}
		put(PERFSHIM_COL_SLOTS, k);
	}
	slot_of[s] = (struct slot_block){
		size, nalloc++ | (with_addr ? NAMED_SEQ : 0), exact
	};
	perfshim_col_mru_push(&lists, s);
	return 0;
}

/*
 * A FREE of slot s without a rank: by the number of its block's ALLOC, or
 * by slot (FREE_SLOT). 7.x codes the number as its distance from the
 * one the last such FREE named (free_base is that number + 1): a program
 * that frees a structure's blocks in the order it allocated them moves
 * on by small, repeated steps, where each block's age drifts (python3's
 * FREEs 0.75 -> 0.11 B each, cc1's 0.17 -> 0.11).
 */
static uint64_t free_base;

static void free_unranked(uint32_t s)
{
	uint64_t seq = slot_of[s].seq & ~NAMED_SEQ;
	uint64_t age = nalloc - seq;
	uint64_t v = perfshim_zigzag((int64_t)(seq + 1 - free_base));
	int old = age > PERFSHIM_COL_AGES;
	uint32_t a = old || v >= UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	uint32_t *g = &guess[(last_age * 2654435761u) >> (32 - GUESS_BITS)];

	age_hits += *g == a;
	*g = last_age = a;
	age_bits += 32 - (unsigned)__builtin_clz(a);
	slot_bits += 32 - (unsigned)__builtin_clz(s + 1);
	if (++chosen == CHOOSE) {
		by_slot = age_hits <= CHOOSE / 128 && slot_bits < age_bits;
		age_bits = slot_bits = 0;
		chosen = age_hits = 0;
	}
	if (old || by_slot) {
		col[PERFSHIM_COL_KINDS][nev] = PERFSHIM_COL_FREE_SLOT;
		put(PERFSHIM_COL_SLOTS, s);
	} else {
		put(PERFSHIM_COL_SLOTS, v); /* (7.x: no rank 0 first) */
		free_base = seq + 1;
	}
}

/* An address freed in quantum q is gone (while ties are kept). */
static inline void make_gone(struct held *h, uint32_t q)
{
	h->slot = q;
	h->who = who_me() | GONE;
}

/* A FREE in quantum q (low 32 bits); *prev for tie_note. */
static int free_ev(const uint8_t **p, const uint8_t *end, uint64_t *addr_out,
		   uint32_t q, struct tie_prev *prev)
{
	uint64_t addr;

	if (perfshim_get_varint(p, end, &addr))
		return -1;
	*addr_out = addr;
	size_t at = map_cap ? map_find(addr) : 0;

	*prev = map_cap && map[at].addr ? prev_of(&map[at])
					: (struct tie_prev){ PREV_NONE, 0 };
	col[PERFSHIM_COL_KINDS][nev] = PERFSHIM_EV_FREE;
	if (map_cap && map[at].addr && !(map[at].who & GONE)) {
		uint32_t s = map[at].slot;
		unsigned r = perfshim_col_mru_take(&lists, s);

		/* 7.x: the rank in the kind (one stream, not two that
		 * follow each other: perl's trace 15% smaller) */
		if (r)
			col[PERFSHIM_COL_KINDS][nev] =
				(uint8_t)(PERFSHIM_COL_FREE_RANK | (r - 1));
		else
			free_unranked(s);
		if (ties_on > 0) {
			make_gone(&map[at], q);
			map_gone++;
		} else {
			map_drop(at);
		}
		released[nreleased++] = s;
		/* (the reader lists what it knows by its address) */
		if (slot_of[s].seq & NAMED_SEQ)
			perfshim_col_recent_push(
				&lists, perfshim_col_class(slot_of[s].size),
				addr);
		return 0;
	}
	put(PERFSHIM_COL_SLOTS, 0);
	put(PERFSHIM_COL_ADDRS, addr);
	if (inh_map)
		inherited_free(addr);
	if (ties_on <= 0 || !addr)
		return 0;
	if (map_cap && map[at].addr) {
		make_gone(&map[at], q); /* freed again */
	} else if (!room()) {		/* (room may move the table) */
		at = map_find(addr);
		map[at].addr = addr;
		make_gone(&map[at], q);
		map_count++;
		map_gone++;
	} else {
		/* not kept: taken as taken over */
		*prev = (struct tie_prev){ PREV_UNKNOWN, q };
	}
	return 0;
}

/* One event at *p into the record; -1 (nothing taken) if it cannot. */
static int event(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *q = *p;
	uint8_t tag = *q++;
	uint64_t dt, v, addr = 0, size = 0;
	struct tie_prev prev;
	size_t times = col_len[PERFSHIM_COL_TIMES], was_still = still;

	if (perfshim_get_varint(&q, end, &dt))
		return -1;
	uint64_t exact = cur->exact + dt;
	uint64_t qe = exact >> PERFSHIM_COL_TIME_SHIFT;
	uint64_t qs = cur->seen >> PERFSHIM_COL_TIME_SHIFT;
	uint64_t dq = qe >= qs ? qe - qs : 0; /* (seen <= exact: always) */

	if (dq) {
		put(PERFSHIM_COL_TIMES, still);
		put(PERFSHIM_COL_TIMES, dq);
		still = 0;
	} else {
		still++;
	}
	if ((tag & 0xf0) == PERFSHIM_EV_ALLOC) {
		if ((tag & 0x0f) >= PERFSHIM_FN_COUNT ||
		    alloc_ev(tag, &q, end, exact, &addr, &size, &prev))
			goto undo;
		tie_note(addr, exact, prev);
		if (telling && *p >= tell_from)
			telling->fn(1, addr, size, exact);
	} else if (tag == PERFSHIM_EV_FREE) {
		if (free_ev(&q, end, &addr, (uint32_t)(qs + dq), &prev))
			goto undo;
		tie_note(addr, exact, prev);
		if (telling && *p >= tell_from)
			telling->fn(0, addr, 0, exact);
	} else if (tag == PERFSHIM_EV_SAMPLE || tag == PERFSHIM_EV_MARK) {
		if (perfshim_get_varint(&q, end, &v))
			goto undo;
		col[PERFSHIM_COL_KINDS][nev] = tag;
		put(PERFSHIM_COL_STACKS, v);
	} else if (tag == PERFSHIM_EV_THREAD_EXIT) {
		col[PERFSHIM_COL_KINDS][nev] = tag;
	} else {
		goto undo;
	}
	nev++;
	cur->count++;
	col_len[PERFSHIM_COL_KINDS] = nev;
	cur->exact = exact;
	cur->seen = (qs + dq) << PERFSHIM_COL_TIME_SHIFT;
	*p = q;
	return 0;
undo:
	/* Only the time was put before a field could fail. */
	col_len[PERFSHIM_COL_TIMES] = times;
	still = was_still;
	return -1;
}

/* The state of thread index t, NULL if there is no memory for it. */
static struct col_thread *thread_of(uint32_t t)
{
	if (t >= thr_cap) {
		size_t cap = thr_cap ? thr_cap : 64;

		while (cap <= t)
			cap *= 2;
		struct col_thread *n = perfshim_remap(
			thr, thr_cap * sizeof(*thr), cap * sizeof(*thr));

		if (!n)
			return NULL;
		thr = n;
		thr_cap = cap;
	}
	return &thr[t];
}

#define ADDRS_PER_RECORD 4096

/* A held block for ADDRS and SCAN_HELD: its ALLOC's number, its address,
 * size and slot. */
struct by_seq {
	uint64_t seq, addr;
	uint64_t size;
	uint32_t slot;
};

static int seq_less(const void *a, const void *b)
{
	return ((const struct by_seq *)a)->seq <
	       ((const struct by_seq *)b)->seq;
}

/* The number of blocks held. */
static size_t held_count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < map_cap; i++)
		n += map[i].addr && !(map[i].who & GONE);
	return n;
}

/* The n blocks held (held_count()) into v, in the order of their ALLOCs'
 * numbers (by radix through a buffer of n more; by heapsort without
 * one). */
static void held_in_order(struct by_seq *v, size_t n)
{
	size_t k = 0;
	struct by_seq *tmp = NULL;

	for (size_t i = 0; i < map_cap && k < n; i++)
		if (map[i].addr && !(map[i].who & GONE))
			v[k++] = (struct by_seq){ slot_of[map[i].slot].seq &
							  ~NAMED_SEQ,
						  map[i].addr,
						  slot_of[map[i].slot].size,
						  map[i].slot };
	if (k > 64)
		tmp = perfshim_map(k * sizeof(*tmp));
	if (tmp) {
		perfshim_rsort(v, tmp, k, sizeof(*v),
			       offsetof(struct by_seq, seq));
		perfshim_unmap(tmp, k * sizeof(*tmp));
	} else {
		perfshim_hsort(v, k, sizeof(*v), seq_less);
	}
}

/*
 * Form 1: every held block's address, in the order of their ALLOCs'
 * numbers, which the reader knows too; an allocator carves blocks
 * allocated one after the other side by side, so each is coded from
 * where the one before ends. Form 0, without memory for the sort:
 * (slot, address) pairs in the table's order.
 */
static int addrs_in_order(col_stage_fn *stage)
{
	size_t n = held_count(), cap = n, len = 0;
	struct by_seq *v;

	if (!cap)
		return 0;
	v = perfshim_map(cap * sizeof(*v));
	uint8_t *rec = perfshim_map(2 * PERFSHIM_VARINT_MAX * (cap + 1));

	if (!v || !rec) {
		perfshim_unmap(v, v ? cap * sizeof(*v) : 0);
		perfshim_unmap(rec,
			       rec ? 2 * PERFSHIM_VARINT_MAX * (cap + 1) : 0);
		return -1;
	}
	held_in_order(v, n);
	len += perfshim_put_varint(rec + len, 1);
	len += perfshim_put_varint(rec + len, n);
	uint64_t next = 0;

	for (size_t i = 0; i < n; i++) {
		len += perfshim_put_varint(rec + len,
					   perfshim_col_addr(v[i].addr - next));
		next = v[i].addr + perfshim_col_chunk(v[i].size);
	}
	stage(PERFSHIM_REC_ADDRS, rec, len);
	perfshim_unmap(v, cap * sizeof(*v));
	perfshim_unmap(rec, 2 * PERFSHIM_VARINT_MAX * (cap + 1));
	return 0;
}

HIDDEN void perfshim_columns_addrs(col_stage_fn *stage)
{
	static uint8_t body[ADDRS_PER_RECORD * 2 * PERFSHIM_VARINT_MAX];
	static uint8_t rec[sizeof(body) + 2 * PERFSHIM_VARINT_MAX];
	size_t len = 0, n = 0;
	uint64_t prev = 0;

	/* Every block held went with its address already. */
	if (named_all)
		return;
	/* Both sides start their recently freed lists again (7.x). */
	memset(lists.nrecent, 0, sizeof(lists.nrecent));
	for (size_t i = 0; i < map_cap; i++)
		if (map[i].addr && !(map[i].who & GONE))
			slot_of[map[i].slot].seq |= NAMED_SEQ;
	if (!addrs_in_order(stage))
		return;
	for (size_t i = 0; i <= map_cap; i++) {
		if (i < map_cap && (!map[i].addr || (map[i].who & GONE)))
			continue;
		if (i < map_cap) {
			len += perfshim_put_varint(body + len, map[i].slot);
			len += perfshim_put_varint(
				body + len,
				perfshim_col_addr(map[i].addr - prev));
			prev = map[i].addr;
			n++;
		}
		if (n && (n == ADDRS_PER_RECORD || i == map_cap)) {
			size_t h = perfshim_put_varint(rec, 0);

			h += perfshim_put_varint(rec + h, n);
			memcpy(rec + h, body, len);
			stage(PERFSHIM_REC_ADDRS, rec, h + len);
			len = n = 0;
			prev = 0;
		}
	}
}

/* From now on every block goes by its address (named_all): the reader
 * learns those of the blocks held, and every later ALLOC goes with its
 * own. */
static void scan_repeat(col_stage_fn *stage);

static void go_named(col_stage_fn *stage)
{
	if (named_all)
		return;
	perfshim_columns_addrs(stage);
	named_all = 1;
	scan_repeat(stage);
}

HIDDEN size_t perfshim_columns_encode(uint32_t thread, const uint8_t *p,
				      size_t len, col_stage_fn *stage,
				      uint64_t *lag, struct col_seen *told)
{
	const uint8_t *q = p, *end = p + len;

	/* Without room for a thread's state, every thread goes raw: one we
	 * never encoded is not behind the ring (its lag is 0). */
	if (!all_raw && !thread_of(thread))
		all_raw = 1;
	if (thread >= thr_cap) {
		go_named(stage);
		*lag = 0;
		return 0;
	}
	cur = &thr[thread];
	cur_index = thread;
	if (ties_on > 0)
		run_begin();
	telling = told && told->fn && told->from < len ? told : NULL;
	tell_from = telling ? p + told->from : NULL;
	while (!cur->raw && !all_raw && q < end && !event(&q, end)) {
		if (nev == BATCH)
			flush(thread, stage);
	}
	flush(thread, stage);
	telling = NULL;
	if (told)
		told->exact = cur->exact;
	*lag = cur->exact - cur->seen;
	if (q < end) {
		go_named(stage);
		cur->raw = 1;
		cur->seen = cur->exact;
	}
	return (size_t)(q - p);
}

HIDDEN size_t perfshim_columns_held_count(void)
{
	return held_count();
}

/* fn for each block table m (of cap entries, slots so) holds. */
static void each_held(const struct held *m, size_t cap,
		      const struct slot_block *so,
		      void (*fn)(uint64_t addr, uint64_t size, uint64_t ts))
{
	for (size_t i = 0; i < cap; i++)
		if (m[i].addr && !(m[i].who & GONE))
			fn(m[i].addr, so[m[i].slot].size, so[m[i].slot].ts);
}

HIDDEN void perfshim_columns_held(void (*fn)(uint64_t addr, uint64_t size,
					     uint64_t ts))
{
	each_held(map, map_cap, slot_of, fn);
}

/* --- a forked child's copy of its parent's table ------------------------------ */

HIDDEN int perfshim_columns_absorb(int alloc, uint64_t addr, uint64_t size,
				   uint64_t ts)
{
	size_t at;

	if (!addr)
		return 0; /* a failed allocation: no block */
	if (!alloc) {
		at = map_cap ? map_find(addr) : 0;
		if (map_cap && map[at].addr && !(map[at].who & GONE)) {
			released[nreleased++] = map[at].slot;
			map_drop(at);
		} else if (inh_map) { /* (the child of a child) */
			inherited_free(addr);
		}
		return 0;
	}
	if (room())
		return -1;
	at = map_find(addr);
	if (map[at].addr && !(map[at].who & GONE)) {
		slot_of[map[at].slot].size = size; /* as live.c's latest */
		slot_of[map[at].slot].ts = ts;
		return 0;
	}
	uint32_t s = claim(at, addr, 0);

	slot_of[s] = (struct slot_block){ size, nalloc++, ts };
	return 0;
}

HIDDEN int perfshim_columns_inherit(void)
{
	if (inh_map)
		return -1;
	if (map_cap) {
		inh_map = map;
		inh_cap = map_cap;
		inh_live = map_count - map_gone; /* (a walk: 0.1 s a fork) */
		inh_slot_of = slot_of;
		inh_slot_cap = slot_cap;
		map = NULL;
		slot_of = NULL;
		map_cap = 0;
	}
	/* (the rest goes as perfshim_columns_reset, which follows) */
	return 0;
}

HIDDEN size_t perfshim_columns_inherited_count(void)
{
	return inh_live;
}

HIDDEN void perfshim_columns_inherited_each(void (*fn)(uint64_t addr,
						       uint64_t size,
						       uint64_t ts))
{
	each_held(inh_map, inh_cap, inh_slot_of, fn);
}

HIDDEN void perfshim_columns_inherited(void (*fn)(uint64_t addr, uint64_t size,
						  uint64_t ts))
{
	each_held(inh_map, inh_cap, inh_slot_of, fn);
	perfshim_unmap(inh_map, inh_cap * sizeof(*inh_map));
	perfshim_unmap(inh_slot_of, inh_slot_cap * sizeof(*inh_slot_of));
	inh_map = NULL;
	inh_slot_of = NULL;
	inh_cap = inh_live = inh_slot_cap = 0;
}

/* --- scans (SCAN_HELD, major 8) --------------------------------------------- */

/*
 * The records of the latest scan written as SCAN_HELD, as the scan gave
 * them (each: tag, 4-byte length, payload): written again by address if
 * every block goes by its address later (go_named), flagged
 * PERFSHIM_SCAN_REPEAT.
 */
static uint8_t *last_scan;
static size_t last_scan_len, last_scan_cap;

/* No scan kept (a forked child's new trace, or one given again). */
static void scan_forget(void)
{
	perfshim_unmap(last_scan, last_scan_cap);
	last_scan = NULL;
	last_scan_len = last_scan_cap = 0;
}

/* The next record of [*p, end) into *tag, *pay, *len; 0, or -1 at the end
 * or on a record cut short (the writer's own buffer: never). */
static int rec_next(const uint8_t **p, const uint8_t *end, uint8_t *tag,
		    const uint8_t **pay, uint32_t *len)
{
	if (end - *p < 5)
		return -1;
	*tag = (*p)[0];
	memcpy(len, *p + 1, 4);
	if ((size_t)(end - *p - 5) < *len)
		return -1;
	*pay = *p + 5;
	*p += 5 + *len;
	return 0;
}

/* A SCAN or SCAN_HEADS record's scan time; -1 if it has none. */
static int rec_time(const uint8_t *pay, uint32_t len, uint64_t *ts)
{
	const uint8_t *q = pay;

	return perfshim_get_varint(&q, pay + len, ts);
}

/* Where [from, end) of one scan's records ends: the records of the scan
 * at the time of its first one. */
static const uint8_t *scan_end(const uint8_t *from, const uint8_t *end)
{
	const uint8_t *p = from, *at = from, *pay;
	uint64_t ts0 = 0, ts;
	uint32_t len;
	uint8_t tag;

	for (int first = 1; !rec_next(&p, end, &tag, &pay, &len); first = 0) {
		if (rec_time(pay, len, &ts) || (!first && ts != ts0))
			break;
		ts0 = ts;
		at = p;
	}
	return at;
}

/* The index in the held list of the block held at addr: idx[] by slot;
 * -1 if no block is held there. */
static int64_t held_index(uint64_t addr, const uint32_t *idx)
{
	if (!map_cap || !addr)
		return -1;
	size_t s = map_find(addr);

	if (!map[s].addr || (map[s].who & GONE))
		return -1;
	return idx[map[s].slot];
}

/* One scan's records (from, end) as one SCAN_HELD record; -1 without
 * memory for it. */
static int scan_held(const uint8_t *from, const uint8_t *end,
		     col_stage_fn *stage)
{
	size_t n = held_count();
	size_t vbytes = (n ? n : 1) * sizeof(struct by_seq);
	size_t ibytes = (nslots ? nslots : 1) * sizeof(uint32_t);
	size_t kbytes = (n ? n : 1) * (1 + sizeof(uint32_t));
	size_t rbytes = 5 * PERFSHIM_VARINT_MAX + n * (1 + PERFSHIM_VARINT_MAX);
	struct by_seq *v = perfshim_map(vbytes);
	uint32_t *idx = perfshim_map(ibytes);
	uint32_t *head = perfshim_map(kbytes);
	uint8_t *rec = perfshim_map(rbytes);
	const uint8_t *p = from, *pay, *q, *qe;
	uint64_t hdr[4] = { 0 }, m = 0, a = 0, b = 0, c = 0;
	uint8_t *kind = (uint8_t *)(head + (n ? n : 1)), tag;
	uint32_t len;
	size_t l = 0;
	int ok = v && idx && head && rec;

	if (ok) {
		held_in_order(v, n);
		for (size_t i = 0; i < n; i++) {
			idx[v[i].slot] = (uint32_t)i;
			kind[i] = PERFSHIM_SCAN_NONE;
			head[i] = UINT32_MAX;
		}
	}
	while (ok && !rec_next(&p, end, &tag, &pay, &len)) {
		uint64_t addr = 0;

		q = pay;
		qe = pay + len;
		if (tag == PERFSHIM_REC_SCAN) {
			for (int i = 0; i < 4; i++)
				perfshim_get_varint(&q, qe, &hdr[i]);
			perfshim_get_varint(&q, qe, &m);
			while (m-- && !perfshim_get_varint(&q, qe, &a) &&
			       !perfshim_get_varint(&q, qe, &b) &&
			       !perfshim_get_varint(&q, qe, &c)) {
				int64_t i = held_index(addr += a, idx);

				/* Another block there than the one judged
				 * (the reader checks its time too). */
				if (i >= 0 && v[i].size == b)
					kind[i] = (uint8_t)c;
			}
		} else if (tag == PERFSHIM_REC_SCAN_HEADS) {
			perfshim_get_varint(&q, qe, &a); /* time */
			perfshim_get_varint(&q, qe, &m);
			while (m-- && !perfshim_get_varint(&q, qe, &a) &&
			       !perfshim_get_varint(&q, qe, &b)) {
				int64_t i = held_index(addr += a, idx),
					j = held_index(b, idx);

				if (i >= 0 && j >= 0)
					head[i] = (uint32_t)j;
			}
		}
	}
	if (ok) {
		for (int i = 0; i < 4; i++)
			l += perfshim_put_varint(rec + l, hdr[i]);
		l += perfshim_put_varint(rec + l, n);
		for (size_t i = 0; i < n; i++) {
			rec[l++] = kind[i];
			if (kind[i] == PERFSHIM_SCAN_INDIRECT)
				l += perfshim_put_varint(
					rec + l,
					head[i] == UINT32_MAX
						? 0
						: perfshim_zigzag(
							  (int64_t)head[i] -
							  (int64_t)i));
		}
		stage(PERFSHIM_REC_SCAN_HELD, rec, l);
	}
	perfshim_unmap(v, v ? vbytes : 0);
	perfshim_unmap(idx, idx ? ibytes : 0);
	perfshim_unmap(head, head ? kbytes : 0);
	perfshim_unmap(rec, rec ? rbytes : 0);
	return ok ? 0 : -1;
}

/* Keep [from, end) as the latest scan's records (none without memory:
 * a repeat is then not given, and its blocks stay unclassified). */
static void scan_keep(const uint8_t *from, const uint8_t *end)
{
	size_t len = (size_t)(end - from);

	if (len > last_scan_cap) {
		perfshim_unmap(last_scan, last_scan_cap);
		last_scan_cap = len;
		last_scan = perfshim_map(len);
		if (!last_scan)
			last_scan_cap = 0;
	}
	last_scan_len = last_scan ? len : 0;
	if (last_scan)
		memcpy(last_scan, from, len);
}

static void scan_repeat(col_stage_fn *stage)
{
	if (!last_scan_len)
		return;
	const uint8_t *p = last_scan, *end = last_scan + last_scan_len, *pay;
	uint8_t tag, *rec = perfshim_map(last_scan_len + PERFSHIM_VARINT_MAX);
	uint32_t len;

	while (rec && !rec_next(&p, end, &tag, &pay, &len)) {
		const uint8_t *q = pay;
		uint64_t ts = 0, flags = 0;
		size_t l = 0;

		if (tag != PERFSHIM_REC_SCAN) {
			stage(tag, pay, len);
			continue;
		}
		perfshim_get_varint(&q, pay + len, &ts);
		perfshim_get_varint(&q, pay + len, &flags);
		l += perfshim_put_varint(rec + l, ts);
		l += perfshim_put_varint(rec + l, flags | PERFSHIM_SCAN_REPEAT);
		memcpy(rec + l, q, (size_t)(pay + len - q));
		stage(tag, rec, l + (size_t)(pay + len - q));
	}
	perfshim_unmap(rec, rec ? last_scan_len + PERFSHIM_VARINT_MAX : 0);
	scan_forget();
}

HIDDEN void perfshim_columns_scans(const uint8_t *recs, size_t len,
				   col_stage_fn *stage)
{
	const uint8_t *p = recs, *end = recs + len, *pay;
	uint32_t l;
	uint8_t tag;

	while (p < end) {
		const uint8_t *e = scan_end(p, end);

		if (e == p) { /* not a scan's record (never): as it came */
			if (rec_next(&p, end, &tag, &pay, &l))
				return;
			stage(tag, pay, l);
			continue;
		}
		if (named_all || scan_held(p, e, stage)) {
			/* By address: the 7.x way, the blocks named first. */
			if (!named_all)
				perfshim_columns_addrs(stage);
			while (!rec_next(&p, e, &tag, &pay, &l))
				stage(tag, pay, l);
		} else {
			scan_keep(p, e);
		}
		p = e;
	}
}

HIDDEN void perfshim_columns_reset(void)
{
	perfshim_unmap(map, map_cap * sizeof(*map));
	perfshim_unmap(slot_of, slot_cap * sizeof(*slot_of));
	perfshim_unmap(released, slot_cap * sizeof(*released));
	map = NULL;
	slot_of = NULL;
	nalloc = 0;
	free_base = 0;
	by_slot = 0;
	age_bits = slot_bits = 0;
	chosen = age_hits = last_age = 0;
	memset(guess, 0, sizeof(guess));
	released = NULL;
	memset(lists.nrecent, 0, sizeof(lists.nrecent));
	lists.nmru = 0;
	perfshim_unmap(thr, thr_cap * sizeof(*thr));
	thr = NULL;
	thr_cap = 0;
	all_raw = 0;
	perfshim_unmap(marks, marks_cap * sizeof(*marks));
	perfshim_unmap(marks_spare, marks_cap * sizeof(*marks_spare));
	marks = marks_spare = NULL;
	marks_cap = marks_count = 0;
	perfshim_unmap(tlog, tlog_cap * sizeof(*tlog));
	perfshim_unmap(tsort, tlog_cap * sizeof(*tsort));
	perfshim_unmap(truns, truns_cap * sizeof(*truns));
	truns = NULL;
	nruns = truns_cap = 0;
	tlog = NULL;
	tsort = NULL;
	tlog_len = tlog_cap = 0;
	tie_floor = 0;
	last_switch = 0;
	ties_on = -1;
	named_all = 0;
	scan_forget();
	next_miss = 0;
	map_cap = map_count = map_gone = slot_cap = nslots = nreleased = 0;
	nev = still = 0;
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++)
		col_len[c] = 0;
}
