/* t_series.c - unit tests for growth's series (analyzer/verdict/series.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "series.h"
#include "tap.h"

#define NODES 8
#define MANY 40000 /* stacks of the many-sites run */

/* A replay as series_event sees one: nodes, the heap, the freed block. */
static struct replay rp;
static struct replay_node nodes[NODES];

static void fake_init(void)
{
	replay_init(&rp);
	for (uint32_t i = 0; i < NODES; i++)
		nodes[i].canon = i;
	rp.nodes = nodes;
	rp.nnodes = rp.capnodes = NODES;
}

static void alloc_ev(struct series *s, uint64_t ts, uint32_t stack,
		     uint64_t size)
{
	struct trace_event ev = { .kind = PERFSHIM_EV_ALLOC,
				  .ts = ts,
				  .addr = 0x1000 + ts,
				  .size = size,
				  .stack = stack };

	memset(&rp.displaced, 0, sizeof(rp.displaced));
	rp.live_bytes += size;
	series_event(s, &ev, 0);
}

static void free_ev(struct series *s, uint64_t ts, uint32_t stack,
		    uint64_t size)
{
	struct trace_event ev = { .kind = PERFSHIM_EV_FREE, .ts = ts };

	rp.freed =
		(struct live_block){ .addr = 1, .size = size, .stack = stack };
	rp.live_bytes -= size;
	series_event(s, &ev, 0);
}

static void mark_ev(struct series *s, uint64_t ts, uint32_t label, uint64_t n)
{
	struct trace_event ev = { .kind = PERFSHIM_EV_MARK,
				  .ts = ts,
				  .label = label };

	series_event(s, &ev, n);
}

/* A run over 1 s: stack 1 grows by 100 B every 10 ms, stack 2 churns,
 * a marker (label 1) every 10 ms, a sample every 50 ms. */
static void run(struct series *s)
{
	rp.live_bytes = 0;
	for (uint64_t i = 0; i < 100; i++) {
		uint64_t t = i * 10000000 + 7;

		alloc_ev(s, t, 1, 100);
		alloc_ev(s, t + 1000, 2, 64);
		free_ev(s, t + 2000, 2, 64);
		mark_ev(s, t + 3000, 1, i);
		if (i % 5 == 0)
			series_memory(s, t + 4000, 1000 + i, 2000 + i);
	}
	free_ev(s, 1000000000, 1, 100); /* the last event */
}

/* live: the run again, its points placed first as s's (10 windows);
 * series_sites' result. */
static int read_live(struct series *live, const struct series *s,
		     void (*runner)(struct series *))
{
	series_init(live, &rp, 10, SIZE_MAX);
	series_by_time(live, 10, s->acc, s->shift, 64);
	runner(live);
	series_end(live);
	series_points(live);
	return series_sites(live);
}

/* Whether a's and b's sites have the same series, bit for bit. */
static int same_sites(const struct series *a, const struct series *b)
{
	int same = a->nsites == b->nsites;

	for (size_t j = 0; j < a->nsites && j < b->nsites; j++)
		for (size_t i = 0; i < a->spcap; i++)
			same &= a->sites[j].series[i] == b->sites[j].series[i];
	return same;
}

static struct series *windows_stored(unsigned nwin, size_t limit)
{
	struct series *s = calloc(1, sizeof(*s));

	series_init(s, &rp, nwin, limit);
	run(s);
	series_end(s);
	if (!s->over)
		series_by_time(s, nwin, s->acc, s->shift, 64);
	return s;
}

static void test_windows(void)
{
	struct series *s = windows_stored(10, 1 << 20), live;
	int same = 1;

	is_int(s->over, 0, "windows: kept under the limit");
	is_int(s->acc, 1000000000, "the span is the latest event's time");
	ok(s->ncells >> 1 <= (s->acc >> s->shift),
	   "the grid spans the run in half its cells at least (shift %u)",
	   s->shift);
	series_points(s);
	is_int(s->npts, 10, "10 windows");
	/* Window k holds 10 steps of 100 B: its mean heap lies between its
	 * first and last value, its end heap is the end's. */
	ok(s->pts[0].heap > 0 && s->pts[0].heap < 1000,
	   "window 0's mean heap is between 0 and 1000 (%g)", s->pts[0].heap);
	/* Edges on the grid: window 4 ends at the boundary nearest 500 ms,
	 * with each step before it live (10 ms apart, 7 ns past). */
	ok(labs((long)s->edge[5] - 500000000) <= 1 << (s->shift - 1),
	   "window 4's end is on the grid nearest 500 ms (%lu)",
	   (unsigned long)s->edge[5]);
	is_int(s->pts[4].heap_end, 100 * ((s->edge[5] - 8) / 10000000 + 1),
	       "window 4 ends with the steps before its edge");
	ok(fabs(s->pts[4].heap - 4550) < 110,
	   "window 4's mean is about 4550 (%g)", s->pts[4].heap);
	is_int(s->pts[9].heap_end, 9900, "the last window takes the last free");
	/* Samples at 4 us, 50 ms and 100 ms: the last is in the grid cell
	 * that ends at window 0's edge (100.008 ms). */
	ok(s->pts[0].own_rss && s->pts[0].rss == 1005,
	   "window 0's resident set: its samples' mean (%g)", s->pts[0].rss);
	ok(s->pts[1].own_rss && s->pts[1].rss == 1017.5,
	   "window 1's: its own two (%g)", s->pts[1].rss);
	is_int(series_sites(s), 0, "the sites' series read");
	is_int(s->nsites, 2, "two sites");
	is_int(s->sites[0].series[4], s->pts[4].heap_end,
	       "stack 1 at window 4's end: all of the heap");
	is_int(s->sites[1].series[4], 0, "stack 2 churns: nothing live");

	/* The same run read again, the points placed first (live). */
	is_int(read_live(&live, s, run), 0, "live: the sites' series");
	is_int(live.npts, s->npts, "live: the same points");
	for (size_t i = 0; i < s->npts && i < live.npts; i++)
		same &= !memcmp(&s->pts[i], &live.pts[i], sizeof(s->pts[i]));
	ok(same && same_sites(s, &live),
	   "live: the same points and site series, bit for bit");
	series_release(&live);
	series_free(s);
}

