/*
 * export_chrome.c - the Chrome trace renderer: Trace Event Format JSON
 * (the "JSON Object Format" with a traceEvents array), as Perfetto's UI
 * and chrome://tracing open it. Times are in microseconds.
 */
#include "export.h"
#include "json.h"

static void head(struct json_writer *w, const char *name, const char *ph,
		 uint64_t pid)
{
	json_object_begin(w);
	json_key(w, "name");
	json_string(w, name);
	json_key(w, "ph");
	json_string(w, ph);
	json_key(w, "pid");
	json_u64(w, pid);
}

static void metadata(struct json_writer *w, const struct export_profile *p)
{
	if (p->name) {
		head(w, "process_name", "M", p->pid);
		json_key(w, "args");
		json_object_begin(w);
		json_key(w, "name");
		json_string(w, p->strings[p->name]);
		json_object_end(w);
		json_object_end(w);
	}
	for (size_t i = 0; i < p->nthreads; i++) {
		const struct export_thread *t = &p->threads[i];
		char name[64];

		snprintf(name, sizeof(name), "thread %zu (tid %llu)", i,
			 (unsigned long long)t->tid);
		head(w, "thread_name", "M", p->pid);
		json_key(w, "tid");
		json_u64(w, t->tid);
		json_key(w, "args");
		json_object_begin(w);
		json_key(w, "name");
		json_string(w, t->name ? p->strings[t->name] : name);
		json_object_end(w);
		json_object_end(w);
	}
}

static uint64_t tid_of(const struct export_profile *p, uint32_t thread)
{
	return thread && thread <= p->nthreads ? p->threads[thread - 1].tid
					       : p->pid;
}

static void calls(struct json_writer *w, const struct export_profile *p)
{
	for (size_t i = 0; i < p->ncalls; i++) {
		const struct export_call *c = &p->calls[i];

		head(w, p->strings[p->functions[c->function - 1].name], "X",
		     p->pid);
		json_key(w, "tid");
		json_u64(w, tid_of(p, c->thread));
		json_key(w, "ts");
		json_double(w, c->start_ns / 1e3);
		json_key(w, "dur");
		json_double(w, c->dur_ns / 1e3);
		json_object_end(w);
	}
}

static void counters(struct json_writer *w, const struct export_profile *p)
{
	for (size_t i = 0; i < p->ncounters; i++) {
		const struct export_counter *c = &p->counters[i];

		for (size_t k = 0; k < c->n; k++) {
			head(w, p->strings[c->name], "C", p->pid);
			json_key(w, "ts");
			json_double(w, c->p[k].ts_ns / 1e3);
			json_key(w, "args");
			json_object_begin(w);
			json_key(w, "bytes");
			json_i64(w, c->p[k].value);
			json_object_end(w);
			json_object_end(w);
		}
	}
}

static void markers(struct json_writer *w, const struct export_profile *p)
{
	for (size_t i = 0; i < p->nmarkers; i++) {
		const struct export_marker *m = &p->markers[i];

		head(w, p->strings[m->name], "i", p->pid);
		json_key(w, "tid");
		json_u64(w, tid_of(p, m->thread));
		json_key(w, "ts");
		json_double(w, m->ts_ns / 1e3);
		/* Drawn across the whole process, as the marker means. */
		json_key(w, "s");
		json_string(w, "p");
		json_object_end(w);
	}
}

int export_chrome(const struct export_profile *p, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "traceEvents");
	json_array_begin(&w);
	metadata(&w, p);
	calls(&w, p);
	counters(&w, p);
	markers(&w, p);
	json_array_end(&w);
	json_key(&w, "displayTimeUnit");
	json_string(&w, "ns");
	json_object_end(&w);
	return json_writer_finish(&w);
}
