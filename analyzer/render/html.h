/*
 * html.h - the HTML report: one self-contained page to look at.
 *
 * The page is a pure function of one JSON document, the "report
 * document" (analyzer/html/README.md), that holds each part of the model
 * as the matching --json report renders it, and a collapsed-stack flame
 * graph per metric as --flamegraph writes it. The page's template,
 * script, style and the vendored chart library are compiled in
 * (html_assets.h): the file needs nothing else, and the page makes no
 * request.
 */
#ifndef PERFSHIM_HTML_H
#define PERFSHIM_HTML_H

#include <stdio.h>

#include "page.h"

/*
 * render_html - the page of pm to out. A part that is empty in pm (no
 * samples, no leaks, no heap points) has its empty state on the page.
 * Returns 0, or -1 after printing one line on stderr (an output error,
 * out of memory).
 */
int render_html(const struct page_model *pm, FILE *out);

/*
 * html_write - render_html to the file path (created or truncated; "-" or
 * NULL: standard output). Returns 0, or -1 after printing one line.
 */
int html_write(const struct page_model *pm, const char *path);

#endif
