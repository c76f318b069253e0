/* fds.c - keep the shim's own descriptors out of the program's reach, and its out of ours. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "mask.h"
#include "shim.h"
#include "tracefile.h"

/*
 * The shim owns a few descriptors: the trace, /proc/self/statm, and the
 * pipe libunwind keeps for probing memory. Programs close "every"
 * descriptor (daemons, test harnesses) or dup2() onto numbers; if ours
 * went away libunwind would "repair" its pipe by closing numbers the
 * program reuses by then. So shim-made descriptors are moved to high
 * numbers, and to the program they do not exist: close(), dup*() and
 * fcntl() on one fail with EBADF as on any number never opened, and a
 * program that asks for a number ours sit on gets it.
 */
#define OWNED_MAX 8
#define FD_TOP 4096
#define FD_TRIES 64

static _Atomic int owned[OWNED_MAX] = { -1, -1, -1, -1, -1, -1, -1, -1 };
/* What each owned number was when the shim took it (ino 0: unknown). A
 * raw close_range() or close() (syscall(), which no interposer sees)
 * closes ours behind our back, and the program's next files take the
 * numbers: those are the program's then, never to close, read or write. */
static _Atomic dev_t owned_dev[OWNED_MAX];
static _Atomic ino_t owned_ino[OWNED_MAX];
/* Where libunwind keeps its pipe (see move_unwind_pipe), and whether its
 * numbers count against the program's RLIMIT_NOFILE (then it is closed
 * after each stretch of libunwind's: perfshim_unwind_pipe_release). */
static int *_Atomic unwind_pipe;
static _Atomic int pipe_in_budget;
/* What fd 2 was when the shim started (see perfshim_stderr_original). */
static dev_t stderr_dev;
static ino_t stderr_ino;
static int stderr_known;

static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_pipe2)(int[2], int);
static int (*real_close_range)(unsigned, unsigned, int);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);
static int (*real_setrlimit)(__rlimit_resource_t, const struct rlimit *);
static int (*real_prlimit)(pid_t, __rlimit_resource_t, const struct rlimit *,
			   struct rlimit *);

#define SYM(name) dlsym(RTLD_NEXT, name)

static void resolve(void)
{
	if (__atomic_load_n(&real_fcntl64, __ATOMIC_ACQUIRE))
		return;
	real_close = (int (*)(int))SYM("close");
	real_dup = (int (*)(int))SYM("dup");
	real_dup2 = (int (*)(int, int))SYM("dup2");
	real_dup3 = (int (*)(int, int, int))SYM("dup3");
	real_pipe2 = (int (*)(int[2], int))SYM("pipe2");
	real_close_range = (int (*)(unsigned, unsigned, int))SYM("close_range");
	real_fcntl = (int (*)(int, int, ...))SYM("fcntl");
	real_setrlimit = (int (*)(__rlimit_resource_t,
				  const struct rlimit *))SYM("setrlimit");
	real_prlimit =
		(int (*)(pid_t, __rlimit_resource_t, const struct rlimit *,
			 struct rlimit *))SYM("prlimit");
	int (*f64)(int, int, ...) = (int (*)(int, int, ...))SYM("fcntl64");

	/* the last one: the "resolved" flag */
	__atomic_store_n(&real_fcntl64, f64 ? f64 : real_fcntl,
			 __ATOMIC_RELEASE);
}

#define LOOKUP(fn) (resolve(), real_##fn)

/* Runs before perfshim_init (priorities run first): fd 2 is still the
 * stderr the program was given. */
__attribute__((constructor(101))) static void fds_init(void)
{
	struct stat st;
	int e = errno;

	resolve();
	perfshim_mask_on_hold = perfshim_unwind_pipe_check;
	perfshim_mask_on_release = perfshim_unwind_pipe_release;
	if (!fstat(2, &st)) {
		stderr_dev = st.st_dev;
		stderr_ino = st.st_ino;
		stderr_known = 1;
	}
	errno = e;
}

HIDDEN int perfshim_stderr_original(void)
{
	struct stat st;

	return stderr_known && !fstat(2, &st) && st.st_dev == stderr_dev &&
	       st.st_ino == stderr_ino;
}

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

static void disown(int fd)
{
	for (int i = 0; i < OWNED_MAX; i++) {
		int expect = fd;

		atomic_compare_exchange_strong(&owned[i], &expect, -1);
	}
}

