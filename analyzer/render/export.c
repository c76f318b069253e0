/* export.c - building the export renderers' input (see export.h). */
#include <stdlib.h>
#include <string.h>

#include "export.h"

static uint32_t oom(void)
{
	fputs("perfanalyze: out of memory\n", stderr);
	return 0;
}

/* Grow *pp (an array of elements of size) to hold need; zero-fills. */
static int grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;

	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 16;

	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);

	if (!q)
		return -1;
	memset((char *)q + *cap * size, 0, (c - *cap) * size);
	*p = q;
	*cap = c;
	return 0;
}

void export_init(struct export_profile *p)
{
	memset(p, 0, sizeof(*p));
}

void export_release(struct export_profile *p)
{
	for (size_t i = 0; i < p->nstrings; i++)
		free(p->strings[i]);
	free(p->strings);
	free(p->string_ix);
	free(p->functions);
	for (size_t i = 0; i < p->nlocations; i++)
		free(p->locations[i].lines);
	free(p->locations);
	free(p->mappings);
	free(p->types);
	for (size_t i = 0; i < p->nsamples; i++) {
		free(p->samples[i].locs);
		free(p->samples[i].values);
	}
	free(p->samples);
	free(p->threads);
	for (size_t i = 0; i < p->ncounters; i++)
		free(p->counters[i].p);
	free(p->counters);
	free(p->markers);
	free(p->calls);
	export_init(p);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

/* Rebuild the string index at twice the size. */
static int string_rehash(struct export_profile *p)
{
	size_t cap = p->string_ixcap ? 2 * p->string_ixcap : 256;
	uint32_t *ix = calloc(cap, sizeof(*ix));

	if (!ix)
		return -1;
	for (size_t i = 0; i < p->nstrings; i++) {
		size_t j = str_hash(p->strings[i]) & (cap - 1);

		while (ix[j])
			j = (j + 1) & (cap - 1);
		ix[j] = (uint32_t)i + 1;
	}
	free(p->string_ix);
	p->string_ix = ix;
	p->string_ixcap = cap;
	return 0;
}

/* Append s as a new string; its id, or 0. */
static uint32_t string_push(struct export_profile *p, const char *s)
{
	char *copy = strdup(s);

	if (!copy || grow(&p->strings, &p->capstrings, p->nstrings + 1,
			  sizeof(*p->strings))) {
		free(copy);
		return oom();
	}
	p->strings[p->nstrings] = copy;
	return (uint32_t)p->nstrings++;
}

uint32_t export_string(struct export_profile *p, const char *s)
{
	/* String 0 is "", as profile.proto requires. */
	if (!p->nstrings) {
		string_push(p, "");
		if (!p->nstrings)
			return 0;
	}
	if (!s || !*s)
		return 0;
	if ((p->nstrings + 1) * 2 > p->string_ixcap && string_rehash(p))
		return oom();
	size_t mask = p->string_ixcap - 1, j = str_hash(s) & mask;

	for (; p->string_ix[j]; j = (j + 1) & mask)
		if (!strcmp(p->strings[p->string_ix[j] - 1], s))
			return p->string_ix[j] - 1;
	uint32_t id = string_push(p, s);

	if (id)
		p->string_ix[j] = id + 1;
	return id;
}

uint32_t export_function_add(struct export_profile *p,
			     const struct export_function *f)
{
	if (grow(&p->functions, &p->capfunctions, p->nfunctions + 1,
		 sizeof(*f)))
		return oom();
	p->functions[p->nfunctions] = *f;
	return (uint32_t)++p->nfunctions;
}

uint32_t export_location_add(struct export_profile *p, uint64_t address,
			     uint32_t mapping, const struct export_line *lines,
			     size_t nlines)
{
	struct export_line *copy = NULL;

	if (nlines && !(copy = malloc(nlines * sizeof(*copy))))
		return oom();
	if (grow(&p->locations, &p->caplocations, p->nlocations + 1,
		 sizeof(*p->locations))) {
		free(copy);
		return oom();
	}
	if (nlines)
		memcpy(copy, lines, nlines * sizeof(*copy));
	p->locations[p->nlocations] = (struct export_location){
		.address = address,
		.mapping = mapping,
		.nlines = nlines,
		.lines = copy,
	};
	return (uint32_t)++p->nlocations;
}

uint32_t export_mapping_add(struct export_profile *p,
			    const struct export_mapping *m)
{
	if (grow(&p->mappings, &p->capmappings, p->nmappings + 1, sizeof(*m)))
		return oom();
	p->mappings[p->nmappings] = *m;
	return (uint32_t)++p->nmappings;
}

uint32_t export_type_add(struct export_profile *p, const char *type,
			 const char *unit)
{
	struct export_value_type t = { export_string(p, type),
				       export_string(p, unit) };

	if (!t.type || !t.unit ||
	    grow(&p->types, &p->captypes, p->ntypes + 1, sizeof(t)))
		return oom();
	p->types[p->ntypes] = t;
	return (uint32_t)++p->ntypes;
}

int export_type_index(const struct export_profile *p, const char *type)
{
	for (size_t i = 0; i < p->ntypes; i++)
		if (!strcmp(p->strings[p->types[i].type], type))
			return (int)i;
	return -1;
}

uint32_t export_sample_add(struct export_profile *p, const uint32_t *locs,
			   size_t nlocs, const int64_t *values, uint32_t thread)
{
	uint32_t *l = malloc((nlocs ? nlocs : 1) * sizeof(*l));
	int64_t *v = malloc((p->ntypes ? p->ntypes : 1) * sizeof(*v));

	if (!l || !v ||
	    grow(&p->samples, &p->capsamples, p->nsamples + 1,
		 sizeof(*p->samples))) {
		free(l);
		free(v);
		return oom();
	}
	if (nlocs)
		memcpy(l, locs, nlocs * sizeof(*l));
	if (p->ntypes)
		memcpy(v, values, p->ntypes * sizeof(*v));
	p->samples[p->nsamples] = (struct export_sample){
		.nlocs = nlocs, .locs = l, .values = v, .thread = thread
	};
	return (uint32_t)++p->nsamples;
}

uint32_t export_thread_set(struct export_profile *p, uint32_t index,
			   uint64_t tid, const char *name)
{
	uint32_t n = name ? export_string(p, name) : 0;

	if (grow(&p->threads, &p->capthreads, (size_t)index + 1,
		 sizeof(*p->threads)))
		return oom();
	if (p->nthreads <= index)
		p->nthreads = (size_t)index + 1;
	p->threads[index].tid = tid;
	if (n)
		p->threads[index].name = n;
	return index + 1;
}

uint32_t export_counter_add(struct export_profile *p, const char *name)
{
	uint32_t n = export_string(p, name);

	if (!n || grow(&p->counters, &p->capcounters, p->ncounters + 1,
		       sizeof(*p->counters)))
		return oom();
	p->counters[p->ncounters].name = n;
	return (uint32_t)++p->ncounters;
}

uint32_t export_point_add(struct export_profile *p, uint32_t c, uint64_t ts_ns,
			  int64_t value)
{
	struct export_counter *k = &p->counters[c - 1];

	if (grow(&k->p, &k->cap, k->n + 1, sizeof(*k->p)))
		return oom();
	k->p[k->n++] = (struct export_point){ ts_ns, value };
	return c;
}

uint32_t export_marker_add(struct export_profile *p, uint64_t ts_ns,
			   uint32_t thread, const char *name)
{
	uint32_t n = export_string(p, name);

	if (grow(&p->markers, &p->capmarkers, p->nmarkers + 1,
		 sizeof(*p->markers)))
		return oom();
	p->markers[p->nmarkers] = (struct export_marker){ ts_ns, thread, n };
	return (uint32_t)++p->nmarkers;
}

uint32_t export_call_add(struct export_profile *p, uint64_t start_ns,
			 uint64_t dur_ns, uint32_t thread, uint32_t function)
{
	if (grow(&p->calls, &p->capcalls, p->ncalls + 1, sizeof(*p->calls)))
		return oom();
	p->calls[p->ncalls] =
		(struct export_call){ start_ns, dur_ns, thread, function };
	return (uint32_t)++p->ncalls;
}

/* q's string id as one of p's. */
static uint32_t restring(struct export_profile *p,
			 const struct export_profile *q, uint32_t id)
{
	return id && id < q->nstrings ? export_string(p, q->strings[id]) : 0;
}

/* q's functions and mappings into p: ids shift by p's counts before. */
static int merge_defs(struct export_profile *p, const struct export_profile *q)
{
	for (size_t i = 0; i < q->nfunctions; i++) {
		const struct export_function *f = &q->functions[i];
		struct export_function g = { restring(p, q, f->name),
					     restring(p, q, f->system_name),
					     restring(p, q, f->file),
					     f->start_line };

		if (!export_function_add(p, &g))
			return -1;
	}
	for (size_t i = 0; i < q->nmappings; i++) {
		struct export_mapping m = q->mappings[i];

		m.file = restring(p, q, m.file);
		m.build_id = restring(p, q, m.build_id);
		if (!export_mapping_add(p, &m))
			return -1;
	}
	return 0;
}

/* q's locations, then its samples, with ids past those p had. */
static int merge_samples(struct export_profile *p,
			 const struct export_profile *q, uint32_t fbase,
			 uint32_t mbase, uint32_t tbase)
{
	uint32_t lbase = (uint32_t)p->nlocations;

	for (size_t i = 0; i < q->nlocations; i++) {
		const struct export_location *l = &q->locations[i];
		struct export_line *lines =
			malloc((l->nlines ? l->nlines : 1) * sizeof(*lines));

		if (!lines) {
			oom();
			return -1;
		}
		for (size_t k = 0; k < l->nlines; k++)
			lines[k] = (struct export_line){
				l->lines[k].function + fbase, l->lines[k].line
			};
		uint32_t id = export_location_add(
			p, l->address, l->mapping ? l->mapping + mbase : 0,
			lines, l->nlines);

		free(lines);
		if (!id)
			return -1;
	}
	for (size_t i = 0; i < q->nsamples; i++) {
		const struct export_sample *s = &q->samples[i];
		uint32_t *locs =
			malloc((s->nlocs ? s->nlocs : 1) * sizeof(*locs));

		if (!locs) {
			oom();
			return -1;
		}
		for (size_t k = 0; k < s->nlocs; k++)
			locs[k] = s->locs[k] + lbase;
		uint32_t id =
			export_sample_add(p, locs, s->nlocs, s->values,
					  s->thread ? s->thread + tbase : 0);

		free(locs);
		if (!id)
			return -1;
	}
	return 0;
}

int export_merge(struct export_profile *p, const struct export_profile *q)
{
	uint32_t fbase = (uint32_t)p->nfunctions;
	uint32_t mbase = (uint32_t)p->nmappings;
	uint32_t tbase = (uint32_t)p->nthreads;

	if (!p->ntypes) {
		for (size_t t = 0; t < q->ntypes; t++)
			if (!export_type_add(p, q->strings[q->types[t].type],
					     q->strings[q->types[t].unit]))
				return -1;
		p->period_type.type = restring(p, q, q->period_type.type);
		p->period_type.unit = restring(p, q, q->period_type.unit);
		p->period = q->period;
		p->default_type = restring(p, q, q->default_type);
		p->name = restring(p, q, q->name);
		p->pid = q->pid;
		p->time_ns = q->time_ns;
	}
	int same = p->ntypes == q->ntypes;

	for (size_t t = 0; same && t < q->ntypes; t++)
		same = !strcmp(p->strings[p->types[t].type],
			       q->strings[q->types[t].type]);
	if (!same) {
		fputs("perfanalyze: runs with different sample types cannot "
		      "merge\n",
		      stderr);
		return -1;
	}
	p->duration_ns += q->duration_ns;
	for (size_t i = 0; i < q->nthreads; i++)
		if (!export_thread_set(
			    p, tbase + (uint32_t)i, q->threads[i].tid,
			    q->threads[i].name ? q->strings[q->threads[i].name]
					       : NULL))
			return -1;
	if (merge_defs(p, q))
		return -1;
	return merge_samples(p, q, fbase, mbase, tbase);
}
