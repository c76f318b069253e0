/* replay.c - apply time-ordered events to a model of the traced heap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "error.h"
#include "hashtab.h"
#include "replay.h"

void replay_init(struct replay *rp)
{
	memset(rp, 0, sizeof(*rp));
}

void replay_release(struct replay *rp)
{
	for (size_t i = 0; i < rp->nmodules; i++) {
		struct module_info *m = rp->modules[i];

		free(m->path);
		free(m->build_id);
		free(m->segs);
		free(m);
	}
	free(rp->modules);
	free(rp->nodes);
	hashtab_release(&rp->node_index);
	free(rp->live);
	free(rp->direct);
	for (size_t i = 0; i < rp->nstrings; i++)
		free(rp->strings[i]);
	free(rp->strings);
	memset(rp, 0, sizeof(*rp));
}

static int in_module(const struct module_info *m, uint64_t ip)
{
	for (size_t s = 0; s < m->nsegs; s++)
		if (ip >= m->segs[s].start &&
		    ip - m->segs[s].start < m->segs[s].size)
			return 1;
	return 0;
}

/* The newest module covering ip that was still loaded, else any. */
static int32_t find_module(const struct replay *rp, uint64_t ip)
{
	int32_t any = -1;

	for (size_t i = rp->nmodules; i-- > 0;) {
		if (!in_module(rp->modules[i], ip))
			continue;
		if (!rp->modules[i]->gone)
			return (int32_t)i;
		if (any < 0)
			any = (int32_t)i;
	}
	return any;
}

static int on_module(void *ctx, struct module_info *m)
{
	struct replay *rp = ctx;

	if (rp->nmodules == rp->capmodules) {
		size_t cap = rp->capmodules ? 2 * rp->capmodules : 32;
		rp->modules =
			xreallocarray(rp->modules, cap, sizeof(*rp->modules));
		rp->capmodules = cap;
	}
	rp->modules[rp->nmodules++] = m;
	return 0;
}

static int on_module_gone(void *ctx, uint64_t id)
{
	struct replay *rp = ctx;

	for (size_t i = 0; i < rp->nmodules; i++)
		if (rp->modules[i]->id == id)
			rp->modules[i]->gone = 1;
	return 0;
}

static uint64_t node_hash(const struct replay_node *n)
{
	return hash64(n->ip ^ ((uint64_t)n->parent << 32) ^
		      (uint64_t)(uint32_t)n->module);
}

static int node_eq(const void *ctx, size_t i)
{
	const struct replay *rp = ((const void *const *)ctx)[0];
	const struct replay_node *n = ((const void *const *)ctx)[1];
	const struct replay_node *o = &rp->nodes[i];

	return o->ip == n->ip && o->parent == n->parent &&
	       o->module == n->module;
}

/*
 * The shim may write the same node twice (two threads racing to create
 * it): the first one is canonical, and stacks through the twin are
 * stacks through it, so one call site is one leak group.
 */
static uint32_t canonical(struct replay *rp, uint32_t id)
{
	const struct replay_node *n = &rp->nodes[id];
	const void *ctx[2] = { rp, n };

	return (uint32_t)hashtab_put(&rp->node_index, node_hash(n), node_eq,
				     ctx, id);
}

static int on_node(void *ctx, uint32_t id, uint32_t parent, uint64_t ip)
{
	struct replay *rp = ctx;

	if (id >= rp->capnodes) {
		size_t cap = rp->capnodes ? rp->capnodes : 1024;

		while (cap <= id)
			cap *= 2;
		struct replay_node *n = realloc(rp->nodes, cap * sizeof(*n));

		if (!n) /* id is the trace's word: bad input, not a crash */
			return error("out of memory");
		memset(n + rp->capnodes, 0, (cap - rp->capnodes) * sizeof(*n));
		rp->nodes = n;
		rp->capnodes = cap;
	}
	rp->nodes[id].ip = ip;
	rp->nodes[id].parent =
		parent < rp->nnodes ? rp->nodes[parent].canon : 0;
	/* Resolved now: a module unloaded later must still explain it. */
	rp->nodes[id].module = find_module(rp, ip);
	if (id >= rp->nnodes)
		rp->nnodes = (size_t)id + 1;
	rp->nodes[id].canon = canonical(rp, id);
	return 0;
}

static int on_thread(void *ctx, uint32_t index, uint64_t tid, const char *name)
{
	struct replay *rp = ctx;

	(void)index;
	(void)tid;
	(void)name;
	rp->threads++;
	return 0;
}

static inline size_t slot_of(const struct replay *rp, uint64_t addr)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & (rp->live_cap - 1);
}

