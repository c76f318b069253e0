/* diff.c - judge a new build's metrics against the base's (see diff.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "error.h"
#include "hashtab.h"
#include "stats.h"
#include "teststat.h"

void diff_options_init(struct diff_options *o)
{
	o->warn_pct = 20;
	o->fail_pct = 50;
	o->alpha = 0.05;
}

const char *diff_verdict_name(enum diff_verdict v)
{
	static const char *const names[] = { "ok",	     "changed",
					     "inconclusive", "gone",
					     "new",	     "improved",
					     "warning",	     "regression" };

	return names[v];
}

/* One metric of both sides: the values each run has, and the test's. */
struct side {
	const struct metric *m; /* NULL: this side never has it */
	double *v;		/* the runs' values that are there */
	size_t n;
	uint64_t k, all; /* cpu_share: pooled samples */
};

/* A row with its family and raw p-value, before Holm's adjustment. */
struct judged {
	struct diff_row row;
	double p_raw;	  /* NAN: not tested */
	struct side a, b; /* kept for the bootstrap (noisy rows) */
	double step;	  /* cpu_time: the sampler's step (sampled_step) */
};

#define BOOT_RESAMPLES 2000

/*
 * The metrics diff judges (the others stay in the set, for budgets): a
 * maximum is one outlier, and p90, total and self say what p95, p99 and
 * the CPU say already; each judged family more is one more chance of a
 * false alarm.
 */
static int judged_metric(const struct metric *m)
{
	static const char *const zone[] = { "calls", "p50", "p95", "p99" };

	if (m->scope == METRIC_PROGRAM || m->scope == METRIC_SITE)
		return 1;
	if (m->scope == METRIC_FUNCTION &&
	    (!strcmp(m->name, "cpu_time") || !strcmp(m->name, "cpu_share")))
		return 1;
	for (size_t i = 0; i < sizeof(zone) / sizeof(zone[0]); i++)
		if (!strcmp(m->name, zone[i]))
			return 1;
	return 0;
}

/* Counts may be exact; times, shares and the resident set never are. */
static int countlike(const struct metric *m)
{
	return (m->unit == METRIC_COUNT || m->unit == METRIC_BYTES) &&
	       strcmp(m->name, "rss_peak");
}

static void side_fill(struct side *sd, const struct metric *m, size_t runs)
{
	memset(sd, 0, sizeof(*sd));
	sd->m = m;
	sd->v = xcalloc(runs + 1, sizeof(*sd->v));
	for (size_t r = 0; m && r < runs; r++) {
		if (isnan(m->v[r]))
			continue;
		sd->v[sd->n++] = m->v[r];
		if (m->k) {
			sd->k += m->k[r];
			sd->all += m->n[r];
		}
	}
	if (!sd->n)
		sd->m = NULL;
}

