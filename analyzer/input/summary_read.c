/* summary_read.c - a build's summary JSON into a series (see summary_read.h). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "summary_read.h"

/* A summary is a few KiB; one of this size is not one. */
#define SUMMARY_MAX (64u << 20)

/*
 * The walk over the document runs twice: first to check it (set NULL),
 * then to record it, so that a bad file leaves the series alone.
 */
struct walk {
	struct metric_set *set; /* NULL: check only */
	size_t b;
	const char *name; /* the file, for messages */
};

/* One value, if its name is one metrics.h knows for its scope. */
static void record(const struct walk *w, const char *scope, const char *where,
		   const char *name, double v)
{
	enum metric_scope sc;
	enum metric_unit unit;
	const char *known;

	if (metric_scope_parse(scope, &sc) ||
	    !(known = metric_known(sc, name, &unit)))
		return;
	metrics_put(w->set, sc, where, known, unit)->v[w->b] = v;
}

/* One object of NAME: value; where is "" for the program. */
static int values(const struct walk *w, const char *scope, const char *where,
		  json_t *obj)
{
	const char *name;
	json_t *v;

	if (!json_is_object(obj))
		return error("%s: metrics.%s%s%s: not an object", w->name,
			     scope, *where ? "." : "", where);
	json_object_foreach(obj, name, v)
	{
		double x;

		if (json_is_null(v))
			continue;
		if (!json_is_number(v) || !isfinite(x = json_number_value(v)) ||
		    x < 0)
			return error(
				"%s: metrics.%s%s%s.%s: not a number >= 0 or null",
				w->name, scope, *where ? "." : "", where, name);
		if (w->set)
			record(w, scope, where, name, x);
	}
	return 0;
}

static int metrics(const struct walk *w, json_t *m)
{
	const char *scope, *where;
	json_t *v, *per;

	if (!json_is_object(m))
		return error(
			"%s: not a perfanalyze summary (no \"metrics\" object: write it with perfanalyze TRACE --json)",
			w->name);
	json_object_foreach(m, scope, per)
	{
		enum metric_scope sc;

		if (metric_scope_parse(scope, &sc) || sc == METRIC_SITE)
			continue; /* not one a summary records */
		if (!strcmp(scope, "program")) {
			if (values(w, scope, "", per))
				return -1;
			continue;
		}
		if (!json_is_object(per))
			return error("%s: metrics.%s: not an object", w->name,
				     scope);
		json_object_foreach(per, where, v)
		{
			if (values(w, scope, where, v))
				return -1;
		}
	}
	return 0;
}

/* A label item's text may hold neither the list's ',' nor, in a key, '='. */
static int label_text_ok(const char *s, int key)
{
	return !strchr(s, ',') && (!key || (*s && !strchr(s, '=')));
}

/* The "label" object as the shim's KEY=VALUE,... list, into *out. */
static int label(const struct walk *w, json_t *l, char **out)
{
	const char *key;
	json_t *v;
	size_t len = 1, pos;

	*out = NULL;
	if (!l)
		return 0;
	if (!json_is_object(l))
		return error("%s: label: not an object", w->name);
	json_object_foreach(l, key, v)
	{
		if (!json_is_string(v) || !label_text_ok(key, 1) ||
		    !label_text_ok(json_string_value(v), 0))
			return error("%s: label.%s: not a KEY=VALUE item",
				     w->name, key);
		len += strlen(key) + strlen(json_string_value(v)) + 2;
	}
	if (!w->set || !json_object_size(l))
		return 0;
	*out = xmalloc(len);
	pos = 0;
	json_object_foreach(l, key, v)
	{
		pos += (size_t)snprintf(*out + pos, len - pos, "%s%s=%s",
					pos ? "," : "", key,
					json_string_value(v));
	}
	return 0;
}

static int walk(const struct walk *w, json_t *root)
{
	json_t *complete;
	char *list;

	if (!json_is_object(root))
		return error(
			"%s: not a perfanalyze summary (not a JSON object)",
			w->name);
	complete = json_object_get(root, "complete");
	if (complete && !json_is_boolean(complete))
		return error("%s: complete: not true or false", w->name);
	if (metrics(w, json_object_get(root, "metrics")) ||
	    label(w, json_object_get(root, "label"), &list))
		return -1;
	if (w->set) {
		free(w->set->label[w->b]);
		w->set->label[w->b] = list;
		/* A gate on the series must not pass on a build that was
		 * not seen whole; without the member, it was. */
		if (json_is_false(complete))
			metrics_mark_incomplete(w->set, w->name);
	}
	return 0;
}

int summary_parse(struct metric_set *s, size_t b, const char *buf, size_t len,
		  const char *name)
{
	struct walk w = { NULL, b, name };
	json_error_t err;
	json_t *root;
	int rc;

	/* Integers as doubles: a count above 2^63 is still a number. */
	root = json_loadb(buf, len,
			  JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL,
			  &err);
	if (!root)
		return error("%s: not JSON: %s (line %d)", name, err.text,
			     err.line);
	rc = walk(&w, root);
	if (!rc) {
		w.set = s;
		rc = walk(&w, root);
	}
	json_decref(root);
	return rc;
}

int summary_read(struct metric_set *s, size_t b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc = -1;

	if (!f)
		return error("%s: cannot open: %s", path, strerror(errno));
	do {
		XGROW(buf, cap, len + 65536);
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got && len <= SUMMARY_MAX);
	if (len > SUMMARY_MAX)
		error("%s: larger than %u MiB: not a perfanalyze summary", path,
		      SUMMARY_MAX >> 20);
	else if (ferror(f))
		error("%s: cannot read: %s", path, strerror(errno));
	else
		rc = summary_parse(s, b, buf, len, path);
	fclose(f);
	free(buf);
	return rc;
}
