/*
 * fork MODE ... - processes that fork, exec and spawn.
 *
 *   leak       forks; the child leaks 2 blocks of 222 bytes (LEAK:child)
 *              and exits 0; the parent waits, leaks 1111 bytes in one
 *              block (LEAK:parent) and prints "parent PID" and
 *              "child PID" on stdout. A block allocated before the fork
 *              (FORK:prefork) is freed by both processes: no leak in
 *              either trace.
 *   exec PROG ARGS...
 *              forks; the child execs PROG (after writing a line); the
 *              parent waits and exits with the child's exit status.
 *   exec-untraced PROG ARGS...
 *              the same, but the child removes LD_PRELOAD from its
 *              environment first, so that PROG runs without the shim
 *              (and shows what it inherited, e.g. open descriptors).
 *   execveat PROG, syscall-execve PROG
 *              leaks 3 blocks of 100 bytes (LEAK:before_exec), then
 *              replaces itself with PROG (no arguments) through
 *              execveat() or syscall(SYS_execve), without a fork.
 *   system CMD runs CMD through system(3) and exits with its status.
 *   vfork PROG ARGS...
 *              vfork()s and execs PROG in the child; the parent then leaks
 *              999 bytes (LEAK:after_vfork) and exits with the child's
 *              status. The vfork child shares the parent's memory until
 *              it execs: the parent's trace must come through whole.
 *   inherit N  the parent (one thread) holds N blocks of 48 bytes
 *              (FORK:inherited) in a global array and forks. The child
 *              frees the even ones, the first 5 of them holding a block
 *              of 200 bytes each (LEAK:child-lost: definite, the only
 *              pointer to it freed); in each odd one it hangs a block of
 *              40 bytes (LEAK:child-hung: reachable through it), leaks 3
 *              blocks of 321 bytes (LEAK:child-inherit) and forks a
 *              grandchild, which frees every hung block, leaks 2 blocks
 *              of 123 bytes (LEAK:grandchild) and exits 0; the child
 *              waits and exits 0. The parent waits, frees its N blocks
 *              and exits 0. Each trace judges only its own blocks.
 *   threads-fork
 *              4 threads churn malloc/free while main forks 40 children,
 *              each of which allocates, frees and exits 0 (a fork taken
 *              while another thread is inside malloc must not deadlock
 *              the child); prints "forked 40".
 *   spare-threads
 *              starts and joins 20 threads one after another, each of
 *              which allocates and frees 77 bytes (LEAK:spare), then
 *              forks; the child starts and joins 3 more, each of which
 *              leaks its 77 bytes, and exits 0 (the child's threads may
 *              take the states the parent's left, whose caches name the
 *              parent's stacks). Prints "parent PID" and "child PID".
 * Output goes through write(2) and a stack buffer: no stdio buffer.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define NOINLINE __attribute__((noinline))

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 4, n);
}

static void say(const char *fmt, long a)
{
	char buf[128];
	int n = snprintf(buf, sizeof buf, fmt, a);

	if (write(1, buf, (size_t)n) != n)
		abort();
}

NOINLINE static void leak_child(void)
{
	void *p = malloc(222); /* LEAK:child */
	touch(p, 222);
}

NOINLINE static void leak_parent(void)
{
	void *p = malloc(1111); /* LEAK:parent */
	touch(p, 1111);
}

NOINLINE static void leak_after_vfork(void)
{
	void *p = malloc(999); /* LEAK:after_vfork */
	touch(p, 999);
}

NOINLINE static void leak_before_exec(void)
{
	for (int i = 0; i < 3; i++) {
		void *p = malloc(100); /* LEAK:before_exec */

		touch(p, 100);
	}
}

NOINLINE static void leak_child_inherit(void)
{
	for (int i = 0; i < 3; i++) {
		void *p = malloc(321); /* LEAK:child-inherit */

		touch(p, 321);
	}
}

NOINLINE static void leak_grandchild(void)
{
	for (int i = 0; i < 2; i++) {
		void *p = malloc(123); /* LEAK:grandchild */

		touch(p, 123);
	}
}

/* Its pointer goes with the inherited block it is in, which the child
 * frees: definitely lost (not indirect: the freed block is not live). */
NOINLINE static void *lose_in_child(void)
{
	void *p = malloc(200); /* LEAK:child-lost */

	touch(p, 200);
	return p;
}

static int wait_status(pid_t pid);

void **inherited;

static int inherit(long n)
{
	pid_t pid;

	inherited = malloc((size_t)n * sizeof(*inherited));
	if (!inherited)
		abort();
	for (long i = 0; i < n; i++) {
		inherited[i] = malloc(48); /* FORK:inherited */
		touch(inherited[i], 48);
	}
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		for (long i = 0; i < n; i += 2) {
			if (i < 10) /* past the word free() writes */
				((void **)inherited[i])[3] = lose_in_child();
			free(inherited[i]);
			inherited[i] = NULL;
		}
		for (long i = 1; i < n; i += 2) {
			void *p = malloc(40); /* LEAK:child-hung */

			touch(p, 40);
			*(void **)inherited[i] = p;
		}
		leak_child_inherit();
		pid = fork();
		if (pid < 0)
			abort();
		if (pid == 0) {
			for (long i = 1; i < n; i += 2)
				free(*(void **)inherited[i]);
			leak_grandchild();
			exit(0);
		}
		exit(wait_status(pid));
	}
	int st = wait_status(pid);

	for (long i = 0; i < n; i++)
		free(inherited[i]);
	free(inherited);
	return st;
}

