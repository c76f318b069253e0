/*
 * probe_stderr_pipe - a child whose stderr is a pipe nobody reads (its
 * read end closed), as under `prog 2>&1 | head -0`. It never writes to
 * stderr, so it never gets SIGPIPE and ends with its own status. Run
 * under a profiler that has something to say on stderr (its trace file
 * cannot be made: PERFSHIM_OUTPUT names a missing directory), the
 * saying must not kill it either.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int p[2], st;
	pid_t c;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		printf("child ran\n");
		return 7;
	}
	if (pipe(p))
		return 2;
	close(p[0]);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		dup2(p[1], 2);
		setenv("PERFSHIM_OUTPUT", "/nonexistent-dir/t.%p.zst", 1);
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		_exit(9);
	}
	close(p[1]);
	if (c < 0 || waitpid(c, &st, 0) != c)
		return 3;
	if (WIFSIGNALED(st))
		printf("child killed by signal %d\n", WTERMSIG(st));
	else
		printf("child exit %d\n", WEXITSTATUS(st));
	return 0;
}
