/*
 * probe_altstack - what sigaltstack() reports to the program, in the
 * main thread (after it allocated) and in a new thread: none until the
 * program sets one, then the program's own, then none again. The shim
 * gives each traced thread an alternate stack of its own (for a stack
 * overflow's SIGSEGV); a program that asks must still see none, as a
 * runtime that installs its stack only where there is none does. A
 * thread that set its own before its first allocation keeps it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* linux/signal.h */
#endif

static void show(const char *who, const char *when, const void *mine)
{
	stack_t cur;

	if (sigaltstack(NULL, &cur)) {
		printf("%s %s: sigaltstack failed\n", who, when);
		return;
	}
	printf("%s %s: %s, %s, size %s\n", who, when,
	       cur.ss_flags & SS_DISABLE ? "disabled" : "enabled",
	       cur.ss_sp == mine && mine ? "the program's"
	       : cur.ss_sp		 ? "another's"
					 : "none",
	       cur.ss_size == 65536 ? "64 KiB"
	       : cur.ss_size	    ? "other"
				    : "0");
}

static void *run(void *arg)
{
	const char *who = arg;
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536 };
	stack_t off = { .ss_flags = SS_DISABLE };

	free(malloc(64)); /* the thread's first allocation */
	show(who, "at first", NULL);
	if (sigaltstack(&ss, NULL))
		puts("set failed");
	show(who, "after setting its own", ss.ss_sp);
	if (sigaltstack(&off, NULL))
		puts("disable failed");
	show(who, "after disabling", ss.ss_sp);
	free(ss.ss_sp);
	return NULL;
}

/* A thread that sets its own stack (with SS_AUTODISARM) before its
 * first allocation: the shim, coming second, must leave it as it was. */
static void *first(void *arg)
{
	static char mine[65536];
	stack_t ss = { .ss_sp = mine,
		       .ss_size = sizeof(mine),
		       .ss_flags = SS_AUTODISARM };
	stack_t cur;

	if (sigaltstack(&ss, NULL)) {
		ss.ss_flags = 0; /* a kernel before 4.7 */
		if (sigaltstack(&ss, NULL))
			puts("set failed");
	}
	free(malloc(64)); /* the thread's first allocation */
	show(arg, "own before its first allocation", mine);
	if (!sigaltstack(NULL, &cur))
		printf("%s flags: %s\n", (const char *)arg,
		       cur.ss_flags == ss.ss_flags ? "as set" : "changed");
	return NULL;
}

int main(void)
{
	pthread_t t;

	setvbuf(stdout, NULL, _IONBF, 0);
	run("main");
	if (pthread_create(&t, NULL, run, "thread") || pthread_join(t, NULL))
		return 1;
	if (pthread_create(&t, NULL, first, "first") || pthread_join(t, NULL))
		return 1;
	return 0;
}