/* 1 if fd, one of ours by number, is still the file the shim took. */
static int still_ours(int fd)
{
	struct stat st;

	if (perfshim_is_trace_fd(fd))
		return perfshim_trace_fd_intact();
	for (int i = 0; i < OWNED_MAX; i++) {
		if (atomic_load(&owned[i]) != fd)
			continue;
		ino_t ino = atomic_load(&owned_ino[i]);

		return !ino || (!fstat(fd, &st) && st.st_ino == ino &&
				st.st_dev == atomic_load(&owned_dev[i]));
	}
	return 0;
}

/* The number fd is ours, or was until a raw system call closed ours: then
 * it is the program's again (the trace's is given up by its writer). */
static int ours_now(int fd)
{
	if (!is_owned(fd))
		return 0;
	if (still_ours(fd))
		return 1;
	if (!perfshim_is_trace_fd(fd))
		disown(fd);
	return 0;
}

/* A program's call on one of ours: as on a number it never opened. */
static int program_on_ours(int fd)
{
	return !perfshim_guard && ours_now(fd);
}

static void own(int fd)
{
	struct stat st;
	int known = !fstat(fd, &st);

	for (int i = 0; i < OWNED_MAX; i++) {
		int expect = -1;

		if (!atomic_compare_exchange_strong(&owned[i], &expect, fd))
			continue;
		atomic_store(&owned_ino[i], (ino_t)0);
		atomic_store(&owned_dev[i], known ? st.st_dev : 0);
		atomic_store(&owned_ino[i], known ? st.st_ino : 0);
		return;
	}
}

/*
 * Where the soft RLIMIT_NOFILE is low and the hard one leaves room, a
 * close-on-exec copy of fd just above the soft limit, or -1. There it
 * takes none of the program's budget: a program that opens files until
 * EMFILE (fd-exhaustion tests, servers sizing their pools) gets as many
 * as natively, and one that closes "every" number below its limit never
 * reaches ours. The soft limit is raised for the one F_DUPFD and put back
 * (lowering it is always allowed, and leaves the copy open). One caller
 * at a time: a second one, which would read the raised limit as the
 * program's, takes the old way instead of waiting.
 */
static int above_soft(int fd)
{
	static atomic_flag busy = ATOMIC_FLAG_INIT;
	struct rlimit rl, raised;
	int high = -1;

	if (atomic_flag_test_and_set(&busy))
		return -1;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < FD_TOP &&
	    rl.rlim_cur < rl.rlim_max) {
		raised = rl;
		raised.rlim_cur = rl.rlim_cur + FD_TRIES < rl.rlim_max
					  ? rl.rlim_cur + FD_TRIES
					  : rl.rlim_max;
		if (!real_setrlimit(RLIMIT_NOFILE, &raised)) {
			high = real_fcntl(fd, F_DUPFD_CLOEXEC,
					  (int)rl.rlim_cur);
			real_setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	atomic_flag_clear(&busy);
	return high;
}

/*
 * A close-on-exec copy of fd out of the program's way, or -1: above the
 * soft limit where it can be (above_soft), else at the highest free
 * number below min(RLIMIT_NOFILE, FD_TOP): numbers a program takes from
 * the bottom, or asks for (F_DUPFD from 10, 100, 255, 900...), stay free,
 * and so does most of a low limit. FD_TOP bounds the kernel's descriptor
 * table (which fork copies) under a large limit.
 */
HIDDEN int perfshim_high_fd(int fd)
{
	struct rlimit rl;
	long top = FD_TOP;
	int high;

	resolve();
	if ((high = above_soft(fd)) >= 0)
		return high;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < (rlim_t)top)
		top = (long)rl.rlim_cur;
	for (long n = top - 1; n > fd && n >= top - FD_TRIES; n--) {
		high = real_fcntl(fd, F_DUPFD_CLOEXEC, (int)n);

		if (high >= 0 && high < top)
			return high;
		if (high >= 0)
			real_close(high);
	}
	return -1;
}

HIDDEN int perfshim_lift_fd(int fd)
{
	int e = errno;
	int high = perfshim_high_fd(fd);

	if (high >= 0) {
		real_close(fd);
		fd = high;
	}
	errno = e;
	return fd;
}

HIDDEN int perfshim_own_fd(int fd)
{
	int e = errno;
	int high = perfshim_high_fd(fd);

	/* Never keep a number the program would get next. */
	real_close(fd);
	errno = e;
	if (high >= 0)
		own(high);
	return high;
}

HIDDEN void perfshim_disown_fd(int fd)
{
	disown(fd);
}

