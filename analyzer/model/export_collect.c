/* export_collect.c - the exports' input from a replayed trace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export_collect.h"
#include "frames.h"
#include "metrics.h"
#include "perfshim_trace.h"
#include "tee.h"

/* The heap's series keeps the highest value of each such span. */
#define HEAP_STEP_NS 1000000ull
/* Deepest stack exported (the shim records at most 256 frames). */
#define MAX_STACK 512
/* Deepest call nesting checked (the shim times 512 levels). */
#define MAX_NEST 1024

/* A map of 64-bit keys to counters, by open addressing. */
struct kv {
	uint64_t key;
	uint64_t a, b; /* counts: samples, or objects and bytes */
	int used;
};

struct kvmap {
	struct kv *s;
	size_t cap, n;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static int kv_grow(struct kvmap *m)
{
	size_t cap = m->cap ? 2 * m->cap : 256;
	struct kv *s = calloc(cap, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->s[i].used)
			continue;
		size_t j = mix(m->s[i].key) & (cap - 1);

		while (s[j].used)
			j = (j + 1) & (cap - 1);
		s[j] = m->s[i];
	}
	free(m->s);
	m->s = s;
	m->cap = cap;
	return 0;
}

/* The entry of key, made when new; NULL on out of memory. */
static struct kv *kv_get(struct kvmap *m, uint64_t key)
{
	if ((m->n + 1) * 2 > m->cap && kv_grow(m))
		return NULL;
	size_t j = mix(key) & (m->cap - 1);

	while (m->s[j].used && m->s[j].key != key)
		j = (j + 1) & (m->cap - 1);
	if (!m->s[j].used) {
		m->s[j].used = 1;
		m->s[j].key = key;
		m->n++;
	}
	return &m->s[j];
}

/* A timed call as the trace has it; named when the profile is filled. */
struct raw_call {
	uint64_t start, dur, value;
	uint32_t thread, depth, type;
};

struct export_collect {
	const struct replay *rp;
	const struct trace_reader *r;
	struct export_profile tl; /* threads, counters, markers as they come */
	uint32_t heap, rss;	  /* counter ids in tl */
	uint64_t heap_bucket, heap_max;
	int heap_open;
	struct kvmap samples; /* stack << 32 | thread -> samples */
	struct kvmap allocs;  /* stack -> objects, bytes */
	uint64_t period_ns, paths;
	struct raw_call *calls;
	size_t ncalls, capcalls;
	uint64_t calls_dropped;
};

static uint32_t canon(const struct replay *rp, uint32_t id)
{
	return id < rp->nnodes ? rp->nodes[id].canon : id;
}

/* The heap in use, one point (the span's highest) per HEAP_STEP_NS. */
static int heap_point(struct export_collect *c, uint64_t ts, uint64_t bytes)
{
	uint64_t bucket = ts / HEAP_STEP_NS;

	if (c->heap_open && bucket != c->heap_bucket) {
		if (!export_point_add(&c->tl, c->heap,
				      c->heap_bucket * HEAP_STEP_NS,
				      (int64_t)c->heap_max))
			return -1;
		c->heap_open = 0;
	}
	if (!c->heap_open || bytes > c->heap_max)
		c->heap_max = bytes;
	c->heap_bucket = bucket;
	c->heap_open = 1;
	return 0;
}

static int nomem(void)
{
	fputs("perfanalyze: out of memory\n", stderr);
	return -1;
}

static uint32_t nomem_id(void)
{
	nomem();
	return 0;
}

static int on_event(void *ctx, const struct trace_event *ev)
{
	struct export_collect *c = ctx;
	uint32_t stack = canon(c->rp, ev->stack);
	struct kv *e;

	switch (ev->kind) {
	case PERFSHIM_EV_SAMPLE:
		if (!(e = kv_get(&c->samples,
				 (uint64_t)stack << 32 | ev->thread)))
			return nomem();
		e->a++;
		return 0;
	case PERFSHIM_EV_ALLOC:
		if (!(e = kv_get(&c->allocs, stack)))
			return nomem();
		e->a++;
		e->b += ev->size;
		return heap_point(c, ev->ts, c->rp->live_bytes);
	case PERFSHIM_EV_FREE:
		return heap_point(c, ev->ts, c->rp->live_bytes);
	case PERFSHIM_EV_MARK:
		return export_marker_add(&c->tl, ev->ts, ev->thread + 1,
					 replay_string(c->rp, ev->label))
			       ? 0
			       : -1;
	}
	return 0;
}

