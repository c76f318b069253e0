/* growth.c - the memory-growth verdict, its evidence and the timeline. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frames.h"
#include "env.h"
#include "error.h"
#include "growth.h"
#include "hashtab.h"
#include "json.h"
#include "leaks.h"
#include "perfshim_trace.h"
#include "stats.h"
#include "symbols.h"
#include "tee.h"

/* Most points a series keeps: markers beyond it are taken one in k. */
#define POINT_CAP 512
/* Fewest points after the warm-up for a verdict. */
#define MIN_POINTS 8
/*
 * Growth over the points under this many times the scatter of the points
 * around the trend (their interquartile range) is noise, not growth.
 */
#define NOISE_RATIO 2
/* A run without markers shorter than this is too short to judge. */
#define MIN_SPAN_NS 100000000ull
#define RING 1024 /* recent resident-set samples, for the markers */
/* Most points a site's series keeps: one in k of the points beyond it. */
#define SITE_POINTS 64
#define MAX_FRAMES 256

void growth_options_init(struct growth_options *o)
{
	memset(o, 0, sizeof(*o));
	o->warmup_kind = WARMUP_PERCENT;
	o->warmup = 20;
	o->alpha = 0.05;
	o->floor_bytes = 1;
	o->floor_rel = 0.01;
	o->rss_floor = 1 << 20;
	o->windows = 40;
	o->max_sites = 10;
}

/* --- the first pass: markers per label, and the events' log -------------- */

/*
 * The log's entries: a kind byte, then varints. ts (all but MEM) and a
 * MEM's own time are deltas from the latest entry's of the same sort,
 * forward (most are: events come in time order) or, with F_BACK, back.
 * An event's heap after it, when not what its kind implies (ALLOC:
 * + size, less the site's block it took out; FREE: less that block;
 * others: unchanged), follows as a zigzag delta (F_HEAP). F_SITE: a
 * block taken out of a site follows, as stack and size.
 *   TICK  ts                      an event that changes no site
 *   ALLOC ts [heap] stack size [fstack fsize]
 *   FREE  ts [heap] [fstack fsize]
 *   MARK  ts [heap] label
 *   MEM   ts rss mapped
 */
enum { L_TICK, L_ALLOC, L_FREE, L_MARK, L_MEM };
#define F_HEAP 0x10
#define F_SITE 0x20
#define F_BACK 0x40
#define L_KIND 0x0f
#define L_ENTRY_MAX (1 + 6 * PERFSHIM_VARINT_MAX)

void growth_scan_init(struct growth_scan *s)
{
	memset(s, 0, sizeof(*s));
}

void growth_scan_release(struct growth_scan *s)
{
	free(s->label_count);
	free(s->log.p);
	memset(s, 0, sizeof(*s));
}

int growth_check_input(const char *path)
{
	struct stat st;

	/* A path that cannot be opened is the reader's to report. */
	if (stat(path, &st) || S_ISREG(st.st_mode))
		return 0;
	return error(
		"%s: --growth may read the trace twice, and this is not a regular file (a pipe?); save the trace to a file first",
		path);
}

/* Room for one more entry; 0, or -1 when the log is (now) dropped. */
static int log_room(struct growth_log *l)
{
	if (l->over)
		return -1;
	if (l->len + L_ENTRY_MAX <= l->cap)
		return 0;
	size_t cap = l->cap ? 2 * l->cap : 65536;

	if (cap > l->limit)
		cap = l->limit;
	uint8_t *p = cap >= l->len + L_ENTRY_MAX ? realloc(l->p, cap) : NULL;

	if (!p) {
		/* past the limit, or no memory: read the trace again */
		free(l->p);
		l->p = NULL;
		l->len = l->cap = 0;
		l->over = 1;
		return -1;
	}
	l->p = p;
	l->cap = cap;
	return 0;
}

static void log_put(struct growth_log *l, uint64_t v)
{
	l->len += perfshim_put_varint(l->p + l->len, v);
}

/* An entry's kind byte and its time, as a delta from *last. */
static void log_head(struct growth_log *l, int kind, uint64_t ts,
		     uint64_t *last)
{
	int back = ts < *last;

	l->p[l->len++] = (uint8_t)(kind | (back ? F_BACK : 0));
	log_put(l, back ? *last - ts : ts - *last);
	*last = ts;
}

