/* render_leaks.c - the leak report, as text and as JSON. */
#include <inttypes.h>

#include "error.h"
#include "frames.h"
#include "json.h"
#include "perfshim_trace.h"
#include "render.h"
#include "units.h"

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* What the kinds rest on: the scan, a partial one, or none. */
static void scan_note(FILE *out, const struct classify *c)
{
	if (!c)
		return;
	if (!c->scans) {
		fprintf(out,
			"Kinds: the trace has no scan results (the program was killed by SIGKILL, replaced by exec, ran with PERFSHIM_SCAN=0, or its scan could not read /proc/self/maps, as after a chroot): every block is unclassified.\n");
		return;
	}
	if (c->last_flags & PERFSHIM_SCAN_MISSED_THREADS)
		fprintf(out,
			"Kinds: %" PRIu64
			" %s did not stop for the last scan; %s scanned whole, without registers.\n",
			c->missed_threads,
			plural(c->missed_threads, "thread", "threads"),
			plural(c->missed_threads, "its stack was",
			       "their stacks were"));
	if (c->last_flags & PERFSHIM_SCAN_PARTIAL)
		fprintf(out,
			"Kinds: the last scan missed some allocations (events it could not read); its verdicts may be incomplete.\n");
}

/* Where g's site stands against the baseline, for its heading. */
static void base_text(FILE *out, const struct leak_group *g)
{
	char a[UNITS_LEN], b[UNITS_LEN];

	if (g->baseline == LEAK_BASE_NEW)
		fprintf(out, "; new since the baseline");
	else if (g->baseline == LEAK_BASE_KNOWN)
		fprintf(out, "; known in the baseline");
	else
		fprintf(out,
			"; known in the baseline, grown: %s at this site, %s in the baseline",
			units_bytes(a, g->site_bytes),
			units_bytes(b, g->base_bytes));
}

static void group_text(FILE *out, const struct leak_result *res,
		       const struct leak_group *g)
{
	char a[UNITS_LEN], b[UNITS_LEN];

	fprintf(out, "%s in %s %s (%s", units_bytes(a, g->bytes),
		units_count(b, g->blocks), plural(g->blocks, "block", "blocks"),
		leak_kind_name(g->kind));
	if (res->baseline)
		base_text(out, g);
	fprintf(out, ") allocated at:\n");
	frames_text(out, g->frames, g->nframes);
	fputc('\n', out);
}

/* "Total: ..." and "By kind: ...". */
static void totals_text(FILE *out, const struct leak_totals *t)
{
	uint64_t bytes = 0, blocks = 0;
	const char *sep = "By kind:";
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN];

	for (int k = 0; k < LEAK_KINDS; k++) {
		bytes += t->bytes[k];
		blocks += t->blocks[k];
	}
	if (!t->groups)
		fprintf(out,
			"No leaks: nothing left allocated at exit that is not suppressed.\n");
	fprintf(out, "Total: %s in %s %s from %s allocation %s.\n",
		units_bytes(a, bytes), units_count(b, blocks),
		plural(blocks, "block", "blocks"), units_count(c, t->groups),
		plural(t->groups, "site", "sites"));
	if (!t->groups)
		return;
	for (int k = 0; k < LEAK_KINDS; k++) {
		if (!t->blocks[k])
			continue;
		fprintf(out, "%s %s %s in %s %s", sep, leak_kind_name(k),
			units_bytes(a, t->bytes[k]),
			units_count(b, t->blocks[k]),
			plural(t->blocks[k], "block", "blocks"));
		sep = ",";
	}
	fputs(".\n", out);
}

