/*
 * growth_shape - heaps of a shape the growth verdict must name right
 * (tests/t/t0364-growth-shape.sh). Each of 300 iterations sleeps 1 ms and
 * calls perfshim_mark("iteration") unless "nomark" is given.
 *
 *   growth_shape exitfree [nomark]
 *       48 bytes per iteration (LEAK:kept), all freed after the last
 *       iteration, just before the program ends: the heap grew during the
 *       whole run (GROWING), and that line is the site that grew, although
 *       it holds nothing at the end.
 *   growth_shape risefall [nomark]
 *       2000 bytes per iteration (FREED:rise) for the first 260
 *       iterations, then 7 of those blocks freed per iteration, so that
 *       the heap is back where it started well before the end (iteration
 *       297): it rose and fell back, which is no growth (STABLE).
 *
 * It prints nothing and exits 0.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "perfshim.h"

#define ITERS 300
#define RISE 260

static void *blocks[ITERS];

static void nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

static __attribute__((noinline)) void *keep(size_t n)
{
	void *p = malloc(n); /* LEAK:kept */

	memset(p, 1, n);
	return p;
}

static __attribute__((noinline)) void *rise(size_t n)
{
	void *p = malloc(n); /* FREED:rise */

	memset(p, 2, n);
	return p;
}

int main(int argc, char **argv)
{
	int risefall = argc > 1 && !strcmp(argv[1], "risefall");
	int mark = !(argc > 2 && !strcmp(argv[2], "nomark"));
	int nblocks = 0, freed = 0;

	for (int i = 0; i < ITERS; i++) {
		if (!risefall)
			blocks[nblocks++] = keep(48);
		else if (i < RISE)
			blocks[nblocks++] = rise(2000);
		else
			for (int k = 0; k < 7 && freed < nblocks; k++)
				free(blocks[freed++]);
		if (mark)
			perfshim_mark("iteration");
		nap();
	}
	while (freed < nblocks)
		free(blocks[freed++]);
	return 0;
}
