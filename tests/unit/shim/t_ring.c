/*
 * t_ring - the SPSC event ring under a producer/consumer stress: every
 * record arrives once, whole and in order, across many wrap-arounds of a
 * small ring (run under ThreadSanitizer by make test-tsan).
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "ring.h"
#include "tap.h"

#define RECORDS 200000u
#define RING_SIZE 256u

static struct ring r;
static uint8_t buf[RING_SIZE];

/* Record i: its length (2..49), then i's low bytes, then a pattern of i. */
static size_t make(uint32_t i, uint8_t *rec)
{
	size_t len = 2 + i % 48;

	rec[0] = (uint8_t)len;
	rec[1] = (uint8_t)i;
	for (size_t k = 2; k < len; k++)
		rec[k] = (uint8_t)(i * 31 + k);
	return len;
}

static void *produce(void *arg)
{
	uint8_t rec[64];

	(void)arg;
	for (uint32_t i = 0; i < RECORDS; i++) {
		size_t len = make(i, rec);
		uint64_t head = ring_head(&r);

		while (!ring_within(&r, head, len, r.size))
			sched_yield();
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

int main(void)
{
	struct seen s = { 0 };
	pthread_t t;

	plan(6);
	r.buf = buf;
	r.size = RING_SIZE;
	if (pthread_create(&t, NULL, produce, NULL))
		return 255;
	consume(&s);
	pthread_join(t, NULL);
	is_uint(s.next, RECORDS, "every record arrived, in order");
	is_uint(s.torn, 0, "no record torn");
	is_uint(s.wrong, 0, "no record's bytes changed");
	ok(s.wraps > 1000, "the ring wrapped around (%llu times)",
	   (unsigned long long)s.wraps);
	is_uint(ring_published(&r), atomic_load(&r.tail), "all consumed");

	ring_reset(&r);
	is_uint(ring_head(&r) + atomic_load(&r.tail) + r.tail_seen, 0,
		"ring_reset empties it");
	return exit_status();
}
