/*
 * blockfind.h - which block an address may lie in, for the exit scan,
 * which asks once for every word of every root and reached block.
 *
 * A binary search of all live blocks costs a cache miss a step on a large
 * heap (17 steps for 100k blocks). Here the starts are cut into regions
 * where they lie close (a heap, an arena; a block mapped on its own is a
 * region of its own), and each region into at most about twice as many
 * equal buckets as it has blocks: a lookup is a search of the few region
 * starts (they stay in cache), one bucket, and a search of the handful of
 * starts between that bucket and the next.
 *
 * Contract: lo holds n block starts in ascending order, all different,
 * and end[i] is one past the last address a pointer into block i may
 * hold (the caller's arrays; they must outlive the index and not change).
 * No memory of its own: the caller maps perfshim_blockfind_size() bytes
 * and hands them to perfshim_blockfind_build(). Async-signal-safe; no
 * locks. Blocks that overlap (a stale entry whose free was missed) are no
 * special case: the block found is the one a binary search finds.
 */
#ifndef PERFSHIM_BLOCKFIND_H
#define PERFSHIM_BLOCKFIND_H

#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

struct blockfind_region;

struct blockfind {
	const uint64_t *lo;
	size_t n;
	const uint64_t *base; /* each region's first start, ascending */
	const struct blockfind_region *region;
	size_t nregion;
	const uint32_t *bucket;
};

/* Bytes perfshim_blockfind_build() needs for these starts. */
HIDDEN size_t perfshim_blockfind_size(const uint64_t *lo, size_t n);

/* Build f over lo[0..n) in mem (perfshim_blockfind_size() bytes, 8-byte
 * aligned). */
HIDDEN void perfshim_blockfind_build(struct blockfind *f, const uint64_t *lo,
				     const uint64_t *end, size_t n, void *mem);

/* The index of the last start <= p, or -1 when every start is above p
 * (or n is 0); -1 too when p lies past the end of every block of the
 * region that start is in (no block can hold it). Otherwise whether
 * that block holds p is the caller's to check. */
HIDDEN long perfshim_blockfind_last(const struct blockfind *f, uint64_t p);

#endif
