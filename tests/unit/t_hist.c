/*
 * t_hist.c - the latency histogram's buckets (include/perfshim_hist.h)
 * and the analyzer's percentiles (analyzer/hist.c) against exact order
 * statistics of known samples: uniform, exponential, one value, none.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "hist.h"
#include "tap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank quantile of sorted v[0..n). */
static uint64_t exact(const uint64_t *v, size_t n, double q)
{
	double r = ceil(q * (double)n);
	size_t rank = r < 1 ? 1 : r > (double)n ? n : (size_t)r;

	return v[rank - 1];
}

static double worst_error(uint64_t *v, size_t n, struct hist *h)
{
	static const double qs[] = { 0, 0.5, 0.9, 0.95, 0.99, 0.999, 1 };
	double worst = 0;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double want = (double)exact(v, n, qs[i]);
		double got = (double)hist_quantile(h, qs[i]);
		double err = want ? fabs(got - want) / want : fabs(got);

		if (err > worst)
			worst = err;
	}
	return worst;
}

static void test_buckets(void)
{
	int mono = 1, inside = 1, tight = 1, small = 1;
	uint32_t last = 0;

	for (uint64_t v = 0; v < 128; v++)
		small &= perfshim_hist_index(v) == v &&
			 perfshim_hist_mid((uint32_t)v) == v;
	ok(small, "values below 128 are their own buckets");
	/* Every bucket edge, and values around it, up to 2^64 - 1. */
	for (uint32_t i = 0; i < PERFSHIM_HIST_BUCKETS; i++) {
		uint64_t lo = perfshim_hist_low(i);
		uint64_t hi = lo + (perfshim_hist_width(i) - 1);
		uint64_t mid = perfshim_hist_mid(i);

		inside &= perfshim_hist_index(lo) == i &&
			  perfshim_hist_index(hi) == i &&
			  perfshim_hist_index(mid) == i;
		if (i)
			mono &= perfshim_hist_index(lo - 1) == i - 1 &&
				perfshim_hist_index(lo) > last;
		last = perfshim_hist_index(lo);
		/* The midpoint is within 1/128 of every value in the bucket. */
		tight &= (double)(mid - lo) <= (double)lo / 128 + 0.5 &&
			 (double)(hi - mid) <= (double)lo / 128 + 0.5;
	}
	ok(inside, "each bucket's low, high and midpoint map back to it");
	ok(mono, "indexes grow with values, no gaps between buckets");
	ok(tight, "a bucket's midpoint is within 0.8%% of its values");
	is_uint(perfshim_hist_index(UINT64_MAX), PERFSHIM_HIST_BUCKETS - 1,
		"the largest value has the last bucket");
	is_uint(perfshim_hist_index(1000000), 896 + (1000000 >> 13) - 64,
		"1 ms in ns: row 14, column 58");
}

static void test_uniform(void)
{
	size_t n = 100000;
	uint64_t *v = malloc(n * sizeof(*v));
	struct hist h;

	hist_init(&h);
	for (size_t i = 0; i < n; i++) {
		v[i] = 1000 + (i * 7919) % 1000000; /* 1 us .. 1 ms, spread */
		hist_add_value(&h, v[i], 1);
	}
	is_uint(h.total, n, "uniform: every value counted");
	double e = worst_error(v, n, &h);

	ok(e <= 0.02, "uniform: percentiles within 2%% (worst %.4f%%)",
	   e * 100);
	ok(e <= 0.008, "uniform: and within the midpoint's 0.8%%");
	hist_release(&h);
	free(v);
}

static void test_exponential(void)
{
	size_t n = 20000;
	uint64_t *v = malloc(n * sizeof(*v));
	struct hist h;

	hist_init(&h);
	/* Inverse CDF on an even grid: an exact exponential, mean 50 us. */
	for (size_t i = 0; i < n; i++) {
		double u = ((double)i + 0.5) / (double)n;

		v[i] = (uint64_t)(-50000.0 * log(1 - u));
		hist_add_value(&h, v[i], 1);
	}
	double e = worst_error(v, n, &h);

	ok(e <= 0.02, "exponential: percentiles within 2%% (worst %.4f%%)",
	   e * 100);
	hist_release(&h);
	free(v);
}

static void test_edges(void)
{
	struct hist h;
	struct hist_summary s;

	hist_init(&h);
	hist_summarize(&h, &s);
	ok(!s.count && !s.p50 && !s.p99 && !s.max, "empty: all zero");
	hist_add_value(&h, 123456789, 5);
	hist_summarize(&h, &s);
	double d = fabs((double)s.p50 - 123456789.0) / 123456789.0;

	ok(s.count == 5 && s.p50 == s.p99 && s.p90 == s.max && s.p50 == s.max &&
		   d <= 0.008,
	   "one value: every percentile is it (%.4f%% off)", d * 100);
	hist_release(&h);

	/* 90 calls of 1 ms and 10 of 10 ms: the zone of tests/programs. */
	hist_add_value(&h, 1000000, 90);
	hist_add_value(&h, 10000000, 10);
	hist_summarize(&h, &s);
	ok(s.p50 > 990000 && s.p50 < 1010000, "90x1ms+10x10ms: p50 1 ms");
	ok(s.p90 > 990000 && s.p90 < 1010000, "90x1ms+10x10ms: p90 1 ms");
	ok(s.p95 > 9900000 && s.p95 < 10100000, "90x1ms+10x10ms: p95 10 ms");
	ok(s.p99 > 9900000 && s.max == s.p99, "90x1ms+10x10ms: p99, max");
	hist_release(&h);
}

static void test_merge(void)
{
	struct hist a, b;
	static const uint32_t ix[] = { 1, 5, 70, 3000 };
	static const uint64_t c[] = { 2, 3, 4, 5 };

	hist_init(&a);
	hist_init(&b);
	hist_add(&a, 70, 1);
	hist_add(&a, 2, 1);
	hist_add(&a, 4000, 1);
	hist_add(&a, 2, 6);
	is_uint(a.n, 3, "add: one bucket per index");
	ok(a.index[0] == 2 && a.count[0] == 7 && a.index[2] == 4000, "add: "
								     "buckets "
								     "kept in "
								     "order, "
								     "counts "
								     "summed");
	hist_merge(&a, ix, c, 4);
	is_uint(a.total, 23, "merge: totals add up");
	is_uint(a.n, 6, "merge: shared buckets merged");
	int sorted = 1;

	for (size_t i = 1; i < a.n; i++)
		sorted &= a.index[i - 1] < a.index[i];
	ok(sorted && a.count[3] == 5, "merge: order kept, 70 holds 1 + 4");
	hist_merge(&b, ix, c, 4);
	is_uint(b.total, 14, "merge into an empty histogram");
	hist_release(&a);
	hist_release(&b);
}

int main(void)
{
	test_buckets();
	test_uniform();
	test_exponential();
	test_edges();
	test_merge();
	done_testing();
	return exit_status();
}
