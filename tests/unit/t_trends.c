/* t_trends.c - unit tests for the trend verdict (analyzer/verdict/trends.c). */
#include <math.h>

#include "tap.h"
#include "trends.h"

#define N 8

static struct trends_options opt;

/* Judge one series alone (Holm over one metric changes nothing). */
static struct trends_judgement judge(const double *y, size_t n)
{
	struct trends_judgement j;

	if (trends_measure(y, n, &j))
		abort();
	trends_adjust(&j, 1, &opt);
	return j;
}

static void creep(void)
{
	double y[N], down[N];
	struct trends_judgement j;

	for (int i = 0; i < N; i++) {
		y[i] = 1000 * pow(1.04, i);
		down[i] = 1000 * pow(0.96, i);
	}
	j = judge(y, N);
	is_str(trends_verdict_name(j.verdict), "creeping",
	       "4% a build over 8 builds: creeping");
	ok(fabs(j.p_raw - 2.0 / 40320) < 1e-9,
	   "p is 2/8!, the exact two-sided p of a monotone series (%g)",
	   j.p_raw);
	ok(j.slope > 40 && j.slope < 50, "slope per build %g: 40..50", j.slope);
	ok(fabs(j.max_step - 0.04) < 1e-9, "largest step 4%% (%g)", j.max_step);
	j = judge(down, N);
	is_str(trends_verdict_name(j.verdict), "improving",
	       "4% less each build: improving");
}

static void flat(void)
{
	double same[N], noisy[N] = { 100, 110, 90, 108, 93, 105, 96, 102 };
	double rising[N] = { 100, 101, 102, 103, 140, 141, 142, 143 };
	double absent[N];
	struct trends_judgement j;

	for (int i = 0; i < N; i++) {
		same[i] = 4096;
		absent[i] = i % 3 ? NAN : 1000 * pow(1.04, i);
	}
	j = judge(same, N);
	is_str(trends_verdict_name(j.verdict), "stable", "flat: stable");
	ok(j.p_value == 1 && j.slope == 0, "flat: p 1 (%g), slope 0 (%g)",
	   j.p_value, j.slope);
	j = judge(noisy, N);
	is_str(trends_verdict_name(j.verdict), "stable",
	       "noisy (+-10%) but flat: stable");
	j = judge(rising, N);
	is_str(trends_verdict_name(j.verdict), "rising",
	       "one step of 36% in a monotone series: rising, not creeping");
	j = judge(absent, N);
	is_int(j.n, 3, "absent builds are left out");
	is_str(trends_verdict_name(j.verdict), "stable",
	       "3 points cannot be significant: stable");
}

static void holm(void)
{
	struct trends_judgement j[3] = {
		{ .n = 8, .p_raw = 0.04, .slope = 1, .change = 1 },
		{ .n = 8, .p_raw = 0.01, .slope = 1, .change = 1 },
		{ .n = 2, .p_raw = 0.001, .slope = 1, .change = 1 },
	};

	trends_adjust(j, 3, &opt);
	ok(fabs(j[1].p_value - 0.02) < 1e-12,
	   "Holm: the smaller p times 2 (%g)", j[1].p_value);
	ok(fabs(j[0].p_value - 0.04) < 1e-12, "Holm: the next times 1 (%g)",
	   j[0].p_value);
	ok(j[2].p_value == 1, "too few points: not counted, p 1");
	is_str(trends_verdict_name(j[1].verdict), "creeping",
	       "adjusted 0.02 < 0.05: creeping");
	opt.alpha = 0.03;
	trends_adjust(j, 3, &opt);
	is_str(trends_verdict_name(j[0].verdict), "stable",
	       "adjusted 0.04 >= 0.03: stable");
	trends_options_init(&opt);
	is_int(trends_min_builds(0.05), 5, "alpha 0.05 needs 5 builds");
	is_int(trends_min_builds(0.01), 6, "alpha 0.01 needs 6 builds");
}

static void scaling(void)
{
	double x[5] = { 1000, 2000, 4000, 8000, 16000 }, lin[5], sq[5],
	       nlogn[5];
	struct trends_judgement j;

	for (int i = 0; i < 5; i++) {
		lin[i] = 10 * x[i] + 50;
		sq[i] = x[i] * x[i] / 100 + 50;
		nlogn[i] = x[i] * log(x[i]);
	}
	trends_scaling(x, lin, 5, &opt, &j);
	ok(j.exponent > 0.99 && j.exponent <= 1.0, "linear: exponent %g",
	   j.exponent);
	is_str(trends_verdict_name(j.verdict), "linear", "linear: linear");
	trends_scaling(x, sq, 5, &opt, &j);
	ok(j.exponent > 1.99 && j.exponent <= 2.0, "quadratic: exponent %g",
	   j.exponent);
	is_str(trends_verdict_name(j.verdict), "super-linear",
	       "quadratic: super-linear");
	trends_scaling(x, nlogn, 5, &opt, &j);
	ok(j.exponent > 1.11 && j.exponent < 1.13,
	   "n log n from 1000 to 16000: exponent %g, about 1.12", j.exponent);
	is_str(trends_verdict_name(j.verdict), "super-linear",
	       "n log n: super-linear (it is, if mildly)");
	{
		double noisy[5] = { 900, 300, 2000, 700, 1500 };

		trends_scaling(x, noisy, 5, &opt, &j);
		is_str(trends_verdict_name(j.verdict), "inconclusive",
		       "a fit that explains little: inconclusive");
		ok(j.r2 < TRENDS_MIN_R2, "r2 %g", j.r2);
	}
	trends_scaling(x, lin, 2, &opt, &j);
	ok(isnan(j.exponent), "2 points: no exponent");
}

int main(void)
{
	trends_options_init(&opt);
	creep();
	flat();
	holm();
	scaling();
	done_testing();
	return exit_status();
}
