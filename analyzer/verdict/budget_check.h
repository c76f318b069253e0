/*
 * budget_check.h - the budget verdict: each rule of a budget file
 * (budget.h) against the metric set of one build's runs (metrics.h).
 *
 * A rule is judged on the median of its metric over the runs (one run:
 * its value). It is exceeded when that median is above the limit. A
 * rule whose zone, function or site is in none of the runs, or whose
 * metric the runs do not hold (no CPU samples for cpu_time, no
 * histograms for p99, no memory samples for rss_peak), is "missing":
 * that fails as exceeding does, since a budget that cannot be checked
 * (a typo, a renamed zone) must not pass silently.
 */
#ifndef PERFSHIM_BUDGET_CHECK_H
#define PERFSHIM_BUDGET_CHECK_H

#include <stddef.h>

#include "budget.h"
#include "metrics.h"

enum budget_verdict {
	BUDGET_OK,	 /* within the limit */
	BUDGET_EXCEEDED, /* the median is above the limit */
	BUDGET_MISSING,	 /* no value to judge: fails */
};

/* One rule's verdict. */
struct budget_row {
	const struct budget_rule *rule; /* the budget's */
	double measured;		/* the median; NAN when missing */
	size_t runs;			/* runs that have a value */
	enum budget_verdict verdict;
	int where_found; /* missing: the zone, function or site is there */
};

struct budget_result {
	const struct budget *budget;
	struct budget_row *row; /* in the budget file's order */
	size_t n;
	size_t runs;		  /* runs in the metric set */
	size_t exceeded, missing; /* rows of each failing verdict */
};

/*
 * budget_check - judge every rule of b against s into *r (b and s must
 * outlive r). Prints nothing. Returns 0.
 */
int budget_check(const struct budget *b, const struct metric_set *s,
		 struct budget_result *r);

/* budget_failed - whether any rule of r is exceeded or missing. */
int budget_failed(const struct budget_result *r);

/* budget_verdict_name - "ok", "exceeded", "missing". */
const char *budget_verdict_name(enum budget_verdict v);

/* budget_result_release - free r's rows; r is left empty. */
void budget_result_release(struct budget_result *r);

#endif