HIDDEN int perfshim_fd_in_budget(int fd)
{
	struct rlimit rl;

	/* Under a soft limit past FD_TOP ours sit below FD_TOP, and cost the
	 * program a few numbers of many thousands, as before. */
	return fd >= 0 && !getrlimit(RLIMIT_NOFILE, &rl) &&
	       rl.rlim_cur <= FD_TOP && (rlim_t)fd < rl.rlim_cur;
}

HIDDEN int perfshim_close_own(int fd)
{
	resolve();
	disown(fd);
	return real_close(fd);
}

HIDDEN int perfshim_is_own_fd(int fd)
{
	return is_owned(fd);
}

/*
 * libunwind keeps its pipe's numbers in a static array, the one it gave
 * pipe2(): moving the pipe means rewriting that array. A number of -1
 * makes it open a new pipe when it next needs one.
 */
static void move_unwind_pipe(int fd)
{
	int *p = atomic_load(&unwind_pipe);

	for (int i = 0; p && i < 2; i++) {
		if (__atomic_load_n(&p[i], __ATOMIC_RELAXED) != fd)
			continue;
		/* closed behind our back: no copy of the program's file, and
		 * libunwind opens a new pipe when it next needs one */
		int high = still_ours(fd) ? perfshim_high_fd(fd) : -1;

		disown(fd);
		if (high >= 0)
			own(high);
		__atomic_store_n(&p[i], high, __ATOMIC_RELEASE);
	}
}

static int is_unwind_pipe(int fd)
{
	int *p = atomic_load(&unwind_pipe);

	return p && (__atomic_load_n(&p[0], __ATOMIC_RELAXED) == fd ||
		     __atomic_load_n(&p[1], __ATOMIC_RELAXED) == fd);
}

/* An end of libunwind's pipe forgotten: closed while it is still ours,
 * else the program's number now, left alone. */
static void drop_end(int fd)
{
	if (fd < 0)
		return;
	if (still_ours(fd))
		perfshim_close_own(fd);
	else
		disown(fd);
}

/*
 * Before libunwind runs: were its pipe's numbers closed behind our back
 * (and perhaps taken by the program's files since), it would read and
 * write the program's files, and "repair" its pipe by closing them. An
 * end that is not ours any more is forgotten (-1: libunwind makes a new
 * pipe when it needs one), and the other end with it.
 */
HIDDEN void perfshim_unwind_pipe_check(void)
{
	static atomic_flag busy = ATOMIC_FLAG_INIT;
	int *p = atomic_load(&unwind_pipe);

	if (!p || atomic_flag_test_and_set(&busy))
		return;
	int a = __atomic_load_n(&p[0], __ATOMIC_RELAXED),
	    b = __atomic_load_n(&p[1], __ATOMIC_RELAXED);

	if ((a >= 0 || b >= 0) &&
	    (a < 0 || b < 0 || !still_ours(a) || !still_ours(b))) {
		int e = errno;

		for (int i = 0; i < 2; i++) {
			drop_end(i ? b : a);
			__atomic_store_n(&p[i], -1, __ATOMIC_RELEASE);
		}
		errno = e;
	}
	atomic_flag_clear(&busy);
}

/*
 * After a stretch of libunwind's: a pipe whose numbers the program could
 * have had (a soft RLIMIT_NOFILE equal to the hard one leaves no room
 * above it) is closed, and libunwind makes it again when it next
 * validates memory (seldom: frames it has no unwind information for).
 * Only while the program has one thread: another could be validating
 * through the pipe this moment (the writer never runs libunwind, and no
 * signal handler runs inside a hold).
 */
HIDDEN void perfshim_unwind_pipe_release(void)
{
	int *p;

	if (!atomic_load_explicit(&pipe_in_budget, memory_order_relaxed) ||
	    !(p = atomic_load(&unwind_pipe)) || perfshim_program_threads() != 1)
		return;
	int e = errno;

	for (int i = 0; i < 2; i++)
		drop_end(__atomic_exchange_n(&p[i], -1, __ATOMIC_ACQ_REL));
	errno = e;
}

/* The program is about to take number fd: if it is ours, move ours (the
 * old number stays open until the program's call replaces it). */
static void make_room(int fd)
{
	int e = errno;

	perfshim_guard++;
	perfshim_protect_fd(fd);
	perfshim_memory_protect_fd(fd);
	move_unwind_pipe(fd);
	perfshim_guard--;
	errno = e;
}

