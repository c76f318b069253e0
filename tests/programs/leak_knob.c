/*
 * leak_knob - a program with a legacy leak and a leak to come, for the
 * leak gate against a baseline (t0831). Says nothing (stdio would keep a
 * buffer); every unfreed block is one of these:
 *
 *   legacy_cache()  LEAK:legacy  LEAK_LEGACY blocks (default 1) of 1000
 *                   bytes, always: the leak a team lives with
 *   new_feature()   LEAK:new     one block of 500 bytes, only when the
 *                   environment has LEAK_NEW
 *
 * Built twice (see the Makefile): as is, and with -DSHIFT, which puts two
 * more functions and (#line) a thousand lines before the leaking ones, so
 * the same sites sit at other addresses and lines, as in a rebuild after
 * a change.
 */
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

static void *keep[64];
static int nkeep;

#ifdef SHIFT
/* Code the rebuild added: it moves every function below it. */
NOINLINE static int shifted_one(int x)
{
	int y = x * 3;

	y ^= y >> 2;
	return y + 1;
}

NOINLINE static int shifted_two(int x)
{
	return shifted_one(x) * shifted_one(x + 1);
}

/* And a thousand lines of it, as far as line numbers go. */
#line 1000
#endif

NOINLINE static void legacy_cache(int n)
{
	for (int i = 0; i < n && i < 32; i++) {
		char *p = malloc(1000); /* LEAK:legacy */

		if (!p)
			abort();
		memset(p, 1, 1000);
		p = NULL;
	}
}

NOINLINE static void new_feature(void)
{
	char *p = malloc(500); /* LEAK:new */

	if (!p)
		abort();
	memset(p, 2, 500);
}

/* Allocations freed before exit: not leaks, in no run. */
NOINLINE static void tidy(void)
{
	for (int i = 0; i < 8; i++)
		keep[nkeep++] = malloc(64);
	while (nkeep)
		free(keep[--nkeep]);
}

int main(void)
{
	const char *n = getenv("LEAK_LEGACY");

#ifdef SHIFT
	if (shifted_two(3) == 0)
		return 3;
#endif
	tidy();
	legacy_cache(n ? atoi(n) : 1);
	if (getenv("LEAK_NEW"))
		new_feature();
	return 0;
}
