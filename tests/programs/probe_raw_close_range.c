/*
 * probe_raw_close_range - descriptors closed behind the shim's back: a
 * raw close_range(3, ~0) (syscall(), which no interposer sees) closes
 * every number above 2, the shim's too. The probe then puts files of its
 * own at the top of its range (F_DUPFD from limit - 3, where the shim
 * kept its trace and libunwind's pipe), works (allocations from fresh
 * call sites, and CPU time at a high sampling rate: the shim's libunwind
 * runs), and writes, reads back and closes its files. It prints what
 * each call gave: the files are the program's own, whole. It sets
 * PERFSHIM_SAMPLE_HZ and re-executes itself once.
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

#define FILES 3

static void *volatile sink;

static const char *err(long r)
{
	return r >= 0 ? "ok" : strerrorname_np(errno);
}

#define SITE(n)                                             \
	static __attribute__((noinline)) void site##n(void) \
	{                                                   \
		sink = malloc(24 * n);                      \
		free(sink);                                 \
		__asm__ volatile("" ::: "memory");          \
	}
SITE(1)
SITE(2) SITE(3) SITE(4) SITE(5) SITE(6)

	static void work(void)
{
	struct timespec a, b;

	for (int i = 0; i < 20000; i++) {
		site1(), site2(), site3();
		site4(), site5(), site6();
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) <
	       50000000L);
}

int main(int argc, char **argv)
{
	char name[FILES][64], buf[16];
	int fd[FILES];
	struct rlimit rl;

	if (argc < 2) {
		setenv("PERFSHIM_SAMPLE_HZ", "10000", 1);
		execl("/proc/self/exe", argv[0], "run", (char *)NULL);
		return 2;
	}
	long r = syscall(SYS_close_range, 3, ~0u, 0);

	printf("raw close_range: %s\n", err(r));
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1;
	int top = rl.rlim_cur > 4096 ? 4096 : (int)rl.rlim_cur;

	for (int i = 0; i < FILES; i++) {
		snprintf(name[i], sizeof(name[i]), "/tmp/probe_rcr.%d.%d",
			 (int)getpid(), i);
		int f = open(name[i], O_CREAT | O_TRUNC | O_RDWR, 0600);

		fd[i] = fcntl(f, F_DUPFD, top - FILES + i);
		printf("file %d: at top - %d: %s\n", i, top - fd[i],
		       err(fd[i]));
		close(f);
	}
	work();
	for (int i = 0; i < FILES; i++) {
		ssize_t w = write(fd[i], "abcdef", 6);
		off_t at = lseek(fd[i], 0, SEEK_SET);
		ssize_t n = read(fd[i], buf, sizeof(buf));
		int c = close(fd[i]);

		printf("file %d: write %zd %s, seek %lld, read %zd %.*s, "
		       "close %s\n",
		       i, w, err(w), (long long)at, n, n > 0 ? (int)n : 0, buf,
		       err(c));
		unlink(name[i]);
	}
	work();
	return 0;
}
