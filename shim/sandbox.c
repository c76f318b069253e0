/*
 * sandbox.c - calls that confine the process (seccomp, namespaces, set*id
 * with capabilities kept): the shim gets out of their way first, so that
 * they do what they do natively.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "shim.h"
#include "stop.h"

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
 * A seccomp filter in force from the start (a launcher's, inherited
 * across exec: systemd's SystemCallFilter=, a sandbox) may kill the
 * process for a system call of the shim's that the program itself never
 * makes. Which calls a filter allows cannot be asked, only tried: a copy
 * of the process (a clone() with no signal at its end, so the program
 * sees no SIGCHLD), under the same filter, makes each of them once with
 * arguments that change nothing, and says in a shared page which one it
 * is at. Calls a filter answers with an error are fine: the shim copes.
 */
struct probe {
	const char *name;
	long nr, a[6];
};

/*
 * The calls the shim may make that a plain program may not, each with
 * arguments that change nothing (a filter that kills does so whatever
 * the arguments), made one by one in the copy; the name of the one it is
 * at goes in the shared *at first (a string of the image the parent has
 * too), NULL at the end.
 */
static void probe_calls(const char *volatile *at, char *page)
{
	unsigned char vec[1];
	int fds[2];
	long timer;
	char buf[256];
	struct iovec lo = { buf, 8 }, re = { buf + 8, 8 };
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	struct timespec nap = { 0, 1 };
	long pid, tid, fd;

	/* Made everywhere by the shim, maybe never by the program: first,
	 * read-only. */
	*at = "rt_sigprocmask";
	real_syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)buf, 8);
	*at = "getpid";
	pid = real_syscall(SYS_getpid);
	*at = "gettid";
	tid = real_syscall(SYS_gettid);
	*at = "openat";
	fd = real_syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const struct probe probes[] = {
		{ "timer_create",
		  SYS_timer_create,
		  { CLOCK_THREAD_CPUTIME_ID, (long)&sev, (long)&timer } },
		{ "timer_settime", SYS_timer_settime, { -1, 0, (long)&its } },
		{ "timer_delete", SYS_timer_delete, { -1 } },
		{ "mincore", SYS_mincore, { (long)page, 4096, (long)vec } },
		{ "pipe2", SYS_pipe2, { (long)fds, O_CLOEXEC } },
		{ "sigaltstack", SYS_sigaltstack, { 0, (long)buf } },
		{ "process_vm_readv",
		  SYS_process_vm_readv,
		  { pid, (long)&lo, 1, (long)&re, 1 } },
		{ "getdents64", SYS_getdents64, { fd, (long)buf, sizeof(buf) } },
		{ "membarrier", SYS_membarrier, { 0 } },
		{ "mremap", SYS_mremap, { (long)page, 4096, 4096, 0 } },
		{ "capget", SYS_capget, { (long)buf, 0 } },
		{ "prctl", SYS_prctl, { PR_GET_KEEPCAPS } },
		{ "readlink",
		  SYS_readlink,
		  { (long)"/proc/self/exe", (long)buf, sizeof(buf) } },
		{ "rt_sigpending", SYS_rt_sigpending, { (long)buf, 8 } },
		{ "sched_getaffinity",
		  SYS_sched_getaffinity,
		  { 0, sizeof(buf), (long)buf } },
		{ "gettid", SYS_gettid, { 0 } },
		{ "getppid", SYS_getppid, { 0 } },
		{ "lseek", SYS_lseek, { fd, 0, SEEK_CUR } },
		{ "fcntl", SYS_fcntl, { fd, F_GETFD } },
		{ "tgkill", SYS_tgkill, { pid, tid, 0 } },
		{ "rt_tgsigqueueinfo", SYS_rt_tgsigqueueinfo, { pid, tid, 0 } },
		{ "clone3", SYS_clone3, { 0, 0 } },
		{ "prlimit64",
		  SYS_prlimit64,
		  { 0, RLIMIT_NOFILE, 0, (long)buf } },
		{ "madvise", SYS_madvise, { (long)page, 4096, MADV_NORMAL } },
		{ "rt_sigaction",
		  SYS_rt_sigaction,
		  { SIGPROF, 0, (long)buf, 8 } },
		{ "clock_nanosleep",
		  SYS_clock_nanosleep,
		  { CLOCK_MONOTONIC, 0, (long)&nap } },
		{ "pread64", SYS_pread64, { fd, (long)buf, 1 } },
		/* the scan's stop of threads, and writes apart (tracefile.c),
		 * reap their helpers with wait4: no child here, ECHILD */
		{ "wait4", SYS_wait4, { -1, 0, WNOHANG | __WALL, 0 } },
	};
	const int n = (int)(sizeof(probes) / sizeof(probes[0]));

	for (int i = 0; i < n; i++) {
		const long *a = probes[i].a;

		*at = probes[i].name;
		real_syscall(probes[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	*at = NULL;
}

/* The copy: *at is its page, shared with us (and the address of the
 * call it is at, in our image too, at its start). */
static int probe_child(void *page)
{
	probe_calls(page, page);
	return 0;
}

/* A filter that traps a call (SIGSYS) rather than kill: the call it was
 * in the copy (which runs on, handlers copied), or the clone here. */
static const char *volatile *trap_at;
static const char *volatile trapped;

static void on_sigsys(int sig)
{
	(void)sig;
	trapped = trap_at && *trap_at ? *trap_at : "clone";
}

HIDDEN const char *perfshim_seccomp_kills(void)
{
	char buf[4096];
	const char *s = perfshim_self_status("\nSeccomp:", buf, sizeof(buf));
	const char *kills = NULL;
	int (*act)(int, const struct sigaction *, struct sigaction *);
	struct sigaction ign, sys, old_chld, old_sys;

	if (!s || *s != '2') /* 0: none; 1: strict, the program runs as it is */
		return NULL;
	act = (int (*)(int, const struct sigaction *, struct sigaction *))dlsym(
		RTLD_NEXT, "sigaction");
	/* The copy shares our memory (no page tables to copy: a fork of the
	 * process cost 4 ms a start here), runs on a stack of its own, and
	 * we wait until it is gone (CLONE_VFORK). Not CLONE_THREAD: a filter
	 * that kills the process kills the copy alone. */
	const size_t stack = 64 * 1024;
	char *mem = mmap(NULL, stack + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	int e = errno;

	if (mem == MAP_FAILED || !act)
		return NULL;
	const char *volatile *at = (const char *volatile *)(mem + stack);

	*at = "clone"; /* until the copy runs */
	trap_at = at;
	trapped = NULL;
	/*
	 * No wait for the copy: a filter may kill wait4 (probe K: a kill
	 * rule on wait4 killed the process here, where the copy tries it
	 * now). SIGCHLD ignored for the moment, the kernel reaps the copy
	 * (its exit signal is SIGCHLD), and the program sees no signal; the
	 * shared page says how far it came. SIGSYS caught: a trap is as
	 * good as a kill for the shim, which must not make that call (a
	 * trap of clone comes here, in the parent). A kill of clone itself
	 * cannot be told before it kills: README.
	 */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	memset(&sys, 0, sizeof(sys));
	sys.sa_handler = on_sigsys;
	if (act(SIGCHLD, &ign, &old_chld)) {
		munmap(mem, stack + 4096);
		errno = e;
		return NULL;
	}
	act(SIGSYS, &sys, &old_sys);
	int pid = clone(probe_child, mem + stack,
			CLONE_VM | CLONE_VFORK | SIGCHLD, mem + stack);

	act(SIGSYS, &old_sys, NULL);
	act(SIGCHLD, &old_chld, NULL);
	if (trapped)
		kills = trapped;
	else if (pid > 0 && *at)
		kills = *at;
	/* The one line that says so must not make that call either. */
	if (kills && !strcmp(kills, "rt_sigprocmask"))
		perfshim_no_sigmask = 1;
	trap_at = NULL;
	munmap(mem, stack + 4096);
	errno = e;
	return kills;
}

/*
 * glibc makes every thread of the process run each set*id() call, and
 * aborts the process when their results differ. Whether a thread may
 * change its ids depends on its own capabilities, "keep capabilities"
 * flag and securebits, which are per thread: a program that keeps its
 * capabilities across setresuid() (PR_SET_KEEPCAPS, then capset(), as
 * setpriv and privilege-separating daemons do) would find the writer,
 * which kept none, failing the next setresgid(), and glibc would abort.
 * So each set*id() call first compares the calling thread's state with
 * the one the writer was started with (the state of the thread that
 * started it), or had since: the same state, the same result (both
 * change alike). Else the writer leaves for the call and starts again
 * from the caller, with its state. Three system calls a set*id() call
 * when nothing differs.
 */
struct creds {
	struct __user_cap_data_struct cap[2];
	int keep, secure, known;
};

static struct creds writer_creds; /* under the writer's park lock */

static void creds_now(struct creds *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(c, 0, sizeof(*c));
	c->keep = prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
	c->secure = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	c->known = !real_syscall(SYS_capget, &h, c->cap) && c->keep >= 0 &&
		   c->secure >= 0;
}

/* The writer starts on the calling thread, with its state. */
HIDDEN void perfshim_creds_note(void)
{
	int e = errno;

	if (UNLIKELY(!real_syscall))
		perfshim_sandbox_init();
	creds_now(&writer_creds);
	errno = e;
}

static int setxid_begin(void)
{
	struct creds now;
	int parked = 0, e = errno;

	if (UNLIKELY(!real_syscall))
		perfshim_sandbox_init();
	if (perfshim_writer_is_parked() || !perfshim_process_ours())
		return 0;
	creds_now(&now);
	if (!now.known || !writer_creds.known ||
	    memcmp(&now, &writer_creds, sizeof(now))) {
		perfshim_guard++;
		parked = perfshim_writer_park();
		perfshim_guard--;
	}
	errno = e;
	return parked;
}

/* After the call: the writer changed as the caller did, or starts anew
 * from it (and notes it). */
static void setxid_end(int parked)
{
	int e = errno;

	if (parked)
		alone_end(parked);
	else if (!perfshim_writer_is_parked() && perfshim_process_ours())
		creds_now(&writer_creds);
	errno = e;
}

#define SETXID(name, params, args)                                     \
	EXPORT int name params                                         \
	{                                                              \
		static int(*real) params;                              \
		if (!real)                                             \
			real = (int(*) params)dlsym(RTLD_NEXT, #name); \
		int parked = setxid_begin();                           \
		int ret_ = real args;                                  \
		setxid_end(parked);                                    \
		return ret_;                                           \
	}

SETXID(setuid, (uid_t u), (u))
SETXID(setgid, (gid_t g), (g))
SETXID(seteuid, (uid_t u), (u))
SETXID(setegid, (gid_t g), (g))
SETXID(setreuid, (uid_t ru, uid_t eu), (ru, eu))
SETXID(setregid, (gid_t rg, gid_t eg), (rg, eg))
SETXID(setresuid, (uid_t ru, uid_t eu, uid_t su), (ru, eu, su))
SETXID(setresgid, (gid_t rg, gid_t eg, gid_t sg), (rg, eg, sg))
SETXID(setgroups, (size_t n, const gid_t *l), (n, l))

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
 * libunwind tells a readable address by writing a byte of it into a pipe
 * of its own, by syscall(SYS_write). While the program holds every
 * number its RLIMIT_NOFILE allows, that pipe cannot be made: the write
 * goes to -1, every address seemed unreadable, and no stack could be
 * walked (each allocation's stack came out empty, at 15 times the cost).
 * The answer the pipe would give: 1 where the byte can be read.
 */
static long probe_write(uintptr_t addr)
{
	char b;
	struct iovec l = { &b, 1 }, r = { (void *)addr, 1 };

	if (process_vm_readv(gettid(), &l, 1, &r, 1, 0) == 1)
		return 1;
	errno = EFAULT;
	return -1;
}

/*
 * syscall() is how programs (and libseccomp) reach seccomp, which glibc
 * has no wrapper for; and how some end the process (SYS_exit_group) or
 * replace it (SYS_execve) past libc's wrappers. The shim's own syscall()
 * calls come here too: the numbers it uses pass straight through, but
 * for libunwind's probe when it has no pipe (probe_write).
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
	case SYS_dup2:
	case SYS_dup3:
		/* As dup2() and dup3(): a number of ours moves away first,
		 * and the shim keeps its file (fds.c). */
		if (!perfshim_guard)
			return nr == SYS_dup2
				       ? dup2((int)a[0], (int)a[1])
				       : dup3((int)a[0], (int)a[1], (int)a[2]);
		break;
	case SYS_write:
		if (UNLIKELY((int)a[0] == -1 && a[2] == 1 && perfshim_guard))
			return probe_write((uintptr_t)a[1]);
		break;
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
	case SYS_exit_group:
		/* As _exit(): the caller's frames and registers are the
		 * scan's roots (the latter as saved in this frame). */
		PERFSHIM_EXIT_ROOTS_HERE();
		perfshim_quick_end((int)a[0]);
		break;
	case SYS_execve:
	case SYS_execveat: {
		/* The trace is written first, as by execve() (init.c). */
		int f = perfshim_before_exec();
		long r = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

		perfshim_after_failed_exec(f, errno);
		return r;
	}
	}
	long r = real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

	if (parked) {
		int e = errno;

		alone_end(parked);
		errno = e;
	}
	return r;
}
