/* main.c - perfanalyze: read a perfshim trace and report on it. */
#include <stdlib.h>

#include "classify.h"
#include "cli.h"
#include "diff.h"
#include "error.h"
#include "export_collect.h"
#include "gate.h"
#include "growth.h"
#include "hotspots.h"
#include "leaks.h"
#include "metrics.h"
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
	struct export_collect *ex;
};

static int read_trace(struct pass *p, const struct cli *c)
{
	struct trace_visitor v[5];
	struct visitor_tee tee;

	replay_init(&p->rp);
	growth_scan_init(&p->gs);
	if (c->report == REPORT_GROWTH && growth_check_input(c->trace))
		return -1;
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
	if (c->report == REPORT_EXPORT) {
		if (!(p->ex = export_collect_new(&p->rp, p->r)))
			return error("out of memory");
		export_collect_visitor(p->ex, &v[4]);
		visitor_tee_add(&tee, &v[4]);
	}
	if (trace_reader_run(p->r, &tee.out))
		return -1;
	run_check_end(&p->rp, c->trace);
	return 0;
}

/* Fill the part of m that c's report needs (the run is always there). */
static int collect(struct pass *p, struct cli *c, struct model *m)
{
	struct trace_reader *again;

	run_collect(&m->run, c->trace, trace_reader_header(p->r), &p->rp,
		    trace_reader_cut_short(p->r));
	if (c->report == REPORT_SUMMARY)
		return 0;
	c->leak.complete = c->growth.complete = !m->run.cut_short;
	if (c->report == REPORT_GROWTH) {
		m->parts |= MODEL_GROWTH;
		if (!(again = trace_reader_open(c->trace)))
			return -1;
		return growth_collect(again, c->trace, &p->rp, &p->gs,
				      &c->growth, &m->growth);
	}
	if (!(m->sym = symbols_new()))
		return error("out of memory");
	if (c->report == REPORT_HOTSPOTS) {
		m->parts |= MODEL_HOT;
		return hotspots_collect(p->hot, m->sym, &c->hot, &m->hot);
	}
	m->parts |= MODEL_LEAKS;
	c->leak.cls = &p->cls;
	c->leak.gate_kinds = c->leak.kinds ? c->leak.kinds : LEAK_GATE_DEFAULT;
	return leaks_collect(&p->rp, m->sym, &c->leak, &m->leaks);
}

/*
 * The gate c asks for, if any: 1 when it fails on m, 0 when it passes,
 * -1 when it would pass on a trace that misses the run's end (said).
 */
static int gate(const struct model *m, const struct cli *c,
		const struct trace_reader *r)
{
	int failed;

	if (c->report == REPORT_LEAKS && c->fail_on_leak)
		failed = m->leaks.totals.gate_groups != 0;
	else if (c->report == REPORT_GROWTH && c->growth.fail)
		failed = m->growth.verdict == GROWTH_GROWING;
	else
		return 0;
	switch (gate_exit(r, c->trace, failed, c->allow_incomplete)) {
	case 0:
		return 0;
	case 1:
		return 1;
	default:
		return -1;
	}
}

/* The report c asks for: 0 done, 1 its gate failed, -1 an error. */
static int report(struct pass *p, struct cli *c)
{
	struct model m;
	int rc;

	if (c->report == REPORT_EXPORT)
		return export_write(p->ex, c->export_format, c->export_path);
	model_init(&m);
	rc = collect(p, c, &m);
	if (!rc)
		rc = render_model(&m, c->json, stdout);
	if (!rc)
		rc = gate(&m, c, p->r);
	model_release(&m);
	return rc;
}

/* perfanalyze diff: 0 done, 1 a regression failed the gate, -1 an error. */
static int diff(const struct cli *c)
{
	struct metric_set base, new;
	struct diff_result r = { 0 };
	char *b = (char *)c->base, *n = (char *)c->trace;
	int rc = -1;

	metrics_init(&new, 0);
	if (metrics_load(&base, &b, 1) || metrics_load(&new, &n, 1) ||
	    diff_judge(&base, &new, &c->diff, &r))
		goto out;
	rc = c->json ? render_diff_json(&r, stdout)
		     : render_diff_text(&r, c->hot.top ? c->hot.top : 20,
					stdout);
	if (!rc && c->fail_on_regression && r.verdict == DIFF_REGRESSION) {
		error("regression: %zu metrics past --fail (%g%%)",
		      r.count[DIFF_REGRESSION], c->diff.fail_pct);
		rc = 1;
	}
out:
	diff_result_release(&r);
	metrics_release(&base);
	metrics_release(&new);
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
	else if (!rc && c.report == REPORT_EXPORT && export_is_runs(c.trace))
		rc = export_write_runs(c.trace, c.export_format, c.export_path);
	else if (!rc && c.report == REPORT_DIFF)
		rc = diff(&c);
	else if (!rc && !(rc = read_trace(&p, &c)))
		rc = report(&p, &c);
	export_collect_free(p.ex);
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
