/*
 * libtwosites.so - loaded by dlopen_main, which calls leaky_make(). Two
 * static functions leak: one() 100 bytes (LEAK:one), two() 200 bytes
 * (LEAK:two), each in one block. Stripped of its symbol table, the
 * library names neither: each must stay a site of its own, shown as
 * libtwosites.so+0xOFFSET (the ELF address addr2line takes).
 */
#include <stdlib.h>
#include <string.h>

static void *volatile kept;

__attribute__((noinline)) static void *one(void)
{
	void *p = malloc(100); /* LEAK:one */

	if (p)
		memset(p, 1, 100);
	return p;
}

__attribute__((noinline)) static void *two(void)
{
	void *p = malloc(200); /* LEAK:two */

	if (p)
		memset(p, 2, 200);
	return p;
}

void *leaky_make(void)
{
	kept = one();
	kept = NULL;
	return two();
}
