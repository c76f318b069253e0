/*
 * growth.h - the memory-growth verdict: does the heap (and the resident
 * set) keep growing while the program runs? Points at each marker, or at
 * regular time windows; a warm-up left out; Theil-Sen slope with its
 * interval, Mann-Kendall test and a practical floor decide GROWING,
 * STABLE or INCONCLUSIVE; the allocation sites whose live bytes grow are
 * ranked by their share of the growth.
 *
 * Where the points fall (every n-th marker of the most frequent label,
 * or windows of the run's span) is known only once the trace is read.
 * The first pass (the one every report makes, with growth_scan's
 * visitor teed in after the replay's) counts markers per label and
 * takes what the series need as it goes (series.h): the heap on a grid
 * of time, every marker, the sites' changes in blocks. growth_collect
 * then places the points and reads them off. What is kept of markers
 * and blocks past PERFSHIM_GROWTH_LOG_MB is dropped, and growth_collect
 * reads the trace a second time instead, with the points placed first:
 * memory bounded by the distinct stacks, not by the trace's length.
 * Both ways give the same result.
 */
#ifndef PERFSHIM_GROWTH_H
#define PERFSHIM_GROWTH_H

#include <stdint.h>
#include <stdio.h>

#include "frames.h"
#include "reader.h"
#include "replay.h"
#include "stats.h"
#include "symbols.h"

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

/* growth_options_init - the defaults; allocates nothing. */
void growth_options_init(struct growth_options *o);

/* Default of PERFSHIM_GROWTH_LOG_MB: the most the first pass keeps of
 * markers and the sites' changes (series.h). */
#define GROWTH_LOG_MB 256

struct series;

/* What the first pass counts, and the series it takes. */
struct growth_scan {
	uint64_t *label_count; /* markers per string id */
	size_t nlabels;
	uint64_t markers;
	uint64_t memory_samples;
	struct series *sr;
};

/* growth_scan_init - an empty scan; allocates nothing. */
void growth_scan_init(struct growth_scan *s);
void growth_scan_release(struct growth_scan *s);
/*
 * growth_scan_visitor - a visitor that fills s; tee it after the visitor
 * of rp, the replay of the same pass, whose state after each event it
 * takes in; o gives the number of windows. Reads PERFSHIM_GROWTH_LOG_MB
 * (a bad value: one warning, and the default).
 */
void growth_scan_visitor(struct growth_scan *s, const struct replay *rp,
			 const struct growth_options *o,
			 struct trace_visitor *v);

/*
 * growth_check_input - whether path can be read the second time
 * growth_collect needs: a regular file can, a pipe or FIFO (or /dev/stdin
 * fed by one) cannot, so it is refused before the first pass, not found
 * empty (or waited on) at the second. Returns 0, or -1 after printing one
 * line on stderr naming option, what asks for the second reading
 * (--growth, --html, diff --html).
 */
int growth_check_input(const char *path, const char *option);

/* growth_verdict_name - "GROWING", "STABLE" or "INCONCLUSIVE". */
const char *growth_verdict_name(enum growth_verdict v);

/* One point of the series: at a marker, or a time window. */
struct growth_point {
	double x;	   /* marker number, or seconds (window middle) */
	uint64_t ts;	   /* ns: the marker, or the window's end */
	double heap;	   /* at the marker; time-weighted mean in a window */
	double rss;	   /* resident bytes, NAN when unknown */
	double mapped;	   /* mapped bytes, NAN when unknown */
	uint64_t heap_end; /* heap at ts (what the sites add up to) */
	int own_rss;	   /* a window with a sample of its own */
};

/*
 * Why a series got its verdict; the figures in struct growth_trend's
 * why_v[] (bytes are bytes; a renderer gives them units):
 */
enum growth_reason {
	GROWTH_WHY_NO_TREND,	/* p-value, interval low, high */
	GROWTH_WHY_UNDER_FLOOR, /* floor (bytes per unit) */
	GROWTH_WHY_UNDER_REL,	/* relative growth, floor (fractions) */
	GROWTH_WHY_UNDER_NOISE, /* growth, scatter (bytes), noise ratio */
	GROWTH_WHY_UNDER_TOTAL, /* growth over the points, floor (bytes) */
	GROWTH_WHY_FELL_BACK,	/* peak bytes, its point (1-based), end */
	GROWTH_WHY_GROWING,	/* (none) */
	GROWTH_WHY_TOO_SHORT,	/* the shortest run judged (s) */
	GROWTH_WHY_FEW_POINTS,	/* points, points needed */
	GROWTH_WHY_RSS_SAMPLES, /* windows with a resident-set sample */
};

/*
 * One series' verdict: Mann-Kendall says whether there is a trend,
 * Theil-Sen how steep it is, the floors whether it matters.
 */
struct growth_trend {
	enum growth_verdict verdict;
	struct trend t;
	size_t n;
	double first, last, median;
	double relative; /* slope * span / median */
	double growth;	 /* slope * span */
	double scatter;	 /* interquartile range around the trend */
	enum growth_reason why;
	double why_v[3];
};

/* An allocation site whose live bytes grow. */
struct growth_site {
	uint32_t stack;
	double slope, share; /* bytes per unit; its part of the sites' growth */
	int64_t bytes;	     /* live bytes at the heap's peak minus first */
	struct sym_frame *frames; /* innermost first */
	size_t nframes;
	struct site_id id; /* the same in another build's model */
};

/* The growth series and, unless --timeline, its verdict. */
struct growth_result {
	int by_marker;
	const char *label; /* by marker: the label (owned) */
	uint64_t markers;  /* in the whole trace */
	double window_s;   /* by time: one window's length */
	struct growth_point *pts;
	size_t npts;
	size_t from; /* the first point after the warm-up */

	int judged;		     /* 0: only the series (--timeline) */
	int complete;		     /* the trace covers the run */
	enum growth_verdict verdict; /* what the gate acts on */
	const char *basis;	     /* "heap", or "rss" when only it grows */
	struct growth_trend heap, rss;
	const char *unit; /* "marker" or "second" */
	char warmup[64];  /* "the first 20%" */
	double confidence, floor_bytes, floor_rel;
	struct growth_site *sites; /* the growing ones, the most first */
	size_t nsites;
	struct symbols *sym; /* owns the sites' frames' strings */
};

/*
 * growth_collect - take the series at their points, from s's log or, if
 * it was dropped, from a second reading of the trace at path (which also
 * names it in messages), and, unless o->timeline, judge them: the heap's
 * verdict, the resident set's, and the sites that grow. rp is the first
 * pass's replay (marker names, duration, stacks), s its scan. Fills *g
 * (release it with growth_result_release, also after an error); prints
 * nothing but errors. Returns 0, or -1 after printing one line (a marker
 * that is not in the trace, a read error).
 */
int growth_collect(const char *path, const struct replay *rp,
		   const struct growth_scan *s, const struct growth_options *o,
		   struct growth_result *g);

/* growth_result_release - free what growth_collect allocated. */
void growth_result_release(struct growth_result *g);

#endif
