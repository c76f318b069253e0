/*
 * export_speedscope.c - the speedscope renderer: its file format
 * (speedscope's src/lib/file-format-spec.ts and the JSON schema made from
 * it), one shared frame per function, a sampled profile per sample type
 * and an evented profile per thread with timed calls.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "json.h"

#define SCHEMA_URL "https://www.speedscope.app/file-format-schema.json"

static void frames(struct json_writer *w, const struct export_profile *p)
{
	json_key(w, "shared");
	json_object_begin(w);
	json_key(w, "frames");
	json_array_begin(w);
	for (size_t i = 0; i < p->nfunctions; i++) {
		const struct export_function *f = &p->functions[i];

		json_object_begin(w);
		json_key(w, "name");
		json_string(w, p->strings[f->name]);
		if (f->file) {
			json_key(w, "file");
			json_string(w, p->strings[f->file]);
		}
		if (f->start_line > 0) {
			json_key(w, "line");
			json_i64(w, f->start_line);
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/* speedscope's units: bytes and nanoseconds are its own, counts "none". */
static const char *unit_of(const struct export_profile *p, size_t t)
{
	const char *u = p->strings[p->types[t].unit];

	if (!strcmp(u, "bytes") || !strcmp(u, "nanoseconds"))
		return u;
	return "none";
}

/* A stack root first, as frame (function id - 1) indices. */
static void stack(struct json_writer *w, const struct export_profile *p,
		  const struct export_sample *s)
{
	json_array_begin(w);
	for (size_t i = s->nlocs; i-- > 0;) {
		const struct export_location *l = &p->locations[s->locs[i] - 1];

		for (size_t k = l->nlines; k-- > 0;)
			json_u64(w, l->lines[k].function - 1);
	}
	json_array_end(w);
}

static void sampled(struct json_writer *w, const struct export_profile *p,
		    size_t t)
{
	int64_t sum = 0;

	json_object_begin(w);
	json_key(w, "type");
	json_string(w, "sampled");
	json_key(w, "name");
	json_string(w, p->strings[p->types[t].type]);
	json_key(w, "unit");
	json_string(w, unit_of(p, t));
	json_key(w, "startValue");
	json_u64(w, 0);
	json_key(w, "samples");
	json_array_begin(w);
	for (size_t i = 0; i < p->nsamples; i++)
		if (p->samples[i].values[t] > 0)
			stack(w, p, &p->samples[i]);
	json_array_end(w);
	json_key(w, "weights");
	json_array_begin(w);
	for (size_t i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].values[t];

		if (v > 0) {
			json_i64(w, v);
			sum += v;
		}
	}
	json_array_end(w);
	json_key(w, "endValue");
	json_i64(w, sum);
	json_object_end(w);
}

static void event(struct json_writer *w, const char *type, uint64_t at,
		  uint32_t function)
{
	json_object_begin(w);
	json_key(w, "type");
	json_string(w, type);
	json_key(w, "at");
	json_u64(w, at);
	json_key(w, "frame");
	json_u64(w, function - 1);
	json_object_end(w);
}

/*
 * Thread th's calls as open and close events. They come sorted by start
 * and nested (a call closes before its parent does), so a stack of open
 * calls closes each at the right time.
 */
static int evented(struct json_writer *w, const struct export_profile *p,
		   uint32_t th)
{
	const struct export_call **open = NULL;
	const struct export_thread *t = &p->threads[th - 1];
	size_t nopen = 0;
	char name[64];

	snprintf(name, sizeof(name), "thread %u (tid %llu)", th - 1,
		 (unsigned long long)t->tid);
	open = calloc(p->ncalls ? p->ncalls : 1, sizeof(*open));
	if (!open)
		return -1;
	json_object_begin(w);
	json_key(w, "type");
	json_string(w, "evented");
	json_key(w, "name");
	json_string(w, t->name ? p->strings[t->name] : name);
	json_key(w, "unit");
	json_string(w, "nanoseconds");
	json_key(w, "startValue");
	json_u64(w, 0);
	json_key(w, "endValue");
	json_u64(w, p->duration_ns);
	json_key(w, "events");
	json_array_begin(w);
	for (size_t i = 0; i < p->ncalls; i++) {
		const struct export_call *c = &p->calls[i];

		if (c->thread != th)
			continue;
		while (nopen &&
		       open[nopen - 1]->start_ns + open[nopen - 1]->dur_ns <=
			       c->start_ns) {
			nopen--;
			event(w, "C",
			      open[nopen]->start_ns + open[nopen]->dur_ns,
			      open[nopen]->function);
		}
		event(w, "O", c->start_ns, c->function);
		open[nopen++] = c;
	}
	while (nopen--)
		event(w, "C", open[nopen]->start_ns + open[nopen]->dur_ns,
		      open[nopen]->function);
	json_array_end(w);
	json_object_end(w);
	free(open);
	return 0;
}

int export_speedscope(const struct export_profile *p, FILE *out)
{
	struct json_writer w;
	int rc = 0;

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "$schema");
	json_string(&w, SCHEMA_URL);
	json_key(&w, "exporter");
	json_string(&w, "perfanalyze@" PERFSHIM_VERSION);
	if (p->name) {
		json_key(&w, "name");
		json_string(&w, p->strings[p->name]);
	}
	for (size_t t = 0; t < p->ntypes; t++)
		if (p->default_type && p->types[t].type == p->default_type) {
			json_key(&w, "activeProfileIndex");
			json_u64(&w, t);
		}
	frames(&w, p);
	json_key(&w, "profiles");
	json_array_begin(&w);
	for (size_t t = 0; t < p->ntypes; t++)
		sampled(&w, p, t);
	for (size_t th = 1; th <= p->nthreads && !rc; th++)
		for (size_t i = 0; i < p->ncalls; i++)
			if (p->calls[i].thread == th) {
				rc = evented(&w, p, (uint32_t)th);
				break;
			}
	json_array_end(&w);
	json_object_end(&w);
	if (rc)
		fputs("perfanalyze: out of memory\n", stderr);
	if (json_writer_finish(&w))
		rc = -1;
	return rc;
}
