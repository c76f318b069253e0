/*
 * t_live - the live-block index against a model: random malloc, free and
 * realloc sequences (40000 blocks live at the peak, so the table grows),
 * fed as the writer does, from contiguous copies and from a wrapping
 * ring, and through the chunk encoder, which tells the index what it
 * parses; the index must hold exactly the model's live set, sizes and all.
 */
#include "live_model.h"

/*
 * Before event k of the m at at[] (the last ones in ev), an ALLOC from an
 * allocation function the encoder does not know, and its FREE: the
 * offsets from k on move past them.
 */
static void unknown_before(size_t *at, size_t m, size_t k)
{
	size_t cut = at[k], tail = ev_len - cut;
	uint8_t *rest = malloc(tail);

	if (!rest)
		exit(255);
	memcpy(rest, ev + cut, tail);
	ev_len = cut;
	put_u(PERFSHIM_EV_ALLOC | 15);
	put_u(1);
	put_u(64);
	put_u(0x7000000000000000ull);
	put_u(1);
	put_u(PERFSHIM_EV_FREE);
	put_u(1);
	put_u(0x7000000000000000ull);
	size_t extra = ev_len - cut;

	for (size_t i = 0; i < tail; i++)
		put_byte(rest[i]);
	free(rest);
	for (size_t i = k + 1; i <= m; i++)
		at[i] += extra;
}

/*
 * One thread whose events all go through the encoder: the index is left
 * alone, the encoder's table of slots holds the blocks. Materialized, it
 * is the model's live set; from then on it is kept event by event. Ends
 * with every block freed and the event buffer empty.
 */
static void lazy_then_kept(void)
{
	static struct thread_state v = { .index = 1 }; /* its own encoding */
	size_t m = 60000, *at = make_events(m, 20000);

	drain_all(&v, at, 0, m);
	ok(perfshim_live.count == 0 && !perfshim_live.cap,
	   "one thread through the encoder: the index left alone");
	free(at);
	/* A block from an allocation function the encoder does not know:
	 * the drain that meets it gives the index the encoder's table, and
	 * parses the rest itself. */
	size_t from = ev_len;

	at = make_events(m, 0);
	unknown_before(at, m, m / 2);
	ok(at[0] == from, "events follow on");
	drain_all(&v, at, 0, m);
	ok(v.w.live_pos == ev_len && !v.w.live_bad,
	   "every byte applied or encoded");
	compare("the encoder's table, then parsed");
	perfshim_live_materialize();
	compare("materialized once only");
	free(at);
	size_t n = 0, *end = malloc((SLOTS + 2) * sizeof(*end));

	end[n++] = ev_len;
	for (size_t s = 0; s < SLOTS; s++)
		if (model[s]) {
			release(s);
			end[n++] = ev_len;
		}
	drain_all(&v, end, 0, n - 1);
	ok(perfshim_live.count == 0, "all freed: the index empty");
	free(end);
	ev_len = 0;
}

int main(void)
{
	static struct thread_state t;
	size_t n = 300000;
	uint8_t ring[4096];

	plan(23);
	lazy_then_kept();

	size_t *at = make_events(n, 40000);

	/* As the writer drains: whole events, in copies of any length. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1 + next() % 200;

		if (j > n)
			j = n;
		perfshim_live_apply_copy(&t, ev + at[i], at[j] - at[i], at[i]);
		i = j;
	}
	ok(perfshim_live.cap > 65536, "the table grew (%zu slots)",
	   perfshim_live.cap);
	compare("from copies");

	/* The rest of the model freed, from a ring that wraps around, as a
	 * scan applies ahead of the writer. */
	size_t nfree = 0, *end = malloc((SLOTS + 1) * sizeof(*end));

	for (size_t s = 0; s < SLOTS; s++)
		if (model[s]) {
			release(s);
			end[nfree++] = ev_len;
		}
	t.ring.buf = ring;
	t.ring.size = sizeof(ring);
	t.w.live_pos = t.ring.head = t.ring.tail = 0;
	for (size_t i = 0, p = at[n]; i < nfree;) {
		size_t j = i + 1 + next() % 300; /* 300 frees fit the ring */

		if (j > nfree)
			j = nfree;
		size_t len = end[j - 1] - p;
		uint64_t head = ring_head(&t.ring);

		ring_put(&t.ring, head, ev + p, len);
		perfshim_live_apply(&t, head + len);
		ring_consume(&t.ring, head + len);
		p = end[j - 1];
		i = j;
	}
	ok(t.ring.head > sizeof(ring), "the ring wrapped around");
	compare("from the ring");
	ok(!t.w.live_bad, "every ring event parsed");

	/* Through the encoder, as the writer drains; halfway, a block from
	 * an allocation function the encoder does not know: from then on
	 * the thread's events are the index's to parse. */
	static struct thread_state u;
	size_t base = ev_len, m = 100000, taken = 0,
	       *at2 = make_events(m, 20000);

	unknown_before(at2, m, m / 2);
	for (size_t k = 0; k <= m; k++)
		at2[k] -= base;
	memmove(ev, ev + base, ev_len - base);
	ev_len -= base;
	for (size_t i = 0; i < m;) {
		size_t j = i + 1 + next() % 200;

		if (j > m)
			j = m;
		taken += drain_encoded(&u, at2, i, j, 1);
		i = j;
	}
	ok(taken == at2[m / 2],
	   "the encoder took the first half, not the rest "
	   "(%zu of %zu bytes)",
	   taken, ev_len);
	compare("through the encoder");
	return exit_status();
}
