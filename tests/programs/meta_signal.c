/*
 * meta_signal MODE - SIGTERM while the shim writes one of its records.
 * Prints "start", makes a marker (whose label the shim records: a STRING
 * record) and raises SIGTERM. Under the shim with
 * PERFSHIM_TEST_META_SIGNAL=15,12 (12: STRING) the signal comes earlier,
 * inside the shim's section for that record, where a signal from outside
 * may land too (a SIGTERM during a dlopen's or dlclose's records hung
 * the process for good: probe L).
 *
 * MODE dfl: SIGTERM's default action ends the process (status 143 in a
 * shell). MODE exit: a handler calls exit(3), as many programs' do.
 * Either way the process must end as natively, without a hang, and with
 * a trace that reads to its END, with the leak (meta_leak) in it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim.h"

static void on_term(int sig)
{
	(void)sig;
	exit(3);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "dfl") && strcmp(argv[1], "exit"))) {
		fprintf(stderr, "usage: meta_signal dfl|exit\n");
		return 2;
	}
	if (!strcmp(argv[1], "exit"))
		signal(SIGTERM, on_term);
	if (!malloc(321)) /* LEAK:meta_leak */
		return 2;
	puts("start");
	fflush(stdout);
	perfshim_mark("meta_signal");
	raise(SIGTERM);
	puts("not reached");
	return 0;
}
