/*
 * model.h - what a trace says, as data: the one model that every report
 * renders (see shared/DESIGN.md, "The analyzer").
 *
 * It grows report by report. Today it is the run's metadata and totals
 * (struct run, here), filled by run_collect() from the reader's header
 * and the replay, beside each report's results: struct leak_result
 * (leaks.h: leaks with their kinds and stacks), struct hot_result
 * (hotspots.h: CPU samples by function, path and thread, exact timings,
 * allocation sites, collapsed stacks) and struct growth_result
 * (growth.h: the heap and RSS series with their markers, the verdict,
 * the sites that grow). Renderers (render.h) take them and only format.
 * Still to come: one struct that holds them all, frames keyed by
 * function and file rather than by address (so that two builds' models
 * match), and the merge of several runs.
 */
#ifndef PERFSHIM_MODEL_H
#define PERFSHIM_MODEL_H

#include <stdint.h>

#include "reader.h"
#include "replay.h"

/* How the traced process ended. */
enum run_end {
	RUN_END_UNKNOWN, /* no END record, the trace not cut short */
	RUN_END_CUT,	 /* no END record: killed, or still running */
	RUN_END_EXIT,	 /* exit() or a return from main */
	RUN_END__EXIT,	 /* _exit(), without destructors */
	RUN_END_SIGNAL,	 /* killed by signal `status` */
	RUN_END_EXEC,	 /* replaced by exec */
	RUN_END_STOPPED, /* tracing stopped early */
};

/*
 * One run (one trace): what it was, how it ended, its totals. Strings
 * point into the reader's header and live as long as the reader.
 */
struct run {
	const char *path; /* the trace file, as given */
	unsigned major, minor;
	const char *exe, *cmdline;
	uint64_t pid, ppid;
	enum run_end end;
	int status;    /* exit status (< 0: unknown), or the signal */
	int clean_end; /* exit, _exit or exec: the trace is whole */
	int cut_short; /* the reader found the trace cut */
	uint64_t duration_ns;
	uint64_t threads;
	uint64_t alloc_calls, alloc_bytes, free_calls;
	uint64_t peak_bytes, peak_ns;
	uint64_t live_bytes, live_blocks;
	uint64_t untracked_frees, lost_events;
};

/*
 * run_collect - fill *run from the header h of the trace at path, its
 * replay rp, and whether the reader found it cut short.
 */
void run_collect(struct run *run, const char *path,
		 const struct trace_header *h, const struct replay *rp,
		 int cut_short);

/*
 * run_check_end - warn (on stderr, not an error) when the trace holds
 * fewer events than the END record counted, or the shim lost some.
 */
void run_check_end(const struct replay *rp, const char *path);

#endif