static int all_same(const double *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

static double median_of(const double *v, size_t n)
{
	double *c = xcalloc(n + 1, sizeof(*c)), med;

	memcpy(c, v, n * sizeof(*c));
	med = stats_median(c, n);
	free(c);
	return med;
}

/* The verdict of a change that is real (exact, or significant). */
static enum diff_verdict by_size(double change, const struct diff_options *o,
				 int exact)
{
	if (isnan(change) || change >= o->fail_pct)
		return DIFF_REGRESSION; /* NAN: from nothing to something */
	if (change >= o->warn_pct)
		return DIFF_WARNING;
	if (change <= -o->warn_pct)
		return DIFF_IMPROVED;
	return exact && change != 0 ? DIFF_CHANGED : DIFF_OK;
}

static double change_pct(double base, double new)
{
	if (base == new)
		return 0;
	return base > 0 ? (new - base) / base * 100 : NAN;
}

/*
 * A function's CPU with too few samples on both sides to judge: the
 * pooled samples of its cpu_share metric, in either set.
 */
static int below_cpu_floor(const struct metric_set *a,
			   const struct metric_set *b, const struct metric *m)
{
	const struct metric_set *sets[2] = { a, b };

	if (m->scope != METRIC_FUNCTION ||
	    (strcmp(m->name, "cpu_time") && strcmp(m->name, "cpu_share")))
		return 0;
	for (size_t i = 0; i < 2; i++) {
		const struct metric *s = metrics_find(sets[i], METRIC_FUNCTION,
						      m->where, "cpu_share");
		uint64_t k = 0, n = 0;

		for (size_t r = 0; s && r < sets[i]->runs; r++) {
			k += s->k ? s->k[r] : 0;
			n += s->n ? s->n[r] : 0;
		}
		if (k >= DIFF_CPU_FLOOR_SAMPLES &&
		    (double)k >= DIFF_CPU_FLOOR_SHARE * (double)n)
			return 0;
	}
	return 1;
}

/*
 * The step a sampled cpu_time moves in, in ns: the largest of either
 * set's runs (metric_set.cpu_step_ns); 0 for other metrics, or without
 * it. Work that takes 2.5 steps shows as 2 in some runs and 3 in
 * others, by the phase of the kernel's tick, so five runs can show 2
 * and five 3 with nothing changed: +50% for Mann-Whitney and the
 * bootstrap alike, and on this machine's 250 Hz tick a function of
 * 10 ms of CPU did (t0811).
 */
static double sampled_step(const struct metric_set *a,
			   const struct metric_set *b, const struct metric *m)
{
	const struct metric_set *sets[2] = { a, b };
	double step = 0;

	if ((m->scope != METRIC_FUNCTION && m->scope != METRIC_PROGRAM) ||
	    strcmp(m->name, "cpu_time"))
		return 0;
	for (size_t i = 0; i < 2; i++)
		for (size_t r = 0; sets[i]->cpu_step_ns && r < sets[i]->runs;
		     r++)
			step = fmax(step, sets[i]->cpu_step_ns[r]);
	return step;
}

/* One side has it in no run: new or gone; a leak site is judged. */
static void judge_presence(struct judged *j, const struct side *a,
			   const struct side *b, size_t runs_new)
{
	int leak =
		j->row.scope == METRIC_SITE && !strcmp(j->row.name, "leaked");

	if (!a->m) {
		j->row.new = median_of(b->v, b->n);
		j->row.verdict = DIFF_NEW;
		if (leak)
			j->row.verdict = b->n == runs_new ? DIFF_REGRESSION
							  : DIFF_WARNING;
	} else {
		j->row.base = median_of(a->v, a->n);
		j->row.verdict = leak ? DIFF_IMPROVED : DIFF_GONE;
	}
}

/*
 * The raw p-value of a noisy metric over both sides' runs. A CPU share
 * takes the larger of the proportion test's on the pooled samples and
 * Mann-Whitney's on the runs' shares: samples clump (the kernel checks
 * CPU timers on its tick, so one tick gives several samples) and runs
 * vary more than one binomial draw, which the proportion test alone
 * would take for a real difference.
 */
static double noisy_p(const struct side *a, const struct side *b)
{
	struct mann_whitney mw;
	struct proportions pr;

	if (teststat_mann_whitney(a->v, a->n, b->v, b->n, &mw))
		die("out of memory");
	if (a->m->k && b->m->k) {
		teststat_two_proportions(a->k, a->all, b->k, b->all, &pr);
		return fmax(pr.p_value, mw.p_value);
	}
	return mw.p_value;
}

/*
 * The bootstrap interval (confidence conf) of the ratio of the medians,
 * into the row's change_lo_pct and change_hi_pct. Mann-Whitney alone
 * takes two sides that each jump between two levels (a p95 between two
 * histogram buckets, a run preempted or not) for a shift; the medians'
 * interval does not. The seed comes from the metric's key, so a diff
 * repeats.
 */
static void boot_interval(struct judged *j, double conf)
{
	uint64_t seed =
		hash_str(j->row.name, hash_str(j->row.where, HASH_STR_SEED));
	struct ratio_ci ci;

	if (teststat_bootstrap_ratio(j->a.v, j->a.n, j->b.v, j->b.n,
				     BOOT_RESAMPLES, conf, seed, &ci))
		die("out of memory");
	j->row.change_lo_pct = (ci.lo - 1) * 100;
	j->row.change_hi_pct = (ci.hi - 1) * 100;
}

/*
 * The interval of every tested row, its confidence Bonferroni-adjusted
 * over all of them: a diff judges a handful to hundreds of noisy
 * metrics, and a loaded machine moves some by 20% between two sets of
 * five runs.
 */
static void boot_all(struct judged *j, size_t n, double alpha)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		m += !isnan(j[i].p_raw);
	for (size_t i = 0; i < n; i++)
		if (!isnan(j[i].p_raw))
			boot_interval(&j[i], 1 - alpha / (double)m);
}

/* The smallest and the largest of a side's runs. */
static double side_min(const struct side *sd)
{
	double m = INFINITY;

	for (size_t i = 0; i < sd->n; i++)
		m = fmin(m, sd->v[i]);
	return m;
}

static double side_max(const struct side *sd)
{
	double m = 0;

	for (size_t i = 0; i < sd->n; i++)
		m = fmax(m, sd->v[i]);
	return m;
}

