/* apart.c - a copy of the process with a descriptor table of its own (apart.h). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "apart.h"
#include "rawsys.h"

/* The C library's clone, found before the shim starts: a copy may be
 * wanted at the exit scan, while a stopped thread holds the loader's lock
 * (dlsym would wait for it for good); the shim's own clone is not
 * needed. */
static int (*libc_clone)(int (*)(void *), void *, int, void *, ...);

__attribute__((constructor(101))) static void apart_init(void)
{
	libc_clone = (int (*)(int (*)(void *), void *, int, void *, ...))dlsym(
		RTLD_NEXT, "clone");
}

HIDDEN int perfshim_apart(int (*fn)(void *), void *arg, void *stack,
			  size_t size)
{
	int st, e = errno;

	if (!libc_clone)
		return -1;
	long pid = libc_clone(fn, (char *)stack + size,
			      CLONE_VM | CLONE_VFORK | CLONE_UNTRACED, arg);

	errno = e;
	if (pid <= 0)
		return -1;
	raw_syscall4(SYS_wait4, pid, (long)&st, __WALL, 0);
	return 0;
}

struct proc_read {
	char path[64];
	char *buf;
	size_t cap;
	long result; /* bytes, or -errno */
};

/* The copy: raw system calls only. Its descriptor 0 makes room. */
static int proc_read_main(void *arg)
{
	struct proc_read *r = arg;
	size_t got = 0;
	long fd, n;

	raw_syscall4(SYS_close, 0, 0, 0, 0);
	fd = raw_syscall4(SYS_openat, AT_FDCWD, (long)r->path,
			  O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		r->result = fd;
		return 0;
	}
	while (got < r->cap) {
		n = raw_syscall4(SYS_read, fd, (long)(r->buf + got),
				 (long)(r->cap - got), 0);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			r->result = n;
			return 0;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	r->result = (long)got;
	return 0;
}

HIDDEN ssize_t perfshim_proc_read_apart(const char *leaf, void *buf, size_t cap)
{
	static _Alignas(16) char stack[16 * 1024];
	static atomic_flag busy = ATOMIC_FLAG_INIT;
	struct proc_read r = { .buf = buf, .cap = cap, .result = -EAGAIN };

	/* the copy's /proc/self: its own process, the same memory */
	if (strlen(leaf) >= 32)
		return -ENAMETOOLONG;
	memcpy(r.path, "/proc/self/", 11);
	memcpy(r.path + 11, leaf, strlen(leaf) + 1);
	if (atomic_flag_test_and_set(&busy))
		return -EAGAIN;
	perfshim_apart(proc_read_main, &r, stack, sizeof(stack));
	atomic_flag_clear(&busy);
	return r.result;
}
