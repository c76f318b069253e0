/*
 * t_diff.c - the diff verdict on metric sets of known values: exact
 * counts, noisy metrics over runs, too few runs, new and gone sites, the
 * CPU floor, shares that follow times, Holm's adjustment, the whole.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "metrics.h"
#include "tap.h"

#define RUNS 5

/* Set metric (sc, where, name) of s to v[0..s->runs); NAN: absent. */
static struct metric *put(struct metric_set *s, enum metric_scope sc,
			  const char *where, const char *name,
			  enum metric_unit u, const double *v)
{
	struct metric *m = metrics_put(s, sc, where, name, u);

	for (size_t r = 0; r < s->runs; r++)
		m->v[r] = v[r];
	return m;
}

/* The row of (sc, where, name) in r, or NULL. */
static const struct diff_row *row(const struct diff_result *r,
				  enum metric_scope sc, const char *where,
				  const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->row[i].scope == sc && !strcmp(r->row[i].where, where) &&
		    !strcmp(r->row[i].name, name))
			return &r->row[i];
	return NULL;
}

static const char *verdict(const struct diff_result *r, enum metric_scope sc,
			   const char *where, const char *name)
{
	const struct diff_row *d = row(r, sc, where, name);

	return d ? diff_verdict_name(d->verdict) : "none";
}

/* Two sets of runs of one program "prog". */
static void sets(struct metric_set *a, struct metric_set *b, size_t na,
		 size_t nb)
{
	metrics_init(a, na);
	metrics_init(b, nb);
	a->exe = strdup("/x/prog");
	b->exe = strdup("/y/prog");
}

static void judge(struct metric_set *a, struct metric_set *b,
		  struct diff_result *r)
{
	struct diff_options o;

	diff_options_init(&o);
	diff_judge(a, b, &o, r);
}

