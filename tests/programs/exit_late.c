/*
 * exit_late MODE - blocks allocated after the shim's own end would be:
 * the exit scan must wait for them (they had no verdict, "unclassified",
 * and the default gate failed on a program memcheck calls clean).
 *
 *   return        main returns 0; the destructor of libexitlate.so
 *                 (linked, so run after the shim's) keeps 123 bytes and
 *                 drops 124 (see there)
 *   quick         at_quick_exit handlers: one keeps LEAK:quick-kept
 *                 (111 bytes) in a global, one frees a block, one drops
 *                 LEAK:quick-lost (222 bytes); quick_exit(3)
 *
 * Prints which handlers ran, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void exitlate_touch(void);

static void *kept, *to_free;
static void *volatile sink;

static void quick_keep(void)
{
	kept = malloc(111); /* LEAK:quick-kept */
	puts("keep");
}

static void quick_free(void)
{
	free(to_free);
	puts("free");
}

static void quick_lose(void)
{
	sink = malloc(222); /* LEAK:quick-lost */
	memset(sink, 0, 222);
	sink = NULL;
	puts("lose");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	exitlate_touch();
	if (!strcmp(mode, "quick")) {
		to_free = malloc(333);
		at_quick_exit(quick_lose);
		at_quick_exit(quick_free);
		at_quick_exit(quick_keep);
		quick_exit(3);
	}
	return strcmp(mode, "return") ? 2 : 0;
}
