/* leaks.c - the leak report: unfreed memory by allocation stack, largest first. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "frames.h"
#include "leaks.h"
#include "perfshim_trace.h"

#define MAX_FRAMES 512

static const char *const kind_names[LEAK_KINDS] = { "definite", "indirect",
						    "possible", "reachable",
						    "unclassified" };

struct group {
	uint32_t stack;
	int kind;
	int via; /* 1 + the rule of the suppressed leak it is lost through */
	uint64_t bytes, blocks;
};

/* The stacks a suppression matched, sorted by stack, with the rule. */
struct supp_stack {
	uint32_t stack;
	int rule;
};

static int by_size(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->blocks != y->blocks)
		return x->blocks < y->blocks ? 1 : -1;
	if (x->stack != y->stack)
		return x->stack < y->stack ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->via - y->via;
}

static int by_stack(const void *a, const void *b)
{
	const struct supp_stack *x = a, *y = b;

	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

static int stack_rule(const struct supp_stack *ss, size_t n, uint32_t stack)
{
	const struct supp_stack key = { stack, 0 };
	const struct supp_stack *s =
		n ? bsearch(&key, ss, n, sizeof(*ss), by_stack) : NULL;

	return s ? s->rule : -1;
}

/*
 * The rule of the suppressed leak that indirect block b is lost through
 * (LeakSanitizer: a suppressed leak takes its indirect children with
 * it), or -1: none, or b's own stack is suppressed (its own rule counts).
 */
static int via_rule(const struct replay *rp, const struct classify *cls,
		    const struct supp_stack *ss, size_t n,
		    const struct live_block *b)
{
	if (!n || stack_rule(ss, n, b->stack) >= 0)
		return -1;
	const struct live_block *h = replay_find(rp, classify_head(cls, b));

	return h ? stack_rule(ss, n, h->stack) : -1;
}

int leak_kinds_parse(const char *list, unsigned *mask)
{
	const char *s = list;

	*mask = 0;
	if (!strcmp(list, "all")) {
		*mask = (1u << LEAK_KINDS) - 1;
		return 0;
	}
	while (*s) {
		size_t n = strcspn(s, ",");
		int k;

		for (k = 0; k < LEAK_KINDS; k++)
			if (strlen(kind_names[k]) == n &&
			    !strncmp(s, kind_names[k], n))
				break;
		if (k == LEAK_KINDS)
			return -1;
		*mask |= 1u << k;
		s += n;
		if (*s == ',' && *++s == 0)
			return -1;
	}
	return *mask ? 0 : -1;
}

/*
 * Group live blocks by stack and kind: a small hash from (stack, kind) to
 * group.
 */
static struct group *group_live(const struct replay *rp,
				const struct classify *cls,
				const struct supp_stack *ss, size_t nss,
				size_t *ngroups)
{
	size_t cap = 1024, n = 0;
	struct group *g;

	while (cap < rp->live_count * 2 + 2)
		cap *= 2;
	g = calloc(cap, sizeof(*g));
	if (!g)
		return NULL;
	for (size_t i = 0; i < cap; i++)
		g[i].stack = UINT32_MAX;
	for (size_t i = 0; i < rp->live_cap; i++) {
		const struct live_block *b = &rp->live[i];

		if (!b->addr)
			continue;
		int kind = classify_kind(cls, b);
		int via = kind == LEAK_INDIRECT
				  ? via_rule(rp, cls, ss, nss, b) + 1
				  : 0;
		size_t s = ((b->stack * 8u + (unsigned)kind) * 2654435761u +
			    (unsigned)via) &
			   (cap - 1);

		while (g[s].stack != UINT32_MAX &&
		       (g[s].stack != b->stack || g[s].kind != kind ||
			g[s].via != via))
			s = (s + 1) & (cap - 1);
		if (g[s].stack == UINT32_MAX) {
			g[s].stack = b->stack;
			g[s].kind = kind;
			g[s].via = via;
			n++;
		}
		g[s].bytes += b->size;
		g[s].blocks++;
	}
	/* Compact and sort. */
	size_t k = 0;

	for (size_t i = 0; i < cap; i++)
		if (g[i].stack != UINT32_MAX)
			g[k++] = g[i];
	qsort(g, k, sizeof(*g), by_size);
	*ngroups = n;
	return g;
}

/*
 * Only the runtime frames between the allocator and the program's first
 * frame are looked at: a program that leaks through strdup() or fopen()
 * is still reported, since those are not on this list.
 */
const char *leaks_runtime_owned(const struct sym_frame *f, size_t n)
{
	static const struct {
		const char *function, *what;
	} caches[] = {
		{ "_IO_file_doallocate", "stdio buffers" },
		{ "setlocale", "locale data" },
		{ "_nl_find_locale", "locale data" },
		{ "_nl_load_locale", "locale data" },
		/* thread control blocks of the stacks glibc caches for reuse */
		{ "_dl_allocate_tls", "thread stacks cached for reuse" },
		/* the loader's table of loaded objects (dlopen) */
		{ "_dlfo_mappings_segment_allocate", "the loader's tables" },
	};
	size_t i;

	for (i = 0; i < n && frames_runtime_module(f[i].module); i++)
		for (size_t c = 0; c < sizeof(caches) / sizeof(caches[0]); c++)
			if (strstr(f[i].function, caches[c].function))
				return caches[c].what;
	/* No program frame, and the stack ends in the loader running the
	 * runtime's constructors: a truncated stack does not qualify. */
	if (n && i == n && !strncmp(f[n - 1].module, "ld-linux", 8))
		return "the runtime's start-up (no program frame)";
	return NULL;
}

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
		fprintf(out, "Kinds: the trace has no scan results (the "
			     "program was killed by SIGKILL, replaced by exec, "
			     "or ran with PERFSHIM_SCAN=0): every block is "
			     "unclassified.\n");
		return;
	}
	if (c->last_flags & PERFSHIM_SCAN_MISSED_THREADS)
		fprintf(out,
			"Kinds: %" PRIu64 " %s did not stop for the last scan; "
			"%s scanned whole, without registers.\n",
			c->missed_threads,
			plural(c->missed_threads, "thread", "threads"),
			plural(c->missed_threads, "its stack was",
			       "their stacks were"));
	if (c->last_flags & PERFSHIM_SCAN_PARTIAL)
		fprintf(out, "Kinds: the last scan missed some allocations "
			     "(events it could not read); its verdicts may be "
			     "incomplete.\n");
}

