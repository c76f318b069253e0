/*
 * probe_dlopen_runpath - dlopen() and dlmopen() by a bare name find the
 * library through the caller's RUNPATH ($ORIGIN/sub; the Makefile links
 * this probe so): the loader must see the program as the caller.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

static void try(const char *how, void *h)
{
	char *(*make)(void);

	if (!h) {
		printf("%s: failed\n", how);
		return;
	}
	*(void **)&make = dlsym(h, "runpath_make");
	printf("%s: %s\n", how, make ? make() : "no runpath_make");
	printf("%s: dlclose %d\n", how, dlclose(h));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	try("dlopen", dlopen("librunpath.so", RTLD_NOW));
	try("dlmopen", dlmopen(LM_ID_BASE, "librunpath.so", RTLD_NOW));
	try("dlopen again", dlopen("librunpath.so", RTLD_LAZY | RTLD_LOCAL));
	return 0;
}
