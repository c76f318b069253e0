/* render.c - the renderer of whichever part of a model was collected. */
#include "error.h"
#include "render.h"
#include "textfit.h"

static int render_growth(const struct growth_result *g,
			 const struct gate_result *gate, int json, FILE *out)
{
	if (!g->judged)
		return json ? render_timeline_json(g, gate, out)
			    : render_timeline_text(g, out);
	return json ? render_growth_json(g, gate, out)
		    : render_growth_text(g, out);
}

static int render_part(const struct model *m, int json, FILE *out)
{
	if (m->parts & MODEL_LEAKS)
		return json ? render_leaks_json(&m->leaks, &m->gate, out)
			    : render_leaks_text(&m->leaks, out);
	if (m->parts & MODEL_HOT)
		return json ? render_hotspots_json(&m->hot, &m->gate, out)
			    : render_hotspots_text(&m->hot, out);
	if (m->parts & MODEL_GROWTH)
		return render_growth(&m->growth, &m->gate, json, out);
	return json ? render_summary_json(&m->run, &m->gate,
					  m->parts & MODEL_METRICS ? &m->metrics
								   : NULL,
					  out)
		    : render_summary_text(&m->run, out);
}

/* Collapsed stacks and the timeline's CSV are for programs: never fitted. */
static int for_programs(const struct model *m)
{
	if (m->parts & MODEL_LEAKS)
		return 0;
	if (m->parts & MODEL_HOT)
		return m->hot.mode == HOT_FLAME;
	return (m->parts & MODEL_GROWTH) && !m->growth.judged;
}

int render_model(const struct model *m, int json, FILE *out)
{
	FILE *fitted;
	int rc;

	if (json)
		return render_part(m, json, out);
	if (for_programs(m))
		fitted = textfit_safe_open(out);
	else
		fitted = textfit_open(out);
	if (!fitted)
		return render_part(m, json, out);
	rc = render_part(m, 0, fitted);
	if (fclose(fitted) && !rc)
		rc = error("cannot write the report");
	return rc;
}
