/*
 * hotspots.c - the hot-spot reports: CPU samples and exact timings by
 * function and call path, allocation sites ranked by count, bytes, peak
 * contribution or temporaries, and collapsed stacks for flame graphs.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "error.h"
#include "hashtab.h"
#include "hist.h"
#include "hotspots.h"
#include "perfshim_trace.h"

#define MAX_FRAMES 512
#define MAX_INLINE FRAMES_MAX_INLINE
#define DEFAULT_TOP 20

/*
 * Grow *p (an array of *cap elements of size) to hold at least need,
 * the new elements zeroed: arrays indexed by thread read them as empty.
 */
static void vgrow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;

	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : 64;

	while (c < need)
		c *= 2;
	*p = xreallocarray(*p, c, size);
	memset((char *)*p + *cap * size, 0, (c - *cap) * size);
	*cap = c;
}

struct samp {
	uint32_t stack, thread;
	uint64_t n;
	uint64_t signals; /* the timer signals behind the n */
};

struct site {
	uint32_t stack;
	uint64_t allocs, bytes, temporary;
	uint64_t live, at_peak, gen;
};

struct gpath {
	uint32_t parent; /* global path index + 1; 0: root */
	uint32_t depth;	 /* its functions and zones, root to leaf */
	uint32_t type;
	uint64_t value;
	uint64_t calls, incl_ns, self_ns;
};

/* One zone's or function's latencies, merged over threads. */
struct lat {
	uint32_t type;
	uint64_t value;
	struct hist h;
	uint64_t calls, total_ns; /* over its paths (see struct hot_latency) */
};

struct last_alloc {
	uint64_t addr, ts;
};

/* A thread's last SAMPLE, to tell one timer signal's periods apart. */
struct last_sample {
	uint64_t ts;
	uint32_t stack, seen;
};

struct hotspots {
	const struct replay *rp;
	const struct trace_reader *r;

	struct samp *samps;
	size_t nsamps, capsamps;
	struct hashtab samp_ix;
	uint64_t nsamples;
	/* A timer signal that stands for several periods gives as many
	 * SAMPLEs, one after another, with one time and stack. */
	struct last_sample *last_samp; /* by thread index */
	size_t caplast_samp;

	struct site *sites;
	size_t nsites, capsites;
	struct hashtab site_ix;
	uint64_t gen, last_peak;

	struct last_alloc *last; /* by thread index */
	size_t caplast;

	uint64_t *tids; /* by thread index */
	size_t captids;

	struct gpath *paths;
	size_t npaths, cappaths;
	struct hashtab path_ix;
	uint64_t unmatched, not_kept;

	struct lat *lats;
	size_t nlats, caplats;
	struct hashtab lat_ix;

	int have_sampler;
	uint64_t period_ns, taken, in_shim, in_loader, other;
};

static uint32_t canon(const struct replay *rp, uint32_t id)
{
	return id < rp->nnodes ? rp->nodes[id].canon : id;
}

/* --- collecting ----------------------------------------------------------- */

static int samp_eq(const void *ctx, size_t i)
{
	const struct samp *const *k = ctx;

	return k[0]->stack == k[1][i].stack && k[0]->thread == k[1][i].thread;
}

static int add_sample(struct hotspots *h, uint32_t stack, uint32_t thread,
		      uint64_t ts)
{
	struct samp key = { stack, thread, 0, 0 };
	struct last_sample *ls;
	int signal;

	vgrow(&h->last_samp, &h->caplast_samp, (size_t)thread + 1,
	      sizeof(*h->last_samp));
	ls = &h->last_samp[thread];
	signal = !ls->seen || ls->ts != ts || ls->stack != stack;
	*ls = (struct last_sample){ ts, stack, 1 };
	const struct samp *ctx[2] = { &key, h->samps };

	size_t i = hashtab_put(&h->samp_ix,
			       hash64(((uint64_t)stack << 32) | thread),
			       samp_eq, ctx, h->nsamps);

	if (i == h->nsamps) {
		vgrow(&h->samps, &h->capsamps, h->nsamps + 1,
		      sizeof(*h->samps));
		h->samps[h->nsamps++] = key;
	}
	h->samps[i].n++;
	h->samps[i].signals += signal;
	h->nsamples++;
	return 0;
}

static int site_eq(const void *ctx, size_t i)
{
	const struct hotspots *h = ((const void *const *)ctx)[0];
	const uint32_t *stack = ((const void *const *)ctx)[1];

	return h->sites[i].stack == *stack;
}

