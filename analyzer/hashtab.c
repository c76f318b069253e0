/* hashtab.c - an open-addressing index of (hash, entry index). */
#define _GNU_SOURCE
#include <stdlib.h>

#include "error.h"
#include "hashtab.h"

void hashtab_init(struct hashtab *t)
{
	t->slot = NULL;
	t->cap = t->count = 0;
}

void hashtab_release(struct hashtab *t)
{
	free(t->slot);
	hashtab_init(t);
}

static void grow(struct hashtab *t)
{
	size_t cap = t->cap ? 2 * t->cap : 1024;
	struct hashtab_slot *s = xcalloc(cap, sizeof(*s));

	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slot[i].idx1)
			continue;
		size_t j = t->slot[i].hash & (cap - 1);

		while (s[j].idx1)
			j = (j + 1) & (cap - 1);
		s[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = s;
	t->cap = cap;
}

/* The slot of the entry eq accepts, or the empty slot where it would go. */
static struct hashtab_slot *probe(const struct hashtab *t, uint64_t hash,
				  hashtab_eq *eq, const void *ctx)
{
	for (size_t i = hash & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct hashtab_slot *s = &t->slot[i];

		if (!s->idx1 || (s->hash == hash && eq(ctx, s->idx1 - 1)))
			return s;
	}
}

size_t hashtab_find(const struct hashtab *t, uint64_t hash, hashtab_eq *eq,
		    const void *ctx)
{
	if (!t->cap)
		return HASHTAB_NONE;
	struct hashtab_slot *s = probe(t, hash, eq, ctx);

	return s->idx1 ? s->idx1 - 1 : HASHTAB_NONE;
}

size_t hashtab_put(struct hashtab *t, uint64_t hash, hashtab_eq *eq,
		   const void *ctx, size_t next)
{
	if ((t->count + 1) * 2 > t->cap)
		grow(t);
	struct hashtab_slot *s = probe(t, hash, eq, ctx);

	if (s->idx1)
		return s->idx1 - 1;
	s->hash = hash;
	s->idx1 = next + 1;
	t->count++;
	return next;
}

void sort_r(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *, void *), void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, ctx);
}
