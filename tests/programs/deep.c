/*
 * deep N - leak 48 bytes at the bottom of N nested calls of recurse(), to
 * check PERFSHIM_DEPTH and the order of frames (innermost first).
 * Silent; the only leak is LEAK:deep.
 */
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 1, n);
}

NOINLINE static void *recurse(int n)
{
	void *p;

	if (n == 0) {
		p = malloc(48); /* LEAK:deep */
		touch(p, 48);
		return p;
	}
	p = recurse(n - 1); /* CALL:recurse */
	touch(p, 1); /* keeps the call above from being a tail call */
	return p;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 40;

	touch(recurse(n), 2); /* CALL:main */
	return 0;
}