/* The site of stack, brought up to the latest peak (see on_event). */
static struct site *site_get(struct hotspots *h, uint32_t stack)
{
	const void *ctx[2] = { h, &stack };

	size_t i = hashtab_put(&h->site_ix, hash64(stack), site_eq, ctx,
			       h->nsites);

	if (i == h->nsites) {
		vgrow(&h->sites, &h->capsites, h->nsites + 1,
		      sizeof(*h->sites));
		h->sites[h->nsites].stack = stack;
		h->sites[h->nsites].gen = h->gen;
		h->nsites++;
	}
	struct site *st = &h->sites[i];

	/*
	 * Peak contribution without a snapshot per peak: a site untouched
	 * since the latest peak still holds what it held then, so its value
	 * is saved the first time it changes after that peak.
	 */
	if (st->gen != h->gen) {
		st->at_peak = st->live;
		st->gen = h->gen;
	}
	return st;
}

static int on_event(void *ctx, const struct trace_event *ev)
{
	struct hotspots *h = ctx;
	const struct replay *rp = h->rp;

	if (ev->kind == PERFSHIM_EV_SAMPLE)
		return add_sample(h, canon(rp, ev->stack), ev->thread, ev->ts);
	if (ev->kind == PERFSHIM_EV_ALLOC) {
		struct site *s = site_get(h, canon(rp, ev->stack));

		s->allocs++;
		s->bytes += ev->size;
		s->live += ev->size;
		if (rp->peak_bytes > h->last_peak) {
			h->last_peak = rp->peak_bytes;
			h->gen++;
		}
		vgrow(&h->last, &h->caplast, (size_t)ev->thread + 1,
		      sizeof(*h->last));
		h->last[ev->thread].addr = ev->addr;
		h->last[ev->thread].ts = ev->ts;
		return 0;
	}
	if (ev->kind == PERFSHIM_EV_FREE && rp->freed.addr) {
		const struct live_block *b = &rp->freed;
		struct site *s = site_get(h, b->stack);

		s->live -= b->size < s->live ? b->size : s->live;
		if (b->thread == ev->thread && b->thread < h->caplast &&
		    h->last[b->thread].addr == b->addr &&
		    h->last[b->thread].ts == b->ts)
			s->temporary++;
	}
	return 0;
}

static int on_thread(void *ctx, uint32_t index, uint64_t tid, const char *name)
{
	struct hotspots *h = ctx;

	(void)name;
	vgrow(&h->tids, &h->captids, (size_t)index + 1, sizeof(*h->tids));
	h->tids[index] = tid;
	return 0;
}

static int path_eq(const void *ctx, size_t i)
{
	const struct gpath *const *k = ctx;

	return k[0]->parent == k[1][i].parent && k[0]->type == k[1][i].type &&
	       k[0]->value == k[1][i].value;
}

/* The global path (index + 1) of parent + (type, value); 0 on failure. */
static uint32_t path_get(struct hotspots *h, uint32_t parent, uint32_t type,
			 uint64_t value)
{
	struct gpath key = { .parent = parent, .type = type, .value = value };
	const struct gpath *ctx[2] = { &key, h->paths };
	uint64_t hh = hash64(value ^ hash64(((uint64_t)parent << 1) | type));
	size_t i = hashtab_put(&h->path_ix, hh, path_eq, ctx, h->npaths);

	if (i == h->npaths) {
		/* A parent comes before its children: its depth is known. */
		key.depth = parent ? h->paths[parent - 1].depth + 1 : 1;
		vgrow(&h->paths, &h->cappaths, h->npaths + 1,
		      sizeof(*h->paths));
		h->paths[h->npaths++] = key;
	}
	return (uint32_t)i + 1;
}

static int bad_timing(void)
{
	return error("corrupt trace: bad timing record");
}

#define TGET(v)                                         \
	do {                                            \
		if (perfshim_get_varint(&p, end, &(v))) \
			goto bad;                       \
	} while (0)

