/*
 * variant - one program with knobs, for perfanalyze diff's known truth:
 * each knob injects one change of known size at one place.
 *
 *   VARIANT_BURN_MS  (default 15)  CPU work of burn(), about this many ms
 *   VARIANT_CPU      (default 1)   burn()'s work times this (1.6: +60%)
 *   VARIANT_ALLOCS   (default 1)   make_items() allocates 500 times this
 *                                  blocks of 64 bytes (1.6: 800), freed
 *   VARIANT_LEAK     (default 0)   1: leak_more() leaks 3 blocks of 48
 *                                  bytes (a new leak site)
 *   VARIANT_SLOW     (default 0)   1: 20 of the 1000 calls of zone
 *                                  "request" (2%) do 20 times the work:
 *                                  its p99 20 times slower, p50 and p95
 *                                  not
 *
 * Always: make_items' blocks, keep() 10 blocks of 32 bytes leaked (a
 * known leak, the same in every run), 1000 calls of zone "request" of
 * about 10 us of work each (a call the scheduler preempts takes
 * milliseconds: fewer than 1% of them, even on a loaded machine). Prints nothing (stdio buffers would be
 * allocations of their own).
 */
#include <stdlib.h>
#include <string.h>

#include "perfshim.h"

#define NOINLINE __attribute__((noinline))

/* Iterations of spin() per millisecond of CPU, about (at -O0). */
#define SPIN_PER_MS 830000L

static double knob(const char *name, double def)
{
	const char *s = getenv(name);

	return s && *s ? strtod(s, NULL) : def;
}

static NOINLINE void spin(long n)
{
	volatile unsigned long x = 1;

	for (long i = 0; i < n; i++)
		x = x * 2862933555777941757ul + 3037000493ul;
}

/* Its own loop, not spin()'s: its CPU is burn()'s alone. */
static NOINLINE void burn(double ms)
{
	volatile unsigned long x = 1;
	long n = (long)(ms * SPIN_PER_MS);

	for (long i = 0; i < n; i++)
		x = x * 2862933555777941757ul + 3037000493ul;
}

static NOINLINE void make_items(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = malloc(64); /* SITE:items */

		memset(p, (int)i, 64);
		free(p);
	}
}

static void *kept[10];

static NOINLINE void keep(void)
{
	for (int i = 0; i < 10; i++) {
		kept[i] = malloc(32); /* LEAK:kept */
		memset(kept[i], 1, 32);
	}
	/* Unreachable at exit: definite leaks, the same in every run. */
	memset(kept, 0, sizeof(kept));
}

static NOINLINE void leak_more(void)
{
	for (int i = 0; i < 3; i++) {
		void *p = malloc(48); /* LEAK:more */

		memset(p, 2, 48);
		__asm__ volatile("" : : "r"(p) : "memory");
	}
}

static NOINLINE void requests(int slow)
{
	for (int i = 0; i < 1000; i++) {
		perfshim_zone_begin("request");
		spin(SPIN_PER_MS / 100 * (slow && i % 50 == 7 ? 20 : 1));
		perfshim_zone_end("request");
	}
}

int main(void)
{
	burn(knob("VARIANT_BURN_MS", 15) * knob("VARIANT_CPU", 1));
	make_items((long)(500 * knob("VARIANT_ALLOCS", 1) + 0.5));
	keep();
	if (knob("VARIANT_LEAK", 0) != 0)
		leak_more();
	requests(knob("VARIANT_SLOW", 0) != 0);
	return 0;
}
