/*
 * stop.c - stop the other threads of the process for the reachability
 * scan, take their registers, and let them go on without their noticing.
 *
 * A signal cannot do that: once its handler has run, poll, nanosleep,
 * select, epoll_wait, sem_timedwait, futex waits with a timeout... fail
 * with EINTR, and SA_RESTART restarts only some calls. So, as
 * LeakSanitizer's StopTheWorld does, a tracer task (a clone that shares
 * our memory but is no thread of the process) seizes each thread with
 * PTRACE_SEIZE and stops it with PTRACE_INTERRUPT. No handler runs, and
 * the kernel restarts the interrupted call when the thread goes on. The
 * few calls that any stop makes fail with EINTR (epoll_wait, recv with
 * SO_RCVTIMEO, sigtimedwait, semop; see signal(7)) the tracer restarts
 * itself: it turns their -EINTR into -ERESTARTNOHAND, which the kernel
 * restarts unless a signal with a handler arrived meanwhile (the program
 * then sees EINTR, as it would have anyway). Their timeouts start over.
 *
 * Where ptrace is not allowed, SIGRTMAX - 1 (with SA_RESTART) stops them:
 * each thread saves its registers in the handler and waits there. Calls
 * that SA_RESTART does not restart the handler makes again itself (see
 * restart_in_handler), when it knows which call it interrupted.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "mem.h"
#include "rawsys.h"
#include "shim.h"
#include "stop.h"

/* How long a stop waits for the other threads, at most. */
#define STOP_WAIT_NS 1000000000ll
/*
 * How long a stop by signal waits for a thread that blocked the signal
 * when it looked: most do so for a moment (a CPU sample unwinds the
 * thread's stack with every signal blocked), and take it right after.
 */
#define BLOCKED_WAIT_NS 50000000ll
/* How long a stopped thread stays stopped without a release, at most. */
#define HOLD_NS 10000000000ll
#define TRACER_STACK (64 * 1024)
/* The kernel's "restart unless a handler runs" (not in uapi headers). */
#define ERESTARTNOHAND 514
#ifndef FP_XSTATE_MAGIC1
#define FP_XSTATE_MAGIC1 0x46505853u
#endif

_Static_assert(sizeof(struct user_regs_struct) == STOP_GREGS * 8,
	       "STOP_GREGS "
	       "is the size "
	       "of struct "
	       "user_regs_struct");
_Static_assert(NGREG <= STOP_GREGS, "a signal's gregs fit too");

enum { ASKED, HELD, LEFT }; /* struct stopped's state */
enum { NONE, BY_TRACER, BY_SIGNAL };

static struct stopped *slots;
static size_t nslots, slots_cap;
static int method;
static _Atomic uint32_t release_word;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Wait (at most ns) while *w == val. */
static void wait_while(_Atomic uint32_t *w, uint32_t val, int64_t ns)
{
	int64_t until = mono_ns() + ns;

	while (atomic_load(w) == val) {
		int64_t left = until - mono_ns();
		struct timespec ts = { 0, left < 50000000 ? left : 50000000 };

		if (left <= 0)
			return;
		raw_syscall4(SYS_futex, (long)w, FUTEX_WAIT_PRIVATE, val,
			     (long)&ts);
	}
}

static void wake_all(_Atomic uint32_t *w)
{
	raw_syscall4(SYS_futex, (long)w, FUTEX_WAKE_PRIVATE, INT_MAX, 0);
}

