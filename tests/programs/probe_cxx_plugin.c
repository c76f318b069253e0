/*
 * probe_cxx_plugin - a C program (no C++ runtime of its own) loads a C++
 * plugin with RTLD_LOCAL, as an interpreter loads an extension: the
 * plugin's exceptions must go through the unwinder they go through
 * natively, libgcc_s's. Under a shim that puts another library's
 * _Unwind_* symbols (libunwind.so.8 exports them too) ahead of the
 * plugin's own dependencies, they would bind there instead.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	void *h = dlopen("libcxxthrow.so", RTLD_NOW | RTLD_LOCAL);
	const char *(*unwinder)(void);
	int (*catch_it)(int);

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!h) {
		printf("dlopen failed\n");
		return 1;
	}
	*(void **)&unwinder = dlsym(h, "cxxthrow_unwinder");
	*(void **)&catch_it = dlsym(h, "cxxthrow_catch");
	if (!unwinder || !catch_it) {
		printf("symbols missing\n");
		return 1;
	}
	printf("unwinder: %s\n", unwinder());
	printf("caught: %d\n", catch_it(41));
	return 0;
}
