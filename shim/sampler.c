/*
 * sampler.c - CPU-time sampling: each thread has a timer on its own CPU
 * clock that sends it SIGPROF; the handler takes the interrupted stack and
 * appends a SAMPLE event to the thread's buffer.
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <libunwind.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "encode.h"
#include "live.h"
#include "mask.h"
#include "perfshim_trace.h"
#include "shim.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/*
 * Threads with a timer. A slot is taken and given back under slot_lock
 * (never in the handler); the handler only reads its own thread's TLS.
 * More threads than slots at once are simply not sampled.
 */
#define SLOTS 4096

struct slot {
	int used;
	timer_t timer;
};

static struct slot slots[SLOTS];
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t exit_key;
static uint64_t period_ns;
/* 1 while SIGPROF is ours; 0 before start, after the finish, or when the
 * program took SIGPROF for itself. */
static _Atomic int sampling;
static _Atomic int yielded;
static struct sigaction app_prof; /* what the program sees for SIGPROF */
static int (*real_sigaction)(int, const struct sigaction *, struct sigaction *);
static int (*real_setitimer)(__itimer_which_t, const struct itimerval *,
			     struct itimerval *);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *,
				  void *(*)(void *), void *);
typedef int (*mask_fn)(int, const sigset_t *, sigset_t *);
static mask_fn real_sigmask, real_sigprocmask;

/* Code where a sample must not unwind: the loader and libunwind itself. */
static uintptr_t ld_lo, ld_hi, unw_lo, unw_hi;

static _Atomic uint64_t n_taken, n_in_shim, n_in_loader, n_other;

HIDDEN __thread int perfshim_in_handler;
static __thread int my_slot; /* slot index + 1, 0: none */
static __thread int warmed;  /* libunwind has run on this thread */
/* 1 while this thread blocks SIGPROF: its timer is stopped, so that no
 * tick waits there for the program's sigwait or signalfd to take it. */
static __thread int stopped;

/* The value our timers' signals carry: a tick is SI_TIMER with this. */
#define TICK_COOKIE ((void *)slots)

static int (*real_clone)(int (*)(void *), void *, int, void *, ...);

static void resolve(void)
{
	if (!real_sigaction)
		real_sigaction =
			(int (*)(int, const struct sigaction *,
				 struct sigaction *))dlsym(RTLD_NEXT,
							   "sigaction");
	if (!real_setitimer)
		real_setitimer =
			(int (*)(__itimer_which_t, const struct itimerval *,
				 struct itimerval *))dlsym(RTLD_NEXT,
							   "setitimer");
	if (!real_pthread_create)
		real_pthread_create = (int (*)(
			pthread_t *, const pthread_attr_t *, void *(*)(void *),
			void *))dlsym(RTLD_NEXT, "pthread_create");
	if (!real_sigmask)
		real_sigmask = (mask_fn)dlsym(RTLD_NEXT, "pthread_sigmask");
	if (!real_sigprocmask) {
		real_sigprocmask = (mask_fn)dlsym(RTLD_NEXT, "sigprocmask");
		perfshim_mask_real = real_sigprocmask;
	}
}

/* The extent of the executable PT_LOAD segments of the ELF image at base. */
static void exec_range(uintptr_t base, uintptr_t *lo, uintptr_t *hi)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;

	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
	uintptr_t bias = eh->e_type == ET_DYN ? base : 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_X))
			continue;
		uintptr_t a = bias + ph[i].p_vaddr;

		if (!*lo || a < *lo)
			*lo = a;
		if (a + ph[i].p_memsz > *hi)
			*hi = a + ph[i].p_memsz;
	}
}

static int in_range(uintptr_t ip, uintptr_t lo, uintptr_t hi)
{
	return ip - lo < hi - lo;
}

static void write_counts(void)
{
	uint8_t buf[8 * PERFSHIM_VARINT_MAX];
	struct enc e = { buf, 0, sizeof(buf) };

	enc_u(&e, PERFSHIM_TIMING_SAMPLER);
	enc_u(&e, atomic_load(&yielded) ? 0 : period_ns);
	enc_u(&e, atomic_load(&n_taken));
	enc_u(&e, atomic_load(&n_in_shim));
	enc_u(&e, atomic_load(&n_in_loader));
	enc_u(&e, atomic_load(&n_other));
	perfshim_meta(PERFSHIM_REC_TIMING, buf, e.len);
}

