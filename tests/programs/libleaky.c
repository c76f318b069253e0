/*
 * libleaky.so - loaded by dlopen_main, which calls leaky_make() and then
 * dlcloses the library. LEAK:lib leaks 777 bytes in one block.
 */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void *leaky_make(void)
{
	void *p = malloc(777); /* LEAK:lib */

	if (p)
		memset(p, 6, 777);
	return p;
}
