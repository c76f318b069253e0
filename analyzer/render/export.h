/*
 * export.h - the input of the export renderers (pprof, speedscope, Chrome
 * trace): a profile in pprof's shape (strings, functions, locations,
 * mappings, typed samples) plus the timed parts (threads, counters,
 * markers, timed calls). Whoever knows the data fills it (today
 * export_collect.c from a replayed trace, later the analyzer's model);
 * the renderers only read it and never compute.
 *
 * Ids are 1-based indices into their arrays, 0 meaning "none", as in
 * profile.proto. String ids index strings[], whose entry 0 is "".
 */
#ifndef PERFSHIM_EXPORT_H
#define PERFSHIM_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct export_function {
	uint32_t name, system_name, file; /* string ids */
	int64_t start_line;		  /* 0: not known */
};

/* One source line of a location: function id and line (0: not known). */
struct export_line {
	uint32_t function;
	int64_t line;
};

struct export_location {
	uint64_t address;
	uint32_t mapping; /* mapping id, 0: in no known mapping */
	size_t nlines;
	struct export_line *lines; /* innermost first (inlined frames) */
};

struct export_mapping {
	uint64_t start, limit, offset;
	uint32_t file, build_id; /* string ids; build_id is lowercase hex */
};

struct export_value_type {
	uint32_t type, unit; /* string ids, e.g. "cpu" and "nanoseconds" */
};

struct export_sample {
	size_t nlocs;
	uint32_t *locs;	 /* location ids, innermost first */
	int64_t *values; /* one per sample type */
	uint32_t thread; /* thread index + 1, 0: none */
};

struct export_thread {
	uint64_t tid;
	uint32_t name; /* string id, 0: unnamed */
};

struct export_point {
	uint64_t ts_ns; /* since the trace began */
	int64_t value;
};

/* A series over time, e.g. the heap in use or the RSS, in bytes. */
struct export_counter {
	uint32_t name; /* string id */
	size_t n, cap;
	struct export_point *p; /* in time order */
};

struct export_marker {
	uint64_t ts_ns;
	uint32_t thread; /* thread index + 1, 0: none */
	uint32_t name;	 /* string id */
};

/*
 * A timed call of a zone or an instrumented function (from a trace's
 * CALLS records, format 1.3 on).
 */
struct export_call {
	uint64_t start_ns, dur_ns;
	uint32_t thread;   /* thread index + 1 */
	uint32_t function; /* function id */
};

struct export_profile {
	char **strings;
	size_t nstrings, capstrings;
	uint32_t *string_ix; /* open addressing over string ids */
	size_t string_ixcap;

	struct export_function *functions;
	size_t nfunctions, capfunctions;
	struct export_location *locations;
	size_t nlocations, caplocations;
	struct export_mapping *mappings;
	size_t nmappings, capmappings;
	struct export_value_type *types;
	size_t ntypes, captypes;
	struct export_sample *samples;
	size_t nsamples, capsamples;

	uint32_t default_type; /* string id of the type viewers show first */
	struct export_value_type period_type;
	int64_t period;	  /* in period_type's unit */
	uint64_t time_ns; /* wall-clock start, ns since the epoch */
	uint64_t duration_ns;
	uint32_t name; /* string id: the program, for titles */
	uint64_t pid;

	struct export_thread *threads; /* by thread index */
	size_t nthreads, capthreads;
	struct export_counter *counters;
	size_t ncounters, capcounters;
	struct export_marker *markers;
	size_t nmarkers, capmarkers;
	/* By start time; a thread's calls nest (a call ends before its
	 * caller does), as the speedscope renderer's open/close events need. */
	struct export_call *calls;
	size_t ncalls, capcalls;
};

/* export_init - an empty profile; allocates nothing. */
void export_init(struct export_profile *p);
/* export_release - free everything the export_* functions allocated. */
void export_release(struct export_profile *p);

/*
 * The builders. Each returns the new (or, for strings, existing) id, or 0
 * after printing "perfanalyze: out of memory" (the profile stays valid).
 */
uint32_t export_string(struct export_profile *p, const char *s);
uint32_t export_function_add(struct export_profile *p,
			     const struct export_function *f);
/* lines is copied. */
uint32_t export_location_add(struct export_profile *p, uint64_t address,
			     uint32_t mapping, const struct export_line *lines,
			     size_t nlines);
uint32_t export_mapping_add(struct export_profile *p,
			    const struct export_mapping *m);
uint32_t export_type_add(struct export_profile *p, const char *type,
			 const char *unit);
/* locs and values (p->ntypes of them) are copied; add the types first. */
uint32_t export_sample_add(struct export_profile *p, const uint32_t *locs,
			   size_t nlocs, const int64_t *values,
			   uint32_t thread);
/* The thread at index (tables grow to it); name may be NULL. */
uint32_t export_thread_set(struct export_profile *p, uint32_t index,
			   uint64_t tid, const char *name);
uint32_t export_counter_add(struct export_profile *p, const char *name);
/* Appends a point to counter id c; returns c, or 0 on out of memory. */
uint32_t export_point_add(struct export_profile *p, uint32_t c, uint64_t ts_ns,
			  int64_t value);
uint32_t export_marker_add(struct export_profile *p, uint64_t ts_ns,
			   uint32_t thread, const char *name);
/* Append calls in the order the calls array documents. */
uint32_t export_call_add(struct export_profile *p, uint64_t start_ns,
			 uint64_t dur_ns, uint32_t thread, uint32_t function);

/*
 * export_merge - add q's samples to p, with the locations, functions,
 * mappings and threads they refer to (as new ones: viewers add up the
 * values of equal stacks), so that p profiles several runs. Into an empty
 * p it also copies q's sample types, period and names; later profiles
 * must have the same sample types. Durations add up. q's timed parts
 * (counters, markers, calls) are not merged. Returns 0, or -1 after
 * printing one line.
 */
int export_merge(struct export_profile *p, const struct export_profile *q);

/* export_type_index - the index of sample type "type", or -1. */
int export_type_index(const struct export_profile *p, const char *type);

/*
 * The renderers: write p to out in their format. Each returns 0, or -1
 * after printing one line on stderr (out of memory, a write error). A
 * profile with no samples, counters or calls is still written as a valid,
 * empty file.
 */
int export_pprof(const struct export_profile *p, FILE *out);
int export_speedscope(const struct export_profile *p, FILE *out);
int export_chrome(const struct export_profile *p, FILE *out);

#endif
