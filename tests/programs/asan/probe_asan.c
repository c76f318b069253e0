/*
 * probe_asan - a program built with -fsanitize=address (not built by the
 * Makefile: it needs that flag).
 *   cc -fsanitize=address -o probe_asan probe_asan.c
 * Native: prints 1, exits 2. Built and run by t0365-foreign-malloc.sh
 * (the Makefile does not build it: it needs that flag). ASan must come
 * first in the library list and then owns malloc; with its order check
 * off it still wraps threads around the shim (which used to deadlock in
 * pthread_getattr_np). The shim leaves such a process untraced, and
 * says so once.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	char *p = malloc(10);

	p[0] = 1;
	printf("%d\n", p[0]);
	free(p);
	return 2;
}
