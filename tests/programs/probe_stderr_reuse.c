/*
 * probe_stderr_reuse - a program that closes stderr and opens a file of
 * its own in its place finds nothing in that file it did not write. The
 * child here makes its file the new fd 2, then makes writing its trace
 * fail (RLIMIT_FSIZE), and exits: whatever the shim has to say about
 * that must not land in the file.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(const char *path)
{
	struct rlimit rl = { 4096, 4096 };
	void *keep[20000];

	close(2);
	if (open(path, O_WRONLY | O_APPEND) != 2)
		_exit(3);
	if (setrlimit(RLIMIT_FSIZE, &rl))
		_exit(4);
	/* Enough distinct blocks that the trace outgrows the limit. */
	for (int i = 0; i < 20000; i++)
		keep[i] = malloc(16 + (size_t)(i * 7919) % 4000);
	for (int i = 0; i < 20000; i += 2)
		free(keep[i]);
	exit(0);
}

int main(void)
{
	char path[] = "/tmp/probe_stderr_reuse.XXXXXX";
	int fd = mkstemp(path), status;
	struct stat st;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (fd < 0)
		return 1;
	pid_t pid = fork();

	if (pid == 0)
		child(path);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status))
		printf("child exited %d\n", WEXITSTATUS(status));
	else
		printf("child killed by signal %d\n", WTERMSIG(status));
	fstat(fd, &st);
	printf("its new stderr holds %lld bytes\n", (long long)st.st_size);
	unlink(path);
	return 0;
}
