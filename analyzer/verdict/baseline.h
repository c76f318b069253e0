/*
 * baseline.h - the leak gate against a baseline: what leaked in earlier
 * runs (the baseline) is known, and only what is new, or a known site
 * that leaks clearly more, fails the gate. A team adopts the gate on
 * legacy code today and stops new leaks from tomorrow.
 *
 * Sites are matched by the function they are named after in the metric
 * set (metrics_site_where: the program's innermost frame, past std::
 * templates), never by address or line, so that a rebuild of the
 * program still matches its baseline.
 */
#ifndef PERFSHIM_BASELINE_H
#define PERFSHIM_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"
#include "leaks.h"

/* One site of the baseline: the most it leaked in any of its runs. */
struct baseline_site {
	char *function;
	uint64_t bytes;
};

struct leak_baseline {
	struct baseline_site *site;
	size_t n, cap;
	struct hashtab ix; /* function -> site[] */
	size_t runs;
};

/* leak_baseline_init - an empty baseline; allocates nothing. */
void leak_baseline_init(struct leak_baseline *b);

/* leak_baseline_release - free b's sites; b is left empty. */
void leak_baseline_release(struct leak_baseline *b);

/*
 * leak_baseline_load - read the runs that arg names (a trace, or a
 * directory of traces: runs_expand) and add their leak sites to b: every
 * block left allocated at exit, of any kind, the runtime's own included,
 * no suppression and no --min-bytes applied (knowing more sites only
 * ever makes the gate more lenient). A site's bytes are its largest
 * total in any one run. A trace cut short is refused (it leaves
 * allocated what a finished run frees) unless allow_incomplete. Returns
 * 0, or -1 after printing one line.
 */
int leak_baseline_load(struct leak_baseline *b, const char *arg,
		       int allow_incomplete);

/*
 * leak_baseline_judge - mark each reported group of res (its baseline
 * field) as new (its site is not in b), known, or grown: known, and the
 * site's bytes in res (over all its groups) are at least twice the
 * baseline's and exceed them by at least min_bytes (--min-bytes). Then
 * the gate counts only the groups of new or grown sites:
 * res->totals.gate_groups, and gate_new, gate_grown by site.
 */
void leak_baseline_judge(const struct leak_baseline *b, uint64_t min_bytes,
			 unsigned gate_kinds, struct leak_result *res);

#endif
