/* leaks.h - group unfreed blocks by allocation stack and report them. */
#ifndef PERFSHIM_LEAKS_H
#define PERFSHIM_LEAKS_H

#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "frames.h"
#include "replay.h"
#include "suppress.h"
#include "symbols.h"

/* The kinds of the JSON contract, in its order. */
enum leak_kind {
	LEAK_DEFINITE,
	LEAK_INDIRECT,
	LEAK_POSSIBLE,
	LEAK_REACHABLE,
	LEAK_UNCLASSIFIED,
	LEAK_KINDS
};

struct leak_options {
	uint64_t min_bytes; /* groups with fewer bytes are not reported */
	int json;
	struct suppressions *supp; /* may be NULL */
	int show_runtime; /* report what the C/C++ runtime keeps till exit */
	const struct classify *cls; /* the scan's verdicts; may be NULL */
	unsigned kinds;	     /* 1 << kind for each kind reported; 0: all */
	unsigned gate_kinds; /* the kinds the gate counts (of those reported) */
	int complete;	     /* the trace covers the run (JSON "complete") */
};

/* The gate's kinds unless --leak-kinds says otherwise. */
#define LEAK_GATE_DEFAULT                                                  \
	(1u << LEAK_DEFINITE | 1u << LEAK_INDIRECT | 1u << LEAK_POSSIBLE | \
	 1u << LEAK_UNCLASSIFIED)

/*
 * leak_kinds_parse - a --leak-kinds list (comma-separated kind names, or
 * "all") as a mask. Returns 0, or -1 on a word that is no kind.
 */
int leak_kinds_parse(const char *list, unsigned *mask);

struct leak_totals {
	uint64_t bytes[LEAK_KINDS], blocks[LEAK_KINDS];
	uint64_t groups;      /* reported */
	uint64_t gate_groups; /* reported, of a kind the gate counts */
	uint64_t gate_bytes, gate_blocks;		  /* those groups' */
	uint64_t supp_bytes, supp_blocks;		  /* suppressed */
	uint64_t small_bytes, small_blocks, small_groups; /* < min_bytes */
	uint64_t rt_bytes, rt_blocks, rt_groups; /* the runtime's own */
};

/*
 * leaks_runtime_owned - whether the stack (innermost first) allocated a
 * block that the C or C++ runtime itself keeps until the process ends:
 * a stdio buffer, locale data, libstdc++'s emergency exception pool, or
 * anything the runtime allocated with no frame of the program's on the
 * stack. Returns a short description, or NULL for the program's own.
 */
const char *leaks_runtime_owned(const struct sym_frame *f, size_t n);

/* leak_kind_name - "definite", ... "unclassified": the JSON contract's. */
const char *leak_kind_name(int kind);

/* A leak site against a baseline (--baseline; baseline.h). */
enum leak_base {
	LEAK_BASE_NEW,	 /* not in the baseline */
	LEAK_BASE_KNOWN, /* in the baseline, not clearly more */
	LEAK_BASE_GROWN, /* in the baseline, and clearly more: it fails */
	LEAK_BASES
};

/* One reported leak: the blocks of one allocation stack and kind. */
struct leak_group {
	uint32_t stack;
	int kind;
	uint64_t bytes, blocks;
	struct sym_frame *frames; /* innermost first; strings: the symbols' */
	size_t nframes;
	struct site_id id; /* the same in another build's model */
	/* Set only against a baseline (leak_result.baseline): */
	int baseline;	     /* enum leak_base, of its site */
	int site_first;	     /* the first group of its site */
	uint64_t site_bytes; /* the bytes of all its site's groups */
	uint64_t base_bytes; /* its site's in the baseline */
};

/* The leak verdict: what the report shows, and what it leaves out. */
struct leak_result {
	struct leak_group *group; /* largest first */
	size_t ngroups;
	struct leak_totals totals;
	int complete;			 /* the trace covers the run */
	const struct suppressions *supp; /* each rule's counts; may be NULL */
	const struct classify *cls;	 /* what the kinds rest on */
	int baseline;			 /* judged against a baseline */
	size_t base_sites[LEAK_BASES];	 /* sites by enum leak_base */
};

/*
 * leaks_collect - the leak verdict over rp's live blocks: group them by
 * stack and kind, symbolize through sym, and sift them as opt says
 * (kinds, the runtime's own, suppressions, which count what they match,
 * --min-bytes). Fills *res; prints nothing. The frames' strings live as
 * long as sym. Returns 0.
 */
int leaks_collect(const struct replay *rp, struct symbols *sym,
		  const struct leak_options *opt, struct leak_result *res);

/* leak_result_release - free what leaks_collect allocated. */
void leak_result_release(struct leak_result *res);

#endif
