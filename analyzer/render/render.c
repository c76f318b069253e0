/* render.c - the renderer of whichever part of a model was collected. */
#include "render.h"

static int render_growth(const struct growth_result *g,
			 const struct gate_result *gate, int json, FILE *out)
{
	if (!g->judged)
		return json ? render_timeline_json(g, gate, out)
			    : render_timeline_text(g, out);
	return json ? render_growth_json(g, gate, out)
		    : render_growth_text(g, out);
}

int render_model(const struct model *m, int json, FILE *out)
{
	if (m->parts & MODEL_LEAKS)
		return json ? render_leaks_json(&m->leaks, &m->gate, out)
			    : render_leaks_text(&m->leaks, out);
	if (m->parts & MODEL_HOT)
		return json ? render_hotspots_json(&m->hot, &m->gate, out)
			    : render_hotspots_text(&m->hot, out);
	if (m->parts & MODEL_GROWTH)
		return render_growth(&m->growth, &m->gate, json, out);
	return json ? render_summary_json(&m->run, &m->gate, out)
		    : render_summary_text(&m->run, out);
}
