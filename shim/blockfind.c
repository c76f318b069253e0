/*
 * blockfind.c - regions of close starts, each cut into equal buckets;
 * a bucket names the last block that starts at or before its own start.
 */
#include "blockfind.h"

/* Starts further apart than this begin a new region: a thread's arena or
 * a block mapped on its own, far from the heap, would otherwise widen
 * the heap's buckets until each held thousands of its blocks. */
#define REGION_GAP ((uint64_t)1 << 20)

struct blockfind_region {
	uint64_t reach;	 /* the highest end of its blocks */
	uint32_t end;	 /* one past its last block */
	uint32_t bucket; /* its first bucket */
	uint32_t nbucket;
	uint32_t shift; /* a bucket spans 2^shift bytes */
};

/* The first block of the region after the one lo[i] begins. */
static size_t region_end(const uint64_t *lo, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && lo[j] - lo[j - 1] <= REGION_GAP)
		j++;
	return j;
}

/* Bucket width for k starts over span bytes: at most 2k buckets. */
static uint32_t shift_for(uint64_t span, size_t k)
{
	uint32_t s = 0;

	while ((span >> s) >= 2 * (uint64_t)k)
		s++;
	return s;
}

static size_t buckets_of(const uint64_t *lo, size_t i, size_t j)
{
	uint64_t span = lo[j - 1] - lo[i];

	return (size_t)(span >> shift_for(span, j - i)) + 1;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

HIDDEN size_t perfshim_blockfind_size(const uint64_t *lo, size_t n)
{
	size_t nregion = 0, nbucket = 0;

	for (size_t i = 0, j; i < n; i = j) {
		j = region_end(lo, n, i);
		nregion++;
		nbucket += buckets_of(lo, i, j);
	}
	return nregion * sizeof(uint64_t) +
	       nregion * sizeof(struct blockfind_region) +
	       align8(nbucket * sizeof(uint32_t));
}

HIDDEN void perfshim_blockfind_build(struct blockfind *f, const uint64_t *lo,
				     const uint64_t *end, size_t n, void *mem)
{
	size_t nregion = 0, nbucket = 0;

	for (size_t i = 0; i < n; i = region_end(lo, n, i))
		nregion++;
	uint64_t *base = mem;
	struct blockfind_region *region = (void *)(base + nregion);
	uint32_t *bucket = (void *)(region + nregion);

	f->lo = lo;
	f->n = n;
	f->base = base;
	f->region = region;
	f->nregion = nregion;
	f->bucket = bucket;
	nregion = 0;
	for (size_t i = 0, j; i < n; i = j) {
		j = region_end(lo, n, i);
		uint64_t span = lo[j - 1] - lo[i];
		uint32_t s = shift_for(span, j - i);
		size_t nb = (size_t)(span >> s) + 1;
		struct blockfind_region *r = &region[nregion];

		base[nregion++] = lo[i];
		r->reach = 0;
		for (size_t b = i; b < j; b++)
			r->reach = end[b] > r->reach ? end[b] : r->reach;
		r->end = (uint32_t)j;
		r->bucket = (uint32_t)nbucket;
		r->nbucket = (uint32_t)nb;
		r->shift = s;
		/* bucket k: the last block starting at or before its start */
		for (size_t k = 0, b = i; k < nb; k++) {
			uint64_t at = lo[i] + ((uint64_t)k << s);

			while (b + 1 < j && lo[b + 1] <= at)
				b++;
			bucket[nbucket + k] = (uint32_t)b;
		}
		nbucket += nb;
	}
}

HIDDEN long perfshim_blockfind_last(const struct blockfind *f, uint64_t p)
{
	size_t lo = 0, hi = f->nregion;

	if (!hi || p < f->base[0])
		return -1;
	/* the last region starting at or before p */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (f->base[mid] <= p)
			lo = mid;
		else
			hi = mid;
	}
	const struct blockfind_region *r = &f->region[lo];

	if (p >= r->reach)
		return -1;
	uint64_t k = (p - f->base[lo]) >> r->shift;
	size_t a, b; /* the answer is in [a, b] */

	if (k + 1 < r->nbucket) {
		a = f->bucket[r->bucket + k];
		b = f->bucket[r->bucket + k + 1];
	} else {
		a = f->bucket[r->bucket + r->nbucket - 1];
		b = r->end - 1;
	}
	while (a < b) {
		size_t mid = a + (b - a + 1) / 2;

		if (f->lo[mid] <= p)
			a = mid;
		else
			b = mid - 1;
	}
	return (long)a;
}
