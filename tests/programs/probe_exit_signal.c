/*
 * probe_exit_signal - a signal sent to a process that has already called
 * _exit() (or exit(), with nothing left to run) changes nothing: the
 * process ends with that status, at once.
 *
 * Python's multiprocessing.Pool does exactly this: its workers leave by
 * os._exit(0) while the pool sends them SIGTERM. Under the shim, _exit()
 * first scans the heap for leaks; a SIGTERM arriving then ran the fatal
 * signal path, which waited 2 s twice for the lock the interrupted scan
 * holds, and the child ended by SIGTERM with no END record (and the
 * parent's join took seconds).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One child that leaves by _exit(7) (how 0) or exit(7) (how 1), sent a
 * SIGTERM 300 ms after it said it is leaving. */
static int child(int how)
{
	int fd[2];
	char c;
	int st;

	if (pipe(fd))
		return 99;
	pid_t pid = fork();

	if (pid < 0)
		return 98;
	if (pid == 0) {
		/* A heap worth scanning, so the shim's exit work takes long. */
		void **head = NULL;

		for (int i = 0; i < 300000; i++) {
			void **p = malloc(48);

			if (!p)
				_exit(97);
			p[0] = head;
			head = p;
		}
		if (write(fd[1], "x", 1) != 1)
			_exit(96);
		if (how)
			exit(7);
		_exit(7);
	}
	if (read(fd[0], &c, 1) != 1)
		return 95;
	/* Natively the child ended long before: kill() finds a zombie. */
	struct timespec pause = { 0, 300 * 1000000L };

	nanosleep(&pause, NULL);
	kill(pid, SIGTERM);
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (waitpid(pid, &st, 0) != pid)
		return 94;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (WIFEXITED(st))
		printf("child exited %d\n", WEXITSTATUS(st));
	else
		printf("child killed by signal %d\n", WTERMSIG(st));
	/* The child is gone at once, not after the shim's lock waits. */
	printf("reaped within 1 s: %s\n",
	       t1.tv_sec - t0.tv_sec < 1 ? "yes" : "no");
	return 0;
}

int main(void)
{
	for (int how = 0; how < 2; how++) {
		printf("%s:\n", how ? "exit" : "_exit");
		fflush(stdout);
		int r = child(how);

		if (r)
			return r;
	}
	return 0;
}