/*
 * PERFSHIM_UNWIND=fp: the frame-pointer chain from the interrupted
 * registers, every read checked against the thread's stack. -1 when the
 * chain breaks (the interrupted code used rbp otherwise): libunwind then.
 */
static int fp_walk(const struct thread_state *t, uintptr_t sp, uintptr_t fp,
		   uintptr_t *buf, int n, int max)
{
	int outside = 0;
	/* Frames are above the interrupted stack pointer; what is below may
	 * not be mapped (the main thread's range is its whole rlimit). */
	uintptr_t lo = sp > t->stack_lo ? sp : t->stack_lo;

	while (n < max) {
		if (fp < lo || fp > t->stack_hi - 16 || (fp & 7))
			return -1;
		const uintptr_t *frame = (const uintptr_t *)fp;

		if (!frame[1])
			return n;
		buf[n++] = frame[1];
		if (perfshim_in_shim(frame[1]) && !perfshim_through(frame[1])) {
			if (outside)
				return n;
		} else {
			outside = 1;
		}
		if (!frame[0])
			return n;
		if (frame[0] <= fp)
			return -1;
		fp = frame[0];
	}
	return n;
}

static int unw_walk(ucontext_t *uc, uintptr_t *buf, int max)
{
	unw_cursor_t c;
	int n = 0;

	if (unw_init_local2(&c, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME) < 0)
		return 0;
	do {
		unw_word_t ip;

		if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || !ip)
			break;
		/* The leaf is the interrupted pc: + 1, as the format says. */
		buf[n] = n ? (uintptr_t)ip : (uintptr_t)ip + 1;
		n++;
	} while (n < max && unw_step(&c) > 0);
	return n;
}

/*
 * Ticks run on the thread's alternate stack (SA_ONSTACK below). When that
 * is the program's own, not ours, it may have little room left: the
 * program's handler was running on it, or it is small (Rust's are
 * 8 KiB, 3 KiB of which a signal frame takes). The unwind below needs
 * about 4.3 KiB (measured: an alternate stack filled with a pattern);
 * with less than UNWIND_ROOM left the tick is dropped, not walked.
 */
#define UNWIND_ROOM (5 * 1024)

static int cramped(const struct thread_state *t, const ucontext_t *uc)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = (uintptr_t)uc->uc_stack.ss_sp;

	if ((uc->uc_stack.ss_flags & SS_DISABLE) || !lo ||
	    uc->uc_stack.ss_sp == t->altstack)
		return 0;
	return here >= lo && here < lo + uc->uc_stack.ss_size &&
	       here - lo < UNWIND_ROOM;
}

/* One of our timers' ticks, not a SIGPROF that anyone else sent. */
static int is_tick(const siginfo_t *info)
{
	return info && info->si_code == SI_TIMER &&
	       info->si_value.sival_ptr == TICK_COOKIE;
}

/*
 * A SIGPROF of the program's (raise, kill, its own timer): what it would
 * do natively. Ignored, nothing; by default it ends the process, so the
 * trace is finished first, as for the other fatal signals.
 */
static void prof_native(void *uctx)
{
	struct sigaction dfl;
	sigset_t set;

	if (app_prof.sa_handler == SIG_IGN)
		return;
	perfshim_signal_finish(uctx, SIGPROF);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	real_sigaction(SIGPROF, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGPROF);
	raise(SIGPROF);
	real_sigmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * Where the interrupted code's stack pointer is, for the leak scan, while
 * this handler runs on our alternate stack (shim.h: outer_sp). Returns 1
 * when it set it, and must clear it on the way out.
 */
static int say_outer_sp(struct thread_state *t, const ucontext_t *uc)
{
	if (!perfshim_on_altstack(t, (uintptr_t)__builtin_frame_address(0)) ||
	    (uc->uc_stack.ss_flags & SS_ONSTACK) || atomic_load(&t->outer_sp))
		return 0;
	atomic_store(&t->outer_sp, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP]);
	return 1;
}

