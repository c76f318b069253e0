/*
 * render.h - the renderers: each takes the model (and a verdict's
 * results) and only formats, text or JSON, to out. Each returns 0, or -1
 * after printing one line on stderr (an output error).
 *
 * Every JSON report is one object that carries the "gate" field
 * (render_gate_json) when given a gate (NULL: none, for a report embedded
 * in another). Text uses units.h for every size, duration and count.
 */
#ifndef PERFSHIM_RENDER_H
#define PERFSHIM_RENDER_H

#include <stdio.h>

#include "budget_check.h"
#include "diff.h"
#include "gate.h"
#include "growth.h"
#include "hotspots.h"
#include "json.h"
#include "leaks.h"
#include "model.h"
#include "trends.h"

/*
 * The summary (perfanalyze TRACE): how the run went, its totals; in JSON
 * with the metrics of the build's record (ms; NULL: none) too, and
 * "complete" false when one of ms's runs is incomplete.
 */
int render_summary_text(const struct run *run, FILE *out);
int render_summary_json(const struct run *run, const struct gate_result *gate,
			const struct metric_set *ms, FILE *out);

/* The leak report: each group with its stack, then the totals. */
int render_leaks_text(const struct leak_result *res, FILE *out);
int render_leaks_json(const struct leak_result *res,
		      const struct gate_result *gate, FILE *out);

/* The growth verdict, with its series' trends and the sites that grow. */
int render_growth_text(const struct growth_result *g, FILE *out);
int render_growth_json(const struct growth_result *g,
		       const struct gate_result *gate, FILE *out);

/* --timeline: the series itself, as CSV or JSON. */
int render_timeline_text(const struct growth_result *g, FILE *out);
int render_timeline_json(const struct growth_result *g,
			 const struct gate_result *gate, FILE *out);

/* The hot-spot reports: CPU and timings, sites; flame graphs (text only). */
int render_hotspots_text(const struct hot_result *r, FILE *out);
int render_hotspots_json(const struct hot_result *r,
			 const struct gate_result *gate, FILE *out);

/*
 * render_gate_json - the "gate" key and its object:
 *   {"checked": false, "passed": null, "gate": null, "reason": null}
 * when no gate was asked for, else
 *   {"checked": true, "passed": BOOL, "gate": "leak"|"growth",
 *    "reason": "3 leak sites, 1.2 KiB in 5 blocks (definite)",
 *    "incomplete": null or why the trace cannot pass a gate,
 *    and the gate's raw numbers: "sites", "bytes", "blocks" (leak);
 *    "verdict", "slope", "unit" (growth)}.
 */
void render_gate_json(struct json_writer *w, const struct gate_result *g);

/*
 * render_growth_reason - why sv got its verdict, in a sentence into buf
 * of len bytes (bytes with units; unit: "marker" or "second"); returns
 * buf.
 */
const char *render_growth_reason(char *buf, size_t len,
				 const struct growth_trend *sv,
				 const char *unit);

/*
 * render_gate_reason - why g passed or failed, in one line of text
 * (units.h's units) into buf of len bytes; returns buf. The line that
 * main prints on stderr when a gate fails, and the JSON "reason".
 */
const char *render_gate_reason(const struct gate_result *g, char *buf,
			       size_t len);

/* The trend over builds, or the scaling with a label: verdict, table. */
int render_trends_text(const struct trends_result *r, FILE *out);
int render_trends_json(const struct trends_result *r, FILE *out);
/* perfanalyze diff: the verdict line and the top rows (text), or all. */
int render_diff_text(const struct diff_result *r, size_t top, FILE *out);
int render_diff_json(const struct diff_result *r, FILE *out);

/*
 * The budget verdict: a table of rule, measured value (the median over
 * the runs), limit and verdict, in the units of a budget file.
 */
int render_budget_text(const struct budget_result *res, FILE *out);
int render_budget_json(const struct budget_result *res, FILE *out);

/*
 * render_diff_changes_json - the table of changes of an HTML diff page:
 * {"verdict", "rows": [...]}, the rows of render_diff_json's "metrics"
 * that are not "ok", most severe first.
 */
int render_diff_changes_json(const struct diff_result *r, FILE *out);

/*
 * render_metric_value - v, a metric's value in base units, as the text
 * tables print it: bytes "512 B", "4.5 KiB"; times "850 ns", "12.3 ms";
 * ratios "41.7%"; counts plain, "1000" ("2.5" when not whole). With sign,
 * a change: "+1.2 KiB", "-300 B", "+0". NaN is "-", an infinity "+inf" or
 * "-inf". Returns buf (of len bytes; 32 hold any value) or a constant.
 */
const char *render_metric_value(char *buf, size_t len, double v,
				enum metric_unit u, int sign);

/*
 * render_metric_where - where a metric is, as a budget rule names it:
 * "program", "zone:parse", "function:compress" (escaped for a terminal).
 * Returns buf or a constant.
 */
const char *render_metric_where(char *buf, size_t len, enum metric_scope scope,
				const char *where);

/* render_p_value - "<0.001", "0.270"; "-" for NaN. */
const char *render_p_value(char *buf, size_t len, double p);

/*
 * render_model - the report m was collected for: the leaks, the hot
 * spots, the growth verdict or the timeline (a growth part not judged),
 * else the summary; as JSON when json, else as text.
 */
int render_model(const struct model *m, int json, FILE *out);

#endif