static int on_thread(void *ctx, uint32_t index, uint64_t tid, const char *name)
{
	struct export_collect *c = ctx;

	return export_thread_set(&c->tl, index, tid, name) ? 0 : -1;
}

static int on_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	struct export_collect *c = ctx;

	(void)mapped;
	return export_point_add(&c->tl, c->rss, ts, (int64_t)rss) ? 0 : -1;
}

static int on_calls(void *ctx, const struct trace_calls *tc)
{
	struct export_collect *c = ctx;

	c->calls_dropped += tc->dropped;
	if (c->ncalls + tc->n > c->capcalls) {
		size_t cap = c->capcalls ? 2 * c->capcalls : 4096;

		while (cap < c->ncalls + tc->n)
			cap *= 2;
		void *n = realloc(c->calls, cap * sizeof(*c->calls));

		if (!n)
			return nomem();
		c->calls = n;
		c->capcalls = cap;
	}
	for (size_t i = 0; i < tc->n; i++) {
		const struct trace_call *k = &tc->call[i];

		c->calls[c->ncalls++] = (struct raw_call){
			k->start,	k->dur,	  k->value,
			tc->thread + 1, k->depth, k->type,
		};
	}
	return 0;
}

/* The sampling period, and whether the trace timed any call paths. */
static int on_ext(void *ctx, uint8_t tag, const uint8_t *p, const uint8_t *end)
{
	struct export_collect *c = ctx;
	uint64_t kind;

	if (tag != PERFSHIM_REC_TIMING || perfshim_get_varint(&p, end, &kind))
		return 0; /* hotspots.c validates TIMING records */
	if (kind == PERFSHIM_TIMING_SAMPLER)
		perfshim_get_varint(&p, end, &c->period_ns);
	else if (kind == PERFSHIM_TIMING_PATHS)
		c->paths++;
	return 0;
}

struct export_collect *export_collect_new(const struct replay *rp,
					  const struct trace_reader *r)
{
	struct export_collect *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rp = rp;
	c->r = r;
	export_init(&c->tl);
	c->heap = export_counter_add(&c->tl, "heap in use");
	c->rss = export_counter_add(&c->tl, "RSS");
	if (!c->heap || !c->rss) {
		export_collect_free(c);
		return NULL;
	}
	return c;
}

void export_collect_visitor(struct export_collect *c, struct trace_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->ctx = c;
	v->event = on_event;
	v->thread = on_thread;
	v->memory = on_memory;
	v->ext = on_ext;
	v->calls = on_calls;
}

void export_collect_free(struct export_collect *c)
{
	if (!c)
		return;
	export_release(&c->tl);
	free(c->samples.s);
	free(c->allocs.s);
	free(c->calls);
	free(c);
}

/* --- filling the profile --------------------------------------------------- */

enum { T_SAMPLES, T_CPU, T_ALLOC_N, T_ALLOC_B, T_INUSE_N, T_INUSE_B, NTYPES };

struct fill {
	const struct replay *rp;
	struct symbols *sym;
	struct export_profile *p;
	const char *exe;
	uint32_t *loc;	     /* location id by node id, 0: not yet */
	struct kvmap funcs;  /* name id << 32 | module id -> function id */
	struct kvmap mapids; /* module id -> mapping id + 1 */
};

static uint32_t function_of(struct fill *f, const struct sym_frame *fr)
{
	uint32_t name = export_string(f->p, fr->function);
	uint32_t module = export_string(f->p, fr->module);
	uint32_t file = export_string(f->p, fr->file);
	struct kv *e = kv_get(&f->funcs, (uint64_t)name << 32 | module);

	if (!e)
		return nomem_id();
	if (!e->a) {
		struct export_function fn = { name, name, file, fr->line };

		e->a = export_function_add(f->p, &fn);
		return (uint32_t)e->a;
	}
	/* The lowest line seen in its own file: nearest the start. */
	struct export_function *fn = &f->p->functions[e->a - 1];

	if (file && (!fn->file || (fn->file == file && fr->line &&
				   fr->line < fn->start_line))) {
		fn->file = file;
		fn->start_line = fr->line;
	}
	return (uint32_t)e->a;
}

