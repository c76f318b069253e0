/*
 * probe_rlimit_threads - the main thread moves its soft RLIMIT_NOFILE up
 * and down 3000 times (16 to 100000, within the hard limit) while three
 * threads open, read and close files of their own and allocate. Each
 * change moves the shim's descriptors out of the program's budget; one
 * thread's walk of a stack may be using libunwind's pipe that moment
 * (the shim once closed it under it: the next write to the pipe raised
 * SIGPIPE, in 1 run of 6). Prints what went wrong (nothing, natively),
 * how many descriptors are open at the end and the next number.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define NT 3

static char paths[NT][64];
static ino_t inos[NT];
static volatile int stop;
static int bad, badopen, badclose;
static void *volatile sink;

static void *worker(void *arg)
{
	long id = (long)arg;

	while (!stop) {
		int fds[8], n = 0;

		for (int k = 0; k < 8; k++) {
			int fd = open(paths[id], O_RDONLY);

			if (fd >= 0)
				fds[n++] = fd;
			else if (errno != EMFILE)
				__atomic_add_fetch(&badopen, 1, 0);
		}
		for (int k = 0; k < n; k++) {
			struct stat st;
			char b[16];

			if (fstat(fds[k], &st) || st.st_ino != inos[id] ||
			    pread(fds[k], b, 16, 0) != 16 ||
			    memcmp(b, "0123456789abcdef", 16))
				__atomic_add_fetch(&bad, 1, 0);
		}
		for (int k = 0; k < n; k++)
			if (close(fds[k]))
				__atomic_add_fetch(&badclose, 1, 0);
		void *v[32];

		for (int k = 0; k < 32; k++)
			v[k] = sink = malloc(32 + (size_t)k);
		for (int k = 0; k < 32; k++)
			free(v[k]);
	}
	return NULL;
}

int main(void)
{
	static const rlim_t vals[] = {
		16, 64, 200, 1024, 4096, 5000, 30, 100000
	};
	pthread_t t[NT];
	struct rlimit rl;
	int fails = 0, open_fds = 0;

	for (int i = 0; i < NT; i++) {
		struct stat st;

		snprintf(paths[i], sizeof(paths[i]),
			 "/tmp/probe_rlimit.XXXXXX");
		int fd = mkstemp(paths[i]);

		if (fd < 0 || write(fd, "0123456789abcdef", 16) != 16 ||
		    fstat(fd, &st))
			return 2;
		inos[i] = st.st_ino;
		close(fd);
	}
	for (long i = 0; i < NT; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	getrlimit(RLIMIT_NOFILE, &rl);
	rlim_t hard = rl.rlim_max, orig = rl.rlim_cur;

	for (int it = 0; it < 3000; it++) {
		rl.rlim_cur = vals[it % 8] < hard ? vals[it % 8] : hard;
		fails += setrlimit(RLIMIT_NOFILE, &rl) != 0;
		if (it % 100 == 0)
			usleep(1000);
	}
	rl.rlim_cur = orig;
	setrlimit(RLIMIT_NOFILE, &rl);
	stop = 1;
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NT; i++)
		unlink(paths[i]);

	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	while (d && (e = readdir(d)))
		open_fds += e->d_name[0] != '.';
	if (d)
		closedir(d);
	printf("bad reads %d, failed opens %d, failed closes %d, failed "
	       "setrlimit %d\n",
	       bad, badopen, badclose, fails);
	printf("open at the end: %d, next %d\n", open_fds,
	       open("/dev/null", O_RDONLY));
	return 0;
}
