/* trends.c - creep over builds and scaling with a label (see trends.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hashtab.h"
#include "label.h"
#include "stats.h"
#include "teststat.h"
#include "trends.h"

void trends_options_init(struct trends_options *o)
{
	o->alpha = 0.05;
	o->warn = 0.20;
	o->min_change = 0.10;
	o->superlinear = 1.1;
}

const char *trends_verdict_name(enum trends_verdict v)
{
	switch (v) {
	case TRENDS_CREEPING:
		return "creeping";
	case TRENDS_RISING:
		return "rising";
	case TRENDS_IMPROVING:
		return "improving";
	case TRENDS_SUBLINEAR:
		return "sub-linear";
	case TRENDS_LINEAR:
		return "linear";
	case TRENDS_SUPERLINEAR:
		return "super-linear";
	case TRENDS_INCONCLUSIVE:
		return "inconclusive";
	case TRENDS_STABLE:
		break;
	}
	return "stable";
}

size_t trends_min_builds(double alpha)
{
	double p = 2;
	size_t n = 1;

	/* 2 / n! falls below any alpha > 0 well before n = 30. */
	while (p >= alpha && n < 30)
		p /= (double)++n;
	return n < 2 ? 2 : n;
}

/* The largest relative step up between neighbours of x[0..n). */
static double max_step(const double *y, size_t n)
{
	double worst = 0;

	for (size_t i = 1; i < n; i++) {
		double step;

		if (y[i] <= y[i - 1])
			continue;
		step = y[i - 1] > 0 ? y[i] / y[i - 1] - 1 : INFINITY;
		if (step > worst)
			worst = step;
	}
	return worst;
}

int trends_measure(const double *y, size_t builds, struct trends_judgement *j)
{
	double *x = xcalloc(3 * (builds ? builds : 1), sizeof(*x));
	double *v = x + builds, *sorted = v + builds;
	struct trend t;
	size_t n = 0;
	int rc = -1;

	*j = (struct trends_judgement){ .slope = NAN,
					.median = NAN,
					.p_raw = 1,
					.p_value = 1,
					.exponent = NAN,
					.r2 = NAN };
	for (size_t i = 0; i < builds; i++)
		if (!isnan(y[i])) {
			x[n] = (double)i;
			v[n] = sorted[n] = y[i];
			n++;
		}
	j->n = n;
	j->median = stats_median(sorted, n);
	j->max_step = max_step(v, n);
	if (n < 2) {
		rc = 0;
		goto cleanup;
	}
	if (stats_trend(x, v, n, 0.95, &t))
		goto cleanup;
	j->slope = t.slope;
	j->p_raw = j->p_value = t.p_value;
	if (j->slope == 0)
		j->change = 0;
	else if (j->median > 0)
		j->change = j->slope * (x[n - 1] - x[0]) / j->median;
	else
		j->change = j->slope > 0 ? INFINITY : -INFINITY;
	rc = 0;
cleanup:
	free(x);
	return rc;
}

static enum trends_verdict verdict(const struct trends_judgement *j,
				   const struct trends_options *o)
{
	if (j->n < TRENDS_MIN_POINTS || !(j->p_value < o->alpha))
		return TRENDS_STABLE;
	if (j->slope > 0 && j->change >= o->min_change)
		return j->max_step < o->warn ? TRENDS_CREEPING : TRENDS_RISING;
	if (j->slope < 0 && j->change <= -o->min_change)
		return TRENDS_IMPROVING;
	return TRENDS_STABLE;
}

static int by_p(const void *a, const void *b, void *ctx)
{
	const struct trends_judgement *j = ctx;
	double pa = j[*(const size_t *)a].p_raw,
	       pb = j[*(const size_t *)b].p_raw;

	return pa < pb ? -1 : pa > pb;
}

void trends_adjust(struct trends_judgement *j, size_t n,
		   const struct trends_options *o)
{
	size_t *order = xcalloc(n ? n : 1, sizeof(*order)), m = 0;
	double running = 0;

	for (size_t i = 0; i < n; i++) {
		j[i].p_value = 1;
		if (j[i].n >= TRENDS_MIN_POINTS)
			order[m++] = i;
	}
	sort_r(order, m, sizeof(*order), by_p, j);
	/* Holm: the k-th smallest p times (m - k), never below the one
	 * before it, at most 1. */
	for (size_t k = 0; k < m; k++) {
		double p = j[order[k]].p_raw * (double)(m - k);

		running = fmax(running, fmin(1, p));
		j[order[k]].p_value = running;
	}
	for (size_t i = 0; i < n; i++)
		j[i].verdict = verdict(&j[i], o);
	free(order);
}

