/*
 * probe_raw_dup2 - a file put on the numbers at the top of the range by
 * raw system calls (syscall(SYS_dup2) and SYS_dup3, which no interposer
 * of libc's functions sees), where the shim keeps its own descriptors:
 * then F_DUPFD from that number must skip it, as natively (the program's
 * file is there), and what is written to it must reach the file. Under
 * the shim at 12f329d, F_DUPFD gave the number again and the shim moved
 * stdout onto it: the file stayed empty and DATA went to stdout (probe K
 * and L). It raises its soft RLIMIT_NOFILE to 4096 or more (so that the
 * shim keeps its descriptors just below 4096) and re-executes itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *volatile sink;

static const char *err(long r)
{
	return r >= 0 ? "ok" : strerrorname_np(errno);
}

/* Allocations from a few sites and some CPU time: the shim's unwinder
 * and sampler use their descriptors. */
static void work(void)
{
	struct timespec a, b;

	for (int i = 0; i < 20000; i++) {
		sink = malloc(16 + i % 512);
		free(sink);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) <
	       20000000L);
}

static void one(int top, int k, int dup3)
{
	char name[64], buf[32];
	int t = top - k;

	snprintf(name, sizeof(name), "/tmp/probe_rd2.%d", (int)getpid());
	int f = open(name, O_CREAT | O_TRUNC | O_RDWR, 0600);
	long r = dup3 ? syscall(SYS_dup3, f, t, O_CLOEXEC)
		      : syscall(SYS_dup2, f, t);

	printf("raw %s onto top - %d: %s\n", dup3 ? "dup3" : "dup2", k, err(r));
	work();
	int d = fcntl(1, F_DUPFD, t);

	printf("F_DUPFD from top - %d: top - %d\n", k, top - d);
	ssize_t w = write(t, "DATA\n", 5);
	int c1 = close(t), c2 = close(d);
	ssize_t n = pread(f, buf, sizeof(buf), 0);

	printf("write %zd %s, closes %s %s, the file holds %zd: %.*s", w,
	       err(w), err(c1), err(c2), n, n > 0 ? (int)n : 0, buf);
	if (n <= 0)
		printf("\n");
	close(f);
	unlink(name);
}

int main(int argc, char **argv)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	if (argc < 2) {
		if (rl.rlim_cur < 4096 && rl.rlim_max >= 4096) {
			rl.rlim_cur = 4096;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		setenv("PERFSHIM_SAMPLE_HZ", "10000", 1);
		execl("/proc/self/exe", argv[0], "run", (char *)NULL);
		return 2;
	}
	if (rl.rlim_cur < 4096) {
		printf("soft RLIMIT_NOFILE below 4096: nothing to try\n");
		return 0;
	}
	for (int k = 1; k <= 4; k++) {
		one(4096, k, 0);
		one(4096, k, 1);
	}
	work();
	return 0;
}
