/*
 * summary_read.h - read back the summary JSON of one build (what
 * `perfanalyze TRACE --json` writes: README, "The JSON contract") into a
 * series of builds: its "metrics" object and its "label".
 *
 * The file is input: anything else than the shape below is an error
 * that names the file and the place, and adds nothing to the series.
 *
 *   {"label": {"KEY": "VALUE", ...},           optional
 *    "metrics": {"program": {"NAME": N|null, ...},
 *                "zone": {"WHERE": {"NAME": N|null, ...}, ...},
 *                "function": {"WHERE": {...}, ...}, ...}, ...}
 *
 * "complete": false (the trace, or one run of a directory, did not cover
 * its run) counts the build in s->incomplete; a summary without it is
 * taken as complete.
 *
 * Other members, other scopes inside "metrics" and names that metrics.h
 * does not know for a scope are skipped (later versions may add them);
 * null is an absent value.
 */
#ifndef PERFSHIM_SUMMARY_READ_H
#define PERFSHIM_SUMMARY_READ_H

#include <stddef.h>

#include "metrics.h"

/*
 * summary_parse - build b of s (b < s->runs; s->label allocated) from the
 * summary JSON in buf[0..len), named name in messages. Returns 0, or -1 after one error() line (then s is
 * as it was).
 */
int summary_parse(struct metric_set *s, size_t b, const char *buf, size_t len,
		  const char *name);

/* summary_read - summary_parse of the file at path. */
int summary_read(struct metric_set *s, size_t b, const char *path);

#endif
