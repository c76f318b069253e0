/* fds.c - keep the shim's own descriptors out of the program's reach, and its out of ours. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "shim.h"

/*
 * The shim owns a few descriptors: the trace, and the pipe libunwind
 * keeps for probing memory. Programs close "every" descriptor (daemons,
 * test harnesses) or dup2() onto numbers; if ours went away libunwind
 * would "repair" its pipe by closing numbers the program reuses by then.
 * So shim-made descriptors are moved to high numbers, and the program's
 * close() of one of them succeeds without closing it: the program never
 * had it.
 */
#define OWNED_MAX 8
#define HIGH_FD 900

static _Atomic int owned[OWNED_MAX] = { -1, -1, -1, -1, -1, -1, -1, -1 };

static int (*real_close)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_pipe2)(int[2], int);
static int (*real_close_range)(unsigned, unsigned, int);

static void resolve(void)
{
	if (real_close_range)
		return;
	real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
	real_dup2 = (int (*)(int, int))dlsym(RTLD_NEXT, "dup2");
	real_dup3 = (int (*)(int, int, int))dlsym(RTLD_NEXT, "dup3");
	real_pipe2 = (int (*)(int[2], int))dlsym(RTLD_NEXT, "pipe2");
	real_close_range =
		(int (*)(unsigned, unsigned, int))dlsym(RTLD_NEXT, "close_"
								   "range");
}

#define LOOKUP(fn) (resolve(), real_##fn)

static int is_owned(int fd)
{
	if (fd < 0)
		return 0;
	if (perfshim_is_trace_fd(fd))
		return 1;
	for (int i = 0; i < OWNED_MAX; i++)
		if (atomic_load(&owned[i]) == fd)
			return 1;
	return 0;
}

static void own(int fd)
{
	for (int i = 0; i < OWNED_MAX; i++) {
		int expect = -1;

		if (atomic_compare_exchange_strong(&owned[i], &expect, fd))
			return;
	}
}

static void disown(int fd)
{
	for (int i = 0; i < OWNED_MAX; i++) {
		int expect = fd;

		atomic_compare_exchange_strong(&owned[i], &expect, -1);
	}
}

/* Move fd to a high number, close-on-exec. Returns the new number. */
static int lift(int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, HIGH_FD);

	if (high < 0)
		return fd;
	LOOKUP(close)(fd);
	return high;
}

HIDDEN int perfshim_own_fd(int fd)
{
	fd = lift(fd);
	own(fd);
	return fd;
}

HIDDEN void perfshim_disown_fd(int fd)
{
	disown(fd);
}

EXPORT int pipe2(int fds[2], int flags)
{
	int r = LOOKUP(pipe2)(fds, flags);

	/* Made for the shim (libunwind's probe pipe): lift and keep it. */
	if (r == 0 && perfshim_guard) {
		fds[0] = lift(fds[0]);
		fds[1] = lift(fds[1]);
		own(fds[0]);
		own(fds[1]);
	}
	return r;
}

EXPORT int close(int fd)
{
	if (is_owned(fd)) {
		if (!perfshim_guard || perfshim_is_trace_fd(fd))
			return 0; /* the program's close: it never had it */
		disown(fd);	  /* the shim's own close (libunwind's pipe) */
	}
	return LOOKUP(close)(fd);
}

/* Our descriptor moves, then the program's takes its number: at once for
 * the writer, which must never write to the number in between. */
EXPORT int dup2(int old, int new)
{
	sigset_t saved;

	perfshim_trace_fd_lock(&saved);
	perfshim_protect_fd(new);
	perfshim_memory_protect_fd(new);
	int r = LOOKUP(dup2)(old, new);
	int e = errno;

	perfshim_trace_fd_unlock(&saved);
	errno = e;
	return r;
}

EXPORT int dup3(int old, int new, int flags)
{
	sigset_t saved;

	perfshim_trace_fd_lock(&saved);
	perfshim_protect_fd(new);
	perfshim_memory_protect_fd(new);
	int r = LOOKUP(dup3)(old, new, flags);
	int e = errno;

	perfshim_trace_fd_unlock(&saved);
	errno = e;
	return r;
}

/* close_range() over a range holding ours: close around them. */
EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	int mine[OWNED_MAX + 1], n = 0;
	unsigned lo = first;

	mine[n++] = perfshim_trace_fd();
	for (int i = 0; i < OWNED_MAX; i++)
		mine[n++] = atomic_load(&owned[i]);
	/* Few entries: a plain insertion sort. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && mine[j] < mine[j - 1]; j--) {
			int t = mine[j];

			mine[j] = mine[j - 1];
			mine[j - 1] = t;
		}
	for (int i = 0; i < n && first <= last; i++) {
		if (mine[i] < 0 || (unsigned)mine[i] < lo ||
		    (unsigned)mine[i] > last)
			continue;
		if ((unsigned)mine[i] > lo &&
		    LOOKUP(close_range)(lo, (unsigned)mine[i] - 1, flags))
			return -1;
		lo = (unsigned)mine[i] + 1;
		if (lo == 0)
			return 0;
	}
	if (lo > last)
		return 0;
	return LOOKUP(close_range)(lo, last, flags);
}

EXPORT void closefrom(int lowfd)
{
	close_range(lowfd < 0 ? 0 : (unsigned)lowfd, ~0u, 0);
}
