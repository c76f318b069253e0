/* main.c - perfanalyze: read a perfshim trace and report on it. */
#include <stdlib.h>

#include "classify.h"
#include "cli.h"
#include "error.h"
#include "growth.h"
#include "hotspots.h"
#include "leaks.h"
#include "model.h"
#include "render.h"
#include "replay.h"
#include "symbols.h"
#include "tee.h"

#define EXIT_GATE 1

/* The first pass: the replay every report reads, and what each adds. */
struct pass {
	struct trace_reader *r;
	struct replay rp;
	struct classify cls;
	struct hotspots *hot;
	struct growth_scan gs;
};

static int read_trace(struct pass *p, const struct cli *c)
{
	struct trace_visitor v[4];
	struct visitor_tee tee;

	replay_init(&p->rp);
	growth_scan_init(&p->gs);
	if (!(p->r = trace_reader_open(c->trace)))
		return -1;
	classify_init(&p->cls, p->r);
	visitor_tee_init(&tee);
	replay_visitor(&p->rp, &v[0]);
	visitor_tee_add(&tee, &v[0]);
	classify_visitor(&p->cls, &v[1]);
	visitor_tee_add(&tee, &v[1]);
	if (c->report == REPORT_HOTSPOTS) {
		if (!(p->hot = hotspots_new(&p->rp, p->r)))
			return error("out of memory");
		hotspots_visitor(p->hot, &v[2]);
		visitor_tee_add(&tee, &v[2]);
	}
	if (c->report == REPORT_GROWTH) {
		growth_scan_visitor(&p->gs, &v[3]);
		visitor_tee_add(&tee, &v[3]);
	}
	if (trace_reader_run(p->r, &tee.out))
		return -1;
	run_check_end(&p->rp, c->trace);
	return 0;
}

/* The growth verdict (or the timeline): 0, 1 when it is a failed gate, -1. */
static int growth(struct pass *p, const struct cli *c)
{
	struct trace_reader *again = trace_reader_open(c->trace);
	const struct growth_options *o = &c->growth;
	struct growth_result g;
	int rc;

	if (!again)
		return -1;
	rc = growth_collect(again, c->trace, &p->rp, &p->gs, o, &g);
	if (!rc && o->timeline)
		rc = o->json ? render_timeline_json(&g, stdout)
			     : render_timeline_text(&g, stdout);
	else if (!rc)
		rc = o->json ? render_growth_json(&g, stdout)
			     : render_growth_text(&g, stdout);
	if (!rc)
		rc = o->fail && g.verdict == GROWTH_GROWING;
	growth_result_release(&g);
	return rc;
}

/* The report c asks for: 0 done, 1 its gate failed, -1 an error. */
static int report(struct pass *p, struct cli *c)
{
	struct symbols *sym = NULL;
	struct run run;
	int rc = 0;

	if (c->report == REPORT_SUMMARY) {
		run_collect(&run, c->trace, trace_reader_header(p->r), &p->rp,
			    trace_reader_cut_short(p->r));
		return c->json ? render_summary_json(&run, stdout)
			       : render_summary_text(&run, stdout);
	}
	if (c->report == REPORT_GROWTH)
		return growth(p, c);
	if (!(sym = symbols_new()))
		return error("out of memory");
	if (c->report == REPORT_HOTSPOTS) {
		struct hot_result hr;

		rc = hotspots_collect(p->hot, sym, &c->hot, &hr);
		if (!rc)
			rc = c->json ? render_hotspots_json(&hr, stdout)
				     : render_hotspots_text(&hr, stdout);
		hot_result_release(&hr);
	} else {
		struct leak_result res;

		c->leak.cls = &p->cls;
		c->leak.gate_kinds =
			c->leak.kinds ? c->leak.kinds : LEAK_GATE_DEFAULT;
		rc = leaks_collect(&p->rp, sym, &c->leak, &res);
		if (!rc)
			rc = c->json ? render_leaks_json(&res, stdout)
				     : render_leaks_text(&res, stdout);
		if (!rc)
			rc = c->fail_on_leak && res.totals.gate_groups;
		leak_result_release(&res);
	}
	symbols_free(sym);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct pass p = { 0 };
	int rc;

	cli_init(&c);
	rc = cli_parse(&c, argc, argv);
	if (rc > 0) /* --help, --version */
		rc = 0;
	else if (!rc && !(rc = read_trace(&p, &c)))
		rc = report(&p, &c);
	hotspots_free(p.hot);
	if (p.r)
		classify_release(&p.cls);
	replay_release(&p.rp);
	trace_reader_free(p.r);
	growth_scan_release(&p.gs);
	cli_release(&c);
	if (rc < 0)
		return EXIT_INPUT;
	return rc ? EXIT_GATE : 0;
}