static int live_grow(struct replay *rp)
{
	size_t old_cap = rp->live_cap;
	struct live_block *old = rp->live;
	size_t cap = old_cap ? 2 * old_cap : 4096;

	rp->live = xcalloc(cap, sizeof(*rp->live));
	rp->live_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].addr)
			continue;
		size_t s = slot_of(rp, old[i].addr);

		while (rp->live[s].addr)
			s = (s + 1) & (cap - 1);
		rp->live[s] = old[i];
	}
	free(old);
	return 0;
}

static struct live_block *live_find(struct replay *rp, uint64_t addr,
				    size_t *slot)
{
	if (!rp->live_cap)
		return NULL;
	for (size_t s = slot_of(rp, addr);; s = (s + 1) & (rp->live_cap - 1)) {
		if (!rp->live[s].addr)
			return NULL;
		if (rp->live[s].addr == addr) {
			*slot = s;
			return &rp->live[s];
		}
	}
}

const struct live_block *replay_find(const struct replay *rp, uint64_t addr)
{
	size_t slot;

	return addr ? live_find((struct replay *)rp, addr, &slot) : NULL;
}

/* Put b in live (its address not there). */
static int hash_put(struct replay *rp, const struct live_block *b)
{
	size_t s;

	if ((rp->live_count - rp->direct_count + 1) * 2 > rp->live_cap &&
	    live_grow(rp))
		return -1;
	s = slot_of(rp, b->addr);
	while (rp->live[s].addr)
		s = (s + 1) & (rp->live_cap - 1);
	rp->live[s] = *b;
	rp->live_count++;
	return 0;
}

/* The direct blocks join live: the reading is over, or names change. */
static int direct_settle(struct replay *rp)
{
	for (size_t i = 0; i < rp->direct_cap && rp->direct_count; i++) {
		struct live_block b = rp->direct[i];

		if (!b.addr)
			continue;
		rp->direct[i].addr = 0;
		rp->direct_count--;
		rp->live_count--;
		if (hash_put(rp, &b))
			return -1;
	}
	return 0;
}

/* Put b, whose event gave slot (reader.h), where it will be looked for. */
static int block_put(struct replay *rp, const struct live_block *b,
		     uint32_t slot)
{
	size_t i = (size_t)slot - 1;

	if (slot && perfshim_col_is_unnamed(b->addr)) {
		if (i >= rp->direct_cap) {
			size_t cap = rp->direct_cap ? 2 * rp->direct_cap : 1024;

			while (cap <= i)
				cap *= 2;
			rp->direct =
				xrealloc(rp->direct, cap * sizeof(*rp->direct));
			memset(rp->direct + rp->direct_cap, 0,
			       (cap - rp->direct_cap) * sizeof(*rp->direct));
			rp->direct_cap = cap;
		}
		if (!rp->direct[i].addr) {
			rp->direct[i] = *b;
			rp->direct_count++;
			rp->live_count++;
			return 0;
		}
	}
	return hash_put(rp, b);
}

/* Where block_find found a block in direct. */
#define IN_DIRECT SIZE_MAX

/* The live block named addr (its event gave slot), *s where it is. */
static struct live_block *block_find(struct replay *rp, uint64_t addr,
				     uint32_t slot, size_t *s)
{
	if (slot && (size_t)slot - 1 < rp->direct_cap &&
	    rp->direct[slot - 1].addr == addr) {
		*s = IN_DIRECT;
		return &rp->direct[slot - 1];
	}
	return live_find(rp, addr, s);
}

static void live_remove(struct replay *rp, size_t s);

/* Remove b, found by block_find at *s. */
static void block_remove(struct replay *rp, struct live_block *b, size_t s)
{
	if (s != IN_DIRECT) {
		live_remove(rp, s);
		return;
	}
	b->addr = 0;
	rp->direct_count--;
	rp->live_count--;
}

/* Linear probing with backward shift: no tombstones to pile up. */
static void live_remove(struct replay *rp, size_t s)
{
	size_t mask = rp->live_cap - 1;

	for (size_t j = (s + 1) & mask; rp->live[j].addr; j = (j + 1) & mask) {
		size_t home = slot_of(rp, rp->live[j].addr);

		/* Move j back into the hole if its home is not in (s, j]. */
		if (((j - home) & mask) >= ((j - s) & mask)) {
			rp->live[s] = rp->live[j];
			s = j;
		}
	}
	rp->live[s].addr = 0;
	rp->live_count--;
}

/*
 * The pending entry of the given kind for addr, left by a thread other
 * than thread; NULL if none. Entries older than REPLAY_INVERSION_NS
 * before now can match nothing any more and are dropped on the way.
 */
static struct replay_pending *pending_find(struct replay *rp, uint64_t addr,
					   int displaced, uint32_t thread,
					   uint64_t now)
{
	size_t old = 0;

	while (old < rp->npending &&
	       rp->pending[old].since + REPLAY_INVERSION_NS < now)
		old++;
	if (old) {
		rp->npending -= old;
		memmove(rp->pending, rp->pending + old,
			rp->npending * sizeof(rp->pending[0]));
	}
	for (size_t i = 0; i < rp->npending; i++) {
		struct replay_pending *q = &rp->pending[i];

		if (q->b.addr == addr && q->displaced == displaced &&
		    q->by != thread)
			return q;
	}
	return NULL;
}