static void on_prof(int sig, siginfo_t *info, void *ctx)
{
	struct thread_state *t = perfshim_self;
	ucontext_t *uc = ctx;
	int e = errno, outer = say_outer_sp(t, uc),
	    cancel = perfshim_cancel_off();

	(void)sig;
	if (!is_tick(info)) {
		prof_native(ctx);
		goto out;
	}
	if (!atomic_load_explicit(&sampling, memory_order_relaxed))
		goto out;
	/*
	 * The kernel checks CPU timers on its tick: at 1 kHz with a 250 Hz
	 * tick one signal stands for 4 periods, and si_overrun says so. Each
	 * period is one SAMPLE (the format has no weight), all at once;
	 * drops count periods too.
	 */
	int weight = 1 + (info && info->si_overrun > 0
				  ? (info->si_overrun < 1000 ? info->si_overrun
							     : 1000)
				  : 0);

	/*
	 * The guard covers everything the shim does on this thread, its ring
	 * appends above all (perfshim_emit is not reentrant): a sample there
	 * is dropped, never nested.
	 */
	if (perfshim_guard) {
		atomic_fetch_add_explicit(&n_in_shim, (uint64_t)weight,
					  memory_order_relaxed);
		goto out;
	}
	/* A clone(CLONE_VM) child runs on this thread's TLS, so on its state
	 * and its guard: a sample now would hold the guard against the
	 * child's allocations (they went untraced) or write the ring beside
	 * it. */
	if (!t || !warmed ||
	    atomic_load_explicit(&t->tls_shared, memory_order_relaxed) ||
	    !atomic_load_explicit(&perfshim_recording, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&n_other, (uint64_t)weight,
					  memory_order_relaxed);
		goto out;
	}
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

	if (perfshim_in_shim(pc)) {
		atomic_fetch_add_explicit(&n_in_shim, (uint64_t)weight,
					  memory_order_relaxed);
		goto out;
	}
	if (in_range(pc, ld_lo, ld_hi) || in_range(pc, unw_lo, unw_hi)) {
		atomic_fetch_add_explicit(&n_in_loader, (uint64_t)weight,
					  memory_order_relaxed);
		goto out;
	}
	/* Interrupted inside libunwind (in code it called, which the pc test
	 * above misses): no second unwind on top of the first. Inside
	 * dl_iterate_phdr (its callback, or the loader's lock half taken):
	 * libunwind would want that lock under its own (phdr.c). */
	if (atomic_load_explicit(&t->in_unwind, memory_order_relaxed) ||
	    perfshim_in_phdr) {
		atomic_fetch_add_explicit(&n_in_loader, (uint64_t)weight,
					  memory_order_relaxed);
		goto out;
	}
	/* Too little stack left for the unwind (the program's own
	 * alternate stack), or a fork is under way: libunwind must be left
	 * alone (shim.h). */
	if (cramped(t, uc) || perfshim_unwind_enter(t)) {
		atomic_fetch_add_explicit(&n_other, (uint64_t)weight,
					  memory_order_relaxed);
		goto out;
	}
	perfshim_guard++;
	uint64_t ts = perfshim_event_begin(t);
	uintptr_t *buf = t->ips;
	int max = perfshim_cfg.depth + 16, n = -1;

	if (perfshim_cfg.unwind_fp) {
		buf[0] = pc + 1;
		n = fp_walk(t, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP],
			    (uintptr_t)uc->uc_mcontext.gregs[REG_RBP], buf, 1,
			    max);
	}
	perfshim_phdr_refused = 0;
	if (n < 0 && perfshim_phdr_lock_known()) {
		perfshim_mask_hold();
		perfshim_phdr_in_tick = 1;
		n = unw_walk(uc, buf, max);
		perfshim_phdr_in_tick = 0;
		perfshim_mask_release();
	}
	perfshim_unwind_leave(t);
	/* The program walks the loaded objects: a stack cut short there is
	 * no sample, and is counted with the loader's. */
	_Atomic uint64_t *dropped =
		perfshim_phdr_refused ? &n_in_loader : &n_other;

	if (perfshim_phdr_refused)
		n = 0;
	perfshim_in_handler = 1;
	uint32_t stack = n > 0 ? perfshim_stack_intern(t, buf, n) : 0;

	perfshim_in_handler = 0;
	if (stack) {
		uint8_t rec[2 * PERFSHIM_VARINT_MAX + 1];
		size_t len = 0;

		rec[len++] = PERFSHIM_EV_SAMPLE;
		len += perfshim_put_varint(rec + len, ts - t->last_ts);
		len += perfshim_put_varint(rec + len, stack);
		t->last_ts = ts;
		perfshim_emit(t, rec, len);
		rec[1] = 0; /* the same instant: dt 0 */
		len = 1 + 1 + perfshim_put_varint(rec + 2, stack);
		for (int i = 1; i < weight; i++)
			perfshim_emit(t, rec, len);
		atomic_fetch_add_explicit(&n_taken, (uint64_t)weight,
					  memory_order_relaxed);
	} else {
		atomic_fetch_add_explicit(dropped, (uint64_t)weight,
					  memory_order_relaxed);
	}
	perfshim_event_end(t);
	perfshim_guard--;
