/* series.c - per-metric values of a series of builds (see series.h). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "series.h"

static const char *const scopes[] = { "program", "zone", "function" };

const char *series_scope(const char *scope)
{
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (!strcmp(scope, scopes[i]))
			return scopes[i];
	return NULL;
}

void series_init(struct series_set *s, size_t builds)
{
	memset(s, 0, sizeof(*s));
	s->builds = builds;
	s->build = xcalloc(builds ? builds : 1, sizeof(*s->build));
	s->label = xcalloc(builds ? builds : 1, sizeof(*s->label));
	hashtab_init(&s->ix);
}

void series_release(struct series_set *s)
{
	for (size_t i = 0; i < s->builds; i++) {
		free(s->build[i]);
		free(s->label[i]);
	}
	for (size_t i = 0; i < s->n; i++) {
		free(s->m[i].where);
		free(s->m[i].name);
		free(s->m[i].v);
	}
	free(s->build);
	free(s->label);
	free(s->m);
	hashtab_release(&s->ix);
	memset(s, 0, sizeof(*s));
}

struct key {
	const struct series_set *s;
	const char *scope, *where, *name;
};

static int key_eq(const void *ctx, size_t i)
{
	const struct key *k = ctx;
	const struct series_metric *m = &k->s->m[i];

	/* Scopes are static: one pointer per scope. */
	return m->scope == k->scope && !strcmp(m->where, k->where) &&
	       !strcmp(m->name, k->name);
}

static uint64_t key_hash(const struct key *k)
{
	uint64_t h = hash_str(k->scope, HASH_STR_SEED);

	h = hash_str(k->where, h ^ 0x1f);
	return hash64(hash_str(k->name, h ^ 0x2f));
}

void series_set_value(struct series_set *s, size_t b, const char *scope,
		      const char *where, const char *name, double v)
{
	struct key k = { s, scope, where, name };
	size_t i;

	assert(series_scope(scope) == scope);
	i = hashtab_put(&s->ix, key_hash(&k), key_eq, &k, s->n);

	if (i == s->n) {
		struct series_metric *m;

		XGROW(s->m, s->alloc, s->n + 1);
		m = &s->m[s->n++];
		m->scope = scope;
		m->where = xstrdup(where);
		m->name = xstrdup(name);
		m->v = xmalloc((s->builds ? s->builds : 1) * sizeof(*m->v));
		for (size_t j = 0; j < s->builds; j++)
			m->v[j] = NAN;
	}
	if (b < s->builds)
		s->m[i].v[b] = v;
}

const struct series_metric *series_find(const struct series_set *s,
					const char *scope, const char *where,
					const char *name)
{
	struct key k = { s, series_scope(scope), where, name };
	size_t i;

	if (!k.scope)
		return NULL;
	i = hashtab_find(&s->ix, key_hash(&k), key_eq, &k);
	return i == HASHTAB_NONE ? NULL : &s->m[i];
}
