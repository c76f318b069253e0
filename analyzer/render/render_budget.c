/* render_budget.c - the budget verdict: a table of rules, or JSON. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "render.h"

/*
 * v (base units) in the largest unit it has at least one of, to four
 * significant digits: "64 MiB", "2.004 ms", "512 B". The units are those
 * a budget file takes, so a figure can be copied into one.
 */
static void fmt_value(char *buf, size_t len, double v, enum budget_unit u)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB" };
	static const char *const times[] = { "ns", "\u00b5s", "ms", "s" };
	const char *const *names = u == BUDGET_BYTES ? bytes : times;
	double step = u == BUDGET_BYTES ? 1024 : 1000;
	int k = 0;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (u == BUDGET_COUNT) {
		snprintf(buf, len, "%.10g", v);
		return;
	}
	while (k < 3 && v >= step) {
		v /= step;
		k++;
	}
	snprintf(buf, len, "%.4g %s", v, names[k]);
}

/* Columns as a terminal shows them: a UTF-8 sequence is one. */
static size_t columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* s right-aligned in width columns. */
static void right(FILE *out, const char *s, size_t width)
{
	for (size_t n = columns(s); n < width; n++)
		fputc(' ', out);
	fputs(s, out);
}

static const char *verdict_text(enum budget_verdict v)
{
	static const char *const names[] = { "ok", "EXCEEDED", "MISSING" };

	return names[v];
}

/* Why a rule could not be checked. */
static void missing_text(FILE *out, const struct budget_row *row)
{
	static const char *const scopes[] = { "the program", "zone", "function",
					      "site" };
	const struct budget_rule *r = row->rule;

	if (!row->where_found)
		fprintf(out, ": no %s '%s' in the runs", scopes[r->scope],
			r->name);
	else if (r->name)
		fprintf(out, ": the runs have no %s of %s '%s'", r->metric_name,
			scopes[r->scope], r->name);
	else
		fprintf(out, ": the runs have no %s", r->metric_name);
}

static void text_row(FILE *out, const struct budget_row *row, int width)
{
	const struct budget_rule *r = row->rule;
	char measured[48], limit[48];

	fmt_value(measured, sizeof(measured), row->measured, r->unit);
	fmt_value(limit, sizeof(limit), r->limit, r->unit);
	fprintf(out, "  %-*s  ", width, r->text);
	right(out, measured, 12);
	fputs("  ", out);
	right(out, limit, 12);
	fprintf(out, "  %s", verdict_text(row->verdict));
	if (row->verdict == BUDGET_MISSING)
		missing_text(out, row);
	fputc('\n', out);
}

int render_budget_text(const struct budget_result *res, FILE *out)
{
	int width = 4;

	for (size_t i = 0; i < res->n; i++)
		if (strlen(res->row[i].rule->text) > (size_t)width)
			width = (int)strlen(res->row[i].rule->text);
	fprintf(out, "Budget %s: %zu %s, judged on ", res->budget->file, res->n,
		res->n == 1 ? "rule" : "rules");
	if (res->runs == 1)
		fprintf(out, "one run");
	else
		fprintf(out, "the median of %zu runs", res->runs);
	fprintf(out, ": %s (%zu exceeded, %zu missing).\n\n",
		budget_failed(res) ? "FAILED" : "kept", res->exceeded,
		res->missing);
	fprintf(out, "  %-*s  %12s  %12s  verdict\n", width, "rule", "measured",
		"limit");
	for (size_t i = 0; i < res->n; i++)
		text_row(out, &res->row[i], width);
	if (fflush(out))
		return error("cannot write the report");
	return 0;
}

static void json_row(struct json_writer *w, const struct budget_row *row)
{
	static const char *const scopes[] = { "program", "zone", "function",
					      "site" };
	static const char *const units[] = { "count", "bytes", "ns" };
	const struct budget_rule *r = row->rule;

	json_object_begin(w);
	json_key(w, "rule");
	json_string(w, r->text);
	json_key(w, "line");
	json_u64(w, r->line);
	json_key(w, "scope");
	json_string(w, scopes[r->scope]);
	json_key(w, "where");
	json_string(w, r->name ? r->name : "");
	json_key(w, "metric");
	json_string(w, r->metric_name);
	json_key(w, "unit");
	json_string(w, units[r->unit]);
	json_key(w, "measured");
	if (isnan(row->measured))
		json_null(w);
	else
		json_double(w, row->measured);
	json_key(w, "limit");
	json_double(w, r->limit);
	json_key(w, "runs");
	json_u64(w, row->runs);
	json_key(w, "verdict");
	json_string(w, budget_verdict_name(row->verdict));
	json_object_end(w);
}

int render_budget_json(const struct budget_result *res, FILE *out)
{
	struct json_writer w;

	json_writer_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "budget");
	json_string(&w, res->budget->file);
	json_key(&w, "runs");
	json_u64(&w, res->runs);
	json_key(&w, "verdict");
	json_string(&w, budget_failed(res) ? "failed" : "ok");
	json_key(&w, "exceeded");
	json_u64(&w, res->exceeded);
	json_key(&w, "missing");
	json_u64(&w, res->missing);
	json_key(&w, "rules");
	json_array_begin(&w);
	for (size_t i = 0; i < res->n; i++)
		json_row(&w, &res->row[i]);
	json_array_end(&w);
	json_object_end(&w);
	return json_writer_finish(&w);
}