static int on_ext(void *ctx, uint8_t tag, const uint8_t *p, const uint8_t *end)
{
	struct hotspots *h = ctx;
	uint64_t kind, thread, n, *map = NULL;

	if (tag != PERFSHIM_REC_TIMING)
		return 0;
	TGET(kind);
	if (kind == PERFSHIM_TIMING_SAMPLER) {
		TGET(h->period_ns);
		TGET(h->taken);
		TGET(h->in_shim);
		TGET(h->in_loader);
		TGET(h->other);
		h->have_sampler = 1;
		return 0;
	}
	if (kind != PERFSHIM_TIMING_PATHS)
		return 0; /* a newer kind */
	uint64_t unmatched, not_kept;

	TGET(thread);
	TGET(unmatched);
	TGET(not_kept);
	TGET(n);
	(void)thread;
	/* Each path takes at least 6 bytes. */
	if (n > (uint64_t)(end - p) / 6)
		goto bad;
	h->unmatched += unmatched;
	h->not_kept += not_kept;
	map = calloc(n + 1, sizeof(*map));
	if (!map)
		return error("out of memory");
	for (uint64_t i = 1; i <= n; i++) {
		uint64_t d, type, value, calls, incl, self;

		TGET(d);
		TGET(type);
		TGET(value);
		TGET(calls);
		TGET(incl);
		TGET(self);
		if (d == 0 || d > i || type > PERFSHIM_PATH_ZONE)
			goto bad;
		if (type == PERFSHIM_PATH_ZONE && value > PERFSHIM_MAX_STRINGS)
			goto bad;
		uint32_t g = path_get(h, (uint32_t)map[i - d], (uint32_t)type,
				      value);

		if (!g) {
			free(map);
			return error("out of memory");
		}
		struct gpath *gp = &h->paths[g - 1];

		/* The shim's shadow stack holds no more (shim/timing.c's
		 * TDEPTH); a deeper chain cost each report time and memory
		 * quadratic in its length. */
		if (gp->depth > HOT_TIMING_DEPTH_MAX) {
			free(map);
			return error(
				"corrupt trace: a timed call path %u deep, deeper than the shim records (%d)",
				gp->depth, HOT_TIMING_DEPTH_MAX);
		}
		gp->calls += calls;
		gp->incl_ns += trace_reader_span_ns(h->r, incl);
		gp->self_ns += trace_reader_span_ns(h->r, self);
		map[i] = g;
	}
	free(map);
	return 0;
bad:
	free(map);
	return bad_timing();
}

static int lat_eq(const void *ctx, size_t i)
{
	const struct lat *const *k = ctx;

	return k[0]->type == k[1][i].type && k[0]->value == k[1][i].value;
}

/* The latencies of (type, value), made empty when new. */
static struct lat *lat_get(struct hotspots *h, uint32_t type, uint64_t value)
{
	struct lat key = { .type = type, .value = value };
	const struct lat *ctx[2] = { &key, h->lats };
	size_t i = hashtab_put(&h->lat_ix, hash64(value ^ type), lat_eq, ctx,
			       h->nlats);

	if (i == h->nlats) {
		vgrow(&h->lats, &h->caplats, h->nlats + 1, sizeof(*h->lats));
		hist_init(&key.h);
		h->lats[h->nlats++] = key;
	}
	return &h->lats[i];
}

static int on_hists(void *ctx, const struct trace_hists *th)
{
	struct hotspots *h = ctx;

	for (size_t i = 0; i < th->n; i++) {
		const struct trace_hist_fn *f = &th->fn[i];
		struct lat *l = lat_get(h, f->type, f->value);

		if (hist_merge(&l->h, f->index, f->count, f->n))
			return error("out of memory");
	}
	return 0;
}

struct hotspots *hotspots_new(const struct replay *rp,
			      const struct trace_reader *r)
{
	struct hotspots *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->rp = rp;
	h->r = r;
	return h;
}

void hotspots_visitor(struct hotspots *h, struct trace_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->ctx = h;
	v->event = on_event;
	v->thread = on_thread;
	v->ext = on_ext;
	v->histograms = on_hists;
}

void hotspots_free(struct hotspots *h)
{
	if (!h)
		return;
	free(h->samps);
	hashtab_release(&h->samp_ix);
	free(h->sites);
	hashtab_release(&h->site_ix);
	free(h->last);
	free(h->last_samp);
	free(h->tids);
	free(h->paths);
	hashtab_release(&h->path_ix);
	for (size_t i = 0; i < h->nlats; i++)
		hist_release(&h->lats[i].h);
	free(h->lats);
	hashtab_release(&h->lat_ix);
	free(h);
}

