/* growth.c - the memory-growth verdict, its evidence and the timeline. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frames.h"
#include "growth.h"
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

const char growth_usage[] =
	"  --growth             does memory keep growing? GROWING, STABLE or\n"
	"                       INCONCLUSIVE, with slope, interval, p-value\n"
	"                       and the allocation sites that grow\n"
	"  --fail-on-growth     exit 1 when memory is GROWING (implies "
	"--growth)\n"
	"  --timeline           the heap and resident-set series (CSV; JSON\n"
	"                       with --json) at the points of --growth\n"
	"  --marker LABEL       points at the markers LABEL (default: the "
	"most\n"
	"                       frequent label; no markers: time windows)\n"
	"  --warmup W           leave out the start: N% of the points, Ns\n"
	"                       seconds, or N points (default 20%)\n"
	"  --growth-floor B     growth below B bytes per marker (or per "
	"second\n"
	"                       without markers) is STABLE (default 1)\n"
	"  --growth-relative F  growth over the points below F (a fraction) "
	"of\n"
	"                       the median heap is STABLE (default 0.01)\n"
	"  --rss-floor B        resident-set growth over the points below B "
	"bytes\n"
	"                       is STABLE (default 1048576: RSS moves in "
	"pages,\n"
	"                       and holds the profiler's own buffers)\n"
	"  --windows N          time windows without markers (8 to 1000, "
	"default\n"
	"                       40)\n"
	"  --alpha A            significance level of the trend test "
	"(default\n"
	"                       0.05)\n";

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

static int bad(const char *opt, const char *what, const char *arg)
{
	fprintf(stderr, "perfanalyze: %s takes %s, not '%s'\n", opt, what, arg);
	return -1;
}

/* A finite number >= 0, with an optional suffix (returned in *rest). */
static int number(const char *arg, double *v, const char **rest)
{
	char *end;

	if (!*arg || *arg == '-' || *arg == '+' || *arg == ' ')
		return -1;
	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || !isfinite(*v) || *v < 0)
		return -1;
	*rest = end;
	return 0;
}

int growth_option(struct growth_options *o, int opt, const char *arg)
{
	const char *rest;
	double v;

	switch (opt) {
	case GROWTH_OPT_GROWTH:
		o->on = 1;
		return 0;
	case GROWTH_OPT_FAIL:
		o->on = o->fail = 1;
		return 0;
	case GROWTH_OPT_TIMELINE:
		o->on = o->timeline = 1;
		return 0;
	case GROWTH_OPT_MARKER:
		o->tuned = 1;
		if (!*arg || strlen(arg) > PERFSHIM_MAX_STRING_LEN)
			return bad("--marker", "a marker label", arg);
		o->marker = arg;
		return 0;
	case GROWTH_OPT_WARMUP:
		o->tuned = 1;
		if (number(arg, &v, &rest))
			return bad("--warmup", "N%, Ns or N", arg);
		if (!strcmp(rest, "%") && v < 100) {
			o->warmup_kind = WARMUP_PERCENT;
		} else if (!strcmp(rest, "s")) {
			o->warmup_kind = WARMUP_SECONDS;
		} else if (!*rest && v == floor(v) && v < 1e9) {
			o->warmup_kind = WARMUP_POINTS;
		} else {
			return bad("--warmup",
				   "N% (under 100), Ns (seconds) or N "
				   "(a whole number of points)",
				   arg);
		}
		o->warmup = v;
		return 0;
	case GROWTH_OPT_FLOOR:
		o->tuned = 1;
		if (number(arg, &v, &rest) || *rest)
			return bad("--growth-floor", "a number of bytes", arg);
		o->floor_bytes = v;
		return 0;
	case GROWTH_OPT_RELATIVE:
		o->tuned = 1;
		if (number(arg, &v, &rest) || *rest || v > 1000)
			return bad("--growth-relative",
				   "a fraction of the heap (0.01 is 1%)", arg);
		o->floor_rel = v;
		return 0;
	case GROWTH_OPT_WINDOWS:
		o->tuned = 1;
		if (number(arg, &v, &rest) || *rest || v != floor(v) || v < 8 ||
		    v > 1000)
			return bad("--windows", "a whole number from 8 to 1000",
				   arg);
		o->windows = (unsigned)v;
		return 0;
	case GROWTH_OPT_RSS_FLOOR:
		o->tuned = 1;
		if (number(arg, &v, &rest) || *rest)
			return bad("--rss-floor", "a number of bytes", arg);
		o->rss_floor = v;
		return 0;
	case GROWTH_OPT_ALPHA:
		o->tuned = 1;
		if (number(arg, &v, &rest) || *rest || v <= 0 || v >= 0.5)
			return bad("--alpha", "a level above 0 and below 0.5",
				   arg);
		o->alpha = v;
		return 0;
	}
	return -1;
}

