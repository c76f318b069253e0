/*
 * fdheld.h - unit tests of the shim's ways round a process that holds
 * every descriptor number its RLIMIT_NOFILE allows: take them all, and
 * check afterwards that the process's numbers and children are as they
 * were.
 */
#ifndef PERFSHIM_TEST_FDHELD_H
#define PERFSHIM_TEST_FDHELD_H

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

/* How many numbers below limit are open. */
static inline int fds_open_below(int limit)
{
	int n = 0;

	for (int fd = 0; fd < limit; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* Open /dev/null until EMFILE, into fds[]: how many. */
static inline int fds_fill(int *fds, int cap)
{
	int n = 0, fd;

	while (n < cap && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n++] = fd;
	return n;
}

/* 1 if every number below limit is still open, fds[0..n) among them,
 * and the process has no child left to be waited for. */
static inline int fds_as_they_were(const int *fds, int n, int limit)
{
	int status, intact = fds_open_below(limit) == limit;

	for (int i = 0; i < n; i++)
		intact = intact && fcntl(fds[i], F_GETFD) >= 0;
	return intact && waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

#endif