/* What the report left out, and what each suppression matched. */
static void left_out_text(FILE *out, const struct leak_result *res)
{
	const struct leak_totals *t = &res->totals;
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN];

	if (t->rt_groups)
		fprintf(out,
			"Not shown: %s in %s %s the C/C++ runtime keeps until exit (stdio buffers, locale data, cached thread stacks, its start-up); --show-runtime shows them.\n",
			units_bytes(a, t->rt_bytes),
			units_count(b, t->rt_blocks),
			plural(t->rt_blocks, "block", "blocks"));
	if (t->small_groups)
		fprintf(out,
			"Not shown: %s in %s %s from %s %s below --min-bytes.\n",
			units_bytes(a, t->small_bytes),
			units_count(b, t->small_blocks),
			plural(t->small_blocks, "block", "blocks"),
			units_count(c, t->small_groups),
			plural(t->small_groups, "site", "sites"));
	for (size_t s = 0; res->supp && s < res->supp->nr; s++) {
		const struct suppression *r = &res->supp->rule[s];

		fprintf(out,
			"Suppression leak:%s matched %s %s, %s in %s %s.\n",
			r->pattern, units_count(a, r->groups),
			plural(r->groups, "site", "sites"),
			units_bytes(b, r->bytes), units_count(c, r->blocks),
			plural(r->blocks, "block", "blocks"));
	}
}

int render_leaks_text(const struct leak_result *res, FILE *out)
{
	for (size_t i = 0; i < res->ngroups; i++)
		group_text(out, res, &res->group[i]);
	totals_text(out, &res->totals);
	if (res->baseline)
		fprintf(out,
			"Baseline: %zu %s new, %zu known (%zu of them grown); the gate counts new and grown sites only.\n",
			res->base_sites[LEAK_BASE_NEW],
			plural(res->base_sites[LEAK_BASE_NEW], "site", "sites"),
			res->base_sites[LEAK_BASE_KNOWN] +
				res->base_sites[LEAK_BASE_GROWN],
			res->base_sites[LEAK_BASE_GROWN]);
	if (res->totals.groups)
		scan_note(out, res->cls);
	left_out_text(out, res);
	if (fflush(out))
		return error("cannot write the report");
	return 0;
}

/* A group's standing against the baseline. */
static void base_json(struct json_writer *w, const struct leak_group *g)
{
	json_key(w, "baseline");
	json_string(w, g->baseline == LEAK_BASE_NEW ? "new" : "known");
	json_key(w, "grown");
	json_bool(w, g->baseline == LEAK_BASE_GROWN);
	json_key(w, "site_bytes");
	json_u64(w, g->site_bytes);
	json_key(w, "baseline_bytes");
	json_u64(w, g->base_bytes);
}

/* The sites by standing: {"new": N, "known": N, "grown": N}. */
static void base_sites_json(struct json_writer *w,
			    const struct leak_result *res)
{
	json_key(w, "baseline");
	json_object_begin(w);
	json_key(w, "new");
	json_u64(w, res->base_sites[LEAK_BASE_NEW]);
	json_key(w, "known");
	json_u64(w, res->base_sites[LEAK_BASE_KNOWN] +
			    res->base_sites[LEAK_BASE_GROWN]);
	json_key(w, "grown");
	json_u64(w, res->base_sites[LEAK_BASE_GROWN]);
	json_object_end(w);
}

int render_leaks_json(const struct leak_result *res,
		      const struct gate_result *gate, FILE *out)
{
	const struct leak_totals *t = &res->totals;
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "complete");
	json_bool(&w, res->complete);
	json_key(&w, "leaks");
	json_array_begin(&w);
	for (size_t i = 0; i < res->ngroups; i++) {
		const struct leak_group *g = &res->group[i];

		json_object_begin(&w);
		json_key(&w, "kind");
		json_string(&w, leak_kind_name(g->kind));
		json_key(&w, "bytes");
		json_u64(&w, g->bytes);
		json_key(&w, "blocks");
		json_u64(&w, g->blocks);
		if (res->baseline)
			base_json(&w, g);
		frames_json(&w, g->frames, g->nframes);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "summary");
	json_object_begin(&w);
	for (int k = 0; k < LEAK_KINDS; k++) {
		json_key(&w, leak_kind_name(k));
		json_object_begin(&w);
		json_key(&w, "bytes");
		json_u64(&w, t->bytes[k]);
		json_key(&w, "blocks");
		json_u64(&w, t->blocks[k]);
		json_object_end(&w);
	}
	json_object_end(&w);
	if (res->baseline)
		base_sites_json(&w, res);
	if (gate)
		render_gate_json(&w, gate);
	json_object_end(&w);
	return json_writer_finish(&w);
}