out:
	if (outer)
		atomic_store(&t->outer_sp, 0);
	perfshim_cancel_back(cancel);
	errno = e;
}

static void disarm_self(void)
{
	int s = my_slot;

	if (!s)
		return;
	pthread_mutex_lock(&slot_lock);
	if (slots[s - 1].used) {
		timer_delete(slots[s - 1].timer);
		slots[s - 1].used = 0;
	}
	pthread_mutex_unlock(&slot_lock);
	my_slot = 0;
}

static void exit_key_dtor(void *p)
{
	(void)p;
	perfshim_guard++;
	disarm_self();
	perfshim_guard--;
}

static void period(struct itimerspec *its)
{
	its->it_interval.tv_sec = (time_t)(period_ns / 1000000000ull);
	its->it_interval.tv_nsec = (long)(period_ns % 1000000000ull);
	its->it_value = its->it_interval;
}

/* Set up this thread and start its timer. Called with the guard held. */
static void arm_self(void)
{
	struct thread_state *t;

	if (my_slot || !atomic_load(&sampling))
		return;
	t = perfshim_thread_get();
	if (!t)
		return;
	if (!t->stack_hi)
		perfshim_stack_bounds(t);
	/* The thread's mask, from the warm-up's hold where there is one
	 * (a system call less for each new thread). */
	sigset_t cur;
	int known = -1;

	if (!warmed) {
		/* libunwind sets up its per-thread state on first use: here,
		 * not in the handler. */
		unw_context_t uc;
		unw_cursor_t c;

		perfshim_unwind_wait_enter(t);
		perfshim_mask_hold(); /* libunwind's masking: 2 calls, not 9 */
		known = perfshim_mask_kept(&cur);
		unw_getcontext(&uc);
		if (unw_init_local(&c, &uc) >= 0)
			for (int i = 0; i < 4 && unw_step(&c) > 0; i++)
				;
		perfshim_mask_release();
		perfshim_unwind_leave(t);
		warmed = 1;
	}

	struct sigevent sev;
	struct itimerspec its;
	int s;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGPROF;
	sev.sigev_notify_thread_id = t->tid;
	sev.sigev_value.sival_ptr = TICK_COOKIE;
	period(&its);
	/* A thread born with SIGPROF blocked (its creator's mask) starts
	 * stopped, until it unblocks SIGPROF through sigprocmask. */
	if (known)
		known = real_sigmask(SIG_BLOCK, NULL, &cur);
	stopped = !known && sigismember(&cur, SIGPROF) == 1;
	if (stopped)
		memset(&its, 0, sizeof(its));
	/* Under the lock, and only while sampling: the program may take
	 * SIGPROF (and have every timer deleted) at any moment. */
	pthread_mutex_lock(&slot_lock);
	for (s = 0; s < SLOTS && slots[s].used; s++)
		;
	if (s < SLOTS && atomic_load(&sampling) &&
	    !timer_create(CLOCK_THREAD_CPUTIME_ID, &sev, &slots[s].timer)) {
		slots[s].used = 1;
		my_slot = s + 1;
		timer_settime(slots[s].timer, 0, &its, NULL);
	}
	pthread_mutex_unlock(&slot_lock);
	if (my_slot)
		pthread_setspecific(exit_key, (void *)1);
}