/* Log what the series need of ev, as rp (l->rp) left it. */
static void log_event(struct growth_log *l, const struct trace_event *ev)
{
	const struct replay *rp = l->rp;
	uint64_t heap = rp->live_bytes, expect = l->heap;
	uint32_t stack = 0;
	int kind = L_TICK, site = 0;

	if (ev->kind == PERFSHIM_EV_ALLOC) {
		kind = L_ALLOC;
		stack = ev->stack < rp->nnodes ? rp->nodes[ev->stack].canon
					       : ev->stack;
		/* The same address live twice: replay dropped the old block. */
		site = heap - l->heap != ev->size && rp->freed.addr;
		expect += ev->size - (site ? rp->freed.size : 0);
	} else if (ev->kind == PERFSHIM_EV_FREE) {
		kind = L_FREE;
		site = rp->freed.addr != 0;
		expect -= site ? rp->freed.size : 0;
	} else if (ev->kind == PERFSHIM_EV_MARK) {
		kind = L_MARK;
	} else if (ev->ts == l->ts && heap == l->heap) {
		return; /* the same time again changes nothing */
	}
	if (log_room(l))
		return;
	log_head(l, kind | (heap != expect ? F_HEAP : 0) | (site ? F_SITE : 0),
		 ev->ts, &l->ts);
	if (heap != expect)
		log_put(l, perfshim_zigzag((int64_t)(heap - l->heap)));
	if (kind == L_ALLOC) {
		log_put(l, stack);
		log_put(l, ev->size);
	} else if (kind == L_MARK) {
		log_put(l, ev->label);
	}
	if (site) {
		log_put(l, rp->freed.stack);
		log_put(l, rp->freed.size);
	}
	l->heap = heap;
}

static void log_memory(struct growth_log *l, uint64_t ts, uint64_t rss,
		       uint64_t mapped)
{
	if (log_room(l))
		return;
	log_head(l, L_MEM, ts, &l->mem_ts);
	log_put(l, rss);
	log_put(l, mapped);
}

static int scan_event(void *ctx, const struct trace_event *ev)
{
	struct growth_scan *s = ctx;

	if (s->log.limit)
		log_event(&s->log, ev);
	if (ev->kind != PERFSHIM_EV_MARK)
		return 0;
	if (ev->label >= s->nlabels) {
		size_t n = s->nlabels ? s->nlabels : 16;

		while (n <= ev->label)
			n *= 2;
		uint64_t *c = realloc(s->label_count, n * sizeof(*c));

		if (!c)
			return error("out of memory");
		memset(c + s->nlabels, 0, (n - s->nlabels) * sizeof(*c));
		s->label_count = c;
		s->nlabels = n;
	}
	s->label_count[ev->label]++;
	s->markers++;
	return 0;
}

static int scan_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct growth_scan *s = ctx;

	if (s->log.limit)
		log_memory(&s->log, ts, rss, mapped);
	s->memory_samples++;
	return 0;
}

void growth_scan_visitor(struct growth_scan *s, const struct replay *rp,
			 struct trace_visitor *v)
{
	memset(v, 0, sizeof(*v));
	s->log.rp = rp;
	s->log.limit = (size_t)env_mib("PERFSHIM_GROWTH_LOG_MB", GROWTH_LOG_MB,
				       SIZE_MAX >> 21);
	v->ctx = s;
	v->event = scan_event;
	v->memory = scan_memory;
}

/* --- the series, from the log ------------------------------------------- */

struct site {
	uint32_t stack; /* canonical */
	uint32_t filled;
	int64_t live;
	int64_t *series; /* live bytes at each site point */
};

struct mem_sample {
	uint64_t ts, rss, mapped;
};

struct collector {
	const struct replay *rp; /* whose stacks the log's are */
	const struct growth_options *o;
	int by_marker;
	uint32_t label; /* by marker: the string id */
	uint64_t stride;
	uint64_t seen; /* markers of the label so far */

	/* Time windows: [k * span / W, (k + 1) * span / W). */
	uint64_t span;
	unsigned nwin, cur;
	uint64_t cur_end; /* win_end(cur), a division: kept */
	double integral;  /* bytes * ns in the current window */
	uint64_t acc_from;
	double *rss_sum, *mapped_sum;
	uint32_t *rss_n;

	uint64_t heap_prev;	     /* the heap before the current event */
	uint64_t log_ts, log_mem_ts; /* the log's times so far */

	struct growth_point *pts;
	size_t npts, cap;
	/* Sites are followed at every sstride-th point: nsp so far. */
	size_t sstride, nsp, spcap;
	size_t rss_done; /* by marker: points whose RSS is known */

	struct mem_sample ring[RING];
	size_t ring_n, ring_head; /* sorted by ts, oldest at ring_head */

	struct site *sites; /* in the order first seen */
	size_t site_cap, nsites;
	struct hashtab site_ix; /* stack id -> sites[] */
	/* The same for the ids of the replay's nodes, which are dense: an
	 * array in front of the table (index + 1; 0: not looked up yet).
	 * The table alone cost 40% of --growth on 131k stacks, a probe and
	 * a compare at every event, each a cache miss. */
	uint32_t *site_at;
	size_t site_at_cap;
	int failed;
};

