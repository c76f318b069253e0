/* leaks.c - the leak verdict: unfreed memory by allocation stack and kind. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "error.h"
#include "frames.h"
#include "hashtab.h"
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

static int by_size(const void *a, const void *b, void *ctx)
{
	(void)ctx;
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

static int group_eq(const void *ctx, size_t i)
{
	const struct group *g = ((const void *const *)ctx)[0];
	const struct group *key = ((const void *const *)ctx)[1];

	return g[i].stack == key->stack && g[i].kind == key->kind &&
	       g[i].via == key->via;
}

/*
 * Group live blocks by stack and kind (and, given the suppressed stacks
 * ss, by the suppressed leak an indirect block is lost through), largest
 * first.
 */
static struct group *group_live(const struct replay *rp,
				const struct classify *cls,
				const struct supp_stack *ss, size_t nss,
				size_t *ngroups)
{
	struct group *g = NULL;
	size_t n = 0, cap = 0;
	struct hashtab ix;

	hashtab_init(&ix);
	for (size_t i = 0; i < rp->live_cap; i++) {
		const struct live_block *b = &rp->live[i];

		if (!b->addr)
			continue;
		struct group key = { .stack = b->stack,
				     .kind = classify_kind(cls, b) };

		if (key.kind == LEAK_INDIRECT)
			key.via = via_rule(rp, cls, ss, nss, b) + 1;
		const void *ctx[2] = { g, &key };
		uint64_t h = (uint64_t)key.stack << 3 | (unsigned)key.kind;
		size_t k = hashtab_put(&ix, hash64(h ^ (uint64_t)key.via << 40),
				       group_eq, ctx, n);

		if (k == n) {
			XGROW(g, cap, n + 1);
			g[n++] = key;
		}
		g[k].bytes += b->size;
		g[k].blocks++;
	}
	hashtab_release(&ix);
	sort_r(g, n, sizeof(*g), by_size, NULL);
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
		/* libgcc_s, which glibc loads for good the first time a
		 * thread exits, is cancelled or a C++ exception leaves
		 * one of its functions (a callback's) */
		{ "__libc_unwind_link_get", "the unwinder glibc loads" },
		/* setenv's copies of "NAME=VALUE" and its tree of them,
		 * kept for good (glibc frees them only for memcheck) */
		{ "__add_to_environ", "the environment (setenv)" },
		/* a thread's block of a dlopen'ed library's __thread
		 * variables, kept with its DTV (as _dl_allocate_tls's) */
		{ "tls_get_addr_tail", "thread-local storage" },
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

/*
 * The stacks of groups g[0..n) that a suppression matches (the runtime's
 * own left out, as the report leaves them out), sorted; *nss of them.
 */
static struct supp_stack *
suppressed_stacks(const struct replay *rp, struct symbols *sym,
		  const struct leak_options *opt, const struct group *g,
		  size_t n, struct sym_frame *frames, size_t *nss)
{
	struct supp_stack *ss = xcalloc(n, sizeof(*ss));

	*nss = 0;
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

	if (!opt->supp || !opt->cls)
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

const char *leak_kind_name(int kind)
{
	return kind_names[kind];
}

/* Whether group g is reported, or else which total takes it. */
static int sift(const struct group *g, const struct sym_frame *frames, size_t n,
		const struct leak_options *opt, struct leak_totals *t)
{
	if (!opt->show_runtime && leaks_runtime_owned(frames, n)) {
		t->rt_groups++;
		t->rt_bytes += g->bytes;
		t->rt_blocks += g->blocks;
		return 0;
	}
	if (opt->supp) {
		int s = g->via ? g->via - 1
			       : suppressions_match(opt->supp, frames, n);

		if (s >= 0) {
			suppressions_count(opt->supp, s, g->bytes, g->blocks);
			t->supp_bytes += g->bytes;
			t->supp_blocks += g->blocks;
			return 0;
		}
	}
	if (g->bytes < opt->min_bytes) {
		t->small_groups++;
		t->small_bytes += g->bytes;
		t->small_blocks += g->blocks;
		return 0;
	}
	t->groups++;
	if (opt->gate_kinds & (1u << g->kind)) {
		t->gate_groups++;
		t->gate_bytes += g->bytes;
		t->gate_blocks += g->blocks;
	}
	t->bytes[g->kind] += g->bytes;
	t->blocks[g->kind] += g->blocks;
	return 1;
}

int leaks_collect(const struct replay *rp, struct symbols *sym,
		  const struct leak_options *opt, struct leak_result *res)
{
	size_t ngroups = 0;
	unsigned kinds = opt->kinds ? opt->kinds : (1u << LEAK_KINDS) - 1;
	struct sym_frame *frames = xcalloc(MAX_FRAMES, sizeof(*frames));
	struct group *g = group_all(rp, sym, opt, frames, &ngroups);
	size_t cap = 0;

	memset(res, 0, sizeof(*res));
	res->supp = opt->supp;
	res->complete = opt->complete;
	res->cls = opt->cls;
	for (size_t i = 0; i < ngroups; i++) {
		if (!(kinds & (1u << g[i].kind)))
			continue;
		size_t n = frames_of_stack(rp, sym, g[i].stack, frames,
					   MAX_FRAMES);

		if (!sift(&g[i], frames, n, opt, &res->totals))
			continue;
		XGROW(res->group, cap, res->ngroups + 1);
		struct leak_group *lg = &res->group[res->ngroups++];

		*lg = (struct leak_group){ .stack = g[i].stack,
					   .kind = g[i].kind,
					   .bytes = g[i].bytes,
					   .blocks = g[i].blocks,
					   .nframes = n };
		lg->frames = xcalloc(n, sizeof(*frames));
		memcpy(lg->frames, frames, n * sizeof(*frames));
		lg->id = site_id_of(lg->frames, n);
	}
	free(g);
	free(frames);
	return 0;
}

void leak_result_release(struct leak_result *res)
{
	for (size_t i = 0; i < res->ngroups; i++)
		free(res->group[i].frames);
	free(res->group);
	memset(res, 0, sizeof(*res));
}
