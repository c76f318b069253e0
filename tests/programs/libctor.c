/*
 * libctor.so - a library that allocates in its constructor, which the
 * dynamic loader runs before the program's main() (and before
 * __libc_start_main): as a DT_NEEDED dependency of a program, or preloaded
 * next to the shim.
 *
 *   LEAK:ctor   4242 bytes, 1 block, in ctor_leak() (never freed)
 *   CTOR:freed  allocated in the constructor, freed in the destructor
 */
#include <stdlib.h>
#include <string.h>

static void *kept;

__attribute__((noinline)) static void ctor_leak(void)
{
	void *p = malloc(4242); /* LEAK:ctor */

	if (p)
		memset(p, 10, 4242);
}

__attribute__((constructor)) static void libctor_init(void)
{
	ctor_leak();
	kept = malloc(900); /* CTOR:freed */
}

__attribute__((destructor)) static void libctor_fini(void)
{
	free(kept);
}
