/*
 * runtime.c - a program whose only unfreed blocks, but one, are the C
 * runtime's: stdout's buffer, setlocale's data and setenv's copies (glibc
 * keeps each "NAME=VALUE" for good, in a tree: nodes with pointers into
 * the middle of blocks, "possible" leaks of the program's once).
 *
 *   runtime clean     prints, sets the locale, sets ten variables (each
 *                     twice), frees everything of its own
 *   runtime leak      the same, plus one leaked strdup
 *                     LEAK:dup  14 bytes ("runtime-check" + NUL), 1 block
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static char *keep_name(void)
{
	return strdup("runtime-check"); /* LEAK:dup */
}

int main(int argc, char **argv)
{
	char *own = malloc(100);

	setlocale(LC_ALL, "C.UTF-8");
	for (int i = 0; i < 20; i++) {
		char name[16], value[16];

		snprintf(name, sizeof(name), "RUNTIME_V%d", i % 10);
		snprintf(value, sizeof(value), "%d", i);
		setenv(name, value, 1);
	}
	printf("hello from %s\n", argc > 1 ? argv[1] : "nothing");
	free(own);
	if (argc > 1 && !strcmp(argv[1], "leak"))
		printf("%s\n", keep_name());
	return 0;
}
