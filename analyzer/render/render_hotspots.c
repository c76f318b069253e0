/* render_hotspots.c - the hot-spot reports: CPU, sites, flame graphs. */
#include <inttypes.h>

#include "error.h"
#include "json.h"
#include "frames.h"
#include "render.h"
#include "textfit.h"
#include "units.h"

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static void u64_field(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

static void str_field(struct json_writer *w, const char *key, const char *v)
{
	json_key(w, key);
	json_string(w, v);
}

/* --- the CPU report as JSON ------------------------------------------------ */

static void json_func(struct json_writer *w, const struct hot_cpu *v,
		      const struct hot_func *f)
{
	json_object_begin(w);
	str_field(w, "function", f->function);
	str_field(w, "file", f->file);
	u64_field(w, "line", f->line);
	str_field(w, "module", f->module);
	json_key(w, "self_pct");
	json_double(w, pct(f->self, v->samples));
	json_key(w, "total_pct");
	json_double(w, pct(f->total, v->samples));
	u64_field(w, "self_samples", f->self);
	json_key(w, "calls");
	if (f->has_calls)
		json_u64(w, f->calls);
	else
		json_null(w);
	u64_field(w, "self_ns", f->self * v->period_ns);
	u64_field(w, "total_ns", f->total * v->period_ns);
	json_object_end(w);
}

static void json_paths_threads(struct json_writer *w, const struct hot_cpu *v)
{
	json_key(w, "paths");
	json_array_begin(w);
	for (size_t i = 0; i < v->paths.n && i < v->top; i++) {
		json_object_begin(w);
		str_field(w, "stack", v->paths.l[i].text);
		u64_field(w, "samples", v->paths.l[i].n);
		json_key(w, "pct");
		json_double(w, pct(v->paths.l[i].n, v->samples));
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "threads");
	json_array_begin(w);
	for (size_t t = 0; t < v->nthreads; t++) {
		const struct hot_thread *th = &v->threads[t];

		if (!th->samples)
			continue;
		json_object_begin(w);
		u64_field(w, "thread", t);
		u64_field(w, "tid", th->tid);
		u64_field(w, "samples", th->samples);
		u64_field(w, "cpu_ns", th->samples * v->period_ns);
		str_field(w, "top_function", th->top);
		json_object_end(w);
	}
	json_array_end(w);
}

static void json_timing(struct json_writer *w, const struct hot_cpu *v,
			const struct hot_timing *t, const char **names)
{
	const struct sym_frame *leaf = &t->leaf;

	hot_timing_names(v, t, names);
	json_object_begin(w);
	json_key(w, "path");
	json_array_begin(w);
	for (size_t i = 0; i < t->n; i++)
		json_string(w, names[i]);
	json_array_end(w);
	str_field(w, "kind", t->zone ? "zone" : "function");
	str_field(w, "name", leaf->function);
	str_field(w, "file", leaf->file);
	u64_field(w, "line", leaf->line);
	u64_field(w, "calls", t->calls);
	u64_field(w, "total_ns", t->incl_ns);
	u64_field(w, "self_ns", t->self_ns);
	json_object_end(w);
}

/* A percentile, or null when the trace has no histogram of it. */
static void pct_field(struct json_writer *w, const char *key, int has,
		      uint64_t v)
{
	json_key(w, key);
	if (has)
		json_u64(w, v);
	else
		json_null(w);
}

static void json_latency(struct json_writer *w, const struct hot_latency *l)
{
	json_object_begin(w);
	str_field(w, "kind", l->zone ? "zone" : "function");
	str_field(w, "name", l->name);
	str_field(w, "file", l->file);
	u64_field(w, "line", l->line);
	str_field(w, "module", l->module);
	u64_field(w, "calls", l->calls);
	u64_field(w, "total_ns", l->total_ns);
	pct_field(w, "p50_ns", l->has_hist, l->lat.p50);
	pct_field(w, "p90_ns", l->has_hist, l->lat.p90);
	pct_field(w, "p95_ns", l->has_hist, l->lat.p95);
	pct_field(w, "p99_ns", l->has_hist, l->lat.p99);
	pct_field(w, "max_ns", l->has_hist, l->lat.max);
	json_object_end(w);
}

static int cpu_json(const struct hot_cpu *v, const struct gate_result *gate,
		    FILE *out)
{
	const char *names[HOT_TIMING_DEPTH_MAX];
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	u64_field(&w, "sample_period_ns", v->period_ns);
	u64_field(&w, "samples", v->samples);
	u64_field(&w, "timer_signals", v->signals);
	json_key(&w, "dropped");
	json_object_begin(&w);
	u64_field(&w, "in_shim", v->in_shim);
	u64_field(&w, "in_loader_or_unwinder", v->in_loader);
	u64_field(&w, "other", v->other);
	json_object_end(&w);
	json_key(&w, "functions");
	json_array_begin(&w);
	for (size_t i = 0; i < v->shown; i++)
		json_func(&w, v, &v->fs.f[i]);
	json_array_end(&w);
	json_paths_threads(&w, v);
	json_key(&w, "timings");
	json_array_begin(&w);
	for (size_t i = 0; i < v->ntimings; i++)
		json_timing(&w, v, &v->timing[i], names);
	json_array_end(&w);
	json_key(&w, "latency");
	json_array_begin(&w);
	for (size_t i = 0; i < v->lat_shown; i++)
		json_latency(&w, &v->lat[i]);
	json_array_end(&w);
	if (gate)
		render_gate_json(&w, gate);
	json_object_end(&w);
	return json_writer_finish(&w);
}

/* --- the CPU report as text ------------------------------------------------ */

/* A thread: its CPU time, share, and the function with most self time. */
static const char thread_line[] =
	"  thread %zu (tid %llu): %*s, %5.1f%%, most in ";

static void text_sampling(FILE *out, const struct hot_cpu *v)
{
	char a[UNITS_LEN], b[UNITS_LEN], n[UNITS_LEN];
	char c[UNITS_LEN], d[UNITS_LEN], e[UNITS_LEN];

	if (!v->have_sampler || !v->period_ns) {
		fprintf(out,
			"No CPU sampling in this trace (PERFSHIM_SAMPLE_HZ=0, or the program used SIGPROF itself).\n");
		return;
	}
	fprintf(out,
		"CPU time: %s in %s samples, one per %s of a thread's CPU time",
		units_ns(a, v->samples * v->period_ns),
		units_count(n, v->samples), units_ns(b, v->period_ns));
	if (v->thread >= 0)
		fprintf(out, " (thread %ld only)", v->thread);
	uint64_t all = v->taken + v->in_shim + v->in_loader + v->other;

	fprintf(out,
		".\nNot sampled: %s periods (%.1f%%) inside the shim (recording), %s in the loader or unwinder, %s other.\n",
		units_count(c, v->in_shim), pct(v->in_shim, all),
		units_count(d, v->in_loader), units_count(e, v->other));
}

/* A time right-aligned in 11 columns (its "µ" is two bytes), at buf+o. */
static int time_col(char *buf, size_t len, int o, const char *sep, uint64_t ns)
{
	char a[UNITS_LEN];

	units_ns(a, ns);
	if (o < 0 || (size_t)o >= len)
		return o;
	return o + snprintf(buf + o, len - (size_t)o, "%s%*s", sep,
			    units_width(a, 11), a);
}

/* "  file:line  [module]", as much of it as f has. */
static void where(char *buf, size_t len, const char *file, unsigned line,
		  const char *module)
{
	int o = 0;

	buf[0] = '\0';
	if (file && file[0])
		o = snprintf(buf, len, "  %s:%u", file, line);
	if (module && module[0] && o >= 0 && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, "  [%s]", module);
}

static void text_functions(FILE *out, const struct hot_cpu *v)
{
	char calls[UNITS_LEN], head[128], tail[4200], n[UNITS_LEN];
	int o;

	fprintf(out,
		"\nFunctions by self time (%s of %s):\n"
		"   self%%  total%%         self        total      calls  function\n",
		units_count(calls, v->shown), units_count(n, v->fs.n));
	for (size_t i = 0; i < v->shown; i++) {
		const struct hot_func *f = &v->fs.f[i];

		o = snprintf(head, sizeof(head), "  %5.1f%%  %5.1f%%",
			     pct(f->self, v->samples),
			     pct(f->total, v->samples));
		o = time_col(head, sizeof(head), o, "  ",
			     f->self * v->period_ns);
		o = time_col(head, sizeof(head), o, "  ",
			     f->total * v->period_ns);
		if (f->has_calls)
			units_count(calls, f->calls);
		else
			snprintf(calls, sizeof(calls), "-");
		if (o >= 0 && (size_t)o < sizeof(head))
			snprintf(head + o, sizeof(head) - (size_t)o, " %10s  ",
				 calls);
		where(tail, sizeof(tail), f->file, f->line, f->module);
		textfit_line(out, head, f->function, tail, 0);
	}
}

static void text_paths_threads(FILE *out, const struct hot_cpu *v)
{
	char a[UNITS_LEN], head[128];

	fprintf(out, "\nTop call paths (root first):\n");
	for (size_t i = 0; i < v->paths.n && i < v->top; i++) {
		snprintf(head, sizeof(head), "  %5.1f%%  %8s  ",
			 pct(v->paths.l[i].n, v->samples),
			 units_count(a, v->paths.l[i].n));
		textfit_line(out, head, v->paths.l[i].text, "", 1);
	}
	fprintf(out, "\nThreads:\n");
	for (size_t t = 0; t < v->nthreads; t++) {
		const struct hot_thread *th = &v->threads[t];

		if (!th->samples)
			continue;
		units_ns(a, th->samples * v->period_ns);
		snprintf(head, sizeof(head), thread_line, t,
			 (unsigned long long)th->tid, units_width(a, 11), a,
			 pct(th->samples, v->samples));
		textfit_line(out, head, th->top ? th->top : "?", "", 0);
	}
}

static void text_timings(FILE *out, const struct hot_cpu *v)
{
	char calls[UNITS_LEN], head[256], tail[4200];
	int o;

	fprintf(out,
		"\nExact timings (instrumented functions and zones, wall clock, per call path):\n"
		"       calls    inclusive         self     per call  path\n");
	for (size_t r = 0; r < v->nrows; r++) {
		const struct hot_timing *t = &v->timing[v->rows[r].timing];
		const struct sym_frame *f = &t->leaf;

		o = snprintf(head, sizeof(head), "  %10s",
			     units_count(calls, t->calls));
		o = time_col(head, sizeof(head), o, " ", t->incl_ns);
		o = time_col(head, sizeof(head), o, " ", t->self_ns);
		o = time_col(head, sizeof(head), o, " ",
			     t->calls ? t->incl_ns / t->calls : 0);
		if (o >= 0 && (size_t)o < sizeof(head))
			snprintf(head + o, sizeof(head) - (size_t)o, "  %*s%s",
				 2 * v->rows[r].depth, "",
				 t->zone ? "zone " : "");
		where(tail, sizeof(tail), f->file, f->line, NULL);
		textfit_line(out, head, f->function, tail, 0);
	}
	if (v->hidden)
		fprintf(out,
			"  (and %s more paths, and what is under them: --top raises the limit of %s rows)\n",
			units_count(calls, v->hidden),
			units_count(head, v->row_limit));
	if (v->unmatched || v->not_kept)
		fprintf(out,
			"  (%s unmatched exits or zone ends, %s frames too deep to time)\n",
			units_count(calls, v->unmatched),
			units_count(head, v->not_kept));
}

/* A percentile in text: "-" when the trace has no histogram. */
static const char *pct_text(char *buf, int has, uint64_t ns)
{
	return has ? units_ns(buf, ns) : "-";
}

static void text_latency(FILE *out, const struct hot_cpu *v)
{
	char calls[UNITS_LEN], t[UNITS_LEN], p[5][UNITS_LEN], e[4096];

	fprintf(out,
		"\nLatency per call (zones and instrumented functions, every path; %zu of %zu):\n"
		"       calls        total          p50          p90          p95          p99          max  name\n",
		v->lat_shown, v->nlat);
	for (size_t i = 0; i < v->lat_shown; i++) {
		const struct hot_latency *l = &v->lat[i];
		const uint64_t q[5] = { l->lat.p50, l->lat.p90, l->lat.p95,
					l->lat.p99, l->lat.max };
		const char *ps[5];

		units_count(calls, l->calls);
		units_ns(t, l->total_ns);
		for (int k = 0; k < 5; k++)
			ps[k] = pct_text(p[k], l->has_hist, q[k]);
		fprintf(out, "  %10s %*s", calls, units_width(t, 12), t);
		for (int k = 0; k < 5; k++)
			fprintf(out, " %*s", units_width(ps[k], 12), ps[k]);
		fprintf(out, "  %s%s", l->zone ? "zone " : "",
			textfit_escape(e, sizeof(e), l->name));
		if (l->file[0])
			fprintf(out, "  %s:%u",
				textfit_escape(e, sizeof(e), l->file), l->line);
		fputc('\n', out);
	}
}

static int cpu_text(const struct hot_cpu *v, FILE *out)
{
	text_sampling(out, v);
	if (v->fs.n)
		text_functions(out, v);
	if (v->paths.n)
		text_paths_threads(out, v);
	if (v->ntimings)
		text_timings(out, v);
	if (v->nlat)
		text_latency(out, v);
	return fflush(out) ? -1 : 0;
}

/* --- allocation sites ----------------------------------------------------- */

static void json_site(struct json_writer *w, const struct hot_site *s)
{
	json_object_begin(w);
	u64_field(w, "allocs", s->allocs);
	u64_field(w, "bytes", s->bytes);
	u64_field(w, "peak_bytes", s->peak);
	u64_field(w, "temporary", s->temporary);
	u64_field(w, "leaked_bytes", s->leaked);
	json_key(w, "stack");
	json_array_begin(w);
	for (size_t k = 0; k < s->nframes; k++) {
		json_object_begin(w);
		str_field(w, "function", s->frames[k].function);
		str_field(w, "file", s->frames[k].file);
		u64_field(w, "line", s->frames[k].line);
		str_field(w, "module", s->frames[k].module);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static int sites_json(const struct hot_sites *v, const struct gate_result *gate,
		      FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	str_field(&w, "by", v->by);
	str_field(&w, "temporary_rule",
		  "freed by the allocating thread before its next allocation");
	u64_field(&w, "peak_bytes", v->peak_bytes);
	json_key(&w, "sites");
	json_array_begin(&w);
	for (size_t i = 0; i < v->n; i++)
		json_site(&w, &v->site[i]);
	json_array_end(&w);
	if (gate)
		render_gate_json(&w, gate);
	json_object_end(&w);
	return json_writer_finish(&w);
}

static void text_site(FILE *out, const struct hot_site *s)
{
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN], d[UNITS_LEN];

	fprintf(out, "%s %s, %s, %s at peak, %s temporary (%.1f%%), at:\n",
		units_count(a, s->allocs),
		s->allocs == 1 ? "allocation" : "allocations",
		units_bytes(b, s->bytes), units_bytes(c, s->peak),
		units_count(d, s->temporary), pct(s->temporary, s->allocs));
	for (size_t k = 0; k < s->nframes; k++)
		frames_text_one(out, k, &s->frames[k], 0);
	if (s->more)
		fprintf(out, "    (%zu more %s: --depth shows them)\n", s->more,
			s->more == 1 ? "frame" : "frames");
	fputc('\n', out);
}

static int sites_text(const struct hot_sites *v, FILE *out)
{
	char a[UNITS_LEN];

	fprintf(out,
		"Allocation sites by %s; peak: bytes live at the heap's peak (%s); temporary: freed by the allocating thread before its next allocation.\n\n",
		v->by, units_bytes(a, v->peak_bytes));
	for (size_t i = 0; i < v->n; i++)
		text_site(out, &v->site[i]);
	if (!v->n)
		fprintf(out, "No allocation site has any.\n");
	return fflush(out) ? -1 : 0;
}

/* --- flame graphs --------------------------------------------------------- */

static int flame_text(const struct hot_lines *ls, FILE *out)
{
	for (size_t i = 0; i < ls->n; i++)
		fprintf(out, "%s %" PRIu64 "\n", ls->l[i].text, ls->l[i].n);
	if (fflush(out))
		return error("cannot write the output");
	return 0;
}

int render_hotspots_text(const struct hot_result *r, FILE *out)
{
	switch (r->mode) {
	case HOT_SITES:
		return sites_text(&r->sites, out);
	case HOT_FLAME:
		return flame_text(&r->flame, out);
	default:
		return cpu_text(&r->cpu, out);
	}
}

int render_hotspots_json(const struct hot_result *r,
			 const struct gate_result *gate, FILE *out)
{
	/* A flame graph is collapsed stacks, never JSON (cli.c says so). */
	return r->mode == HOT_SITES ? sites_json(&r->sites, gate, out)
				    : cpu_json(&r->cpu, gate, out);
}