/* The program wants SIGPROF (its own handler or ITIMER_PROF): give it up. */
static void yield_sigprof(void)
{
	if (atomic_exchange(&yielded, 1))
		return;
	pthread_mutex_lock(&slot_lock);
	atomic_store(&sampling, 0);
	for (int s = 0; s < SLOTS; s++) {
		if (slots[s].used) {
			timer_delete(slots[s].timer);
			slots[s].used = 0;
		}
	}
	pthread_mutex_unlock(&slot_lock);
	real_sigaction(SIGPROF, &app_prof, NULL);
	perfshim_guard++;
	write_counts(); /* period 0: the trace says sampling stopped */
	perfshim_guard--;
}

HIDDEN void perfshim_sampler_release(void)
{
	sigset_t prof, old;
	siginfo_t info;
	struct timespec zero = { 0, 0 };

	if (!period_ns || atomic_exchange(&yielded, 1))
		return;
	pthread_mutex_lock(&slot_lock);
	atomic_store(&sampling, 0);
	for (int s = 0; s < SLOTS; s++) {
		if (slots[s].used) {
			timer_delete(slots[s].timer);
			slots[s].used = 0;
		}
	}
	pthread_mutex_unlock(&slot_lock);
	my_slot = 0;
	sigemptyset(&prof);
	sigaddset(&prof, SIGPROF);
	pthread_sigmask(SIG_BLOCK, &prof, &old);
	int other = sigtimedwait(&prof, &info, &zero) == SIGPROF &&
		    info.si_code != SI_TIMER;

	real_sigaction(SIGPROF, &app_prof, NULL);
	/* Someone else's SIGPROF was pending: it stays the program's. */
	if (other)
		syscall(SYS_rt_tgsigqueueinfo, getpid(),
			(pid_t)syscall(SYS_gettid), SIGPROF, &info);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * What a tick blocks: every signal but the faults (a fault of ours must
 * still end the program as it would) and the scan's stop signal (a tick
 * that waits on a stopped writer must let the scan stop it). Program
 * handlers then run after the tick, where they would have run: with an
 * empty mask they ran on top of it, on our alternate stack (a handler's
 * 300 KiB of locals overran it), and a handler that siglongjmp'ed out
 * left the guard and the unwind flag set: nothing more of that thread
 * was traced, and each fork() waited 14 s for the unwind to end.
 */
static void tick_mask(sigset_t *set)
{
	static const int through[] = { SIGSEGV, SIGBUS,	 SIGILL,
				       SIGFPE,	SIGTRAP, SIGSYS };

	sigfillset(set);
	for (size_t i = 0; i < sizeof(through) / sizeof(*through); i++)
		sigdelset(set, through[i]);
	sigdelset(set, SIGRTMAX - 1);
}

HIDDEN void perfshim_sampler_init(void)
{
	struct sigaction sa;
	Dl_info di;

	resolve();
	if (perfshim_cfg.sample_hz <= 0 || !real_sigaction)
		return;
	period_ns = 1000000000ull / (uint64_t)perfshim_cfg.sample_hz;
	if (real_sigaction(SIGPROF, NULL, &app_prof))
		return;
	exec_range(getauxval(AT_BASE), &ld_lo, &ld_hi);
	if (dladdr((void *)(uintptr_t)&unw_init_local2, &di) && di.dli_fbase)
		exec_range((uintptr_t)di.dli_fbase, &unw_lo, &unw_hi);
	if (pthread_key_create(&exit_key, exit_key_dtor))
		return;
	perfshim_phdr_init();
	if (!perfshim_phdr_lock_known())
		perfshim_say(
			"the loader's lock was not found in this glibc: CPU samples are taken only where PERFSHIM_UNWIND=fp finds a frame-pointer chain");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_prof;
	/* On the thread's alternate stack (threads.c gives each one): a
	 * tick that comes while the program runs near the end of its
	 * stack has no room for its frame there, and the kernel would end
	 * the program with a SIGSEGV that it never raised. */
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	tick_mask(&sa.sa_mask);
	if (real_sigaction(SIGPROF, &sa, NULL))
		return;
	atomic_store(&sampling, 1);
	write_counts();
	arm_self();
}