/* --- the first pass: markers per label ------------------------------------ */

void growth_scan_init(struct growth_scan *s)
{
	memset(s, 0, sizeof(*s));
}

void growth_scan_release(struct growth_scan *s)
{
	free(s->label_count);
	memset(s, 0, sizeof(*s));
}

int growth_check_input(const char *path)
{
	struct stat st;

	/* A path that cannot be opened is the reader's to report. */
	if (stat(path, &st) || S_ISREG(st.st_mode))
		return 0;
	fprintf(stderr,
		"perfanalyze: %s: --growth reads the trace twice, and this is "
		"not a regular file (a pipe?); save the trace to a file "
		"first\n",
		path);
	return -1;
}

static int oom(void)
{
	fprintf(stderr, "perfanalyze: out of memory\n");
	return -1;
}

static int scan_event(void *ctx, const struct trace_event *ev)
{
	struct growth_scan *s = ctx;

	if (ev->kind != PERFSHIM_EV_MARK)
		return 0;
	if (ev->label >= s->nlabels) {
		size_t n = s->nlabels ? s->nlabels : 16;

		while (n <= ev->label)
			n *= 2;
		uint64_t *c = realloc(s->label_count, n * sizeof(*c));

		if (!c)
			return oom();
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

	(void)ts;
	(void)rss;
	(void)mapped;
	s->memory_samples++;
	return 0;
}

void growth_scan_visitor(struct growth_scan *s, struct trace_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->ctx = s;
	v->event = scan_event;
	v->memory = scan_memory;
}

/* --- the second pass: the series ------------------------------------------- */

struct point {
	double x;	   /* marker number, or seconds (window middle) */
	uint64_t ts;	   /* ns: the marker, or the window's end */
	double heap;	   /* at the marker; time-weighted mean in a window */
	double rss;	   /* resident bytes, NAN when unknown */
	double mapped;	   /* mapped bytes, NAN when unknown */
	uint64_t heap_end; /* heap at ts (what the sites add up to) */
	int own_rss;	   /* a window with a sample of its own */
};

struct site {
	uint32_t stack; /* canonical; UINT32_MAX: empty slot */
	uint32_t filled;
	int64_t live;
	int64_t *series; /* live bytes at each site point */
};

struct mem_sample {
	uint64_t ts, rss, mapped;
};

struct collector {
	const struct replay *rp; /* the second pass's */
	const struct growth_options *o;
	int by_marker;
	uint32_t label; /* by marker: the string id */
	uint64_t stride;
	uint64_t seen; /* markers of the label so far */

	/* Time windows: [k * span / W, (k + 1) * span / W). */
	uint64_t span;
	unsigned nwin, cur;
	double integral; /* bytes * ns in the current window */
	uint64_t acc_from;
	double *rss_sum, *mapped_sum;
	uint32_t *rss_n;

	uint64_t heap_prev; /* the heap before the current event */

	struct point *pts;
	size_t npts, cap;
	/* Sites are followed at every sstride-th point: nsp so far. */
	size_t sstride, nsp, spcap;
	size_t rss_done; /* by marker: points whose RSS is known */

	struct mem_sample ring[RING];
	size_t ring_n, ring_head; /* sorted by ts, oldest at ring_head */

	struct site *sites; /* open addressing on stack id */
	size_t site_cap, nsites;
	int failed;
};

static uint64_t win_end(const struct collector *c, unsigned k)
{
	return (uint64_t)((unsigned __int128)c->span * (k + 1) / c->nwin);
}

static struct site *site_of(struct collector *c, uint32_t stack)
{
	if ((c->nsites + 1) * 2 > c->site_cap) {
		size_t cap = c->site_cap ? 2 * c->site_cap : 1024;
		struct site *n = calloc(cap, sizeof(*n));

		if (!n)
			return NULL;
		for (size_t i = 0; i < cap; i++)
			n[i].stack = UINT32_MAX;
		for (size_t i = 0; i < c->site_cap; i++) {
			if (c->sites[i].stack == UINT32_MAX)
				continue;
			size_t s =
				(c->sites[i].stack * 2654435761u) & (cap - 1);

			while (n[s].stack != UINT32_MAX)
				s = (s + 1) & (cap - 1);
			n[s] = c->sites[i];
		}
		free(c->sites);
		c->sites = n;
		c->site_cap = cap;
	}
	size_t s = (stack * 2654435761u) & (c->site_cap - 1);

	while (c->sites[s].stack != UINT32_MAX && c->sites[s].stack != stack)
		s = (s + 1) & (c->site_cap - 1);
	if (c->sites[s].stack == UINT32_MAX) {
		c->sites[s].series = calloc(c->spcap ? c->spcap : 1,
					    sizeof(*c->sites[s].series));
		if (!c->sites[s].series)
			return NULL;
		c->sites[s].stack = stack;
		c->nsites++;
	}
	return &c->sites[s];
}

/* The site's live bytes at every point taken so far, before it changes. */
static void site_fill(const struct collector *c, struct site *s)
{
	while (s->filled < c->nsp)
		s->series[s->filled++] = s->live;
}

static int site_add(struct collector *c, uint32_t stack, int64_t bytes)
{
	struct site *s = site_of(c, stack);

	if (!s) {
		c->failed = 1;
		return oom();
	}
	site_fill(c, s);
	s->live += bytes;
	return 0;
}

static void take_point(struct collector *c, double x, uint64_t ts, double heap,
		       uint64_t heap_end)
{
	if (c->npts == c->cap)
		return;
	if (c->npts % c->sstride == 0)
		c->nsp++;
	struct point *p = &c->pts[c->npts++];

	p->x = x;
	p->ts = ts;
	p->heap = heap;
	p->heap_end = heap_end;
	p->rss = p->mapped = NAN;
}

/* Close the windows that end at or before ts (the heap was heap_prev). */
static void advance(struct collector *c, uint64_t ts)
{
	while (c->cur < c->nwin && ts >= win_end(c, c->cur)) {
		uint64_t end = win_end(c, c->cur);
		uint64_t start = c->cur ? win_end(c, c->cur - 1) : 0;
		double len = (double)(end - start);

		c->integral +=
			(double)c->heap_prev * (double)(end - c->acc_from);
		take_point(c, (double)(start + end) / 2e9, end,
			   len > 0 ? c->integral / len : (double)c->heap_prev,
			   c->heap_prev);
		c->cur++;
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
		struct point *p = &c->pts[c->rss_done++];

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

static int col_event(void *ctx, const struct trace_event *ev)
{
	struct collector *c = ctx;
	const struct replay *rp = c->rp;

	if (!c->by_marker)
		advance(c, ev->ts);
	if (ev->kind == PERFSHIM_EV_ALLOC) {
		uint32_t stack = ev->stack < rp->nnodes
					 ? rp->nodes[ev->stack].canon
					 : ev->stack;
		/* The same address live twice: replay dropped the old block. */
		if (rp->live_bytes - c->heap_prev != ev->size &&
		    rp->freed.addr &&
		    site_add(c, rp->freed.stack, -(int64_t)rp->freed.size))
			return -1;
		if (site_add(c, stack, (int64_t)ev->size))
			return -1;
	} else if (ev->kind == PERFSHIM_EV_FREE && rp->freed.addr) {
		if (site_add(c, rp->freed.stack, -(int64_t)rp->freed.size))
			return -1;
	} else if (ev->kind == PERFSHIM_EV_MARK && c->by_marker &&
		   ev->label == c->label) {
		if (c->seen % c->stride == 0)
			take_point(c, (double)c->seen, ev->ts,
				   (double)rp->live_bytes, rp->live_bytes);
		c->seen++;
	}
	c->heap_prev = rp->live_bytes;
	return 0;
}

static void collector_release(struct collector *c)
{
	for (size_t i = 0; i < c->site_cap; i++)
		free(c->sites[i].series);
	free(c->sites);
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
	for (size_t i = 0; i < c->site_cap; i++)
		if (c->sites[i].stack != UINT32_MAX)
			site_fill(c, &c->sites[i]);
}

/* --- the verdict ----------------------------------------------------------- */

struct series_verdict {
	enum growth_verdict verdict;
	struct trend t;
	size_t n;
	double first, last, median;
	double relative; /* slope * span / median */
	double growth;	 /* slope * span */
	double scatter;	 /* interquartile range around the trend */
	char why[160];
};

static const char *verdict_name(enum growth_verdict v)
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

/*
 * One series over points [from, n): Mann-Kendall says whether there is a
 * trend, Theil-Sen how steep it is; the floor whether it matters.
 */
static int judge(const struct growth_options *o, const double *x,
		 const double *y, size_t n, const char *unit, int too_short,
		 double total_floor, struct series_verdict *sv)
{
	size_t peak;

	memset(sv, 0, sizeof(*sv));
	sv->n = n;
	sv->t.slope = sv->t.lo = sv->t.hi = NAN;
	sv->t.p_value = 1;
	sv->t.n_ratio = 1;
	if (n) {
		double *m = malloc(n * sizeof(*m));

		if (!m)
			return oom();
		memcpy(m, y, n * sizeof(*m));
		sv->median = stats_median(m, n);
		free(m);
		sv->first = y[0];
		sv->last = y[n - 1];
	}
	if (too_short) {
		sv->verdict = GROWTH_INCONCLUSIVE;
		snprintf(sv->why, sizeof(sv->why),
			 "the run is too short to judge (under %.1f s)",
			 MIN_SPAN_NS / 1e9);
		return 0;
	}
	if (n < MIN_POINTS) {
		sv->verdict = GROWTH_INCONCLUSIVE;
		snprintf(sv->why, sizeof(sv->why),
			 "only %zu point%s after the warm-up (at least %d "
			 "needed)",
			 n, n == 1 ? "" : "s", MIN_POINTS);
		return 0;
	}
	/* Neighbouring points of a heap are rarely independent. */
	if (stats_trend_autocorr(x, y, n, 1 - o->alpha, &sv->t))
		return oom();
	double span = x[n - 1] - x[0];
	double *res = malloc(n * sizeof(*res));

	if (!res)
		return oom();
	for (size_t i = 0; i < n; i++)
		res[i] = y[i] - sv->t.slope * x[i];
	sv->scatter =
		stats_quantile(res, n, 0.75) - stats_quantile(res, n, 0.25);
	free(res);
	sv->growth = sv->t.slope * span;

	sv->relative = sv->median > 0 ? sv->t.slope * span / sv->median
				      : (sv->t.slope > 0 ? INFINITY : 0);
	if (!(sv->t.p_value < o->alpha) || !(sv->t.lo > 0)) {
		sv->verdict = GROWTH_STABLE;
		snprintf(sv->why, sizeof(sv->why),
			 "no significant upward trend (p = %.3g, interval "
			 "from %.4g to %.4g)",
			 sv->t.p_value, sv->t.lo, sv->t.hi);
	} else if (!(sv->t.slope >= o->floor_bytes)) {
		sv->verdict = GROWTH_STABLE;
		snprintf(sv->why, sizeof(sv->why),
			 "a trend, but below the floor of %.4g bytes per %s",
			 o->floor_bytes, unit);
	} else if (!(sv->relative >= o->floor_rel)) {
		sv->verdict = GROWTH_STABLE;
		snprintf(sv->why, sizeof(sv->why),
			 "a trend, but only %.3g%% of the median over "
			 "the points (floor %.3g%%)",
			 100 * sv->relative, 100 * o->floor_rel);
	} else if (!(sv->growth >= NOISE_RATIO * sv->scatter)) {
		sv->verdict = GROWTH_STABLE;
		snprintf(sv->why, sizeof(sv->why),
			 "a trend, but its growth over the points (%.0f bytes) "
			 "is under %d times their scatter around it (%.0f)",
			 sv->growth, NOISE_RATIO, sv->scatter);
	} else if (!(sv->t.slope * span >= total_floor)) {
		sv->verdict = GROWTH_STABLE;
		snprintf(sv->why, sizeof(sv->why),
			 "a trend, but only %.0f bytes over the points "
			 "(floor %.0f)",
			 sv->t.slope * span, total_floor);
	} else if (fell_back(y, n, &peak)) {
		sv->verdict = GROWTH_STABLE;
		snprintf(sv->why, sizeof(sv->why),
			 "it rose and fell back: up to %.0f bytes at point "
			 "%zu of %zu, then down to %.0f at the end",
			 y[peak], peak + 1, n, y[n - 1]);
	} else {
		sv->verdict = GROWTH_GROWING;
		snprintf(sv->why, sizeof(sv->why),
			 "significant upward trend above the floor");
	}
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
	double *x = malloc((n ? n : 1) * sizeof(*x));
	double *y = malloc((n ? n : 1) * sizeof(*y)), total = 0;
	struct ranked *r = calloc(c->nsites ? c->nsites : 1, sizeof(*r));
	int rc = 0;

	if (!x || !y || !r) {
		rc = oom();
		goto out;
	}
	for (size_t j = 0; j < n; j++)
		x[j] = c->pts[(j0 + j) * c->sstride].x;
	for (size_t i = 0; i < c->site_cap && n >= 2; i++) {
		const struct site *s = &c->sites[i];

		if (s->stack == UINT32_MAX || s->series[jp] <= s->series[j0])
			continue;
		struct trend t = { 0 };

		for (size_t j = 0; j < n; j++)
			y[j] = (double)s->series[j0 + j];
		if (stats_theil_sen(x, y, n, 0.5, &t)) {
			rc = oom();
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

/* --- output ---------------------------------------------------------------- */

static void json_trend(struct json_writer *w, const struct series_verdict *sv)
{
	json_key(w, "verdict");
	json_string(w, verdict_name(sv->verdict));
	json_key(w, "reason");
	json_string(w, sv->why);
	json_key(w, "slope");
	json_double(w, sv->t.slope);
	json_key(w, "interval");
	json_array_begin(w);
	json_double(w, sv->t.lo);
	json_double(w, sv->t.hi);
	json_array_end(w);
	json_key(w, "p_value");
	json_double(w, sv->t.p_value);
	json_key(w, "mann_kendall_s");
	json_double(w, sv->t.s);
	json_key(w, "autocorrelation_factor");
	json_double(w, sv->t.n_ratio);
	json_key(w, "points");
	json_u64(w, sv->n);
	json_key(w, "first");
	json_double(w, sv->first);
	json_key(w, "last");
	json_double(w, sv->last);
	json_key(w, "median");
	json_double(w, sv->median);
	json_key(w, "relative_growth");
	json_double(w, sv->relative);
	json_key(w, "growth");
	json_double(w, sv->growth);
	json_key(w, "scatter");
	json_double(w, sv->scatter);
}

static void text_trend(FILE *out, const char *what,
		       const struct series_verdict *sv, const char *unit,
		       double conf)
{
	fprintf(out, "%s: %s", what, verdict_name(sv->verdict));
	if (isnan(sv->t.slope)) {
		fprintf(out, ": %s\n", sv->why);
		return;
	}
	fprintf(out,
		": %.6g bytes per %s (%.0f%% interval %.6g to %.6g), "
		"Mann-Kendall p = %.3g, %zu points\n",
		sv->t.slope, unit, 100 * conf, sv->t.lo, sv->t.hi,
		sv->t.p_value, sv->n);
	fprintf(out, "    %s; from %.0f to %.0f bytes (median %.0f)", sv->why,
		sv->first, sv->last, sv->median);
	if (sv->t.n_ratio > 1)
		fprintf(out, "; Var(S) x %.3g for autocorrelation",
			sv->t.n_ratio);
	fputc('\n', out);
}

static void timeline_out(const struct collector *c, size_t from,
			 const char *label, FILE *out, int json)
{
	if (json) {
		struct json_writer w;

		json_writer_init(&w, out);
		json_object_begin(&w);
		json_key(&w, "basis");
		json_string(&w, c->by_marker ? "markers" : "time");
		json_key(&w, "marker");
		json_string(&w, c->by_marker ? label : NULL);
		json_key(&w, "points");
		json_array_begin(&w);
		for (size_t i = 0; i < c->npts; i++) {
			const struct point *p = &c->pts[i];

			json_object_begin(&w);
			json_key(&w, c->by_marker ? "marker" : "window");
			json_u64(&w, c->by_marker ? (uint64_t)p->x : i);
			json_key(&w, "time_s");
			json_double(&w, p->ts / 1e9);
			json_key(&w, "heap_bytes");
			json_double(&w, p->heap);
			json_key(&w, "rss_bytes");
			json_double(&w, p->rss);
			json_key(&w, "mapped_bytes");
			json_double(&w, p->mapped);
			json_key(&w, "warmup");
			json_bool(&w, i < from);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		json_writer_finish(&w);
		return;
	}
	fprintf(out, "%s,time_s,heap_bytes,rss_bytes,mapped_bytes,warmup\n",
		c->by_marker ? "marker" : "window");
	for (size_t i = 0; i < c->npts; i++) {
		const struct point *p = &c->pts[i];

		fprintf(out, "%" PRIu64 ",%.6f,%.0f,",
			c->by_marker ? (uint64_t)p->x : (uint64_t)i,
			p->ts / 1e9, p->heap);
		if (isnan(p->rss))
			fprintf(out, ",,");
		else
			fprintf(out, "%.0f,%.0f,", p->rss, p->mapped);
		fprintf(out, "%d\n", i < from);
	}
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

int growth_report(struct trace_reader *again, const char *path,
		  const struct replay *rp1, const struct growth_scan *s,
		  const struct growth_options *o, FILE *out,
		  enum growth_verdict *verdict)
{
	struct collector c;
	struct replay rp;
	struct trace_visitor rv, cv;
	struct visitor_tee tee;
	struct trace_reader *r = again;
	struct symbols *sym = NULL;
	struct sym_frame *frames = NULL;
	struct ranked *sites = NULL;
	size_t nsites = 0;
	double *x = NULL, *yh = NULL, *yr = NULL;
	const char *label = NULL;
	int rc = -1;

	*verdict = GROWTH_INCONCLUSIVE;
	memset(&c, 0, sizeof(c));
	replay_init(&rp);
	c.rp = &rp;
	c.o = o;
	if (o->marker) {
		for (size_t i = 1; i < s->nlabels; i++)
			if (s->label_count[i] &&
			    !strcmp(replay_string(rp1, (uint32_t)i),
				    o->marker)) {
				c.label = (uint32_t)i;
				break;
			}
		if (!c.label) {
			fprintf(stderr,
				"perfanalyze: %s: no marker '%s' in the "
				"trace (%" PRIu64 " markers in all)\n",
				path, o->marker, s->markers);
			goto cleanup;
		}
	} else {
		for (size_t i = 1; i < s->nlabels; i++)
			if (s->label_count[i] >
			    (c.label ? s->label_count[c.label] : 0))
				c.label = (uint32_t)i;
		/* A few phase markers are no series: time windows then. */
		if (c.label && s->label_count[c.label] < MIN_POINTS)
			c.label = 0;
	}
	c.by_marker = c.label != 0;
	if (c.by_marker) {
		uint64_t n = s->label_count[c.label];

		label = replay_string(rp1, c.label);
		c.stride = (n + POINT_CAP - 1) / POINT_CAP;
		if (!c.stride)
			c.stride = 1;
		c.cap = (size_t)((n + c.stride - 1) / c.stride);
	} else {
		c.span = rp1->last_ts;
		c.nwin = c.span ? o->windows : 0;
		c.cap = c.nwin;
		c.rss_sum = calloc(c.nwin + 1, sizeof(*c.rss_sum));
		c.mapped_sum = calloc(c.nwin + 1, sizeof(*c.mapped_sum));
		c.rss_n = calloc(c.nwin + 1, sizeof(*c.rss_n));
		if (!c.rss_sum || !c.mapped_sum || !c.rss_n) {
			oom();
			goto cleanup;
		}
	}
	c.sstride = (c.cap + SITE_POINTS - 1) / SITE_POINTS;
	if (!c.sstride)
		c.sstride = 1;
	c.spcap = (c.cap + c.sstride - 1) / c.sstride;
	c.pts = calloc(c.cap + 1, sizeof(*c.pts));
	if (!c.pts) {
		oom();
		goto cleanup;
	}

	/* The second pass. */
	trace_reader_quiet(r);
	replay_visitor(&rp, &rv);
	memset(&cv, 0, sizeof(cv));
	cv.ctx = &c;
	cv.event = col_event;
	cv.memory = col_memory;
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &rv);
	visitor_tee_add(&tee, &cv);
	if (trace_reader_run(r, &tee.out) || c.failed)
		goto cleanup;
	collector_finish(&c);

	size_t from = warmup_end(&c, o);

	if (from > c.npts)
		from = c.npts;
	if (o->timeline) {
		timeline_out(&c, from, label, out, o->json);
		rc = ferror(out) ? -1 : 0;
		if (rc)
			fprintf(stderr, "perfanalyze: cannot write the "
					"timeline\n");
		goto cleanup;
	}

	size_t n = c.npts - from, nr = 0;

	x = malloc((n + 1) * sizeof(*x));
	yh = malloc((n + 1) * sizeof(*yh));
	yr = malloc((n + 1) * sizeof(*yr));
	if (!x || !yh || !yr) {
		oom();
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		x[i] = c.pts[from + i].x;
		yh[i] = c.pts[from + i].heap;
	}
	const char *unit = c.by_marker ? "marker" : "second";
	int too_short = !c.by_marker && c.span < MIN_SPAN_NS;
	struct series_verdict heap, rss;

	if (judge(o, x, yh, n, unit, too_short, 0, &heap))
		goto cleanup;
	/* The resident set: the points that have a sample. */
	size_t own = 0;

	for (size_t i = 0; i < n; i++) {
		const struct point *p = &c.pts[from + i];

		if (isnan(p->rss))
			continue;
		x[nr] = p->x;
		yr[nr++] = p->rss;
		own += c.by_marker || p->own_rss;
	}
	if (judge(o, x, yr, nr, unit, too_short, o->rss_floor, &rss))
		goto cleanup;
	if (!too_short && own < MIN_POINTS) {
		rss.verdict = GROWTH_INCONCLUSIVE;
		snprintf(rss.why, sizeof(rss.why),
			 "resident-set samples in only %zu of the windows "
			 "(PERFSHIM_RSS_INTERVAL_MS too long for this run?)",
			 own);
	}

	enum growth_verdict overall = heap.verdict;
	const char *basis = "heap";

	if (heap.verdict == GROWTH_STABLE && rss.verdict == GROWTH_GROWING) {
		overall = GROWTH_GROWING;
		basis = "rss";
	}
	*verdict = overall;
	if (heap.verdict == GROWTH_GROWING &&
	    rank_sites(&c, from, &sites, &nsites))
		goto cleanup;
	sym = symbols_new();
	frames = calloc(MAX_FRAMES, sizeof(*frames));
	if (!sym || !frames) {
		oom();
		goto cleanup;
	}

	char warm[64];

	warmup_text(o, warm, sizeof(warm));
	if (o->json) {
		struct json_writer w;

		json_writer_init(&w, out);
		json_object_begin(&w);
		json_key(&w, "verdict");
		json_string(&w, verdict_name(overall));
		json_key(&w, "complete");
		json_bool(&w, o->complete);
		json_key(&w, "basis");
		json_string(&w, basis);
		json_key(&w, "heap_verdict");
		json_string(&w, verdict_name(heap.verdict));
		json_key(&w, "reason");
		json_string(&w, heap.why);
		json_key(&w, "unit");
		json_string(&w, c.by_marker ? "bytes per marker"
					    : "bytes per second");
		json_key(&w, "slope");
		json_double(&w, heap.t.slope);
		json_key(&w, "interval");
		json_array_begin(&w);
		json_double(&w, heap.t.lo);
		json_double(&w, heap.t.hi);
		json_array_end(&w);
		json_key(&w, "confidence");
		json_double(&w, 1 - o->alpha);
		json_key(&w, "p_value");
		json_double(&w, heap.t.p_value);
		json_key(&w, "mann_kendall_s");
		json_double(&w, heap.t.s);
		json_key(&w, "autocorrelation_factor");
		json_double(&w, heap.t.n_ratio);
		json_key(&w, "points");
		json_u64(&w, n);
		json_key(&w, "points_by");
		json_string(&w, c.by_marker ? "marker" : "time window");
		json_key(&w, "marker");
		json_string(&w, label);
		json_key(&w, "markers_in_trace");
		json_u64(&w, s->markers);
		json_key(&w, "excluded");
		json_object_begin(&w);
		json_key(&w, "warmup");
		json_string(&w, warm);
		json_key(&w, "points");
		json_u64(&w, from);
		json_key(&w, "until_s");
		json_double(&w, from ? c.pts[from - 1].ts / 1e9 : 0);
		json_object_end(&w);
		json_key(&w, "heap");
		json_object_begin(&w);
		json_key(&w, "first");
		json_double(&w, heap.first);
		json_key(&w, "last");
		json_double(&w, heap.last);
		json_key(&w, "median");
		json_double(&w, heap.median);
		json_key(&w, "relative_growth");
		json_double(&w, heap.relative);
		json_key(&w, "growth");
		json_double(&w, heap.growth);
		json_key(&w, "scatter");
		json_double(&w, heap.scatter);
		json_object_end(&w);
		json_key(&w, "floor");
		json_object_begin(&w);
		json_key(&w, "bytes");
		json_double(&w, o->floor_bytes);
		json_key(&w, "relative");
		json_double(&w, o->floor_rel);
		json_object_end(&w);
		json_key(&w, "sites");
		json_array_begin(&w);
		for (size_t i = 0; i < nsites && i < o->max_sites; i++) {
			size_t nf = frames_of_stack(&rp, sym, sites[i].stack,
						    frames, MAX_FRAMES);

			json_object_begin(&w);
			json_key(&w, "share");
			json_double(&w, sites[i].share);
			json_key(&w, "slope");
			json_double(&w, sites[i].slope);
			json_key(&w, "bytes");
			json_i64(&w, sites[i].bytes);
			frames_json(&w, frames, nf);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_key(&w, "rss");
		json_object_begin(&w);
		json_trend(&w, &rss);
		json_object_end(&w);
		json_object_end(&w);
		if (json_writer_finish(&w))
			goto cleanup;
		rc = 0;
		goto cleanup;
	}

	fprintf(out, "Memory growth: %s", verdict_name(overall));
	if (overall == GROWTH_GROWING && !strcmp(basis, "rss"))
		fprintf(out, " (the resident set grows while the heap is "
			     "stable: memory outside malloc, e.g. mmap, or "
			     "fragmentation)");
	fputc('\n', out);
	if (c.by_marker)
		fprintf(out, "points:   %zu markers '%s' (of %zu taken", n,
			label, c.npts);
	else
		fprintf(out, "points:   %zu time windows of %.3g s (of %zu", n,
			c.nwin ? c.span / 1e9 / c.nwin : 0.0, c.npts);
	if (!c.by_marker && s->markers)
		fprintf(out, "; %" PRIu64 " markers, too few to be points",
			s->markers);
	fprintf(out, "); excluded: the warm-up, %s: %zu points", warm, from);
	if (from)
		fprintf(out, ", up to %.3f s", c.pts[from - 1].ts / 1e9);
	fputs("\n", out);
	text_trend(out, "heap", &heap, unit, 1 - o->alpha);
	text_trend(out, "rss ", &rss, unit, 1 - o->alpha);
	if (nsites) {
		fprintf(out, "\nAllocation sites whose live bytes grow:\n");
		for (size_t i = 0; i < nsites && i < o->max_sites; i++) {
			size_t nf = frames_of_stack(&rp, sym, sites[i].stack,
						    frames, MAX_FRAMES);
			size_t pf = frames_program(frames, nf);

			fprintf(out, "%.0f%% of the growth: %s",
				100 * sites[i].share,
				nf ? frames[pf].function : "??");
			if (nf && frames[pf].file[0])
				fprintf(out, " at %s:%u", frames[pf].file,
					frames[pf].line);
			fprintf(out,
				" (%.6g bytes per %s, %+" PRId64 " bytes over "
				"the "
				"points)\n",
				sites[i].slope, unit, sites[i].bytes);
			frames_text(out, frames, nf);
		}
	}
	if (fflush(out)) {
		fprintf(stderr, "perfanalyze: cannot write the report\n");
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(x);
	free(yh);
	free(yr);
	free(sites);
	free(frames);
	if (sym)
		symbols_free(sym);
	trace_reader_free(r);
	collector_release(&c);
	replay_release(&rp);
	return rc;
}
