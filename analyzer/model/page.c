/* page.c - the whole model at once, for the HTML report. */
#include <string.h>

#include "error.h"
#include "page.h"
#include "symbols.h"
#include "tee.h"

const struct page_flame page_flames[PAGE_FLAMES] = {
	{ "cpu", HOT_METRIC_CPU },
	{ "allocations", HOT_BY_ALLOCS },
	{ "bytes", HOT_BY_BYTES },
	{ "leaked", HOT_METRIC_LEAKED },
};

void page_model_init(struct page_model *pm)
{
	memset(pm, 0, sizeof(*pm));
	model_init(&pm->m);
}

void page_model_release(struct page_model *pm)
{
	hot_result_release(&pm->sites);
	for (size_t i = 0; i < PAGE_FLAMES; i++)
		hot_result_release(&pm->flame[i]);
	/* Last: the hot-spot results' strings are its symbolizer's. */
	model_release(&pm->m);
	page_model_init(pm);
}

/* The CPU report, the sites by bytes and a flame graph per metric. */
static int hot_collect(struct hotspots *h, struct page_model *pm)
{
	struct hot_options o = { .mode = HOT_CPU, .thread = -1 };

	pm->m.parts |= MODEL_HOT;
	if (hotspots_collect(h, pm->m.sym, &o, &pm->m.hot))
		return -1;
	o.mode = HOT_SITES;
	o.key = HOT_BY_BYTES;
	if (hotspots_collect(h, pm->m.sym, &o, &pm->sites))
		return -1;
	o.mode = HOT_FLAME;
	for (size_t i = 0; i < PAGE_FLAMES; i++) {
		o.key = page_flames[i].key;
		if (hotspots_collect(h, pm->m.sym, &o, &pm->flame[i]))
			return -1;
	}
	return 0;
}

/* The growth verdict and its series, from the first pass's log. */
static int growth_part(const struct page_input *in,
		       const struct growth_options *go, struct page_model *pm)
{
	struct growth_options o = *go;

	o.on = 1;
	o.timeline = 0;
	o.fail = 0;
	o.complete = !pm->m.run.cut_short && pm->m.run.end != RUN_END_STOPPED;
	pm->m.parts |= MODEL_GROWTH;
	return growth_collect(in->path, in->rp, in->gs, &o, &pm->m.growth);
}

static void notes(const char *path, const struct page_model *pm)
{
	if (!pm->flame[0].flame.n)
		fprintf(stderr,
			"perfanalyze: note: %s: no CPU samples; the CPU flame graph is empty\n",
			path);
	if (!pm->m.leaks.ngroups)
		fprintf(stderr,
			"perfanalyze: note: %s: no leaks to report; the leak table is empty\n",
			path);
	if (!pm->m.growth.npts)
		fprintf(stderr,
			"perfanalyze: note: %s: no heap or RSS points; the timeline is empty\n",
			path);
}

int page_collect(const struct page_input *in, const struct leak_options *lo,
		 const struct growth_options *go, struct page_model *pm)
{
	struct leak_options l = *lo;

	run_collect(&pm->m.run, in->path, trace_reader_header(in->r), in->rp,
		    trace_reader_cut_short(in->r));
	if (!(pm->m.sym = symbols_new()))
		return error("out of memory");
	l.cls = in->cls;
	l.gate_kinds = l.kinds ? l.kinds : LEAK_GATE_DEFAULT;
	l.complete = !pm->m.run.cut_short && pm->m.run.end != RUN_END_STOPPED;
	pm->m.parts |= MODEL_LEAKS;
	if (leaks_collect(in->rp, pm->m.sym, &l, &pm->m.leaks) ||
	    hot_collect(in->hot, pm) || growth_part(in, go, pm))
		return -1;
	notes(in->path, pm);
	return 0;
}

/* The flame graph of each metric of the trace that h has seen, into sum. */
static int flames_merge(struct hotspots *h, struct hot_result *sum)
{
	struct hot_options o = { .mode = HOT_FLAME, .thread = -1 };
	struct symbols *sym = symbols_new();
	struct hot_result one;
	int rc = 0;

	if (!sym)
		return error("out of memory");
	for (size_t i = 0; !rc && i < PAGE_FLAMES; i++) {
		o.key = page_flames[i].key;
		rc = hotspots_collect(h, sym, &o, &one);
		if (!rc)
			rc = hot_flame_merge(&sum[i], &one);
		hot_result_release(&one);
	}
	symbols_free(sym);
	return rc;
}

int page_flames_add(const char *path, struct hot_result sum[PAGE_FLAMES])
{
	struct trace_reader *r = trace_reader_open(path);
	struct trace_visitor v[2];
	struct visitor_tee tee;
	struct hotspots *h = NULL;
	struct replay rp;
	int rc = -1;

	replay_init(&rp);
	if (!r)
		goto out;
	if (!(h = hotspots_new(&rp, r))) {
		error("out of memory");
		goto out;
	}
	visitor_tee_init(&tee);
	replay_visitor(&rp, &v[0]);
	visitor_tee_add(&tee, &v[0]);
	hotspots_visitor(h, &v[1]);
	visitor_tee_add(&tee, &v[1]);
	if (!trace_reader_run(r, &tee.out))
		rc = flames_merge(h, sum);
out:
	hotspots_free(h);
	replay_release(&rp);
	trace_reader_free(r);
	return rc;
}

void page_diff_release(struct page_diff *pd)
{
	for (size_t i = 0; i < PAGE_FLAMES; i++) {
		hot_result_release(&pd->flame_base[i]);
		hot_result_release(&pd->flame[i]);
	}
}
