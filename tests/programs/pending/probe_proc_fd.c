/*
 * probe_proc_fd - the program's view of its own descriptors: what
 * /proc/self/fd lists, and which numbers answer fcntl(F_GETFD). Fd-leak
 * checkers (test suites), daemons that close "every open descriptor" by
 * listing /proc/self/fd, and lsof-style tools read exactly this.
 * Under the shim the list also holds the trace file and a pipe, at the
 * top of the descriptor range (4093-4095 with a 4096 limit).
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
	return 0;
}
