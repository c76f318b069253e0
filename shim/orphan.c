/*
 * orphan.c - whether the program's threads have all ended without exit().
 *
 * A thread that leaves by the exit system call itself (a runtime's own
 * thread exit, or syscall(SYS_exit) in the last one) runs no key
 * destructor and no atexit handler: the shim never hears of it. When the
 * main thread has so ended and no other thread of the program's is left,
 * the process has ended natively, with the main thread's status. Under
 * the shim the writer thread was still there, with every signal blocked:
 * the process lived on, and only SIGKILL ended it. The writer asks
 * perfshim_orphaned() now and then (writer.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "shim.h"

static const volatile int probe_word = 1;

/* The kernel has let the main thread's memory go: a read of the
 * process's memory by the process id fails (ESRCH). */
HIDDEN int perfshim_main_thread_gone(void)
{
	int v;
	struct iovec l = { &v, sizeof(v) };
	struct iovec r = { (void *)(uintptr_t)&probe_word, sizeof(v) };

	int e = errno, gone = process_vm_readv(getpid(), &l, 1, &r, 1, 0) < 0 &&
			      errno == ESRCH;

	errno = e;
	return gone;
}

/* The threads /proc/self/task lists but pid and writer; -1 if it cannot
 * be read. */
static int other_threads(pid_t pid, pid_t writer)
{
	/* getdents64's records are 8-byte aligned from the buffer's start */
	_Alignas(8) char buf[4096];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int n = 0;
	long got;

	if (fd < 0)
		return -1;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			const struct dirent64 *d = (const void *)(buf + off);
			long tid = 0;
			const char *c = d->d_name;

			while (*c >= '0' && *c <= '9' && tid < INT32_MAX)
				tid = tid * 10 + (*c++ - '0');
			if (!*c && c != d->d_name && tid != pid &&
			    tid != writer)
				n++;
			off += d->d_reclen;
		}
	}
	close(fd);
	return got < 0 ? -1 : n;
}

/* The main thread's exit status, from /proc/self/stat (its 52nd field,
 * as waitpid() reports it); 0 if it cannot be read. */
static int main_status(void)
{
	char buf[2048];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	const char *p;
	long code = 0;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* Fields from the 3rd on follow the command's closing parenthesis. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 52; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 0;
	for (p++; *p >= '0' && *p <= '9' && code < INT32_MAX; p++)
		code = code * 10 + (*p - '0');
	return (int)((code >> 8) & 0xff);
}

HIDDEN int perfshim_orphaned(pid_t writer, int *status)
{
	int e = errno, n;

	if (!perfshim_main_thread_gone()) {
		errno = e;
		return 0;
	}
	n = other_threads(getpid(), writer);
	/* Without /proc: the threads the shim counted (main's never left). */
	if (n < 0)
		n = perfshim_program_threads() - 1;
	if (n == 0)
		*status = main_status();
	errno = e;
	return n == 0;
}
