/* model.c - the run's metadata and totals, from the header and the replay. */
#include <inttypes.h>
#include <string.h>

#include "error.h"
#include "model.h"
#include "perfshim_trace.h"

static enum run_end end_of(const struct replay *rp, int cut)
{
	if (!rp->have_end)
		return cut ? RUN_END_CUT : RUN_END_UNKNOWN;
	switch (rp->end.how) {
	case PERFSHIM_END_EXIT:
		return RUN_END_EXIT;
	case PERFSHIM_END__EXIT:
		return RUN_END__EXIT;
	case PERFSHIM_END_SIGNAL:
		return RUN_END_SIGNAL;
	case PERFSHIM_END_EXEC:
		return RUN_END_EXEC;
	default:
		return RUN_END_STOPPED;
	}
}

void run_collect(struct run *run, const char *path,
		 const struct trace_header *h, const struct replay *rp,
		 int cut_short)
{
	run->path = path;
	run->major = h->major;
	run->minor = h->minor;
	run->exe = h->exe;
	run->cmdline = h->cmdline;
	run->label = h->label;
	run->pid = h->pid;
	run->ppid = h->ppid;
	run->end = end_of(rp, cut_short);
	run->status = rp->have_end ? rp->end.status : -1;
	run->clean_end = run->end == RUN_END_EXIT ||
			 run->end == RUN_END__EXIT || run->end == RUN_END_EXEC;
	run->cut_short = cut_short;
	/* To the last event, or the memory sample the finish writes. */
	run->duration_ns = rp->last_ts > rp->last_memory_ts
				   ? rp->last_ts
				   : rp->last_memory_ts;
	run->threads = rp->threads;
	run->alloc_calls = rp->alloc_calls;
	run->alloc_bytes = rp->alloc_bytes;
	run->free_calls = rp->free_calls;
	run->peak_bytes = rp->peak_bytes;
	run->peak_ns = rp->peak_ts;
	run->live_bytes = rp->live_bytes;
	run->live_blocks = rp->live_count;
	run->untracked_frees = rp->unknown_frees;
	run->lost_events = rp->lost;
}

void run_check_end(const struct replay *rp, const char *path)
{
	if (!rp->have_end)
		return;
	if (rp->alloc_calls < rp->end.alloc_calls ||
	    rp->free_calls < rp->end.free_calls)
		warning("%s: the trace holds fewer events than the shim counted (%" PRIu64
			" of %" PRIu64 " allocations, %" PRIu64 " of %" PRIu64
			" frees)",
			path, rp->alloc_calls, rp->end.alloc_calls,
			rp->free_calls, rp->end.free_calls);
	if (rp->end.lost)
		warning("%s: the shim could not record %" PRIu64 " events",
			path, rp->end.lost);
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
}

void model_release(struct model *m)
{
	leak_result_release(&m->leaks);
	hot_result_release(&m->hot);
	growth_result_release(&m->growth);
	metrics_release(&m->metrics);
	symbols_free(m->sym);
	model_init(m);
}
