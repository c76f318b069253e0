/*
 * exit_reg_root MODE - built with -O2: main allocates 33 bytes and keeps
 * its only pointer in a callee-saved register across a call (strcmp),
 * then leaves by MODE with that register still holding it:
 *
 *   exit     exit(2)
 *   _exit    _exit(3)
 *   daemon   daemon(1, 1): the parent leaves inside it by _exit(0); the
 *            child exits 4
 *
 * Registers are roots (memcheck: "still reachable"): the block is
 * reachable, not lost. Otherwise (no argument) main frees it, exits 0.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *x = malloc(33);

	/* Used, in a register only: the compiler may drop neither the
	 * malloc nor the free, nor store x in memory. */
	__asm__ volatile("" : : "r"(x));

	if (argc > 1 && !strcmp(argv[1], "exit"))
		exit(2);
	if (argc > 1 && !strcmp(argv[1], "_exit"))
		_exit(3);
	if (argc > 1 && !strcmp(argv[1], "daemon")) {
		if (daemon(1, 1) == 0)
			_exit(4);
		return 1;
	}
	free(x);
	return 0;
}
