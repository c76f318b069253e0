/* teststat.c - tests for comparing runs (see teststat.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "teststat.h"

struct tagged {
	double v;
	int second; /* 1: from b */
};

static int cmp_tagged(const void *x, const void *y)
{
	double a = ((const struct tagged *)x)->v;
	double b = ((const struct tagged *)y)->v;

	return a < b ? -1 : a > b;
}

/*
 * The rank sum of a among a and b (average ranks for ties) into *r1, and
 * sum(t^3 - t) over the tied groups into *ties. Returns 0, or -1.
 */
static int rank_sum(const double *a, size_t n1, const double *b, size_t n2,
		    double *r1, double *ties)
{
	size_t n = n1 + n2;
	struct tagged *t = malloc(n * sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < n; i++) {
		t[i].v = i < n1 ? a[i] : b[i - n1];
		t[i].second = i >= n1;
	}
	qsort(t, n, sizeof(*t), cmp_tagged);
	*r1 = *ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && t[j].v == t[i].v)
			j++;
		double rank = ((double)(i + 1) + (double)j) / 2, g = j - i;

		for (size_t k = i; k < j; k++)
			if (!t[k].second)
				*r1 += rank;
		*ties += g * g * g - g;
		i = j;
	}
	free(t);
	return 0;
}

/*
 * P(U <= u) and P(U >= u) for samples of n1 and n2 values without ties,
 * from the number of orderings with each U: f(i, j, u) = f(i - 1, j,
 * u - j) + f(i, j - 1, u) (is the largest value one of the first
 * sample's?). NaN when out of memory.
 */
static double exact_p(size_t n1, size_t n2, double u)
{
	size_t w = n1 * n2 + 1, rows = (n1 + 1) * (n2 + 1);
	double *f = calloc(rows * w, sizeof(*f)), below = 0, above = 0, all = 0;

	if (!f)
		return NAN;
	for (size_t i = 0; i <= n1; i++) {
		for (size_t j = 0; j <= n2; j++) {
			double *cur = f + (i * (n2 + 1) + j) * w;

			if (!i || !j) {
				cur[0] = 1;
				continue;
			}
			const double *up = cur - (n2 + 1) * w, *left = cur - w;

			for (size_t k = 0; k <= i * j; k++)
				cur[k] = (k >= j ? up[k - j] : 0) +
					 (k <= i * (j - 1) ? left[k] : 0);
		}
	}
	for (size_t k = 0; k < w; k++) {
		double c = f[rows * w - w + k];

		all += c;
		below += (double)k <= u ? c : 0;
		above += (double)k >= u ? c : 0;
	}
	free(f);
	double p = 2 * (below < above ? below : above) / all;

	return p < 1 ? p : 1;
}

int teststat_mann_whitney(const double *a, size_t n1, const double *b,
			  size_t n2, struct mann_whitney *r)
{
	double r1, ties, nn = (double)(n1 + n2), prod = (double)n1 * n2;

	memset(r, 0, sizeof(*r));
	r->p_value = 1;
	if (!n1 || !n2)
		return 0;
	if (rank_sum(a, n1, b, n2, &r1, &ties))
		return -1;
	r->u1 = r1 - (double)n1 * (n1 + 1) / 2;
	r->u2 = prod - r->u1;
	if (!ties && n1 <= TESTSTAT_EXACT_MAX && n2 <= TESTSTAT_EXACT_MAX) {
		r->p_value = exact_p(n1, n2, r->u1);
		r->exact = 1;
		return isnan(r->p_value) ? -1 : 0;
	}
	double var = prod / 12 * ((nn + 1) - ties / (nn * (nn - 1)));

	if (!(var > 0))
		return 0;
	double d = fabs(r->u1 - prod / 2) - 0.5;

	r->z = (d > 0 ? d : 0) / sqrt(var) * (r->u1 < prod / 2 ? -1 : 1);
	r->p_value = erfc(fabs(r->z) / sqrt(2.0));
	if (r->p_value > 1)
		r->p_value = 1;
	return 0;
}

/* splitmix64: small, fast and good enough to draw resamples. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double ratio(double base, double now)
{
	if (base == 0)
		return now == 0 ? 1 : now > 0 ? INFINITY : -INFINITY;
	return now / base;
}

/* The median of n values drawn from v[0..n) with replacement. */
static double resample_median(const double *v, size_t n, double *buf,
			      uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = v[(unsigned __int128)next(s) * n >> 64];
	return stats_median(buf, n);
}

int teststat_bootstrap_ratio(const double *a, size_t n1, const double *b,
			     size_t n2, unsigned resamples, double conf,
			     uint64_t seed, struct ratio_ci *r)
{
	size_t nb = n1 > n2 ? n1 : n2;
	double *buf, *rs;

	r->ratio = r->lo = r->hi = NAN;
	if (!n1 || !n2)
		return 0;
	buf = malloc(nb * sizeof(*buf));
	rs = malloc((resamples ? resamples : 1) * sizeof(*rs));
	if (!buf || !rs) {
		free(buf);
		free(rs);
		return -1;
	}
	memcpy(buf, a, n1 * sizeof(*buf));
	double ma = stats_median(buf, n1);

	memcpy(buf, b, n2 * sizeof(*buf));
	r->ratio = ratio(ma, stats_median(buf, n2));
	for (unsigned i = 0; i < resamples; i++) {
		double x = resample_median(a, n1, buf, &seed);

		rs[i] = ratio(x, resample_median(b, n2, buf, &seed));
	}
	if (resamples) {
		r->lo = stats_quantile(rs, resamples, (1 - conf) / 2);
		r->hi = stats_quantile(rs, resamples, (1 + conf) / 2);
	}
	free(buf);
	free(rs);
	return 0;
}

void teststat_two_proportions(uint64_t k1, uint64_t n1, uint64_t k2,
			      uint64_t n2, struct proportions *r)
{
	memset(r, 0, sizeof(*r));
	r->p_value = 1;
	if (!n1 || !n2)
		return;
	r->p1 = (double)k1 / (double)n1;
	r->p2 = (double)k2 / (double)n2;
	double pool = (double)(k1 + k2) / (double)(n1 + n2);
	double se = sqrt(pool * (1 - pool) * (1 / (double)n1 + 1 / (double)n2));

	if (!(se > 0))
		return;
	r->z = (r->p2 - r->p1) / se;
	r->p_value = erfc(fabs(r->z) / sqrt(2.0));
}

void teststat_loglog(const double *x, const double *y, size_t n,
		     struct loglog_fit *f)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY;
	double ymax = -INFINITY;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0 && y[i] > 0))
			continue;
		sx += log(x[i]);
		sy += log(y[i]);
		xmin = fmin(xmin, x[i]);
		xmax = fmax(xmax, x[i]);
		ymin = fmin(ymin, y[i]);
		ymax = fmax(ymax, y[i]);
		k++;
	}
	f->used = k;
	f->exponent = f->coef = f->r2 = NAN;
	/* Equal values compared as they are: their logs' mean may not be
	 * exactly any of them. */
	if (k < 2 || xmin == xmax)
		return;
	double mx = sx / (double)k, my = sy / (double)k;

	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0 && y[i] > 0))
			continue;
		double dx = log(x[i]) - mx, dy = log(y[i]) - my;

		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (ymin == ymax) {
		f->exponent = 0;
		f->coef = ymin;
		f->r2 = 1;
		return;
	}
	f->exponent = sxy / sxx;
	f->coef = exp(my - f->exponent * mx);
	f->r2 = sxy * sxy / (sxx * syy);
}
