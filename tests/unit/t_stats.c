/*
 * t_stats.c - the growth verdict's statistics against known values:
 * Mann-Kendall S, its tie-corrected variance, z and p-value, and the
 * Theil-Sen slope with Sen's interval. The expected values were computed
 * with an independent implementation (Python's statistics.NormalDist, the
 * interval as R's trend::sens.slope; exact p-values by counting the
 * permutations by inversions, and for n = 8 by enumerating all 40320),
 * and the small cases by hand.
 */
#include <math.h>
#include <stdlib.h>

#include "stats.h"
#include "tap.h"
#include "xorshift.h"

static int near(double got, double want, double tol, const char *name)
{
	int pass = fabs(got - want) <= tol * (fabs(want) > 1 ? fabs(want) : 1);

	ok(pass, "%s", name);
	if (!pass)
		diag("got %.17g, expected %.17g", got, want);
	return pass;
}

struct known {
	const char *name;
	size_t n;
	double x[20], y[20];
	double s, var, z, p, slope, lo, hi;
	int exact; /* p from S's exact distribution (no ties, n <= 60) */
};

static const struct known
	cases[] = {
		{ "no ties",
		  10,
		  { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
		  { 1, 3, 2, 5, 4, 6, 8, 7, 9, 10 },
		  39,
		  125,
		  3.3988233257996803,
		  0.00011518959435626102,
		  1,
		  0.75,
		  1.2,
		  1 },
		{ "ties in y",
		  10,
		  { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 },
		  { 5, 5, 6, 7, 7, 7, 8, 6, 9, 9 },
		  31,
		  118.33333333333333,
		  2.7578313586615302,
		  0.0058186207546842006,
		  0.5,
		  0.16666666666666666,
		  0.5,
		  0 },
		{ "downward, uneven x",
		  8,
		  { 0, 2, 3, 7, 8, 10, 12, 15 },
		  { 10, 9.5, 9, 9.6, 8, 7.5, 7.9, 6 },
		  -22,
		  65.333333333333329,
		  -2.598076211353316,
		  0.0055059523809523813,
		  -0.25,
		  -0.33999999999999986,
		  -0.12222222222222218,
		  1 },
		{ "noise, no trend",
		  20,
		  { 0,	1,  2,	3,  4,	5,  6,	7,  8,	9,
		    10, 11, 12, 13, 14, 15, 16, 17, 18, 19 },
		  { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4 },
		  40,
		  930,
		  1.2788603797787081,
		  0.20094622686430719,
		  0.16666666666666666,
		  -0.066666666666666666,
		  0.42857142857142855,
		  0 },
	};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Theil-Sen by its definition, every pairwise slope sorted, against the
 * selection stats_theil_sen makes: random series of 2 to 60 points, many
 * of them tied (y of a few values, repeated x), intervals of any width.
 * The slope and its bounds are order statistics: equal, not near.
 */
static void theil_sen_as_sorted(void)
{
	static double d[60 * 59 / 2];
	double x[60], y[60];
	uint64_t seed = 0x5e1ec7;
	int bad = -1;

	for (int trial = 0; trial < 3000 && bad < 0; trial++) {
		size_t n = 2 + xorshift64(&seed) % 59, m = 0;
		unsigned spread = 1 + (unsigned)(xorshift64(&seed) % 6);
		struct trend t = { 0 };

		for (size_t i = 0; i < n; i++) {
			x[i] = (double)(i / (1 + xorshift64(&seed) % 2));
			y[i] = (double)(xorshift64(&seed) % (1u << spread)) +
			       0.25 * (double)i;
		}
		t.var_s = (double)(xorshift64(&seed) % 20000);
		stats_theil_sen(x, y, n, 0.5 + 0.49 * (double)(trial % 3) / 2,
				&t);
		for (size_t i = 0; i + 1 < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (x[j] != x[i])
					d[m++] = (y[j] - y[i]) / (x[j] - x[i]);
		if (!m) {
			if (!isnan(t.slope))
				bad = trial;
			continue;
		}
		qsort(d, m, sizeof(*d), cmp_d);
		double med = m % 2 ? d[m / 2] : (d[m / 2 - 1] + d[m / 2]) / 2;
		double c =
			stats_norm_quantile(
				1 -
				(1 - (0.5 + 0.49 * (double)(trial % 3) / 2)) /
					2) *
			sqrt(t.var_s);
		double rlo = fmin(fmax(nearbyint(((double)m - c) / 2), 1), m);
		double rhi =
			fmax(fmin(nearbyint(((double)m + c) / 2) + 1, m), 1);

		if (t.slope != med || t.lo != d[(size_t)rlo - 1] ||
		    t.hi != d[(size_t)rhi - 1])
			bad = trial;
	}
	if (!ok(bad < 0, "Theil-Sen by selection: as by sorting, 3000 series"))
		diag("trial %d", bad);
}

int main(void)
{
	struct trend t;
	char name[128];

	plan(58);
	near(stats_norm_quantile(0.975), 1.9599639845400536, 1e-12,
	     "z of 0.975 is 1.959964");
	near(stats_norm_cdf(1.96), 0.97500210485177963, 1e-12,
	     "Phi(1.96) is 0.9750021");
	near(stats_norm_cdf(0), 0.5, 1e-15, "Phi(0) is 1/2");
	ok(isnan(stats_norm_quantile(0)) && isnan(stats_norm_quantile(1)),
	   "the quantile of 0 or 1 is NaN");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct known *k = &cases[i];

		ok(stats_trend(k->x, k->y, k->n, 0.95, &t) == 0, "%s: runs",
		   k->name);
		snprintf(name, sizeof(name), "%s: S", k->name);
		near(t.s, k->s, 0, name);
		snprintf(name, sizeof(name), "%s: Var(S)", k->name);
		near(t.var_s, k->var, 1e-12, name);
		snprintf(name, sizeof(name), "%s: z", k->name);
		near(t.z, k->z, 1e-12, name);
		snprintf(name, sizeof(name), "%s: p-value (%s)", k->name,
			 k->exact ? "exact" : "normal approximation");
		near(t.p_value, k->p, 1e-9, name);
		ok(t.exact == k->exact, "%s: p-value %s", k->name,
		   k->exact ? "exact" : "approximated");
		snprintf(name, sizeof(name), "%s: Theil-Sen slope", k->name);
		near(t.slope, k->slope, 1e-12, name);
		snprintf(name, sizeof(name), "%s: 95%% interval", k->name);
		ok(fabs(t.lo - k->lo) < 1e-12 && fabs(t.hi - k->hi) < 1e-12,
		   "%s", name);
		if (!(fabs(t.lo - k->lo) < 1e-12 && fabs(t.hi - k->hi) < 1e-12))
			diag("got [%.17g, %.17g], expected [%.17g, %.17g]",
			     t.lo, t.hi, k->lo, k->hi);
	}

	/* By hand: 1, 2, 3, 4. S = 6, Var = 4*3*13/18, z = 5/sqrt(Var). */
	const double x4[] = { 1, 2, 3, 4 }, y4[] = { 1, 2, 3, 4 };

	stats_trend(x4, y4, 4, 0.95, &t);
	near(t.var_s, 4.0 * 3 * 13 / 18, 1e-12, "n=4: Var(S) = 26/3");
	near(t.z, 5 / sqrt(26.0 / 3), 1e-12, "n=4: z = 5/sqrt(26/3)");
	near(t.p_value, 2.0 / 24, 1e-12,
	     "n=4: exact p = 2/24 (one order of 24 has S = 6, one S = -6)");
	ok(t.slope == 1 && t.lo == 1 && t.hi == 1,
	   "n=4: every pairwise slope is 1, and so is the interval");

	/* A flat series: every value tied, no trend at all. */
	const double flat[] = { 7, 7, 7, 7, 7, 7, 7, 7 };
	const double x8[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	stats_trend(x8, flat, 8, 0.95, &t);
	ok(t.s == 0 && t.var_s == 0 && t.p_value == 1,
	   "all tied: S = 0, Var(S) = 0, p = 1");
	ok(t.slope == 0 && t.lo == 0 && t.hi == 0, "all tied: slope 0");

	/* Too little to say anything. */
	stats_trend(x8, flat, 1, 0.95, &t);
	ok(isnan(t.slope) && t.p_value == 1, "one point: no slope, p = 1");

	/* One outlier does not move the Theil-Sen slope much. */
	const double yo[] = { 0, 2, 4, 6, 1000, 10, 12, 14 };

	stats_trend(x8, yo, 8, 0.95, &t);
	near(t.slope, 2, 1e-12, "an outlier leaves the slope at 2");

	double m[] = { 5, 1, 4, 2, 3 }, e[] = { 4, 1, 3, 2 };

	/* Beyond the exact range, or with ties: the normal approximation. */
	double x70[70], y70[70];

	for (int i = 0; i < 70; i++) {
		x70[i] = i;
		y70[i] = (i * 37) % 70;
	}
	stats_trend(x70, y70, 70, 0.95, &t);
	ok(!t.exact && fabs(t.p_value - erfc(fabs(t.z) / sqrt(2.0))) < 1e-15,
	   "70 points: the normal approximation");

	/* Hamed-Rao: reference values from the formula of the paper (as in
	 * pyMannKendall's hamed_rao_modification_test), computed apart. */
	near(stats_hamed_rao(cases[3].x, cases[3].y, 20, t.slope, 0.95), 1,
	     1e-12, "Hamed-Rao: no significant lag in the noise, n/n* = 1");
	{
		const double ay[] = { 0, 1, 3, 4,  4,  3,  5,  6,  8,  9,
				      9, 8, 9, 11, 12, 12, 11, 13, 14, 16 };
		double ax[20], wx[30], wy[30];

		for (int i = 0; i < 20; i++)
			ax[i] = i;
		for (int i = 0; i < 30; i++) {
			wx[i] = i;
			wy[i] = sin(i / 3.0) * 10;
		}
		stats_trend(ax, ay, 20, 0.95, &t);
		near(stats_hamed_rao(ax, ay, 20, t.slope, 0.95),
		     0.3575673665617487, 1e-9,
		     "Hamed-Rao: n/n* of a trend with alternating residuals");
		stats_trend_autocorr(ax, ay, 20, 0.95, &t);
		ok(t.n_ratio == 1 && fabs(t.var_s - 941.33333333333337) < 1e-9,
		   "a ratio below 1 is not applied");
		stats_trend(wx, wy, 30, 0.95, &t);
		near(stats_hamed_rao(wx, wy, 30, t.slope, 0.95),
		     2.4914593294617235, 1e-9,
		     "Hamed-Rao: n/n* of a slow wave");
		stats_trend_autocorr(wx, wy, 30, 0.95, &t);
		near(t.var_s, 7827.3347267255813, 1e-9,
		     "the wave: Var(S) scaled by n/n*");
		near(t.p_value, 0.94593059944625302, 1e-9,
		     "the wave: p from the scaled variance (normal)");
		ok(!t.exact && t.s == -7, "the wave: S = -7, p not exact");
	}

	double q[] = { 8, 1, 7, 2, 6, 3, 5, 4 };

	near(stats_quantile(q, 8, 0.25), 2.75, 1e-15, "first quartile of 1..8");
	near(stats_quantile(q, 8, 0.75), 6.25, 1e-15, "third quartile of 1..8");
	near(stats_quantile(q, 8, 1), 8, 0, "the 1-quantile is the largest");

	near(stats_median(m, 5), 3, 0, "median of an odd count");
	near(stats_median(e, 4), 2.5, 0, "median of an even count");
	theil_sen_as_sorted();
	return exit_status();
}
