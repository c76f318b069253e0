/* tracefile.c - the trace file: create, guard, write, close (tracefile.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "apart.h"
#include "fds.h"
#include "mem.h"
#include "rawsys.h"
#include "shim.h"
#include "tracefile.h"

static int trace_fd = -1;
static pid_t trace_pid; /* whose descriptor trace_fd is */
static dev_t trace_dev;
static ino_t trace_ino;
static char trace_path[4096 + 16];
/* The same from the root, for opening it again: the program may chdir()
 * after the shim made a trace from a relative PERFSHIM_OUTPUT. */
static char trace_from_root[2 * sizeof(trace_path)];

/*
 * Under a low RLIMIT_NOFILE with no room above it (soft = hard, as after
 * `ulimit -n 6`), a kept descriptor would be one of the program's few: a
 * program that opens files until EMFILE would get one less (coreutils'
 * sort then merges into a temporary file it has no number left for). The
 * trace is then open only while a write lasts ("lean"), and written from
 * a copy of the process while the program holds every number it may.
 */
static int lean;

/* 1 if fd is the file the shim made for the trace. */
static int is_trace_file(int fd)
{
	struct stat st;

	return fd >= 0 && !fstat(fd, &st) && st.st_dev == trace_dev &&
	       st.st_ino == trace_ino;
}

/* 1 while trace_fd is still the file the shim opened (a raw system call
 * may have closed it, and the program reused the number since). */
HIDDEN int perfshim_trace_fd_intact(void)
{
	return is_trace_file(trace_fd);
}

/* Turn tracing off for good after a write error; say so once. The
 * number is closed only while it is still the trace's. With fd_lock
 * held: no write is under way on the number it closes. */
static void stop_locked(const char *why, int err)
{
	if (atomic_exchange(&perfshim_recording, 0) == 0 && trace_fd < 0 &&
	    !lean)
		return;
	perfshim_say("cannot write trace %s: %s%s; tracing stopped, the "
		     "program goes on",
		     trace_path, why, err ? strerror(err) : "");
	if (perfshim_trace_fd_intact())
		perfshim_close_own(trace_fd);
	trace_fd = -1;
	lean = 0;
}

/*
 * The trace's number is the program's to dup2() onto at any moment: the
 * dup2() interposers move the trace out of the way first. Checking and
 * writing the descriptor, and moving it and the program's dup2() that
 * follows, hold fd_lock, with every signal blocked: no handler can then
 * run on a thread that holds it (and wait for it, or dup2() unlocked).
 */
static pthread_mutex_t fd_lock = PTHREAD_MUTEX_INITIALIZER;

HIDDEN void perfshim_trace_fd_lock(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, saved);
	pthread_mutex_lock(&fd_lock);
}

