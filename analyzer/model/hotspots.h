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
};

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

/*
 * hotspots_report - print the report o asks for to out. Returns 0, or -1
 * after printing one line on stderr (out of memory, output error).
 */
int hotspots_report(struct hotspots *h, struct symbols *sym,
		    const struct hot_options *o, FILE *out);

/* hotspots_free - release h and all it holds. NULL is allowed. */
void hotspots_free(struct hotspots *h);

#endif