/* Timers are not inherited: the child's one thread starts its own. */
HIDDEN void perfshim_sampler_after_fork(void)
{
	perfshim_guard++;
	pthread_mutex_init(&slot_lock, NULL);
	memset(slots, 0, sizeof(slots));
	my_slot = 0;
	atomic_store(&n_taken, 0);
	atomic_store(&n_in_shim, 0);
	atomic_store(&n_in_loader, 0);
	atomic_store(&n_other, 0);
	if (atomic_load(&sampling) && atomic_load(&perfshim_recording)) {
		/* A sample may be the child's first event; the writer must
		 * be there before, not started from the handler. */
		perfshim_writer_start();
		write_counts();
		arm_self();
	} else {
		/* A child that is not traced (stepped aside: the loader's
		 * lock or libunwind held for good in its copy) samples
		 * nothing: its threads arm no timer and never warm libunwind
		 * up, which could wait there for good. */
		atomic_store(&sampling, 0);
	}
	perfshim_guard--;
}

HIDDEN void perfshim_profile_finish(int how)
{
	if (how == PERFSHIM_END_SIGNAL) {
		atomic_store(&sampling, 0);
		return;
	}
	if (period_ns && !atomic_load(&yielded)) {
		atomic_store(&sampling, 0);
		write_counts();
	}
	perfshim_timing_finish();
}

HIDDEN void perfshim_profile_pause(void)
{
	atomic_store(&sampling, 0);
}

HIDDEN void perfshim_profile_unfinish(void)
{
	if (period_ns && !atomic_load(&yielded))
		atomic_store(&sampling, 1);
}

HIDDEN int perfshim_sampler_sigaction(const struct sigaction *act,
				      struct sigaction *old)
{
	struct sigaction prev = app_prof;

	resolve();
	if (!period_ns || atomic_load(&yielded))
		return real_sigaction(SIGPROF, act, old);
	if (act && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN) {
		/* A handler of its own: SIGPROF is the program's from now. */
		yield_sigprof();
		int r = real_sigaction(SIGPROF, act, NULL);

		if (r == 0 && old)
			*old = prev;
		return r;
	}
	/* Default or ignore (a program resetting its signals): noted, and
	 * reported back, but sampling goes on. */
	if (act)
		app_prof = *act;
	if (old)
		*old = prev;
	return 0;
}

/*
 * Whether nv arms a timer. Read without a fault: a bad pointer is the
 * kernel's to refuse (EFAULT), as natively.
 */
