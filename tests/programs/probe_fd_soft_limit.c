/*
 * probe_fd_soft_limit - how many descriptors the program can open before
 * EMFILE under a soft limit of 32 with the hard limit left higher (set
 * here, then re-executed so the shim loads under it), what getrlimit
 * says, and whether closing every number below the limit (as daemons
 * do) and opening again gives the same numbers. A server that sizes its
 * pools from RLIMIT_NOFILE, or a test of fd exhaustion, sees the same
 * budget under the shim: the shim's own descriptors sit above the soft
 * limit where the hard limit leaves room for them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static int count(void)
{
	int n = 0, fd, last = -1;

	while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		n++;
		last = fd;
	}
	printf("opened %d up to fd %d, then %s\n", n, last,
	       strerrorname_np(errno));
	return last;
}

int main(int argc, char **argv)
{
	struct rlimit rl;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	if (argc > 1) {
		printf("soft %llu\n", (unsigned long long)rl.rlim_cur);
		int last = count();

		for (int fd = 3; fd < (int)rl.rlim_cur; fd++)
			close(fd);
		count();
		printf("closed all: %d\n", last);
		/* a malloc-heavy phase after the exhaustion: still traced */
		for (int i = 0; i < 1000; i++)
			free(strdup("x"));
		return 0;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 64) {
		puts("hard limit too low to probe");
		return 0;
	}
	rl.rlim_cur = 32;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	execl("/proc/self/exe", argv[0], "again", (char *)NULL);
	return 1;
}
