/*
 * malloc_addr - a program that only takes the addresses of malloc and
 * free (as CPython's raw allocator table does) and calls through them;
 * it defines no allocator. Built without PIE (malloc_addr_nopie), its
 * undefined "malloc" gets a value: a canonical PLT entry that dlsym()
 * gives for the name. Prints how many blocks it kept, and what it
 * found of its environment (MALLOC_ADDR_VAR, environ, main's envp): a
 * shim that ran libc's initializer early, from its own, left them empty.
 */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

void *(*volatile take)(size_t);
void (*volatile give)(void *);

int main(int argc, char **argv, char **envp)
{
	const char *var = getenv("MALLOC_ADDR_VAR");
	int kept = 0;

	printf("argv[0] %s, %d arguments\n", argc > 0 ? "set" : "missing",
	       argc);
	printf("MALLOC_ADDR_VAR %s\n", var ? var : "(unset)");
	printf("environ %s, envp %s\n", environ && *environ ? "set" : "empty",
	       envp && *envp ? "set" : "empty");

	take = malloc; /* in code: an absolute address, without PIE */
	give = free;
	for (int i = 0; i < 10000; i++) {
		char *p = take(16 + (size_t)i % 300);

		if (i % 1000)
			give(p);
		else
			kept++;
	}
	printf("kept %d\n", kept);
	return 0;
}
