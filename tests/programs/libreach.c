/*
 * libreach.so - loaded by reach_misc dlopen, which calls reach_lib_make()
 * and then dlcloses it. LEAK:lib-global (321 bytes) is held only by the
 * library's own static, which dlclose unmaps: definite. LEAK:lib-ret
 * (123 bytes) is handed to the program, which keeps it: reachable.
 */
#include <stdlib.h>

static void *lib_global;

__attribute__((noinline)) void *reach_lib_make(void)
{
	lib_global = malloc(321); /* LEAK:lib-global */
	return malloc(123);	  /* LEAK:lib-ret */
}
