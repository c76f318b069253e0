/* metrics.c - the metric set of one build's runs: expand, read, collect. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify.h"
#include "error.h"
#include "frames.h"
#include "gate.h"
#include "hotspots.h"
#include "leaks.h"
#include "metrics.h"
#include "model.h"
#include "perfshim_trace.h"
#include "tee.h"

#define MAX_FRAMES 512
/* Every site and function: the set is not a top-N report. */
#define ALL_ROWS ((size_t)1 << 24)

/* --- runs ----------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NAME.zst, not hidden (an editor's or a copy's temporary, as trend
 * skips them too). */
static int is_trace_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && !strcmp(name + n - 4, ".zst");
}

/* Append dir's regular *.zst files, sorted, to out. */
static int expand_dir(const char *dir, struct run_paths *out, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = out->n;
	struct stat st;

	if (!d)
		return error("%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *p;

		if (!is_trace_name(e->d_name))
			continue;
		p = xmalloc(len);
		snprintf(p, len, "%s/%s", dir, e->d_name);
		if (stat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		XGROW(out->path, *cap, out->n + 1);
		out->path[out->n++] = p;
	}
	closedir(d);
	if (out->n == first)
		return error("%s: no traces (*.zst)", dir);
	qsort(out->path + first, out->n - first, sizeof(*out->path), by_name);
	return 0;
}

int runs_expand(char *const *args, size_t nargs, struct run_paths *out)
{
	size_t cap = 0;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (!nargs)
		return error("no traces given");
	for (size_t i = 0; i < nargs; i++) {
		if (stat(args[i], &st)) {
			error("%s: %s", args[i], strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			if (expand_dir(args[i], out, &cap))
				goto fail;
			continue;
		}
		XGROW(out->path, cap, out->n + 1);
		out->path[out->n++] = xstrdup(args[i]);
	}
	return 0;
fail:
	run_paths_release(out);
	return -1;
}

void run_paths_release(struct run_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->path[i]);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

/* --- the set -------------------------------------------------------------- */

void metrics_init(struct metric_set *s, size_t runs)
{
	memset(s, 0, sizeof(*s));
	s->runs = runs;
}

void metrics_release(struct metric_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->m[i].where);
		free(s->m[i].v);
		free(s->m[i].k);
		free(s->m[i].n);
	}
	for (size_t r = 0; r < s->runs; r++) {
		if (s->path)
			free(s->path[r]);
		if (s->label)
			free(s->label[r]);
	}
	for (size_t i = 0; i < s->nstrs; i++)
		free(s->strs[i]);
	free(s->strs);
	free(s->run);
	free(s->path);
	free(s->label);
	free(s->cpu_step_ns);
	free(s->exe);
	free(s->first_incomplete);
	free(s->m);
	hashtab_release(&s->ix);
	metrics_init(s, 0);
}

struct metric_key {
	enum metric_scope scope;
	const char *where, *name;
	const struct metric *m;
};

static int metric_eq(const void *ctx, size_t i)
{
	const struct metric_key *k = ctx;
	const struct metric *m = &k->m[i];

	return m->scope == k->scope && !strcmp(m->name, k->name) &&
	       !strcmp(m->where, k->where);
}

static uint64_t metric_hash(enum metric_scope sc, const char *where,
			    const char *name)
{
	return hash64(hash_str(name, hash_str(where, HASH_STR_SEED)) ^
		      (uint64_t)sc);
}

const struct metric *metrics_find(const struct metric_set *s,
				  enum metric_scope sc, const char *where,
				  const char *name)
{
	struct metric_key k = { sc, where, name, s->m };
	size_t i = hashtab_find(&s->ix, metric_hash(sc, where, name), metric_eq,
				&k);

	return i == HASHTAB_NONE ? NULL : &s->m[i];
}

struct metric *metrics_put(struct metric_set *s, enum metric_scope sc,
			   const char *where, const char *name,
			   enum metric_unit unit)
{
	struct metric_key k = { sc, where, name, s->m };
	size_t i = hashtab_put(&s->ix, metric_hash(sc, where, name), metric_eq,
			       &k, s->n);
	struct metric *m;

