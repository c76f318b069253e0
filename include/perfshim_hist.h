/*
 * perfshim_hist.h - the buckets of a latency histogram, shared by the shim
 * (which counts durations into them) and the analyzer (which reads them
 * back): one definition, so both sides always agree on what an index means.
 *
 * Log-linear, as HdrHistogram: values below 2 * PERFSHIM_HIST_SUB are
 * their own bucket; above that, each power of two [2^k, 2^(k+1)) is split
 * into PERFSHIM_HIST_SUB equal buckets. A bucket is at most 1/64 of its
 * lower bound wide, so its midpoint is within 0.8% of any value in it.
 * Every 64-bit value has a bucket; indexes run from 0 to
 * PERFSHIM_HIST_BUCKETS - 1 and grow with the value.
 *
 * The index splits into a row (index / PERFSHIM_HIST_SUB: 0 for values
 * below 64, else k - 5) and a column (the sub-bucket), so a sparse
 * histogram can keep whole rows only where there are values.
 */
#ifndef PERFSHIM_HIST_H
#define PERFSHIM_HIST_H

#include <stdint.h>

#define PERFSHIM_HIST_SUB_BITS 6
#define PERFSHIM_HIST_SUB (1u << PERFSHIM_HIST_SUB_BITS)
/* Rows: one for values below 64, one per power of two from 2^6 to 2^63. */
#define PERFSHIM_HIST_ROWS (64 - PERFSHIM_HIST_SUB_BITS + 1)
#define PERFSHIM_HIST_BUCKETS (PERFSHIM_HIST_ROWS * PERFSHIM_HIST_SUB)

/* perfshim_hist_index - the bucket that holds v. */
static inline uint32_t perfshim_hist_index(uint64_t v)
{
	if (v < PERFSHIM_HIST_SUB)
		return (uint32_t)v;
	unsigned k = 63 - (unsigned)__builtin_clzll(v);
	unsigned shift = k - PERFSHIM_HIST_SUB_BITS;

	return ((k - PERFSHIM_HIST_SUB_BITS + 1) << PERFSHIM_HIST_SUB_BITS) |
	       (uint32_t)((v >> shift) & (PERFSHIM_HIST_SUB - 1));
}

/* perfshim_hist_low - the smallest value in bucket i (< BUCKETS). */
static inline uint64_t perfshim_hist_low(uint32_t i)
{
	uint32_t row = i >> PERFSHIM_HIST_SUB_BITS;
	uint64_t col = i & (PERFSHIM_HIST_SUB - 1);

	if (!row)
		return col;
	return (PERFSHIM_HIST_SUB + col) << (row - 1);
}

/* perfshim_hist_width - how many values bucket i (< BUCKETS) holds. */
static inline uint64_t perfshim_hist_width(uint32_t i)
{
	uint32_t row = i >> PERFSHIM_HIST_SUB_BITS;

	return row ? (uint64_t)1 << (row - 1) : 1;
}

/* perfshim_hist_mid - the value that stands for bucket i: its midpoint. */
static inline uint64_t perfshim_hist_mid(uint32_t i)
{
	return perfshim_hist_low(i) + (perfshim_hist_width(i) - 1) / 2;
}

#endif /* PERFSHIM_HIST_H */
