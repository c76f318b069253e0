/*
 * growth.h - the memory-growth verdict: does the heap (and the resident
 * set) keep growing while the program runs? Points at each marker, or at
 * regular time windows; a warm-up left out; Theil-Sen slope with its
 * interval, Mann-Kendall test and a practical floor decide GROWING,
 * STABLE or INCONCLUSIVE; the allocation sites whose live bytes grow are
 * ranked by their share of the growth.
 *
 * Two passes over the trace, memory bounded by the distinct stacks (not
 * by its length): the first (the one every report makes, with
 * growth_scan's visitor teed in) counts markers per label and finds the
 * duration; the second (growth_report) knows where its points fall and
 * records the heap, the resident set and each site's live bytes there.
 */
#ifndef PERFSHIM_GROWTH_H
#define PERFSHIM_GROWTH_H

#include <stdint.h>
#include <stdio.h>

#include "reader.h"
#include "replay.h"

enum growth_verdict {
	GROWTH_INCONCLUSIVE,
	GROWTH_STABLE,
	GROWTH_GROWING,
};

enum growth_warmup {
	WARMUP_PERCENT, /* the first N% of the points */
	WARMUP_SECONDS, /* points before N seconds into the run */
	WARMUP_POINTS,	/* the first N points (markers or windows) */
};

struct growth_options {
	int on;	      /* a growth report was asked for */
	int json;     /* --json */
	int timeline; /* --timeline: the series, not the verdict */
	int fail;     /* --fail-on-growth */
	int complete; /* the trace covers the run (JSON "complete") */
	int tuned;    /* an option that only means something with --growth */
	const char *marker; /* --marker LABEL, NULL: the most frequent */
	enum growth_warmup warmup_kind;
	double warmup;	    /* in the unit of warmup_kind */
	double alpha;	    /* --alpha: significance level */
	double floor_bytes; /* --growth-floor: bytes per marker or second */
	double floor_rel;   /* --growth-relative: of the median heap */
	double rss_floor;   /* --rss-floor: bytes over the points */
	unsigned windows;   /* --windows: time windows without markers */
	unsigned max_sites; /* sites listed */
};

/* Option values for getopt_long, in a range of their own. */
enum {
	GROWTH_OPT_FIRST = 0x400,
	GROWTH_OPT_GROWTH = GROWTH_OPT_FIRST,
	GROWTH_OPT_FAIL,
	GROWTH_OPT_TIMELINE,
	GROWTH_OPT_MARKER,
	GROWTH_OPT_WARMUP,
	GROWTH_OPT_FLOOR,
	GROWTH_OPT_RELATIVE,
	GROWTH_OPT_WINDOWS,
	GROWTH_OPT_ALPHA,
	GROWTH_OPT_RSS_FLOOR,
	GROWTH_OPT_LAST = GROWTH_OPT_RSS_FLOOR,
};

/* The entries of struct option for the options above. */
#define GROWTH_LONG_OPTIONS                                                    \
	{ "growth", no_argument, NULL, GROWTH_OPT_GROWTH },                    \
		{ "fail-on-growth", no_argument, NULL, GROWTH_OPT_FAIL },      \
		{ "timeline", no_argument, NULL, GROWTH_OPT_TIMELINE },        \
		{ "marker", required_argument, NULL, GROWTH_OPT_MARKER },      \
		{ "warmup", required_argument, NULL, GROWTH_OPT_WARMUP },      \
		{ "growth-floor", required_argument, NULL, GROWTH_OPT_FLOOR }, \
		{ "growth-relative", required_argument, NULL,                  \
		  GROWTH_OPT_RELATIVE },                                       \
		{ "windows", required_argument, NULL, GROWTH_OPT_WINDOWS },    \
		{ "rss-floor", required_argument, NULL,                        \
		  GROWTH_OPT_RSS_FLOOR },                                      \
	{                                                                      \
		"alpha", required_argument, NULL, GROWTH_OPT_ALPHA             \
	}

/* The --help lines of those options. */
extern const char growth_usage[];

/* growth_options_init - the defaults; allocates nothing. */
void growth_options_init(struct growth_options *o);

/*
 * growth_option - take option opt (GROWTH_OPT_*) with its argument.
 * Returns 0, or -1 after printing one line on stderr for a bad value.
 */
int growth_option(struct growth_options *o, int opt, const char *arg);

/* What the first pass counts. */
struct growth_scan {
	uint64_t *label_count; /* markers per string id */
	size_t nlabels;
	uint64_t markers;
	uint64_t memory_samples;
};

void growth_scan_init(struct growth_scan *s);
void growth_scan_release(struct growth_scan *s);
/* growth_scan_visitor - a visitor (to tee after replay's) that fills s. */
void growth_scan_visitor(struct growth_scan *s, struct trace_visitor *v);

/*
 * growth_check_input - whether path can be read the second time
 * growth_report needs: a regular file can, a pipe or FIFO (or /dev/stdin
 * fed by one) cannot, so it is refused before the first pass, not found
 * empty (or waited on) at the second. Returns 0, or -1 after printing one
 * line on stderr.
 */
int growth_check_input(const char *path);

/*
 * growth_report - read the trace again (from again, a fresh reader of the
 * same trace, which this takes over and frees; path names it in
 * messages) and print the growth report (or, with o->timeline, the
 * series) to out. rp is the first pass's replay (marker names,
 * duration), s its scan. Stores the verdict the gate acts on in *verdict:
 * the heap's, or GROWING when the heap is stable but the resident set
 * grows. Returns 0, or -1 after printing one line on stderr (a marker
 * that is not in the trace, a read error, out of memory, an output
 * error).
 */
int growth_report(struct trace_reader *again, const char *path,
		  const struct replay *rp, const struct growth_scan *s,
		  const struct growth_options *o, FILE *out,
		  enum growth_verdict *verdict);

#endif