	if (i < s->n)
		return &s->m[i];
	XGROW(s->m, s->alloc, s->n + 1);
	m = &s->m[s->n++];
	*m = (struct metric){ .scope = sc,
			      .where = xstrdup(where),
			      .name = name,
			      .unit = unit,
			      .runs = s->runs };
	m->v = xcalloc(s->runs + 1, sizeof(*m->v));
	for (size_t r = 0; r < s->runs; r++)
		m->v[r] = NAN;
	return m;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double metric_median(const struct metric *m)
{
	double *v = xcalloc(m->runs + 1, sizeof(*v)), med = NAN;
	size_t n = 0;

	for (size_t r = 0; r < m->runs; r++)
		if (!isnan(m->v[r]))
			v[n++] = m->v[r];
	qsort(v, n, sizeof(*v), cmp_double);
	if (n)
		med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	free(v);
	return med;
}

size_t metric_present(const struct metric *m)
{
	size_t n = 0;

	for (size_t r = 0; r < m->runs; r++)
		n += !isnan(m->v[r]);
	return n;
}

const char *metric_scope_name(enum metric_scope sc)
{
	static const char *const names[] = { "program", "site", "function",
					     "zone" };

	return names[sc];
}

int metric_scope_parse(const char *name, enum metric_scope *sc)
{
	for (int i = METRIC_PROGRAM; i <= METRIC_ZONE; i++)
		if (!strcmp(name, metric_scope_name((enum metric_scope)i))) {
			*sc = (enum metric_scope)i;
			return 0;
		}
	return -1;
}

/* The table of the header: which scopes have a name, and its unit. */
static const struct {
	const char *name;
	unsigned scopes; /* 1 << METRIC_* */
	enum metric_unit unit;
} known[] = {
#define P (1u << METRIC_PROGRAM)
#define S (1u << METRIC_SITE)
#define F (1u << METRIC_FUNCTION)
#define Z (1u << METRIC_ZONE)
	{ "allocs", P, METRIC_COUNT },	      { "bytes", P | S, METRIC_BYTES },
	{ "peak_heap", P, METRIC_BYTES },     { "leaked", P | S, METRIC_BYTES },
	{ "leaked_blocks", P, METRIC_COUNT }, { "cpu_time", P | F, METRIC_NS },
	{ "rss_peak", P, METRIC_BYTES },      { "duration", P, METRIC_NS },
	{ "calls", S | F | Z, METRIC_COUNT }, { "cpu_share", F, METRIC_RATIO },
	{ "total", F | Z, METRIC_NS },	      { "self", F | Z, METRIC_NS },
	{ "p50", F | Z, METRIC_NS },	      { "p90", F | Z, METRIC_NS },
	{ "p95", F | Z, METRIC_NS },	      { "p99", F | Z, METRIC_NS },
	{ "max", F | Z, METRIC_NS },
#undef P
#undef S
#undef F
#undef Z
};

const char *metric_known(enum metric_scope sc, const char *name,
			 enum metric_unit *unit)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if ((known[i].scopes & 1u << sc) &&
		    !strcmp(name, known[i].name)) {
			*unit = known[i].unit;
			return known[i].name;
		}
	return NULL;
}

int metric_in_summary(const struct metric *m)
{
	switch (m->scope) {
	case METRIC_PROGRAM:
	case METRIC_ZONE:
		return 1;
	case METRIC_FUNCTION:
		return strcmp(m->name, "cpu_time") &&
		       strcmp(m->name, "cpu_share");
	case METRIC_SITE:
		break;
	}
	return 0;
}

const char *metric_unit_name(enum metric_unit u)
{
	static const char *const names[] = { "count", "bytes", "ns", "ratio" };

	return names[u];
}

/* Set run r's value of (sc, where, name); a second value adds to it. */
static struct metric *add(struct metric_set *s, size_t r, enum metric_scope sc,
			  const char *where, const char *name,
			  enum metric_unit unit, double v)
{
	struct metric *m = metrics_put(s, sc, where, name, unit);

	m->v[r] = isnan(m->v[r]) ? v : m->v[r] + v;
	return m;
}

/* --- one run's pass ------------------------------------------------------- */

/* What the metrics read beside the replay, the scan and the hot spots. */
struct extra {
	uint64_t rss_peak;
	int have_rss;
};

struct run_pass {
	struct trace_reader *r;
	struct replay rp;
	struct classify cls;
	struct hotspots *hot;
	struct extra x;
	struct symbols *sym;
};

