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
#include "series.h"
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

/* --- the first pass: markers per label, and the series (series.h) ------- */

void growth_scan_init(struct growth_scan *s)
{
	memset(s, 0, sizeof(*s));
}

void growth_scan_release(struct growth_scan *s)
{
	free(s->label_count);
	series_free(s->sr);
	memset(s, 0, sizeof(*s));
}

int growth_check_input(const char *path, const char *option)
{
	struct stat st;

	/* A path that cannot be opened, or a directory, is the reader's to
	 * report. */
	if (stat(path, &st) || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0;
	return error(
		"%s: %s may read the trace twice, and this is not a regular file (a pipe?); save the trace to a file first",
		path, option);
}

/* A marker of label: counted; its number among the label's, or -1. */
static int count_marker(struct growth_scan *s, uint32_t label, uint64_t *n)
{
	if (label >= s->nlabels) {
		size_t k = s->nlabels ? s->nlabels : 16;

		while (k <= label)
			k *= 2;
		uint64_t *c = realloc(s->label_count, k * sizeof(*c));

		if (!c)
			return error("out of memory");
		memset(c + s->nlabels, 0, (k - s->nlabels) * sizeof(*c));
		s->label_count = c;
		s->nlabels = k;
	}
	*n = s->label_count[label]++;
	s->markers++;
	return 0;
}

static int scan_event(void *ctx, const struct trace_event *ev)
{
	struct growth_scan *s = ctx;
	uint64_t n = 0;

	if (ev->kind == PERFSHIM_EV_MARK && count_marker(s, ev->label, &n))
		return -1;
	series_event(s->sr, ev, n);
	return 0;
}

static int scan_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct growth_scan *s = ctx;

	series_memory(s->sr, ts, rss, mapped);
	s->memory_samples++;
	return 0;
}

void growth_scan_visitor(struct growth_scan *s, const struct replay *rp,
			 const struct growth_options *o,
			 struct trace_visitor *v)
{
	size_t limit = (size_t)env_mib("PERFSHIM_GROWTH_LOG_MB", GROWTH_LOG_MB,
				       SIZE_MAX >> 21);

	memset(v, 0, sizeof(*v));
	s->sr = xcalloc(1, sizeof(*s->sr));
	series_init(s->sr, rp, o->windows, limit);
	v->ctx = s;
	v->event = scan_event;
	v->memory = scan_memory;
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
static size_t site_peak(const struct series *c, size_t j0)
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
static int rank_sites(const struct series *c, size_t from, struct ranked **out,
		      size_t *nout)
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
		const struct series_site *s = &c->sites[i];

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
static size_t warmup_end(const struct series *c, const struct growth_options *o)
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

/* The label the points are at (0: none, time windows): --marker's, or
 * the most frequent. */
static int choose_label(uint32_t *label, const char *path,
			const struct replay *rp1, const struct growth_scan *s,
			const struct growth_options *o)
{
	*label = 0;
	if (o->marker) {
		for (size_t i = 1; i < s->nlabels; i++)
			if (s->label_count[i] &&
			    !strcmp(replay_string(rp1, (uint32_t)i),
				    o->marker)) {
				*label = (uint32_t)i;
				return 0;
			}
		return error("%s: no marker '%s' in the trace (%" PRIu64
			     " markers in all)",
			     path, o->marker, s->markers);
	}
	for (size_t i = 1; i < s->nlabels; i++)
		if (s->label_count[i] > (*label ? s->label_count[*label] : 0))
			*label = (uint32_t)i;
	/* A few phase markers are no series: time windows then. */
	if (*label && s->label_count[*label] < MIN_POINTS)
		*label = 0;
	return 0;
}

/* Where c's points fall: every stride-th marker of label, or windows
 * over the first pass's span on its grid (s1). */
static void place(struct series *c, uint32_t label, const struct growth_scan *s,
		  const struct series *s1, const struct growth_options *o)
{
	if (label)
		series_by_marker(c, label, s->label_count[label], POINT_CAP,
				 SITE_POINTS);
	else
		series_by_time(c, o->windows, s1->acc, s1->shift, SITE_POINTS);
}

static int reread_event(void *ctx, const struct trace_event *ev)
{
	series_event(ctx, ev, 0);
	return 0;
}

static int reread_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	series_memory(ctx, ts, rss, mapped);
	return 0;
}

/*
 * The series from a second reading of the trace at path, with rp, its
 * points placed beforehand: what the first pass kept passed its limit.
 */
static int second_pass(struct series *c, struct replay *rp, const char *path)
{
	struct trace_visitor rv, cv;
	struct visitor_tee tee;
	struct trace_reader *r = trace_reader_open(path);
	int rc = -1;

	if (!r)
		return -1;
	trace_reader_quiet(r);
	replay_visitor(rp, &rv);
	memset(&cv, 0, sizeof(cv));
	cv.ctx = c;
	cv.event = reread_event;
	cv.memory = reread_memory;
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &rv);
	visitor_tee_add(&tee, &cv);
	if (!trace_reader_run(r, &tee.out))
		rc = 0;
	trace_reader_free(r);
	series_end(c);
	return rc;
}

/* The heap's and the resident set's verdicts, and the overall one. */
static int judge_series(const struct series *c, const struct growth_options *o,
			struct growth_result *g)
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
static int growing_sites(struct series *c, const struct replay *rp,
			 const struct growth_options *o,
			 struct growth_result *g)
{
	struct ranked *r = NULL;
	size_t n = 0;
	struct sym_frame *frames;

	if (g->heap.verdict != GROWTH_GROWING)
		return 0;
	if (series_sites(c) || rank_sites(c, g->from, &r, &n))
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
static void series_result(const struct series *c, const char *label,
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
	struct series *s1 = s->sr, again, *c = s1;
	struct replay rp;
	uint32_t label;
	int rc = -1;

	memset(g, 0, sizeof(*g));
	memset(&again, 0, sizeof(again));
	replay_init(&rp);
	if (!s1) {
		error("internal error: --growth without its first pass");
		goto cleanup;
	}
	if (!s1->ended)
		series_end(s1);
	if (choose_label(&label, path, rp1, s, o))
		goto cleanup;
	if (s1->over) {
		c = &again;
		/* Live: only the chosen markers are kept, no blocks. */
		series_init(c, &rp, o->windows, SIZE_MAX);
		place(c, label, s, s1, o);
		if (second_pass(c, &rp, path))
			goto cleanup;
	} else {
		place(c, label, s, s1, o);
	}
	series_points(c);
	series_result(c, label ? replay_string(rp1, label) : NULL, s, o, g);
	if (o->timeline) {
		rc = 0;
		goto cleanup;
	}
	if (!(g->sym = symbols_new())) {
		error("out of memory");
		goto cleanup;
	}
	if (judge_series(c, o, g) || growing_sites(c, c->rp, o, g))
		goto cleanup;
	g->judged = 1;
	rc = 0;
cleanup:
	series_release(&again);
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
