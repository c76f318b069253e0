/*
 * probe_rlimit_as - under an address-space limit (RLIMIT_AS) set to what
 * the probe's work needs without the shim plus 64, 128, 256 or 512 MiB,
 * the work still succeeds: the shim's own address space fits in 64 MiB,
 * and never takes what the program needs. The probe measures the need in
 * a child run without LD_PRELOAD ("measure": it prints its VmPeak in
 * KiB), then for each limit executes itself again ("limited") with the
 * environment it was given.
 *
 * The work: 48 MiB in one block, many small blocks, four threads one
 * after the other that allocate, and a fork.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status_kb.h"

extern char **environ;

static void *thread_work(void *arg)
{
	void *keep[1000];

	for (int i = 0; i < 1000; i++)
		keep[i] = malloc(16 + i);
	for (int i = 0; i < 1000; i++)
		free(keep[i]);
	return arg;
}

/* 0 when every step worked; prints each step when verbose. */
static int work(int verbose)
{
	int bad = 0, status;
	char *big = malloc(48 << 20);
	static void *small[20000];
	pthread_t th;

	if (big)
		memset(big, 1, 48 << 20);
	bad |= !big;
	if (verbose)
		printf("48 MiB block: %s\n", big ? "ok" : "failed");
	for (int i = 0; i < 20000; i++)
		bad |= !(small[i] = malloc(32 + i % 200));
	if (verbose)
		printf("small blocks: %s\n", bad ? "failed" : "ok");
	for (int i = 0; i < 4; i++) {
		int r = pthread_create(&th, NULL, thread_work, NULL);

		if (!r)
			pthread_join(th, NULL);
		bad |= r != 0;
		if (verbose)
			printf("thread %d: %s\n", i, r ? "failed" : "ok");
	}
	pid_t pid = fork();

	if (pid == 0)
		_exit(thread_work(NULL) != NULL);
	bad |= pid < 0 || waitpid(pid, &status, 0) != pid || status != 0;
	if (verbose)
		printf("fork: %s\n", pid < 0 ? "failed" : "ok");
	for (int i = 0; i < 20000; i++)
		free(small[i]);
	free(big);
	return bad;
}

/* The work's VmPeak without the shim, from a child without LD_PRELOAD. */
static long native_need(const char *self)
{
	int p[2];
	char buf[64] = "";
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		unsetenv("LD_PRELOAD");
		execl(self, self, "measure", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);

	waitpid(pid, NULL, 0);
	return n > 0 ? atol(buf) : -1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "measure")) {
		int bad = work(0);

		printf("%ld\n", status_kb("VmPeak:"));
		return bad;
	}
	if (argc > 1 && !strcmp(argv[1], "limited")) {
		int bad = work(1);

		printf("all steps: %s\n", bad ? "some failed" : "ok");
		return bad;
	}
	long need = native_need("/proc/self/exe");

	if (need <= 0) {
		printf("could not measure the need\n");
		return 1;
	}
	/* Every room above the need, from the shim's budget up: the limit
	 * must not leave the shim's reservations just enough to crowd the
	 * program out. */
	for (long mib = 64; mib <= 512; mib *= 2) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			struct rlimit rl;

			rl.rlim_cur = rl.rlim_max =
				(rlim_t)(need + mib * 1024) * 1024;
			if (setrlimit(RLIMIT_AS, &rl))
				_exit(126);
			execl("/proc/self/exe", argv[0], "limited",
			      (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		printf("need + %ld MiB: status %d\n", mib, status);
	}
	return 0;
}
