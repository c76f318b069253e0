/*
 * workload SHAPE N - a program whose allocations grow with N, for the
 * trend tests: a build's "size" comes from the command line, so a series
 * of builds is a series of runs with known counts.
 *
 *   linear N     10 * N allocations of 64 bytes, each freed at once
 *                (SITE:work), in a zone "work" of N calls.
 *   quadratic N  N * (N / 100) allocations of 64 bytes (SITE:work),
 *                each freed at once; zone "work" as above.
 *   leak N       as linear, and N blocks of 32 bytes never freed
 *                (LEAK:kept): leaked bytes grow with N too.
 *
 * Allocation calls are exactly those plus what the C library makes
 * before main (none on glibc for a program that prints nothing); the
 * bytes, 64 each. The zone's timings are not known truth, only its calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim.h"

#define NOINLINE __attribute__((noinline))

static volatile char sink;

static NOINLINE void churn(long count)
{
	for (long i = 0; i < count; i++) {
		char *p = malloc(64); /* SITE:work */

		if (!p)
			exit(3);
		p[0] = (char)i;
		sink += p[0];
		free(p);
	}
}

static NOINLINE void keep(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = malloc(32); /* LEAK:kept */

		if (!p)
			exit(3);
		p[0] = 1;
	}
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
	long per;

	if (argc != 3 || n < 1 || n > 100000000) {
		fputs("usage: workload linear|quadratic|leak N\n", stderr);
		return 2;
	}
	if (!strcmp(argv[1], "quadratic"))
		per = -1;
	else if (!strcmp(argv[1], "linear") || !strcmp(argv[1], "leak"))
		per = 10;
	else
		return fputs("workload: unknown shape\n", stderr), 2;
	for (long i = 0; i < n; i++) {
		perfshim_zone_begin("work");
		churn(per > 0 ? per : n / 100);
		perfshim_zone_end("work");
	}
	if (!strcmp(argv[1], "leak"))
		keep(n);
	return 0;
}