int hotspots_parse(const char *s, int sites)
{
	static const char *const by[] = { "allocs", "bytes", "peak",
					  "temporary" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, by[i]) && (sites || i < 2))
			return i;
	if (!sites && !strcmp(s, "cpu"))
		return HOT_METRIC_CPU;
	if (!sites && !strcmp(s, "leaked"))
		return HOT_METRIC_LEAKED;
	return -1;
}

/* --- symbolizing ---------------------------------------------------------- */

/* The function an instrumented path names: its entry address, exactly. */
static struct sym_frame entry_frame(const struct hotspots *h,
				    struct symbols *sym, uint64_t fn)
{
	struct sym_frame f[MAX_INLINE];
	int n = symbols_lookup(sym, replay_module_at(h->rp, fn), fn, 0, f,
			       MAX_INLINE);

	return f[n > 0 ? n - 1 : 0];
}

/* --- functions ------------------------------------------------------------ */

static int func_eq(const void *ctx, size_t i)
{
	const struct hot_func *const *k = ctx;

	return !strcmp(k[0]->function, k[1][i].function) &&
	       !strcmp(k[0]->module, k[1][i].module);
}

static struct hot_func *func_get(struct hot_funcs *fs,
				 const struct sym_frame *fr)
{
	struct hot_func key = { .function = fr->function,
				.module = fr->module };
	const struct hot_func *ctx[2] = { &key, fs->f };
	uint64_t hh = hash64(hash_str(fr->module, hash_str(fr->function, 7)));
	size_t i = hashtab_put(&fs->ix, hh, func_eq, ctx, fs->n);

	if (i == fs->n) {
		vgrow(&fs->f, &fs->cap, fs->n + 1, sizeof(*fs->f));
		key.file = fr->file;
		key.line = fr->line;
		fs->f[fs->n++] = key;
	}
	struct hot_func *f = &fs->f[i];

	/* The lowest line seen in the function's own file: nearest its
	 * start. */
	if (fr->file[0] && (!f->file[0] || (!strcmp(f->file, fr->file) &&
					    fr->line && fr->line < f->line))) {
		f->file = fr->file;
		f->line = fr->line;
	}
	return f;
}

static int by_self(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct hot_func *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return strcmp(x->function, y->function);
}

/* --- collapsed stacks (call paths and flame graphs) ----------------------- */

static int line_eq(const void *ctx, size_t i)
{
	const struct hot_lines *ls = ((const void *const *)ctx)[0];
	const char *text = ((const void *const *)ctx)[1];

	return !strcmp(ls->l[i].text, text);
}

static int line_add(struct hot_lines *ls, const char *text, uint64_t n)
{
	const void *ctx[2] = { ls, text };
	uint64_t hh = hash64(hash_str(text, 11));
	size_t i = hashtab_put(&ls->ix, hh, line_eq, ctx, ls->n);

	if (i == ls->n) {
		vgrow(&ls->l, &ls->cap, ls->n + 1, sizeof(*ls->l));
		ls->l[ls->n++].text = xstrdup(text);
	}
	ls->l[i].n += n;
	return 0;
}

static void lines_release(struct hot_lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i].text);
	free(ls->l);
	hashtab_release(&ls->ix);
}

static int line_by_count(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct hot_line *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->text, y->text);
}

static int line_by_text(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct hot_line *x = a, *y = b;

	return strcmp(x->text, y->text);
}

/* In text order, as flame graph tools list them; the index follows. */
static void lines_sort(struct hot_lines *ls)
{
	sort_r(ls->l, ls->n, sizeof(*ls->l), line_by_text, NULL);
	hashtab_release(&ls->ix);
	hashtab_init(&ls->ix);
	for (size_t i = 0; i < ls->n; i++)
		hashtab_put(&ls->ix, hash64(hash_str(ls->l[i].text, 11)),
			    line_eq, (const void *[2]){ ls, ls->l[i].text }, i);
}

/*
 * frames (innermost first) as "root;...;leaf", in buf. A ';' or a line
 * break inside a name would split a frame: they become ':' and ' '.
 */
static const char *collapse(const struct sym_frame *f, size_t n, char *buf,
			    size_t cap)
{
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = n; i-- > 0;) {
		for (const char *s = f[i].function; *s && len + 2 < cap; s++)
			buf[len++] = *s == ';'			  ? ':'
				     : (*s == '\n' || *s == '\r') ? ' '
								  : *s;
		if (i && len + 2 < cap)
			buf[len++] = ';';
	}
	buf[len] = 0;
	return buf;
}

/* --- the CPU report ------------------------------------------------------- */

