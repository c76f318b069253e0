/*
 * t_teststat.c - the tests for comparing runs against known values. The
 * expected p-values were computed independently in Python: exact ones by
 * enumerating every split of the pooled values (all 184756 for 10 and
 * 10), normal approximations and the proportion test with
 * statistics.NormalDist; the first case is SciPy's documented example
 * (mannwhitneyu: U = 17, p = 0.1111). The bootstrap is checked by what
 * must hold whatever the random draws: fixed points, determinism, and
 * the coverage of its intervals over many samples of known ratio.
 */
#include <math.h>

#include "stats.h"
#include "teststat.h"
#include "tap.h"

static int near(double got, double want, double tol, const char *name)
{
	int pass = fabs(got - want) <= tol * (fabs(want) > 1 ? fabs(want) : 1);

	ok(pass, "%s", name);
	if (!pass)
		diag("got %.17g, expected %.17g", got, want);
	return pass;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void mwu_case(const char *name, const double *a, size_t n1,
		     const double *b, size_t n2, double u1, double z, double p,
		     int exact)
{
	struct mann_whitney r, s;

	ok(!teststat_mann_whitney(a, n1, b, n2, &r), "%s: runs", name);
	ok(r.u1 == u1 && r.u2 == (double)n1 * n2 - u1 && r.exact == exact,
	   "%s: U1 = %g, %s", name, u1, exact ? "exact" : "normal");
	if (!exact)
		near(r.z, z, 1e-12, "z");
	near(r.p_value, p, 1e-12, "p-value");
	teststat_mann_whitney(b, n2, a, n1, &s);
	ok(s.u1 == r.u2 && s.p_value == r.p_value,
	   "%s: the samples swapped, the same p", name);
}

static void test_mann_whitney(void)
{
	static const double males[] = { 19, 22, 16, 29, 24 };
	static const double females[] = { 20, 11, 17, 12 };
	static const double lo3[] = { 1, 2, 3 }, hi3[] = { 4, 5, 6 };
	static const double a8[] = { 1.1, 2.3, 3.2, 4.8, 5.5, 6.1, 7.7, 8.2 };
	static const double b8[] = { 2.0, 3.9, 5.1, 6.6, 7.2, 8.8, 9.1, 11.3 };
	static const double a10[] = { 1.1, 2.3, 3.2, 4.8, 5.5,
				      6.1, 7.7, 8.2, 9.9, 10.5 };
	static const double b10[] = { 2.0, 3.9, 5.1,  6.6,  7.2,
				      8.8, 9.1, 11.3, 12.4, 13.0 };
	static const double t1[] = { 3, 4, 2, 6, 2, 5, 4, 4, 7, 1, 3, 5 };
	static const double t2[] = { 9, 7, 5, 10, 6, 8, 7, 6, 9, 8, 5, 7 };
	double a15[15], b15[15];
	struct mann_whitney r;

	for (int i = 0; i < 15; i++) {
		a15[i] = i + 1;
		b15[i] = i + 3.5;
	}
	mwu_case("SciPy's example", males, 5, females, 4, 17, 0,
		 0.1111111111111111, 1);
	mwu_case("3 below 3", lo3, 3, hi3, 3, 0, 0, 0.1, 1);
	mwu_case("8 and 8", a8, 8, b8, 8, 20, 0, 0.2344988344988345, 1);
	mwu_case("10 and 10, the largest exact", a10, 10, b10, 10, 34, 0,
		 0.24745069172313755, 1);
	mwu_case("ties, 12 and 12", t1, 12, t2, 12, 10.5, -3.5465950252010328,
		 0.00039024397535092348, 0);
	mwu_case("15 and 15, normal", a15, 15, b15, 15, 78, -1.4102543048333784,
		 0.15846460599820356, 0);

	teststat_mann_whitney(a8, 8, a8, 8, &r);
	ok(r.u1 == 32 && r.p_value == 1, "a sample against itself: p = 1");
	teststat_mann_whitney(lo3, 1, hi3, 1, &r);
	ok(r.u1 == 0 && r.exact && r.p_value == 1, "one value a side: p = 1");
	teststat_mann_whitney(t1, 0, t2, 12, &r);
	ok(r.p_value == 1 && r.u1 == 0, "an empty sample: p = 1");
	double same[] = { 4, 4, 4, 4, 4 };

	teststat_mann_whitney(same, 5, same, 3, &r);
	ok(r.p_value == 1 && r.u1 == 7.5, "every value tied: U = n1 n2 / 2, "
					  "p = 1");
}

/* Deterministic noise: uniform in [0, 1). */
static double noise(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static void test_bootstrap(void)
{
	double a[20], b[20], zero[3] = { 0, 0, 0 };
	struct ratio_ci r, s;
	uint64_t g = 1;

	for (int i = 0; i < 20; i++) {
		a[i] = 5;
		b[i] = 10;
	}
	teststat_bootstrap_ratio(a, 20, b, 7, 2000, 0.95, 1, &r);
	ok(r.ratio == 2 && r.lo == 2 && r.hi == 2, "constant samples: 2 [2, "
						   "2]");
	teststat_bootstrap_ratio(zero, 3, zero, 3, 100, 0.95, 1, &r);
	ok(r.ratio == 1 && r.lo == 1 && r.hi == 1, "0 and 0: no change, 1");
	teststat_bootstrap_ratio(zero, 3, b, 3, 100, 0.95, 1, &r);
	ok(isinf(r.ratio) && r.ratio > 0, "from 0 to 10: +infinity");
	teststat_bootstrap_ratio(a, 0, b, 3, 100, 0.95, 1, &r);
	ok(isnan(r.ratio) && isnan(r.lo) && isnan(r.hi), "an empty sample: "
							 "NaN");

	for (int i = 0; i < 20; i++) {
		a[i] = 100 + 10 * noise(&g);
		b[i] = 150 + 15 * noise(&g);
	}
	teststat_bootstrap_ratio(a, 20, b, 20, 2000, 0.95, 42, &r);
	teststat_bootstrap_ratio(a, 20, b, 20, 2000, 0.95, 42, &s);
	ok(r.lo == s.lo && r.hi == s.hi, "the same seed, the same interval");
	ok(r.lo < r.ratio && r.ratio < r.hi && r.lo > 1.4 && r.hi < 1.6,
	   "+50%%: 1.5 inside a narrow interval [%.3f, %.3f]", r.lo, r.hi);
	teststat_bootstrap_ratio(a, 20, b, 20, 2000, 0.95, 43, &s);
	ok(s.lo != r.lo && fabs(s.lo - r.lo) < 0.02, "another seed: about the "
						     "same interval");

	/* Coverage: samples of 20 from U(100, 110) and U(120, 132), true
	 * ratio of medians 126 / 105 = 1.2. */
	int covered = 0;

	for (int k = 0; k < 200; k++) {
		for (int i = 0; i < 20; i++) {
			a[i] = 100 + 10 * noise(&g);
			b[i] = 120 + 12 * noise(&g);
		}
		teststat_bootstrap_ratio(a, 20, b, 20, 1000, 0.95, k, &r);
		covered += r.lo <= 1.2 && 1.2 <= r.hi;
	}
	ok(covered >= 180 && covered <= 199,
	   "95%% intervals hold the true ratio in 90..99.5%% of 200 runs (%d)",
	   covered);
}

static void test_proportions(void)
{
	struct proportions r;

	teststat_two_proportions(45, 100, 60, 100, &r);
	ok(r.p1 == 0.45 && r.p2 == 0.6, "45 of 100, 60 of 100");
	near(r.z, 2.1239769762143657, 1e-12, "45/100 against 60/100: z");
	near(r.p_value, 0.033672068856345876, 1e-12, "and p");
	teststat_two_proportions(300, 1000, 330, 1000, &r);
	near(r.p_value, 0.14870296786457421, 1e-12,
	     "30%% against 33%% of 1000: p = 0.149");
	teststat_two_proportions(330, 1000, 300, 1000, &r);
	near(r.z, -1.4441280189584216, 1e-12, "a drop: z < 0");
	teststat_two_proportions(0, 100, 0, 50, &r);
	ok(r.p_value == 1 && r.z == 0, "none in either: p = 1");
	teststat_two_proportions(100, 100, 50, 50, &r);
	ok(r.p_value == 1 && r.z == 0, "all in both: p = 1");
	teststat_two_proportions(5, 0, 3, 10, &r);
	ok(r.p_value == 1, "no samples on one side: p = 1");
}

static void test_loglog(void)
{
	static const double x[] = { 1, 2, 4, 8, 16 };
	double y[5], lin[] = { -1, 2, 4, 0, 32 }, flat[] = { 7, 7, 7, 7, 7 };
	static const double x0[] = { 0, 1, 2, -3, 16 };
	struct loglog_fit f;

	for (int i = 0; i < 5; i++)
		y[i] = 3 * pow(x[i], 1.5);
	teststat_loglog(x, y, 5, &f);
	near(f.exponent, 1.5, 1e-12, "y = 3 x^1.5: exponent 1.5");
	near(f.coef, 3, 1e-12, "and coefficient 3");
	near(f.r2, 1, 1e-12, "and r2 1");
	teststat_loglog(x0, lin, 5, &f);
	ok(f.used == 3 && fabs(f.exponent - 1) < 1e-12, "points with x <= 0 or "
							"y <= 0 are skipped: 3 "
							"left, linear");
	teststat_loglog(x, flat, 5, &f);
	ok(f.exponent == 0 && f.r2 == 1 && f.coef == 7, "constant y: exponent "
							"0, coefficient 7");
	teststat_loglog(x, y, 1, &f);
	ok(isnan(f.exponent) && f.used == 1, "one point: NaN");
	teststat_loglog(flat, y, 5, &f);
	ok(isnan(f.exponent), "every x the same: NaN");

	/* 1.1 is the line between linear and super-linear: n log n over
	 * 1k..16k is above it (16 times the work takes 22.5 times as
	 * long), linear work with 3% noise well below. */
	double w[] = { 1000, 2000, 4000, 8000, 16000 }, t[5];
	static const double jitter[] = { 1.03, 0.97, 1.0, 1.03, 0.97 };

	for (int i = 0; i < 5; i++)
		t[i] = 0.5 * w[i] * log2(w[i]);
	teststat_loglog(w, t, 5, &f);
	near(f.exponent, 1.1215383162271282, 1e-12,
	     "n log n over 1k..16k: exponent 1.12");
	for (int i = 0; i < 5; i++)
		t[i] = 2 * w[i] * jitter[i];
	teststat_loglog(w, t, 5, &f);
	ok(f.exponent > 0.97 && f.exponent < 1.03 && f.r2 > 0.99,
	   "linear with 3%% noise: exponent %.4f", f.exponent);
	for (int i = 0; i < 5; i++)
		t[i] = 1e-3 * w[i] * w[i];
	teststat_loglog(w, t, 5, &f);
	near(f.exponent, 2, 1e-12, "quadratic: exponent 2");
}

static void test_trend_edges(void)
{
	static const double x[] = { 0, 1 }, up[] = { 1, 3 }, eq[] = { 2, 2 };
	struct trend t;

	ok(!stats_trend(x, up, 2, 0.95, &t), "two points: runs");
	ok(t.slope == 2 && t.s == 1 && t.var_s == 1 && t.p_value == 1,
	   "two points: slope 2, S = 1, Var 1, p = 1");
	stats_trend(x, eq, 2, 0.95, &t);
	ok(t.slope == 0 && t.s == 0 && t.p_value == 1, "two equal points: "
						       "flat");
	double v[] = { 9, 1, 5 };

	near(stats_quantile(v, 3, 0.5), 5, 0, "quantile of an odd count");
	double one[] = { 4 };

	ok(stats_median(one, 1) == 4 && stats_quantile(one, 1, 0.99) == 4,
	   "one value: it is every quantile");
	ok(isnan(stats_median(one, 0)), "no value: NaN");
}

int main(void)
{
	test_mann_whitney();
	test_bootstrap();
	test_proportions();
	test_loglog();
	test_trend_edges();
	done_testing();
	return exit_status();
}
