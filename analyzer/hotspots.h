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

/*
 * The command line of the hot-spot reports, kept here so that perfanalyze's
 * main() only hands options over. Option values start at HOT_OPT_BASE.
 */
enum {
	HOT_OPT_BASE = 0x800, /* after growth.h's range (main.c checks) */
	HOT_OPT_HOTSPOTS = HOT_OPT_BASE,
	HOT_OPT_BY,
	HOT_OPT_TOP,
	HOT_OPT_THREAD,
	HOT_OPT_FLAME,
	HOT_OPT_METRIC,
};

/* Entries for getopt_long's table (<getopt.h> where it is expanded). */
#define HOTSPOTS_LONG_OPTIONS                                          \
	{ "hotspots", no_argument, NULL, HOT_OPT_HOTSPOTS },           \
		{ "by", required_argument, NULL, HOT_OPT_BY },         \
		{ "top", required_argument, NULL, HOT_OPT_TOP },       \
		{ "thread", required_argument, NULL, HOT_OPT_THREAD }, \
		{ "flamegraph", no_argument, NULL, HOT_OPT_FLAME },    \
	{                                                              \
		"metric", required_argument, NULL, HOT_OPT_METRIC      \
	}

/* The synopsis and option lines of --help. */
#define HOTSPOTS_SYNOPSIS                                                                  \
	"       perfanalyze TRACE --hotspots [--by KEY] [--top N] [--thread I] [--json]\n" \
	"       perfanalyze TRACE --flamegraph [--metric METRIC] [--thread I]\n"
#define HOTSPOTS_HELP                                                               \
	"  --hotspots           functions by CPU time (self and inclusive, from\n"  \
	"                       samples), call counts and exact timings of\n"       \
	"                       instrumented functions and zones, top call paths\n" \
	"  --by KEY             allocation sites instead, by allocs, bytes,\n"      \
	"                       peak (bytes live at the heap's peak) or\n"          \
	"                       temporary (freed before the thread's next\n"        \
	"                       allocation); implies --hotspots\n"                  \
	"  --top N              rows to show (default 20)\n"                        \
	"  --thread I           only the CPU samples of thread index I\n"           \
	"  --flamegraph         collapsed stacks (root;...;leaf COUNT) for\n"       \
	"                       flamegraph.pl, inferno, speedscope\n"               \
	"  --metric METRIC      what the flame graph counts: cpu (default),\n"      \
	"                       allocs, bytes, leaked\n"

struct hot_cli {
	struct hot_options o;
	int hot, flame, by, metric, top;
};

/* hot_cli_init - no hot-spot option seen yet. */
void hot_cli_init(struct hot_cli *c);

/*
 * hot_cli_option - take getopt_long's result opt (with arg). Returns 1
 * when it was a hot-spot option, 0 when it is not one of ours, -1 on a
 * bad value (one line printed on stderr).
 */
int hot_cli_option(struct hot_cli *c, int opt, const char *arg);

/*
 * hot_cli_finish - after the options: 1 when a hot-spot report was asked
 * for (c->o says which), 0 when none was, -1 on a combination that makes
 * no sense (one line printed). leak_opts: a leak-report option was given;
 * json: --json was.
 */
int hot_cli_finish(struct hot_cli *c, int leak_opts, int json);

#endif
