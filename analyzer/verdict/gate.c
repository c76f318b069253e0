/* gate.c - the gates' verdicts: no pass on a trace that misses the run's end. */
#include <string.h>

#include "gate.h"

void gate_init(struct gate_result *g)
{
	memset(g, 0, sizeof(*g));
	g->kind = GATE_NONE;
}

void gate_leaks(struct gate_result *g, const struct leak_totals *t,
		unsigned gate_kinds)
{
	gate_init(g);
	for (int k = 0; k < LEAK_KINDS; k++)
		if ((gate_kinds & (1u << k)) && t->blocks[k])
			g->kinds |= 1u << k;
	g->kind = GATE_LEAK;
	g->sites = t->gate_groups;
	g->bytes = t->gate_bytes;
	g->blocks = t->gate_blocks;
	g->passed = !t->gate_groups;
}

void gate_growth(struct gate_result *g, const struct growth_result *gr)
{
	gate_init(g);
	g->kind = GATE_GROWTH;
	g->verdict = gr->verdict;
	g->slope =
		strcmp(gr->basis, "rss") ? gr->heap.t.slope : gr->rss.t.slope;
	g->basis = gr->basis;
	g->unit = gr->unit;
	g->heap = &gr->heap;
	/* A soak gate whose --warmup leaves no points must not pass. */
	g->undecided = gr->verdict == GROWTH_INCONCLUSIVE;
	g->passed = gr->verdict == GROWTH_STABLE;
}

const char *gate_incomplete(const struct trace_reader *r)
{
	if (trace_reader_stopped_early(r))
		return "stopped before the program ended (tracing was turned "
		       "off: the program turned seccomp on, or the trace "
		       "could not be written)";
	if (trace_reader_lost(r))
		return "lost events (the shim could not record every "
		       "allocation and free: no memory for a thread's "
		       "buffer, the trace could not be written, or a "
		       "signal handler allocated while it interrupted "
		       "malloc or free)";
	if (!trace_reader_cut_short(r))
		return NULL;
	if (!trace_reader_frames(r))
		return "holds no records (header only)";
	return "cut short (no END record)";
}

void gate_complete(struct gate_result *g, const struct trace_reader *r,
		   int allow_incomplete)
{
	/*
	 * An undecided gate on a trace not seen whole: the cause is that.
	 * A failed one stands (what was seen fails it), unless the shim
	 * lost events: a lost free makes a leak that is not one.
	 */
	if (g->kind == GATE_NONE || allow_incomplete ||
	    (!g->passed && !g->undecided && !trace_reader_lost(r)))
		return;
	if ((g->incomplete = gate_incomplete(r)))
		g->passed = 0;
}

int gate_exit(const struct gate_result *g)
{
	if (g->kind == GATE_NONE || g->passed)
		return 0;
	return g->incomplete || g->undecided ? 2 : 1;
}
