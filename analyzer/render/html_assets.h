/*
 * html_assets.h - the HTML report's page files, compiled into the
 * analyzer (tools/embed-files.sh writes the array at build time from
 * analyzer/html/ and vendor/uplot/), so that it needs no file at run time.
 */
#ifndef PERFSHIM_HTML_ASSETS_H
#define PERFSHIM_HTML_ASSETS_H

#include <stddef.h>

struct html_asset {
	const char *name; /* the file's base name */
	const char *data; /* its bytes, NUL-terminated */
	size_t len;	  /* without the NUL */
};

/* Every embedded file, then one whose name is NULL. */
extern const struct html_asset html_assets[];

#endif
