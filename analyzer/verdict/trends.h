/*
 * trends.h - the trend verdict over a series of builds: does a metric
 * creep up a little with every build, and how does it scale with the
 * size of the work? Pure functions of their input; no printing.
 *
 * Every metric judged is a cost (bytes, calls, time): up is worse.
 *
 * Over builds (x = the build's place in the series), per metric:
 *   the Theil-Sen slope (per build) and the Mann-Kendall test (stats.h),
 *   on the builds that have the metric (NaN: absent, left out);
 *   the p-values of all the metrics of one series adjusted together
 *   (Holm 1979), so that a series of flat, noisy metrics is flagged no
 *   more often than alpha however many metrics it has;
 *   the change: the fitted rise over the series, slope x (last - first
 *   build), relative to the median value;
 *   the largest step up: y[i] / y[i-1] - 1 between neighbouring builds
 *   present (from 0 to more: infinite).
 * Verdicts:
 *   CREEPING   significant (adjusted p < alpha), slope > 0, change >=
 *              min_change, and every step up below warn: no comparison
 *              of two neighbouring builds would have warned;
 *   RISING     the same, but some step alone reached warn (that step
 *              is a regression a diff of those two builds shows);
 *   IMPROVING  significant, slope < 0, change <= -min_change;
 *   STABLE     anything else.
 *
 * Scaling (x = a numeric label of each build, e.g. the input size): the
 * least-squares fit of log y on log x (teststat_loglog). When the fit
 * explains less than TRENDS_MIN_R2 of the variance of log y (noise: the
 * time of a run too short, the sizes too close), INCONCLUSIVE; else an
 * exponent above superlinear (default 1.1) is SUPERLINEAR, below
 * 2 - superlinear SUBLINEAR, else LINEAR.
 */
#ifndef PERFSHIM_TRENDS_H
#define PERFSHIM_TRENDS_H

#include <stddef.h>

#include "metrics.h"

enum trends_verdict {
	TRENDS_STABLE,
	TRENDS_CREEPING,
	TRENDS_RISING,
	TRENDS_IMPROVING,
	TRENDS_SUBLINEAR,
	TRENDS_LINEAR,
	TRENDS_SUPERLINEAR,
	TRENDS_INCONCLUSIVE,
};

/* The least r2 of a log-log fit whose exponent is judged. */
#define TRENDS_MIN_R2 0.8

struct trends_options {
	double alpha;	    /* family-wise significance level (0.05) */
	double warn;	    /* a step up this large warns (0.20) */
	double min_change;  /* smallest rise over the series (0.10) */
	double superlinear; /* exponent above which scaling is (1.1) */
};

/* trends_options_init - the defaults above. */
void trends_options_init(struct trends_options *o);

/* Fewest points (builds with the metric) a metric is judged on. */
#define TRENDS_MIN_POINTS 3

struct trends_judgement {
	size_t n;	 /* builds with the metric */
	double median;	 /* of its values */
	double slope;	 /* Theil-Sen, per build; NaN when n < 2 */
	double change;	 /* fitted rise over the series / median */
	double max_step; /* the largest step up, relative; 0: none */
	double p_raw;	 /* Mann-Kendall, two-sided */
	double p_value;	 /* adjusted over the series (trends_adjust) */
	double exponent; /* scaling only: of the log-log fit; NaN: none */
	double r2;	 /* scaling only: of that fit */
	enum trends_verdict verdict;
};

/*
 * trends_measure - fill j from y[0..builds) (NaN: absent) but for the
 * adjusted p-value and the verdict (p_value = p_raw, verdict STABLE).
 * Returns 0, or -1 when out of memory.
 */
int trends_measure(const double *y, size_t builds, struct trends_judgement *j);

/*
 * trends_adjust - Holm's step-down adjustment of the p_raw of the
 * judgements j[0..n) with at least TRENDS_MIN_POINTS points (the others
 * keep p_value 1), into their p_value; then each one's verdict, as
 * above.
 */
void trends_adjust(struct trends_judgement *j, size_t n,
		   const struct trends_options *o);

/*
 * trends_scaling - fill j's exponent, r2 and verdict from the points
 * (x[i], y[i]) with x > 0 and y > 0 (NaN: absent); n counts them. With
 * fewer than TRENDS_MIN_POINTS, or every x the same, the exponent is NaN
 * and the verdict LINEAR is not given: STABLE.
 */
void trends_scaling(const double *x, const double *y, size_t builds,
		    const struct trends_options *o, struct trends_judgement *j);

/*
 * trends_min_builds - the fewest builds whose Mann-Kendall test can reach
 * alpha at all (the smallest two-sided p of n points is 2 / n!).
 */
size_t trends_min_builds(double alpha);

/* The trend report: every metric of a series judged. */
struct trends_result {
	const struct metric_set *s; /* the builds (not owned) */
	const char *x_key;	    /* --x KEY; NULL: over the builds */
	double *x;		    /* [builds]: KEY's values, with x_key */
	struct trends_judgement *j; /* [s->n], as the series' metrics */
	size_t judged;		    /* of them with n >= TRENDS_MIN_POINTS */
	double alpha;		    /* the level they were judged at */
	/* The worst verdict: rising, creeping, improving, stable; or
	 * super-linear, linear, sub-linear. */
	enum trends_verdict worst;
	int failed; /* some metric creeps, rises or is super-linear */
};

/*
 * trends_collect - judge every metric of s into r: over the builds, or,
 * with x_key, against the number each build's label gives x_key. Errors
 * (one error() line, -1; r then holds nothing): fewer builds than
 * trends_min_builds(o->alpha) over builds, or than TRENDS_MIN_POINTS
 * with x_key; with x_key, a build whose label has no such key, or not a
 * number > 0.
 */
int trends_collect(const struct metric_set *s, const struct trends_options *o,
		   const char *x_key, struct trends_result *r);

/* trends_result_release - free what trends_collect allocated. */
void trends_result_release(struct trends_result *r);

/* trends_verdict_name - "creeping", "stable", ..., "super-linear". */
const char *trends_verdict_name(enum trends_verdict v);

#endif
