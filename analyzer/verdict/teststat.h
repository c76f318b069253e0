/*
 * teststat.h - statistics for comparing runs: the Mann-Whitney U test, a
 * bootstrap interval of the ratio of medians, the two-proportion z-test,
 * and the log-log exponent fit for scaling. Pure functions of their
 * input (the bootstrap's randomness comes from its seed), no printing.
 * The trend statistics (Theil-Sen, Mann-Kendall) and medians are in
 * stats.h.
 */
#ifndef PERFSHIM_TESTSTAT_H
#define PERFSHIM_TESTSTAT_H

#include <stddef.h>
#include <stdint.h>

struct mann_whitney {
	double u1,
		u2; /* U of the first sample, of the second; u1 + u2 = n1 n2 */
	double z;   /* (U1 - n1 n2 / 2) / sigma, continuity-corrected; 0
			  when exact or sigma is 0 */
	double p_value; /* two-sided */
	int exact;	/* p_value from U's exact distribution */
};

/* Up to this many values per sample, without ties, p is exact. */
#define TESTSTAT_EXACT_MAX 10

/*
 * teststat_mann_whitney - whether a[0..n1) and b[0..n2) come from the same
 * distribution: U1 counts the pairs (a[i], b[j]) with a[i] > b[j], ties
 * as one half. Without ties and with n1, n2 <= TESTSTAT_EXACT_MAX the
 * p-value is exact: twice the smaller tail of U's distribution over
 * every ordering (at most 1). Otherwise it is the normal approximation,
 * the variance corrected for ties, n1 n2 / 12 * (n + 1 - sum(t^3 - t) /
 * (n (n - 1))), with a continuity correction of 1/2 (as SciPy's
 * mannwhitneyu with method="asymptotic"). An empty sample, or every
 * value tied, gives p = 1. Returns 0, or -1 when out of memory.
 */
int teststat_mann_whitney(const double *a, size_t n1, const double *b,
			  size_t n2, struct mann_whitney *r);

struct ratio_ci {
	double ratio;  /* median(b) / median(a) */
	double lo, hi; /* the percentile interval of the resampled ratios */
};

/*
 * teststat_bootstrap_ratio - median(b) / median(a) and its interval of
 * confidence conf (e.g. 0.95) from resamples bootstrap resamples of each
 * sample (with replacement, independently), the ratio of their medians
 * each time; lo and hi are the (1 - conf) / 2 and (1 + conf) / 2
 * quantiles of those ratios (stats_quantile's interpolation). The same
 * seed gives the same interval. x / 0 is +infinity for x > 0 and 1 for
 * x = 0 (nothing changed). An empty sample gives NaN for all three.
 * Returns 0, or -1 when out of memory.
 */
int teststat_bootstrap_ratio(const double *a, size_t n1, const double *b,
			     size_t n2, unsigned resamples, double conf,
			     uint64_t seed, struct ratio_ci *r);

struct proportions {
	double p1, p2;	/* k1 / n1, k2 / n2 */
	double z;	/* (p2 - p1) / the pooled standard error */
	double p_value; /* two-sided */
};

/*
 * teststat_two_proportions - whether k1 of n1 and k2 of n2 (e.g. CPU
 * samples in one function out of all samples, in two runs) are the same
 * share: the pooled two-proportion z-test, without continuity
 * correction. n1 or n2 of 0, or a pooled share of 0 or 1, gives z = 0,
 * p = 1. k1 <= n1 and k2 <= n2 are the caller's to keep.
 */
void teststat_two_proportions(uint64_t k1, uint64_t n1, uint64_t k2,
			      uint64_t n2, struct proportions *r);

struct loglog_fit {
	double exponent; /* b of y = a x^b: the least-squares slope of ln y
			    on ln x */
	double coef;	 /* a */
	double r2;	 /* of the fit on the log axes; 1 when y is exact */
	size_t used;	 /* points with x > 0 and y > 0 (the others skipped) */
};

/*
 * teststat_loglog - fit y = a x^b to the points with x > 0 and y > 0. With
 * fewer than two such points, or all their x equal, exponent, coef and r2
 * are NaN. r2 is 1 when every ln y is the same (a flat line fits).
 */
void teststat_loglog(const double *x, const double *y, size_t n,
		     struct loglog_fit *f);

#endif /* PERFSHIM_TESTSTAT_H */
