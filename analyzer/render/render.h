/*
 * render.h - the renderers: each takes the model (and a verdict's
 * results) and only formats, text or JSON, to out. Each returns 0, or -1
 * after printing one line on stderr (an output error).
 */
#ifndef PERFSHIM_RENDER_H
#define PERFSHIM_RENDER_H

#include <stdio.h>

#include "diff.h"
#include "growth.h"
#include "hotspots.h"
#include "leaks.h"
#include "model.h"

/* The summary (perfanalyze TRACE): how the run went, its totals. */
int render_summary_text(const struct run *run, FILE *out);
int render_summary_json(const struct run *run, FILE *out);

/* The leak report: each group with its stack, then the totals. */
int render_leaks_text(const struct leak_result *res, FILE *out);
int render_leaks_json(const struct leak_result *res, FILE *out);

/* The growth verdict, with its series' trends and the sites that grow. */
int render_growth_text(const struct growth_result *g, FILE *out);
int render_growth_json(const struct growth_result *g, FILE *out);

/* --timeline: the series itself, as CSV or JSON. */
int render_timeline_text(const struct growth_result *g, FILE *out);
int render_timeline_json(const struct growth_result *g, FILE *out);

/* The hot-spot reports: CPU and timings, sites; flame graphs (text only). */
int render_hotspots_text(const struct hot_result *r, FILE *out);
int render_hotspots_json(const struct hot_result *r, FILE *out);

/* perfanalyze diff: the verdict line and the top rows (text), or all. */
int render_diff_text(const struct diff_result *r, size_t top, FILE *out);
int render_diff_json(const struct diff_result *r, FILE *out);

/*
 * render_model - the report m was collected for: the leaks, the hot
 * spots, the growth verdict or the timeline (a growth part not judged),
 * else the summary; as JSON when json, else as text.
 */
int render_model(const struct model *m, int json, FILE *out);

#endif