/*
 * The change a noisy row's interval vouches for: its end nearest to 0,
 * or 0 when it holds 0. A side whose every run is 0 (a short program's
 * cpu_time: no sample at all) leaves no ratio to bound: a rise from it
 * that every run of the other side shows is a change "from nothing"
 * (NAN, which by_size takes for a regression, as an exact count from
 * 0), a fall to it -100%; anything less clear-cut is no change (a
 * function sampled now and then moves between 0 and a sample from run
 * to run, and an A/A diff must stay quiet). A sampled time vouches
 * only for what lies beyond one step of its sampler (sampled_step).
 */
static double vouched_change(const struct judged *j)
{
	const struct diff_row *r = &j->row;

	if (side_max(&j->a) == 0)
		return side_min(&j->b) > 0 ? NAN : 0;
	if (side_max(&j->b) == 0)
		return side_min(&j->a) > 0 ? -100 : 0;
	if (isnan(r->change_lo_pct) || isnan(r->change_hi_pct))
		return 0;
	/* A sampled time: the interval a step wider at each end (of the
	 * medians' ratio: a step of the base's median). */
	double widen = j->step > 0 && r->base > 0 ? j->step / r->base * 100 : 0;

	if (r->change_lo_pct - widen > 0)
		return r->change_lo_pct - widen;
	if (r->change_hi_pct + widen < 0)
		return r->change_hi_pct + widen;
	return 0;
}

/*
 * Whether runs of n1 and n2 can show any difference at level alpha: the
 * smallest two-sided p-value of Mann-Whitney, 2 / C(n1 + n2, n1), must be
 * below it (4 runs a side at least, at 0.05).
 */
static int can_tell(size_t n1, size_t n2, double alpha)
{
	double c = 1;

	if (n1 < 2 || n2 < 2)
		return 0;
	for (size_t i = 1; i <= n1; i++)
		c = c * (double)(n2 + i) / (double)i;
	return 2 / c < alpha;
}

static void judge_one(struct judged *j, const struct side *a,
		      const struct side *b, const struct diff_result *r)
{
	const struct diff_options *o = &r->opt;

	j->row.base = j->row.new = j->row.change_pct = NAN;
	j->row.p_value = j->p_raw = NAN;
	j->row.change_lo_pct = j->row.change_hi_pct = NAN;
	if (!a->m || !b->m) {
		judge_presence(j, a, b, r->runs_new);
		return;
	}
	j->row.base = median_of(a->v, a->n);
	j->row.new = median_of(b->v, b->n);
	j->row.change_pct = change_pct(j->row.base, j->row.new);
	if (countlike(a->m) && all_same(a->v, a->n) && all_same(b->v, b->n)) {
		j->row.verdict = by_size(j->row.change_pct, o, 1);
		return;
	}
	/* Judged after Holm's adjustment (holm()); until then, ok. */
	j->row.verdict = DIFF_OK;
	if (can_tell(a->n, b->n, o->alpha))
		j->p_raw = noisy_p(a, b);
	else if (isnan(j->row.change_pct) ||
		 fabs(j->row.change_pct) >= o->warn_pct)
		j->row.verdict = DIFF_INCONCLUSIVE;
}

/* Rows of one family (scope and name) together, by raw p-value. */
static int by_family(const void *x, const void *y, void *ctx)
{
	const struct judged *p = x, *q = y;
	int c;

	(void)ctx;
	if (p->row.scope != q->row.scope)
		return p->row.scope < q->row.scope ? -1 : 1;
	if ((c = strcmp(p->row.name, q->row.name)))
		return c;
	if (isnan(p->p_raw) != isnan(q->p_raw))
		return isnan(p->p_raw) ? 1 : -1;
	return (p->p_raw > q->p_raw) - (p->p_raw < q->p_raw);
}

/*
 * Holm's step-down adjustment within each family of tested rows (sorted
 * by by_family): the i-th smallest of m p-values times (m - i), never
 * below the one before, at most 1. Then the noisy rows' verdicts.
 */
static void holm(struct judged *j, size_t n, const struct diff_options *o)
{
	for (size_t s = 0, e; s < n; s = e) {
		size_t m = 0;
		double run = 0;

		for (e = s; e < n && j[e].row.scope == j[s].row.scope &&
			    !strcmp(j[e].row.name, j[s].row.name);
		     e++)
			m += !isnan(j[e].p_raw);
		for (size_t i = s; i < s + m; i++) {
			double adj = j[i].p_raw * (double)(m - (i - s));

			run = fmax(run, fmin(1, adj));
			j[i].row.p_value = run;
			if (run < o->alpha)
				j[i].row.verdict =
					by_size(vouched_change(&j[i]), o, 0);
		}
	}
}

