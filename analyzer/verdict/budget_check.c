/* budget_check.c - a budget's rules against a build's metric set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "budget_check.h"
#include "error.h"

/* The metric set's scope of a rule's. */
static enum metric_scope scope_of(enum budget_scope s)
{
	switch (s) {
	case BUDGET_ZONE:
		return METRIC_ZONE;
	case BUDGET_FUNCTION:
		return METRIC_FUNCTION;
	case BUDGET_SITE:
		return METRIC_SITE;
	default:
		return METRIC_PROGRAM;
	}
}

/* The runs of m that have a value. */
static size_t runs_with_value(const struct metric *m, size_t runs)
{
	size_t n = 0;

	for (size_t i = 0; i < runs; i++)
		n += !isnan(m->v[i]);
	return n;
}

/* Whether s has any metric of (sc, where). */
static int where_found(const struct metric_set *s, enum metric_scope sc,
		       const char *where)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->m[i].scope == sc && !strcmp(s->m[i].where, where) &&
		    metric_present(&s->m[i]))
			return 1;
	return 0;
}

static void check_rule(const struct metric_set *s, const struct budget_rule *r,
		       struct budget_row *row)
{
	const struct metric *m = metrics_find(
		s, scope_of(r->scope), r->name ? r->name : "", r->metric_name);

	row->rule = r;
	row->measured = NAN;
	row->runs = m ? runs_with_value(m, s->runs) : 0;
	if (row->runs)
		row->measured = metric_median(m);
	if (isnan(row->measured)) {
		row->verdict = BUDGET_MISSING;
		row->where_found =
			!r->name || where_found(s, scope_of(r->scope), r->name);
	} else if (row->measured > r->limit)
		row->verdict = BUDGET_EXCEEDED;
	else
		row->verdict = BUDGET_OK;
}

int budget_check(const struct budget *b, const struct metric_set *s,
		 struct budget_result *r)
{
	memset(r, 0, sizeof(*r));
	r->budget = b;
	r->runs = s->runs;
	r->row = xcalloc(b->n + 1, sizeof(*r->row));
	for (size_t i = 0; i < b->n; i++) {
		struct budget_row *row = &r->row[r->n++];

		check_rule(s, &b->rule[i], row);
		r->exceeded += row->verdict == BUDGET_EXCEEDED;
		r->missing += row->verdict == BUDGET_MISSING;
	}
	return 0;
}

int budget_failed(const struct budget_result *r)
{
	return r->exceeded || r->missing;
}

const char *budget_verdict_name(enum budget_verdict v)
{
	static const char *const names[] = { "ok", "exceeded", "missing" };

	return names[v];
}

void budget_result_release(struct budget_result *r)
{
	free(r->row);
	memset(r, 0, sizeof(*r));
}