void trends_scaling(const double *x, const double *y, size_t builds,
		    const struct trends_options *o, struct trends_judgement *j)
{
	struct loglog_fit f;
	size_t n = 0;

	for (size_t i = 0; i < builds; i++)
		n += !isnan(x[i]) && !isnan(y[i]) && x[i] > 0 && y[i] > 0;
	j->n = n;
	j->verdict = TRENDS_STABLE;
	j->exponent = j->r2 = NAN;
	if (n < TRENDS_MIN_POINTS)
		return;
	/* teststat_loglog skips the points with x or y <= 0; NaN fails
	 * both tests, so it skips the absent ones too. */
	teststat_loglog(x, y, builds, &f);
	j->exponent = f.exponent;
	j->r2 = f.r2;
	if (isnan(f.exponent))
		return;
	if (f.r2 < TRENDS_MIN_R2)
		j->verdict = TRENDS_INCONCLUSIVE;
	else if (f.exponent > o->superlinear)
		j->verdict = TRENDS_SUPERLINEAR;
	else if (f.exponent < 2 - o->superlinear)
		j->verdict = TRENDS_SUBLINEAR;
	else
		j->verdict = TRENDS_LINEAR;
}

/* Worse first: the verdict a series is summed up by. */
static int rank(enum trends_verdict v)
{
	switch (v) {
	case TRENDS_RISING:
		return 6;
	case TRENDS_CREEPING:
		return 5;
	case TRENDS_SUPERLINEAR:
		return 4;
	case TRENDS_IMPROVING:
		return 3;
	case TRENDS_LINEAR:
		return 2;
	case TRENDS_SUBLINEAR:
		return 1;
	case TRENDS_INCONCLUSIVE:
	case TRENDS_STABLE:
		break;
	}
	return 0;
}

/* Each build's value of x_key into r->x. */
static int label_values(const struct metric_set *s, const char *key,
			struct trends_result *r)
{
	r->x = xcalloc(s->runs ? s->runs : 1, sizeof(*r->x));
	for (size_t b = 0; b < s->runs; b++) {
		int rc = label_number(s->label[b], key, &r->x[b]);

		if (rc == -1)
			return error(
				"%s: no label %s (run it with PERFSHIM_LABEL=%s=N)",
				s->path[b], key, key);
		if (rc || !(r->x[b] > 0))
			return error("%s: label %s is not a number above 0",
				     s->path[b], key);
	}
	for (size_t b = 1; b < s->runs; b++)
		if (r->x[b] != r->x[0])
			return 0;
	return error("every build has the same %s: nothing to fit against",
		     key);
}

static int judge_all(const struct metric_set *s, const struct trends_options *o,
		     struct trends_result *r)
{
	for (size_t i = 0; i < s->n; i++) {
		if (trends_measure(s->m[i].v, s->runs, &r->j[i]))
			return error("out of memory");
		if (r->x_key)
			trends_scaling(r->x, s->m[i].v, s->runs, o, &r->j[i]);
	}
	if (!r->x_key)
		trends_adjust(r->j, s->n, o);
	return 0;
}

int trends_collect(const struct metric_set *s, const struct trends_options *o,
		   const char *x_key, struct trends_result *r)
{
	size_t need = x_key ? TRENDS_MIN_POINTS : trends_min_builds(o->alpha);

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->x_key = x_key;
	r->alpha = o->alpha;
	if (s->runs < need) {
		if (x_key)
			return error("%zu builds: a fit needs at least %zu",
				     s->runs, need);
		return error(
			"%zu builds: a trend needs at least %zu at alpha %g (the smallest p-value of n builds is 2/n!)",
			s->runs, need, o->alpha);
	}
	r->j = xcalloc(s->n ? s->n : 1, sizeof(*r->j));
	if ((x_key && label_values(s, x_key, r)) || judge_all(s, o, r)) {
		trends_result_release(r);
		return -1;
	}
	r->worst = x_key ? TRENDS_LINEAR : TRENDS_STABLE;
	for (size_t i = 0; i < s->n; i++) {
		enum trends_verdict v = r->j[i].verdict;

		if (r->j[i].n < TRENDS_MIN_POINTS)
			continue;
		r->judged++;
		if (rank(v) > rank(r->worst))
			r->worst = v;
		r->failed |= v == TRENDS_CREEPING || v == TRENDS_RISING ||
			     v == TRENDS_SUPERLINEAR;
	}
	return 0;
}

void trends_result_release(struct trends_result *r)
{
	free(r->x);
	free(r->j);
	memset(r, 0, sizeof(*r));
}
