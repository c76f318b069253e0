/* ring.c - the consumer's side of a thread's event buffer (see ring.h). */
#include <cpuid.h>

#include "ring.h"

HIDDEN int ring_prefetchw;

HIDDEN void ring_cpu_init(void)
{
	unsigned a, b, c, d;

	ring_prefetchw =
		__get_cpuid(0x80000001, &a, &b, &c, &d) && (c & bit_PRFCHW);
}

HIDDEN size_t ring_span(const struct ring *r, uint64_t head, const uint8_t **a,
			size_t *na, const uint8_t **b, size_t *nb)
{
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t len = (size_t)(head - tail);
	size_t off = tail & (r->size - 1);
	size_t first = r->size - off;

	if (first > len)
		first = len;
	*a = r->buf + off;
	*na = first;
	*b = r->buf;
	*nb = len - first;
	return len;
}

HIDDEN void ring_reset(struct ring *r)
{
	atomic_store(&r->head, 0);
	atomic_store(&r->tail, 0);
	r->tail_seen = 0;
}
