/*
 * zones_instr - the zone API in a program built with -finstrument-functions
 * (the Makefile builds it so): the API's inline wrappers must not call the
 * function hooks themselves, or a zone opens inside the wrapper's frame and
 * closes as the wrapper returns.
 *
 *   "parse" (1 call): a busy loop of 100 ms, inside a function that is
 *           itself instrumented; it holds "step" (PERFSHIM_ZONE, 2 calls
 *           of 20 ms busy each).
 *   Every instrumented entry has its exit: no unmatched exits or zone ends.
 */
#include <stdio.h>
#include <time.h>

#include "perfshim.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void busy_ms(double ms)
{
	double end = now_ms() + ms;
	volatile unsigned x = 0;

	while (now_ms() < end)
		x++;
}

static void step(void)
{
	PERFSHIM_ZONE("step");

	busy_ms(20);
}

static void parse(void)
{
	perfshim_zone_begin("parse");
	busy_ms(60);
	step();
	step();
	perfshim_zone_end("parse");
}

int main(void)
{
	parse();
	printf("zones_instr done\n");
	return 0;
}
