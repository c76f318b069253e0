/*
 * probe_proc_fd - the program's view of its own descriptors: what
 * /proc/self/fd lists, and which numbers answer fcntl(F_GETFD). Fd-leak
 * checkers (test suites), daemons that close "every open descriptor" by
 * listing /proc/self/fd, and lsof-style tools read exactly this.
 * Under the shim the list also held the trace file and a pipe, at the
 * top of the descriptor range (4092-4095 with a 4096 limit). An ordinary
 * directory holding files named like those numbers lists them all.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* A directory of files named 4090-4095: each one listed. */
static int plain_dir(void)
{
	char dir[] = "/tmp/probe_proc_fd.XXXXXX", path[64];
	int names = 0;

	if (!mkdtemp(dir))
		return 97;
	for (int i = 4090; i < 4096; i++) {
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		int fd = open(path, O_CREAT | O_WRONLY, 0600);

		if (fd < 0)
			return 96;
		close(fd);
	}
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		names += e->d_name[0] != '.';
	if (d)
		closedir(d);
	for (int i = 4090; i < 4096; i++) {
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	printf("a directory of 6 numbered files lists %d\n", names);
	return 0;
}

int main(void)
{
	int fds[64], n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return 99;
	int self = dirfd(d);
	struct dirent *e;

	while ((e = readdir(d)) && n < 64) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == self)
			continue;
		fds[n++] = atoi(e->d_name);
	}
	closedir(d);
	qsort(fds, n, sizeof(*fds), cmp);
	printf("/proc/self/fd:");
	for (int i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf("\n");
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 98;
	int open_fds = 0;

	for (rlim_t fd = 0; fd < rl.rlim_cur && fd < 65536; fd++)
		if (fcntl((int)fd, F_GETFD) >= 0)
			open_fds++;
	printf("fcntl(F_GETFD) answers for %d descriptors\n", open_fds);
	return plain_dir();
}