EXPORT int pipe2(int fds[2], int flags)
{
	int r = LOOKUP(pipe2)(fds, flags);

	/* Made for the shim (libunwind's probe pipe): lift and keep it. */
	if (r == 0 && perfshim_guard) {
		uintptr_t here = (uintptr_t)&r, at = (uintptr_t)fds;

		fds[0] = perfshim_own_fd(fds[0]);
		fds[1] = perfshim_own_fd(fds[1]);
		if (fds[0] < 0 || fds[1] < 0) {
			close(fds[0]);
			close(fds[1]);
			/* no number left in the caller's array: libunwind
			 * would close it later, when it may be another's */
			fds[0] = fds[1] = -1;
			errno = EMFILE;
			return -1;
		}
		/* Not on a stack: libunwind's static array, to move later. */
		if (at - here > (1u << 20) && here - at > (1u << 20)) {
			atomic_store(&pipe_in_budget,
				     perfshim_fd_in_budget(fds[0]) ||
					     perfshim_fd_in_budget(fds[1]));
			atomic_store(&unwind_pipe, fds);
		}
	}
	return r;
}

EXPORT int close(int fd)
{
	if (UNLIKELY(is_owned(fd))) {
		if (!ours_now(fd)) {
			/* ours was closed behind our back: the number is
			 * the program's, and the shim never closes it */
			if (perfshim_guard)
				return 0;
		} else if (!perfshim_guard || perfshim_is_trace_fd(fd)) {
			/* the program never had it; nor does libunwind (a
			 * stale number of its pipe): the trace is closed by
			 * perfshim_close_own() only */
			errno = EBADF;
			return -1;
		} else {
			disown(fd); /* the shim's own close (libunwind's pipe) */
		}
	}
	return LOOKUP(close)(fd);
}

/*
 * fstat() and its kin on one of ours: EBADF, as on a number never opened
 * (programs and test suites count their open descriptors so, and check
 * that a child got only those it passed). The shim's own calls (it
 * checks its descriptors with fstat) go through: they come from its code.
 */
#define HIDDEN_FROM(fd)                                               \
	(!perfshim_in_shim((uintptr_t)__builtin_return_address(0)) && \
	 program_on_ours(fd))

