/*
 * gate.h - the gates (--fail-on-leak, --fail-on-growth and those to
 * come): each one's verdict as data, which --json renders as its "gate"
 * field and main turns into the exit status and the one line on stderr.
 *
 * The one rule every gate goes through: a gate passes only on a trace
 * that covers the whole run. An empty, header-only or cut-short trace
 * (SIGKILL) saw too little for "no leak" or "not growing" to mean
 * anything.
 */
#ifndef PERFSHIM_GATE_H
#define PERFSHIM_GATE_H

#include <stdint.h>

#include "growth.h"
#include "leaks.h"
#include "reader.h"

/* Which gate judged a report. */
enum gate_kind {
	GATE_NONE, /* none was asked for: "checked": false */
	GATE_LEAK,
	GATE_GROWTH,
};

/*
 * A gate's verdict. Set by gate_leaks or gate_growth, then gate_complete;
 * the renderers (render_gate_json, render_gate_reason) say it in words.
 */
struct gate_result {
	enum gate_kind kind;
	int passed;		/* kind != GATE_NONE: it passed */
	const char *incomplete; /* it would pass, but the trace does not
				   cover the run: gate_incomplete's phrase */
	/* GATE_LEAK: the reported groups of a kind the gate counts. */
	uint64_t sites, bytes, blocks;
	unsigned kinds; /* 1 << leak kind, for each such kind that has some */
	/* GATE_GROWTH: the verdict, and the slope of the series it rests
	 * on (basis: "heap" or "rss"), in bytes per unit. */
	enum growth_verdict verdict;
	double slope;
	const char *basis, *unit;
	/* GATE_GROWTH, INCONCLUSIVE: the gate cannot judge (too few points,
	 * too short a run), so it does not pass either (exit 2); heap is
	 * the growth result's series that says why. */
	int undecided;
	const struct growth_trend *heap;
};

/* gate_init - no gate (GATE_NONE); allocates nothing. */
void gate_init(struct gate_result *g);

/*
 * gate_leaks - the leak gate over t, which counts the kinds gate_kinds
 * (1 << leak kind each): it fails on any group it counts.
 */
void gate_leaks(struct gate_result *g, const struct leak_totals *t,
		unsigned gate_kinds);

/*
 * gate_growth - the growth gate over gr (which must outlive g): it fails
 * on GROWING, and does not pass on INCONCLUSIVE (g->undecided).
 */
void gate_growth(struct gate_result *g, const struct growth_result *gr);

/*
 * gate_complete - the completeness rule over the trace r, read to its
 * end: a gate that passed (or could not judge) on a trace that misses
 * the run's end does not pass (g->incomplete says why), unless
 * allow_incomplete (--allow-incomplete) says to judge what the trace
 * holds.
 */
void gate_complete(struct gate_result *g, const struct trace_reader *r,
		   int allow_incomplete);

/*
 * gate_exit - the exit status g gives: 0 no gate or it passed, 1 it
 * failed on what the trace holds, 2 it did not pass on an incomplete
 * trace, or could not judge (undecided).
 */
int gate_exit(const struct gate_result *g);

/*
 * gate_incomplete - why the trace r, read to its end, does not cover the
 * run: NULL when it is complete (it ends with the END record the shim
 * writes last, that END does not say tracing stopped early, and the shim
 * lost no event), else a short phrase for messages.
 */
const char *gate_incomplete(const struct trace_reader *r);

#endif
