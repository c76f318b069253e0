/*
 * live_model.h - for the live index's unit tests (t_live, t_live_fork):
 * random malloc, free and realloc events in the ring's record format,
 * a model of the blocks they leave live, the writer's drain through the
 * chunk encoder, and the check that the index holds the model's set.
 * Each test is one .c file: these are its statics.
 */
#ifndef PERFSHIM_LIVE_MODEL_H
#define PERFSHIM_LIVE_MODEL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "live.h"
#include "perfshim_trace.h"
#include "tap.h"
#include "xorshift.h"

#define SLOTS 60000 /* addresses: 0x10000 + 64 * slot */

static uint64_t model[SLOTS]; /* size + 1 when live, 0 when not */
static uint8_t *ev;
static size_t ev_len, ev_cap;
static uint64_t rnd = 88172645463325252ull;

static uint64_t next(void)
{
	return xorshift64(&rnd);
}

static void put_u(uint64_t v)
{
	if (ev_len + PERFSHIM_VARINT_MAX + 1 > ev_cap) {
		ev_cap = ev_cap * 2 + 4096;
		ev = realloc(ev, ev_cap);
		if (!ev)
			exit(255);
	}
	ev_len += perfshim_put_varint(ev + ev_len, v);
}

static __attribute__((unused)) void put_byte(uint8_t b)
{
	put_u(0); /* room for it */
	ev[ev_len - 1] = b;
}

static void alloc(int fn, size_t slot, uint64_t size)
{
	put_u(PERFSHIM_EV_ALLOC | fn); /* a tag below 0x80 is one byte */
	put_u(3);
	put_u(size);
	put_u(0x10000 + 64 * slot);
	put_u(1);
	model[slot] = size + 1;
}

static void release(size_t slot)
{
	put_u(PERFSHIM_EV_FREE);
	put_u(2);
	put_u(0x10000 + 64 * slot);
	model[slot] = 0;
}

/* n random events; returns the offsets where each event starts. */
static size_t *make_events(size_t n, size_t peak)
{
	size_t *at = malloc((n + 1) * sizeof(*at));

	for (size_t i = 0; i < n; i++) {
		size_t s = i < peak ? i : next() % SLOTS;

		at[i] = ev_len;
		if (!model[s]) {
			alloc(PERFSHIM_FN_MALLOC, s, next() % 5000);
		} else if (next() % 3 == 0) {
			size_t d = next() % SLOTS; /* realloc: free, alloc */

			release(s);
			if (!model[d])
				alloc(PERFSHIM_FN_REALLOC, d, next() % 9000);
		} else {
			release(s);
		}
	}
	at[n] = ev_len;
	return at;
}

/* Whether the index holds exactly the model's live set. */
static void compare(const char *how)
{
	size_t want = 0, found = 0, missing, wrong_size = 0, extra = 0;

	for (size_t s = 0; s < SLOTS; s++)
		want += model[s] != 0;
	for (size_t i = 0; i < perfshim_live.cap; i++) {
		const struct live_entry *e = &perfshim_live.e[i];
		size_t s = (e->addr - 0x10000) / 64;

		if (!e->addr)
			continue;
		if (e->count != 1 || s >= SLOTS || !model[s])
			extra++;
		else if (e->size != model[s] - 1)
			wrong_size++;
		else
			found++;
	}
	missing = want - found - wrong_size;
	ok(perfshim_live.count == want, "%s: as many live as the model (%zu)",
	   how, want);
	ok(!missing && !extra && !wrong_size,
	   "%s: the same blocks and sizes (%zu missing, %zu extra, %zu sized "
	   "wrong)",
	   how, missing, extra, wrong_size);
	ok(!perfshim_live.broken, "%s: nothing lost to the index", how);
}

static uint64_t *seen_size; /* size + 1 by slot, from perfshim_live_each */
static size_t seen_n, seen_bad;

static void seen(uint64_t addr, uint64_t size)
{
	size_t s = (addr - 0x10000) / 64;

	if (addr < 0x10000 || s >= SLOTS || seen_size[s])
		seen_bad++;
	else
		seen_size[s] = size + 1;
	seen_n++;
}

/* Whether a scan's view (perfshim_live_gather, _each) of the threads on
 * list is exactly the model's live set. */
static __attribute__((unused)) void compare_view(const char *how,
						 struct thread_state *list)
{
	size_t want = 0, wrong = 0, bound = perfshim_live_gather(list);

	seen_size = calloc(SLOTS, sizeof(*seen_size));
	if (!seen_size)
		exit(255);
	seen_n = seen_bad = 0;
	perfshim_live_each(seen);
	for (size_t s = 0; s < SLOTS; s++) {
		want += model[s] != 0;
		wrong += seen_size[s] != model[s];
	}
	ok(seen_n == want && !seen_bad && !wrong && bound >= want,
	   "%s: the scan sees the model's blocks (%zu of %zu, %zu wrong, "
	   "%zu not the model's, at most %zu)",
	   how, seen_n, want, wrong, seen_bad, bound);
	free(seen_size);
}

static void drop_record(uint8_t tag, const uint8_t *payload, size_t len)
{
	(void)tag;
	(void)payload;
	(void)len;
}

/*
 * The writer's drain of ev[from, to) at ring position from, through the
 * encoder; first, now and then, a scan applies part of it ahead.
 */
static size_t drain_encoded(struct thread_state *t, const size_t *at, size_t i,
			    size_t j, int ahead)
{
	struct col_seen seen;
	uint64_t lag;

	if (ahead && next() % 4 == 0) {
		size_t k = i + next() % (j - i + 1);

		perfshim_live_apply_copy(t, ev + at[i], at[k] - at[i], at[i]);
	}
	perfshim_live_tell(t, at[i], &seen);
	size_t done = perfshim_columns_encode(
		t->index, ev + at[i], at[j] - at[i], drop_record, &lag, &seen);

	perfshim_live_told(t, ev + at[i], at[j] - at[i], at[i], done, &seen);
	return done;
}

/* Thread v's events [*from, upto) through the encoder, as the writer
 * drains; no scan applies ahead. */
static void drain_all(struct thread_state *v, const size_t *at, size_t from,
		      size_t upto)
{
	for (size_t i = from; i < upto;) {
		size_t j = i + 1 + next() % 200;

		if (j > upto)
			j = upto;
		drain_encoded(v, at, i, j, 0);
		i = j;
	}
}

#endif
