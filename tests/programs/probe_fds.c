/*
 * probe_fds - the program's descriptors are its own: numbers it gets,
 * numbers it asks for, and the numbers it never opened (where the shim
 * keeps its own: fcntl, fstat, fstatat, statx, dup and close on them
 * fail with EBADF) behave as without the shim, also under a descriptor
 * limit as low as 16 (the probe sets it and re-executes itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *err(int r)
{
	return r >= 0 ? "ok" : strerrorname_np(errno);
}

/* Numbers from lo to hi that are open: the probe opened none there. */
static void scan(int lo, int hi)
{
	int n_open = 0, n_closed = 0, n_dup = 0;

	for (int fd = lo; fd <= hi; fd++) {
		struct stat st;
		struct statx sx;

		errno = 0;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) {
			printf("fcntl(%d, F_GETFD) works\n", fd);
			n_open++;
		}
		/* how test suites count a process's open descriptors */
		if (fstat(fd, &st) == 0 || errno != EBADF)
			printf("fstat(%d) works\n", fd);
		if (fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 || errno != EBADF)
			printf("fstatat(%d, \"\", AT_EMPTY_PATH) works\n", fd);
		if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 ||
		    errno != EBADF)
			printf("statx(%d, \"\", AT_EMPTY_PATH) works\n", fd);
		int d = dup(fd);

		if (d >= 0 || errno != EBADF) {
			n_dup++;
			if (d >= 0)
				close(d);
		}
		if (close(fd) == 0 || errno != EBADF)
			n_closed++;
	}
	printf("in %d..%d: %d open, %d dup'ed, %d closed\n", lo, hi, n_open,
	       n_dup, n_closed);
}

static void numbers(void)
{
	int fds[3], p[2], d;

	for (int i = 0; i < 3; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	printf("open: %d %d %d\n", fds[0], fds[1], fds[2]);
	printf("pipe: %d", pipe(p));
	printf(" %d %d\n", p[0], p[1]);
	printf("dup: %d\n", d = dup(0));
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	close(p[0]);
	close(p[1]);
	close(d);
}

/* Deep and varied stacks: the shim unwinds (and libunwind probes). */
static void *deep(int n)
{
	void *p = n ? deep(n - 1) : malloc(32);

	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

/*
 * The program takes every number from 4080 to 4095 (where a shim may
 * keep its own, under a limit of 4096 or more): each request gets its
 * number, and the data through them is the program's alone.
 */
static void high_numbers(void)
{
	int q[2], got = 0;
	char buf[16] = "";

	if (pipe(q))
		return;
	for (int n = 4080; n < 4096; n += 2) {
		got += fcntl(q[1], F_DUPFD, n) == n;
		got += dup2(q[0], n + 1) == n + 1;
	}
	printf("numbers 4080..4095 taken: %d of 16\n", got);
	for (int i = 0; i < 2000; i++)
		free(deep(i % 50));
	for (int n = 4080; n < 4096; n += 2)
		printf("%zd", write(n, "x", 1));
	printf(" written\n");
	close(q[1]);
	for (int n = 4080; n < 4096; n += 2)
		close(n);
	printf("read back: %zd", read(q[0], buf, sizeof(buf) - 1));
	printf(" \"%s\"\n", buf);
	for (int n = 4081; n < 4096; n += 2)
		printf("%zd", read(n, buf, 1));
	printf(" read at end\n");
	for (int n = 4081; n < 4096; n += 2)
		close(n);
	close(q[0]);
}

static void low_limit(void)
{
	struct rlimit rl;
	char buf[16] = "";
	int fd, q[2];

	getrlimit(RLIMIT_NOFILE, &rl);
	printf("limit %lu\n", (unsigned long)rl.rlim_cur);
	numbers();
	numbers();
	fd = open("/dev/null", O_RDONLY);
	printf("F_DUPFD 12: %d\n", fcntl(fd, F_DUPFD, 12));
	printf("pipe: %d\n", pipe(q));
	printf("dup2 onto 15: %d\n", dup2(q[1], 15));
	for (int i = 0; i < 2000; i++)
		free(deep(i % 50));
	printf("F_GETFD 12: %d\n", fcntl(12, F_GETFD));
	printf("write to 15: %zd\n", write(15, "hello", 5));
	close(15);
	close(q[1]);
	printf("read back: %zd", read(q[0], buf, sizeof(buf) - 1));
	printf(" \"%s\"\n", buf);
	scan(16, 40);
}

int main(int argc, char **argv)
{
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "low")) {
		low_limit();
		return 0;
	}
	numbers();
	errno = 0;
	printf("close_range(10, 5): %d %s\n", close_range(10, 5, 0),
	       strerrorname_np(errno));
	scan(10, 4200);
	fd = open("/dev/null", O_RDONLY);
	printf("F_DUPFD 900: %d\n", fcntl(fd, F_DUPFD, 900));
	printf("F_DUPFD_CLOEXEC 901: %d\n", fcntl(fd, F_DUPFD_CLOEXEC, 901));
	printf("F_GETFD 901: %d\n", fcntl(901, F_GETFD));
	printf("dup2 onto 902: %d\n", dup2(fd, 902));
	printf("dup3 onto 903: %d\n", dup3(fd, 903, O_CLOEXEC));
	printf("close 900..903: %s %s %s %s\n", err(close(900)),
	       err(close(901)), err(close(902)), err(close(903)));
	high_numbers();
	printf("close_range(800, 4200): %d\n", close_range(800, 4200, 0));
	closefrom(800);
	scan(10, 4200);

	struct rlimit rl = { 16, 16 };

	closefrom(3); /* whatever the probe inherited: 13 free under 16 */

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	execl("/proc/self/exe", argv[0], "low", (char *)NULL);
	printf("exec: %s\n", strerror(errno));
	return 1;
}