static void test_exact(void)
{
	static const struct {
		double base, new;
		const char *verdict;
	} c[] = {
		{ 500, 500, "ok" },	    { 500, 550, "changed" },
		{ 500, 600, "warning" },    { 500, 800, "regression" },
		{ 500, 350, "improved" },   { 500, 749, "warning" },
		{ 500, 750, "regression" }, { 0, 10, "regression" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct metric_set a, b;
		struct diff_result r;
		double va[RUNS], vb[RUNS];

		for (size_t k = 0; k < RUNS; k++)
			va[k] = c[i].base, vb[k] = c[i].new;
		sets(&a, &b, RUNS, RUNS);
		put(&a, METRIC_SITE, "make", "calls", METRIC_COUNT, va);
		put(&b, METRIC_SITE, "make", "calls", METRIC_COUNT, vb);
		judge(&a, &b, &r);
		ok(!strcmp(verdict(&r, METRIC_SITE, "make", "calls"),
			   c[i].verdict),
		   "exact count %g -> %g: %s", c[i].base, c[i].new,
		   c[i].verdict);
		ok(r.n == 1 && isnan(r.row[0].p_value), "exact: no p-value");
		diff_result_release(&r);
		metrics_release(&a);
		metrics_release(&b);
	}
}

static void test_noisy(void)
{
	static const double base[RUNS] = { 100, 102, 98, 101, 99 };
	static const double up[RUNS] = { 160, 163, 158, 161, 159 };
	static const double mixed[RUNS] = { 99, 101, 100, 98, 102 };
	static const double lo[RUNS] = { 9, 9, 9, 9, 9 };
	static const double hi[RUNS] = { 18, 18, 18, 18, 9 };
	struct metric_set a, b;
	struct diff_result r;
	const struct diff_row *d;

	sets(&a, &b, RUNS, RUNS);
	put(&a, METRIC_ZONE, "parse", "p99", METRIC_NS, base);
	put(&b, METRIC_ZONE, "parse", "p99", METRIC_NS, up);
	put(&a, METRIC_ZONE, "parse", "p50", METRIC_NS, base);
	put(&b, METRIC_ZONE, "parse", "p50", METRIC_NS, mixed);
	/*
	 * Two levels, one run of the new at the base's: Mann-Whitney alone
	 * says p = 0.02, the medians' bootstrap interval reaches 1.
	 */
	put(&a, METRIC_ZONE, "parse", "p95", METRIC_NS, lo);
	put(&b, METRIC_ZONE, "parse", "p95", METRIC_NS, hi);
	/* Noisy counts (not the same in every run): statistics too. */
	put(&a, METRIC_SITE, "grow", "calls", METRIC_COUNT, base);
	put(&b, METRIC_SITE, "grow", "calls", METRIC_COUNT, up);
	judge(&a, &b, &r);
	d = row(&r, METRIC_ZONE, "parse", "p99");
	is_str(verdict(&r, METRIC_ZONE, "parse", "p99"), "regression",
	       "a +60% shift over 5 runs a side is a regression");
	ok(d && fabs(d->p_value - 2.0 / 252) < 1e-9,
	   "its p-value: Mann-Whitney's exact 2/252");
	ok(d && fabs(d->change_pct - 60) < 1e-9, "its change: +60%%");
	is_str(verdict(&r, METRIC_ZONE, "parse", "p50"), "ok", "no shift: ok");
	is_str(verdict(&r, METRIC_ZONE, "parse", "p95"), "ok",
	       "two levels, one new run at the base's: the bootstrap says no");
	is_str(verdict(&r, METRIC_SITE, "grow", "calls"), "regression",
	       "a count that varies is judged by the statistics");
	ok(!isnan(row(&r, METRIC_SITE, "grow", "calls")->p_value),
	   "with a p-value");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

/*
 * The change the interval vouches for decides: a p95 that jumps between
 * two levels (the A/A comparison that read +100% by the medians, with
 * every new run above every base run, on a loaded machine) is ok; a
 * shift that holds past the threshold in every resample is a warning.
 */
static void test_vouched(void)
{
	static const double a_p95[RUNS] = { 9151, 9279, 9535, 9279, 9535 };
	static const double b_p95[RUNS] = { 18559, 22143, 12479, 9663, 20351 };
	static const double base[RUNS] = { 100, 102, 98, 101, 99 };
	static const double up30[RUNS] = { 130, 132, 128, 131, 129 };
	struct metric_set a, b;
	struct diff_result r;
	const struct diff_row *d;

	sets(&a, &b, RUNS, RUNS);
	put(&a, METRIC_ZONE, "request", "p95", METRIC_NS, a_p95);
	put(&b, METRIC_ZONE, "request", "p95", METRIC_NS, b_p95);
	put(&a, METRIC_PROGRAM, "", "duration", METRIC_NS, base);
	put(&b, METRIC_PROGRAM, "", "duration", METRIC_NS, up30);
	judge(&a, &b, &r);
	d = row(&r, METRIC_ZONE, "request", "p95");
	ok(d && d->p_value < 0.05 && d->change_pct > 90,
	   "two levels: significant, +%.0f%% by the medians",
	   d ? d->change_pct : NAN);
	ok(d && d->change_lo_pct < 20 && d->change_hi_pct > d->change_pct,
	   "its interval reaches under +20%% (%.1f%% to %.1f%%)",
	   d ? d->change_lo_pct : NAN, d ? d->change_hi_pct : NAN);
	is_str(verdict(&r, METRIC_ZONE, "request", "p95"), "ok",
	       "so it is not a warning");
	d = row(&r, METRIC_PROGRAM, "", "duration");
	ok(d && d->change_lo_pct > 20 && d->change_lo_pct <= d->change_pct,
	   "a steady +30%%: the interval's near end past +20%% (%.1f%%)",
	   d ? d->change_lo_pct : NAN);
	is_str(verdict(&r, METRIC_PROGRAM, "", "duration"), "warning",
	       "a warning (not a regression: +30%% is under +50%%)");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

/* A noisy metric whose base median is 0 (a short program's CPU: no
 * sample in any run) rises in every run: a regression from nothing, not
 * "ok" for want of a ratio. The same sets the other way: improved. A
 * function sampled now and then (0 in some runs) is no such change. */
/* The verdict of a program's cpu_time from runs base to runs new. */
static const char *cpu_verdict(const double *base, const double *new)
{
	static char v[32];
	struct metric_set a, b;
	struct diff_result r;

	sets(&a, &b, RUNS, RUNS);
	put(&a, METRIC_PROGRAM, "", "cpu_time", METRIC_NS, base);
	put(&b, METRIC_PROGRAM, "", "cpu_time", METRIC_NS, new);
	judge(&a, &b, &r);
	snprintf(v, sizeof(v), "%s",
		 verdict(&r, METRIC_PROGRAM, "", "cpu_time"));
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
	return v;
}

static void test_from_zero(void)
{
	static const double zero[RUNS] = { 0, 0, 0, 0, 0 };
	static const double rare[RUNS] = { 0, 0, 0, 1e6, 0 };
	static const double often[RUNS] = { 1e6, 1e6, 0, 1e6, 1e6 };
	static const double some[RUNS] = { 14e6, 13e6, 15e6, 14e6, 12e6 };

	is_str(cpu_verdict(zero, some), "regression",
	       "from a median of 0, significantly up: a regression");
	is_str(cpu_verdict(some, zero), "improved",
	       "down to a median of 0: improved");
	is_str(cpu_verdict(rare, often), "ok",
	       "sampled in one run, then in four: no verdict from a median of 0");
}

/* Too few runs: inconclusive past the threshold, ok under it. */
static void test_few_runs(void)
{
	static const double one_a[] = { 100 }, one_b[] = { 200 };
	static const double three_a[] = { 100, 101, 99 };
	static const double three_b[] = { 200, 201, 199 };
	static const double near[] = { 105 };
	struct metric_set a, b;
	struct diff_result r;

	sets(&a, &b, 1, 1);
	put(&a, METRIC_PROGRAM, "", "duration", METRIC_NS, one_a);
	put(&b, METRIC_PROGRAM, "", "duration", METRIC_NS, one_b);
	put(&a, METRIC_PROGRAM, "", "rss_peak", METRIC_BYTES, one_a);
	put(&b, METRIC_PROGRAM, "", "rss_peak", METRIC_BYTES, near);
	put(&a, METRIC_PROGRAM, "", "allocs", METRIC_COUNT, one_a);
	put(&b, METRIC_PROGRAM, "", "allocs", METRIC_COUNT, one_b);
	judge(&a, &b, &r);
	is_str(verdict(&r, METRIC_PROGRAM, "", "duration"), "inconclusive",
	       "one run a side: +100% is inconclusive");
	is_str(verdict(&r, METRIC_PROGRAM, "", "rss_peak"), "ok",
	       "one run a side: +5% is ok (rss_peak is noisy)");
	is_str(verdict(&r, METRIC_PROGRAM, "", "allocs"), "regression",
	       "one run a side: a count is compared exactly");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);

	sets(&a, &b, 3, 3);
	put(&a, METRIC_PROGRAM, "", "duration", METRIC_NS, three_a);
	put(&b, METRIC_PROGRAM, "", "duration", METRIC_NS, three_b);
	judge(&a, &b, &r);
	is_str(verdict(&r, METRIC_PROGRAM, "", "duration"), "inconclusive",
	       "3 runs a side cannot reach 0.05 (2/20): inconclusive");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

static void test_presence(void)
{
	static const double n = NAN;
	const double all[RUNS] = { 144, 144, 144, 144, 144 };
	const double some[RUNS] = { 144, n, n, 144, n };
	const double none[RUNS] = { n, n, n, n, n };
	const double calls[RUNS] = { 3, 3, 3, 3, 3 };
	struct metric_set a, b;
	struct diff_result r;

	sets(&a, &b, RUNS, RUNS);
	put(&a, METRIC_SITE, "old", "leaked", METRIC_BYTES, all);
	put(&b, METRIC_SITE, "old", "leaked", METRIC_BYTES, none);
	put(&b, METRIC_SITE, "always", "leaked", METRIC_BYTES, all);
	put(&b, METRIC_SITE, "sometimes", "leaked", METRIC_BYTES, some);
	put(&b, METRIC_SITE, "always", "calls", METRIC_COUNT, calls);
	put(&a, METRIC_SITE, "renamed", "calls", METRIC_COUNT, calls);
	judge(&a, &b, &r);
	is_str(verdict(&r, METRIC_SITE, "always", "leaked"), "regression",
	       "a new leak site in every run: a regression");
	ok(isnan(row(&r, METRIC_SITE, "always", "leaked")->base) &&
		   row(&r, METRIC_SITE, "always", "leaked")->new == 144,
	   "base absent, new its bytes");
	is_str(verdict(&r, METRIC_SITE, "sometimes", "leaked"), "warning",
	       "a new leak site in some runs: a warning");
	is_str(verdict(&r, METRIC_SITE, "old", "leaked"), "improved",
	       "a leak site gone: improved");
	is_str(verdict(&r, METRIC_SITE, "always", "calls"), "new",
	       "a new site's calls: new");
	is_str(verdict(&r, METRIC_SITE, "renamed", "calls"), "gone",
	       "a site gone: gone");
	is_str(diff_verdict_name(r.verdict), "regression", "the whole");
	ok(r.row[0].verdict == DIFF_REGRESSION, "most severe first");
	ok(!r.mismatched, "the same program name in two places: no warning");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

/* A function's CPU: cpu_time, and cpu_share with its sample counts. */
static void cpu(struct metric_set *s, const char *fn, const double *ms,
		const double *all_ms)
{
	struct metric *sh =
		metrics_put(s, METRIC_FUNCTION, fn, "cpu_share", METRIC_RATIO);
	double ns[RUNS];

	sh->k = calloc(s->runs, sizeof(*sh->k));
	sh->n = calloc(s->runs, sizeof(*sh->n));
	for (size_t r = 0; r < s->runs; r++) {
		ns[r] = ms[r] * 1e6;
		sh->k[r] = (uint64_t)ms[r];
		sh->n[r] = (uint64_t)all_ms[r];
		sh->v[r] = ms[r] / all_ms[r];
	}
	put(s, METRIC_FUNCTION, fn, "cpu_time", METRIC_NS, ns);
}

static void test_cpu(void)
{
	const double burn_a[RUNS] = { 60, 61, 59, 60, 62 };
	const double burn_b[RUNS] = { 96, 97, 95, 98, 96 };
	const double other[RUNS] = { 30, 31, 29, 30, 30 };
	const double tiny_a[RUNS] = { 1, 0, 1, 0, 1 };
	const double tiny_b[RUNS] = { 2, 1, 2, 1, 2 };
	double all_a[RUNS], all_b[RUNS];
	struct metric_set a, b;
	struct diff_result r;

	for (size_t i = 0; i < RUNS; i++) {
		all_a[i] = burn_a[i] + other[i] + tiny_a[i];
		all_b[i] = burn_b[i] + other[i] + tiny_b[i];
	}
	sets(&a, &b, RUNS, RUNS);
	cpu(&a, "burn", burn_a, all_a);
	cpu(&b, "burn", burn_b, all_b);
	cpu(&a, "other", other, all_a);
	cpu(&b, "other", other, all_b);
	cpu(&a, "tiny", tiny_a, all_a);
	cpu(&b, "tiny", tiny_b, all_b);
	judge(&a, &b, &r);
	is_str(verdict(&r, METRIC_FUNCTION, "burn", "cpu_time"), "regression",
	       "the function that grew by 60%");
	is_str(verdict(&r, METRIC_FUNCTION, "other", "cpu_time"), "ok",
	       "the one that did not");
	is_str(verdict(&r, METRIC_FUNCTION, "other", "cpu_share"), "ok",
	       "its share fell, but its time did not: ok, not improved");
	is_str(verdict(&r, METRIC_FUNCTION, "tiny", "cpu_time"), "none",
	       "under 10 samples on both sides: not judged");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

/*
 * Sampled CPU in steps of one timer signal (4 ms: 1 kHz on a 250 Hz
 * tick): 10 ms of work is 8 ms in some runs and 12 in others. Five runs
 * of each, no change; 60 -> 96 ms is one. Without the step (a set not
 * read from traces) 8 -> 12 is what the runs say, +50%.
 */
static void test_sampled_step(void)
{
	const double spin_a[RUNS] = { 8, 8, 8, 8, 8 };
	const double spin_b[RUNS] = { 12, 12, 12, 12, 12 };
	const double burn_a[RUNS] = { 60, 60, 64, 60, 56 };
	const double burn_b[RUNS] = { 96, 96, 92, 100, 96 };
	double all_a[RUNS], all_b[RUNS];
	struct metric_set a, b;
	struct diff_result r;

	for (int step = 0; step < 2; step++) {
		for (size_t i = 0; i < RUNS; i++) {
			all_a[i] = spin_a[i] + burn_a[i];
			all_b[i] = spin_b[i] + burn_b[i];
		}
		sets(&a, &b, RUNS, RUNS);
		if (step) {
			a.cpu_step_ns = calloc(RUNS, sizeof(double));
			b.cpu_step_ns = calloc(RUNS, sizeof(double));
			for (size_t i = 0; i < RUNS; i++)
				a.cpu_step_ns[i] = b.cpu_step_ns[i] = 4e6;
			b.cpu_step_ns[2] = 0; /* a run without samples */
		}
		cpu(&a, "spin", spin_a, all_a);
		cpu(&b, "spin", spin_b, all_b);
		cpu(&a, "burn", burn_a, all_a);
		cpu(&b, "burn", burn_b, all_b);
		judge(&a, &b, &r);
		is_str(verdict(&r, METRIC_FUNCTION, "spin", "cpu_time"),
		       step ? "ok" : "regression",
		       step ? "8 -> 12 ms in 4 ms steps: one step, no change"
			    : "8 -> 12 ms without the step: +50%");
		const char *v =
			verdict(&r, METRIC_FUNCTION, "burn", "cpu_time");

		ok(!strcmp(v, "warning") || !strcmp(v, "regression"),
		   step ? "60 -> 96 ms in 4 ms steps: still worse (%s)"
			: "60 -> 96 ms: worse (%s)",
		   v);
		diff_result_release(&r);
		metrics_release(&a);
		metrics_release(&b);
	}
}

/* Ten zones that each moved: Holm's adjustment needs more runs. */
static void test_holm(void)
{
	static const double base[RUNS] = { 100, 102, 98, 101, 99 };
	static const double up[RUNS] = { 160, 163, 158, 161, 159 };
	struct metric_set a, b;
	struct diff_result r;
	char name[16];
	size_t flagged = 0;

	sets(&a, &b, RUNS, RUNS);
	for (int z = 0; z < 3; z++) {
		snprintf(name, sizeof(name), "z%d", z);
		put(&a, METRIC_ZONE, name, "p99", METRIC_NS, base);
		put(&b, METRIC_ZONE, name, "p99", METRIC_NS, up);
	}
	judge(&a, &b, &r);
	is_uint(r.count[DIFF_REGRESSION], 3,
		"3 zones: 3 x 2/252 < 0.05, each a regression");
	diff_result_release(&r);
	for (int z = 3; z < 10; z++) {
		snprintf(name, sizeof(name), "z%d", z);
		put(&a, METRIC_ZONE, name, "p99", METRIC_NS, base);
		put(&b, METRIC_ZONE, name, "p99", METRIC_NS, up);
	}
	judge(&a, &b, &r);
	for (size_t i = 0; i < r.n; i++)
		flagged += r.row[i].verdict != DIFF_OK;
	is_uint(flagged, 0, "10 zones: 10 x 2/252 > 0.05, none (5 runs)");
	ok(fabs(r.row[0].p_value - 20.0 / 252) < 1e-9,
	   "the adjusted p-value: 10 x 2/252");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

static void test_mismatch(void)
{
	struct metric_set a, b;
	struct diff_result r;

	sets(&a, &b, 1, 1);
	free(b.exe);
	b.exe = strdup("/x/other");
	capture_start();
	judge(&a, &b, &r);
	is_str(capture_end(),
	       "perfanalyze: warning: comparing different programs: /x/prog and /x/other\n",
	       "different programs: one warning");
	ok(r.mismatched && r.verdict == DIFF_OK, "and a verdict still");
	diff_result_release(&r);
	metrics_release(&a);
	metrics_release(&b);
}

int main(void)
{
	test_exact();
	test_noisy();
	test_from_zero();
	test_vouched();
	test_few_runs();
	test_presence();
	test_cpu();
	test_sampled_step();
	test_holm();
	test_mismatch();
	done_testing();
	return exit_status();
}