static int worse(enum diff_verdict v)
{
	return v == DIFF_WARNING || v == DIFF_REGRESSION;
}

/*
 * A function's share of the CPU moves when another function's time does:
 * its cpu_share stands only when its own cpu_time moved the same way.
 */
static void shares_follow_times(struct judged *j, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct diff_row *s = &j[i].row;
		enum diff_verdict t = DIFF_OK;

		if (s->scope != METRIC_FUNCTION ||
		    strcmp(s->name, "cpu_share") ||
		    !(worse(s->verdict) || s->verdict == DIFF_IMPROVED))
			continue;
		for (size_t k = 0; k < n; k++)
			if (j[k].row.scope == METRIC_FUNCTION &&
			    !strcmp(j[k].row.name, "cpu_time") &&
			    !strcmp(j[k].row.where, s->where))
				t = j[k].row.verdict;
		if (worse(s->verdict) ? !worse(t) : t != DIFF_IMPROVED)
			s->verdict = DIFF_OK;
	}
}

/* Most severe first, then the largest change. */
static int by_severity(const void *x, const void *y, void *ctx)
{
	const struct diff_row *p = x, *q = y;
	double a = fabs(p->change_pct), b = fabs(q->change_pct);

	(void)ctx;
	if (p->verdict != q->verdict)
		return p->verdict > q->verdict ? -1 : 1;
	a = isnan(a) ? INFINITY : a;
	b = isnan(b) ? INFINITY : b;
	if (a != b)
		return a > b ? -1 : 1;
	if (p->scope != q->scope)
		return p->scope < q->scope ? -1 : 1;
	return strcmp(p->where, q->where);
}

/* Judge metric m (of either set) into j, unless it is too small. */
static int judge_metric(struct judged *j, const struct metric_set *base,
			const struct metric_set *new, const struct metric *m,
			const struct diff_result *r)
{
	if (!judged_metric(m) || below_cpu_floor(base, new, m))
		return 0;
	memset(j, 0, sizeof(*j));
	j->row = (struct diff_row){ .scope = m->scope,
				    .where = m->where,
				    .name = m->name,
				    .unit = m->unit };
	side_fill(&j->a, metrics_find(base, m->scope, m->where, m->name),
		  base->runs);
	side_fill(&j->b, metrics_find(new, m->scope, m->where, m->name),
		  new->runs);
	j->step = sampled_step(base, new, m);
	judge_one(j, &j->a, &j->b, r);
	return 1;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int diff_judge(const struct metric_set *base, const struct metric_set *new,
	       const struct diff_options *o, struct diff_result *r)
{
	struct judged *j = xcalloc(base->n + new->n + 1, sizeof(*j));
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	r->opt = *o;
	r->runs_base = base->runs;
	r->runs_new = new->runs;
	r->exe_base = base->exe ? base->exe : "";
	r->exe_new = new->exe ? new->exe : "";
	/* Another build's program may sit elsewhere: names must match. */
	if (strcmp(base_name(r->exe_base), base_name(r->exe_new))) {
		r->mismatched = 1;
		warning("comparing different programs: %s and %s", r->exe_base,
			r->exe_new);
	}
	for (size_t i = 0; i < base->n; i++)
		n += judge_metric(&j[n], base, new, &base->m[i], r);
	for (size_t i = 0; i < new->n; i++)
		if (!metrics_find(base, new->m[i].scope, new->m[i].where,
				  new->m[i].name))
			n += judge_metric(&j[n], base, new, &new->m[i], r);
	boot_all(j, n, o->alpha);
	sort_r(j, n, sizeof(*j), by_family, NULL);
	holm(j, n, o);
	shares_follow_times(j, n);
	r->row = xcalloc(n + 1, sizeof(*r->row));
	for (size_t i = 0; i < n; i++) {
		r->row[i] = j[i].row;
		free(j[i].a.v);
		free(j[i].b.v);
	}
	r->n = n;
	free(j);
	sort_r(r->row, r->n, sizeof(*r->row), by_severity, NULL);
	for (size_t i = 0; i < r->n; i++)
		r->count[r->row[i].verdict]++;
	r->verdict = r->count[DIFF_REGRESSION] ? DIFF_REGRESSION
		     : r->count[DIFF_WARNING]  ? DIFF_WARNING
		     : r->count[DIFF_IMPROVED] ? DIFF_IMPROVED
					       : DIFF_OK;
	return 0;
}

void diff_result_release(struct diff_result *r)
{
	free(r->row);
	memset(r, 0, sizeof(*r));
}
