/* gate.c - exit status of a gate: no pass on a trace that misses the run's end. */
#include <stdio.h>

#include "gate.h"

const char *gate_incomplete(const struct trace_reader *r)
{
	if (!trace_reader_cut_short(r))
		return NULL;
	if (!trace_reader_frames(r))
		return "holds no records (header only)";
	return "cut short (no END record)";
}

int gate_exit(const struct trace_reader *r, const char *path, int failed,
	      int allow_incomplete)
{
	const char *why = gate_incomplete(r);

	if (failed)
		return 1;
	if (!why || allow_incomplete)
		return 0;
	fprintf(stderr,
		"perfanalyze: %s: %s: a gate cannot pass on it; "
		"--allow-incomplete to judge what it holds\n",
		path, why);
	return 2;
}
