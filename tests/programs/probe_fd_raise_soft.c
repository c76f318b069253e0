/*
 * probe_fd_raise_soft - a program that raises its soft RLIMIT_NOFILE (as
 * servers, build tools and language runtimes do at start) and then opens
 * files: are the numbers it gets the ones it gets natively? Started with
 * a soft limit of 64 and the hard one higher (set here, then re-executed
 * so that the shim loads under it, and puts its descriptors just above
 * 64), it raises the soft limit to 512, then to the hard limit (at most
 * 4096), and after each opens 300 files, printing each jump in the
 * numbers. The shim's descriptors must leave the program's new budget.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void open_many(int n, int *fds)
{
	int prev = -1;

	for (int i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0) {
			printf("open %d: %s\n", i, strerrorname_np(errno));
			n = i;
			break;
		}
		if (prev >= 0 && fd != prev + 1)
			printf("jump %d -> %d\n", prev, fd);
		prev = fd;
		fds[i] = fd;
		free(malloc(100 + (size_t)i)); /* traced between the opens */
	}
	printf("opened %d, last %d\n", n, prev);
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

static int raise_to(rlim_t soft, int use_prlimit)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	rl.rlim_cur = soft < rl.rlim_max ? soft : rl.rlim_max;
	if (use_prlimit ? prlimit(0, RLIMIT_NOFILE, &rl, NULL)
			: setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	printf("soft limit raised\n");
	return 0;
}

int main(int argc, char **argv)
{
	static int fds[4096];
	struct rlimit rl;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	if (argc > 1) {
		for (int i = 0; i < 1000; i++)
			free(malloc((size_t)i + 1));
		if (raise_to(512, 0))
			return 1;
		open_many(300, fds);
		if (raise_to(4096, 1))
			return 1;
		open_many(600, fds);
		return 0;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 1024) {
		puts("hard limit too low to probe");
		return 0;
	}
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	execl("/proc/self/exe", argv[0], "again", (char *)NULL);
	return 1;
}
