/*
 * libexitlate - a library the program links (DT_NEEDED): the loader
 * initializes it before the preloaded shim, so its destructor runs after
 * the shim's. It frees the block its constructor made, keeps
 * LEAK:lib-dtor-kept (123 bytes) in a global and drops
 * LEAK:lib-dtor-lost (124 bytes): memcheck says reachable and definite.
 */
#include <stdlib.h>
#include <string.h>

void *exitlate_kept;
static void *made;
static void *volatile sink;

__attribute__((constructor)) static void made_at_start(void)
{
	made = malloc(444);
}

__attribute__((destructor)) static void at_end(void)
{
	free(made);
	exitlate_kept = malloc(123); /* LEAK:lib-dtor-kept */
	sink = malloc(124);	     /* LEAK:lib-dtor-lost */
	memset(sink, 0, 124);
	sink = NULL;
}

void exitlate_touch(void)
{
}
