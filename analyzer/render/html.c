/*
 * html.c - the HTML report: the model's parts, each as its JSON report
 * renders it, joined into one document and poured into the page template.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "html.h"
#include "html_assets.h"
#include "json.h"
#include "render.h"

/* A string written as a JSON value of its own. */
static void put_string(FILE *out, const char *s, size_t len)
{
	struct json_writer w;

	json_writer_init(&w, out);
	json_string_len(&w, s, len);
	json_writer_finish(&w);
}

/* The collapsed stacks of one flame graph, as one JSON string. */
static int put_flame(FILE *out, const struct hot_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		return error("out of memory");
	rc = render_hotspots_text(r, f);
	if (fclose(f) && !rc)
		rc = error("out of memory");
	if (!rc) {
		while (len && buf[len - 1] == '\n')
			len--;
		put_string(out, buf ? buf : "", len);
	}
	free(buf);
	return rc;
}

/* Each metric's flame graph of one side, as the object "flame" holds. */
static int put_flames(FILE *out, const struct hot_result *flame)
{
	putc('{', out);
	for (size_t i = 0; i < PAGE_FLAMES; i++) {
		fprintf(out, "%s\"%s\":", i ? "," : "", page_flames[i].name);
		if (put_flame(out, &flame[i]))
			return -1;
	}
	putc('}', out);
	return 0;
}

/* The report document (analyzer/html/README.md), as plain JSON. */
static int put_document(FILE *out, const void *page)
{
	const struct page_model *pm = page;
	const struct model *m = &pm->m;
	struct gate_result none; /* the page judges nothing: no gate */

	gate_init(&none);
	fputs("{\"perfshim_report\":1,\"trace\":", out);
	put_string(out, m->run.path, strlen(m->run.path));
	fputs(",\"summary\":", out);
	if (render_summary_json(&m->run, &none,
				m->parts & MODEL_METRICS ? &m->metrics : NULL,
				out))
		return -1;
	fputs(",\"leaks\":", out);
	if (render_leaks_json(&m->leaks, &none, out))
		return -1;
	fputs(",\"hotspots\":", out);
	if (render_hotspots_json(&m->hot, &none, out))
		return -1;
	fputs(",\"sites\":", out);
	if (render_hotspots_json(&pm->sites, &none, out))
		return -1;
	fputs(",\"growth\":", out);
	if (render_growth_json(&m->growth, &none, out))
		return -1;
	fputs(",\"timeline\":", out);
	if (render_timeline_json(&m->growth, &none, out))
		return -1;
	fputs(",\"flame\":", out);
	if (put_flames(out, pm->flame))
		return -1;
	putc('}', out);
	return 0;
}

/*
 * A diff's document: the same keys, the parts of one run null, and
 * base, flame_base and changes (the diff's rows) added.
 */
static int put_diff_document(FILE *out, const void *page)
{
	const struct page_diff *pd = page;

	fputs("{\"perfshim_report\":1,\"trace\":", out);
	put_string(out, pd->new, strlen(pd->new));
	fputs(",\"base\":", out);
	put_string(out, pd->base, strlen(pd->base));
	fputs(",\"summary\":null,\"leaks\":null,\"hotspots\":null,"
	      "\"sites\":null,\"growth\":null,\"timeline\":null,"
	      "\"changes\":",
	      out);
	if (render_diff_changes_json(pd->changes, out))
		return -1;
	fputs(",\"flame_base\":", out);
	if (put_flames(out, pd->flame_base))
		return -1;
	fputs(",\"flame\":", out);
	if (put_flames(out, pd->flame))
		return -1;
	putc('}', out);
	return 0;
}

/* Writes the document of page, as plain JSON. */
typedef int document_fn(FILE *out, const void *page);

/*
 * The document as text that may sit inside <script>: '<' occurs only
 * inside JSON strings, where \u003c means the same, so no "</script>" or
 * "<!--" in a function name or a command line can end or confuse the
 * element.
 */
static int put_script_safe_document(FILE *out, document_fn *doc,
				    const void *page)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f)
		return error("out of memory");
	rc = doc(f, page);
	if (fclose(f) && !rc)
		rc = error("out of memory");
	for (size_t i = 0; !rc && i < len; i++) {
		if (buf[i] == '<')
			fputs("\\u003c", out);
		else
			putc(buf[i], out);
	}
	free(buf);
	return rc;
}

static const struct html_asset *asset(const char *name, size_t len)
{
	for (const struct html_asset *a = html_assets; a->name; a++)
		if (strlen(a->name) == len && !memcmp(a->name, name, len))
			return a;
	return NULL;
}

/*
 * Pour the template out, each "<!--@NAME@-->" replaced by the embedded
 * file NAME, or by the document for "<!--@data@-->".
 */
static int pour(document_fn *doc, const void *page, FILE *out)
{
	static const char open_tag[] = "<!--@", close_tag[] = "@-->";
	const size_t olen = sizeof(open_tag) - 1, clen = sizeof(close_tag) - 1;
	const struct html_asset *t = asset("report.html", 11), *a;
	const char *s, *open, *close;

	assert(t);
	for (s = t->data; (open = strstr(s, open_tag)) &&
			  (close = strstr(open + olen, close_tag));
	     s = close + clen) {
		const char *name = open + olen;
		size_t nlen = (size_t)(close - name);

		fwrite(s, 1, (size_t)(open - s), out);
		if (nlen == 4 && !memcmp(name, "data", 4)) {
			if (put_script_safe_document(out, doc, page))
				return -1;
			continue;
		}
		a = asset(name, nlen);
		assert(a); /* the template names only embedded files */
		fwrite(a->data, 1, a->len, out);
	}
	fputs(s, out);
	if (fflush(out) || ferror(out))
		return error("cannot write the HTML report: %m");
	return 0;
}

int render_html(const struct page_model *pm, FILE *out)
{
	return pour(put_document, pm, out);
}

/* pour's page to the file path ("-" or NULL: standard output). */
static int write_to(document_fn *doc, const void *page, const char *path)
{
	int to_stdout = !path || !strcmp(path, "-");
	FILE *out = to_stdout ? stdout : fopen(path, "w");
	int rc;

	if (!out)
		return error("cannot write %s: %m", path);
	rc = pour(doc, page, out);
	if (!to_stdout && fclose(out) && !rc)
		rc = error("cannot write %s: %m", path);
	return rc;
}

int html_write(const struct page_model *pm, const char *path)
{
	return write_to(put_document, pm, path);
}

int html_write_diff(const struct page_diff *pd, const char *path)
{
	return write_to(put_diff_document, pd, path);
}
