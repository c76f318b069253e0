/* render_summary.c - the summary of a run, as text and as JSON. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hashtab.h"
#include "json.h"
#include "label.h"
#include "render.h"
#include "textfit.h"
#include "units.h"

static const char *end_text(const struct run *run, char *buf, size_t len)
{
	switch (run->end) {
	case RUN_END_UNKNOWN:
		return "unknown";
	case RUN_END_CUT:
		return "cut short: no end record (killed, or still running)";
	case RUN_END_EXIT:
		if (run->status < 0)
			return "cleanly (exit status unknown)";
		snprintf(buf, len, "cleanly, exit status %d", run->status);
		return buf;
	case RUN_END__EXIT:
		snprintf(buf, len, "by _exit(%d), without destructors",
			 run->status);
		return buf;
	case RUN_END_SIGNAL:
		snprintf(buf, len, "killed by signal %d (%s)", run->status,
			 strsignal(run->status));
		return buf;
	case RUN_END_EXEC:
		return "replaced by exec (the new program has a trace of its own, "
		       "unless the loader did not preload the shim there: a "
		       "static or set-user-ID program)";
	case RUN_END_STOPPED:
		break;
	}
	return "tracing stopped early";
}

/* s escaped for text (textfit_escape), in memory of its own: free it. */
static char *escaped(const char *s)
{
	size_t len = 4 * strlen(s) + 1; /* "\x1b" for each byte at most */

	return (char *)textfit_escape(xmalloc(len), len, s);
}

/* "NAME: VALUE" of a string the traced program chose, escaped. */
static void said(FILE *out, const char *name, const char *value)
{
	char *e = escaped(value);

	fprintf(out, "%-19s%s\n", name, e);
	free(e);
}

int render_summary_text(const struct run *run, FILE *out)
{
	char buf[256], a[UNITS_LEN], b[UNITS_LEN];
	char *path = escaped(run->path), *exe = escaped(run->exe);

	fprintf(out, "trace:             %s (format %u.%u)\n", path, run->major,
		run->minor);
	fprintf(out,
		"program:           %s (pid %" PRIu64 ", parent %" PRIu64 ")\n",
		exe, run->pid, run->ppid);
	free(path);
	free(exe);
	said(out, "command:", run->cmdline);
	if (run->label)
		said(out, "label:", run->label);
	fprintf(out, "duration:          %s\n", units_ns(a, run->duration_ns));
	fprintf(out, "ended:             %s\n",
		end_text(run, buf, sizeof(buf)));
	fprintf(out, "threads:           %s\n", units_count(a, run->threads));
	fprintf(out, "allocation calls:  %s (%s in all)\n",
		units_count(a, run->alloc_calls),
		units_bytes(b, run->alloc_bytes));
	fprintf(out, "frees:             %s\n",
		units_count(a, run->free_calls));
	fprintf(out, "peak heap:         %s at %s\n",
		units_bytes(a, run->peak_bytes), units_ns(b, run->peak_ns));
	fprintf(out, "allocated at exit: %s in %s %s\n",
		units_bytes(a, run->live_bytes),
		units_count(b, run->live_blocks),
		run->live_blocks == 1 ? "block" : "blocks");
	if (run->untracked_frees)
		fprintf(out,
			"untracked frees:   %s (blocks allocated before tracing began)\n",
			units_count(a, run->untracked_frees));
	if (run->lost_events)
		fprintf(out, "lost events:       %s\n",
			units_count(a, run->lost_events));
	if (fflush(out) || ferror(out))
		return error("cannot write the output");
	return 0;
}

/* The label's items as an object of strings, when the run has one. */
static void label_field(struct json_writer *w, const char *label)
{
	struct label_item it;
	size_t pos = 0;

	if (!label)
		return;
	json_key(w, "label");
	json_object_begin(w);
	while (label_next(label, &pos, &it)) {
		char *key;

		if (!label_first(label, &it))
			continue;
		key = xmalloc(it.key_len + 1);
		memcpy(key, it.key, it.key_len);
		key[it.key_len] = 0;
		json_key(w, key);
		json_string_len(w, it.value, it.value_len);
		free(key);
	}
	json_object_end(w);
}