static int on_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct extra *x = ctx;

	(void)ts;
	(void)mapped;
	if (!x->have_rss || rss > x->rss_peak)
		x->rss_peak = rss;
	x->have_rss = 1;
	return 0;
}

static void pass_release(struct run_pass *p)
{
	hotspots_free(p->hot);
	if (p->r)
		classify_release(&p->cls);
	replay_release(&p->rp);
	trace_reader_free(p->r);
	symbols_free(p->sym);
	memset(p, 0, sizeof(*p));
}

/* Read the trace at path once: replay, scan verdicts, hot spots, extras. */
static int pass_read(struct run_pass *p, const char *path)
{
	struct trace_visitor v[4];
	struct visitor_tee tee;

	memset(p, 0, sizeof(*p));
	replay_init(&p->rp);
	if (!(p->r = trace_reader_open(path)))
		return -1;
	classify_init(&p->cls, p->r);
	if (!(p->hot = hotspots_new(&p->rp, p->r)) || !(p->sym = symbols_new()))
		return error("out of memory");
	visitor_tee_init(&tee);
	replay_visitor(&p->rp, &v[0]);
	classify_visitor(&p->cls, &v[1]);
	hotspots_visitor(p->hot, &v[2]);
	memset(&v[3], 0, sizeof(v[3]));
	v[3].ctx = &p->x;
	v[3].memory = on_memory;
	for (size_t i = 0; i < 4; i++)
		visitor_tee_add(&tee, &v[i]);
	if (trace_reader_run(p->r, &tee.out))
		return -1;
	run_check_end(&p->rp, path);
	return 0;
}

/* --- one run's metrics ---------------------------------------------------- */

static void program_metrics(struct metric_set *s, size_t r,
			    const struct run *run, const struct run_pass *p)
{
	add(s, r, METRIC_PROGRAM, "", "allocs", METRIC_COUNT,
	    (double)run->alloc_calls);
	add(s, r, METRIC_PROGRAM, "", "bytes", METRIC_BYTES,
	    (double)run->alloc_bytes);
	add(s, r, METRIC_PROGRAM, "", "peak_heap", METRIC_BYTES,
	    (double)run->peak_bytes);
	/* Present in every run (0 when nothing leaks): the sites say where. */
	add(s, r, METRIC_PROGRAM, "", "leaked", METRIC_BYTES, 0);
	add(s, r, METRIC_PROGRAM, "", "leaked_blocks", METRIC_COUNT, 0);
	if (p->x.have_rss)
		add(s, r, METRIC_PROGRAM, "", "rss_peak", METRIC_BYTES,
		    (double)p->x.rss_peak);
	add(s, r, METRIC_PROGRAM, "", "duration", METRIC_NS,
	    (double)run->duration_ns);
}

/*
 * The function a site is named after: its program frame's (frames_program
 * skips the allocator, the runtime and the std:: templates inlined into
 * the program).
 */
const char *metrics_site_where(const struct sym_frame *f, size_t n)
{
	return n ? f[frames_program(f, n)].function : "??";
}

static int site_metrics(struct metric_set *s, size_t r, struct run_pass *p)
{
	struct hot_options o = { .mode = HOT_SITES,
				 .key = HOT_BY_ALLOCS,
				 .top = ALL_ROWS,
				 .thread = -1 };
	struct hot_result res;

	if (hotspots_collect(p->hot, p->sym, &o, &res))
		return -1;
	for (size_t i = 0; i < res.sites.n; i++) {
		const struct hot_site *st = &res.sites.site[i];
		const char *w = metrics_site_where(st->frames, st->nframes);

		add(s, r, METRIC_SITE, w, "calls", METRIC_COUNT,
		    (double)st->allocs);
		add(s, r, METRIC_SITE, w, "bytes", METRIC_BYTES,
		    (double)st->bytes);
	}
	hot_result_release(&res);
	return 0;
}