/* The mapping of m's executable segments; 0 when it has none. */
static uint32_t mapping_of(struct fill *f, const struct module_info *m)
{
	struct kv *e = kv_get(&f->mapids, m->id);
	struct export_mapping map = { .start = UINT64_MAX };
	char hex[2 * 64 + 1];

	if (!e)
		return nomem_id();
	if (e->a)
		return (uint32_t)e->a - 1;
	for (size_t s = 0; s < m->nsegs; s++) {
		const struct module_segment *g = &m->segs[s];

		if (!(g->flags & 1)) /* PF_X */
			continue;
		if (g->start < map.start)
			map.start = g->start;
		if (g->start + g->size > map.limit)
			map.limit = g->start + g->size;
	}
	e->a = 1;
	if (!map.limit)
		return 0;
	/* The ELF address of the start: the file offset pprof would need
	 * only to symbolize again, which has_functions tells it not to. */
	map.offset = map.start - m->bias;
	map.file = export_string(f->p, m->path[0] ? m->path : f->exe);
	module_hex_id(m->build_id, m->build_id_len, hex, sizeof(hex));
	map.build_id = export_string(f->p, hex);
	e->a = export_mapping_add(f->p, &map) + 1;
	return (uint32_t)e->a - 1;
}

static uint32_t location_of(struct fill *f, uint32_t id)
{
	struct sym_frame fr[FRAMES_MAX_INLINE];
	struct export_line lines[FRAMES_MAX_INLINE];
	const struct module_info *m = replay_node_module(f->rp, id);
	uint64_t ip = f->rp->nodes[id].ip;

	if (f->loc[id])
		return f->loc[id];
	int n = symbols_lookup(f->sym, m, ip, 1, fr, FRAMES_MAX_INLINE);

	for (int k = 0; k < n; k++) {
		lines[k].function = function_of(f, &fr[k]);
		lines[k].line = fr[k].line;
		if (!lines[k].function)
			return 0;
	}
	f->loc[id] = export_location_add(f->p, ip, m ? mapping_of(f, m) : 0,
					 lines, (size_t)n);
	return f->loc[id];
}

/* A sample of stack's locations (innermost first) and values. */
static int add_stack(struct fill *f, uint32_t stack, const int64_t *values,
		     uint32_t thread)
{
	uint32_t locs[MAX_STACK];
	size_t n = 0;

	for (uint32_t id = stack;
	     id && id < f->rp->nnodes && n < sizeof(locs) / sizeof(locs[0]);
	     id = f->rp->nodes[id].parent)
		if (!(locs[n++] = location_of(f, id)))
			return -1;
	return export_sample_add(f->p, locs, n, values, thread) ? 0 : -1;
}

static int add_types(struct export_profile *p, uint64_t period_ns)
{
	static const char *const types[NTYPES][2] = {
		{ "samples", "count" },	      { "cpu", "nanoseconds" },
		{ "alloc_objects", "count" }, { "alloc_space", "bytes" },
		{ "inuse_objects", "count" }, { "inuse_space", "bytes" },
	};

	for (int t = 0; t < NTYPES; t++)
		if (!export_type_add(p, types[t][0], types[t][1]))
			return -1;
	p->period_type = p->types[T_CPU];
	p->default_type = p->types[T_CPU].type;
	p->period = (int64_t)period_ns;
	return 0;
}

static int add_samples(struct fill *f, const struct export_collect *c)
{
	for (size_t i = 0; i < c->samples.cap; i++) {
		const struct kv *e = &c->samples.s[i];
		int64_t v[NTYPES] = { 0 };

		if (!e->used)
			continue;
		v[T_SAMPLES] = (int64_t)e->a;
		v[T_CPU] = (int64_t)(e->a * c->period_ns);
		if (add_stack(f, (uint32_t)(e->key >> 32), v,
			      (uint32_t)e->key + 1))
			return -1;
	}
	for (size_t i = 0; i < c->allocs.cap; i++) {
		const struct kv *e = &c->allocs.s[i];
		int64_t v[NTYPES] = { 0 };

		if (!e->used)
			continue;
		v[T_ALLOC_N] = (int64_t)e->a;
		v[T_ALLOC_B] = (int64_t)e->b;
		if (add_stack(f, (uint32_t)e->key, v, 0))
			return -1;
	}
	return 0;
}

/* What is still allocated at the end, by stack. */
static int add_live(struct fill *f)
{
	const struct replay *rp = f->rp;
	struct kvmap live = { 0 };
	int rc = 0;

	for (size_t i = 0; i < rp->live_cap; i++) {
		const struct live_block *b = &rp->live[i];
		struct kv *e;

		if (!b->addr)
			continue;
		if (!(e = kv_get(&live, canon(rp, b->stack)))) {
			free(live.s);
			return nomem();
		}
		e->a++;
		e->b += b->size;
	}
	for (size_t i = 0; i < live.cap && !rc; i++) {
		int64_t v[NTYPES] = { 0 };

		if (!live.s[i].used)
			continue;
		v[T_INUSE_N] = (int64_t)live.s[i].a;
		v[T_INUSE_B] = (int64_t)live.s[i].b;
		rc = add_stack(f, (uint32_t)live.s[i].key, v, 0);
	}
	free(live.s);
	return rc;
}

