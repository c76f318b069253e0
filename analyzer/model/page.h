/*
 * page.h - the whole model at once, as the HTML report shows it: the run,
 * the leaks, the CPU and timing tables, the allocation sites, a flame
 * graph per metric and the growth verdict with its series, each filled
 * by its part's collect function from one pass over the trace (and the
 * second that growth needs).
 */
#ifndef PERFSHIM_PAGE_H
#define PERFSHIM_PAGE_H

#include "classify.h"
#include "growth.h"
#include "hotspots.h"
#include "leaks.h"
#include "model.h"
#include "reader.h"
#include "replay.h"

/* The flame graphs' metrics, in the order of the page's switch. */
#define PAGE_FLAMES 4

struct page_flame {
	const char *name; /* the report document's key */
	enum hot_key key; /* --flamegraph --metric's */
};

extern const struct page_flame page_flames[PAGE_FLAMES];

/*
 * What the first pass made, for page_collect: the reader and its replay,
 * the exit scan's kinds, and the hot-spot and growth-scan collectors
 * teed after the replay's visitor.
 */
struct page_input {
	struct trace_reader *r;
	const char *path; /* the trace, as given (read again for growth) */
	const struct replay *rp;
	const struct classify *cls;
	struct hotspots *hot;
	const struct growth_scan *gs;
};

struct page_model {
	/* run, leaks, hot (the CPU report), growth (the verdict, judged) */
	struct model m;
	struct hot_result sites;	      /* --by bytes */
	struct hot_result flame[PAGE_FLAMES]; /* as page_flames says */
};

/* page_model_init - an empty page; allocates nothing. */
void page_model_init(struct page_model *pm);

/* page_model_release - free every part. */
void page_model_release(struct page_model *pm);

/*
 * page_collect - fill pm from in, with the leak report as lo asks (kinds,
 * suppressions, --min-bytes, the runtime's own) and the growth verdict as
 * go tunes it; in->path is read a second time for growth. Writes a
 * "perfanalyze: note: ..." line on stderr for each part the trace lacks
 * (no CPU samples, no leaks, no heap or RSS points). Returns 0, or -1
 * after printing one line (out of memory, a --marker that is not in the
 * trace, a read error).
 */
int page_collect(const struct page_input *in, const struct leak_options *lo,
		 const struct growth_options *go, struct page_model *pm);

#endif