static uint64_t win_end(const struct collector *c, unsigned k)
{
	return (uint64_t)((unsigned __int128)c->span * (k + 1) / c->nwin);
}

static int site_eq(const void *ctx, size_t i)
{
	const struct collector *c = ((const void *const *)ctx)[0];
	const uint32_t *stack = ((const void *const *)ctx)[1];

	return c->sites[i].stack == *stack;
}

/* The index in sites[] of stack's site, made if new. */
static size_t site_index(struct collector *c, uint32_t stack)
{
	const void *ctx[2] = { c, &stack };
	size_t i = hashtab_put(&c->site_ix, hash64(stack), site_eq, ctx,
			       c->nsites);

	if (i == c->nsites) {
		XGROW(c->sites, c->site_cap, c->nsites + 1);
		c->sites[i] = (struct site){ .stack = stack };
		c->sites[i].series = xcalloc(c->spcap ? c->spcap : 1,
					     sizeof(*c->sites[i].series));
		c->nsites++;
	}
	return i;
}

/*
 * The site of stack. An id of the replay's nodes goes through the array,
 * which learns it from the table once; any other (a trace's stack id
 * that names no node) through the table alone, so one id is one site
 * whichever way it comes, and nothing is sized by a crafted id.
 */
static struct site *site_of(struct collector *c, uint32_t stack)
{
	if (stack >= c->rp->nnodes)
		return &c->sites[site_index(c, stack)];
	if (stack >= c->site_at_cap) {
		/* doubling, but never past the nodes there are */
		size_t cap = c->site_at_cap ? 2 * c->site_at_cap : 1024;

		if (cap <= stack)
			cap = (size_t)stack + 1;
		if (cap > c->rp->nnodes)
			cap = c->rp->nnodes;

		c->site_at =
			xreallocarray(c->site_at, cap, sizeof(*c->site_at));
		memset(c->site_at + c->site_at_cap, 0,
		       (cap - c->site_at_cap) * sizeof(*c->site_at));
		c->site_at_cap = cap;
	}
	if (!c->site_at[stack])
		c->site_at[stack] = (uint32_t)site_index(c, stack) + 1;
	return &c->sites[c->site_at[stack] - 1];
}

/* The site's live bytes at every point taken so far, before it changes. */
static void site_fill(const struct collector *c, struct site *s)
{
	while (s->filled < c->nsp)
		s->series[s->filled++] = s->live;
}

static void site_add(struct collector *c, uint32_t stack, int64_t bytes)
{
	struct site *s = site_of(c, stack);

	site_fill(c, s);
	s->live += bytes;
}

static void take_point(struct collector *c, double x, uint64_t ts, double heap,
		       uint64_t heap_end)
{
	if (c->npts == c->cap)
		return;
	if (c->npts % c->sstride == 0)
		c->nsp++;
	struct growth_point *p = &c->pts[c->npts++];

	p->x = x;
	p->ts = ts;
	p->heap = heap;
	p->heap_end = heap_end;
	p->rss = p->mapped = NAN;
}

/* Close the windows that end at or before ts (the heap was heap_prev). */
static void advance(struct collector *c, uint64_t ts)
{
	while (ts >= c->cur_end && c->cur < c->nwin) {
		uint64_t end = c->cur_end;
		uint64_t start = c->cur ? win_end(c, c->cur - 1) : 0;
		double len = (double)(end - start);

		c->integral +=
			(double)c->heap_prev * (double)(end - c->acc_from);
		take_point(c, (double)(start + end) / 2e9, end,
			   len > 0 ? c->integral / len : (double)c->heap_prev,
			   c->heap_prev);
		c->cur++;
		c->cur_end = c->cur < c->nwin ? win_end(c, c->cur) : UINT64_MAX;
		c->integral = 0;
		c->acc_from = end;
	}
	if (ts > c->acc_from) {
		c->integral +=
			(double)c->heap_prev * (double)(ts - c->acc_from);
		c->acc_from = ts;
	}
}

/* The latest sample at or before ts (the earliest if none is). */
static const struct mem_sample *sample_at(const struct collector *c,
					  uint64_t ts)
{
	const struct mem_sample *best = NULL;

	for (size_t i = 0; i < c->ring_n; i++) {
		const struct mem_sample *m =
			&c->ring[(c->ring_head + i) % RING];

		if (m->ts > ts)
			break;
		best = m;
	}
	if (!best && c->ring_n)
		best = &c->ring[c->ring_head];
	return best;
}

/* By marker: give points their resident set once a later sample came. */
static void resolve_rss(struct collector *c, int all)
{
	uint64_t newest =
		c->ring_n ? c->ring[(c->ring_head + c->ring_n - 1) % RING].ts
			  : 0;

	while (c->rss_done < c->npts &&
	       (all || c->pts[c->rss_done].ts < newest)) {
		const struct mem_sample *m =
			sample_at(c, c->pts[c->rss_done].ts);
		struct growth_point *p = &c->pts[c->rss_done++];

		if (m) {
			p->rss = (double)m->rss;
			p->mapped = (double)m->mapped;
		}
	}
}