static void pending_take(struct replay *rp, struct replay_pending *q)
{
	size_t i = (size_t)(q - rp->pending);

	rp->npending--;
	memmove(q, q + 1, (rp->npending - i) * sizeof(*q));
}

static void pending_add(struct replay *rp, const struct live_block *b,
			const struct trace_event *ev, int displaced)
{
	if (rp->npending == REPLAY_PENDING)
		pending_take(rp, &rp->pending[0]);
	struct replay_pending *q = &rp->pending[rp->npending++];

	q->b = *b;
	q->since = ev->ts;
	q->by = ev->thread;
	q->displaced = displaced;
}

static void do_free(struct replay *rp, const struct trace_event *ev)
{
	size_t s;
	struct live_block *b = block_find(rp, ev->addr, ev->slot, &s);
	struct replay_pending *q;

	/*
	 * The live block is another thread's, and its ALLOC displaced one a
	 * moment ago: this FREE, read a moment too late, released that one.
	 */
	if (rp->npending && b &&
	    (q = pending_find(rp, ev->addr, 1, ev->thread, ev->ts)) &&
	    q->by == b->thread && q->since == b->ts) {
		rp->freed = q->b;
		pending_take(rp, q);
		rp->reordered++;
		return;
	}
	if (!b) {
		struct live_block lone = { .addr = ev->addr };

		rp->unknown_frees++;
		memset(&rp->freed, 0, sizeof(rp->freed));
		pending_add(rp, &lone, ev, 0);
		return;
	}
	rp->freed = *b;
	rp->live_bytes -= b->size;
	block_remove(rp, b, s);
}

static int on_event(void *ctx, const struct trace_event *ev)
{
	struct replay *rp = ctx;
	struct replay_pending *q;
	struct live_block *old;
	size_t s;

	rp->last_ts = ev->ts;
	if (ev->kind == PERFSHIM_EV_FREE) {
		rp->free_calls++;
		do_free(rp, ev);
		return 0;
	}
	if (ev->kind != PERFSHIM_EV_ALLOC)
		return 0;
	rp->alloc_calls++;
	rp->alloc_bytes += ev->size;
	memset(&rp->displaced, 0, sizeof(rp->displaced));
	/*
	 * Another thread freed this address a moment ago, and no block was
	 * there: that FREE was read a moment too early, and released this.
	 */
	if (rp->npending &&
	    (q = pending_find(rp, ev->addr, 0, ev->thread, ev->ts))) {
		rp->displaced = (struct live_block){
			.addr = ev->addr,
			.size = ev->size,
			.ts = ev->ts,
			.stack = ev->stack < rp->nnodes
					 ? rp->nodes[ev->stack].canon
					 : ev->stack,
			.thread = ev->thread,
		};
		pending_take(rp, q);
		rp->unknown_frees--;
		rp->reordered++;
		if (rp->live_bytes + ev->size > rp->peak_bytes) {
			rp->peak_bytes = rp->live_bytes + ev->size;
			rp->peak_ts = ev->ts;
		}
		return 0;
	}
	/*
	 * The same address live twice: a free we never saw (a block released
	 * behind the allocator's back), or another thread's that comes a
	 * moment later. The old block is gone; it waits a while for that free.
	 */
	if ((old = block_find(rp, ev->addr, ev->slot, &s))) {
		struct live_block b = *old;

		rp->displaced = b;
		rp->live_bytes -= old->size;
		block_remove(rp, old, s);
		pending_add(rp, &b, ev, 1);
	}
	struct live_block nb = {
		.addr = ev->addr,
		.size = ev->size,
		.ts = ev->ts,
		.stack = ev->stack < rp->nnodes ? rp->nodes[ev->stack].canon
						: ev->stack,
		.thread = ev->thread,
	};

	if (block_put(rp, &nb, ev->slot))
		return -1;
	rp->live_bytes += ev->size;
	/* Each block fits the address space (the reader checks), and live
	 * ones do not overlap: all of them must fit too. */
	if (rp->live_bytes > TRACE_MAX_BYTES)
		return error(
			"corrupt trace: %llu bytes live at once, more than an address space holds",
			(unsigned long long)rp->live_bytes);
	if (rp->live_bytes > rp->peak_bytes) {
		rp->peak_bytes = rp->live_bytes;
		rp->peak_ts = ev->ts;
	}
	return 0;
}

/*
 * Tables this small stay in the caches: fetching ahead only costs there
 * (5% of --leaks on sqlite3's trace).
 */
