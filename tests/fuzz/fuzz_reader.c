/*
 * fuzz_reader.c - libFuzzer target: any bytes through the trace reader,
 * replay, and the collectors that parse records of their own (hot spots'
 * samples and TIMING payloads, growth's markers and memory samples, the
 * SCAN verdicts), then the verdicts, the hot-spots reports and the growth
 * report (from its log of the events), and the exports' collection of
 * timed calls (CALLS records) into a Chrome trace.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "export_collect.h"
#include "growth.h"
#include "hotspots.h"
#include "reader.h"
#include "render.h"
#include "replay.h"
#include "symbols.h"
#include "tee.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

static void reports(struct hotspots *hot)
{
	static const struct hot_options modes[] = {
		{ .mode = HOT_CPU, .thread = -1 },
		{ .mode = HOT_CPU, .thread = -1, .json = 1 },
		{ .mode = HOT_SITES, .key = HOT_BY_PEAK, .thread = -1 },
		{ .mode = HOT_FLAME, .key = HOT_METRIC_LEAKED, .thread = -1 },
	};
	struct symbols *sym = symbols_new();

	if (!sym || !sink())
		goto out;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct hot_result hr;

		if (!hotspots_collect(hot, sym, &modes[i], &hr)) {
			if (modes[i].json)
				render_hotspots_json(&hr, NULL, sink());
			else
				render_hotspots_text(&hr, sink());
		}
		hot_result_release(&hr);
	}
out:
	symbols_free(sym);
}

/*
 * The growth report from the first pass's log, its statistics and its
 * output. (A log past its limit would read the trace again by its path,
 * which "fuzz" is not: an error line. t0151 runs that way under ASan.)
 */
static void growth(const struct replay *rp, const struct growth_scan *gs)
{
	for (int mode = 0; mode < 2 && sink(); mode++) {
		struct growth_options go;
		struct growth_result g;

		growth_options_init(&go);
		go.on = 1;
		go.timeline = mode;
		if (!growth_collect("fuzz", rp, gs, &go, &g)) {
			if (mode)
				render_timeline_json(&g, NULL, sink());
			else
				render_growth_text(&g, sink());
		}
		growth_result_release(&g);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_reader *r = trace_reader_open_mem(data, size, "fuzz");
	struct replay rp;
	struct trace_visitor v, hv, gv, cv, ev;
	struct visitor_tee tee;
	struct growth_scan gs;
	struct hotspots *hot;
	struct export_collect *ex;
	struct classify c;
	struct growth_options go;

	if (!r)
		return 0;
	replay_init(&rp);
	replay_visitor(&rp, &v);
	growth_options_init(&go);
	growth_scan_init(&gs);
	growth_scan_visitor(&gs, &rp, &go, &gv);
	classify_init(&c, r);
	classify_visitor(&c, &cv);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &v);
	visitor_tee_add(&tee, &cv);
	visitor_tee_add(&tee, &gv);
	hot = hotspots_new(&rp, r);
	if (hot) {
		hotspots_visitor(hot, &hv);
		visitor_tee_add(&tee, &hv);
	}
	ex = export_collect_new(&rp, r);
	if (ex) {
		export_collect_visitor(ex, &ev);
		visitor_tee_add(&tee, &ev);
	}
	if (!trace_reader_run(r, &tee.out)) {
		if (hot)
			reports(hot);
		growth(&rp, &gs);
		if (ex)
			export_write(ex, 2, "/dev/null");
	}
	for (size_t i = 0; i < rp.nnodes; i++)
		(void)replay_node_module(&rp, (uint32_t)i);
	for (size_t i = 0; i < rp.live_cap; i++)
		if (rp.live[i].addr)
			(void)classify_kind(&c, &rp.live[i]);
	hotspots_free(hot);
	export_collect_free(ex);
	growth_scan_release(&gs);
	classify_release(&c);
	replay_release(&rp);
	trace_reader_free(r);
	return 0;
}