/* Per-thread leaf-function counts, for each thread's top function. */
struct tfunc {
	uint32_t thread;
	size_t fi; /* index in funcs */
	uint64_t n;
};

/* The name of path p's own function or zone. */
static struct sym_frame path_leaf(const struct hotspots *h, struct symbols *sym,
				  const struct gpath *p)
{
	struct sym_frame f = { .file = "", .module = "" };

	if (p->type != PERFSHIM_PATH_ZONE)
		return entry_frame(h, sym, p->value);
	f.function = replay_string(h->rp, (uint32_t)p->value);
	return f;
}

/* Order of the timing tree: depth first, children by inclusive time. */
static int path_order(const void *a, const void *b, void *ctx)
{
	const struct hotspots *h = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct gpath *p = &h->paths[x - 1], *q = &h->paths[y - 1];

	if (p->incl_ns != q->incl_ns)
		return p->incl_ns < q->incl_ns ? 1 : -1;
	return x < y ? -1 : x > y;
}

/* The tree of paths under parent, each level by inclusive time. */
static void tree_rows(struct hot_cpu *v, const struct hotspots *h,
		      uint32_t parent, int depth)
{
	uint32_t *kids = NULL;
	size_t nk = 0, ck = 0;

	for (size_t i = 0; i < h->npaths; i++) {
		if (h->paths[i].parent != parent)
			continue;
		XGROW(kids, ck, nk + 1);
		kids[nk++] = (uint32_t)i + 1;
	}
	sort_r(kids, nk, sizeof(*kids), path_order, (void *)h);
	for (size_t k = 0; k < nk; k++) {
		if (v->nrows == v->row_limit) {
			v->hidden += nk - k;
			break;
		}
		XGROW(v->rows, v->caprows, v->nrows + 1);
		v->rows[v->nrows++] = (struct hot_row){ kids[k] - 1, depth };
		if (depth < 64)
			tree_rows(v, h, kids[k], depth + 1);
	}
	free(kids);
}

/* The leaf function's samples per thread, for each thread's top one. */
static void thread_leaf(struct tfunc **tf, size_t *ntf, size_t *captf,
			uint32_t thread, size_t leaf, uint64_t n)
{
	size_t j;

	for (j = 0; j < *ntf; j++)
		if ((*tf)[j].thread == thread && (*tf)[j].fi == leaf)
			break;
	if (j == *ntf) {
		XGROW(*tf, *captf, *ntf + 1);
		(*tf)[j] = (struct tfunc){ thread, leaf, 0 };
		++*ntf;
	}
	(*tf)[j].n += n;
}

/* One stack's samples: self and total per function, its path, its thread. */
static int count_stack(struct hot_cpu *v, const struct samp *s,
		       const struct sym_frame *frames, size_t n, char *buf,
		       struct tfunc **tf, size_t *ntf, size_t *captf)
{
	v->samples += s->n;
	v->signals += s->signals;
	v->fs.mark++;
	for (size_t k = 0; k < n; k++) {
		struct hot_func *f = func_get(&v->fs, &frames[k]);

		if (k == 0)
			f->self += s->n;
		if (f->mark != v->fs.mark) {
			f->mark = v->fs.mark;
			f->total += s->n;
		}
	}
	if (line_add(&v->paths, collapse(frames, n, buf, 65536), s->n))
		return -1;
	/* fs moves as it grows: keep indices. */
	thread_leaf(tf, ntf, captf, s->thread,
		    (size_t)(func_get(&v->fs, &frames[0]) - v->fs.f), s->n);
	vgrow(&v->threads, &v->nthreads, (size_t)s->thread + 1,
	      sizeof(*v->threads));
	v->threads[s->thread].samples += s->n;
	return 0;
}

/* Every sample of the thread asked for, by function, path and thread. */
static int count_samples(struct hot_cpu *v, const struct hotspots *h,
			 struct symbols *sym)
{
	struct sym_frame *frames = xcalloc(MAX_FRAMES, sizeof(*frames));
	char *buf = xmalloc(65536);
	struct tfunc *tf = NULL;
	size_t ntf = 0, captf = 0;
	int rc = 0;