static int arms(const struct itimerval *nv)
{
	struct itimerval v;

	if (perfshim_safe_read((uintptr_t)nv, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v.it_value.tv_sec || v.it_value.tv_usec;
}

EXPORT int setitimer(__itimer_which_t which,
		     const struct itimerval *restrict nv,
		     struct itimerval *restrict ov)
{
	resolve();
	if (which == ITIMER_PROF && nv && period_ns && !atomic_load(&yielded) &&
	    arms(nv)) {
		int e = errno;

		perfshim_guard++;
		yield_sigprof();
		perfshim_guard--;
		errno = e;
	}
	return real_setitimer(which, nv, ov);
}

/*
 * Start or stop this thread's timer. A signal handler may change the mask
 * too: no lock here, only the thread's own timer, and only while
 * sampling (yield_sigprof turns it off before it deletes the timers).
 */
static void set_ticking(int on)
{
	struct itimerspec its;
	int s = my_slot, e = errno;

	if (!s || stopped == !on || !atomic_load(&sampling))
		return;
	memset(&its, 0, sizeof(its));
	if (on)
		period(&its);
	stopped = !on;
	timer_settime(slots[s - 1].timer, 0, &its, NULL);
	errno = e;
}

/*
 * A thread that blocks SIGPROF may take its pending signals with sigwait,
 * sigtimedwait or a signalfd: a tick left pending there would be the
 * program's. So the timer stops before SIGPROF is blocked (a tick that
 * fires before is delivered as the stopping call returns) and starts
 * again once it is unblocked. Returns what real returns.
 */
static int change_mask(mask_fn real, int how, const sigset_t *set,
		       sigset_t *old)
{
	int blocks = -1; /* 1: SIGPROF gets blocked, 0: unblocked */
	int was = stopped;

	/* The shim's own (libunwind blocks every signal around its locks):
	 * brief, and no sigwait comes in between. */
	if (perfshim_guard)
		return perfshim_mask_held()
			       ? perfshim_mask_change(how, set, old)
			       : real(how, set, old);
	if (set && how == SIG_SETMASK)
		blocks = sigismember(set, SIGPROF) == 1;
	else if (set && sigismember(set, SIGPROF) == 1)
		blocks = how == SIG_BLOCK ? 1 : how == SIG_UNBLOCK ? 0 : -1;
	if (blocks == 1)
		set_ticking(0);
	int r = real(how, set, old);

	/* A call that failed changed nothing. */
	if (blocks == 0 ? r == 0 : blocks == 1 && r != 0 && !was)
		set_ticking(1);
	return r;
}

EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	resolve();
	return change_mask(real_sigmask, how, set, old);
}

HIDDEN int perfshim_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	resolve();
	return change_mask(real_sigprocmask, how, set, old);
}

EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return perfshim_sigprocmask(how, set, old);
}

struct start {
	void *(*fn)(void *);
	void *arg;
	int pending; /* its slot in pending_args, or -1 */
};

/*
 * The arguments of threads created but not started yet. Until the new
 * thread takes it, the only copy of its argument may be in its start
 * record, which is the shim's own (no root): the scan reads them here.
 */
#define PENDING_ARGS 256
static void *_Atomic pending_args[PENDING_ARGS];

static int pend(void *arg)
{
	for (int i = 0; arg && i < PENDING_ARGS; i++) {
		void *none = NULL;

		if (atomic_compare_exchange_strong(&pending_args[i], &none,
						   arg))
			return i;
	}
	return -1; /* none, or no room: then it is not a root */
}

static void unpend(int i)
{
	if (i >= 0)
		atomic_store(&pending_args[i], NULL);
}

HIDDEN void perfshim_pending_args(void (*fn)(uintptr_t arg))
{
	for (int i = 0; i < PENDING_ARGS; i++) {
		void *arg = atomic_load(&pending_args[i]);

		if (arg)
			fn((uintptr_t)arg);
	}
}

static void *start_sampled(void *p)
{
	struct start s = *(struct start *)p;
	int e = errno;

	/* s, in this frame, holds the argument from now on */
	__asm__ volatile("" : : "m"(s) : "memory");
	unpend(s.pending);
	perfshim_guard++;
	perfshim_real.free(p);
	perfshim_thread_started();
	arm_self();
	perfshim_guard--;
	errno = e;
	void *r = s.fn(s.arg);

	/* Not a tail call: this frame is where the thread's stacks end. */
	__asm__ volatile("" : : "r"(r) : "memory");
	return r;
}

/*
 * What a clone() child needs to start, at the top of its stack (under 40
 * bytes of it; a child with memory of its own gets it with the copy): the
 * program's function, and for a CLONE_VM child this thread's state.
 */
struct child_start {
	int (*fn)(void *);
	void *arg;
	struct thread_state *t;
};

static struct child_start *start_record(void *stack, int (*fn)(void *),
					void *arg, struct thread_state *t)
{
	struct child_start *s =
		(struct child_start *)(((uintptr_t)stack - sizeof(*s)) &
				       ~(uintptr_t)15);

	*s = (struct child_start){ fn, arg, t };
	return s;
}

