/*
 * probe_chdir_fork - a program that works in a scratch directory: it
 * goes there, forks a worker that allocates, and removes the directory
 * when the worker is done. Natively the directory is empty then.
 *
 * The trace's name is relative here (the default, perfshim.%p.zst, is):
 * the probe runs itself again with one if it was given an absolute one.
 * A shim that opened the child's trace by that name in the child's
 * directory left a file in the scratch directory: rmdir() failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *out = getenv("PERFSHIM_OUTPUT");
	char scratch[] = "probe_chdir_fork.XXXXXX";
	int st;

	(void)argc;
	if (out && out[0] == '/' && !getenv("PROBE_CHDIR_FORK")) {
		setenv("PROBE_CHDIR_FORK", "1", 1);
		setenv("PERFSHIM_OUTPUT", "probe_chdir_fork.%p.zst", 1);
		execv("/proc/self/exe", argv);
		perror("execv");
		return 2;
	}
	if (!mkdtemp(scratch) || chdir(scratch))
		return 4;
	pid_t c = fork();

	if (c == 0) {
		char *volatile p = malloc(100);

		strcpy(p, "work");
		free(p);
		_exit(0);
	}
	if (c < 0 || waitpid(c, &st, 0) != c)
		return 5;
	if (chdir("..") || rmdir(scratch)) {
		printf("rmdir scratch: %s\n", strerror(errno));
		return 1;
	}
	printf("the worker's directory is empty again\n");
	return 0;
}