static int col_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct collector *c = ctx;

	if (!c->by_marker) {
		if (!c->nwin || !c->span)
			return 0;
		unsigned k =
			(unsigned)((unsigned __int128)ts * c->nwin / c->span);

		if (k >= c->nwin)
			k = c->nwin - 1;
		c->rss_sum[k] += (double)rss;
		c->mapped_sum[k] += (double)mapped;
		c->rss_n[k]++;
		return 0;
	}
	/* Insert in time order: samples a marker took come a little late. */
	if (c->ring_n == RING) {
		c->ring_head = (c->ring_head + 1) % RING;
		c->ring_n--;
	}
	size_t i = c->ring_n++;

	while (i > 0 && c->ring[(c->ring_head + i - 1) % RING].ts > ts) {
		c->ring[(c->ring_head + i) % RING] =
			c->ring[(c->ring_head + i - 1) % RING];
		i--;
	}
	c->ring[(c->ring_head + i) % RING] =
		(struct mem_sample){ ts, rss, mapped };
	resolve_rss(c, 0);
	return 0;
}

/* The log being read: a varint that does not parse sets bad. */
struct log_in {
	const uint8_t *p, *end;
	int bad;
};

static inline uint64_t log_get(struct log_in *in)
{
	uint64_t v = 0;

	if (perfshim_get_varint(&in->p, in->end, &v)) {
		in->bad = 1;
		in->p = in->end;
	}
	return v;
}

/* An entry's time (see log_head), from the latest one's. */
static inline void log_time(uint8_t k, struct log_in *in, uint64_t *ts)
{
	uint64_t d = log_get(in);

	*ts = (k & F_BACK) ? *ts - d : *ts + d;
}

/* The entry at in->p (which is before in->end) into the series. */
static void col_entry(struct collector *c, struct log_in *in)
{
	uint8_t k = *in->p++;
	int kind = k & L_KIND;
	uint64_t heap = c->heap_prev, stack, size, fstack = 0, fsize = 0;

	if (kind == L_MEM) {
		log_time(k, in, &c->log_mem_ts);
		uint64_t rss = log_get(in);

		col_memory(c, c->log_mem_ts, rss, log_get(in));
		return;
	}
	log_time(k, in, &c->log_ts);
	if (!c->by_marker)
		advance(c, c->log_ts);
	if (k & F_HEAP)
		heap += (uint64_t)perfshim_unzigzag(log_get(in));
	if (kind == L_ALLOC) {
		stack = log_get(in);
		size = log_get(in);
		if (k & F_SITE) {
			fstack = log_get(in);
			fsize = log_get(in);
			site_add(c, (uint32_t)fstack, -(int64_t)fsize);
		}
		site_add(c, (uint32_t)stack, (int64_t)size);
		if (!(k & F_HEAP))
			heap += size - fsize;
	} else if (kind == L_FREE && (k & F_SITE)) {
		fstack = log_get(in);
		fsize = log_get(in);
		site_add(c, (uint32_t)fstack, -(int64_t)fsize);
		if (!(k & F_HEAP))
			heap -= fsize;
	} else if (kind == L_MARK) {
		uint64_t label = log_get(in);

		if (c->by_marker && label == c->label) {
			if (c->seen % c->stride == 0)
				take_point(c, (double)c->seen, c->log_ts,
					   (double)heap, heap);
			c->seen++;
		}
	}
	c->heap_prev = heap;
}

/*
 * The entries of a log, [p, end), into the series. The log is ours: one
 * that does not parse is a bug, -1 after one line.
 */
static int col_log(struct collector *c, const uint8_t *p, const uint8_t *end)
{
	struct log_in in = { p, end, 0 };

	while (in.p < in.end && !in.bad)
		col_entry(c, &in);
	if (in.bad)
		return error("internal error: the growth log does not parse");
	return 0;
}

static void collector_release(struct collector *c)
{
	for (size_t i = 0; i < c->nsites; i++)
		free(c->sites[i].series);
	free(c->sites);
	hashtab_release(&c->site_ix);
	free(c->site_at);
	free(c->pts);
	free(c->rss_sum);
	free(c->mapped_sum);
	free(c->rss_n);
}

