/*
 * fd_tight - a descriptor limit with no room above it: soft = hard =
 * LIMIT (set here, then re-executed, so that a preloaded shim starts
 * under it). The program opens /dev/null until EMFILE, printing each
 * number, allocates, and closes them. Natively it gets 3 to LIMIT - 1.
 * `fd_tight keep` leaves them open to its end, keeps LEAK:tight-kept
 * (33 bytes) in a global, drops LEAK:tight-lost (44 bytes), and forks a
 * child that drops LEAK:tight-child (55 bytes) and exits: while every
 * number is held, the child's trace is made and the exit scans read the
 * memory map all the same (by copies of the process).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIMIT 6

static void *volatile sink;
void *kept;

int main(int argc, char **argv)
{
	struct rlimit rl = { LIMIT, LIMIT };
	int fd, last = 2;

	int keep = argc > 1 && !strcmp(argv[1], "keep");

	if (argc < 2 || keep) {
		closefrom(3);
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return 1;
		execl("/proc/self/exe", argv[0], keep ? "run-keep" : "run",
		      (char *)NULL);
		return 2;
	}
	keep = !strcmp(argv[1], "run-keep");
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		printf("open: %d\n", fd);
		last = fd;
	}
	printf("then %s\n", strerrorname_np(errno));
	for (int i = 0; i < 100000; i++) {
		sink = malloc(32 + i % 500);
		free(sink);
	}
	if (keep) {
		kept = malloc(33); /* LEAK:tight-kept */
		sink = malloc(44); /* LEAK:tight-lost */
		sink = NULL;
		fflush(stdout);
		pid_t pid = fork();

		if (pid == 0) {
			sink = malloc(55); /* LEAK:tight-child */
			sink = NULL;
			exit(0);
		}
		return pid < 0 || waitpid(pid, NULL, 0) != pid;
	}
	for (; last > 2; last--)
		if (close(last))
			printf("close %d: %s\n", last, strerrorname_np(errno));
	return 0;
}
