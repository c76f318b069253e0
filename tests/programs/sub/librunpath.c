/*
 * librunpath - built as build/tests/programs/sub/librunpath.so, found
 * only through probe_dlopen_runpath's RUNPATH ($ORIGIN/sub).
 */
#include <stdlib.h>
#include <string.h>

void *runpath_make(void);

void *runpath_make(void)
{
	char *p = malloc(333); /* LEAK:runpath */

	if (p)
		strcpy(p, "made in librunpath.so");
	return p;
}
