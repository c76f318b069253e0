/*
 * series.h - the growth series, taken as the trace is read (growth.c).
 *
 * Where growth's points fall (every n-th marker of the most frequent
 * label, or windows of the run's span) is known only once the trace is
 * read. What the points need is kept as the reading goes, in less than
 * the events:
 *
 *  - the heap on a grid of time: the integral of the heap over time and
 *    the heap itself at each cell's start. The grid starts at 1 ns cells
 *    and doubles the cells' width (merging pairs) whenever an event or a
 *    sample falls past its end, so it always spans the run in 1/2 to 1/1
 *    of its cells. Windows' edges are put on it: each window's mean heap
 *    is exact over its own edges, which are the grid's boundaries nearest
 *    k * span / N (the first is 0, the last the latest event's time);
 *  - the resident-set samples summed per cell of the same grid;
 *  - every marker: its time, the heap then, and the resident set of the
 *    latest sample before it;
 *  - the sites' changes, in blocks: a block is what happened between two
 *    grid boundaries or two markers, one net change per site it touched.
 *    A site's live bytes at any window edge or marker are then exact.
 *
 * The markers and the blocks may pass the limit given to series_init
 * (PERFSHIM_GROWTH_LOG_MB); they are then dropped (over), and growth
 * reads the trace a second time with the points set beforehand, where
 * the blocks go straight into the sites' series and only the chosen
 * markers are kept. Both ways give the same points and series.
 */
#ifndef PERFSHIM_SERIES_H
#define PERFSHIM_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "growth.h"
#include "hashtab.h"
#include "replay.h"

typedef unsigned __int128 series_u128;

struct series_site {
	uint32_t stack;	 /* canonical */
	uint32_t filled; /* points of series[] set */
	int64_t live;
	int64_t *series; /* live bytes at each site point */
	int64_t pending; /* its net change in the current block */
	uint64_t block;	 /* the block pending is of */
};

/* A node's site as the reading goes. */
struct series_hot {
	uint32_t block; /* the block pending is of (0: none) */
	uint32_t site;	/* its index in sites[] + 1; 0: not looked up yet */
	int64_t pending;
};

struct series_mark {
	uint64_t ts, heap;
	uint64_t n; /* its number among its label's markers, from 0 */
	uint32_t label;
	double rss, mapped; /* NAN until a later sample came */
};

/* A piece of the blocks: len bytes of whole entries. */
struct series_chunk {
	struct series_chunk *next;
	size_t len;
	uint8_t b[];
};

struct series_sample {
	uint64_t ts, rss, mapped;
};

/* A site's change that waits, its state fetched meanwhile (series.c). */
struct series_change {
	uint32_t stack;
	int64_t d;
};

#define SERIES_LAG 8

#define SERIES_RING 1024 /* recent resident-set samples, for markers */

struct series {
	const struct replay *rp; /* whose state each event left */
	size_t limit;		 /* bytes of markers and blocks kept */
	int over;		 /* they passed it: dropped */
	int live;		 /* points set first: no blocks kept */

	/* The grid: cells of 2^shift ns; boundary b is at b << shift. */
	size_t ncells, cell; /* the cell acc is in */
	unsigned shift;
	uint64_t acc, heap;	 /* the latest time, and the heap then */
	series_u128 integral;	 /* heap * ns from 0 to acc */
	series_u128 *b_integral; /* at each boundary up to cell */
	uint64_t *b_heap;
	double *rss_sum, *mapped_sum;
	uint64_t *rss_n;

	/* Markers (live: only the chosen label's points). */
	struct series_mark *marks;
	size_t nmarks, mark_cap;
	size_t *unresolved; /* marks with no resident set yet */
	size_t nunresolved, unresolved_cap;
	uint64_t label_seen; /* live: markers of the label so far */
	struct series_sample ring[SERIES_RING];
	size_t ring_n, ring_head; /* sorted by ts, oldest at ring_head */

	/* The blocks, as bytes in a list of chunks (not live): a chunk is
	 * never moved or copied, and only its written pages are touched. */
	struct series_chunk *chunks, *chunk_tail;
	size_t blocks_cap;  /* bytes of the chunks */
	uint64_t block;	    /* the current block's number, from 1 */
	uint64_t cell_said; /* the cell start said last, + 1 */
	/* What the current block changed: a node id << 1 | 1 (its state
	 * in hot[]), or a site's index << 1. */
	uint64_t *touched;
	size_t ntouched, touched_cap;
	/* The block's latest changes, oldest at lag_head: not yet in hot[]. */
	struct series_change lag[SERIES_LAG];
	unsigned lag_head, lag_n;

	/* Sites, in the order first seen. */
	struct series_site *sites;
	size_t nsites, site_cap;
	struct hashtab site_ix; /* stack id -> sites[] */
	/* The ids of the replay's nodes, which are dense, in front of it. */
	struct series_hot *hot;
	size_t hot_cap;

	/* Where the points fall, and the points. */
	int ended;	/* series_end was called */
	int sites_done; /* series_sites was called */
	int by_marker;
	uint32_t label;	 /* by marker: its string id */
	uint64_t stride; /* every stride-th marker */
	uint64_t seen;	 /* markers of label met by the sites */
	uint64_t span;	 /* by time: the latest event's time */
	unsigned nwin;
	uint64_t *edge; /* nwin + 1 */
	struct growth_point *pts;
	size_t npts, cap;
	/* Sites are followed at every sstride-th point: nsp so far. */
	size_t sstride, nsp, spcap;
};

/*
 * series_init - an empty series for a reading whose replay is rp, with
 * a grid fit for `windows` windows; blocks and markers up to limit
 * bytes. Allocates its grid (dies without memory, as xcalloc).
 */
void series_init(struct series *s, const struct replay *rp, unsigned windows,
		 size_t limit);
void series_release(struct series *s);
void series_free(struct series *s);

/*
 * series_event - ev, after rp took it in; label_n: a marker's number
 * among its label's (the live series counts its own).
 */
void series_event(struct series *s, const struct trace_event *ev,
		  uint64_t label_n);
/* series_memory - a resident-set sample. */
void series_memory(struct series *s, uint64_t ts, uint64_t rss,
		   uint64_t mapped);
/* series_end - after the last event. */
void series_end(struct series *s);

/*
 * series_by_marker - the points at every stride-th of label's count
 * markers; series_by_time - at nwin windows of the grid of shift, up to
 * span. After series_end (then series_sites reads the blocks; placing
 * again starts the points and sites' series over) or, once, before the
 * first event (live: the second reading).
 */
void series_by_marker(struct series *s, uint32_t label, uint64_t count,
		      unsigned point_cap, unsigned site_points);
void series_by_time(struct series *s, unsigned nwin, uint64_t span,
		    unsigned shift, unsigned site_points);

/* series_points - after series_end and the placing: the points, with
 * their resident set. */
void series_points(struct series *s);

/*
 * series_sites - after series_points: every site's series (only a
 * growing heap needs them). Returns 0, or -1 after one line (the blocks
 * do not parse: a bug).
 */
int series_sites(struct series *s);

#endif