#define FSTAT_LIKE(name, decl, call, fd)                             \
	EXPORT int name decl                                         \
	{                                                            \
		static int(*real) decl;                              \
		if (HIDDEN_FROM(fd)) {                               \
			errno = EBADF;                               \
			return -1;                                   \
		}                                                    \
		if (!real)                                           \
			real = (int(*) decl)dlsym(RTLD_NEXT, #name); \
		return real call;                                    \
	}

/* An empty path (or none) with AT_EMPTY_PATH: fd itself. */
static int empty_path(const char *p)
{
	return !p || !*p;
}

#define EMPTY_AT(path, flags) ((flags)&AT_EMPTY_PATH && empty_path(path))

/* glibc's stat functions of old binaries (glibc before 2.33). */
int __fxstat(int v, int fd, struct stat *st);
int __fxstat64(int v, int fd, struct stat64 *st);

FSTAT_LIKE(fstat, (int fd, struct stat *st), (fd, st), fd)
FSTAT_LIKE(fstat64, (int fd, struct stat64 *st), (fd, st), fd)
FSTAT_LIKE(__fxstat, (int v, int fd, struct stat *st), (v, fd, st), fd)
FSTAT_LIKE(__fxstat64, (int v, int fd, struct stat64 *st), (v, fd, st), fd)
FSTAT_LIKE(fstatat, (int fd, const char *p, struct stat *st, int fl),
	   (fd, p, st, fl), EMPTY_AT(p, fl) ? fd : -1)
FSTAT_LIKE(fstatat64, (int fd, const char *p, struct stat64 *st, int fl),
	   (fd, p, st, fl), EMPTY_AT(p, fl) ? fd : -1)
FSTAT_LIKE(statx, (int fd, const char *p, int fl, unsigned m, struct statx *st),
	   (fd, p, fl, m, st), EMPTY_AT(p, fl) ? fd : -1)

EXPORT int dup(int fd)
{
	if (program_on_ours(fd)) {
		errno = EBADF;
		return -1;
	}
	return LOOKUP(dup)(fd);
}

/*
 * The program takes number new: ours moves away first, at once for the
 * writer, which must never write to the number in between (hence the
 * trace descriptor's lock around both).
 */
static int dup_onto(int old, int new, int flags, int is_dup3)
{
	sigset_t saved;

	if (program_on_ours(old)) {
		errno = EBADF;
		return -1;
	}
	resolve();
	perfshim_trace_fd_lock(&saved);
	if (old != new)
		make_room(new);
	int r = is_dup3 ? real_dup3(old, new, flags) : real_dup2(old, new);
	int e = errno;

	perfshim_trace_fd_unlock(&saved);
	errno = e;
	return r;
}

EXPORT int dup2(int old, int new)
{
	return dup_onto(old, new, 0, 0);
}

EXPORT int dup3(int old, int new, int flags)
{
	return dup_onto(old, new, flags, 1);
}

/*
 * F_DUPFD gave the program r, the lowest free number from min (or failed
 * with EMFILE: r is -1). Had ours not been there it would have had the
 * lowest of ours from min below r: move that one away and give the
 * program its number instead.
 */
static int dupfd_native(int fd, int cloexec, int min, int r)
{
	int s = -1, e = errno;

	/* Only numbers still ours: one a raw dup2() gave the program's
	 * file is the program's (probe K: F_DUPFD gave it again, and the
	 * program's writes to it went to the F_DUPFD's file). */
	for (int i = -1; i < OWNED_MAX; i++) {
		int o = i < 0 ? perfshim_trace_fd() : atomic_load(&owned[i]);

		if (o >= min && (r < 0 || o < r) && (s < 0 || o < s) &&
		    ours_now(o))
			s = o;
	}
	if (s < 0)
		return r;
	make_room(s);
	if (is_owned(s) || real_dup3(fd, s, cloexec ? O_CLOEXEC : 0) != s) {
		errno = e;
		return r;
	}
	if (r >= 0)
		real_close(r);
	errno = e;
	return s;
}

static int do_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	if (program_on_ours(fd)) {
		errno = EBADF;
		return -1;
	}
	int r = real(fd, cmd, arg);

	if ((r >= 0 || errno == EMFILE) && !perfshim_guard &&
	    (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		r = dupfd_native(fd, cmd == F_DUPFD_CLOEXEC, (int)(intptr_t)arg,
				 r);
	return r;
}

/* glibc's own fcntl reads its third argument the same way. */
EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;

	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);

	va_end(ap);
	return do_fcntl(LOOKUP(fcntl), fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;

	va_start(ap, cmd);
	void *arg = va_arg(ap, void *);

	va_end(ap);
	return do_fcntl(LOOKUP(fcntl64), fd, cmd, arg);
}

/* close_range() over a range holding ours: close around them. */
EXPORT int close_range(unsigned first, unsigned last, int flags)
{
	int mine[OWNED_MAX + 1], n = 0;
	unsigned lo = first;

	if (first > last) {
		errno = EINVAL; /* what the kernel says, before any work */
		return -1;
	}
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
	for (int i = 0; i < n; i++) {
		if (mine[i] < 0 || (unsigned)mine[i] < lo ||
		    (unsigned)mine[i] > last)
			continue;
		if ((unsigned)mine[i] > lo &&
		    LOOKUP(close_range)(lo, (unsigned)mine[i] - 1, flags))
			return -1;
		lo = (unsigned)mine[i] + 1;
	}
	/* All of it ours: the flags are still checked (the kernel checks
	 * them first, and closes nothing from ~0u). */
	if (lo > last)
		return LOOKUP(close_range)(~0u, ~0u, flags);
	return LOOKUP(close_range)(lo, last, flags);
}

EXPORT void closefrom(int lowfd)
{
	close_range(lowfd < 0 ? 0 : (unsigned)lowfd, ~0u, 0);
}

/*
 * The program raised its soft RLIMIT_NOFILE (servers, build tools and
 * language runtimes do at start): ours, placed just above the old limit,
 * now sit inside its budget, and its files would skip their numbers.
 * Each of ours below the new limit moves out of the way again (above
 * it where the hard limit leaves room, else to the top), and its old
 * number is closed. Under the trace descriptor's lock, as for dup2().
 */
static void nofile_changed(void)
{
	struct rlimit rl;
	sigset_t saved;
	int e = errno;

	/* (a vfork child's descriptors are its own, its memory ours) */
	if (perfshim_guard || !perfshim_process_ours() ||
	    getrlimit(RLIMIT_NOFILE, &rl)) {
		errno = e;
		return;
	}
	/* libunwind's pipe may be in use by another thread this moment
	 * (then only the next stretch of libunwind's closes it, as it does
	 * a pipe in the program's budget) */
	int pipe_too = perfshim_program_threads() == 1;

	perfshim_trace_fd_lock(&saved);
	for (int i = -1; i < OWNED_MAX; i++) {
		int o = i < 0 ? perfshim_trace_fd() : atomic_load(&owned[i]);

		if (o < 0 || (rlim_t)o >= rl.rlim_cur || !ours_now(o))
			continue;
		if (is_unwind_pipe(o) && !pipe_too) {
			atomic_store(&pipe_in_budget, 1);
			continue;
		}
		make_room(o);
		/* moved (or dropped, to be opened again when next needed) */
		if (!is_owned(o))
			real_close(o);
	}
	perfshim_trace_fd_unlock(&saved);
	errno = e;
}

EXPORT int setrlimit(__rlimit_resource_t res, const struct rlimit *rl)
{
	int r = LOOKUP(setrlimit)(res, rl);

	if (!r && res == RLIMIT_NOFILE)
		nofile_changed();
	return r;
}

EXPORT int setrlimit64(__rlimit_resource_t res, const struct rlimit64 *rl)
{
	return setrlimit(res, (const struct rlimit *)rl);
}

EXPORT int prlimit(pid_t pid, __rlimit_resource_t res, const struct rlimit *rl,
		   struct rlimit *old)
{
	int r = LOOKUP(prlimit)(pid, res, rl, old);

	if (!r && rl && res == RLIMIT_NOFILE && (!pid || pid == getpid()))
		nofile_changed();
	return r;
}

EXPORT int prlimit64(pid_t pid, __rlimit_resource_t res,
		     const struct rlimit64 *rl, struct rlimit64 *old)
{
	return prlimit(pid, res, (const struct rlimit *)rl,
		       (struct rlimit *)old);
}

/*
 * A file write past RLIMIT_FSIZE raises SIGXFSZ, which ends the program
 * by default: the trace being cut short must not. With the signal
 * blocked the write fails with EFBIG instead, and the signal it left
 * pending is taken back, unless the program had one pending already.
 */
HIDDEN int perfshim_no_sigmask;

HIDDEN ssize_t perfshim_write_file(int fd, const void *p, size_t n)
{
	sigset_t ours, old, pending, took;

	/* A seccomp filter kills rt_sigprocmask (the shim then says so,
	 * and only that, through here). */
	if (UNLIKELY(perfshim_no_sigmask))
		return write(fd, p, n);

	/* SIGXFSZ past RLIMIT_FSIZE, SIGPIPE on a pipe nobody reads (the
	 * program's stderr, where the shim says why it steps aside): the
	 * program never wrote, it must not die of it. */
	sigemptyset(&ours);
	sigaddset(&ours, SIGXFSZ);
	sigaddset(&ours, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &ours, &old);
	sigemptyset(&pending);
	sigpending(&pending);
	ssize_t w = write(fd, p, n);
	int e = errno;
	int sig = w >= 0 ? 0 : e == EFBIG ? SIGXFSZ : e == EPIPE ? SIGPIPE : 0;

	/* Ours if it was not pending before the write. */
	if (sig && sigismember(&pending, sig) != 1) {
		struct timespec zero = { 0, 0 };

		sigemptyset(&took);
		sigaddset(&took, sig);
		sigtimedwait(&took, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return w;
}

/* path: /proc/thread-self/leaf (thread) or /proc/self/leaf; -1 if long. */
static int proc_path(char path[64], int thread, const char *leaf)
{
	const char *dir = thread ? "/proc/thread-self/" : "/proc/self/";
	size_t d = strlen(dir), l = strlen(leaf);

	if (l >= 32) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, d);
	memcpy(path + d, leaf, l + 1);
	return 0;
}

HIDDEN int perfshim_proc_open(const char *leaf, int flags)
{
	char path[64];
	int fd = -1;

	for (int thread = 1; thread >= 0; thread--) {
		if (proc_path(path, thread, leaf))
			return -1;
		fd = open(path, flags);
		if (fd >= 0 || errno != ENOENT)
			break;
	}
	return fd;
}

HIDDEN ssize_t perfshim_proc_readlink(const char *leaf, char *buf, size_t n)
{
	char path[64];
	ssize_t r = -1;

	for (int thread = 1; thread >= 0; thread--) {
		if (proc_path(path, thread, leaf))
			return -1;
		r = readlink(path, buf, n);
		if (r >= 0 || errno != ENOENT)
			break;
	}
	return r;
}
