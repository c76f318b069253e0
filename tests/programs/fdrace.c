/*
 * fdrace TRACE OUT - a thread dup2()s onto the trace's descriptor number
 * (found by the file TRACE's inode among the numbers from 900 to the
 * descriptor limit, which it sets to 1024; without the shim, onto
 * 900 + i % 64)
 * and closes it again, over and over, while others allocate heavily. Each
 * dup2() must return its target, which must then be OUT (opened
 * O_APPEND), and one byte 'A' is written through it; the close must
 * succeed. At the end OUT must hold exactly those bytes. Prints what it
 * checked ("dup2: native", "OUT: exact") or what went wrong.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define NALLOC 2
#define ROUNDS 20000
#define LOW 900

static int out_fd;
static struct stat out_st, trace_st;
static int have_trace, high;
static atomic_int done, bad_dup, bad_close;
static atomic_long written;

static int same_file(int fd, const struct stat *want)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_dev == want->st_dev &&
	       st.st_ino == want->st_ino;
}

/* The number the trace has now, or a fixed rotation without one. */
static int target(int i)
{
	if (have_trace)
		for (int fd = LOW; fd < high; fd++)
			if (same_file(fd, &trace_st))
				return fd;
	return LOW + i % 64;
}

static void *dupper(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		int n = target(i);

		if (dup2(out_fd, n) != n || !same_file(n, &out_st)) {
			atomic_fetch_add(&bad_dup, 1);
			continue;
		}
		if (write(n, "A", 1) == 1)
			atomic_fetch_add(&written, 1);
		if (close(n))
			atomic_fetch_add(&bad_close, 1);
	}
	return NULL;
}

static void *allocator(void *arg)
{
	void *keep[64] = { 0 };
	unsigned x = (unsigned)(size_t)arg;

	while (!atomic_load(&done)) {
		for (int i = 0; i < 64; i++) {
			x = x * 1103515245 + 12345;
			free(keep[i]);
			keep[i] = malloc(16 + x % 512);
		}
	}
	for (int i = 0; i < 64; i++)
		free(keep[i]);
	return NULL;
}

static int exact(const char *path)
{
	char buf[4096];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != 'A')
				return close(fd), 0;
		total += n;
	}
	close(fd);
	return total == atomic_load(&written);
}

int main(int argc, char **argv)
{
	pthread_t d, a[NALLOC];
	struct rlimit rl;

	if (argc != 3)
		return 2;
	out_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (out_fd < 0 || fstat(out_fd, &out_st))
		return 2;
	have_trace = !stat(argv[1], &trace_st);
	/* The usual limit, and few numbers to search. */
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_max < 1024)
		return 2;
	rl.rlim_cur = 1024;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 2;
	high = 1024;
	for (long i = 0; i < NALLOC; i++)
		pthread_create(&a[i], NULL, allocator, (void *)i);
	pthread_create(&d, NULL, dupper, NULL);
	pthread_join(d, NULL);
	atomic_store(&done, 1);
	for (int i = 0; i < NALLOC; i++)
		pthread_join(a[i], NULL);
	printf("dup2: %s\n", atomic_load(&bad_dup) || atomic_load(&bad_close)
				     ? "NOT native"
				     : "native");
	printf("%s: %s\n", "OUT", exact(argv[2]) ? "exact" : "NOT exact");
	return 0;
}
