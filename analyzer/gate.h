/*
 * gate.h - the one rule every gate (--fail-on-leak, --fail-on-growth and
 * those to come) goes through: a gate passes only on a trace that covers
 * the whole run. An empty, header-only or cut-short trace (SIGKILL) saw
 * too little for "no leak" or "not growing" to mean anything.
 */
#ifndef PERFSHIM_GATE_H
#define PERFSHIM_GATE_H

#include "reader.h"

/*
 * gate_incomplete - why the trace r, read to its end, does not cover the
 * run: NULL when it is complete (it ends with the END record the shim
 * writes last), else a short phrase for messages.
 */
const char *gate_incomplete(const struct trace_reader *r);

/*
 * gate_exit - the exit status of a gate over r: 1 when it failed (what
 * the trace holds is enough to fail it), 0 when it passed on a complete
 * trace. A pass on an incomplete trace is no pass: it prints one line on
 * stderr ("perfanalyze: PATH: REASON: a gate cannot pass on it; ...")
 * and returns 2, unless allow_incomplete (--allow-incomplete) says to
 * judge what the trace holds, when it returns 0.
 */
int gate_exit(const struct trace_reader *r, const char *path, int failed,
	      int allow_incomplete);

#endif
