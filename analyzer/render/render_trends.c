/* render_trends.c - the trend report over builds, as text and as JSON. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hashtab.h"
#include "json.h"
#include "render.h"

/* Rows in the order shown: flagged first (worst first), then as read. */
static int flagged(enum trends_verdict v)
{
	switch (v) {
	case TRENDS_RISING:
		return 0;
	case TRENDS_CREEPING:
	case TRENDS_SUPERLINEAR:
		return 1;
	case TRENDS_IMPROVING:
		return 2;
	default:
		return 3;
	}
}

static int by_verdict(const void *a, const void *b, void *ctx)
{
	const struct trends_judgement *j = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int fx = flagged(j[x].verdict), fy = flagged(j[y].verdict);

	if (fx != fy)
		return fx - fy;
	return x < y ? -1 : x > y;
}

/* The judged metrics' indexes, in the order shown; *n of them. */
static size_t *rows(const struct trends_result *r, size_t *n)
{
	size_t *idx = xmalloc((r->s->n ? r->s->n : 1) * sizeof(*idx));

	*n = 0;
	for (size_t i = 0; i < r->s->n; i++)
		if (r->j[i].n >= TRENDS_MIN_POINTS &&
		    !(r->x_key && isnan(r->j[i].exponent)))
			idx[(*n)++] = i;
	sort_r(idx, *n, sizeof(*idx), by_verdict, r->j);
	return idx;
}

/* The first and last values present of a metric. */
static void ends(const struct metric *m, size_t builds, double *first,
		 double *last)
{
	*first = *last = NAN;
	for (size_t b = 0; b < builds; b++)
		if (!isnan(m->v[b])) {
			if (isnan(*first))
				*first = m->v[b];
			*last = m->v[b];
		}
}

static void upper(char *buf, size_t len, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < len; i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = 0;
}

/* A relative change: "+27.5%"; from 0, "from 0", as diff prints it. */
static const char *pct_text(char *buf, size_t len, double v)
{
	if (isinf(v))
		return v > 0 ? "from 0" : "to 0";
	snprintf(buf, len, "%+.1f%%", 100 * v);
	return buf;
}

static void text_builds(const struct trends_result *r, FILE *out)
{
	const struct metric_set *s = r->s;
	char w[300], f[32], l[32], sl[32], c[32], st[32], p[32];
	double first, last;

	fprintf(out, "%-14s %-24s %12s %12s %12s %8s %8s %8s  %s\n", "metric",
		"where", "first", "last", "slope/build", "change", "max step",
		"p-value", "verdict");
	size_t n, *idx = rows(r, &n);

	for (size_t k = 0; k < n; k++) {
		const struct metric *m = &s->m[idx[k]];
		const struct trends_judgement *j = &r->j[idx[k]];

		ends(m, s->runs, &first, &last);
		fprintf(out, "%-14s %-24s %12s %12s %12s %8s %8s %8s  %s\n",
			m->name,
			render_metric_where(w, sizeof(w), m->scope, m->where),
			render_metric_value(f, sizeof(f), first, m->unit, 0),
			render_metric_value(l, sizeof(l), last, m->unit, 0),
			render_metric_value(sl, sizeof(sl), j->slope, m->unit,
					    1),
			pct_text(c, sizeof(c), j->change),
			pct_text(st, sizeof(st), j->max_step),
			render_p_value(p, sizeof(p), j->p_value),
			trends_verdict_name(j->verdict));
	}
	free(idx);
}

static void text_scaling(const struct trends_result *r, FILE *out)
{
	const struct metric_set *s = r->s;
	char w[300];

	fprintf(out, "%-14s %-24s %8s %8s  %s\n", "metric", "where", "exponent",
		"r2", "verdict");
	size_t n, *idx = rows(r, &n);

	for (size_t k = 0; k < n; k++) {
		const struct metric *m = &s->m[idx[k]];
		const struct trends_judgement *j = &r->j[idx[k]];

		fprintf(out, "%-14s %-24s %8.3f %8.3f  %s\n", m->name,
			render_metric_where(w, sizeof(w), m->scope, m->where),
			j->exponent, j->r2, trends_verdict_name(j->verdict));
	}
	free(idx);
}

int render_trends_text(const struct trends_result *r, FILE *out)
{
	char verdict[32];

	upper(verdict, sizeof(verdict), trends_verdict_name(r->worst));
	if (r->x_key)
		fprintf(out, "scaling with %s over %zu builds: %s\n", r->x_key,
			r->s->runs, verdict);
	else
		fprintf(out,
			"trend over %zu builds (alpha %g, adjusted over %zu metrics): %s\n",
			r->s->runs, r->alpha, r->judged, verdict);
	if (r->x_key)
		text_scaling(r, out);
	else
		text_builds(r, out);
	if (fflush(out) || ferror(out))
		return error("cannot write the output");
	return 0;
}

static void metric_json(struct json_writer *w, const struct trends_result *r,
			size_t i)
{
	const struct metric *m = &r->s->m[i];
	const struct trends_judgement *j = &r->j[i];
	double first, last;

	json_object_begin(w);
	json_key(w, "name");
	json_string(w, m->name);
	json_key(w, "scope");
	json_string(w, metric_scope_name(m->scope));
	json_key(w, "where");
	json_string(w, m->where);
	json_key(w, "builds");
	json_u64(w, j->n);
	if (r->x_key) {
		json_key(w, "exponent");
		json_double(w, j->exponent);
		json_key(w, "r2");
		json_double(w, j->r2);
	} else {
		ends(m, r->s->runs, &first, &last);
		json_key(w, "first");
		json_double(w, first);
		json_key(w, "last");
		json_double(w, last);
		json_key(w, "slope_per_build");
		json_double(w, j->slope);
		json_key(w, "change_pct");
		json_double(w, 100 * j->change);
		json_key(w, "max_step_pct");
		json_double(w, 100 * j->max_step);
		json_key(w, "p_value");
		json_double(w, j->p_value);
	}
	json_key(w, "verdict");
	json_string(w, trends_verdict_name(j->verdict));
	json_object_end(w);
}

int render_trends_json(const struct trends_result *r, FILE *out)
{
	struct json_writer w;
	size_t n, *idx = rows(r, &n);

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "verdict");
	json_string(&w, trends_verdict_name(r->worst));
	json_key(&w, "x");
	if (r->x_key)
		json_string(&w, r->x_key);
	else
		json_null(&w);
	json_key(&w, "builds");
	json_array_begin(&w);
	for (size_t b = 0; b < r->s->runs; b++) {
		json_object_begin(&w);
		json_key(&w, "name");
		json_string(&w, r->s->path[b]);
		if (r->x_key) {
			json_key(&w, "x");
			json_double(&w, r->x[b]);
		}
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "metrics");
	json_array_begin(&w);
	for (size_t k = 0; k < n; k++)
		metric_json(&w, r, idx[k]);
	json_array_end(&w);
	json_object_end(&w);
	free(idx);
	return json_writer_finish(&w);
}
