/*
 * diff.h - the verdict of perfanalyze diff: is the new build slower,
 * hungrier or leakier than the base, and is the difference real or noise?
 *
 * It judges the program's metrics, the sites' (calls, bytes, leaked),
 * the functions' CPU (cpu_time, cpu_share), and the zones' and the
 * instrumented functions' calls, p50, p95 and p99 (metrics.h). Each is
 * judged on its own, the base against the new, both over their runs:
 *
 *  - A count (calls, allocations, bytes, leaks; not rss_peak) that is the
 *    same in every run of each side is compared exactly: any change is a
 *    row, "regression" from fail_pct up, "warning" from warn_pct up,
 *    "improved" from warn_pct down, else "changed". p_value is NAN.
 *  - Anything else is noisy and compared with statistics: the
 *    Mann-Whitney U test over the runs' values, and for cpu_share the
 *    two-proportion test on the samples pooled over the runs as well
 *    (the larger p-value of the two counts: samples clump). The
 *    p-values of one family (one scope and name: every function's
 *    cpu_time, every zone's p99, ...) are adjusted with Holm's step-down
 *    method, so that hundreds of functions do not make false alarms.
 *    A noisy metric is judged when its adjusted p-value is below alpha,
 *    and then by the change its bootstrap interval vouches for: the
 *    interval of the ratio of the medians (confidence 1 - alpha / m,
 *    Bonferroni over the m noisy metrics judged), at its end nearest to
 *    no change. "warning" when even that end is warn_pct worse,
 *    "regression" when it is fail_pct worse, "improved" when warn_pct
 *    better, anything else "ok". A tail percentile of five runs jumps
 *    between two levels on a loaded machine (preempted calls or not),
 *    and the medians of two such sets can be wholly apart, 2x apart,
 *    with no change at all: only a shift the interval holds past the
 *    threshold is one (20 A/A comparisons under a load of 2 on 2 CPUs
 *    gave 1-3 false warnings and a false regression by the medians).
 *    A function's cpu_share stands only when its cpu_time moved the same
 *    way: a share also falls when another function grows.
 *  - With too few runs for the test to ever reach alpha (fewer than 4 a
 *    side at 0.05; one run a side always), a noisy metric cannot be
 *    judged: past warn_pct it is "inconclusive", never a regression.
 *  - A function's CPU below the floor (DIFF_CPU_FLOOR_SAMPLES pooled
 *    samples and DIFF_CPU_FLOOR_SHARE of all, on both sides) is too
 *    small to judge: it is left out (a handful of samples moves by 50%
 *    from one run to the next).
 *  - A metric that one side has in no run is "new" or "gone". A new leak
 *    site is a regression when every new run has it (a warning when only
 *    some do); a gone one is an improvement; other new or gone sites and
 *    functions (renamed code, too) are told, not judged.
 *
 * The change is (median new - median base) / median base, in percent
 * (NAN when the base is 0 and the new is not: "new from nothing").
 */
#ifndef PERFSHIM_DIFF_H
#define PERFSHIM_DIFF_H

#include <stddef.h>

#include "metrics.h"

#define DIFF_CPU_FLOOR_SAMPLES 10
#define DIFF_CPU_FLOOR_SHARE 0.01

struct diff_options {
	double warn_pct, fail_pct; /* thresholds of the change (20, 50) */
	double alpha;		   /* significance level (0.05) */
};

/* diff_options_init - the defaults: 20%, 50%, alpha 0.05. */
void diff_options_init(struct diff_options *o);

/* A row's verdict, least to most severe as the table orders them. */
enum diff_verdict {
	DIFF_OK,	   /* the same, or too little change to tell */
	DIFF_CHANGED,	   /* an exact count moved, under warn_pct */
	DIFF_INCONCLUSIVE, /* past warn_pct, too few runs to tell */
	DIFF_GONE,	   /* in the base only */
	DIFF_NEW,	   /* in the new only */
	DIFF_IMPROVED,
	DIFF_WARNING,
	DIFF_REGRESSION,
	DIFF_VERDICTS
};

struct diff_row {
	enum metric_scope scope;
	const char *where, *name; /* the metric's */
	enum metric_unit unit;
	double base, new;  /* medians over the runs; NAN: absent */
	double change_pct; /* NAN: not defined (absent, or from 0) */
	double p_value;	   /* Holm-adjusted; NAN: exact or not tested */
	/* A noisy change's interval, in percent (from the bootstrap
	 * interval of the ratio); NAN: exact or not tested. */
	double change_lo_pct, change_hi_pct;
	enum diff_verdict verdict;
};

struct diff_result {
	struct diff_row *row; /* every metric, most severe first */
	size_t n;
	size_t count[DIFF_VERDICTS]; /* rows of each verdict */
	/* The whole: regression, warning, improved or ok. */
	enum diff_verdict verdict;
	size_t runs_base, runs_new;
	const char *exe_base, *exe_new; /* the sets' */
	int mismatched;			/* different programs (warned) */
	struct diff_options opt;
};

/*
 * diff_judge - judge new against base into r. Prints nothing but the
 * warning about different programs. Strings of r point into the sets:
 * keep them until r is released. Returns 0 (out of memory dies).
 */
int diff_judge(const struct metric_set *base, const struct metric_set *new,
	       const struct diff_options *o, struct diff_result *r);

/* diff_result_release - free the rows; r is left empty. */
void diff_result_release(struct diff_result *r);

/*
 * diff_verdict_name - "ok", "changed", "inconclusive", "gone", "new",
 * "improved", "warning", "regression".
 */
const char *diff_verdict_name(enum diff_verdict v);

#endif /* PERFSHIM_DIFF_H */