static atomic_int stop;

static void *churn(void *arg)
{
	unsigned n = (unsigned)(size_t)arg;

	while (!atomic_load(&stop)) {
		void *p = malloc(n++ % 512 + 1);
		touch(p, 1);
		free(p);
	}
	return NULL;
}

static int threads_fork(void)
{
	pthread_t t[4];
	int failed = 0;

	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, churn, (void *)(size_t)i))
			abort();
	for (int i = 0; i < 40; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			abort();
		if (pid == 0) {
			for (int j = 0; j < 100; j++)
				free(malloc((size_t)j + 1));
			exit(0);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			failed++;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	say("forked %ld\n", 40L - failed);
	return failed ? 1 : 0;
}

static int keep_spare; /* the child's threads leak, the parent's free */

NOINLINE static void *spare_thread(void *arg)
{
	void *p = malloc(77); /* LEAK:spare */

	(void)arg;
	touch(p, 77);
	if (!keep_spare)
		free(p);
	return NULL;
}

static void spare_round(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, spare_thread, NULL) ||
	    pthread_join(t, NULL))
		abort();
}

static int spare_threads(void)
{
	/* Time for the shim to put each ended thread's state aside. */
	struct timespec pause = { 0, 5000000 };
	pid_t pid;

	for (int i = 0; i < 20; i++) {
		spare_round();
		nanosleep(&pause, NULL);
	}
	pause.tv_nsec = 50000000;
	nanosleep(&pause, NULL);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		keep_spare = 1;
		for (int i = 0; i < 3; i++)
			spare_round();
		exit(0);
	}
	say("parent %ld\n", (long)getpid());
	say("child %ld\n", (long)pid);
	return wait_status(pid);
}

static int wait_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		abort();
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "leak";

	if (!strcmp(mode, "inherit") && argc > 2)
		return inherit(atol(argv[2]));
	if (!strcmp(mode, "leak")) {
		void *shared = malloc(64); /* FORK:prefork */
		pid_t pid;

		touch(shared, 64);
		pid = fork();
		if (pid < 0)
			abort();
		if (pid == 0) {
			for (int i = 0; i < 1000; i++)
				free(malloc((size_t)i +
					    1)); /* FORK:child-churn */
			for (int i = 0; i < 2; i++)
				leak_child(); /* one call site: one stack */
			free(shared);
			exit(0);
		}
		if (wait_status(pid) != 0)
			return 1;
		leak_parent();
		free(shared);
		say("parent %ld\n", (long)getpid());
		say("child %ld\n", (long)pid);
		return 0;
	}
	if ((!strcmp(mode, "exec") || !strcmp(mode, "exec-untraced")) &&
	    argc > 2) {
		pid_t pid;

		for (int i = 0; i < 100; i++)
			free(malloc((size_t)i + 1));
		pid = fork();
		if (pid < 0)
			abort();
		if (pid == 0) {
			if (!strcmp(mode, "exec-untraced"))
				unsetenv("LD_PRELOAD");
			say("child about to exec %ld\n", (long)(argc - 2));
			execv(argv[2], argv + 2);
			_exit(127);
		}
		int st = wait_status(pid);
		say("child exited %ld\n", (long)st);
		return st;
	}
	if (!strcmp(mode, "vfork") && argc > 2) {
		pid_t pid = vfork();

		if (pid < 0)
			abort();
		if (pid == 0) {
			execv(argv[2], argv + 2);
			_exit(127);
		}
		leak_after_vfork();
		int st = wait_status(pid);
		say("child exited %ld\n", (long)st);
		return st;
	}
	if ((!strcmp(mode, "execveat") || !strcmp(mode, "syscall-execve")) &&
	    argc > 2) {
		char *av[] = { argv[2], NULL };

		leak_before_exec();
		if (!strcmp(mode, "execveat"))
			execveat(AT_FDCWD, argv[2], av, environ, 0);
		else
			syscall(SYS_execve, argv[2], av, environ);
		return 127;
	}
	if (!strcmp(mode, "spare-threads"))
		return spare_threads();
	if (!strcmp(mode, "threads-fork"))
		return threads_fork();
	if (!strcmp(mode, "system") && argc > 2) {
		int st = system(argv[2]);

		if (st == -1 || !WIFEXITED(st))
			return 100;
		say("system returned %ld\n", (long)WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	say("fork: bad arguments (%ld)\n", (long)argc);
	return 99;
}