/* Threads in order, and each thread's calls by start, callers first. */
static int call_cmp(const void *a, const void *b)
{
	const struct raw_call *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->depth > y->depth) - (x->depth < y->depth);
}

/* The function a call names: a zone by its name, a function by symbol. */
static uint32_t call_function(struct fill *f, const struct raw_call *k)
{
	struct sym_frame fr[FRAMES_MAX_INLINE];
	char hex[32];
	int n = 0;

	if (k->type == PERFSHIM_PATH_ZONE) {
		fr[0] = (struct sym_frame){ 0 };
		fr[0].function = replay_string(f->rp, (uint32_t)k->value);
		fr[0].file = fr[0].module = "";
		return function_of(f, &fr[0]);
	}
	n = symbols_lookup(f->sym, replay_module_at(f->rp, k->value), k->value,
			   0, fr, FRAMES_MAX_INLINE);
	if (n > 0) /* the outermost frame: the function entered */
		return function_of(f, &fr[n - 1]);
	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)k->value);
	fr[0] = (struct sym_frame){ 0 };
	fr[0].function = hex;
	fr[0].file = fr[0].module = "";
	return function_of(f, &fr[0]);
}

/*
 * Sorted calls, clamped into their caller's span (the latest call one
 * level up on the thread): times are converted from the event clock call
 * by call, and a TSC's calibration improves as the trace goes, so a call
 * may end a few ns past its caller, which viewers take for bad nesting.
 */
static void nest_calls(struct raw_call *k, size_t n)
{
	uint64_t end[MAX_NEST];
	size_t known = 0; /* end[0..known) hold this thread's open levels */

	for (size_t i = 0; i < n; i++) {
		size_t d = k[i].depth;

		if (i && k[i].thread != k[i - 1].thread)
			known = 0;
		if (d && d - 1 < known) {
			uint64_t top = end[d - 1];

			if (k[i].start > top)
				k[i].start = top;
			if (k[i].dur > top - k[i].start)
				k[i].dur = top - k[i].start;
		}
		if (d < MAX_NEST && d <= known) {
			end[d] = k[i].start + k[i].dur;
			known = d + 1;
		}
	}
}

static int add_calls(struct fill *f, struct export_collect *c)
{
	struct kvmap ids = { 0 }; /* value << 1 | type -> function id */
	int rc = 0;

	if (c->ncalls) /* qsort may not take NULL */
		qsort(c->calls, c->ncalls, sizeof(*c->calls), call_cmp);
	nest_calls(c->calls, c->ncalls);
	for (size_t i = 0; i < c->ncalls && !rc; i++) {
		const struct raw_call *k = &c->calls[i];
		struct kv *e = kv_get(&ids, k->value << 1 | k->type);

		if (!e)
			rc = nomem();
		else if (!e->a && !(e->a = call_function(f, k)))
			rc = -1;
		else if (!export_call_add(f->p, k->start, k->dur, k->thread,
					  (uint32_t)e->a))
			rc = -1;
	}
	free(ids.s);
	return rc;
}

static void notes(const struct export_collect *c)
{
	if (!c->samples.n)
		fputs("perfanalyze: note: the trace has no CPU samples (is "
		      "PERFSHIM_SAMPLE_HZ 0?): the CPU profile is empty\n",
		      stderr);
	if (!c->allocs.n)
		fputs("perfanalyze: note: the trace has no allocations: the "
		      "allocation profiles are empty\n",
		      stderr);
	if (c->paths && !c->ncalls && !c->calls_dropped)
		fputs("perfanalyze: note: this trace holds zone and "
		      "instrumented-function times as per-path totals only: "
		      "timed calls need per-call events (trace format 1.3, "
		      "PERFSHIM_EVENTS not off)\n",
		      stderr);
	if (c->calls_dropped)
		fprintf(stderr,
			"perfanalyze: note: %llu zone and function calls were "
			"not recorded one by one (PERFSHIM_EVENTS caps them): "
			"the timed calls are incomplete; --hotspots counts "
			"them all\n",
			(unsigned long long)c->calls_dropped);
}

int export_collect_fill(struct export_collect *c, struct symbols *sym,
			struct export_profile *p)
{
	const struct trace_header *h = trace_reader_header(c->r);
	struct fill f = { .rp = c->rp, .sym = sym, .p = p, .exe = h->exe };
	int rc = -1;

