/*
 * builds.h - the builds of a trend: the entries of a directory, in
 * file-name order (bytewise), each one build.
 *
 *   NAME.json  the build's summary (perfanalyze TRACE --json)
 *   NAME.zst   a trace: one run of the build
 *   NAME/      a directory of traces (its *.zst): the build's runs,
 *              each metric their median
 *
 * Other entries, and names starting with '.', are not builds and are
 * skipped (a README may sit in a history directory).
 */
#ifndef PERFSHIM_BUILDS_H
#define PERFSHIM_BUILDS_H

#include "metrics.h"

/*
 * builds_load - every build of dir into s, a metric set whose runs are
 * the builds (path: each build's entry name; label: its label), with
 * the metrics a summary records (metric_in_summary), a directory's its
 * runs' medians. s is set up here; release it with metrics_release, also
 * after an error. Returns 0, or -1 after
 * one error() line: dir unreadable, no builds in it, a build that does
 * not read.
 */
int builds_load(struct metric_set *s, const char *dir);

#endif
