/*
 * export_collect.h - fill the export renderers' input (export.h) from a
 * replayed trace: CPU samples by stack and thread, allocation sites, the
 * blocks live at exit, threads, the heap and RSS over time, markers.
 *
 * A stand-in until the analyzer's model holds these: it runs as a visitor
 * after replay's in a tee, and symbolizes only what it exports.
 */
#ifndef PERFSHIM_EXPORT_COLLECT_H
#define PERFSHIM_EXPORT_COLLECT_H

#include "export.h"
#include "reader.h"
#include "replay.h"
#include "symbols.h"

struct export_collect;

/*
 * export_collect_new - a collector that reads rp (whose visitor runs
 * before its own) and r's clock. NULL on out of memory.
 */
struct export_collect *export_collect_new(const struct replay *rp,
					  const struct trace_reader *r);
/* export_collect_visitor - the visitor that feeds c. */
void export_collect_visitor(struct export_collect *c, struct trace_visitor *v);

/*
 * export_collect_fill - after the trace was read: fill p (from
 * export_init) with what c saw, symbolized through sym. Writes one
 * "perfanalyze: note: ..." line on stderr for each part the trace lacks
 * (no CPU samples, no allocations, no per-call events). Returns 0, or -1
 * after printing one line.
 */
int export_collect_fill(struct export_collect *c, struct symbols *sym,
			struct export_profile *p);

/*
 * export_format_parse - the format named s (pprof 0, speedscope 1,
 * chrome 2), or -1.
 */
int export_format_parse(const char *s);

/*
 * export_write - fill a profile from c and write it to path (created or
 * truncated) in format. Returns 0, or -1 after printing one line; the
 * file may then be incomplete (it is not removed: path may be a device).
 */
int export_write(struct export_collect *c, int format, const char *path);

/* export_is_runs - 1 when path is a directory (of runs), else 0. */
int export_is_runs(const char *path);

/*
 * export_write_runs - read every trace (*.zst, in name order) of the
 * directory dir, each a run of one build, and write their samples merged
 * into one profile (values of equal stacks add up) to path. Only pprof
 * (format 0) merges; other formats, a directory without traces and a
 * trace that cannot be read are errors. Returns 0, or -1 after printing
 * one line.
 */
int export_write_runs(const char *dir, int format, const char *path);

/* export_collect_free - release c. NULL is allowed. */
void export_collect_free(struct export_collect *c);

#endif