#define PREFETCH_FROM (64 * 1024) /* live slots or nodes */

/* The memory the events will touch: a block's slot, an ALLOC's node. */
static int on_prefetch(void *ctx, const struct trace_event *const *ev, size_t n)
{
	const struct replay *rp = ctx;

	if (rp->live_cap < PREFETCH_FROM && rp->nnodes < PREFETCH_FROM &&
	    rp->direct_cap < PREFETCH_FROM)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct trace_event *e = ev[i];

		if (e->kind != PERFSHIM_EV_ALLOC && e->kind != PERFSHIM_EV_FREE)
			continue;
		if (e->slot && (size_t)e->slot - 1 < rp->direct_cap)
			__builtin_prefetch(&rp->direct[e->slot - 1], 1);
		else if (rp->live_cap)
			__builtin_prefetch(&rp->live[slot_of(rp, e->addr)], 1);
		if (e->kind == PERFSHIM_EV_ALLOC && e->stack < rp->nnodes)
			__builtin_prefetch(&rp->nodes[e->stack]);
	}
	return 1;
}

/* ADDRS: the live block named `from` is at address to from now on. One
 * already live there was freed unseen, as an ALLOC there would say. */
static int on_rename(void *ctx, uint64_t from, uint64_t to)
{
	struct replay *rp = ctx;
	struct live_block *b, *old;
	size_t s, t;

	if (rp->direct_count && direct_settle(rp))
		return -1;
	if (!(b = live_find(rp, from, &s)))
		return 0;
	struct live_block moved = *b;

	live_remove(rp, s);
	if ((old = live_find(rp, to, &t))) {
		rp->live_bytes -= old->size;
		live_remove(rp, t);
	}
	moved.addr = to;
	return hash_put(rp, &moved);
}

/* The reading is over: every block in live, where the reports look. */
static void on_done(void *ctx)
{
	struct replay *rp = ctx;

	if (direct_settle(rp))
		return;
	free(rp->direct);
	rp->direct = NULL;
	rp->direct_cap = 0;
}

static int on_end(void *ctx, const struct trace_end *e)
{
	struct replay *rp = ctx;

	rp->have_end = 1;
	rp->end = *e;
	return 0;
}

static int on_lost(void *ctx, uint64_t count, uint64_t reason)
{
	struct replay *rp = ctx;

	(void)reason;
	rp->lost += count;
	return 0;
}

static int on_string(void *ctx, uint32_t id, const char *text)
{
	struct replay *rp = ctx;

	if (id >= rp->nstrings) {
		size_t n = rp->nstrings ? rp->nstrings : 16;

		while (n <= id)
			n *= 2;
		char **s = realloc(rp->strings, n * sizeof(*s));

		if (!s) /* id is the trace's word */
			return error("out of memory");
		memset(s + rp->nstrings, 0, (n - rp->nstrings) * sizeof(*s));
		rp->strings = s;
		rp->nstrings = n;
	}
	free(rp->strings[id]);
	rp->strings[id] = xstrdup(text);
	return 0;
}

const char *replay_string(const struct replay *rp, uint32_t id)
{
	if (id < rp->nstrings && rp->strings[id])
		return rp->strings[id];
	return "?";
}

/* A MEMORY record: the shim writes one at the finish, so a run without
 * events (/bin/true) still has a length. */
static int on_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct replay *rp = ctx;

	(void)rss;
	(void)mapped;
	if (ts > rp->last_memory_ts)
		rp->last_memory_ts = ts;
	return 0;
}

void replay_visitor(struct replay *rp, struct trace_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->ctx = rp;
	v->module = on_module;
	v->module_gone = on_module_gone;
	v->node = on_node;
	v->thread = on_thread;
	v->event = on_event;
	v->prefetch = on_prefetch;
	v->end = on_end;
	v->lost = on_lost;
	v->string = on_string;
	v->memory = on_memory;
	v->rename = on_rename;
	v->done = on_done;
}

const struct module_info *replay_node_module(const struct replay *rp,
					     uint32_t id)
{
	if (id >= rp->nnodes)
		return NULL;
	int32_t m = rp->nodes[id].module;

	if (m < 0) /* written before its module record: look again */
		m = find_module(rp, rp->nodes[id].ip);
	return m >= 0 ? rp->modules[m] : NULL;
}

const struct module_info *replay_module_at(const struct replay *rp, uint64_t ip)
{
	const struct module_info *any = NULL;

	for (size_t i = rp->nmodules; i-- > 0;) {
		const struct module_info *m = rp->modules[i];

		for (size_t s = 0; s < m->nsegs; s++) {
			if (ip >= m->segs[s].start &&
			    ip - m->segs[s].start < m->segs[s].size) {
				if (!m->gone)
					return m;
				if (!any)
					any = m;
			}
		}
	}
	return any;
}
