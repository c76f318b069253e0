/*
 * series.h - a series of builds, as trend reads it: per metric, one value
 * per build (each build's median over its runs), and each build's name
 * and label.
 *
 * A metric is (scope, where, name), as in the summary's "metrics" object:
 * scope "program" (where ""), "zone" or "function" (where: its name).
 * Metrics are kept in the order first seen; a value not given for a build
 * is NaN (absent, not zero).
 */
#ifndef PERFSHIM_SERIES_H
#define PERFSHIM_SERIES_H

#include <stddef.h>

#include "hashtab.h"

struct series_metric {
	const char *scope; /* static: "program", "zone", "function" */
	char *where;	   /* "" for the program */
	char *name;	   /* "allocs", "p99", ... */
	double *v;	   /* [builds]; NaN: absent */
};

struct series_set {
	size_t builds;
	char **build; /* [builds]: the entry of the directory (owned) */
	char **label; /* [builds]: KEY=VALUE,... (label.h) or NULL (owned) */
	struct series_metric *m;
	size_t n, alloc;
	struct hashtab ix;
};

/*
 * series_init - an empty series of `builds` builds, unnamed and without
 * metrics (allocates the per-build arrays; dies when out of memory).
 */
void series_init(struct series_set *s, size_t builds);

/* series_release - free everything s holds. */
void series_release(struct series_set *s);

/*
 * series_scope - the static name of a scope ("program", "zone",
 * "function"), or NULL for any other text.
 */
const char *series_scope(const char *scope);

/*
 * series_set_value - record v as build b's value of the metric (scope from
 * series_scope; where and name are copied), adding the metric when new.
 * A second value for the same build replaces the first.
 */
void series_set_value(struct series_set *s, size_t b, const char *scope,
		      const char *where, const char *name, double v);

/* series_find - the metric, or NULL. */
const struct series_metric *series_find(const struct series_set *s,
					const char *scope, const char *where,
					const char *name);

#endif