static void test_markers(void)
{
	struct series s;

	series_init(&s, &rp, 40, 1 << 20);
	run(&s);
	series_end(&s);
	series_by_marker(&s, 1, 100, 512, 64);
	series_points(&s);
	is_int(s.npts, 100, "markers: one point each");
	is_int(s.pts[9].heap_end, 1000, "marker 9: 10 steps live");
	ok(s.pts[9].x == 9, "marker 9 is x = 9");
	ok(s.pts[9].rss == 1005, "marker 9: the sample before it (%g)",
	   s.pts[9].rss);
	/* Placed again, by time and then by marker: the same points. */
	series_by_time(&s, 10, s.acc, s.shift, 64);
	series_points(&s);
	is_int(series_sites(&s), 0, "placed again by time");
	is_int(s.sites[0].series[4], s.pts[4].heap_end,
	       "stack 1's series starts over");
	series_by_marker(&s, 1, 100, 512, 64);
	series_points(&s);
	is_int(series_sites(&s), 0, "and by marker again");
	is_int(s.npts, 100, "the same 100 points");
	is_int(s.pts[9].heap_end, 1000, "marker 9 as before");
	/* 100 points, 64 site points at most: sites every 2nd point. */
	is_int(s.sstride, 2, "sites at every second point");
	is_int(s.sites[0].series[4], s.pts[8].heap_end,
	       "stack 1 at marker 8: all of the heap");
	series_release(&s);

	series_init(&s, &rp, 40, 1 << 20);
	run(&s);
	series_end(&s);
	series_by_marker(&s, 1, 100, 16, 64);
	series_points(&s);
	is_int(s.npts, 15, "16 points at most: every 7th marker");
	ok(s.pts[1].x == 7, "the second point is marker 7");
	series_release(&s);
}

static void test_limit(void)
{
	struct series *s = windows_stored(10, 1000);

	is_int(s->over, 1, "100 markers pass 1000 bytes: over");
	is_int(s->nmarks, 0, "the markers are dropped");
	is_int(s->acc, 1000000000, "the grid still spans the run");
	series_free(s);
}

/* 400,000 events over MANY stacks: each block touches hundreds of sites.
 * Stack k allocates 16 B five times, and frees the block from its
 * (k % 7)-th time on: it keeps min(k % 7, 5). */
static void run_many(struct series *s)
{
	rp.live_bytes = 0;
	for (uint64_t i = 0; i < 200000; i++) {
		uint32_t k = (uint32_t)(i * 7919 % MANY);
		uint64_t t = i * 5000 + 1;

		alloc_ev(s, t, k, 16);
		if (i / MANY >= k % 7)
			free_ev(s, t + 2500, k, 16);
	}
}

static struct series *many_stored(size_t limit)
{
	struct series *s = calloc(1, sizeof(*s));

	series_init(s, &rp, 10, limit);
	run_many(s);
	series_end(s);
	return s;
}

/* The blocks of many sites take several chunks: read back, the same
 * site series as taken live; and a limit passed by the chunks is over. */
static void test_many_sites(void)
{
	struct replay_node *many = calloc(MANY, sizeof(*many));
	struct series *s, *small, live;

	for (uint32_t i = 0; i < MANY; i++)
		many[i].canon = i;
	rp.nodes = many;
	rp.nnodes = rp.capnodes = MANY;
	s = many_stored(64 << 20);
	is_int(s->over, 0, "many sites: kept under 64 MiB");
	ok(s->chunks && s->chunks->next && s->chunks->next->next,
	   "their blocks take three chunks or more");
	series_by_time(s, 10, s->acc, s->shift, 64);
	series_points(s);
	is_int(series_sites(s), 0, "their series read back");
	is_int(s->nsites, MANY, "every stack a site");

	is_int(read_live(&live, s, run_many), 0, "live: their series");
	is_int(live.nsites, s->nsites, "live: the same sites");
	ok(same_sites(s, &live), "many sites: read back as live, bit for bit");
	for (size_t j = 0; j < s->nsites; j++) {
		const struct series_site *x = &s->sites[j];

		if (x->stack == 2)
			is_int(x->series[s->spcap - 1], 2 * 16,
			       "stack 2 keeps 2 blocks at the end");
		if (x->stack == 6)
			is_int(x->series[s->spcap - 1], 5 * 16,
			       "stack 6 keeps all 5");
	}

	small = many_stored(s->blocks_cap / 2);
	is_int(small->over, 1, "half their chunks' bytes: over");
	ok(!small->chunks && !small->blocks_cap, "and the chunks dropped");
	series_free(small);
	series_release(&live);
	series_free(s);
	free(many);
	rp.nodes = nodes;
	rp.nnodes = rp.capnodes = NODES;
}

int main(void)
{
	fake_init();
	test_windows();
	test_markers();
	test_limit();
	test_many_sites();
	done_testing();
	return exit_status();
}
