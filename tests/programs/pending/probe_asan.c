/*
 * probe_asan - a program built with -fsanitize=address (not built by the
 * Makefile: it needs that flag).
 *   cc -fsanitize=address -o probe_asan probe_asan.c
 * Native: prints 1, exits 2. Under the shim ASan refuses to start ("ASan
 * runtime does not come first in initial library list", exit 1); with
 * ASAN_OPTIONS=verify_asan_link_order=0 it hangs: ASan's thread start
 * (AsanThread::ThreadStart) of the shim's writer thread calls
 * pthread_getattr_np, which reallocs while it holds the thread's lock;
 * the shim's realloc takes a stack, and perfshim_stack_bounds() calls
 * pthread_getattr_np on the same thread: a self-deadlock (stack.c).
 * Either the shim steps aside, once, in a program with an ASan runtime,
 * or the stack bounds come from somewhere that neither allocates nor
 * locks.
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
