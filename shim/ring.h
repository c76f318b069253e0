/*
 * ring.h - one thread's event buffer: single producer (the thread),
 * single consumer (the writer, or a producer flushing under the writer's
 * pass lock). head and tail count the bytes ever written and ever
 * consumed; size is a power of two.
 *
 * Contract: nothing here blocks, takes a lock, allocates or makes a
 * system call; all of it is async-signal-safe as long as one thread at a
 * time produces (a thread's signal handler nests in it, never races it)
 * and one consumes. The producer owns tail_seen and writes head; the
 * consumer writes tail. Whoever made the ring owns buf (ring.c never
 * frees it). A record is published by ring_put() as a whole: the
 * consumer never sees part of one.
 */
#ifndef PERFSHIM_RING_H
#define PERFSHIM_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"

struct ring {
	uint8_t *buf;
	size_t size; /* power of two */
	_Atomic uint64_t head;
	_Atomic uint64_t tail;
	uint64_t tail_seen; /* producer's stale copy of tail */
};

/* Producer: the head to write at. */
static inline uint64_t ring_head(const struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed);
}

/*
 * Producer: 1 if len bytes written at head leave at most limit bytes
 * unconsumed; reads tail again (into tail_seen) only when its stale copy
 * says no.
 */
static inline int ring_within(struct ring *r, uint64_t head, size_t len,
			      size_t limit)
{
	if (LIKELY(head + len - r->tail_seen <= limit))
		return 1;
	r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
	return head + len - r->tail_seen <= limit;
}

/* Producer: write rec at head (ring_within(r, head, len, size) held) and
 * publish it. */
static inline void ring_put(struct ring *r, uint64_t head, const uint8_t *rec,
			    size_t len)
{
	size_t off = head & (r->size - 1);
	size_t first = r->size - off;

	if (first >= len) {
		memcpy(r->buf + off, rec, len);
	} else {
		memcpy(r->buf + off, rec, first);
		memcpy(r->buf, rec + first, len - first);
	}
	atomic_store_explicit(&r->head, head + len, memory_order_release);
}

/*
 * The allocation path's records are at most RING_SMALL bytes, in buffers
 * of RING_SMALL: ring_put_small copies all of it, a fixed-size copy the
 * compiler inlines, where ring_put's copy of len bytes is a call. The
 * bytes past len land in free space (checked: neither wrapped nor past
 * what the consumer freed) and are never published as they are.
 */
#define RING_SMALL 48

/*
 * The consumer's reads leave each line of the ring shared in its CPU's
 * cache, and the producer's next store to that line, a lap later, waits
 * until the other copy is gone: on churn three quarters of the ring
 * write's samples were that one store. So ring_put_small asks for the
 * line RING_AHEAD bytes on with PREFETCHW, which takes it for writing
 * while the thread works (churn 8%, perl, sqlite3 and cxx 3-6% less CPU
 * under the shim). A hint only: it never faults, changes no data, and
 * runs only where the CPU has it (ring_prefetchw, from CPUID; others may
 * fault on it).
 */
#define RING_AHEAD 512
extern HIDDEN int ring_prefetchw;

/* ring_cpu_init - set ring_prefetchw from CPUID; at init, one thread. */
HIDDEN void ring_cpu_init(void);

static inline void ring_put_small(struct ring *r, uint64_t head,
				  const uint8_t *rec, size_t len)
{
	size_t off = head & (r->size - 1);

	if (LIKELY(r->size - off >= RING_SMALL &&
		   head + RING_SMALL - r->tail_seen <= r->size)) {
		if (LIKELY(ring_prefetchw))
			__asm__ volatile("prefetchw %0" ::"m"(
				r->buf[(off + RING_AHEAD) & (r->size - 1)]));
		memcpy(r->buf + off, rec, RING_SMALL);
		atomic_store_explicit(&r->head, head + len,
				      memory_order_release);
		return;
	}
	ring_put(r, head, rec, len);
}

/* Consumer: the bytes published so far (acquire: they are readable). */
static inline uint64_t ring_published(const struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire);
}

/*
 * ring_span - consumer: the bytes from tail to head (head from
 * ring_published()) as at most two pieces: a, na then b, nb (nb 0 when
 * they do not wrap). Returns na + nb.
 */
HIDDEN size_t ring_span(const struct ring *r, uint64_t head, const uint8_t **a,
			size_t *na, const uint8_t **b, size_t *nb);

/* Consumer: everything up to head is consumed; the producer may reuse it. */
static inline void ring_consume(struct ring *r, uint64_t head)
{
	atomic_store_explicit(&r->tail, head, memory_order_release);
}

/* Either side, only while neither runs (a forked child's only thread):
 * empty the ring. */
HIDDEN void ring_reset(struct ring *r);

#endif