/*
 * The stacks of groups g[0..n) that a suppression matches (the runtime's
 * own left out, as the report leaves them out), sorted; *nss of them.
 * Returns NULL with *nss 0 when there are none, or on no memory (then
 * children are not suppressed with their leaks: said once).
 */
static struct supp_stack *
suppressed_stacks(const struct replay *rp, struct symbols *sym,
		  const struct leak_options *opt, const struct group *g,
		  size_t n, struct sym_frame *frames, size_t *nss)
{
	struct supp_stack *ss = calloc(n ? n : 1, sizeof(*ss));

	*nss = 0;
	if (!ss) {
		fprintf(stderr, "perfanalyze: out of memory\n");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (i && g[i].stack == g[i - 1].stack)
			continue; /* the same stack's other kind: the same rule */
		size_t nf = frames_of_stack(rp, sym, g[i].stack, frames,
					    MAX_FRAMES);
		int s = suppressions_match(opt->supp, frames, nf);

		if (s >= 0 &&
		    (opt->show_runtime || !leaks_runtime_owned(frames, nf)))
			ss[(*nss)++] = (struct supp_stack){ g[i].stack, s };
	}
	qsort(ss, *nss, sizeof(*ss), by_stack);
	return ss;
}

/*
 * Group the live blocks; with suppressions and a scan's heads, again so
 * that indirect blocks lost only through a suppressed leak are groups of
 * their own (via), suppressed with it.
 */
static struct group *group_all(const struct replay *rp, struct symbols *sym,
			       const struct leak_options *opt,
			       struct sym_frame *frames, size_t *ngroups)
{
	struct group *g = group_live(rp, opt->cls, NULL, 0, ngroups);
	size_t nss = 0;

	if (!g || !opt->supp || !opt->cls)
		return g;
	struct supp_stack *ss =
		suppressed_stacks(rp, sym, opt, g, *ngroups, frames, &nss);

	if (nss) {
		struct group *again =
			group_live(rp, opt->cls, ss, nss, ngroups);

		free(g);
		g = again;
	}
	free(ss);
	return g;
}

