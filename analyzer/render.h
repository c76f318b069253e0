/*
 * render.h - the renderers: each takes the model (and a verdict's
 * results) and only formats, text or JSON, to out. Each returns 0, or -1
 * after printing one line on stderr (an output error).
 */
#ifndef PERFSHIM_RENDER_H
#define PERFSHIM_RENDER_H

#include <stdio.h>

#include "model.h"

/* The summary (perfanalyze TRACE): how the run went, its totals. */
int render_summary_text(const struct run *run, FILE *out);
int render_summary_json(const struct run *run, FILE *out);

#endif
