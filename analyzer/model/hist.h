/*
 * hist.h - latency histograms in the analyzer: sparse lists of the
 * buckets of include/perfshim_hist.h, merged across threads and runs, and
 * their percentiles. Values are nanoseconds (the reader converts the
 * trace's clock).
 */
#ifndef PERFSHIM_HIST_ANALYZER_H
#define PERFSHIM_HIST_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "perfshim_hist.h"

/* Buckets in increasing index order, each with a count above 0. */
struct hist {
	uint32_t *index;
	uint64_t *count;
	size_t n, alloc;
	uint64_t total; /* sum of count[] */
};

/* The figures a report shows for one histogram (all 0 when empty). */
struct hist_summary {
	uint64_t count;
	uint64_t p50, p90, p95, p99, max;
};

/* hist_init - make h empty. Allocates nothing. */
void hist_init(struct hist *h);

/* hist_release - free h's buckets; h is left empty, ready for reuse. */
void hist_release(struct hist *h);

/*
 * hist_add - add count values to bucket index (< PERFSHIM_HIST_BUCKETS).
 * Returns 0, or -1 when out of memory (h unchanged). Adding in increasing
 * index order is the fast case.
 */
int hist_add(struct hist *h, uint32_t index, uint64_t count);

/* hist_add_value - hist_add() of the bucket that holds v. */
int hist_add_value(struct hist *h, uint64_t v, uint64_t count);

/*
 * hist_merge - add n buckets (index[] strictly increasing, each below
 * PERFSHIM_HIST_BUCKETS) to h. Returns 0, or -1 when out of memory (h
 * unchanged).
 */
int hist_merge(struct hist *h, const uint32_t *index, const uint64_t *count,
	       size_t n);

/*
 * hist_quantile - the value of rank ceil(q * total) (nearest rank; q <= 0
 * gives the smallest value, q >= 1 the largest), as the midpoint of its
 * bucket: within 0.8% of the exact order statistic. 0 when h is empty.
 */
uint64_t hist_quantile(const struct hist *h, double q);

/* hist_summarize - count, p50, p90, p95, p99 and max of h into s. */
void hist_summarize(const struct hist *h, struct hist_summary *s);

#endif /* PERFSHIM_HIST_ANALYZER_H */
