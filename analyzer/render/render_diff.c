/* render_diff.c - the verdict of perfanalyze diff, as text and as JSON. */
#include <math.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "render.h"

static const char *change_text(const struct diff_row *d, char *buf, size_t len)
{
	if (d->verdict == DIFF_NEW)
		return "new";
	if (d->verdict == DIFF_GONE ||
	    (d->verdict == DIFF_IMPROVED && isnan(d->new)))
		return "gone";
	if (isnan(d->change_pct))
		return isnan(d->base) ? "new" : "from 0";
	snprintf(buf, len, "%+.1f%%", d->change_pct);
	return buf;
}

static void verdict_line(const struct diff_result *r, FILE *out)
{
	static const enum diff_verdict told[] = {
		DIFF_REGRESSION, DIFF_WARNING,	    DIFF_IMPROVED, DIFF_NEW,
		DIFF_GONE,	 DIFF_INCONCLUSIVE, DIFF_CHANGED
	};
	const char *sep = "";

	fprintf(out, "diff: %s (", diff_verdict_name(r->verdict));
	for (size_t i = 0; i < sizeof(told) / sizeof(told[0]); i++) {
		if (!r->count[told[i]])
			continue;
		/* "2 regressions", "2 warnings"; "2 improved", "2 new". */
		fprintf(out, "%s%zu %s%s", sep, r->count[told[i]],
			diff_verdict_name(told[i]),
			r->count[told[i]] > 1 && told[i] >= DIFF_WARNING ? "s"
									 : "");
		sep = ", ";
	}
	fprintf(out,
		"%s%zu runs base, %zu runs new; warn %g%%, fail %g%%, alpha %g)\n",
		*sep ? "; " : "", r->runs_base, r->runs_new, r->opt.warn_pct,
		r->opt.fail_pct, r->opt.alpha);
}

int render_diff_text(const struct diff_result *r, size_t top, FILE *out)
{
	char w[300], b[64], n[64], c[64], p[64];
	size_t shown = 0, rest = 0;

	verdict_line(r, out);
	for (size_t i = 0; i < r->n; i++) {
		const struct diff_row *d = &r->row[i];

		if (d->verdict == DIFF_OK)
			continue;
		if (shown == top) {
			rest++;
			continue;
		}
		if (!shown++)
			fprintf(out, "\n%-14s %-30s %12s %12s %9s %8s  %s\n",
				"metric", "where", "base", "new", "change",
				"p-value", "verdict");
		fprintf(out, "%-14s %-30s %12s %12s %9s %8s  %s\n", d->name,
			render_metric_where(w, sizeof(w), d->scope, d->where),
			render_metric_value(b, sizeof(b), d->base, d->unit, 0),
			render_metric_value(n, sizeof(n), d->new, d->unit, 0),
			change_text(d, c, sizeof(c)),
			render_p_value(p, sizeof(p), d->p_value),
			diff_verdict_name(d->verdict));
	}
	if (rest)
		fprintf(out, "(%zu more changes: --top, or --json for all)\n",
			rest);
	if (fflush(out) || ferror(out))
		return error("cannot write the output");
	return 0;
}

static void row_json(struct json_writer *jw, const struct diff_row *d)
{
	json_object_begin(jw);
	json_key(jw, "name");
	json_string(jw, d->name);
	json_key(jw, "scope");
	json_string(jw, metric_scope_name(d->scope));
	json_key(jw, "where");
	json_string(jw, d->where);
	json_key(jw, "unit");
	json_string(jw, metric_unit_name(d->unit));
	json_key(jw, "base");
	json_double(jw, d->base);
	json_key(jw, "new");
	json_double(jw, d->new);
	json_key(jw, "change_pct");
	json_double(jw, d->change_pct);
	json_key(jw, "change_lo_pct");
	json_double(jw, d->change_lo_pct);
	json_key(jw, "change_hi_pct");
	json_double(jw, d->change_hi_pct);
	json_key(jw, "p_value");
	json_double(jw, d->p_value);
	json_key(jw, "verdict");
	json_string(jw, diff_verdict_name(d->verdict));
	json_object_end(jw);
}

int render_diff_json(const struct diff_result *r, FILE *out)
{
	struct json_writer jw;

	json_writer_init(&jw, out);
	json_object_begin(&jw);
	json_key(&jw, "verdict");
	json_string(&jw, diff_verdict_name(r->verdict));
	json_key(&jw, "runs_base");
	json_u64(&jw, r->runs_base);
	json_key(&jw, "runs_new");
	json_u64(&jw, r->runs_new);
	json_key(&jw, "program_base");
	json_string(&jw, r->exe_base);
	json_key(&jw, "program_new");
	json_string(&jw, r->exe_new);
	json_key(&jw, "warn_pct");
	json_double(&jw, r->opt.warn_pct);
	json_key(&jw, "fail_pct");
	json_double(&jw, r->opt.fail_pct);
	json_key(&jw, "alpha");
	json_double(&jw, r->opt.alpha);
	json_key(&jw, "metrics");
	json_array_begin(&jw);
	for (size_t i = 0; i < r->n; i++)
		row_json(&jw, &r->row[i]);
	json_array_end(&jw);
	json_object_end(&jw);
	return json_writer_finish(&jw);
}

int render_diff_changes_json(const struct diff_result *r, FILE *out)
{
	struct json_writer jw;

	json_writer_init(&jw, out);
	json_object_begin(&jw);
	json_key(&jw, "verdict");
	json_string(&jw, diff_verdict_name(r->verdict));
	json_key(&jw, "rows");
	json_array_begin(&jw);
	for (size_t i = 0; i < r->n; i++)
		if (r->row[i].verdict != DIFF_OK)
			row_json(&jw, &r->row[i]);
	json_array_end(&jw);
	json_object_end(&jw);
	return json_writer_finish(&jw);
}