int leaks_report(const struct replay *rp, struct symbols *sym,
		 const struct leak_options *opt, FILE *out,
		 struct leak_totals *t)
{
	size_t ngroups = 0;
	unsigned kinds = opt->kinds ? opt->kinds : (1u << LEAK_KINDS) - 1;
	struct sym_frame *frames = calloc(MAX_FRAMES, sizeof(*frames));
	struct group *g =
		frames ? group_all(rp, sym, opt, frames, &ngroups) : NULL;
	struct json_writer w;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!g || !frames) {
		free(g);
		free(frames);
		fprintf(stderr, "perfanalyze: out of memory\n");
		return -1;
	}
	if (opt->json) {
		json_writer_init(&w, out);
		json_object_begin(&w);
		json_key(&w, "complete");
		json_bool(&w, opt->complete);
		json_key(&w, "leaks");
		json_array_begin(&w);
	}
	for (size_t i = 0; i < ngroups; i++) {
		if (!(kinds & (1u << g[i].kind)))
			continue;
		size_t n = frames_of_stack(rp, sym, g[i].stack, frames,
					   MAX_FRAMES);

		if (!opt->show_runtime && leaks_runtime_owned(frames, n)) {
			t->rt_groups++;
			t->rt_bytes += g[i].bytes;
			t->rt_blocks += g[i].blocks;
			continue;
		}
		if (opt->supp) {
			int s = g[i].via ? g[i].via - 1
					 : suppressions_match(opt->supp, frames,
							      n);

			if (s >= 0) {
				suppressions_count(opt->supp, s, g[i].bytes,
						   g[i].blocks);
				t->supp_bytes += g[i].bytes;
				t->supp_blocks += g[i].blocks;
				continue;
			}
		}
		if (g[i].bytes < opt->min_bytes) {
			t->small_groups++;
			t->small_bytes += g[i].bytes;
			t->small_blocks += g[i].blocks;
			continue;
		}
		t->groups++;
		if (opt->gate_kinds & (1u << g[i].kind))
			t->gate_groups++;
		t->bytes[g[i].kind] += g[i].bytes;
		t->blocks[g[i].kind] += g[i].blocks;
		if (opt->json) {
			json_object_begin(&w);
			json_key(&w, "kind");
			json_string(&w, kind_names[g[i].kind]);
			json_key(&w, "bytes");
			json_u64(&w, g[i].bytes);
			json_key(&w, "blocks");
			json_u64(&w, g[i].blocks);
			frames_json(&w, frames, n);
			json_object_end(&w);
		} else {
			fprintf(out,
				"%" PRIu64 " %s in %" PRIu64 " %s (%s) "
				"allocated at:\n",
				g[i].bytes, plural(g[i].bytes, "byte", "bytes"),
				g[i].blocks,
				plural(g[i].blocks, "block", "blocks"),
				kind_names[g[i].kind]);
			frames_text(out, frames, n);
			fputc('\n', out);
		}
	}
	if (opt->json) {
		json_array_end(&w);
		json_key(&w, "summary");
		json_object_begin(&w);
		for (int k = 0; k < LEAK_KINDS; k++) {
			json_key(&w, kind_names[k]);
			json_object_begin(&w);
			json_key(&w, "bytes");
			json_u64(&w, t->bytes[k]);
			json_key(&w, "blocks");
			json_u64(&w, t->blocks[k]);
			json_object_end(&w);
		}
		json_object_end(&w);
		json_object_end(&w);
		rc = json_writer_finish(&w);
	} else {
		uint64_t bytes = 0, blocks = 0;

		for (int k = 0; k < LEAK_KINDS; k++) {
			bytes += t->bytes[k];
			blocks += t->blocks[k];
		}
		if (!t->groups)
			fprintf(out, "No leaks: nothing left allocated at exit "
				     "that is not suppressed.\n");
		fprintf(out,
			"Total: %" PRIu64 " bytes in %" PRIu64
			" %s from %" PRIu64 " allocation %s.\n",
			bytes, blocks, plural(blocks, "block", "blocks"),
			t->groups, plural(t->groups, "site", "sites"));
		if (t->groups) {
			const char *sep = "By kind:";

			for (int k = 0; k < LEAK_KINDS; k++) {
				if (!t->blocks[k])
					continue;
				fprintf(out,
					"%s %s %" PRIu64 " %s in %" PRIu64 " %"
					"s",
					sep, kind_names[k], t->bytes[k],
					plural(t->bytes[k], "byte", "bytes"),
					t->blocks[k],
					plural(t->blocks[k], "block",
					       "blocks"));
				sep = ",";
			}
			fputs(".\n", out);
		}
		if (t->groups)
			scan_note(out, opt->cls);
		if (t->rt_groups)
			fprintf(out,
				"Not shown: %" PRIu64 " bytes in %" PRIu64
				" %s the C/C++ runtime keeps until exit "
				"(stdio buffers, locale data, cached thread "
				"stacks, its start-up); "
				"--show-runtime shows them.\n",
				t->rt_bytes, t->rt_blocks,
				plural(t->rt_blocks, "block", "blocks"));
		if (t->small_groups)
			fprintf(out,
				"Not shown: %" PRIu64 " bytes in %" PRIu64
				" blocks from %" PRIu64 " sites below "
				"--min-bytes.\n",
				t->small_bytes, t->small_blocks,
				t->small_groups);
		if (opt->supp) {
			for (size_t s = 0; s < opt->supp->nr; s++) {
				const struct suppression *r =
					&opt->supp->rule[s];

				fprintf(out,
					"Suppression leak:%s matched %" PRIu64
					" %s, %" PRIu64 " bytes in %" PRIu64
					" blocks.\n",
					r->pattern, r->groups,
					plural(r->groups, "site", "sites"),
					r->bytes, r->blocks);
			}
		}
		if (fflush(out))
			rc = -1;
	}
	free(g);
	free(frames);
	return rc;
}
