/*
 * exit_status MODE [N] - a program whose output and exit status the shim
 * must not change.
 *
 *   exit N    writes to stdout and stderr through stdio, then exit(N)
 *   return N  the same, then returns N from main
 *   _exit N   leaves text in the stdio buffer (never flushed: it must be
 *             lost exactly as it is without the shim), writes with
 *             write(2), then _exit(N) from a helper function
 *   thread-exit N
 *             a second thread calls exit(N) while main waits to join it
 *   pid       prints its pid on stdout
 *   echo      copies stdin to stdout
 *   fds       prints the numbers of its open file descriptors above 2
 *   closefds FILE
 *             closes every descriptor above 2 (as daemons do), creates
 *             FILE (which takes the lowest free number) and writes to it
 *             while allocating and sleeping: FILE must hold exactly what
 *             the program wrote
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static void chatter(void)
{
	char *buf = malloc(64);

	printf("stdout line 1\n");
	fprintf(stderr, "stderr line 1\n");
	for (int i = 0; i < 5; i++) {
		snprintf(buf, 64, "item %d", i * i);
		puts(buf);
	}
	fputs("stderr line 2 (no newline at the end)", stderr);
	printf("stdout last line without newline");
	free(buf);
}

NOINLINE static void leave_now(int status)
{
	static const char msg[] = "written with write(2) before _exit\n";

	/* Buffered (stdout is a file or a pipe here) and never flushed. */
	printf("this text stays in the stdio buffer\n");
	if (write(1, msg, sizeof msg - 1) < 0)
		abort();
	if (write(2, msg, sizeof msg - 1) < 0)
		abort();
	_exit(status);
}

static void write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	if (write(fd, s, n) != (ssize_t)n)
		abort();
}

NOINLINE static int close_and_reuse(const char *path)
{
	struct timespec ts = { 0, 50 * 1000000L };
	int fd;

	for (int i = 3; i < 1024; i++)
		close(i);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	write_all(fd, "first line\n");
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < 20000; i++)
			free(malloc((size_t)(i % 200) + 1));
		for (int i = 0; i < 10; i++)
			if (!malloc(48)) /* leaked on purpose */
				abort();
		nanosleep(&ts, NULL);
		write_all(fd, "another line\n");
	}
	write_all(fd, "last line\n");
	return close(fd) ? 1 : 0;
}

static void *exit_from_thread(void *arg)
{
	char *p = malloc(32);

	printf("exiting from a thread\n");
	free(p);
	exit((int)(size_t)arg);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "return";
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (!strcmp(mode, "exit")) {
		chatter();
		exit(n);
	}
	if (!strcmp(mode, "return")) {
		chatter();
		return n;
	}
	if (!strcmp(mode, "_exit")) {
		leave_now(n);
	}
	if (!strcmp(mode, "thread-exit")) {
		pthread_t t;

		chatter();
		if (pthread_create(&t, NULL, exit_from_thread, (void *)(size_t)n))
			abort();
		pthread_join(t, NULL);
		return 100; /* not reached */
	}
	if (!strcmp(mode, "pid")) {
		printf("%ld\n", (long)getpid());
		return 0;
	}
	if (!strcmp(mode, "echo")) {
		char buf[4096];
		size_t r;

		while ((r = fread(buf, 1, sizeof buf, stdin)) > 0)
			if (fwrite(buf, 1, r, stdout) != r)
				return 1;
		return ferror(stdin) ? 1 : 0;
	}
	if (!strcmp(mode, "fds")) {
		char buf[16];

		for (int fd = 3; fd < 1024; fd++) {
			if (fcntl(fd, F_GETFD) == -1)
				continue;
			snprintf(buf, sizeof buf, "%d\n", fd);
			write_all(1, buf);
		}
		return 0;
	}
	if (!strcmp(mode, "closefds") && argc > 2)
		return close_and_reuse(argv[2]);
	fprintf(stderr, "exit_status: unknown mode '%s'\n", mode);
	return 99;
}
