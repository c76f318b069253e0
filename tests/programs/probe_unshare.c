/*
 * probe_unshare - calls that need the process to have one thread:
 * unshare(CLONE_NEWUSER), unshare(CLONE_VM | CLONE_SIGHAND), setns()
 * into a user namespace and into a mount namespace, and the same through
 * syscall() (setns with nstype 0: any namespace). Each runs in a
 * child of its own (a single-threaded program that allocates before and
 * after), then once more in a child with a second thread, where the
 * kernel refuses it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int user_ns_fd = -1, mnt_ns_fd = -1;

static const char *result(int r)
{
	return r == 0 ? "ok" : strerrorname_np(errno);
}

static void *idle(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static void calls(void)
{
	free(malloc(100));
	printf("  unshare(CLONE_NEWUSER): %s\n", result(unshare(CLONE_NEWUSER)));
	free(malloc(100));
	printf("  unshare(CLONE_VM|CLONE_SIGHAND): %s\n",
	       result(unshare(CLONE_VM | CLONE_SIGHAND)));
	free(malloc(100));
}

/* The same through syscall(), as programs without glibc's wrappers do. */
static void raw_calls(void)
{
	free(malloc(100));
	printf("  syscall(SYS_unshare, CLONE_NEWUSER): %s\n",
	       result((int)syscall(SYS_unshare, CLONE_NEWUSER)));
	free(malloc(100));
}

static void raw_enter(void)
{
	free(malloc(100));
	printf("  syscall(SYS_setns, user, 0): %s\n",
	       result((int)syscall(SYS_setns, user_ns_fd, 0)));
	free(malloc(100));
}

static void enter(void)
{
	free(malloc(100));
	printf("  setns(user): %s\n", result(setns(user_ns_fd, CLONE_NEWUSER)));
	printf("  setns(mnt): %s\n", result(setns(mnt_ns_fd, CLONE_NEWNS)));
	free(malloc(100));
}

static void run(const char *what, void (*fn)(void), int threads)
{
	int st;
	pid_t pid;

	printf("%s, %d thread%s:\n", what, threads, threads > 1 ? "s" : "");
	pid = fork();
	if (pid == 0) {
		pthread_t th;

		if (threads > 1 && pthread_create(&th, NULL, idle, NULL))
			_exit(1);
		fn();
		for (int i = 0; i < 10000; i++)
			free(malloc(32));
		exit(0);
	}
	waitpid(pid, &st, 0);
	printf("  status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
	char path[64];
	int st;
	pid_t holder;
	int pipefd[2], ready[2];
	char c = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	run("unshare", calls, 1);
	run("unshare", calls, 2);
	run("raw unshare", raw_calls, 1);
	run("raw unshare", raw_calls, 2);
	/* A process in new user and mount namespaces, to setns() into. */
	if (pipe(pipefd) || pipe(ready))
		return 1;
	holder = fork();
	if (holder == 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
			_exit(1);
		/* in them now: the parent may open them */
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		printf("the namespace holder failed\n");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)holder);
	user_ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)holder);
	mnt_ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	printf("namespace fds: %s\n",
	       user_ns_fd >= 0 && mnt_ns_fd >= 0 ? "open" : "missing");
	run("setns", enter, 1);
	run("setns", enter, 2);
	run("raw setns", raw_enter, 1);
	run("raw setns", raw_enter, 2);
	close(pipefd[1]);
	waitpid(holder, &st, 0);
	return 0;
}
