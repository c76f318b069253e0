/*
 * malloc_addr - a program that only takes the addresses of malloc and
 * free (as CPython's raw allocator table does) and calls through them;
 * it defines no allocator. Built without PIE (malloc_addr_nopie), its
 * undefined "malloc" gets a value: a canonical PLT entry that dlsym()
 * gives for the name. Prints how many blocks it kept.
 */
#include <stdio.h>
#include <stdlib.h>

void *(*volatile take)(size_t);
void (*volatile give)(void *);

int main(void)
{
	int kept = 0;

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