/* Leaks as the leak gate counts them by default, by site and in all. */
static int leak_metrics(struct metric_set *s, size_t r, struct run_pass *p,
			int complete)
{
	struct leak_options o = { .cls = &p->cls,
				  .kinds = LEAK_GATE_DEFAULT,
				  .gate_kinds = LEAK_GATE_DEFAULT,
				  .complete = complete };
	struct leak_result res = { 0 };

	if (leaks_collect(&p->rp, p->sym, &o, &res))
		return -1;
	for (size_t i = 0; i < res.ngroups; i++) {
		const struct leak_group *g = &res.group[i];
		const char *w = metrics_site_where(g->frames, g->nframes);

		add(s, r, METRIC_SITE, w, "leaked", METRIC_BYTES,
		    (double)g->bytes);
		add(s, r, METRIC_PROGRAM, "", "leaked", METRIC_BYTES,
		    (double)g->bytes);
		add(s, r, METRIC_PROGRAM, "", "leaked_blocks", METRIC_COUNT,
		    (double)g->blocks);
	}
	leak_result_release(&res);
	return 0;
}

/* CPU samples: the program's CPU time, each function's time and share. */
static void sample_metrics(struct metric_set *s, size_t r,
			   const struct hot_cpu *c)
{
	uint64_t periods = c->taken + c->in_shim + c->in_loader + c->other;

	if (!c->have_sampler)
		return;
	if (s->cpu_step_ns && c->signals)
		s->cpu_step_ns[r] = (double)c->samples / (double)c->signals *
				    (double)c->period_ns;
	add(s, r, METRIC_PROGRAM, "", "cpu_time", METRIC_NS,
	    (double)periods * (double)c->period_ns);
	for (size_t i = 0; i < c->fs.n; i++) {
		const struct hot_func *f = &c->fs.f[i];
		struct metric *m;

		if (!f->self)
			continue;
		add(s, r, METRIC_FUNCTION, f->function, "cpu_time", METRIC_NS,
		    (double)f->self * (double)c->period_ns);
		m = metrics_put(s, METRIC_FUNCTION, f->function, "cpu_share",
				METRIC_RATIO);
		if (!m->k) {
			m->k = xcalloc(s->runs + 1, sizeof(*m->k));
			m->n = xcalloc(s->runs + 1, sizeof(*m->n));
		}
		m->k[r] += f->self;
		m->n[r] = c->samples;
		m->v[r] = c->samples ? (double)m->k[r] / (double)c->samples : 0;
	}
}

/*
 * Exact timings: calls and self time of the path's leaf, summed over its
 * paths; the total from the report's rows per name, which count a
 * recursive function's time once (its outermost calls), not once per
 * level of the recursion.
 */
static void timing_metrics(struct metric_set *s, size_t r,
			   const struct hot_cpu *c)
{
	for (size_t i = 0; i < c->ntimings; i++) {
		const struct hot_timing *t = &c->timing[i];
		enum metric_scope sc = t->zone ? METRIC_ZONE : METRIC_FUNCTION;
		const char *w;

		if (!t->n)
			continue;
		w = t->leaf.function;
		add(s, r, sc, w, "calls", METRIC_COUNT, (double)t->calls);
		/* total (set below) before self: the order of the table */
		metrics_put(s, sc, w, "total", METRIC_NS);
		add(s, r, sc, w, "self", METRIC_NS, (double)t->self_ns);
	}
	for (size_t i = 0; i < c->nlat; i++) {
		const struct hot_latency *l = &c->lat[i];

		add(s, r, l->zone ? METRIC_ZONE : METRIC_FUNCTION, l->name,
		    "total", METRIC_NS, (double)l->total_ns);
	}
}

/*
 * Latency percentiles of each zone and instrumented function, from the
 * report's rows (histograms merged over threads and paths).
 */
static void latency_metrics(struct metric_set *s, size_t r,
			    const struct hot_cpu *c)
{
	static const char *const names[] = { "p50", "p90", "p95", "p99",
					     "max" };

	for (size_t i = 0; i < c->nlat; i++) {
		const struct hot_latency *l = &c->lat[i];
		const uint64_t v[5] = { l->lat.p50, l->lat.p90, l->lat.p95,
					l->lat.p99, l->lat.max };

		if (!l->has_hist)
			continue;
		for (size_t j = 0; j < 5; j++) {
			struct metric *m = metrics_put(
				s, l->zone ? METRIC_ZONE : METRIC_FUNCTION,
				l->name, names[j], METRIC_NS);

			/* Two entries of one name (two modules): the larger. */
			if (isnan(m->v[r]) || (double)v[j] > m->v[r])
				m->v[r] = (double)v[j];
		}
	}
}

