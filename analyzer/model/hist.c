/* hist.c - sparse latency histograms and their percentiles (see hist.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void hist_release(struct hist *h)
{
	free(h->index);
	free(h->count);
	hist_init(h);
}

static int reserve(struct hist *h, size_t n)
{
	if (n <= h->alloc)
		return 0;
	size_t a = h->alloc ? h->alloc : 16;

	while (a < n)
		a *= 2;
	uint32_t *ix = realloc(h->index, a * sizeof(*ix));

	if (!ix)
		return -1;
	h->index = ix;
	uint64_t *c = realloc(h->count, a * sizeof(*c));

	if (!c)
		return -1;
	h->count = c;
	h->alloc = a;
	return 0;
}

/* The first bucket at or after index (h->n when none). */
static size_t lower_bound(const struct hist *h, uint32_t index)
{
	size_t lo = 0, hi = h->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->index[mid] < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int hist_add(struct hist *h, uint32_t index, uint64_t count)
{
	if (!count)
		return 0;
	size_t at = h->n && h->index[h->n - 1] < index ? h->n
						       : lower_bound(h, index);

	if (at < h->n && h->index[at] == index) {
		h->count[at] += count;
	} else {
		if (reserve(h, h->n + 1))
			return -1;
		memmove(h->index + at + 1, h->index + at,
			(h->n - at) * sizeof(*h->index));
		memmove(h->count + at + 1, h->count + at,
			(h->n - at) * sizeof(*h->count));
		h->index[at] = index;
		h->count[at] = count;
		h->n++;
	}
	h->total += count;
	return 0;
}

int hist_add_value(struct hist *h, uint64_t v, uint64_t count)
{
	return hist_add(h, perfshim_hist_index(v), count);
}

int hist_merge(struct hist *h, const uint32_t *index, const uint64_t *count,
	       size_t n)
{
	struct hist m;
	size_t i = 0, j = 0;

	hist_init(&m);
	if (reserve(&m, h->n + n))
		goto fail;
	while (i < h->n || j < n) {
		uint32_t ix;
		uint64_t c = 0;

		if (j >= n || (i < h->n && h->index[i] < index[j])) {
			ix = h->index[i];
			c = h->count[i++];
		} else {
			ix = index[j];
			if (i < h->n && h->index[i] == ix)
				c = h->count[i++];
			c += count[j++];
		}
		if (!c)
			continue;
		m.index[m.n] = ix;
		m.count[m.n++] = c;
		m.total += c;
	}
	hist_release(h);
	*h = m;
	return 0;
fail:
	hist_release(&m);
	return -1;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	if (!h->n)
		return 0;
	double r = ceil(q * (double)h->total);
	uint64_t rank = r < 1			? 1
			: r >= (double)h->total ? h->total
						: (uint64_t)r;
	uint64_t seen = 0;

	for (size_t i = 0; i < h->n; i++) {
		seen += h->count[i];
		if (seen >= rank)
			return perfshim_hist_mid(h->index[i]);
	}
	return perfshim_hist_mid(h->index[h->n - 1]);
}

void hist_summarize(const struct hist *h, struct hist_summary *s)
{
	s->count = h->total;
	s->p50 = hist_quantile(h, 0.50);
	s->p90 = hist_quantile(h, 0.90);
	s->p95 = hist_quantile(h, 0.95);
	s->p99 = hist_quantile(h, 0.99);
	s->max = hist_quantile(h, 1);
}