static void u64_field(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

/* The exit status, or the signal, when the run ended so; else null. */
static void status_field(struct json_writer *w, const char *key, int signal,
			 const struct run *run)
{
	int have = run->end != RUN_END_UNKNOWN && run->end != RUN_END_CUT;

	json_key(w, key);
	if (signal && have && run->end == RUN_END_SIGNAL)
		json_i64(w, run->status);
	else if (!signal && have && run->end != RUN_END_SIGNAL &&
		 run->status >= 0)
		json_i64(w, run->status);
	else
		json_null(w);
}

/* Summary metrics first by scope, then by where (grouped), then as set. */
static int by_place(const void *a, const void *b, void *ctx)
{
	const struct metric_set *ms = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct metric *x = &ms->m[i], *y = &ms->m[j];
	int c;

	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if ((c = strcmp(x->where, y->where)))
		return c;
	return i < j ? -1 : i > j;
}

/*
 * "metrics": {"program": {NAME: V, ...}, "zone": {WHERE: {NAME: V, ...}},
 * "function": {...}}: each metric's median over the runs (null: none).
 */
static void metrics_field(struct json_writer *w, const struct metric_set *ms)
{
	size_t *idx = xmalloc((ms->n ? ms->n : 1) * sizeof(*idx)), n = 0;
	const struct metric *prev = NULL;

	for (size_t i = 0; i < ms->n; i++)
		if (metric_in_summary(&ms->m[i]))
			idx[n++] = i;
	sort_r(idx, n, sizeof(*idx), by_place, (void *)ms);
	json_key(w, "metrics");
	json_object_begin(w);
	for (size_t k = 0; k < n; k++) {
		const struct metric *m = &ms->m[idx[k]];
		int new_scope = !prev || prev->scope != m->scope;

		if (prev && (new_scope || strcmp(prev->where, m->where)) &&
		    prev->scope != METRIC_PROGRAM)
			json_object_end(w); /* the where */
		if (prev && new_scope)
			json_object_end(w); /* the scope */
		if (new_scope) {
			json_key(w, metric_scope_name(m->scope));
			json_object_begin(w);
		}
		if (m->scope != METRIC_PROGRAM &&
		    (new_scope || strcmp(prev->where, m->where))) {
			json_key(w, m->where);
			json_object_begin(w);
		}
		json_key(w, m->name);
		json_double(w, metric_median(m));
		prev = m;
	}
	if (prev && prev->scope != METRIC_PROGRAM)
		json_object_end(w);
	if (prev)
		json_object_end(w);
	json_object_end(w);
	free(idx);
}

int render_summary_json(const struct run *run, const struct gate_result *gate,
			const struct metric_set *ms, FILE *out)
{
	struct json_writer w;
	char buf[256];

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "format"); /* the trace format's major, as a string */
	snprintf(buf, sizeof(buf), "%u", run->major);
	json_string(&w, buf);
	json_key(&w, "program");
	json_string(&w, run->exe);
	json_key(&w, "command");
	json_string(&w, run->cmdline);
	label_field(&w, run->label);
	u64_field(&w, "pid", run->pid);
	u64_field(&w, "ppid", run->ppid);
	u64_field(&w, "duration_ns", run->duration_ns);
	json_key(&w, "clean_end");
	json_bool(&w, run->clean_end);
	json_key(&w, "cut_short");
	json_bool(&w, run->cut_short);
	json_key(&w, "complete"); /* of every run, for trend's gate */
	json_bool(&w, !run->cut_short && run->end != RUN_END_STOPPED &&
			      !(ms && ms->incomplete));
	json_key(&w, "ended");
	json_string(&w, end_text(run, buf, sizeof(buf)));
	status_field(&w, "exit_status", 0, run);
	status_field(&w, "signal", 1, run);
	u64_field(&w, "threads", run->threads);
	u64_field(&w, "alloc_calls", run->alloc_calls);
	u64_field(&w, "alloc_bytes", run->alloc_bytes);
	u64_field(&w, "free_calls", run->free_calls);
	u64_field(&w, "peak_bytes", run->peak_bytes);
	u64_field(&w, "peak_ns", run->peak_ns);
	u64_field(&w, "live_bytes", run->live_bytes);
	u64_field(&w, "live_blocks", run->live_blocks);
	u64_field(&w, "untracked_frees", run->untracked_frees);
	u64_field(&w, "lost_events", run->lost_events);
	if (gate)
		render_gate_json(&w, gate);
	if (ms) {
		u64_field(&w, "runs", ms->runs);
		metrics_field(&w, ms);
	}
	json_object_end(&w);
	return json_writer_finish(&w);
}