/* *samples: the run's CPU samples, or -1 without the sampler. */
static int cpu_metrics(struct metric_set *s, size_t r, struct run_pass *p,
		       int64_t *samples)
{
	struct hot_options o = { .mode = HOT_CPU, .top = 64, .thread = -1 };
	struct hot_result res;

	if (hotspots_collect(p->hot, p->sym, &o, &res))
		return -1;
	*samples = res.cpu.have_sampler ? (int64_t)res.cpu.samples : -1;
	sample_metrics(s, r, &res.cpu);
	timing_metrics(s, r, &res.cpu);
	latency_metrics(s, r, &res.cpu);
	hot_result_release(&res);
	return 0;
}

void metrics_mark_incomplete(struct metric_set *s, const char *path)
{
	if (!s->incomplete++)
		s->first_incomplete = xstrdup(path);
}

/* A copy of str that lives as long as s (NULL stays NULL). */
static const char *keep(struct metric_set *s, const char *str)
{
	if (!str)
		return NULL;
	XGROW(s->strs, s->capstrs, s->nstrs + 1);
	return s->strs[s->nstrs++] = xstrdup(str);
}

/* Run r's struct run, its strings the set's own. */
static void keep_run(struct metric_set *s, size_t r, const struct run *run)
{
	s->run[r] = *run;
	s->run[r].path = s->path[r];
	s->run[r].exe = keep(s, run->exe);
	s->run[r].cmdline = keep(s, run->cmdline);
	s->run[r].label = keep(s, run->label);
	if (run->label)
		s->label[r] = xstrdup(run->label);
}

/* Read run r of s from its trace; its CPU samples into *samples. */
static int load_run(struct metric_set *s, size_t r, int64_t *samples)
{
	struct run_pass p;
	struct run run;
	int rc = -1;

	if (pass_read(&p, s->path[r]))
		goto out;
	run_collect(&run, s->path[r], trace_reader_header(p.r), &p.rp,
		    trace_reader_cut_short(p.r));
	keep_run(s, r, &run);
	if (!r) {
		s->exe = xstrdup(run.exe);
	} else if (strcmp(s->exe, run.exe) && !s->mixed) {
		warning("runs of different programs: %s (%s) and %s (%s)",
			s->exe, s->path[0], run.exe, s->path[r]);
		s->mixed = 1;
	}
	if (gate_incomplete(p.r))
		metrics_mark_incomplete(s, s->path[r]);
	program_metrics(s, r, &run, &p);
	if (!cpu_metrics(s, r, &p, samples) && !site_metrics(s, r, &p) &&
	    !leak_metrics(s, r, &p, !run.cut_short))
		rc = 0;
out:
	pass_release(&p);
	return rc;
}

/*
 * A function without samples in a run that was sampled took none of its
 * CPU: 0, not absent, so that its share is tested against the others.
 */
static void fill_cpu(struct metric_set *s, const int64_t *samples)
{
	for (size_t i = 0; i < s->n; i++) {
		struct metric *m = &s->m[i];

		if (m->scope != METRIC_FUNCTION ||
		    (strcmp(m->name, "cpu_time") && !m->k))
			continue;
		for (size_t r = 0; r < s->runs; r++) {
			if (!isnan(m->v[r]) || samples[r] < 0)
				continue;
			m->v[r] = 0;
			if (m->k)
				m->n[r] = (uint64_t)samples[r];
		}
	}
}

int metrics_load(struct metric_set *s, char *const *args, size_t nargs)
{
	struct run_paths rp;
	int64_t *samples;

	if (runs_expand(args, nargs, &rp)) {
		metrics_init(s, 0);
		return -1;
	}
	metrics_init(s, rp.n);
	s->path = rp.path;
	s->label = xcalloc(rp.n + 1, sizeof(*s->label));
	s->run = xcalloc(rp.n + 1, sizeof(*s->run));
	s->cpu_step_ns = xcalloc(rp.n + 1, sizeof(*s->cpu_step_ns));
	samples = xcalloc(rp.n + 1, sizeof(*samples));
	for (size_t r = 0; r < s->runs; r++) {
		if (load_run(s, r, &samples[r])) {
			free(samples);
			metrics_release(s);
			return -1;
		}
	}
	fill_cpu(s, samples);
	free(samples);
	return 0;
}
