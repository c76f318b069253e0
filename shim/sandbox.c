/*
 * sandbox.c - calls that confine the process (seccomp, namespaces): the
 * shim gets out of their way first, so that they do what they do natively.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x80
#endif

/* The kernel refuses these to a process of more than one thread (or to
 * one whose threads share their fs_struct): unshare(2), setns(2). */
#define UNSHARE_ALONE (CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)
#define SETNS_ALONE (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWTIME)

static long (*real_syscall)(long, ...);
static int (*real_prctl)(int, ...);
static int (*real_unshare)(int);
static int (*real_setns)(int, int);

/* At start, so that syscall() is safe in signal handlers (no dlsym). */
HIDDEN void perfshim_sandbox_init(void)
{
	if (!real_syscall)
		real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (!real_prctl)
		real_prctl = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
	if (!real_unshare)
		real_unshare = (int (*)(int))dlsym(RTLD_NEXT, "unshare");
	if (!real_setns)
		real_setns = (int (*)(int, int))dlsym(RTLD_NEXT, "setns");
}

/*
 * unshare() of a user namespace (or of CLONE_VM, CLONE_SIGHAND,
 * CLONE_THREAD) and setns() into a user, mount or time namespace (or any,
 * nstype 0) need a process of one thread: if the program has one, the
 * writer leaves for the call. Returns 1 when it did (alone_end() brings
 * it back).
 */
static int alone_begin(int needed)
{
	int parked;

	if (!needed || perfshim_program_threads() != 1 ||
	    perfshim_writer_is_parked())
		return 0;
	perfshim_guard++;
	parked = perfshim_writer_park();
	perfshim_guard--;
	return parked;
}

static void alone_end(int parked)
{
	if (!parked)
		return;
	perfshim_guard++;
	perfshim_writer_unpark();
	perfshim_guard--;
}

/*
 * Once a seccomp filter (or strict mode) is on, any system call of the
 * shim's may kill the program or fail, and strict mode leaves no way to
 * end a process whose writer thread lives on. So the trace ends here, and
 * the shim leaves: no thread, no timer, no handler of its own.
 */
static void before_seccomp(void)
{
	int e = errno;
	int was = atomic_load(&perfshim_recording);

	perfshim_guard++;
	if (perfshim_detach() == 0) {
		perfshim_sampler_release();
		perfshim_signals_release();
		if (was)
			perfshim_say("the program turns on seccomp: its trace "
				     "ends here, and the rest of the run is "
				     "not traced");
	}
	perfshim_guard--;
	errno = e;
}

/* seccomp(op, ...) and prctl(option, mode, ...) that turn seccomp on */
static int seccomp_op(long op)
{
	return op == SECCOMP_SET_MODE_STRICT || op == SECCOMP_SET_MODE_FILTER;
}

static int seccomp_prctl(long option, unsigned long mode)
{
	return option == PR_SET_SECCOMP &&
	       (mode == SECCOMP_MODE_STRICT || mode == SECCOMP_MODE_FILTER);
}

EXPORT int prctl(int option, ...)
{
	va_list ap;
	unsigned long a[4];

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	perfshim_sandbox_init();
	if (seccomp_prctl(option, a[0]))
		before_seccomp();
	return real_prctl(option, a[0], a[1], a[2], a[3]);
}

EXPORT int unshare(int flags)
{
	perfshim_sandbox_init();
	int parked = alone_begin(flags & UNSHARE_ALONE);
	int r = real_unshare(flags);
	int e = errno;

	alone_end(parked);
	errno = e;
	return r;
}

EXPORT int setns(int fd, int nstype)
{
	perfshim_sandbox_init();
	int parked = alone_begin(!nstype || (nstype & SETNS_ALONE));
	int r = real_setns(fd, nstype);
	int e = errno;

	alone_end(parked);
	errno = e;
	return r;
}

/*
 * syscall() is how programs (and libseccomp) reach seccomp, which glibc
 * has no wrapper for. The shim's own syscall() calls come here too: the
 * numbers it uses pass straight through.
 */
EXPORT long syscall(long nr, ...)
{
	va_list ap;
	long a[6];
	int parked = 0;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (UNLIKELY(!real_syscall))
		perfshim_sandbox_init();
	switch (nr) {
	case SYS_seccomp:
		if (seccomp_op(a[0]))
			before_seccomp();
		break;
	case SYS_prctl:
		if (seccomp_prctl(a[0], (unsigned long)a[1]))
			before_seccomp();
		break;
	case SYS_unshare:
		parked = alone_begin(a[0] & UNSHARE_ALONE);
		break;
	case SYS_setns:
		parked = alone_begin(!a[1] || (a[1] & SETNS_ALONE));
		break;
	}
	long r = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

	if (parked) {
		int e = errno;

		alone_end(parked);
		errno = e;
	}
	return r;
}