static int start_shared(void *p)
{
	struct child_start s = *(struct child_start *)p;
	int r = s.fn(s.arg);

	atomic_fetch_sub(&s.t->tls_shared, 1);
	return r;
}

/*
 * A child with memory of its own is a copy of this process that no fork
 * handler saw: the shim cannot trace it (the parent's locks may be held
 * in it). Its first event finds no thread state and leaves it untraced,
 * saying so (threads.c); without this its main thread kept the parent's
 * state, and a child whose function returned (no exit handlers, so no
 * word at the end either) ran untraced without a message.
 */
static int start_copy(void *p)
{
	struct child_start s = *(struct child_start *)p;

	perfshim_self = NULL;
	return s.fn(s.arg);
}

/*
 * A child of clone() with CLONE_VM but neither CLONE_THREAD nor
 * CLONE_SETTLS is another process on this thread's memory and TLS: its
 * allocations go to this thread's state, ring and guard. While it may
 * run, this thread takes no CPU samples, or a sample's guard would drop
 * the child's events (t0310 lost hundreds to tens of thousands of its
 * allocations, now and then) and its ring writes would meet the child's.
 * The child counts as gone when its function returns; one that exits or
 * execs before leaves this thread unsampled. With CLONE_VFORK this thread
 * waits, uses no CPU and gets no sample: nothing to do. The child's
 * start goes through start_shared.
 */
EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	struct thread_state *t = perfshim_self;

	va_start(ap, arg);
	pid_t *ptid = va_arg(ap, pid_t *);
	void *tls = va_arg(ap, void *);
	pid_t *ctid = va_arg(ap, pid_t *);

	va_end(ap);
	/* Here, not in resolve(): few programs call clone() at all. */
	if (!real_clone)
		real_clone = (int (*)(int (*)(void *), void *, int, void *,
				      ...))dlsym(RTLD_NEXT, "clone");
	if (t && fn && stack && !(flags & (CLONE_VM | CLONE_THREAD))) {
		struct child_start *c = start_record(stack, fn, arg, NULL);

		return real_clone(start_copy, c, flags, c, ptid, tls, ctid);
	}
	if (!t || !fn || !stack || !(flags & CLONE_VM) ||
	    (flags & (CLONE_THREAD | CLONE_SETTLS | CLONE_VFORK)))
		return real_clone(fn, stack, flags, arg, ptid, tls, ctid);

	struct child_start *s = start_record(stack, fn, arg, t);

	atomic_fetch_add(&t->tls_shared, 1);
	int r = real_clone(start_shared, s, flags, s, ptid, tls, ctid);

	if (r < 0) {
		int e = errno;

		atomic_fetch_sub(&t->tls_shared, 1);
		errno = e;
	}
	return r;
}

/*
 * Every thread starts through start_sampled, as main starts through the
 * shim's wrapper: its stacks end at that frame (libc's start_thread and
 * clone3 below are start-up code, and start_thread keeps no frame pointer,
 * so ending there also lets its stacks take stack.c's checked
 * frame-pointer walk). And threads are sampled even if they never
 * allocate: each starts its timer before it runs the program's function.
 * The shim's own threads (created with the guard held) are left alone.
 */
EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg)
{
	struct start *s = NULL;
	int e = errno;

	resolve();
	perfshim_resolve_allocator();
	if (!perfshim_guard && perfshim_real.malloc) {
		perfshim_guard++;
		s = perfshim_real.malloc(sizeof(*s));
		perfshim_guard--;
	}
	errno = e;
	if (!s)
		return real_pthread_create(th, attr, fn, arg);
	s->fn = fn;
	s->arg = arg;
	s->pending = pend(arg);
	perfshim_thread_born();
	int r = real_pthread_create(th, attr, start_sampled, s);

	if (r) {
		e = errno; /* what the failure left (ENOMEM, EAGAIN) */
		perfshim_thread_unborn();
		unpend(s->pending);
		perfshim_real.free(s);
		errno = e;
	}
	return r;
}
