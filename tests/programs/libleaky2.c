/*
 * libleaky2.so - a second library with the same entry point as
 * libleaky.so, loaded after libleaky.so was dlclosed (and so, likely, at
 * the addresses libleaky.so had). Its leak sits at a different line and
 * has a different size, so that a leak put down to the wrong library
 * shows.
 *
 *   LEAK:lib2  555 bytes, 1 block, in leaky_make() via leaky2_inner()
 */
#include <stdlib.h>
#include <string.h>

static int counter;

__attribute__((noinline)) static void *leaky2_inner(size_t n)
{
	void *p;

	counter++;
	p = malloc(n); /* LEAK:lib2 */
	if (p)
		memset(p, 7, n);
	return p;
}

__attribute__((noinline)) void *leaky_make(void)
{
	return leaky2_inner(555); /* CALL:lib2-inner */
}