	if (c->heap_open &&
	    !export_point_add(&c->tl, c->heap, c->heap_bucket * HEAP_STEP_NS,
			      (int64_t)c->heap_max))
		return -1;
	c->heap_open = 0;
	if (!export_point_add(&c->tl, c->heap, c->rp->last_ts,
			      (int64_t)c->rp->live_bytes))
		return -1;
	/* The timed parts move over as they are; p was empty. */
	*p = c->tl;
	export_init(&c->tl);
	p->name = export_string(p, h->exe);
	p->pid = h->pid;
	p->time_ns = h->start_wall_ns;
	p->duration_ns = c->rp->last_ts;
	f.loc = calloc(c->rp->nnodes ? c->rp->nnodes : 1, sizeof(*f.loc));
	if (!f.loc)
		return nomem();
	/* pprof takes the first mapping for the program's own. */
	for (size_t i = 0; i < c->rp->nmodules; i++) {
		const struct module_info *m = c->rp->modules[i];

		if (!m->path[0] || !strcmp(m->path, h->exe)) {
			mapping_of(&f, m);
			break;
		}
	}
	if (!add_types(p, c->period_ns) && !add_samples(&f, c) &&
	    !add_live(&f) && !add_calls(&f, c))
		rc = 0;
	free(f.loc);
	free(f.funcs.s);
	free(f.mapids.s);
	if (!c->samples.n && c->allocs.n)
		p->default_type = p->types[T_ALLOC_B].type;
	if (!rc)
		notes(c);
	return rc;
}

int export_format_parse(const char *s)
{
	static const char *const names[] = { "pprof", "speedscope", "chrome" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* p in format into path (created or truncated). */
static int render_to(const struct export_profile *p, int format,
		     const char *path)
{
	static int (*const render[])(const struct export_profile *, FILE *) = {
		export_pprof, export_speedscope, export_chrome
	};
	FILE *out = fopen(path, "wb");
	int rc;

	if (!out) {
		fprintf(stderr, "perfanalyze: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = render[format](p, out);
	if (fclose(out) && !rc) {
		fprintf(stderr, "perfanalyze: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

int export_write(struct export_collect *c, int format, const char *path)
{
	struct symbols *sym = symbols_new();
	struct export_profile p;
	int rc = -1;

	export_init(&p);
	if (!sym)
		nomem();
	else if (!export_collect_fill(c, sym, &p))
		rc = render_to(&p, format, path);
	export_release(&p);
	symbols_free(sym);
	return rc;
}

/* --- a directory of runs --------------------------------------------------- */

int export_is_runs(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * The profile of the one run in the trace at path, into p. A symbolizer
 * of its own: one holds a module's addresses at the first run's load
 * address.
 */
static int run_profile(const char *path, struct export_profile *p)
{
	struct trace_reader *r = trace_reader_open(path);
	struct symbols *sym = symbols_new();
	struct export_collect *c = NULL;
	struct trace_visitor v[2];
	struct visitor_tee tee;
	struct replay rp;
	int rc = -1;

	replay_init(&rp);
	if (!r)
		goto cleanup;
	if (!sym || !(c = export_collect_new(&rp, r))) {
		nomem();
		goto cleanup;
	}
	visitor_tee_init(&tee);
	replay_visitor(&rp, &v[0]);
	visitor_tee_add(&tee, &v[0]);
	export_collect_visitor(c, &v[1]);
	visitor_tee_add(&tee, &v[1]);
	if (!trace_reader_run(r, &tee.out))
		rc = export_collect_fill(c, sym, p);

cleanup:
	export_collect_free(c);
	replay_release(&rp);
	trace_reader_free(r);
	symbols_free(sym);
	return rc;
}

int export_write_runs(const char *dir, int format, const char *path)
{
	char *const args[] = { (char *)dir };
	struct export_profile all, one;
	struct run_paths runs;
	int rc = -1;

	if (format != 0) {
		fprintf(stderr,
			"perfanalyze: %s: a directory of runs exports only as "
			"pprof (export each run's trace for the others)\n",
			dir);
		return -1;
	}
	if (runs_expand(args, 1, &runs))
		return -1;
	export_init(&all);
	for (size_t i = 0; i < runs.n; i++) {
		int bad;

		export_init(&one);
		bad = run_profile(runs.path[i], &one) ||
		      export_merge(&all, &one);
		export_release(&one);
		if (bad)
			goto cleanup;
	}
	rc = render_to(&all, format, path);

cleanup:
	run_paths_release(&runs);
	export_release(&all);
	return rc;
}
