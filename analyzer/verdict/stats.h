/*
 * stats.h - trend statistics for the growth verdict: the Theil-Sen slope
 * with Sen's (1968) confidence interval, and the Mann-Kendall trend test
 * with the variance corrected for ties. Pure functions of their input.
 */
#ifndef PERFSHIM_STATS_H
#define PERFSHIM_STATS_H

#include <stddef.h>

struct trend {
	size_t n;	/* points */
	double slope;	/* Theil-Sen: median of the pairwise slopes */
	double lo, hi;	/* its confidence interval (Sen 1968) */
	double s;	/* Mann-Kendall S: concordant minus discordant */
	double var_s;	/* Var(S), corrected for ties in y */
	double z;	/* (S - sign S) / sqrt(Var S), continuity-corrected */
	double p_value; /* two-sided; 1 when Var S = 0 */
	int exact;	/* p_value from S's exact distribution */
	double n_ratio; /* Hamed-Rao n/n*: Var(S) was scaled by it (1: not) */
};

/* Up to this many points without ties, p-values are exact. */
#define STATS_EXACT_MAX 60

/*
 * stats_norm_cdf - P(Z <= z) for a standard normal Z.
 * stats_norm_quantile - the z with P(Z <= z) = p, for 0 < p < 1 (NaN
 * outside).
 */
double stats_norm_cdf(double z);
double stats_norm_quantile(double p);

/*
 * stats_mann_kendall - S, Var(S) with the tie correction
 * [n(n-1)(2n+5) - sum over tied groups of t(t-1)(2t+5)] / 18, z and the
 * two-sided p-value of y (in order of x) into t: exact (from the
 * distribution of S over the n! orders) for at most STATS_EXACT_MAX points
 * without ties, else the normal approximation with continuity correction.
 * n < 2 gives S = 0, p = 1.
 * Returns 0, or -1 when out of memory.
 */
int stats_mann_kendall(const double *y, size_t n, struct trend *t);

/*
 * stats_theil_sen - the median of (y[j] - y[i]) / (x[j] - x[i]) over the
 * pairs i < j with x[i] != x[j], and the interval of confidence conf
 * (e.g. 0.95): with N slopes sorted and C = z(1 - (1-conf)/2) sqrt(Var S),
 * the slopes of rank round((N - C) / 2) and round((N + C) / 2) + 1
 * (1-based, clamped to 1..N; as R's trend::sens.slope). Needs t->var_s
 * from stats_mann_kendall. n < 2 (or every x equal) gives NaN slope and
 * bounds. Returns 0, or -1 when out of memory.
 */
int stats_theil_sen(const double *x, const double *y, size_t n, double conf,
		    struct trend *t);

/* stats_trend - both of the above. Returns 0, or -1 when out of memory. */
int stats_trend(const double *x, const double *y, size_t n, double conf,
		struct trend *t);

/*
 * stats_trend_autocorr - stats_trend for a series whose neighbours may be
 * correlated (time windows of a program's heap): the modified Mann-Kendall
 * test of Hamed and Rao (1998). The series is detrended with the Theil-Sen
 * slope, its ranks' autocorrelations r_k at lags k = 1..n-1 that lie
 * outside +-z(1 - (1-conf)/2)/sqrt(n) are kept, and
 *   n/n* = 1 + 2 / (n(n-1)(n-2)) * sum (n-k)(n-k-1)(n-k-2) r_k
 * scales Var(S); z, the p-value (normal approximation then) and the
 * interval follow from the scaled variance. Unlike the paper, a ratio
 * below 1 is not applied: the correction only ever makes the test more
 * cautious. Returns 0, or -1 when out of memory.
 */
int stats_trend_autocorr(const double *x, const double *y, size_t n,
			 double conf, struct trend *t);

/*
 * stats_hamed_rao - n/n* as above (not capped), for the residuals of y
 * after slope; 1 for n < 3. NaN when out of memory.
 */
double stats_hamed_rao(const double *x, const double *y, size_t n, double slope,
		       double conf);

/*
 * stats_quantile - the q-quantile (0 <= q <= 1) of v, sorted in place,
 * interpolating between order statistics at (n-1)q (R's type 7). NaN when
 * n == 0.
 */
double stats_quantile(double *v, size_t n, double q);

/* stats_median - the median of v (sorted in place). NaN when n == 0. */
double stats_median(double *v, size_t n);

#endif