HIDDEN void perfshim_trace_fd_unlock(const sigset_t *saved)
{
	pthread_mutex_unlock(&fd_lock);
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

/* Any thread may stop the trace (out of memory on the program's path, a
 * writer that cannot start), while another writes (the writer, or a
 * program's thread flushing its own events). */
HIDDEN void perfshim_tracefile_stop(const char *why, int err)
{
	sigset_t saved;

	perfshim_trace_fd_lock(&saved);
	stop_locked(why, err);
	perfshim_trace_fd_unlock(&saved);
}

/* The trace opened again by its name from the root, at its end: 0; 1
 * when the program holds every number its limit allows; -1 when the name
 * no longer names it. */
static int open_again(void)
{
	int fd = open(trace_from_root,
		      O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == EMFILE || errno == ENFILE ? 1 : -1;
	if (!is_trace_file(fd)) {
		close(fd);
		return -1;
	}
	trace_fd = fd;
	return 0;
}

/*
 * Lean, and the program holds every number its limit allows: write from
 * a copy of the process (CLONE_VM, so the bytes are there, but not
 * CLONE_FILES): it closes its own copy of descriptor 0, opens the trace
 * there, writes and leaves. This thread waits meanwhile (CLONE_VFORK).
 * The copy is a process of its own, so closing its descriptors releases
 * none of the program's locks, and its end sends no SIGCHLD (its exit
 * signal is 0: only a wait with __WALL or __WCLONE sees it, ours).
 * The same copy creates the trace of a forked child whose parent held
 * every number (create: the file's identity comes back instead).
 * 0, or -1 when no copy could be made (seccomp, RLIMIT_NPROC) or it
 * could not write.
 */
struct apart {
	const char *path;
	int create;
	const uint8_t *p;
	size_t n;
	long result; /* 0, or -errno */
	dev_t dev;
	ino_t ino;
};

/* The copy: raw system calls only, since it runs on this thread's TLS. */
static int apart_main(void *arg)
{
	struct apart *a = arg;
	struct stat st;
	long fd, w;

	raw_syscall4(SYS_close, 0, 0, 0, 0);
	fd = raw_syscall4(
		SYS_openat, AT_FDCWD, (long)a->path,
		a->create ? O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
			  : O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		0600);
	if (fd < 0) {
		a->result = fd;
		return 0;
	}
	if (raw_syscall4(SYS_fstat, fd, (long)&st, 0, 0)) {
		a->result = -ESTALE;
		return 0;
	}
	if (a->create) {
		a->dev = st.st_dev;
		a->ino = st.st_ino;
	} else if (st.st_dev != trace_dev || st.st_ino != trace_ino) {
		a->result = -ESTALE;
		return 0;
	}
	while (a->n) {
		w = raw_syscall4(SYS_write, fd, (long)a->p, (long)a->n, 0);
		if (w == -EINTR)
			continue;
		if (w <= 0) {
			a->result = w < 0 ? w : -ENOSPC;
			return 0;
		}
		a->p += w;
		a->n -= (size_t)w;
	}
	a->result = 0;
	return 0;
}

/* a's work done by a copy: 0, or -errno (-EAGAIN: no copy). Under
 * fd_lock: one copy at a time on the stack. */
static long run_apart(struct apart *a)
{
	enum { STACK = 16 * 1024 };
	static void *stack;

	a->result = -EAGAIN;
	if (!stack && !(stack = perfshim_map(STACK)))
		return -EAGAIN;
	if (perfshim_apart(apart_main, a, stack, STACK))
		return -EAGAIN;
	return a->result;
}

static int write_apart(const uint8_t *p, size_t n)
{
	struct apart a = { .path = trace_from_root, .p = p, .n = n };

	return run_apart(&a) ? -1 : 0;
}

static int write_all(const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = perfshim_write_file(trace_fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			stop_locked("", w < 0 ? errno : ENOSPC);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_locked(const uint8_t *p, size_t n)
{
	int r;

	if (trace_fd < 0 && !lean)
		return -1;
	if (trace_fd < 0) { /* lean: open for this write */
		r = open_again();
		if (r > 0 && !write_apart(p, n))
			return 0;
		if (r) {
			stop_locked(
				r > 0 ? "the program holds every descriptor "
					"its RLIMIT_NOFILE allows, and no "
					"copy of the process could write it"
				      : "the file cannot be opened again by "
					"its name",
				0);
			return -1;
		}
	} else if (!perfshim_trace_fd_intact()) {
		/* The program closed or replaced our descriptor by a raw
		 * system call (close_range(), which no interposer sees; the
		 * number may be the program's file since): never write into
		 * a file that is not ours. Whole frames are written: opened
		 * again, at a high number, the trace goes on where it was. */
		if (open_again()) {
			stop_locked("its descriptor was closed behind the "
				    "shim's back (a raw system call), and "
				    "the file cannot be opened again",
				    0);
			return -1;
		}
		trace_fd = perfshim_lift_fd(trace_fd);
	}
	if (write_all(p, n))
		return -1;
	/* A program may lower its limit at any time: go lean then. */
	if (lean || (lean = perfshim_fd_in_budget(trace_fd))) {
		perfshim_close_own(trace_fd);
		trace_fd = -1;
	}
	return 0;
}

HIDDEN int perfshim_tracefile_write(const uint8_t *p, size_t n)
{
	sigset_t saved;

	int e = errno;

	perfshim_trace_fd_lock(&saved);
	int r = write_locked(p, n);

	perfshim_trace_fd_unlock(&saved);
	errno = e;
	return r;
}

/* trace_from_root: trace_path, with the working directory in front when
 * it is relative (as it is, when that cannot be had). */
static void remember_from_root(void)
{
	char cwd[sizeof(trace_path)];

	if (trace_path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(trace_from_root, sizeof(trace_from_root), "%s/%s", cwd,
			 trace_path);
	else
		snprintf(trace_from_root, sizeof(trace_from_root), "%s",
			 trace_path);
}

/*
 * trace_path created by a copy of the process (run_apart): the program
 * holds every number its RLIMIT_NOFILE allows (a forked child of such a
 * program). The trace is lean from the start. 0; 1 when the name is
 * taken; -1 otherwise.
 */
static int create_apart(void)
{
	struct apart a = { .path = trace_path, .create = 1 };
	long r = run_apart(&a);

	if (r == -EEXIST)
		return 1;
	if (r)
		return -1;
	trace_dev = a.dev;
	trace_ino = a.ino;
	trace_fd = -1;
	trace_pid = getpid();
	remember_from_root();
	lean = 1;
	return 0;
}

/* The name with suffix i: base itself, base.1, base.2, ... */
static void name_of(char *out, const char *base, int i)
{
	if (i == 0)
		snprintf(out, sizeof(trace_path), "%s", base);
	else
		snprintf(out, sizeof(trace_path), "%s.%d", base, i);
}

/* Whether suffix i of base names anything (a dangling link too: the
 * create would not take it either). */
static int name_taken(const char *base, int i)
{
	char p[sizeof(trace_path)];
	struct stat st;

	name_of(p, base, i);
	return !fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
}

#define MAX_SUFFIX (1 << 30)

/*
 * Where to try next once base is taken: the lowest suffix free where
 * the taken ones run from base up (the files of earlier runs of the
 * same name), found by doubling, then halving. Each program of a test
 * suite run with one fixed name tried every earlier run's name in turn
 * with an open(): a thousand runs made half a million, and from the
 * 10,000th on none was traced. A process that loses a race for the
 * name found tries the next ones (the caller).
 */
static int first_free(const char *base)
{
	int lo = 0, hi = 1; /* lo is taken; hi is free, or the last */

	while (hi < MAX_SUFFIX && name_taken(base, hi)) {
		lo = hi;
		hi *= 2;
	}
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		if (name_taken(base, mid))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

HIDDEN int perfshim_tracefile_open(void)
{
	char base[4096];
	size_t n = 0;
	const char *s = perfshim_cfg.output;

	for (; *s && n < sizeof(base) - 32; s++) {
		if (*s == '%' && s[1] == 'p') {
			n += snprintf(base + n, sizeof(base) - n, "%d",
				      getpid());
			s++;
		} else if (*s == '%' && s[1] == 't') {
			n += snprintf(base + n, sizeof(base) - n, "%lld",
				      (long long)time(NULL));
			s++;
		} else if (*s == '%' && s[1] == '%') {
			base[n++] = '%';
			s++;
		} else {
			base[n++] = *s;
		}
	}
	base[n] = 0;
	for (int i = 0, tries = 0; tries < 10000 && i <= MAX_SUFFIX;
	     i++, tries++) {
		name_of(trace_path, base, i);
		int fd = open(trace_path,
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				      O_CLOEXEC,
			      0600);

		if (fd < 0 && errno == EMFILE) {
			/* A forked child of a program that holds every
			 * number its limit allows: made by a copy (lean) */
			int r = create_apart();

			if (r > 0) {
				if (i == 0)
					i = first_free(base) - 1;
				continue;
			}
			if (!r)
				return 0;
			errno = EMFILE;
		}
		if (fd < 0 && errno == EEXIST) {
			if (i == 0)
				i = first_free(base) - 1;
			continue;
		}
		if (fd < 0) {
			perfshim_say("cannot create trace %s: %s; the program "
				     "runs untraced",
				     trace_path, strerror(errno));
			return -1;
		}
		/* Out of the program's way: a high number, close-on-exec,
		 * or none between writes when that would still be the
		 * program's (lean). */
		fd = perfshim_lift_fd(fd);
		struct stat st;

		fstat(fd, &st);
		trace_dev = st.st_dev;
		trace_ino = st.st_ino;
		trace_fd = fd;
		trace_pid = getpid();
		remember_from_root();
		lean = perfshim_fd_in_budget(fd);
		if (lean) {
			perfshim_close_own(fd);
			trace_fd = -1;
		}
		return 0;
	}
	perfshim_say("cannot create trace %s: too many files of that name",
		     base);
	return -1;
}

HIDDEN void perfshim_tracefile_close(void)
{
	if (perfshim_trace_fd_intact())
		perfshim_close_own(trace_fd);
	trace_fd = -1;
	lean = 0;
}

HIDDEN void perfshim_tracefile_after_fork(void)
{
	pthread_mutex_init(&fd_lock, NULL);
}

HIDDEN void perfshim_tracefile_forget(void)
{
	trace_fd = -1;
	lean = 0;
}

HIDDEN int perfshim_tracefile_on(void)
{
	return trace_fd >= 0 || lean;
}

HIDDEN int perfshim_trace_fd(void)
{
	return trace_fd;
}

HIDDEN int perfshim_is_trace_fd(int fd)
{
	return trace_fd >= 0 && fd == trace_fd;
}

/*
 * The program wants our descriptor's number: move the trace elsewhere,
 * back among the high numbers (the program's dup2()s would otherwise
 * push it up one number at a time, to the descriptor limit). Not in a
 * vfork() child: its descriptors are its own, its memory the parent's.
 */
HIDDEN int perfshim_protect_fd(int fd)
{
	if (!perfshim_is_trace_fd(fd) || getpid() != trace_pid)
		return 0;
	/* Closed behind our back, the number the program's: never a copy of
	 * its file (the writer gives the trace up at its next write). */
	if (!perfshim_trace_fd_intact())
		return 0;
	int high = perfshim_high_fd(fd);

	if (high < 0)
		high = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);

	if (high < 0)
		return -1;
	trace_fd = high;
	return 0;
}
