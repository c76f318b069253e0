/*
 * overflow.c - leaks, then dies of a stack overflow (SIGSEGV with no stack
 * left to run a handler on, unless one is set aside).
 *
 *   overflow main        in the main thread
 *   overflow thread      in a second thread
 *   overflow sigaltstack sets its own alternate signal stack and checks,
 *                        after allocating, that it is still the one in
 *                        force (prints "own altstack kept"); no overflow
 *
 *   LEAK:before   123 bytes, 1 block, allocated before the overflow
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

static void *volatile keep;

NOINLINE static void leak_before(void)
{
	keep = malloc(123); /* LEAK:before */
}

NOINLINE static int recurse(volatile char *prev, int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	frame[511] = prev ? prev[0] : 0;
	return recurse(frame, depth + 1) + frame[1];
}

static void *overflow(void *arg)
{
	(void)arg;
	leak_before();
	recurse(NULL, 0);
	return NULL;
}

static int own_altstack(void)
{
	static char mine[1 << 16];
	stack_t ss = { .ss_sp = mine, .ss_size = sizeof(mine) }, now;

	if (sigaltstack(&ss, NULL))
		return 1;
	free(malloc(10)); /* the shim's first event in this thread */
	if (sigaltstack(NULL, &now) || now.ss_sp != mine)
		return 1;
	puts("own altstack kept");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "sigaltstack"))
		return own_altstack();
	if (argc > 1 && !strcmp(argv[1], "thread")) {
		pthread_t t;

		pthread_create(&t, NULL, overflow, NULL);
		pthread_join(t, NULL);
		return 0;
	}
	overflow(NULL);
	return 0;
}
