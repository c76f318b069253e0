/* baseline.c - the leak gate against a baseline's leak sites (baseline.h). */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "classify.h"
#include "error.h"
#include "gate.h"
#include "metrics.h"
#include "reader.h"
#include "replay.h"
#include "symbols.h"
#include "tee.h"

void leak_baseline_init(struct leak_baseline *b)
{
	memset(b, 0, sizeof(*b));
	hashtab_init(&b->ix);
}

void leak_baseline_release(struct leak_baseline *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->site[i].function);
	free(b->site);
	hashtab_release(&b->ix);
	leak_baseline_init(b);
}

static int site_eq(const void *ctx, size_t i)
{
	const struct baseline_site *s = ((const void *const *)ctx)[0];
	const char *function = ((const void *const *)ctx)[1];

	return !strcmp(s[i].function, function);
}

static const struct baseline_site *site_find(const struct leak_baseline *b,
					     const char *function)
{
	const void *ctx[2] = { b->site, function };
	size_t i = hashtab_find(&b->ix, hash_str(function, HASH_STR_SEED),
				site_eq, ctx);

	return i == HASHTAB_NONE ? NULL : &b->site[i];
}

/* The site of function, with no bytes when new. */
static struct baseline_site *site_get(struct leak_baseline *b,
				      const char *function)
{
	const void *ctx[2] = { b->site, function };
	size_t i = hashtab_put(&b->ix, hash_str(function, HASH_STR_SEED),
			       site_eq, ctx, b->n);

	if (i == b->n) {
		XGROW(b->site, b->cap, b->n + 1);
		b->site[b->n++] =
			(struct baseline_site){ xstrdup(function), 0 };
	}
	return &b->site[i];
}

/* The name a group's site is matched by: as the metric set names sites. */
static const char *site_name(const struct leak_group *g)
{
	return metrics_site_where(g->frames, g->nframes);
}

/*
 * Add one run's leak groups to b: summed by site within the run, then
 * the largest over the runs.
 */
static void add_run(struct leak_baseline *b, const struct leak_result *res)
{
	size_t *at = xcalloc(res->ngroups + 1, sizeof(*at));
	uint64_t *sum;

	for (size_t i = 0; i < res->ngroups; i++)
		at[i] = (size_t)(site_get(b, site_name(&res->group[i])) -
				 b->site);
	sum = xcalloc(b->n + 1, sizeof(*sum));
	for (size_t i = 0; i < res->ngroups; i++)
		sum[at[i]] += res->group[i].bytes;
	for (size_t i = 0; i < b->n; i++)
		if (sum[i] > b->site[i].bytes)
			b->site[i].bytes = sum[i];
	free(sum);
	free(at);
	b->runs++;
}

/* Add the leak groups of one run (replayed into rp, cls) to b. */
static int collect_run(struct leak_baseline *b, const struct replay *rp,
		       const struct classify *cls)
{
	struct leak_options opt = { .show_runtime = 1, .cls = cls };
	struct symbols *sym = symbols_new();
	struct leak_result res;

	if (!sym)
		return error("out of memory");
	leaks_collect(rp, sym, &opt, &res);
	add_run(b, &res);
	leak_result_release(&res);
	symbols_free(sym);
	return 0;
}

/* Add the run of the trace at path to b. */
static int add_trace(struct leak_baseline *b, const char *path,
		     int allow_incomplete)
{
	struct trace_reader *r = trace_reader_open(path);
	struct trace_visitor v[2];
	struct visitor_tee tee;
	struct replay rp;
	struct classify cls;
	const char *why;
	int rc = -1;

	if (!r)
		return -1;
	replay_init(&rp);
	classify_init(&cls, r);
	visitor_tee_init(&tee);
	replay_visitor(&rp, &v[0]);
	visitor_tee_add(&tee, &v[0]);
	classify_visitor(&cls, &v[1]);
	visitor_tee_add(&tee, &v[1]);
	if (trace_reader_run(r, &tee.out))
		goto cleanup;
	if ((why = gate_incomplete(r)) && !allow_incomplete) {
		error("baseline %s: %s: what it left allocated is no baseline; --allow-incomplete to use it anyway",
		      path, why);
		goto cleanup;
	}
	rc = collect_run(b, &rp, &cls);
cleanup:
	classify_release(&cls);
	replay_release(&rp);
	trace_reader_free(r);
	return rc;
}

int leak_baseline_load(struct leak_baseline *b, const char *arg,
		       int allow_incomplete)
{
	char *const args[1] = { (char *)arg };
	struct run_paths runs;
	int rc = 0;

	if (runs_expand(args, 1, &runs))
		return -1;
	for (size_t i = 0; i < runs.n && !rc; i++)
		rc = add_trace(b, runs.path[i], allow_incomplete);
	run_paths_release(&runs);
	return rc;
}

/* Whether a known site's bytes now are clearly more than its baseline's. */
static int grown(uint64_t now, uint64_t base, uint64_t min_bytes)
{
	return now > base && now / 2 >= base && now - base >= min_bytes;
}

/*
 * Each group's site_bytes (the bytes of all the groups of its site) and
 * site_first (whether it is its site's first group).
 */
static void site_totals(struct leak_result *res)
{
	struct leak_baseline sums;
	size_t *at = xcalloc(res->ngroups + 1, sizeof(*at));

	leak_baseline_init(&sums);
	for (size_t i = 0; i < res->ngroups; i++) {
		struct leak_group *g = &res->group[i];
		size_t before = sums.n;

		at[i] = (size_t)(site_get(&sums, site_name(g)) - sums.site);
		sums.site[at[i]].bytes += g->bytes;
		g->site_first = sums.n > before;
	}
	for (size_t i = 0; i < res->ngroups; i++)
		res->group[i].site_bytes = sums.site[at[i]].bytes;
	leak_baseline_release(&sums);
	free(at);
}

void leak_baseline_judge(const struct leak_baseline *b, uint64_t min_bytes,
			 unsigned gate_kinds, struct leak_result *res)
{
	site_totals(res);
	res->baseline = 1;
	res->totals.gate_groups = 0;
	res->totals.gate_bytes = 0; /* the gate's line counts what fails */
	res->totals.gate_blocks = 0;
	for (size_t i = 0; i < res->ngroups; i++) {
		struct leak_group *g = &res->group[i];
		const struct baseline_site *s = site_find(b, site_name(g));

		g->base_bytes = s ? s->bytes : 0;
		g->baseline = !s ? LEAK_BASE_NEW
			      : grown(g->site_bytes, s->bytes, min_bytes)
				      ? LEAK_BASE_GROWN
				      : LEAK_BASE_KNOWN;
		if (g->site_first)
			res->base_sites[g->baseline]++;
		if (g->baseline != LEAK_BASE_KNOWN &&
		    (gate_kinds & (1u << g->kind))) {
			res->totals.gate_groups++;
			res->totals.gate_bytes += g->bytes;
			res->totals.gate_blocks += g->blocks;
		}
	}
}
