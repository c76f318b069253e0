/*
 * probe_raw_clone - children the fork handlers never see: clone() with
 * a stack of its own and no CLONE_VM, syscall(SYS_fork), and clone with
 * CLONE_VM (memory shared with the parent, which waits). Each child
 * allocates far more than one event buffer holds, and must neither hang
 * nor harm the parent, whose allocations go on after each child.
 * With the argument spin: one CLONE_VM child while the parent spins.
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

#define ROUNDS 300000

static long churn(void)
{
	long sum = 0;

	for (long i = 0; i < ROUNDS; i++) {
		char *p = malloc(16 + i % 200);

		p[0] = (char)i;
		sum += p[0] & 1;
		free(p);
	}
	return sum;
}

static int child_fn(void *arg)
{
	long sum = churn();

	(void)arg;
	return sum == ROUNDS / 2 ? 7 : 1;
}

static void show(const char *what, pid_t pid)
{
	int st;

	if (pid < 0) {
		printf("%s: failed\n", what);
		return;
	}
	if (waitpid(pid, &st, __WALL) != pid)
		printf("%s: waitpid failed\n", what);
	else if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: signal %d\n", what, WTERMSIG(st));
	printf("parent after %s: %ld\n", what, churn());
}

/* The CLONE_VM child says it is done here (their memory is one). */
static volatile int child_done;

static int child_then_done(void *arg)
{
	int r = child_fn(arg);

	child_done = 1;
	return r;
}

int main(int argc, char **argv)
{
	static char stack[1 << 20] __attribute__((aligned(16)));
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* spin: one CLONE_VM child, and the parent on the CPU until it is
	 * done (its thread's CPU timer fires all the while), then waits. */
	if (argc > 1 && !strcmp(argv[1], "spin")) {
		volatile unsigned long spins = 0;

		pid = clone(child_then_done, stack + sizeof(stack),
			    CLONE_VM | SIGCHLD, NULL);
		while (pid > 0 && !child_done)
			spins++;
		show("clone(CLONE_VM), the parent spinning", pid);
		/* and on the CPU outside the allocator: CPU samples again */
		for (spins = 0; spins < 200000000; spins++)
			;
		return 0;
	}
	printf("parent: %ld\n", churn());
	show("clone", clone(child_fn, stack + sizeof(stack), SIGCHLD, NULL));

	pid = (pid_t)syscall(SYS_fork);
	if (pid == 0)
		_exit(child_fn(NULL));
	show("SYS_fork", pid);

	pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(child_fn(NULL));
	show("SYS_clone", pid);

	show("clone(CLONE_VM)",
	     clone(child_fn, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL));
	show("clone(CLONE_VM|CLONE_VFORK)",
	     clone(child_fn, stack + sizeof(stack),
		   CLONE_VM | CLONE_VFORK | SIGCHLD, NULL));
	return 0;
}
