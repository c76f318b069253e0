/*
 * runtime.c - a program whose only unfreed blocks, but one, are the C
 * runtime's: stdout's buffer and setlocale's data.
 *
 *   runtime clean     prints, sets the locale, frees everything of its own
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
	printf("hello from %s\n", argc > 1 ? argv[1] : "nothing");
	free(own);
	if (argc > 1 && !strcmp(argv[1], "leak"))
		printf("%s\n", keep_name());
	return 0;
}
