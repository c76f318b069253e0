/* main.c - perfanalyze: read a perfshim trace and report on it. */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builds.h"
#include "classify.h"
#include "baseline.h"
#include "budget_check.h"
#include "cli.h"
#include "diff.h"
#include "error.h"
#include "export_collect.h"
#include "gate.h"
#include "growth.h"
#include "hotspots.h"
#include "html.h"
#include "hugepages.h"
#include "leaks.h"
#include "metrics.h"
#include "model.h"
#include "page.h"
#include "render.h"
#include "replay.h"
#include "symbols.h"
#include "tee.h"
#include "textfit.h"
#include "trends.h"

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
	int html = c->report == REPORT_HTML;

	replay_init(&p->rp);
	growth_scan_init(&p->gs);
	if ((c->report == REPORT_GROWTH || html) &&
	    growth_check_input(c->trace, html ? "--html" : "--growth"))
		return -1;
	if (!(p->r = trace_reader_open(c->trace)))
		return -1;
	classify_init(&p->cls, p->r);
	visitor_tee_init(&tee);
	replay_visitor(&p->rp, &v[0]);
	visitor_tee_add(&tee, &v[0]);
	classify_visitor(&p->cls, &v[1]);
	visitor_tee_add(&tee, &v[1]);
	if (c->report == REPORT_HOTSPOTS || html) {
		if (!(p->hot = hotspots_new(&p->rp, p->r)))
			return error("out of memory");
		hotspots_visitor(p->hot, &v[2]);
		visitor_tee_add(&tee, &v[2]);
	}
	if (c->report == REPORT_GROWTH || html) {
		growth_scan_visitor(&p->gs, &p->rp, &c->growth, &v[3]);
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

/* Judge the leaks of res against the baseline c names. */
static int judge_baseline(const struct cli *c, struct leak_result *res)
{
	struct leak_baseline b;
	int rc;

	leak_baseline_init(&b);
	rc = leak_baseline_load(&b, c->baseline, c->allow_incomplete);
	if (!rc)
		leak_baseline_judge(&b, c->leak.min_bytes, c->leak.gate_kinds,
				    res);
	leak_baseline_release(&b);
	return rc;
}

/* Fill the part of m that c's report needs (the run is always there). */
static int collect(struct pass *p, struct cli *c, struct model *m)
{
	run_collect(&m->run, c->trace, trace_reader_header(p->r), &p->rp,
		    trace_reader_cut_short(p->r));
	if (c->report == REPORT_SUMMARY)
		return 0;
	c->leak.complete = c->growth.complete = !m->run.cut_short;
	if (c->report == REPORT_GROWTH) {
		m->parts |= MODEL_GROWTH;
		return growth_collect(c->trace, &p->rp, &p->gs, &c->growth,
				      &m->growth);
	}
	if (!(m->sym = symbols_new()))
		return error("out of memory");
	if (c->report == REPORT_HOTSPOTS) {
		if (c->hot.thread >= 0 &&
		    (uint64_t)c->hot.thread >= p->rp.threads)
			return error("--thread %ld: the trace has %" PRIu64
				     " threads (indices from 0)",
				     c->hot.thread, p->rp.threads);
		m->parts |= MODEL_HOT;
		return hotspots_collect(p->hot, m->sym, &c->hot, &m->hot);
	}
	m->parts |= MODEL_LEAKS;
	c->leak.cls = &p->cls;
	c->leak.gate_kinds = c->leak.kinds ? c->leak.kinds : LEAK_GATE_DEFAULT;
	if (leaks_collect(&p->rp, m->sym, &c->leak, &m->leaks))
		return -1;
	return c->baseline ? judge_baseline(c, &m->leaks) : 0;
}

/* Judge the gate c asks for, if any, on m (and the trace r). */
static void gate(struct model *m, const struct cli *c,
		 const struct trace_reader *r)
{
	if (c->report == REPORT_LEAKS && c->fail_on_leak)
		gate_leaks(&m->gate, &m->leaks.totals, c->leak.gate_kinds);
	else if (c->report == REPORT_GROWTH && c->growth.fail)
		gate_growth(&m->gate, &m->growth);
	else
		return;
	gate_complete(&m->gate, r, c->allow_incomplete);
}

/*
 * The exit status of m's gate: 0 none or passed, 1 failed, -1 it did not
 * pass on an incomplete trace, or could not judge; a gate that did not
 * pass says why in one line.
 */
static int gate_said(const struct model *m, const char *path)
{
	char why[256];

	switch (gate_exit(&m->gate)) {
	case 0:
		return 0;
	case 1:
		error("gate failed: %s",
		      render_gate_reason(&m->gate, why, sizeof(why)));
		return 1;
	default:
		if (!m->gate.incomplete)
			return error(
				"gate did not pass: %s",
				render_gate_reason(&m->gate, why, sizeof(why)));
		return error(
			"%s: %s: a gate cannot pass on it; --allow-incomplete to judge what it holds",
			path, m->gate.incomplete);
	}
}

/* The HTML report: the whole model, drawn into one page. */
static int report_html(struct pass *p, const struct cli *c)
{
	char *path = (char *)c->trace;
	struct page_model pm;
	const struct page_input in = { .r = p->r,
				       .path = c->trace,
				       .rp = &p->rp,
				       .cls = &p->cls,
				       .hot = p->hot,
				       .gs = &p->gs };
	int rc;

	page_model_init(&pm);
	rc = page_collect(&in, &c->leak, &c->growth, &pm);
	/* The page's summary is the --json one: with the build's metrics
	 * (the trace is a file here: growth checked that already). */
	if (!rc && !(rc = metrics_load(&pm.m.metrics, &path, 1)))
		pm.m.parts |= MODEL_METRICS;
	if (!rc)
		rc = html_write(&pm, c->export_path);
	page_model_release(&pm);
	return rc;
}

/* The report c asks for: 0 done, 1 its gate failed, -1 an error. */
static int report(struct pass *p, struct cli *c)
{
	struct model m;
	int rc;

	if (c->report == REPORT_EXPORT)
		return export_write(p->ex, c->export_format, c->export_path);
	if (c->report == REPORT_HTML)
		return report_html(p, c);
	model_init(&m);
	rc = collect(p, c, &m);
	if (!rc) {
		gate(&m, c, p->r);
		rc = render_model(&m, c->json, stdout);
	}
	if (!rc)
		rc = gate_said(&m, c->trace);
	model_release(&m);
	return rc;
}

/*
 * stdout for a text table: through textfit_safe_open, so that no name
 * the traced program chose puts a control byte on the terminal.
 */
static FILE *text_open(void)
{
	FILE *f = textfit_safe_open(stdout);

	return f ? f : stdout;
}

/* Close what text_open gave; rc, or -1 when that fails (said). */
static int text_close(FILE *f, int rc)
{
	if (f != stdout && fclose(f) && !rc)
		rc = error("cannot write the output");
	return rc;
}

/*
 * --budget: the rules of c->budget against the runs c names. 0 kept, 1
 * a rule exceeded or missing (said on stderr), -1 an error.
 */
static int budget_report(const struct cli *c)
{
	struct budget b;
	struct metric_set s;
	struct budget_result res;
	int rc;

	budget_init(&b);
	metrics_init(&s, 0);
	if (budget_load(&b, c->budget) ||
	    metrics_load(&s, c->traces, c->ntraces)) {
		rc = -1;
		goto cleanup;
	}
	budget_check(&b, &s, &res);
	if (c->json) {
		rc = render_budget_json(&res, stdout);
	} else {
		FILE *out = text_open();

		rc = text_close(out, render_budget_text(&res, out));
	}
	if (!rc && budget_failed(&res)) {
		error("budget %s: %zu of %zu rules exceeded, %zu cannot be checked",
		      b.file, res.exceeded, res.n, res.missing);
		rc = 1;
	} else if (!rc && s.incomplete && !c->allow_incomplete) {
		rc = error(
			"%s: cut short, empty or stopped early, %zu of %zu runs: a budget cannot pass on it; --allow-incomplete to judge what it holds",
			s.first_incomplete, s.incomplete, s.runs);
	}
	budget_result_release(&res);
cleanup:
	metrics_release(&s);
	budget_release(&b);
	return rc;
}

/* A directory of runs has a summary only as the JSON record of a build. */
static int summary_of_dir(const struct cli *c)
{
	struct stat st;

	if (stat(c->trace, &st) || !S_ISDIR(st.st_mode))
		return 0;
	return error(
		"%s: a directory of runs: its summary (each metric the median of the runs) is --json only",
		c->trace);
}

/*
 * The summary as JSON, the record of one build: the run (the first, for
 * a directory of runs; cut short and complete of them all) and every
 * metric, from one pass over each trace.
 */
static int summary_json(const struct cli *c)
{
	char *path = (char *)c->trace;
	struct model m;
	int rc;

	model_init(&m);
	rc = metrics_load(&m.metrics, &path, 1);
	if (!rc) {
		m.run = m.metrics.run[0];
		for (size_t r = 1; r < m.metrics.runs; r++)
			m.run.cut_short |= m.metrics.run[r].cut_short;
		m.parts |= MODEL_METRICS;
		rc = render_model(&m, 1, stdout);
	}
	model_release(&m);
	return rc;
}

/* The trend gate's one line: how many metrics, and the first of them. */
static void trend_failed(const struct trends_result *r)
{
	const struct metric *m = NULL;
	size_t n = 0;

	for (size_t i = 0; i < r->s->n; i++) {
		enum trends_verdict v = r->j[i].verdict;

		if (v == TRENDS_CREEPING || v == TRENDS_RISING ||
		    v == TRENDS_SUPERLINEAR) {
			m = m ? m : &r->s->m[i];
			n++;
		}
	}
	assert(m);
	if (!*m->where)
		error("trend gate failed: %zu metric%s %s, first %s", n,
		      n == 1 ? "" : "s",
		      r->x_key ? "super-linear" : "creeping or rising",
		      m->name);
	else
		error("trend gate failed: %zu metric%s %s, first %s:%s %s", n,
		      n == 1 ? "" : "s",
		      r->x_key ? "super-linear" : "creeping or rising",
		      metric_scope_name(m->scope), m->where, m->name);
}

/* perfanalyze trend DIR: 0 done, 1 its gate failed, -1 an error. */
static int trend(const struct cli *c)
{
	struct metric_set s;
	struct trends_result r;
	int rc = builds_load(&s, c->trace);

	if (!rc)
		rc = trends_collect(&s, &c->trend.opt, c->trend.x_key, &r);
	if (!rc) {
		if (c->json) {
			rc = render_trends_json(&r, stdout);
		} else {
			FILE *out = text_open();

			rc = text_close(out, render_trends_text(&r, out));
		}
		if (!rc && c->trend.fail && r.failed) {
			trend_failed(&r);
			rc = 1;
		} else if (!rc && c->trend.fail && s.incomplete &&
			   !c->allow_incomplete) {
			/* A killed build's smaller figures can hide a creep. */
			rc = error(
				"%s: cut short, empty or stopped early, %zu of %zu builds: a trend gate cannot pass on it; --allow-incomplete to judge what they hold",
				s.first_incomplete, s.incomplete, s.runs);
		}
		trends_result_release(&r);
	}
	metrics_release(&s);
	return rc;
}

/* Each run's flame graphs that the side arg names, summed into sum. */
static int side_flames(const char *arg, struct hot_result *sum)
{
	char *a = (char *)arg;
	struct run_paths runs;
	int rc;

	if (runs_expand(&a, 1, &runs))
		return -1;
	rc = 0;
	for (size_t i = 0; !rc && i < runs.n; i++)
		rc = page_flames_add(runs.path[i], sum);
	run_paths_release(&runs);
	return rc;
}

/* A diff's page: both sides' flame graphs and the table of changes. */
static int diff_html(const struct cli *c, const struct diff_result *r)
{
	struct page_diff pd = { .base = c->base,
				.new = c->trace,
				.changes = r };
	int rc = side_flames(c->base, pd.flame_base);

	if (!rc)
		rc = side_flames(c->trace, pd.flame);
	if (!rc)
		rc = html_write_diff(&pd, c->export_path);
	page_diff_release(&pd);
	return rc;
}

/* The diff's report as c asks: text, JSON or a page. */
static int diff_report(const struct cli *c, const struct diff_result *r)
{
	if (c->html)
		return diff_html(c, r);
	if (c->json)
		return render_diff_json(r, stdout);
	FILE *out = text_open();

	return text_close(
		out, render_diff_text(r, c->hot.top ? c->hot.top : 20, out));
}

/* perfanalyze diff: 0 done, 1 a regression failed the gate, -1 an error. */
static int diff(const struct cli *c)
{
	struct metric_set base, new;
	struct diff_result r = { 0 };
	char *b = (char *)c->base, *n = (char *)c->trace;
	int rc = -1;

	/* the page reads each side again for its flame graphs */
	if (c->html && (growth_check_input(c->base, "diff --html") ||
			growth_check_input(c->trace, "diff --html")))
		return -1;
	metrics_init(&new, 0);
	if (metrics_load(&base, &b, 1) || metrics_load(&new, &n, 1) ||
	    diff_judge(&base, &new, &c->diff, &r))
		goto out;
	rc = diff_report(c, &r);
	/* A gate on runs it did not see whole (or at all) cannot pass. */
	for (int side = 0;
	     !rc && c->fail_on_regression && !c->allow_incomplete && side < 2;
	     side++) {
		const struct metric_set *s = side ? &new : &base;

		if (!s->incomplete)
			continue;
		error("%s: cut short, empty or stopped early, %zu of %zu runs "
		      "of %s: a regression gate cannot pass on it; "
		      "--allow-incomplete to judge what they hold",
		      s->first_incomplete, s->incomplete, s->runs,
		      side ? "NEW" : "BASE");
		rc = -1;
	}
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

/* Whether a and b are the same file: its device and inode. */
static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * 1 when out is the file at path, 2 when it is one of the runs of a
 * directory path: writing it would destroy an input before, or while,
 * it is read. Names do not tell (a symlink, a hard link, "./t.zst"); the
 * file's device and inode do. -1 after an error() line, 0 otherwise.
 */
static int output_reads(const struct stat *out, const char *path)
{
	char *arg = (char *)path;
	struct run_paths runs;
	struct stat st;
	int same = 0;

	if (stat(path, &st)) /* the read says why, in its own words */
		return 0;
	if (!S_ISDIR(st.st_mode))
		return same_file(&st, out);
	if (runs_expand(&arg, 1, &runs))
		return -1;
	for (size_t i = 0; !same && i < runs.n; i++)
		same = !stat(runs.path[i], &st) && same_file(&st, out);
	run_paths_release(&runs);
	return same ? 2 : 0;
}

/*
 * -o FILE must not name an input (the trace, diff's BASE or NEW): it
 * would be overwritten with the report, and the run's trace lost. 0 when
 * it does not, -1 after one line when it does.
 */
static int output_is_input(const struct cli *c)
{
	const char *in[] = { c->trace, c->base };
	struct stat out;

	if (!c->export_path || !strcmp(c->export_path, "-") ||
	    stat(c->export_path, &out))
		return 0; /* stdout, or a new file */
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		int rc = in[i] ? output_reads(&out, in[i]) : 0;

		if (rc < 0)
			return -1;
		if (rc)
			return error(
				"-o %s: that is %sthe input %s; it would be overwritten",
				c->export_path, rc == 2 ? "a run of " : "",
				in[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct pass p = { 0 };
	int rc;

	hugepages_reexec(argv);
	cli_init(&c);
	rc = cli_parse(&c, argc, argv);
	if (rc > 0) /* --help, --version */
		rc = 0;
	else if (!rc && output_is_input(&c))
		rc = -1;
	else if (!rc && c.report == REPORT_BUDGET)
		rc = budget_report(&c);
	else if (!rc && c.report == REPORT_TREND)
		rc = trend(&c);
	else if (!rc && c.report == REPORT_SUMMARY && c.json)
		rc = summary_json(&c);
	else if (!rc && c.report == REPORT_SUMMARY && summary_of_dir(&c))
		rc = -1;
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