static int slots_room(size_t n)
{
	size_t cap = slots_cap ? slots_cap : 16;

	if (n <= slots_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	void *p = perfshim_remap(slots, slots_cap * sizeof(*slots),
				 cap * sizeof(*slots));

	if (!p)
		return -1;
	slots = p;
	slots_cap = cap;
	return 0;
}

/* The digits of tid, then tail, in buf (a path under /proc/self/task). */
static const char *task_path(char *buf, pid_t tid, const char *tail)
{
	char digits[16];
	int n = 0;

	do
		digits[n++] = (char)('0' + tid % 10);
	while ((tid /= 10) && n < 15);
	for (int i = 0; i < n; i++)
		buf[i] = digits[n - 1 - i];
	memcpy(buf + n, tail, strlen(tail) + 1);
	return buf;
}

/* Read the small /proc file at path (relative to dirfd) into buf; 0 or -1. */
static int proc_read(int dirfd, const char *path, char *buf, size_t size)
{
	long fd = raw_syscall4(SYS_openat, dirfd, (long)path,
			       O_RDONLY | O_CLOEXEC, 0);
	long got;

	if (fd < 0)
		return -1;
	got = raw_syscall4(SYS_read, fd, (long)buf, (long)size - 1, 0);
	raw_syscall4(SYS_close, fd, 0, 0, 0);
	if (got <= 0)
		return -1;
	buf[got] = 0;
	return 0;
}

/* The value of the line "name" ("\nSigBlk:") of a status file, or NULL. */
static const char *field(const char *buf, const char *name)
{
	const char *l = strstr(buf, name);

	if (!l)
		return NULL;
	l += strlen(name);
	while (*l == ' ' || *l == '\t')
		l++;
	return l;
}

HIDDEN const char *perfshim_self_status(const char *name, char *buf,
					size_t size)
{
	return proc_read(AT_FDCWD, "/proc/self/status", buf, size)
		       ? NULL
		       : field(buf, name);
}

static int zombie(pid_t tid);

/*
 * Add the threads listed in task_fd (/proc/self/task) but self, the
 * writer and those listed already, up to cap slots. Safe in the tracer.
 */
static void list_tasks(int task_fd, pid_t self, size_t cap)
{
	char buf[4096];
	size_t known = nslots;
	long got;

	raw_syscall4(SYS_lseek, task_fd, 0, SEEK_SET, 0);
	while ((got = raw_syscall4(SYS_getdents64, task_fd, (long)buf,
				   sizeof(buf), 0)) > 0) {
		for (long off = 0; off < got;) {
			struct linux_dirent64 {
				uint64_t ino;
				int64_t off;
				unsigned short reclen;
				unsigned char type;
				char name[];
			} *d = (struct linux_dirent64 *)(buf + off);
			long tid = 0;
			size_t i = 0;

			off += d->reclen;
			for (const char *c = d->name; *c; c++)
				tid = *c >= '0' && *c <= '9'
					      ? tid * 10 + (*c - '0')
					      : -1;
			if (tid <= 0 || tid == self ||
			    tid == atomic_load(&perfshim_writer_tid))
				continue;
			while (i < known && slots[i].tid != tid)
				i++;
			/* An ended thread (a main thread after pthread_exit
			 * is a zombie until the end) never answers. */
			if (i < known || nslots == cap || zombie((pid_t)tid))
				continue;
			memset(&slots[nslots], 0,
			       offsetof(struct stopped, regs));
			slots[nslots++].tid = (pid_t)tid;
		}
	}
}

/* --- with ptrace, from a tracer task ---------------------------------------- */

enum { T_STARTING, T_STOPPED, T_FAILED, T_DONE };

static struct {
	_Atomic uint32_t phase, go;
	pid_t pid, self;
	int task_fd;
	size_t cap;
	int ptracer; /* PR_SET_PTRACER was set for it */
	void *stack;
} tr;

/* Whether thread tid is a zombie (PTRACE_SEIZE then fails, EPERM). */
static int zombie(pid_t tid)
{
	char path[32], buf[512];
	const char *v;

	if (proc_read(tr.task_fd, task_path(path, tid, "/status"), buf,
		      sizeof(buf)))
		return 1; /* gone */
	v = field(buf, "\nState:");
	return !v || *v == 'Z' || *v == 'X';
}

static int seize(struct stopped *s)
{
	long r = raw_syscall4(SYS_ptrace, PTRACE_SEIZE, s->tid, 0, 0);

	if (r == -ESRCH || (r == -EPERM && zombie(s->tid))) {
		atomic_store(&s->state, LEFT);
		return 0;
	}
	if (r < 0)
		return -1;
	s->seized = 1;
	raw_syscall4(SYS_ptrace, PTRACE_INTERRUPT, s->tid, 0, 0);
	return 0;
}

/* Its general registers, then its FP/SIMD state: the whole xsave area
 * (or the fxsave one) as the kernel keeps it. */
static void take_regs(struct stopped *s)
{
	struct iovec v = { s->regs + STOP_GREGS, STOP_FPWORDS * 8 };

	if (raw_syscall4(SYS_ptrace, PTRACE_GETREGS, s->tid, 0, (long)s->regs))
		return;
	s->sp = (uintptr_t)s->regs[offsetof(struct user_regs_struct, rsp) / 8];
	s->nwords = STOP_GREGS;
	if (raw_syscall4(SYS_ptrace, PTRACE_GETREGSET, s->tid, NT_X86_XSTATE,
			 (long)&v)) {
		v.iov_len = STOP_FPWORDS * 8;
		if (raw_syscall4(SYS_ptrace, PTRACE_GETREGSET, s->tid,
				 NT_PRFPREG, (long)&v))
			v.iov_len = 0;
	}
	s->nwords += v.iov_len / 8;
	s->have_regs = 1;
}

static void await_stop(struct stopped *s, int64_t until)
{
	struct timespec nap = { 0, 100000 };
	int st;

	while (s->seized && atomic_load(&s->state) == ASKED) {
		long r = raw_syscall4(SYS_wait4, s->tid, (long)&st,
				      __WALL | WNOHANG, 0);

		if (r == s->tid && WIFSTOPPED(st)) {
			/* a signal-delivery stop: the signal is delivered
			 * when we let go */
			if (!(st >> 16))
				s->sig = WSTOPSIG(st);
			take_regs(s);
			atomic_store(&s->state, HELD);
		} else if (r == s->tid || r < 0) {
			s->seized = 0; /* it ended */
			atomic_store(&s->state, LEFT);
		} else if (mono_ns() >= until) {
			return;
		} else {
			raw_syscall4(SYS_nanosleep, (long)&nap, 0, 0, 0);
		}
	}
}

/* A call the stop made fail with EINTR: restart it (see the top). */
static void restart_call(const struct stopped *s)
{
	struct user_regs_struct r;

	memcpy(&r, s->regs, sizeof(r));
	if (!s->have_regs || (long long)r.orig_rax < 0 ||
	    (long long)r.rax != -EINTR)
		return;
	r.rax = (unsigned long long)-ERESTARTNOHAND;
	raw_syscall4(SYS_ptrace, PTRACE_SETREGS, s->tid, 0, (long)&r);
}

static void detach(struct stopped *s)
{
	if (!s->seized)
		return;
	/* one that was slow to stop: have it stop, to restart its call */
	await_stop(s, mono_ns() + 20000000);
	if (atomic_load(&s->state) == HELD) {
		restart_call(s);
		raw_syscall4(SYS_ptrace, PTRACE_DETACH, s->tid, 0, s->sig);
	}
	/* else the kernel detaches it when the tracer ends */
	s->seized = 0;
}

static int stop_all(void)
{
	int64_t until = mono_ns() + STOP_WAIT_NS;
	size_t done = 0;

	/* Threads may start threads until they are stopped: list again. */
	for (int round = 0; round < 8 && done < nslots; round++) {
		for (size_t i = done; i < nslots; i++)
			if (seize(&slots[i]))
				return -1;
		for (size_t i = done; i < nslots; i++)
			await_stop(&slots[i], until);
		done = nslots;
		list_tasks(tr.task_fd, tr.self, tr.cap);
	}
	return 0;
}

/* The tracer: shares our memory, files and TLS; uses no C library call
 * that could write errno or take a lock. */
static int tracer_main(void *unused)
{
	int ok;

	(void)unused;
	/* If the process ends (a fatal signal), so does the tracer. */
	raw_syscall4(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	wait_while(&tr.go, 0, STOP_WAIT_NS);
	ok = !stop_all();
	if (ok) {
		atomic_store(&tr.phase, T_STOPPED);
		wake_all(&tr.phase);
		wait_while(&release_word, 0, HOLD_NS);
	}
	for (size_t i = 0; i < nslots; i++)
		detach(&slots[i]);
	atomic_store(&tr.phase, ok ? T_DONE : T_FAILED);
	wake_all(&tr.phase);
	return 0;
}

/*
 * Whether the kernel lets a tracer of ours trace our threads. Not when we
 * are traced already (a debugger, strace), under seccomp (a filter may
 * kill the process for ptrace) or where Yama wants more than we may do.
 */
static int may_trace(int may_set_ptracer, int *need_ptracer)
{
	char buf[4096];
	const char *tracer, *seccomp;

	if (perfshim_cfg.scan_stop_signal ||
	    proc_read(AT_FDCWD, "/proc/self/status", buf, sizeof(buf)))
		return 0;
	tracer = field(buf, "\nTracerPid:");
	seccomp = field(buf, "\nSeccomp:");
	if (!tracer || *tracer != '0' || !seccomp || *seccomp != '0')
		return 0;
	long fd = raw_syscall4(SYS_openat, AT_FDCWD,
			       (long)"/proc/sys/kernel/yama/ptrace_scope",
			       O_RDONLY | O_CLOEXEC, 0);
	char scope = '0';

	if (fd >= 0) {
		if (raw_syscall4(SYS_read, fd, (long)&scope, 1, 0) != 1)
			scope = '?';
		raw_syscall4(SYS_close, fd, 0, 0, 0);
	}
	*need_ptracer = scope == '1';
	return scope == '0' || (scope == '1' && may_set_ptracer);
}

static void reap_tracer(void)
{
	int st;

	raw_syscall4(SYS_wait4, tr.pid, (long)&st, __WALL, 0);
	if (tr.ptracer)
		prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	tr.ptracer = 0;
}

static int stop_by_tracer(int need_ptracer)
{
	if (!tr.stack && !(tr.stack = perfshim_map(TRACER_STACK)))
		return -1;
	/* room for threads that start while we stop them */
	if (slots_room(2 * nslots + 64))
		return -1;
	tr.cap = slots_cap;
	atomic_store(&tr.phase, T_STARTING);
	atomic_store(&tr.go, !need_ptracer);
	atomic_store(&release_word, 0);
	tr.pid =
		clone(tracer_main, (char *)tr.stack + TRACER_STACK,
		      CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED, NULL);
	if (tr.pid <= 0)
		return -1;
	if (need_ptracer) {
		tr.ptracer = !prctl(PR_SET_PTRACER, tr.pid, 0, 0, 0);
		atomic_store(&tr.go, 1);
		wake_all(&tr.go);
	}
	wait_while(&tr.phase, T_STARTING, 4 * STOP_WAIT_NS);
	if (atomic_load(&tr.phase) == T_STOPPED)
		return 0;
	if (atomic_load(&tr.phase) == T_STARTING) {
		/* stuck (it should never be): the kernel lets them go */
		raw_syscall4(SYS_kill, tr.pid, SIGKILL, 0, 0);
	}
	reap_tracer();
	for (size_t i = 0; i < nslots; i++) {
		slots[i].have_regs = 0;
		slots[i].nwords = 0;
		atomic_store(&slots[i].state, ASKED);
	}
	return -1;
}

/* --- with a signal ---------------------------------------------------------- */

static _Atomic int by_signal;
static struct sigaction saved_action;

static int stop_signal(void)
{
	return SIGRTMAX - 1;
}

/* The FP/SIMD state the kernel saved for the handler: the xsave area. */
static size_t fp_words(const ucontext_t *uc, uint64_t *out, size_t room)
{
	const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
	uint32_t magic, size = 512;

	if (!fp)
		return 0;
	memcpy(&magic, fp + 464, 4); /* the fxsave area's sw_reserved */
	if (magic == FP_XSTATE_MAGIC1)
		memcpy(&size, fp + 464 + 16, 4);
	if (size < 512)
		size = 512;
	if (size > room * 8)
		size = (uint32_t)room * 8;
	memcpy(out, fp, size);
	return size / 8;
}

/*
 * What thread s is blocked in, from /proc/self/task/TID/syscall ("nr
 * 0xarg1 ... 0xarg6 0xsp 0xpc"): which call, its arguments and where.
 */
static void note_syscall(struct stopped *s)
{
	char path[32], buf[256];
	const char *p = buf;
	long nr = 0;

	s->sysno = -1;
	if (proc_read(tr.task_fd, task_path(path, s->tid, "/syscall"), buf,
		      sizeof(buf)) ||
	    *p < '0' || *p > '9')
		return; /* "running", or -1: in no call */
	while (*p >= '0' && *p <= '9')
		nr = nr * 10 + (*p++ - '0');
	for (int k = 0; k < 8; k++) {
		if (p[0] != ' ' || p[1] != '0' || p[2] != 'x')
			return;
		p += 3;
		uint64_t v = perfshim_hex(&p);

		if (k < 6)
			s->sysargs[k] = v;
		else if (k == 7)
			s->syspc = v;
	}
	s->sysno = nr;
}

/*
 * Our signal made the call the thread was blocked in fail with EINTR (a
 * call SA_RESTART does not restart): have it made again, with the same
 * arguments, when the handler returns; unless a signal the thread takes
 * is pending, which would have interrupted it anyway. Its timeout starts
 * over.
 */
static void restart_in_handler(const struct stopped *s, ucontext_t *uc)
{
	static const int arg[6] = { REG_RDI, REG_RSI, REG_RDX,
				    REG_R10, REG_R8,  REG_R9 };
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t pending = 0;

	if (s->sysno < 0 || g[REG_RAX] != -EINTR ||
	    (uint64_t)g[REG_RIP] != s->syspc ||
	    memcmp((const void *)(uintptr_t)(g[REG_RIP] - 2), "\x0f\x05", 2))
		return;
	for (int k = 0; k < 6; k++)
		if ((uint64_t)g[arg[k]] != s->sysargs[k])
			return;
	raw_syscall4(SYS_rt_sigpending, (long)&pending, sizeof(pending), 0, 0);
	for (int sig = 1; sig <= 64; sig++)
		if ((pending >> (sig - 1)) & 1 &&
		    sigismember(&uc->uc_sigmask, sig) != 1)
			return;
	g[REG_RAX] = s->sysno;
	g[REG_RIP] -= 2;
}

/* In each stopped thread: leave its registers, then wait to be let go. */
static void on_stop(int sig, siginfo_t *info, void *uctx)
{
	int e = errno;
	pid_t me = (pid_t)raw_syscall4(SYS_gettid, 0, 0, 0, 0);
	ucontext_t *uc = uctx;

	(void)sig;
	(void)info;
	if (!atomic_load(&by_signal))
		goto out;
	for (size_t i = 0; i < nslots; i++) {
		struct stopped *s = &slots[i];

		if (s->tid != me || atomic_load(&s->state) != ASKED)
			continue;
		memcpy(s->regs, uc->uc_mcontext.gregs, NGREG * 8);
		s->nwords = NGREG + fp_words(uc, s->regs + NGREG,
					     STOP_GREGS + STOP_FPWORDS - NGREG);
		s->sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
		s->have_regs = 1;
		restart_in_handler(s, uc);
		atomic_store(&s->state, HELD);
		wake_all(&s->state);
		wait_while(&release_word, 0, HOLD_NS);
		atomic_store(&s->state, LEFT);
		break;
	}
out:
	errno = e;
}

/* Whether thread tid blocks sig (its SigBlk in /proc). */
static int blocks_signal(pid_t tid, int sig)
{
	char path[32], buf[4096];
	const char *v = NULL;

	if (!proc_read(tr.task_fd, task_path(path, tid, "/status"), buf,
		       sizeof(buf)))
		v = field(buf, "\nSigBlk:");
	return v && (perfshim_hex(&v) >> (sig - 1)) & 1;
}

static void stop_by_signal(void)
{
	struct sigaction sa;
	int64_t until = mono_ns() + STOP_WAIT_NS;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stop;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	sigfillset(&sa.sa_mask);
	atomic_store(&release_word, 0);
	for (size_t i = 0; i < nslots; i++) {
		slots[i].blocked = blocks_signal(slots[i].tid, stop_signal());
		note_syscall(&slots[i]);
	}
	sigaction(stop_signal(), &sa, &saved_action);
	atomic_store(&by_signal, 1);
	/* To every thread, those that blocked it too: a block seen once
	 * may be over already (1 in 100 scans of reach_scan xmm found a
	 * thread so, and skipped it: its registers went unread). Where it
	 * stays, the release drops the signal still pending. */
	for (size_t i = 0; i < nslots; i++)
		if (syscall(SYS_tgkill, getpid(), slots[i].tid, stop_signal()))
			atomic_store(&slots[i].state, LEFT); /* gone already */
	for (size_t i = 0; i < nslots; i++)
		if (!slots[i].blocked)
			wait_while(&slots[i].state, ASKED, until - mono_ns());
	until = mono_ns() + BLOCKED_WAIT_NS;
	for (size_t i = 0; i < nslots; i++)
		if (slots[i].blocked)
			wait_while(&slots[i].state, ASKED, until - mono_ns());
}

static void release_by_signal(void)
{
	struct sigaction ign;
	int64_t until = mono_ns() + 200000000ll;

	atomic_store(&release_word, 1);
	wake_all(&release_word);
	/* The slots are reused by the next stop: let everyone leave. */
	for (size_t i = 0; i < nslots; i++)
		while (atomic_load(&slots[i].state) == HELD &&
		       mono_ns() < until)
			sched_yield();
	atomic_store(&by_signal, 0);
	/* A thread that blocks the signal must never take it later with
	 * the default action (which ends the process): ignoring it drops
	 * what is pending; then the program's own disposition is back. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(stop_signal(), &ign, NULL);
	sigaction(stop_signal(), &saved_action, NULL);
}

/* --- both ----------------------------------------------------------------------- */

HIDDEN size_t perfshim_stop_others(int may_set_ptracer, struct stopped **out)
{
	int need_ptracer = 0;

	method = NONE;
	nslots = 0;
	*out = slots;
	tr.self = (pid_t)raw_syscall4(SYS_gettid, 0, 0, 0, 0);
	tr.task_fd =
		(int)raw_syscall4(SYS_openat, AT_FDCWD, (long)"/proc/self/task",
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (tr.task_fd < 0)
		return 0;
	/* The writer must not stop (it is held off already): know it. */
	for (int k = 0; k < 200 && !atomic_load(&perfshim_writer_tid); k++) {
		struct timespec nap = { 0, 100000 };

		raw_syscall4(SYS_nanosleep, (long)&nap, 0, 0, 0);
	}
	for (;;) {
		if (slots_room(nslots ? 2 * slots_cap : 64))
			break;
		nslots = 0;
		list_tasks(tr.task_fd, tr.self, slots_cap);
		if (nslots < slots_cap)
			break;
	}
	if (nslots && may_trace(may_set_ptracer, &need_ptracer) &&
	    !stop_by_tracer(need_ptracer))
		method = BY_TRACER;
	else if (nslots) {
		stop_by_signal();
		method = BY_SIGNAL;
	}
	raw_syscall4(SYS_close, tr.task_fd, 0, 0, 0);
	for (size_t i = 0; i < nslots; i++)
		if (!slots[i].have_regs && atomic_load(&slots[i].state) == LEFT)
			slots[i].tid = 0; /* it ended: nothing to scan */
	*out = slots;
	return nslots;
}

HIDDEN void perfshim_release_others(void)
{
	if (method == BY_TRACER) {
		atomic_store(&release_word, 1);
		wake_all(&release_word);
		reap_tracer();
	} else if (method == BY_SIGNAL) {
		release_by_signal();
	}
	method = NONE;
}
