/*
 * model.h - what a trace says, as data: the one model that every report
 * renders (see DESIGN.md, "The analyzer").
 *
 * struct model holds the run (metadata and totals, struct run, always)
 * and the parts the report asked for, each filled by its collect
 * function: the leaks with their kinds and stacks (struct leak_result,
 * leaks.h), the CPU samples by function, path and thread, the exact
 * timings, the allocation sites and collapsed stacks (struct hot_result,
 * hotspots.h), the heap and RSS series at the markers with the growth
 * verdict (struct growth_result, growth.h). Verdicts read the model and
 * never print; renderers (render.h) only format it.
 *
 * Still to come: frames keyed by function and file rather than by
 * address (so that two builds' models match), and one model merged from
 * several runs that keeps each run's values.
 */
#ifndef PERFSHIM_MODEL_H
#define PERFSHIM_MODEL_H

#include <stdint.h>

#include "gate.h"
#include "growth.h"
#include "hotspots.h"
#include "leaks.h"
#include "metrics.h"
#include "reader.h"
#include "replay.h"
#include "symbols.h"

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
	const char *label; /* PERFSHIM_LABEL (label.h), or NULL */
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

/* The parts of a model beside the run. */
enum model_part {
	MODEL_LEAKS = 1,
	MODEL_HOT = 2,
	MODEL_GROWTH = 4,
	MODEL_METRICS = 8, /* the summary's record of the build (--json) */
};

struct model {
	struct run run;
	unsigned parts; /* MODEL_*: the parts collected */
	struct leak_result leaks;
	struct hot_result hot;
	struct growth_result growth;
	struct metric_set metrics;
	struct gate_result gate; /* the gate asked for, if any */
	struct symbols *sym;	 /* the leaks' and sites' frames' strings */
};

/* model_init - an empty model; allocates nothing. */
void model_init(struct model *m);

/* model_release - free every part and the symbolizer. */
void model_release(struct model *m);

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