	for (size_t i = 0; i < h->nsamps && !rc; i++) {
		const struct samp *s = &h->samps[i];

		if (v->thread >= 0 && s->thread != (uint64_t)v->thread)
			continue;
		size_t n = frames_of_stack(h->rp, sym, s->stack, frames,
					   MAX_FRAMES);

		if (n)
			rc = count_stack(v, s, frames, n, buf, &tf, &ntf,
					 &captf);
	}
	for (size_t j = 0; j < ntf && !rc; j++) {
		struct hot_thread *t = &v->threads[tf[j].thread];

		if (tf[j].n > t->top_n) {
			t->top_n = tf[j].n;
			t->top = v->fs.f[tf[j].fi].function;
		}
	}
	for (size_t t = 0; t < v->nthreads; t++)
		v->threads[t].tid = t < h->captids ? h->tids[t] : 0;
	free(tf);
	free(frames);
	free(buf);
	return rc;
}

/*
 * Call counts of instrumented functions, and every timed path: its leaf
 * named, the rest through its parent (which comes before it), so that a
 * path costs the same whatever its depth.
 */
static int count_timings(struct hot_cpu *v, const struct hotspots *h,
			 struct symbols *sym)
{
	v->timing = xcalloc(h->npaths + 1, sizeof(*v->timing));
	for (size_t i = 0; i < h->npaths; i++) {
		const struct gpath *p = &h->paths[i];
		struct hot_timing *t = &v->timing[v->ntimings++];

		if (p->type == PERFSHIM_PATH_FUNCTION) {
			struct sym_frame fr = entry_frame(h, sym, p->value);
			struct hot_func *f = func_get(&v->fs, &fr);

			f->calls += p->calls;
			f->has_calls = 1;
		}
		*t = (struct hot_timing){ .zone = p->type == PERFSHIM_PATH_ZONE,
					  .calls = p->calls,
					  .incl_ns = p->incl_ns,
					  .self_ns = p->self_ns,
					  .parent = p->parent,
					  .n = p->depth };
		t->leaf = path_leaf(h, sym, p);
	}
	return 0;
}

void hot_timing_names(const struct hot_cpu *v, const struct hot_timing *t,
		      const char **names)
{
	size_t k = t->n;

	for (; k && t; t = t->parent ? &v->timing[t->parent - 1] : NULL)
		names[--k] = t->leaf.function;
	assert(!k && !t);
}

/* --- latencies per zone and function ------------------------------------- */

/* Whether path g (global index + 1) runs inside a call of its own leaf. */
static int nested(const struct hotspots *h, uint32_t g)
{
	const struct gpath *p = &h->paths[g - 1];

	for (uint32_t i = p->parent; i; i = h->paths[i - 1].parent)
		if (h->paths[i - 1].type == p->type &&
		    h->paths[i - 1].value == p->value)
			return 1;
	return 0;
}

static int hlat_eq(const void *ctx, size_t i)
{
	const struct hot_latency *const *k = ctx;

	return k[0]->zone == k[1][i].zone &&
	       !strcmp(k[0]->name, k[1][i].name) &&
	       !strcmp(k[0]->module, k[1][i].module);
}

/* The row of l's name in v (made when new); its histogram in hs[]. */
static size_t hlat_get(struct hot_cpu *v, struct hashtab *ix,
		       const struct hotspots *h, struct symbols *sym,
		       const struct lat *l)
{
	struct hot_latency key = { .zone = l->type == PERFSHIM_PATH_ZONE };
	struct sym_frame fr = { .function = "", .file = "", .module = "" };

	if (key.zone)
		fr.function = replay_string(h->rp, (uint32_t)l->value);
	else
		fr = entry_frame(h, sym, l->value);
	key.name = fr.function;
	key.file = fr.file;
	key.line = fr.line;
	key.module = fr.module;

	const struct hot_latency *ctx[2] = { &key, v->lat };
	uint64_t hh =
		hash64(hash_str(key.module, hash_str(key.name, key.zone)));
	size_t i = hashtab_put(ix, hh, hlat_eq, ctx, v->nlat);

	if (i == v->nlat)
		v->lat[v->nlat++] = key;
	return i;
}

static int by_total(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct hot_latency *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	if (x->zone != y->zone)
		return y->zone - x->zone;
	return strcmp(x->name, y->name);
}

/*
 * Calls, total and percentiles of every zone and instrumented function,
 * over all its paths and threads; one row per name (a function loaded
 * twice, at two addresses, is one).
 */
static int count_latency(struct hot_cpu *v, struct hotspots *h,
			 struct symbols *sym)
{
	struct hashtab ix;
	struct hist *hs;
	int rc = 0;

