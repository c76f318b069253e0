/* render.c - the renderer of whichever part of a model was collected. */
#include "render.h"

static int render_growth(const struct growth_result *g, int json, FILE *out)
{
	if (!g->judged)
		return json ? render_timeline_json(g, out)
			    : render_timeline_text(g, out);
	return json ? render_growth_json(g, out) : render_growth_text(g, out);
}

int render_model(const struct model *m, int json, FILE *out)
{
	if (m->parts & MODEL_LEAKS)
		return json ? render_leaks_json(&m->leaks, out)
			    : render_leaks_text(&m->leaks, out);
	if (m->parts & MODEL_HOT)
		return json ? render_hotspots_json(&m->hot, out)
			    : render_hotspots_text(&m->hot, out);
	if (m->parts & MODEL_GROWTH)
		return render_growth(&m->growth, json, out);
	if (json)
		return render_summary_json(
			&m->run, m->parts & MODEL_METRICS ? &m->metrics : NULL,
			out);
	return render_summary_text(&m->run, out);
}
