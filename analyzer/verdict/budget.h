/*
 * budget.h - budget files: the limits a test promises to keep, one rule a
 * line, parsed into rules that a verdict checks against a run's figures.
 *
 *   METRIC <= VALUE                    the whole program
 *   zone:NAME STATISTIC <= VALUE       one zone
 *   function:NAME STATISTIC <= VALUE   one function
 *   site:NAME STATISTIC <= VALUE       the allocation sites of a function
 *
 * For example "peak_heap <= 64MiB", "allocs <= 2e6", "leaked <= 0",
 * "zone:parse p99 <= 2ms", "function:compress calls <= 1000",
 * "site:make_node bytes <= 1MiB".
 *
 * A '#' that opens a line or follows a space or tab starts a comment, to
 * the end of the line; a '#' inside a word is part of it, so that a C++
 * lambda can be named ("site:main::{lambda()#1}::operator() calls <= 3",
 * while "allocs <= 5#x" is an error). Blank lines are skipped;
 * spaces and tabs may stand anywhere between the parts (a NAME runs from
 * the colon to the last word before "<=", so C++ names with spaces work).
 * A VALUE is a decimal number (a fraction, an exponent: 1.5, 2e6), then
 * a unit, with or without a space:
 *   bytes  B, KiB, MiB, GiB (powers of 1024); no unit: bytes
 *   times  ns, us (or µs, as the report prints it), ms, s; a unit is
 *          required (but for 0)
 *   counts no unit
 * and is kept in base units (bytes, ns, count), rounded to a whole one.
 * Any other line is an error: a typo must not pass as a kept budget.
 */
#ifndef PERFSHIM_BUDGET_H
#define PERFSHIM_BUDGET_H

#include <stddef.h>
#include <stdint.h>

enum budget_scope {
	BUDGET_PROGRAM,
	BUDGET_ZONE,
	BUDGET_FUNCTION,
	BUDGET_SITE,
};

enum budget_unit {
	BUDGET_COUNT,
	BUDGET_BYTES,
	BUDGET_NS,
};

/* What a rule limits; which scopes take which is in budget.c's table. */
enum budget_metric {
	/* the program */
	BUDGET_PEAK_HEAP,     /* bytes: the heap's peak of live bytes */
	BUDGET_ALLOCS,	      /* count: allocation calls */
	BUDGET_ALLOC_BYTES,   /* bytes: "bytes", allocated in all */
	BUDGET_LEAKED,	      /* bytes: leaked at exit */
	BUDGET_LEAKED_BLOCKS, /* count */
	BUDGET_CPU_TIME,      /* ns: CPU time (also per function) */
	BUDGET_RSS_PEAK,      /* bytes: the peak resident set */
	BUDGET_DURATION,      /* ns: wall-clock time */
	/* zones and functions (calls, and sites' calls, too) */
	BUDGET_CALLS, /* count */
	BUDGET_TOTAL, /* ns: inclusive time of all calls */
	BUDGET_SELF,  /* ns: the same less the callees' */
	BUDGET_P50,   /* ns: latency percentiles of one call */
	BUDGET_P90,
	BUDGET_P95,
	BUDGET_P99,
	BUDGET_MAX,
};

struct budget_rule {
	enum budget_scope scope;
	char *name; /* zone, function or site name; NULL for the program */
	enum budget_metric metric;
	const char *metric_name; /* as written: "peak_heap", "p99" (static) */
	enum budget_unit unit;
	double limit;  /* in base units (bytes, ns, count), not rounded:
			   "allocs <= 1.5" is exceeded by 2 */
	char *text;    /* the rule as written, without comment and blanks */
	unsigned line; /* 1-based, in the budget file */
};

struct budget {
	struct budget_rule *rule; /* in file order */
	size_t n, alloc;
	char *file; /* the file the rules came from */
};

/* budget_init - make b empty. Allocates nothing. */
void budget_init(struct budget *b);

/* budget_release - free every rule; b is left empty, ready for reuse. */
void budget_release(struct budget *b);

/*
 * budget_load - read the budget file at path into b (empty before).
 * Returns 0, or -1 after printing one line to stderr, "perfanalyze:
 * PATH:LINE: what is wrong" for a bad rule (or "perfanalyze: PATH:
 * reason" when the file cannot be read, holds no rule, or memory runs
 * out). On -1, b is left empty.
 */
int budget_load(struct budget *b, const char *path);

/*
 * budget_parse - the same over text[0..len), named name in messages; a
 * text without rules gives none (0).
 */
int budget_parse(struct budget *b, const char *text, size_t len,
		 const char *name);

#endif /* PERFSHIM_BUDGET_H */