/* After the last event: close the windows, give every point its RSS. */
static void collector_finish(struct collector *c)
{
	if (c->by_marker) {
		resolve_rss(c, 1);
	} else if (c->nwin) {
		advance(c, c->span);
		double rss = NAN, mapped = NAN;

		/* Windows with no sample of their own carry the last one. */
		for (size_t k = 0; k < c->npts; k++) {
			if (c->rss_n[k]) {
				rss = c->rss_sum[k] / c->rss_n[k];
				mapped = c->mapped_sum[k] / c->rss_n[k];
				c->pts[k].own_rss = 1;
			}
			c->pts[k].rss = rss;
			c->pts[k].mapped = mapped;
		}
		for (size_t k = c->npts; k-- > 0;)
			if (isnan(c->pts[k].rss) && k + 1 < c->npts) {
				c->pts[k].rss = c->pts[k + 1].rss;
				c->pts[k].mapped = c->pts[k + 1].mapped;
			}
	}
	for (size_t i = 0; i < c->nsites; i++)
		site_fill(c, &c->sites[i]);
}

/* --- the verdict ----------------------------------------------------------- */

const char *growth_verdict_name(enum growth_verdict v)
{
	return v == GROWTH_GROWING  ? "GROWING"
	       : v == GROWTH_STABLE ? "STABLE"
				    : "INCONCLUSIVE";
}

/*
 * Whether y[0..n) rose and then fell back: after its peak (the first
 * highest point) come at least a tenth of the points (2 at least: not
 * the frees of the program's exit alone), and the series ends having
 * given back at least half of what it rose by. The heap then does not
 * keep growing, whatever the trend test makes of the rise. *peak is the
 * peak's index.
 */
static int fell_back(const double *y, size_t n, size_t *peak)
{
	size_t p = 0;
	double low;

	for (size_t i = 1; i < n; i++)
		if (y[i] > y[p])
			p = i;
	low = y[0];
	for (size_t i = 1; i <= p; i++)
		if (y[i] < low)
			low = y[i];
	*peak = p;
	if (n - 1 - p < 2 || n - 1 - p < n / 10 || !(y[p] > low))
		return 0;
	return y[p] - y[n - 1] >= (y[p] - low) / 2;
}

static void why(struct growth_trend *sv, enum growth_verdict v,
		enum growth_reason r, double a, double b, double c)
{
	sv->verdict = v;
	sv->why = r;
	sv->why_v[0] = a;
	sv->why_v[1] = b;
	sv->why_v[2] = c;
}

/*
 * The verdict on a trend: significant, and above every floor (bytes per
 * unit, relative to the median, over the scatter, over the points), or
 * STABLE with the first floor it stays under.
 */
static void decide(const struct growth_options *o, const double *y, size_t n,
		   double span, double total_floor, struct growth_trend *sv)
{
	size_t peak;

	if (!(sv->t.p_value < o->alpha) || !(sv->t.lo > 0))
		why(sv, GROWTH_STABLE, GROWTH_WHY_NO_TREND, sv->t.p_value,
		    sv->t.lo, sv->t.hi);
	else if (!(sv->t.slope >= o->floor_bytes))
		why(sv, GROWTH_STABLE, GROWTH_WHY_UNDER_FLOOR, o->floor_bytes,
		    0, 0);
	else if (!(sv->relative >= o->floor_rel))
		why(sv, GROWTH_STABLE, GROWTH_WHY_UNDER_REL, sv->relative,
		    o->floor_rel, 0);
	else if (!(sv->growth >= NOISE_RATIO * sv->scatter))
		why(sv, GROWTH_STABLE, GROWTH_WHY_UNDER_NOISE, sv->growth,
		    sv->scatter, NOISE_RATIO);
	else if (!(sv->t.slope * span >= total_floor))
		why(sv, GROWTH_STABLE, GROWTH_WHY_UNDER_TOTAL,
		    sv->t.slope * span, total_floor, 0);
	else if (fell_back(y, n, &peak))
		why(sv, GROWTH_STABLE, GROWTH_WHY_FELL_BACK, y[peak],
		    (double)(peak + 1), y[n - 1]);
	else
		why(sv, GROWTH_GROWING, GROWTH_WHY_GROWING, 0, 0, 0);
}

/*
 * One series over points [from, n): Mann-Kendall says whether there is a
 * trend, Theil-Sen how steep it is; the floor whether it matters.
 */
