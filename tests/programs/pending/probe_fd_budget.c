/*
 * probe_fd_budget - how many descriptors the program can open before
 * EMFILE, under a limit of 32 (set here, then re-executed so the shim
 * loads under it).
 * Fd-exhaustion tests and servers that size their pools from
 * RLIMIT_NOFILE depend on this count. On main the shim's trace file
 * comes out of the program's budget: 1 fewer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void count(const char *what)
{
	int n = 0, fd, last = -1;

	while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		n++;
		last = fd;
	}
	printf("%s: opened %d, then %s\n", what, n, strerrorname_np(errno));
	/* Free them again, highest first, and check the last one was ours. */
	printf("last fd closes: %d\n", last >= 0 ? close(last) : -2);
	for (fd = last - 1; fd > 2; fd--)
		close(fd);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 32, 32 };

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1) {
		count("limit 32");
		return 0;
	}
	closefrom(3); /* whatever the probe inherited */
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	execl("/proc/self/exe", argv[0], "low", (char *)NULL);
	printf("exec: %s\n", strerror(errno));
	return 1;
}
