/* render_growth.c - the growth verdict and the timeline, as text and JSON. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "frames.h"
#include "json.h"
#include "render.h"
#include "textfit.h"
#include "units.h"

const char *render_growth_reason(char *buf, size_t len,
				 const struct growth_trend *sv,
				 const char *unit)
{
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN];
	const double *v = sv->why_v;

	switch (sv->why) {
	case GROWTH_WHY_NO_TREND:
		snprintf(
			buf, len,
			"no significant upward trend (p = %.3g, interval from %s to %s per %s)",
			v[0], units_bytes_real(a, v[1]),
			units_bytes_real(b, v[2]), unit);
		break;
	case GROWTH_WHY_UNDER_FLOOR:
		snprintf(buf, len, "a trend, but below the floor of %s per %s",
			 units_bytes_real(a, v[0]), unit);
		break;
	case GROWTH_WHY_UNDER_REL:
		snprintf(
			buf, len,
			"a trend, but only %.3g%% of the median over the points (floor %.3g%%)",
			100 * v[0], 100 * v[1]);
		break;
	case GROWTH_WHY_UNDER_NOISE:
		snprintf(
			buf, len,
			"a trend, but its growth over the points (%s) is under %.0f times their scatter around it (%s)",
			units_bytes_real(a, v[0]), v[2],
			units_bytes_real(b, v[1]));
		break;
	case GROWTH_WHY_UNDER_TOTAL:
		snprintf(buf, len,
			 "a trend, but only %s over the points (floor %s)",
			 units_bytes_real(a, v[0]), units_bytes_real(b, v[1]));
		break;
	case GROWTH_WHY_FELL_BACK:
		snprintf(
			buf, len,
			"it rose and fell back: up to %s at point %.0f of %zu, then down to %s at the end",
			units_bytes_real(a, v[0]), v[1], sv->n,
			units_bytes_real(c, v[2]));
		break;
	case GROWTH_WHY_GROWING:
		snprintf(buf, len, "significant upward trend above the floor");
		break;
	case GROWTH_WHY_TOO_SHORT:
		snprintf(buf, len, "the run is too short to judge (under %s)",
			 units_ns(a, (uint64_t)llround(v[0] * 1e9)));
		break;
	case GROWTH_WHY_FEW_POINTS:
		snprintf(
			buf, len,
			"only %.0f point%s after the warm-up (at least %.0f needed)",
			v[0], v[0] == 1 ? "" : "s", v[1]);
		break;
	case GROWTH_WHY_RSS_SAMPLES:
		snprintf(
			buf, len,
			"resident-set samples in only %.0f of the windows (PERFSHIM_RSS_INTERVAL_MS too long for this run?)",
			v[0]);
		break;
	}
	return buf;
}

static void json_trend(struct json_writer *w, const struct growth_trend *sv,
		       const char *unit)
{
	char why[256];

	json_key(w, "verdict");
	json_string(w, growth_verdict_name(sv->verdict));
	json_key(w, "reason");
	json_string(w, render_growth_reason(why, sizeof(why), sv, unit));
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

static void double_field(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}

/* The verdict's head: what, on what basis, the heap's trend. */
static void json_head(struct json_writer *w, const struct growth_result *g)
{
	const struct trend *t = &g->heap.t;
	char why[256];

	json_key(w, "verdict");
	json_string(w, growth_verdict_name(g->verdict));
	json_key(w, "complete");
	json_bool(w, g->complete);
	json_key(w, "basis");
	json_string(w, g->basis);
	json_key(w, "heap_verdict");
	json_string(w, growth_verdict_name(g->heap.verdict));
	json_key(w, "reason");
	json_string(w,
		    render_growth_reason(why, sizeof(why), &g->heap, g->unit));
	json_key(w, "unit");
	json_string(w, g->by_marker ? "bytes per marker" : "bytes per second");
	double_field(w, "slope", t->slope);
	json_key(w, "interval");
	json_array_begin(w);
	json_double(w, t->lo);
	json_double(w, t->hi);
	json_array_end(w);
	double_field(w, "confidence", g->confidence);
	double_field(w, "p_value", t->p_value);
	double_field(w, "mann_kendall_s", t->s);
	double_field(w, "autocorrelation_factor", t->n_ratio);
}