static int judge(const struct growth_options *o, const double *x,
		 const double *y, size_t n, int too_short, double total_floor,
		 struct growth_trend *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->n = n;
	sv->t.slope = sv->t.lo = sv->t.hi = NAN;
	sv->t.p_value = 1;
	sv->t.n_ratio = 1;
	if (n) {
		double *m = xcalloc(n, sizeof(*m));

		memcpy(m, y, n * sizeof(*m));
		sv->median = stats_median(m, n);
		free(m);
		sv->first = y[0];
		sv->last = y[n - 1];
	}
	if (too_short) {
		why(sv, GROWTH_INCONCLUSIVE, GROWTH_WHY_TOO_SHORT,
		    MIN_SPAN_NS / 1e9, 0, 0);
		return 0;
	}
	if (n < MIN_POINTS) {
		why(sv, GROWTH_INCONCLUSIVE, GROWTH_WHY_FEW_POINTS, (double)n,
		    MIN_POINTS, 0);
		return 0;
	}
	/* Neighbouring points of a heap are rarely independent. */
	if (stats_trend_autocorr(x, y, n, 1 - o->alpha, &sv->t))
		return error("out of memory");
	double span = x[n - 1] - x[0];
	double *res = xcalloc(n, sizeof(*res));

	for (size_t i = 0; i < n; i++)
		res[i] = y[i] - sv->t.slope * x[i];
	sv->scatter =
		stats_quantile(res, n, 0.75) - stats_quantile(res, n, 0.25);
	free(res);
	sv->growth = sv->t.slope * span;

	sv->relative = sv->median > 0 ? sv->t.slope * span / sv->median
				      : (sv->t.slope > 0 ? INFINITY : 0);
	decide(o, y, n, span, total_floor, sv);
	return 0;
}

struct ranked {
	uint32_t stack;
	double slope, share;
	int64_t bytes; /* live bytes at the heap's peak minus first */
};

static int by_slope(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->slope != y->slope)
		return x->slope < y->slope ? 1 : -1;
	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/*
 * The site point at which the heap (what the sites add up to) was highest,
 * from site point j0 on: where the growth ends. The program may free
 * everything before it exits, after the last marker or in the last
 * window: the growth is measured up to here, not to the end.
 */
static size_t site_peak(const struct collector *c, size_t j0)
{
	size_t best = j0;

	for (size_t j = j0 + 1; j < c->nsp; j++)
		if (c->pts[j * c->sstride].heap_end >
		    c->pts[best * c->sstride].heap_end)
			best = j;
	return best;
}

/*
 * The sites whose live bytes grow over the site points from point `from`
 * up to the heap's peak, by Theil-Sen slope, with their share of the
 * growth of all growing sites.
 */
static int rank_sites(const struct collector *c, size_t from,
		      struct ranked **out, size_t *nout)
{
	size_t j0 = (from + c->sstride - 1) / c->sstride, k = 0;
	size_t jp = j0 < c->nsp ? site_peak(c, j0) : j0;
	size_t n = c->nsp > j0 ? jp + 1 - j0 : 0;
	double *x = xcalloc(n, sizeof(*x));
	double *y = xcalloc(n, sizeof(*y)), total = 0;
	struct ranked *r = xcalloc(c->nsites, sizeof(*r));
	int rc = 0;

	for (size_t j = 0; j < n; j++)
		x[j] = c->pts[(j0 + j) * c->sstride].x;
	for (size_t i = 0; i < c->nsites && n >= 2; i++) {
		const struct site *s = &c->sites[i];

		if (s->series[jp] <= s->series[j0])
			continue;
		struct trend t = { 0 };

		for (size_t j = 0; j < n; j++)
			y[j] = (double)s->series[j0 + j];
		if (stats_theil_sen(x, y, n, 0.5, &t)) {
			rc = error("out of memory");
			goto out;
		}
		if (!(t.slope > 0))
			continue;
		r[k].stack = s->stack;
		r[k].slope = t.slope;
		r[k].bytes = s->series[jp] - s->series[j0];
		total += t.slope;
		k++;
	}
	for (size_t i = 0; i < k; i++)
		r[i].share = r[i].slope / total;
	qsort(r, k, sizeof(*r), by_slope);
	/* Below 1% of the growth is noise, not an explanation. */
	while (k && r[k - 1].share < 0.01)
		k--;
out:
	free(x);
	free(y);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	*nout = k;
	return 0;
}

/* The first point after the warm-up. */
static size_t warmup_end(const struct collector *c,
			 const struct growth_options *o)
{
	size_t i = 0;

	switch (o->warmup_kind) {
	case WARMUP_PERCENT:
		return (size_t)floor(c->npts * o->warmup / 100);
	case WARMUP_SECONDS:
		while (i < c->npts &&
		       (c->by_marker
				? c->pts[i].ts
				: (i ? c->pts[i - 1].ts : 0)) < o->warmup * 1e9)
			i++;
		return i;
	case WARMUP_POINTS:
		/* Markers count by their number, windows by theirs. */
		while (i < c->npts &&
		       (c->by_marker ? c->pts[i].x : (double)i) < o->warmup)
			i++;
		return i;
	}
	return 0;
}

static void warmup_text(const struct growth_options *o, char *buf, size_t len)
{
	switch (o->warmup_kind) {
	case WARMUP_PERCENT:
		snprintf(buf, len, "the first %g%%", o->warmup);
		break;
	case WARMUP_SECONDS:
		snprintf(buf, len, "the first %g s", o->warmup);
		break;
	case WARMUP_POINTS:
		snprintf(buf, len, "the first %g points", o->warmup);
		break;
	}
}

