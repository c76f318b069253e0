/* stats.c - Theil-Sen slope and interval, Mann-Kendall test (see stats.h). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

double stats_norm_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

double stats_norm_quantile(double p)
{
	double lo = -40, hi = 40;

	if (!(p > 0 && p < 1))
		return NAN;
	/* Bisection: 200 halvings of 80 reach the last bit of a double. */
	for (int i = 0; i < 200 && lo < hi; i++) {
		double mid = lo + (hi - lo) / 2;

		if (mid == lo || mid == hi)
			break;
		if (stats_norm_cdf(mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double stats_median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Two-sided P(|S| >= |s|) without ties, from the distribution of the
 * number of inversions of a random permutation (S = N - 2 inversions):
 * built one element at a time, the k-th adding 0..k-1 inversions with
 * equal chance. NaN when out of memory.
 */
static double exact_p(size_t n, double s)
{
	size_t pairs = n * (n - 1) / 2, len = 1;
	double *c = calloc(pairs + 1, sizeof(*c));
	double *pre = calloc(pairs + 2, sizeof(*pre));
	double p = 0;

	if (!c || !pre) {
		free(c);
		free(pre);
		return NAN;
	}
	c[0] = 1;
	for (size_t k = 2; k <= n; k++) {
		pre[0] = 0;
		for (size_t i = 0; i < len; i++)
			pre[i + 1] = pre[i] + c[i];
		len += k - 1;
		for (size_t i = 0; i < len; i++) {
			size_t hi =
				i + 1 < len - (k - 1) ? i + 1 : len - (k - 1);
			size_t lo = i + 1 > k ? i + 1 - k : 0;

			c[i] = (pre[hi] - pre[lo]) / (double)k;
		}
	}
	double m = ((double)pairs - fabs(s)) / 2;

	for (size_t i = 0; i < len && (double)i <= m; i++)
		p += c[i];
	free(c);
	free(pre);
	p *= 2;
	return p > 1 ? 1 : p;
}

double stats_quantile(double *v, size_t n, double q)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

int stats_mann_kendall(const double *y, size_t n, struct trend *t)
{
	int tied = 0;

	double s = 0, ties = 0;

	t->n = n;
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s += (y[j] > y[i]) - (y[j] < y[i]);
	if (n >= 2) {
		double *v = malloc(n * sizeof(*v));

		if (!v)
			return -1;
		memcpy(v, y, n * sizeof(*v));
		qsort(v, n, sizeof(*v), cmp_double);
		for (size_t i = 0; i < n;) {
			size_t j = i;

			while (j < n && v[j] == v[i])
				j++;
			double g = (double)(j - i);

			tied |= j - i > 1;
			ties += g * (g - 1) * (2 * g + 5);
			i = j;
		}
		free(v);
	}
	double dn = (double)n;

	t->s = s;
	t->var_s = n >= 2 ? (dn * (dn - 1) * (2 * dn + 5) - ties) / 18 : 0;
	if (t->var_s <= 0) {
		t->z = 0;
		t->p_value = 1;
		return 0;
	}
	t->z = (s > 0 ? s - 1 : s < 0 ? s + 1 : 0) / sqrt(t->var_s);
	t->p_value = erfc(fabs(t->z) / sqrt(2.0));
	if (!tied && n <= STATS_EXACT_MAX) {
		double p = exact_p(n, s);

		if (isnan(p))
			return -1;
		t->p_value = p;
		t->exact = 1;
	}
	if (t->p_value > 1)
		t->p_value = 1;
	return 0;
}

/*
 * The k-th smallest (from 0) of v[lo..hi) into v[k], the smaller before
 * it and the larger after (Hoare's selection, pivots the median of three):
 * what Theil-Sen needs of its n(n-1)/2 slopes is three or four order
 * statistics, not their order (a sort of them was a fifth of --growth on
 * cc1's trace, once per growing site).
 */
static double select_kth(double *v, size_t lo, size_t hi, size_t k)
{
	ptrdiff_t l = (ptrdiff_t)lo, r = (ptrdiff_t)hi - 1, kk = (ptrdiff_t)k;

	while (l < r) {
		double a = v[l], b = v[kk], c = v[r];
		/* a value of the range, so each scan stops inside it */
		double p = a < b ? (b < c   ? b
				    : a < c ? c
					    : a)
				 : (a < c   ? a
				    : b < c ? c
					    : b);
		ptrdiff_t i = l, j = r;

		do {
			while (v[i] < p)
				i++;
			while (p < v[j])
				j--;
			if (i <= j) {
				double t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return v[k];
}

/* The largest of v[lo..hi), hi > lo. */
static double max_of(const double *v, size_t lo, size_t hi)
{
	double m = v[lo];

	for (size_t i = lo + 1; i < hi; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

int stats_theil_sen(const double *x, const double *y, size_t n, double conf,
		    struct trend *t)
{
	size_t m = 0;
	double *d;

	t->slope = t->lo = t->hi = NAN;
	if (n < 2)
		return 0;
	d = malloc(n * (n - 1) / 2 * sizeof(*d));
	if (!d)
		return -1;
	for (size_t i = 0; i + 1 < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (x[j] != x[i])
				d[m++] = (y[j] - y[i]) / (x[j] - x[i]);
	if (m) {
		size_t h = m / 2;
		double med = select_kth(d, 0, m, h);

		/* [0, h) holds the h smallest now: the even case's other */
		t->slope = m % 2 ? med : (max_of(d, 0, h) + med) / 2;
		double c = stats_norm_quantile(1 - (1 - conf) / 2) *
			   sqrt(t->var_s > 0 ? t->var_s : 0);
		/* nearbyint: round half to even, as R's round(). */
		double rlo = nearbyint(((double)m - c) / 2);
		double rhi = nearbyint(((double)m + c) / 2) + 1;

		if (rlo < 1)
			rlo = 1;
		if (rhi > (double)m)
			rhi = (double)m;
		if (rhi < 1)
			rhi = 1;
		if (rlo > (double)m)
			rlo = (double)m;
		size_t kl = (size_t)rlo - 1, kh = (size_t)rhi - 1;

		/* Each selection stays on its side of the median's. */
		t->lo = kl == h	 ? med
			: kl < h ? select_kth(d, 0, h, kl)
				 : select_kth(d, h + 1, m, kl);
		t->hi = kh == h	 ? med
			: kh < h ? select_kth(d, 0, h, kh)
				 : select_kth(d, h + 1, m, kh);
	}
	free(d);
	return 0;
}

int stats_trend(const double *x, const double *y, size_t n, double conf,
		struct trend *t)
{
	memset(t, 0, sizeof(*t));
	t->n_ratio = 1;
	if (stats_mann_kendall(y, n, t))
		return -1;
	return stats_theil_sen(x, y, n, conf, t);
}

struct ranked_value {
	double v;
	size_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked_value *x = a, *y = b;

	return x->v < y->v ? -1 : x->v > y->v;
}

double stats_hamed_rao(const double *x, const double *y, size_t n, double slope,
		       double conf)
{
	struct ranked_value *rv;
	double *r, mean = 0, c0 = 0, sum = 0;

	if (n < 3 || isnan(slope))
		return 1;
	rv = malloc(n * sizeof(*rv));
	r = malloc(n * sizeof(*r));
	if (!rv || !r) {
		free(rv);
		free(r);
		return NAN;
	}
	for (size_t i = 0; i < n; i++) {
		rv[i].v = y[i] - slope * x[i];
		rv[i].i = i;
	}
	/* Ranks of the residuals, ties sharing their average rank. */
	qsort(rv, n, sizeof(*rv), cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && rv[j].v == rv[i].v)
			j++;
		for (size_t k = i; k < j; k++)
			r[rv[k].i] = (double)(i + j + 1) / 2;
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		mean += r[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		c0 += (r[i] - mean) * (r[i] - mean);
	double bound =
		stats_norm_quantile(1 - (1 - conf) / 2) / sqrt((double)n);

	for (size_t k = 1; k < n && c0 > 0; k++) {
		double ck = 0, dn = (double)(n - k);

		for (size_t i = 0; i + k < n; i++)
			ck += (r[i] - mean) * (r[i + k] - mean);
		double rho = ck / c0;

		if (rho > bound || rho < -bound)
			sum += dn * (dn - 1) * (dn - 2) * rho;
	}
	free(rv);
	free(r);
	double dn = (double)n;

	return 1 + 2 / (dn * (dn - 1) * (dn - 2)) * sum;
}

int stats_trend_autocorr(const double *x, const double *y, size_t n,
			 double conf, struct trend *t)
{
	if (stats_trend(x, y, n, conf, t))
		return -1;
	double ratio = stats_hamed_rao(x, y, n, t->slope, conf);

	if (isnan(ratio))
		return -1;
	if (!(ratio > 1) || t->var_s <= 0)
		return 0;
	t->n_ratio = ratio;
	t->var_s *= ratio;
	t->exact = 0;
	t->z = (t->s > 0 ? t->s - 1 : t->s < 0 ? t->s + 1 : 0) / sqrt(t->var_s);
	t->p_value = erfc(fabs(t->z) / sqrt(2.0));
	if (t->p_value > 1)
		t->p_value = 1;
	/* The interval widens with the variance. */
	return stats_theil_sen(x, y, n, conf, t);
}
