/* render_gate.c - a gate's verdict in words, and as the JSON "gate" field. */
#include <math.h>
#include <stdio.h>

#include "render.h"
#include "units.h"

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "3 leak sites, 1.2 KiB in 5 blocks (definite, possible)". */
static void leak_reason(const struct gate_result *g, char *buf, size_t len)
{
	char a[UNITS_LEN], b[UNITS_LEN], c[UNITS_LEN];
	const char *sep = " (";
	int o;

	if (!g->sites) {
		snprintf(buf, len, "no leak site of a kind the gate counts");
		return;
	}
	o = snprintf(buf, len, "%s leak %s, %s in %s %s",
		     units_count(a, g->sites),
		     plural(g->sites, "site", "sites"),
		     units_bytes(b, g->bytes), units_count(c, g->blocks),
		     plural(g->blocks, "block", "blocks"));
	for (int k = 0; k < LEAK_KINDS && o > 0 && (size_t)o < len; k++) {
		if (!(g->kinds & (1u << k)))
			continue;
		o += snprintf(buf + o, len - (size_t)o, "%s%s", sep,
			      leak_kind_name(k));
		sep = ", ";
	}
	if (g->kinds && o > 0 && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, ")");
}

/* "memory is GROWING: 48 B per marker (heap)". */
static void growth_reason(const struct gate_result *g, char *buf, size_t len)
{
	char a[UNITS_LEN];

	if (g->undecided) {
		char why[256];

		snprintf(buf, len, "memory is %s: %s: the gate cannot judge it",
			 growth_verdict_name(g->verdict),
			 render_growth_reason(why, sizeof(why), g->heap,
					      g->unit));
		return;
	}
	if (isnan(g->slope)) {
		snprintf(buf, len, "memory is %s",
			 growth_verdict_name(g->verdict));
		return;
	}
	snprintf(buf, len, "memory is %s: %s per %s (%s)",
		 growth_verdict_name(g->verdict), units_bytes_real(a, g->slope),
		 g->unit, g->basis);
}

const char *render_gate_reason(const struct gate_result *g, char *buf,
			       size_t len)
{
	if (g->incomplete)
		snprintf(buf, len, "the trace %s: a gate cannot pass on it",
			 g->incomplete);
	else if (g->kind == GATE_LEAK)
		leak_reason(g, buf, len);
	else if (g->kind == GATE_GROWTH)
		growth_reason(g, buf, len);
	else
		snprintf(buf, len, "no gate was asked for");
	return buf;
}

static void gate_numbers(struct json_writer *w, const struct gate_result *g)
{
	if (g->kind == GATE_LEAK) {
		json_key(w, "sites");
		json_u64(w, g->sites);
		json_key(w, "bytes");
		json_u64(w, g->bytes);
		json_key(w, "blocks");
		json_u64(w, g->blocks);
		return;
	}
	json_key(w, "verdict");
	json_string(w, growth_verdict_name(g->verdict));
	json_key(w, "slope");
	json_double(w, g->slope);
	json_key(w, "unit");
	json_string(w, g->unit);
}

void render_gate_json(struct json_writer *w, const struct gate_result *g)
{
	char why[256];

	json_key(w, "gate");
	json_object_begin(w);
	json_key(w, "checked");
	json_bool(w, g->kind != GATE_NONE);
	json_key(w, "passed");
	if (g->kind == GATE_NONE) {
		json_null(w);
		json_key(w, "gate");
		json_null(w);
		json_key(w, "reason");
		json_null(w);
		json_object_end(w);
		return;
	}
	json_bool(w, g->passed);
	json_key(w, "gate");
	json_string(w, g->kind == GATE_LEAK ? "leak" : "growth");
	json_key(w, "reason");
	json_string(w, render_gate_reason(g, why, sizeof(why)));
	json_key(w, "incomplete");
	json_string(w, g->incomplete);
	gate_numbers(w, g);
	json_object_end(w);
}