/* The label the points are at: --marker's, or the most frequent. */
static int choose_label(struct collector *c, const char *path,
			const struct replay *rp1, const struct growth_scan *s,
			const struct growth_options *o)
{
	if (o->marker) {
		for (size_t i = 1; i < s->nlabels; i++)
			if (s->label_count[i] &&
			    !strcmp(replay_string(rp1, (uint32_t)i),
				    o->marker)) {
				c->label = (uint32_t)i;
				return 0;
			}
		return error("%s: no marker '%s' in the trace (%" PRIu64
			     " markers in all)",
			     path, o->marker, s->markers);
	}
	for (size_t i = 1; i < s->nlabels; i++)
		if (s->label_count[i] >
		    (c->label ? s->label_count[c->label] : 0))
			c->label = (uint32_t)i;
	/* A few phase markers are no series: time windows then. */
	if (c->label && s->label_count[c->label] < MIN_POINTS)
		c->label = 0;
	return 0;
}

/* Where the points fall: every stride-th marker, or nwin windows. */
static void collector_setup(struct collector *c, const struct replay *rp1,
			    const struct growth_scan *s,
			    const struct growth_options *o)
{
	c->by_marker = c->label != 0;
	if (c->by_marker) {
		uint64_t n = s->label_count[c->label];

		c->stride = (n + POINT_CAP - 1) / POINT_CAP;
		if (!c->stride)
			c->stride = 1;
		c->cap = (size_t)((n + c->stride - 1) / c->stride);
	} else {
		c->span = rp1->last_ts;
		c->nwin = c->span ? o->windows : 0;
		c->cur_end = c->nwin ? win_end(c, 0) : UINT64_MAX;
		c->cap = c->nwin;
		c->rss_sum = xcalloc(c->nwin + 1, sizeof(*c->rss_sum));
		c->mapped_sum = xcalloc(c->nwin + 1, sizeof(*c->mapped_sum));
		c->rss_n = xcalloc(c->nwin + 1, sizeof(*c->rss_n));
	}
	c->sstride = (c->cap + SITE_POINTS - 1) / SITE_POINTS;
	if (!c->sstride)
		c->sstride = 1;
	c->spcap = (c->cap + c->sstride - 1) / c->sstride;
	c->pts = xcalloc(c->cap + 1, sizeof(*c->pts));
}

/* The second reading: each event logged, and into the series at once. */
struct reread {
	struct collector *c;
	struct growth_log log;
};

static int reread_flush(struct reread *x)
{
	/* Room for one entry was made at the start and is all it needs; an
	 * event it could not log would be missing from the series. */
	if (x->log.over)
		return error("out of memory");
	int rc = col_log(x->c, x->log.p, x->log.p + x->log.len);

	x->log.len = 0;
	return rc;
}

static int reread_event(void *ctx, const struct trace_event *ev)
{
	struct reread *x = ctx;

	log_event(&x->log, ev);
	return reread_flush(x);
}

static int reread_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct reread *x = ctx;

	log_memory(&x->log, ts, rss, mapped);
	return reread_flush(x);
}

/* The series from a second reading of the trace at path, with rp. */
static int second_pass(struct collector *c, struct replay *rp, const char *path)
{
	struct trace_visitor rv, cv;
	struct visitor_tee tee;
	struct reread x = { .c = c, .log = { .rp = rp, .limit = L_ENTRY_MAX } };
	struct trace_reader *r = trace_reader_open(path);
	int rc = -1;

	if (!r)
		return -1;
	trace_reader_quiet(r);
	replay_visitor(rp, &rv);
	memset(&cv, 0, sizeof(cv));
	cv.ctx = &x;
	cv.event = reread_event;
	cv.memory = reread_memory;
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &rv);
	visitor_tee_add(&tee, &cv);
	if (log_room(&x.log))
		error("out of memory");
	else if (!trace_reader_run(r, &tee.out))
		rc = 0;
	trace_reader_free(r);
	free(x.log.p);
	return rc;
}

/* The heap's and the resident set's verdicts, and the overall one. */
static int judge_series(const struct collector *c,
			const struct growth_options *o, struct growth_result *g)
{
	size_t n = c->npts - g->from, nr = 0, own = 0;
	double *x = xcalloc(n + 1, sizeof(*x));
	double *y = xcalloc(n + 1, sizeof(*y));
	int too_short = !c->by_marker && c->span < MIN_SPAN_NS;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		x[i] = c->pts[g->from + i].x;
		y[i] = c->pts[g->from + i].heap;
	}
	if (judge(o, x, y, n, too_short, 0, &g->heap))
		goto out;
	/* The resident set: the points that have a sample. */
	for (size_t i = 0; i < n; i++) {
		const struct growth_point *p = &c->pts[g->from + i];

		if (isnan(p->rss))
			continue;
		x[nr] = p->x;
		y[nr++] = p->rss;
		own += c->by_marker || p->own_rss;
	}
	if (judge(o, x, y, nr, too_short, o->rss_floor, &g->rss))
		goto out;
	if (!too_short && own < MIN_POINTS)
		why(&g->rss, GROWTH_INCONCLUSIVE, GROWTH_WHY_RSS_SAMPLES,
		    (double)own, 0, 0);
	g->verdict = g->heap.verdict;
	g->basis = "heap";
	if (g->heap.verdict == GROWTH_STABLE &&
	    g->rss.verdict == GROWTH_GROWING) {
		g->verdict = GROWTH_GROWING;
		g->basis = "rss";
	}
	rc = 0;
