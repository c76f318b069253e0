/*
 * clone_brief - a child made by a raw clone system call (no fork handler
 * runs in it) that allocates once, prints "child" and exits 4; the
 * parent prints the child's status. Under the shim the child runs
 * untraced, and must say so once on stderr even though it never fills a
 * ring (probe K: such a child said nothing). With the argument
 * "return", the child is made by glibc's clone() and returns 4 from its
 * function: it leaves by the exit system call, no exit handler runs.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;
static char child_stack[65536] __attribute__((aligned(16)));

static int child(void *arg)
{
	(void)arg;
	sink = malloc(100);
	printf("child\n");
	fflush(stdout);
	return 4;
}

int main(int argc, char **argv)
{
	int st;

	sink = malloc(10);
	free(sink);
	long p = argc > 1 && !strcmp(argv[1], "return")
			 ? clone(child, child_stack + sizeof(child_stack),
				 SIGCHLD, NULL)
			 : syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	if (p < 0)
		return 2;
	if (p == 0)
		exit(child(NULL));
	if (waitpid((pid_t)p, &st, 0) != p)
		return 2;
	printf("parent: child status %d\n", WEXITSTATUS(st));
	return 0;
}
