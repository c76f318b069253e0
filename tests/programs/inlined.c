/*
 * inlined - an allocation inside an always_inline function, so that one
 * return address stands for two source functions even at -O0.
 *
 * Known truth (t0710-exports.sh): 4096 bytes in 1 block, never freed,
 * allocated in grab() (LEAK:inlined), inlined into outer() (INLINED:call),
 * called by main().
 */
#include <stdlib.h>
#include <string.h>

static inline __attribute__((always_inline)) void *grab(size_t n)
{
	void *p = malloc(n); /* LEAK:inlined */

	if (p)
		memset(p, 1, n);
	return p;
}

static __attribute__((noinline)) void *outer(void)
{
	return grab(4096); /* INLINED:call */
}

int main(void)
{
	return outer() ? 0 : 1;
}