	for (size_t i = 0; i < h->npaths; i++) {
		const struct gpath *p = &h->paths[i];
		struct lat *l = lat_get(h, p->type, p->value);

		l->calls += p->calls;
		if (!nested(h, (uint32_t)i + 1))
			l->total_ns += p->incl_ns;
	}
	hashtab_init(&ix);
	v->lat = xcalloc(h->nlats + 1, sizeof(*v->lat));
	hs = xcalloc(h->nlats + 1, sizeof(*hs));
	for (size_t i = 0; i < h->nlats; i++) {
		const struct lat *l = &h->lats[i];
		size_t j = hlat_get(v, &ix, h, sym, l);

		v->lat[j].calls += l->calls;
		v->lat[j].total_ns += l->total_ns;
		if (!rc && l->h.n &&
		    hist_merge(&hs[j], l->h.index, l->h.count, l->h.n))
			rc = error("out of memory");
	}
	for (size_t j = 0; j < v->nlat; j++) {
		v->lat[j].has_hist = hs[j].n > 0;
		hist_summarize(&hs[j], &v->lat[j].lat);
		hist_release(&hs[j]);
	}
	free(hs);
	hashtab_release(&ix);
	sort_r(v->lat, v->nlat, sizeof(*v->lat), by_total, NULL);
	v->lat_shown = v->nlat < v->top ? v->nlat : v->top;
	return rc;
}

static void cpu_release(struct hot_cpu *v)
{
	free(v->fs.f);
	hashtab_release(&v->fs.ix);
	lines_release(&v->paths);
	free(v->threads);
	free(v->timing);
	free(v->rows);
	free(v->lat);
}

static int cpu_collect(struct hot_cpu *v, struct hotspots *h,
		       struct symbols *sym, const struct hot_options *o)
{
	v->thread = o->thread;
	v->have_sampler = h->have_sampler;
	v->period_ns = h->period_ns;
	v->taken = h->taken;
	v->in_shim = h->in_shim;
	v->in_loader = h->in_loader;
	v->other = h->other;
	v->unmatched = h->unmatched;
	v->not_kept = h->not_kept;
	v->top = o->top ? o->top : DEFAULT_TOP;
	if (count_samples(v, h, sym) || count_timings(v, h, sym) ||
	    count_latency(v, h, sym))
		return -1;
	sort_r(v->fs.f, v->fs.n, sizeof(*v->fs.f), by_self, NULL);
	sort_r(v->paths.l, v->paths.n, sizeof(*v->paths.l), line_by_count,
	       NULL);
	v->shown = v->fs.n < v->top ? v->fs.n : v->top;
	v->row_limit = 5 * v->top;
	tree_rows(v, h, 0, 0);
	return 0;
}

/* --- allocation sites ----------------------------------------------------- */

/* How a site ranks: by key, of the hot spots h. */
struct site_rank {
	const struct hotspots *h;
	enum hot_key key;
};

static uint64_t site_value(const struct site_rank *k, const struct site *s)
{
	switch (k->key) {
	case HOT_BY_ALLOCS:
		return s->allocs;
	case HOT_BY_PEAK:
		return s->gen == k->h->gen ? s->at_peak : s->live;
	case HOT_BY_TEMPORARY:
		return s->temporary;
	case HOT_METRIC_LEAKED:
		return s->live;
	default:
		return s->bytes;
	}
}

static int site_order(const void *a, const void *b, void *ctx)
{
	uint64_t x = site_value(ctx, a), y = site_value(ctx, b);
	const struct site *p = a, *q = b;

	if (x != y)
		return x < y ? 1 : -1;
	if (p->bytes != q->bytes)
		return p->bytes < q->bytes ? 1 : -1;
	return p->stack < q->stack ? -1 : p->stack > q->stack;
}

static const char *const key_names[] = { "allocs",    "bytes", "peak",
					 "temporary", "cpu",   "leaked" };

/* The top sites by o->key, with their stacks; none that has nothing. */
static void sites_collect(struct hot_sites *v, struct hotspots *h,
			  struct symbols *sym, const struct hot_options *o)
{
	struct sym_frame *frames = xcalloc(MAX_FRAMES, sizeof(*frames));
	size_t top = o->top ? o->top : DEFAULT_TOP;
	size_t depth = o->depth ? o->depth : HOT_DEPTH_DEFAULT;
	struct site_rank rank = { h, o->key };