out:
	free(x);
	free(y);
	return rc;
}

/* The sites that explain a growing heap, symbolized: at most max_sites. */
static int growing_sites(const struct collector *c, const struct replay *rp,
			 const struct growth_options *o,
			 struct growth_result *g)
{
	struct ranked *r = NULL;
	size_t n = 0;
	struct sym_frame *frames;

	if (g->heap.verdict != GROWTH_GROWING)
		return 0;
	if (rank_sites(c, g->from, &r, &n))
		return -1;
	if (n > o->max_sites)
		n = o->max_sites;
	frames = xcalloc(MAX_FRAMES, sizeof(*frames));
	g->sites = xcalloc(n ? n : 1, sizeof(*g->sites));
	for (size_t i = 0; i < n; i++) {
		struct growth_site *gs = &g->sites[g->nsites++];
		size_t nf = frames_of_stack(rp, g->sym, r[i].stack, frames,
					    MAX_FRAMES);

		*gs = (struct growth_site){ .stack = r[i].stack,
					    .slope = r[i].slope,
					    .share = r[i].share,
					    .bytes = r[i].bytes,
					    .nframes = nf };
		gs->frames = xcalloc(nf ? nf : 1, sizeof(*frames));
		memcpy(gs->frames, frames, nf * sizeof(*frames));
		gs->id = site_id_of(gs->frames, nf);
	}
	free(frames);
	free(r);
	return 0;
}

/* The model's part of the result: where the points are, and their values. */
static void series_result(const struct collector *c, const char *label,
			  const struct growth_scan *s,
			  const struct growth_options *o,
			  struct growth_result *g)
{
	g->by_marker = c->by_marker;
	g->label = label ? xstrdup(label) : NULL;
	g->markers = s->markers;
	g->window_s = c->nwin ? c->span / 1e9 / c->nwin : 0.0;
	g->npts = c->npts;
	g->pts = xcalloc(c->npts + 1, sizeof(*g->pts));
	memcpy(g->pts, c->pts, c->npts * sizeof(*g->pts));
	g->from = warmup_end(c, o);
	if (g->from > c->npts)
		g->from = c->npts;
	g->unit = c->by_marker ? "marker" : "second";
	warmup_text(o, g->warmup, sizeof(g->warmup));
	g->confidence = 1 - o->alpha;
	g->floor_bytes = o->floor_bytes;
	g->floor_rel = o->floor_rel;
	g->verdict = GROWTH_INCONCLUSIVE;
	g->complete = o->complete;
}

int growth_collect(const char *path, const struct replay *rp1,
		   const struct growth_scan *s, const struct growth_options *o,
		   struct growth_result *g)
{
	struct collector c;
	struct replay rp;
	int rc = -1;

	memset(g, 0, sizeof(*g));
	memset(&c, 0, sizeof(c));
	replay_init(&rp);
	c.rp = s->log.limit && !s->log.over ? rp1 : &rp;
	c.o = o;
	if (choose_label(&c, path, rp1, s, o))
		goto cleanup;
	collector_setup(&c, rp1, s, o);
	if (c.rp == rp1 ? col_log(&c, s->log.p, s->log.p + s->log.len)
			: second_pass(&c, &rp, path))
		goto cleanup;
	collector_finish(&c);
	series_result(&c, c.label ? replay_string(rp1, c.label) : NULL, s, o,
		      g);
	if (o->timeline) {
		rc = 0;
		goto cleanup;
	}
	if (!(g->sym = symbols_new())) {
		error("out of memory");
		goto cleanup;
	}
	if (judge_series(&c, o, g) || growing_sites(&c, c.rp, o, g))
		goto cleanup;
	g->judged = 1;
	rc = 0;
cleanup:
	collector_release(&c);
	replay_release(&rp);
	return rc;
}

void growth_result_release(struct growth_result *g)
{
	for (size_t i = 0; i < g->nsites; i++)
		free(g->sites[i].frames);
	free(g->sites);
	free(g->pts);
	free((char *)g->label);
	if (g->sym)
		symbols_free(g->sym);
	memset(g, 0, sizeof(*g));
}
