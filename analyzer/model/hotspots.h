/*
 * hotspots.h - where time and memory go: CPU samples and exact timings by
 * function and call path, allocation sites by count, bytes, peak and
 * temporaries, and collapsed stacks for flame graphs.
 */
#ifndef PERFSHIM_HOTSPOTS_H
#define PERFSHIM_HOTSPOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frames.h"
#include "hashtab.h"
#include "hist.h"
#include "reader.h"
#include "replay.h"
#include "symbols.h"

enum hot_mode {
	HOT_CPU,   /* --hotspots: functions by CPU time */
	HOT_SITES, /* --by: allocation sites */
	HOT_FLAME, /* --flamegraph: collapsed stacks */
};

/* --by and --metric values. */
enum hot_key {
	HOT_BY_ALLOCS,
	HOT_BY_BYTES,
	HOT_BY_PEAK,
	HOT_BY_TEMPORARY,
	HOT_METRIC_CPU,
	HOT_METRIC_LEAKED,
};

struct hot_options {
	enum hot_mode mode;
	enum hot_key key; /* HOT_SITES: HOT_BY_*; HOT_FLAME: a metric */
	size_t top;	  /* rows shown; 0: the default */
	long thread;	  /* only this thread index's samples; -1: all */
	int json;
	size_t depth; /* HOT_SITES: frames kept per site; 0: the default */
};

/* The frames a site keeps by default (--depth), and at most. */
#define HOT_DEPTH_DEFAULT 64
#define HOT_DEPTH_MAX 512

struct hotspots;

/*
 * hotspots_new - a collector that runs after rp's visitor in a tee (it
 * reads rp's nodes and the block each FREE released) and converts the
 * exact timings' durations with r's clock. NULL on out of memory.
 */
struct hotspots *hotspots_new(const struct replay *rp,
			      const struct trace_reader *r);
/* hotspots_visitor - the visitor that feeds h. */
void hotspots_visitor(struct hotspots *h, struct trace_visitor *v);

/*
 * hotspots_parse - the key named s for --by (sites = 1) or --metric
 * (sites = 0); -1 when it is not one.
 */
int hotspots_parse(const char *s, int sites);

/* A function's CPU samples, and its calls when it is instrumented. */
struct hot_func {
	const char *function, *file, *module; /* the symbols' strings */
	unsigned line; /* the lowest seen in its own file: near its start */
	uint64_t self, total; /* samples */
	uint64_t calls;
	int has_calls;
	uint64_t mark; /* the last stack that counted it (total) */
};

struct hot_funcs {
	struct hot_func *f;
	size_t n, cap;
	struct hashtab ix; /* (function, module) -> f[] */
	uint64_t mark;
};

/* A collapsed stack, "root;...;leaf", with its count. */
struct hot_line {
	char *text;
	uint64_t n;
};

struct hot_lines {
	struct hot_line *l;
	size_t n, cap;
	struct hashtab ix; /* text -> l[] */
};

struct hot_thread {
	uint64_t tid, samples;
	const char *top; /* the function with most self samples here */
	uint64_t top_n;
};

/*
 * The deepest timed call path the shim writes (its shadow stack's depth,
 * shim/timing.c): a deeper one is corrupt input.
 */
#define HOT_TIMING_DEPTH_MAX 512

/*
 * One path of the exact timings: its own function or zone (the leaf),
 * and the path it was called on, another timing. hot_timing_names gives
 * the whole path.
 */
struct hot_timing {
	int zone; /* a zone, else an instrumented function */
	uint64_t calls, incl_ns, self_ns;
	struct sym_frame leaf;
	size_t parent; /* the timing of the path less its leaf: its index
			  in hot_cpu.timing + 1; 0: none, a root */
	size_t n;      /* functions and zones on the path, root to leaf */
};

/*
 * One zone or instrumented function over every path and thread: calls,
 * the time inside its outermost calls (a recursive call is counted once),
 * and the percentiles of one call's duration, inclusive.
 */
struct hot_latency {
	int zone; /* a zone, else an instrumented function */
	const char *name, *file, *module; /* zones: file and module "" */
	unsigned line;
	uint64_t calls, total_ns;
	int has_hist; /* the trace holds its histogram (since format 1.2) */
	struct hist_summary lat; /* ns; all 0 without a histogram */
};

/* A line of the timing tree: a timing (its index) at a depth. */
struct hot_row {
	size_t timing;
	int depth;
};

/* The CPU report: functions, call paths, threads, exact timings. */
struct hot_cpu {
	long thread; /* --thread, or -1 */
	int have_sampler;
	uint64_t period_ns, samples;
	/* The timer signals behind the samples (all threads): the kernel
	 * checks CPU timers on its tick, and one signal stands for the
	 * periods since the last (4 at 1 kHz with a 250 Hz tick), so a
	 * function's samples move in steps of samples / signals. */
	uint64_t signals;
	uint64_t taken, in_shim, in_loader, other; /* periods */
	struct hot_funcs fs;			   /* by self time */
	size_t shown, top;	    /* functions and paths shown: --top */
	struct hot_lines paths;	    /* collapsed call paths, by samples */
	struct hot_thread *threads; /* by thread index */
	size_t nthreads;
	struct hot_timing *timing; /* every timed path, in trace order */
	size_t ntimings;
	struct hot_row *rows; /* the timing tree, depth first, by time */
	size_t nrows, caprows, hidden, row_limit;
	uint64_t unmatched, not_kept;
	struct hot_latency *lat; /* by total time */
	size_t nlat, lat_shown;	 /* lat_shown: the first ones, --top */
};

/* One allocation site of the --by report. */
struct hot_site {
	uint64_t allocs, bytes, peak, temporary, leaked;
	struct sym_frame *frames; /* innermost first */
	size_t nframes;
	size_t more;	   /* frames past the depth, not kept */
	struct site_id id; /* the same in another build's model */
};

struct hot_sites {
	const char *by; /* the key's name */
	uint64_t peak_bytes;
	struct hot_site *site; /* the top ones, by the key */
	size_t n;
};

/* What a hot-spot report shows: one of cpu, sites, flame (by mode). */
struct hot_result {
	enum hot_mode mode;
	struct hot_cpu cpu;
	struct hot_sites sites;
	struct hot_lines flame; /* by text, as flame graph tools take them */
};

/*
 * hotspots_collect - what the report o asks for, from h, symbolized
 * through sym (whose strings *r uses: keep sym until r is released).
 * Ranking sites reorders h's sites. Prints nothing but errors. Returns
 * 0, or -1 after printing one line (out of memory).
 */
int hotspots_collect(struct hotspots *h, struct symbols *sym,
		     const struct hot_options *o, struct hot_result *r);

/*
 * hot_flame_merge - add the collapsed stacks of one (a HOT_FLAME result)
 * to sum's (zeroed, or merged into before), line by line by text: the
 * flame graph of several runs, summed. sum's lines are its own copies,
 * in text order. Returns 0 (out of memory dies).
 */
int hot_flame_merge(struct hot_result *sum, const struct hot_result *one);

/*
 * hot_timing_names - the names of timing t of v, root first, into
 * names[0..t->n) (the caller's; t->n <= HOT_TIMING_DEPTH_MAX).
 */
void hot_timing_names(const struct hot_cpu *v, const struct hot_timing *t,
		      const char **names);

/* hot_result_release - free what hotspots_collect allocated. */
void hot_result_release(struct hot_result *r);

/* hotspots_free - release h and all it holds. NULL is allowed. */
void hotspots_free(struct hotspots *h);

#endif