	v->by = key_names[o->key];
	v->peak_bytes = h->rp->peak_bytes;
	sort_r(h->sites, h->nsites, sizeof(*h->sites), site_order, &rank);
	/* The index no longer matches: nothing looks sites up after this. */
	hashtab_release(&h->site_ix);
	v->site = xcalloc(top < h->nsites ? top : h->nsites + 1,
			  sizeof(*v->site));
	for (size_t i = 0; i < h->nsites && v->n < top; i++) {
		const struct site *s = &h->sites[i];
		struct hot_site *r = &v->site[v->n];

		if (!site_value(&rank, s))
			break;
		*r = (struct hot_site){
			.allocs = s->allocs,
			.bytes = s->bytes,
			.peak = s->gen == h->gen ? s->at_peak : s->live,
			.temporary = s->temporary,
			.leaked = s->live,
		};
		r->nframes = frames_of_stack(h->rp, sym, s->stack, frames,
					     MAX_FRAMES);
		if (r->nframes > depth) {
			r->more = r->nframes - depth;
			r->nframes = depth;
		}
		r->frames = xcalloc(r->nframes + 1, sizeof(*frames));
		memcpy(r->frames, frames, r->nframes * sizeof(*frames));
		r->id = site_id_of(r->frames, r->nframes);
		v->n++;
	}
	free(frames);
}

static void sites_release(struct hot_sites *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->site[i].frames);
	free(v->site);
}

/* --- flame graphs --------------------------------------------------------- */

/* Collapsed stacks by CPU samples: of every thread, or of o->thread. */
static int flame_cpu(struct hot_lines *ls, const struct hotspots *h,
		     struct symbols *sym, const struct hot_options *o,
		     struct sym_frame *frames, char *buf)
{
	for (size_t i = 0; i < h->nsamps; i++) {
		const struct samp *s = &h->samps[i];

		if (o->thread >= 0 && s->thread != (uint64_t)o->thread)
			continue;
		size_t n = frames_of_stack(h->rp, sym, s->stack, frames,
					   MAX_FRAMES);

		if (n && line_add(ls, collapse(frames, n, buf, 65536), s->n))
			return -1;
	}
	return 0;
}

/* Collapsed stacks by a site metric. */
static int flame_sites(struct hot_lines *ls, const struct hotspots *h,
		       struct symbols *sym, const struct hot_options *o,
		       struct sym_frame *frames, char *buf)
{
	struct site_rank rank = { h, o->key };

	for (size_t i = 0; i < h->nsites; i++) {
		const struct site *s = &h->sites[i];
		uint64_t v = site_value(&rank, s);
		size_t n;

		if (!v)
			continue;
		n = frames_of_stack(h->rp, sym, s->stack, frames, MAX_FRAMES);
		if (!n) {
			frames[0].function = "(no stack)";
			n = 1;
		}
		if (line_add(ls, collapse(frames, n, buf, 65536), v))
			return -1;
	}
	return 0;
}

static int flame_collect(struct hot_lines *ls, const struct hotspots *h,
			 struct symbols *sym, const struct hot_options *o)
{
	struct sym_frame *frames = xcalloc(MAX_FRAMES, sizeof(*frames));
	char *buf = xmalloc(65536);
	int rc = o->key == HOT_METRIC_CPU
			 ? flame_cpu(ls, h, sym, o, frames, buf)
			 : flame_sites(ls, h, sym, o, frames, buf);

	lines_sort(ls);
	free(frames);
	free(buf);
	return rc;
}

int hotspots_collect(struct hotspots *h, struct symbols *sym,
		     const struct hot_options *o, struct hot_result *r)
{
	memset(r, 0, sizeof(*r));
	r->mode = o->mode;
	switch (o->mode) {
	case HOT_SITES:
		sites_collect(&r->sites, h, sym, o);
		return 0;
	case HOT_FLAME:
		return flame_collect(&r->flame, h, sym, o);
	default:
		return cpu_collect(&r->cpu, h, sym, o);
	}
}

int hot_flame_merge(struct hot_result *sum, const struct hot_result *one)
{
	sum->mode = HOT_FLAME;
	for (size_t i = 0; i < one->flame.n; i++)
		line_add(&sum->flame, one->flame.l[i].text, one->flame.l[i].n);
	lines_sort(&sum->flame);
	return 0;
}

void hot_result_release(struct hot_result *r)
{
	cpu_release(&r->cpu);
	sites_release(&r->sites);
	lines_release(&r->flame);
	memset(r, 0, sizeof(*r));
}