/* Which points: how many, of what, and what the warm-up left out. */
static void json_points(struct json_writer *w, const struct growth_result *g)
{
	json_key(w, "points");
	json_u64(w, g->npts - g->from);
	json_key(w, "points_by");
	json_string(w, g->by_marker ? "marker" : "time window");
	json_key(w, "marker");
	json_string(w, g->label);
	json_key(w, "markers_in_trace");
	json_u64(w, g->markers);
	json_key(w, "excluded");
	json_object_begin(w);
	json_key(w, "warmup");
	json_string(w, g->warmup);
	json_key(w, "points");
	json_u64(w, g->from);
	double_field(w, "until_s", g->from ? g->pts[g->from - 1].ts / 1e9 : 0);
	json_object_end(w);
}

static void json_heap_and_floor(struct json_writer *w,
				const struct growth_result *g)
{
	json_key(w, "heap");
	json_object_begin(w);
	double_field(w, "first", g->heap.first);
	double_field(w, "last", g->heap.last);
	double_field(w, "median", g->heap.median);
	double_field(w, "relative_growth", g->heap.relative);
	double_field(w, "growth", g->heap.growth);
	double_field(w, "scatter", g->heap.scatter);
	json_object_end(w);
	json_key(w, "floor");
	json_object_begin(w);
	double_field(w, "bytes", g->floor_bytes);
	double_field(w, "relative", g->floor_rel);
	json_object_end(w);
}

int render_growth_json(const struct growth_result *g,
		       const struct gate_result *gate, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_head(&w, g);
	json_points(&w, g);
	json_heap_and_floor(&w, g);
	json_key(&w, "sites");
	json_array_begin(&w);
	for (size_t i = 0; i < g->nsites; i++) {
		const struct growth_site *s = &g->sites[i];

		json_object_begin(&w);
		double_field(&w, "share", s->share);
		double_field(&w, "slope", s->slope);
		json_key(&w, "bytes");
		json_i64(&w, s->bytes);
		frames_json(&w, s->frames, s->nframes);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "rss");
	json_object_begin(&w);
	json_trend(&w, &g->rss, g->unit);
	json_object_end(&w);
	if (gate)
		render_gate_json(&w, gate);
	json_object_end(&w);
	return json_writer_finish(&w);
}

static void text_trend(FILE *out, const char *what,
		       const struct growth_trend *sv, const char *unit,
		       double conf)
{
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN], why[256];

	fprintf(out, "%s: %s", what, growth_verdict_name(sv->verdict));
	if (isnan(sv->t.slope)) {
		fprintf(out, ": %s\n",
			render_growth_reason(why, sizeof(why), sv, unit));
		return;
	}
	fprintf(out, ": %s per %s (%.0f%% interval %s to %s), ",
		units_bytes_real(a, sv->t.slope), unit, 100 * conf,
		units_bytes_real(b, sv->t.lo), units_bytes_real(c, sv->t.hi));
	fprintf(out, "Mann-Kendall p = %.3g, %s points\n", sv->t.p_value,
		units_count(a, sv->n));
	fprintf(out, "    %s; from %s to %s",
		render_growth_reason(why, sizeof(why), sv, unit),
		units_bytes_real(a, sv->first), units_bytes_real(b, sv->last));
	fprintf(out, " (median %s)", units_bytes_real(c, sv->median));
	if (sv->t.n_ratio > 1)
		fprintf(out, "; Var(S) x %.3g for autocorrelation",
			sv->t.n_ratio);
	fputc('\n', out);
}

/* A time in seconds (a double), in units_ns's form. */
static const char *seconds(char *buf, double s)
{
	return units_ns(buf, s > 0 ? (uint64_t)llround(s * 1e9) : 0);
}

