/*
 * exits MODE - leave through exits inside libc, which call exit() or
 * _exit() without going through the program's PLT. Each leaks 77 bytes
 * first (LEAK:exits) and writes nothing to stdout.
 *
 *   error          error(3, 0, ...): exit status 3
 *   error_at_line  error_at_line(4, 0, ...): 4
 *   err            err(5, ...) with errno ENOENT: 5
 *   errx           errx(6, ...): 6
 *   verr           verr(7, ...) with errno EACCES: 7
 *   verrx          verrx(8, ...): 8
 *   daemon DONE    daemon(1, 0): the parent leaves at once by _exit(0)
 *                  inside daemon(); the child leaks 88 bytes more
 *                  (LEAK:daemon_child), creates the file DONE holding its
 *                  pid, and exits 9.
 *
 * And through the exit system calls themselves, as runtimes with their
 * own system calls (Go's) and some programs leave, past libc:
 *
 *   sys_exit_group  syscall(SYS_exit_group, 10): 10
 *   sys_exit        syscall(SYS_exit, 11), the only thread: the process
 *                   ends with it, 11
 *   asm_exit        the exit system call by the syscall instruction: 12
 *   asm_exit_thread the same (13) in main while a thread runs on 50 ms,
 *                   allocates 66 bytes (LEAK:exits_thread, held by
 *                   keep[1]) and returns: the process ends with it, and
 *                   glibc calls no exit(); the status is the last
 *                   thread's (the kernel's rule), 0
 */
#include <err.h>
#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *keep[2];

static void call_verr(int code, int x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (x)
		verrx(code, fmt, ap);
	verr(code, fmt, ap);
}

/* The exit system call (60) for this thread only, by the instruction. */
static void asm_exit(int status)
{
	for (;;)
		__asm__ volatile("syscall"
				 :
				 : "a"(60L), "D"((long)status)
				 : "rcx", "r11", "memory");
}

static void *late_thread(void *arg)
{
	(void)arg;
	usleep(50000);
	keep[1] = malloc(66); /* LEAK:exits_thread */
	return NULL;
}

static int daemon_mode(const char *done)
{
	char buf[32];

	if (daemon(1, 0))
		return 1;
	keep[1] = malloc(88); /* LEAK:daemon_child */
	int fd = open(done, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int n = snprintf(buf, sizeof(buf), "%d\n", getpid());

	if (fd < 0 || write(fd, buf, n) != n)
		return 1;
	close(fd);
	exit(9);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	keep[0] = malloc(77); /* LEAK:exits */
	if (!strcmp(m, "error"))
		error(3, 0, "leaving by error()");
	if (!strcmp(m, "error_at_line"))
		error_at_line(4, 0, "exits.c", 1, "leaving by error_at_line()");
	if (!strcmp(m, "err")) {
		errno = ENOENT;
		err(5, "leaving by err()");
	}
	if (!strcmp(m, "errx"))
		errx(6, "leaving by errx()");
	if (!strcmp(m, "verr")) {
		errno = EACCES;
		call_verr(7, 0, "leaving by %s", "verr()");
	}
	if (!strcmp(m, "verrx"))
		call_verr(8, 1, "leaving by %s", "verrx()");
	if (!strcmp(m, "daemon") && argc > 2)
		return daemon_mode(argv[2]);
	if (!strcmp(m, "sys_exit_group"))
		syscall(SYS_exit_group, 10);
	if (!strcmp(m, "sys_exit"))
		syscall(SYS_exit, 11);
	if (!strcmp(m, "asm_exit"))
		asm_exit(12);
	if (!strcmp(m, "asm_exit_thread")) {
		pthread_t t;

		if (pthread_create(&t, NULL, late_thread, NULL))
			return 1;
		asm_exit(13);
	}
	return 100;
}
