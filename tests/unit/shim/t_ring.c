/*
 * t_ring - the SPSC event ring under a producer/consumer stress: every
 * record arrives once, whole and in order, across many wrap-arounds of a
 * small ring, written by ring_put and by ring_put_small (with its
 * PREFETCHW where the CPU has it); run under ThreadSanitizer by make
 * test-tsan too.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include "ring.h"
#include "tap.h"

#define RECORDS 200000u
#define RING_SIZE 256u

static struct ring r;
static uint8_t buf[RING_SIZE];

static int small; /* the producer writes with ring_put_small */

/* Record i: its length (2..RING_SMALL), then i's low bytes, then a
 * pattern of i. */
static size_t make(uint32_t i, uint8_t *rec)
{
	size_t len = 2 + i % (RING_SMALL - 1);

	rec[0] = (uint8_t)len;
	rec[1] = (uint8_t)i;
	for (size_t k = 2; k < len; k++)
		rec[k] = (uint8_t)(i * 31 + k);
	return len;
}

static void *produce(void *arg)
{
	uint8_t rec[RING_SMALL];

	(void)arg;
	for (uint32_t i = 0; i < RECORDS; i++) {
		size_t len = make(i, rec);
		uint64_t head = ring_head(&r);

		while (!ring_within(&r, head, len, r.size))
			sched_yield();
		if (small)
			ring_put_small(&r, head, rec, len);
		else
			ring_put(&r, head, rec, len);
	}
	return NULL;
}

struct seen {
	uint32_t next; /* the record expected next */
	uint32_t torn, wrong;
	uint64_t wraps;
};

/* Check the records in the contiguous copy p[0..n). */
static void check(struct seen *s, const uint8_t *p, size_t n)
{
	uint8_t want[64];

	for (size_t at = 0; at < n;) {
		size_t len = make(s->next, want);

		if (p[at] != len || at + len > n) {
			s->torn++;
			return;
		}
		if (memcmp(p + at, want, len))
			s->wrong++;
		at += len;
		s->next++;
	}
}

static void consume(struct seen *s)
{
	uint8_t copy[RING_SIZE];

	while (s->next < RECORDS && !s->torn) {
		uint64_t head = ring_published(&r);
		const uint8_t *a, *b;
		size_t na, nb;
		size_t n = ring_span(&r, head, &a, &na, &b, &nb);

		if (!n) {
			sched_yield();
			continue;
		}
		memcpy(copy, a, na);
		memcpy(copy + na, b, nb);
		s->wraps += nb != 0;
		check(s, copy, n);
		ring_consume(&r, head);
	}
}

/* The stress with the producer writing by ring_put or ring_put_small. */
static void stress(const char *how)
{
	struct seen s = { 0 };
	pthread_t t;

	ring_reset(&r);
	if (pthread_create(&t, NULL, produce, NULL))
		exit(255);
	consume(&s);
	pthread_join(t, NULL);
	ok(s.next == RECORDS, "%s: every record arrived, in order (%u)", how,
	   s.next);
	ok(!s.torn, "%s: no record torn", how);
	ok(!s.wrong, "%s: no record's bytes changed (%u did)", how, s.wrong);
	ok(s.wraps > 1000, "%s: the ring wrapped around (%llu times)", how,
	   (unsigned long long)s.wraps);
	ok(ring_published(&r) == atomic_load(&r.tail), "%s: all consumed", how);
}

int main(void)
{
	plan(11);
	r.buf = buf;
	r.size = RING_SIZE;
	stress("ring_put");
	ring_cpu_init();
	small = 1;
	stress(ring_prefetchw ? "ring_put_small, PREFETCHW"
			      : "ring_put_small, no PREFETCHW on this CPU");

	ring_reset(&r);
	is_uint(ring_head(&r) + atomic_load(&r.tail) + r.tail_seen, 0,
		"ring_reset empties it");
	return exit_status();
}