/* "Memory growth: ..." and the line that says which points. */
static void text_head(FILE *out, const struct growth_result *g)
{
	size_t n = g->npts - g->from;
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN], e[1024];

	fprintf(out, "Memory growth: %s", growth_verdict_name(g->verdict));
	if (g->verdict == GROWTH_GROWING && !strcmp(g->basis, "rss"))
		fprintf(out,
			" (the resident set grows while the heap is stable: memory outside malloc, e.g. mmap, or fragmentation)");
	fputc('\n', out);
	if (g->by_marker)
		fprintf(out, "points:   %s markers '%s' (of %s taken",
			units_count(b, n),
			textfit_escape(e, sizeof(e), g->label),
			units_count(c, g->npts));
	else
		fprintf(out, "points:   %s time windows of %s (of %s",
			units_count(b, n), seconds(a, g->window_s),
			units_count(c, g->npts));
	if (!g->by_marker && g->markers)
		fprintf(out, "; %s markers, too few to be points",
			units_count(b, g->markers));
	fprintf(out, "); excluded: the warm-up, %s: %s points", g->warmup,
		units_count(b, g->from));
	if (g->from)
		fprintf(out, ", up to %s", units_ns(a, g->pts[g->from - 1].ts));
	fputs("\n", out);
}

static void text_site(FILE *out, const struct growth_site *s, const char *unit)
{
	const struct sym_frame *f = s->frames;
	size_t pf = frames_program(f, s->nframes);
	char a[UNITS_LEN], b[UNITS_LEN], head[64], tail[4200];
	int o = 0;

	snprintf(head, sizeof(head), "%.0f%% of the growth: ", 100 * s->share);
	tail[0] = '\0';
	if (s->nframes && f[pf].file[0])
		o = snprintf(tail, sizeof(tail), " at %s:%u", f[pf].file,
			     f[pf].line);
	if (o >= 0 && (size_t)o < sizeof(tail))
		snprintf(tail + o, sizeof(tail) - (size_t)o,
			 " (%s per %s, %s over the points)",
			 units_bytes_real(a, s->slope), unit,
			 units_bytes_signed(b, s->bytes));
	textfit_line(out, head, s->nframes ? f[pf].function : "??", tail, 0);
	frames_text(out, f, s->nframes);
}

int render_growth_text(const struct growth_result *g, FILE *out)
{
	text_head(out, g);
	text_trend(out, "heap", &g->heap, g->unit, g->confidence);
	text_trend(out, "rss ", &g->rss, g->unit, g->confidence);
	if (g->nsites)
		fprintf(out, "\nAllocation sites whose live bytes grow:\n");
	for (size_t i = 0; i < g->nsites; i++)
		text_site(out, &g->sites[i], g->unit);
	if (fflush(out))
		return error("cannot write the report");
	return 0;
}

int render_timeline_json(const struct growth_result *g,
			 const struct gate_result *gate, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "basis");
	json_string(&w, g->by_marker ? "markers" : "time");
	json_key(&w, "marker");
	json_string(&w, g->by_marker ? g->label : NULL);
	json_key(&w, "points");
	json_array_begin(&w);
	for (size_t i = 0; i < g->npts; i++) {
		const struct growth_point *p = &g->pts[i];

		json_object_begin(&w);
		json_key(&w, g->by_marker ? "marker" : "window");
		json_u64(&w, g->by_marker ? (uint64_t)p->x : i);
		double_field(&w, "time_s", p->ts / 1e9);
		double_field(&w, "heap_bytes", p->heap);
		double_field(&w, "rss_bytes", p->rss);
		double_field(&w, "mapped_bytes", p->mapped);
		json_key(&w, "warmup");
		json_bool(&w, i < g->from);
		json_object_end(&w);
	}
	json_array_end(&w);
	if (gate)
		render_gate_json(&w, gate);
	json_object_end(&w);
	return json_writer_finish(&w);
}

int render_timeline_text(const struct growth_result *g, FILE *out)
{
	fprintf(out, "%s,time_s,heap_bytes,rss_bytes,mapped_bytes,warmup\n",
		g->by_marker ? "marker" : "window");
	for (size_t i = 0; i < g->npts; i++) {
		const struct growth_point *p = &g->pts[i];

		fprintf(out, "%" PRIu64 ",%.6f,%.0f,",
			g->by_marker ? (uint64_t)p->x : (uint64_t)i,
			p->ts / 1e9, p->heap);
		if (isnan(p->rss))
			fprintf(out, ",,");
		else
			fprintf(out, "%.0f,%.0f,", p->rss, p->mapped);
		fprintf(out, "%d\n", i < g->from);
	}
	if (fflush(out) || ferror(out))
		return error("cannot write the timeline");
	return 0;
}
