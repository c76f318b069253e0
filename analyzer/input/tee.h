/*
 * tee.h - one visitor that hands every callback to several, in order, so
 * that each report collects its own state from a single pass over the
 * trace (replay first, then whatever the chosen report needs).
 */
#ifndef PERFSHIM_TEE_H
#define PERFSHIM_TEE_H

#include "reader.h"

#define TEE_MAX 8

struct visitor_tee {
	struct trace_visitor out; /* give this one to trace_reader_run */
	const struct trace_visitor *to[TEE_MAX];
	size_t n;
};

/* visitor_tee_init - a tee with no visitors yet; allocates nothing. */
void visitor_tee_init(struct visitor_tee *t);

/*
 * visitor_tee_add - append v (which must outlive the tee). Callbacks run
 * in the order added; the first that returns non-zero stops the run.
 * Returns 0, or -1 when the tee is full.
 */
int visitor_tee_add(struct visitor_tee *t, const struct trace_visitor *v);

#endif
