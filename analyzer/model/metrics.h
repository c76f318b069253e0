/*
 * metrics.h - the figures that are compared across runs and builds (diff,
 * budgets, baselines, trends): one set of named metrics, each with its
 * value in every run of one build.
 *
 * Runs: wherever perfanalyze takes a trace, a directory (every *.zst in
 * it, in file-name order) or several trace paths mean repeated runs of
 * one build. runs_expand is the one place that lists directories.
 *
 * A metric is named by its scope, where and name (the table below), and
 * keeps one value per run: NAN where that run does not have it, so that
 * "absent" (a leak site the base never had) and "zero" stay different.
 *
 *   scope     where                    names
 *   program   ""                       allocs, bytes, peak_heap, leaked,
 *                                      leaked_blocks, cpu_time, rss_peak,
 *                                      duration
 *   site      the site's function      calls, bytes, leaked
 *   function  the function's name      cpu_time, cpu_share; instrumented:
 *                                      calls, total, self, p50, p90, p95,
 *                                      p99, max
 *   zone      the zone's name          calls, total, self, p50, p90, p95,
 *                                      p99, max
 *
 * A site's where is the innermost frame of the program's own (not the
 * allocator's, the C/C++ runtime's, nor a std:: template inlined into
 * it), by function name only: a rebuild that moves addresses or lines
 * still matches, and sites of one function merge. Functions are keyed by
 * symbolized name too. cpu_time is samples times the sampling period;
 * cpu_share is the function's own (self) samples over all samples, with
 * both counts kept per run (k, n) for a proportion test; a function
 * without samples in a sampled run has 0 of both there. Metrics a run
 * cannot have (cpu without the sampler, rss_peak without memory samples,
 * percentiles without histograms) are NAN there, or not in the set.
 */
#ifndef PERFSHIM_METRICS_H
#define PERFSHIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"
#include "symbols.h"

struct run; /* model.h */

enum metric_scope {
	METRIC_PROGRAM,
	METRIC_SITE,
	METRIC_FUNCTION,
	METRIC_ZONE,
};

enum metric_unit {
	METRIC_COUNT,
	METRIC_BYTES,
	METRIC_NS,
	METRIC_RATIO,
};

struct metric {
	enum metric_scope scope;
	char *where;	  /* "" for the program; owned */
	const char *name; /* static, from the table above */
	enum metric_unit unit;
	size_t runs;	 /* the set's */
	double *v;	 /* [runs]; NAN: absent in that run */
	uint64_t *k, *n; /* [runs], cpu_share only (else NULL): own
			     samples, all samples */
};

struct metric_set {
	size_t runs;
	char **path;	   /* [runs], the traces */
	char *exe;	   /* the first run's program */
	int mixed;	   /* the runs are of more than one program (warned) */
	size_t incomplete; /* runs whose trace misses the run's end (gate.h) */
	char *first_incomplete; /* the first such trace, for messages */
	char **label; /* [runs]: PERFSHIM_LABEL as recorded, or NULL */
	/* [runs]: each run's metadata and totals (metrics_load only; its
	 * strings owned by the set, in strs) */
	struct run *run;
	/* [runs]: the step a sampled CPU time moves in, ns (one timer
	 * signal's periods, struct hot_cpu's samples / signals); 0 without
	 * samples. NULL in sets not read from traces. */
	double *cpu_step_ns;
	char **strs;
	size_t nstrs, capstrs;
	struct metric *m; /* in the order they were first seen */
	size_t n, alloc;
	struct hashtab ix; /* (scope, where, name) -> m[] */
};

/* The trace paths that a list of arguments means. */
struct run_paths {
	char **path; /* owned */
	size_t n;
};

/*
 * runs_expand - the traces that args[0..nargs) name: a file as it is, a
 * directory as every regular *.zst in it, in file-name (byte) order.
 * Returns 0, or -1 after one line on stderr: "DIR: no traces (*.zst)"
 * for a directory without any, "PATH: reason" for one that cannot be
 * read, "no traces given" for none. On -1, out is empty.
 */
int runs_expand(char *const *args, size_t nargs, struct run_paths *out);

/* run_paths_release - free the paths; out is left empty. */
void run_paths_release(struct run_paths *p);

/* metrics_init - an empty set of runs runs. Allocates nothing. */
void metrics_init(struct metric_set *s, size_t runs);

/*
 * metrics_load - read the runs that args[0..nargs) name (runs_expand),
 * each trace once, into s (metrics_init'ed, or released: it is set up
 * here). Runs of different programs are a warning on stderr (s->mixed),
 * not an error. Returns 0, or -1 after one line on stderr (no traces, a
 * file that is no trace, a corrupt one, out of memory); on -1 s is left
 * empty.
 */
int metrics_load(struct metric_set *s, char *const *args, size_t nargs);

/*
 * metrics_put - the metric (scope, where, name) of s, added with every
 * run NAN when s has none (name must be static; where is copied). For
 * builders of sets other than metrics_load: tests, saved summaries.
 */
struct metric *metrics_put(struct metric_set *s, enum metric_scope sc,
			   const char *where, const char *name,
			   enum metric_unit unit);

/*
 * metrics_mark_incomplete - count a run of s, at path, as one whose trace
 * does not cover the run (gate.h): s->incomplete, and s->first_incomplete
 * names the first such, for the line of a gate that will not pass on it.
 */
void metrics_mark_incomplete(struct metric_set *s, const char *path);

/*
 * metrics_site_where - the function a site of stack f[0..n) (innermost
 * first) is named after, its where: see the table above. "??" when n is
 * 0. The string is f's.
 */
const char *metrics_site_where(const struct sym_frame *f, size_t n);

/* metrics_find - the metric (scope, where, name) of s, or NULL. */
const struct metric *metrics_find(const struct metric_set *s,
				  enum metric_scope sc, const char *where,
				  const char *name);

/*
 * metric_median - the median of m's values over the runs that have one;
 * NAN when none has.
 */
double metric_median(const struct metric *m);

/* metric_present - how many runs have a value of m. */
size_t metric_present(const struct metric *m);

/* metric_scope_name - "program", "site", "function", "zone". */
const char *metric_scope_name(enum metric_scope sc);

/*
 * metric_scope_parse - the scope named name ("program", ...) into *sc.
 * Returns 0, or -1 for any other text.
 */
int metric_scope_parse(const char *name, enum metric_scope *sc);

/*
 * metric_known - the static name of the table above for a metric called
 * name in scope sc, and its unit into *unit; NULL when sc has none such.
 * For sets built from text (saved summaries).
 */
const char *metric_known(enum metric_scope sc, const char *name,
			 enum metric_unit *unit);

/*
 * metric_in_summary - whether m is one a build's summary records (and
 * trend judges): the program's, the zones', and the instrumented
 * functions' calls, times and percentiles (not sites, nor the sampled
 * functions: those are many, and their samples too few to trend).
 */
int metric_in_summary(const struct metric *m);

/* metric_unit_name - "count", "bytes", "ns", "ratio". */
const char *metric_unit_name(enum metric_unit u);

/* metrics_release - free everything; s is left empty (0 runs). */
void metrics_release(struct metric_set *s);

#endif /* PERFSHIM_METRICS_H */
