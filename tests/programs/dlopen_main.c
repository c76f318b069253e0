/*
 * dlopen_main LIB... - for each LIB in turn: dlopen it, call its
 * leaky_make() (which leaks), dlclose it. Libraries loaded one after the
 * other may be mapped at the same addresses: each leak must still be put
 * down to the library that made it. Silent unless dlopen fails.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static void touch(void *p)
{
	if (!p)
		abort();
	memset(p, 5, 1);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW | RTLD_LOCAL);
		void *(*make)(void);

		if (!h) {
			fprintf(stderr, "dlopen_main: %s\n", dlerror());
			return 2;
		}
		*(void **)&make = dlsym(h, "leaky_make");
		if (!make) {
			fprintf(stderr, "dlopen_main: %s\n", dlerror());
			return 2;
		}
		touch(make()); /* CALL:leaky_make */
		if (dlclose(h)) {
			fprintf(stderr, "dlopen_main: %s\n", dlerror());
			return 2;
		}
	}
	return 0;
}
