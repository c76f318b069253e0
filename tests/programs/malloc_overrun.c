/*
 * malloc_overrun - writes one byte past a 24-byte block and frees it,
 * then leaks 1000 bytes and prints "done". glibc's malloc debugging
 * library (libc_malloc_debug.so) with GLIBC_TUNABLES=glibc.malloc.check=3
 * finds the overrun at the free and aborts; glibc's malloc alone does not.
 */
#include <stdio.h>
#include <stdlib.h>

static void *volatile leak;

int main(void)
{
	char *volatile p = malloc(24);

	p[24] = 1;
	free(p);
	leak = malloc(1000);
	printf("done\n");
	return 0;
}
