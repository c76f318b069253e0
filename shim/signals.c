/* signals.c - write the trace before a fatal signal ends the program. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "live.h"
#include "onstack.h"
#include "perfshim_trace.h"
#include "shim.h"

/*
 * For each signal whose default action ends the process, our handler is
 * what the kernel holds; the program's own disposition lives in app[] and
 * is what sigaction() and signal() report and change. A program handler
 * is called as before; a default action is carried out after the trace
 * is written.
 */
static struct sigaction app[NSIG];
/* glibc's signal return trampoline, as it installs it with every action. */
static void (*restorer)(void);
/* The flags the kernel keeps (UAPI_SA_FLAGS on x86-64); the last two
 * are not in libc's headers. */
#define SA_RESTORER 0x04000000
#define SA_EXPOSE_TAGBITS 0x00000800
#define KEPT_FLAGS                                                            \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
	 SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER)
/* The kernel's sigset: what glibc copies back into sa_mask. */
#define KERNEL_SIGSET_BYTES 8
static char managed[NSIG]; /* 1: app[] is the program's view of it */
static char ours[NSIG];	   /* 1: the kernel holds our handler for it */
static int (*real_sigaction)(int, const struct sigaction *, struct sigaction *);

/*
 * Whether the kernel's default action for sig ends the process (signal(7):
 * Term or Core). Every signal does, real-time ones included, except those
 * whose default is to stop, continue or be ignored, and the two that no
 * handler can catch.
 */
static int ends_process(int sig)
{
	switch (sig) {
	case SIGKILL:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
	case SIGCONT:
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return 0;
	}
	return sig > 0 && sig < NSIG;
}

/*
 * The signals the shim itself uses keep their own arrangements: SIGPROF
 * (the sampler, sampler.c) and SIGRTMAX - 1 (the scan's stop signal,
 * scan.c).
 */
static int is_watched(int sig)
{
	return ends_process(sig) && sig != SIGPROF && sig != SIGRTMAX - 1;
}

static int synchronous_fault(int sig, const siginfo_t *info)
{
	return info && info->si_code > 0 &&
	       (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		sig == SIGFPE || sig == SIGTRAP);
}

struct fatal {
	const void *uctx;
	int sig;
};

static void fatal_work(void *arg)
{
	const struct fatal *f = arg;

	perfshim_scan_at_signal(f->uctx);
	perfshim_finish(PERFSHIM_END_SIGNAL, f->sig);
}

HIDDEN void perfshim_signal_finish(const void *uctx, int sig)
{
	struct fatal f = { uctx, sig };

	perfshim_guard++;
	perfshim_on_fatal_stack(fatal_work, &f);
	perfshim_guard--;
}

PASS_THROUGH static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	struct sigaction *a = &app[sig];
	int e = errno;

	if (a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN) {
		struct sigaction call = *a;

		if (a->sa_flags & SA_RESETHAND)
			a->sa_handler = SIG_DFL; /* as the kernel: flags stay */
		/* A handler that interrupted the shim: shim.h's
		 * perfshim_over_guard (left set if it leaves by longjmp). */
		int was = perfshim_over_guard;

		if (perfshim_guard)
			perfshim_over_guard = 1;
		/* errno stays as the handler left it, as without the shim */
		if (call.sa_flags & SA_SIGINFO)
			call.sa_sigaction(sig, info, uctx);
		else
			call.sa_handler(sig);
		perfshim_over_guard = was;
		return;
	}
	/* Ignored: a signal that came while sigaction() was switching from
	 * SIG_IGN to a handler (the kernel has ours, app[] the old one).
	 * Not a real fault, which the kernel would not let a program ignore
	 * either: that takes the default action. */
	if (a->sa_handler == SIG_IGN && !synchronous_fault(sig, info)) {
		errno = e;
		return;
	}
	/* The default action. */
	perfshim_signal_finish(uctx, sig);

	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	real_sigaction(sig, &dfl, NULL);
	ours[sig] = 0;
	if (synchronous_fault(sig, info))
		return; /* the instruction runs again and the kernel ends us */
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	raise(sig);
	perfshim_sigprocmask(SIG_UNBLOCK, &set, NULL);
	errno = e;
}

/* Put the kernel's disposition in line with the program's wish. */
static int install(int sig, const struct sigaction *want)
{
	struct sigaction k;

	if (want->sa_handler == SIG_IGN) {
		ours[sig] = 0;
		return real_sigaction(sig, want, NULL);
	}
	k = *want;
	k.sa_sigaction = on_signal;
	k.sa_flags = (want->sa_flags | SA_SIGINFO) & ~SA_RESETHAND;
	/* The default action: our handler ends the process, on the thread's
	 * alternate stack. The sampler's ticks wait: on a program's small
	 * alternate stack there may be no room for their frame on top of
	 * ours, and the kernel would end the program with a SIGSEGV. */
	if (want->sa_handler == SIG_DFL) {
		k.sa_flags |= SA_RESTART | SA_ONSTACK;
		sigaddset(&k.sa_mask, SIGPROF);
	}
	int r = real_sigaction(sig, &k, NULL);

	if (r == 0)
		ours[sig] = 1;
	return r;
}

static void resolve(void)
{
	if (!real_sigaction)
		real_sigaction =
			(int (*)(int, const struct sigaction *,
				 struct sigaction *))dlsym(RTLD_NEXT,
							   "sigaction");
}

HIDDEN void perfshim_signals_init(void)
{
	resolve();
	for (int sig = 1; sig < NSIG; sig++) {
		/* glibc keeps a few signals for itself (EINVAL): not ours. */
		if (!is_watched(sig) || real_sigaction(sig, NULL, &app[sig]))
			continue;
		managed[sig] = 1;
		/* An ignored signal (nohup, background jobs) stays ignored. */
		if (app[sig].sa_handler == SIG_IGN)
			continue;
		install(sig, &app[sig]);
	}
	/* Any action installed through glibc carries its restorer. */
	for (int sig = 1; sig < NSIG && !restorer; sig++) {
		struct sigaction q;

		if (ours[sig] && !real_sigaction(sig, NULL, &q))
			restorer = q.sa_restorer;
	}
}

/*
 * What the kernel keeps of act, as glibc's sigaction() reports it back:
 * glibc adds SA_RESTORER and its restorer, the kernel drops flags it does
 * not know and SIGKILL and SIGSTOP from the mask.
 */
static struct sigaction as_kept(const struct sigaction *act)
{
	struct sigaction k = *act;

	k.sa_flags = (act->sa_flags | SA_RESTORER) & KEPT_FLAGS;
	k.sa_restorer = restorer;
	sigdelset(&k.sa_mask, SIGKILL);
	sigdelset(&k.sa_mask, SIGSTOP);
	return k;
}

/* Fill old as glibc does from the kernel's answer: the mask's first 64
 * signals only, the rest of the caller's buffer as it was. */
static void report(struct sigaction *old, const struct sigaction *prev)
{
	old->sa_handler = prev->sa_handler;
	memcpy(&old->sa_mask, &prev->sa_mask, KERNEL_SIGSET_BYTES);
	old->sa_flags = prev->sa_flags;
	old->sa_restorer = prev->sa_restorer;
}

/*
 * In a vfork() child (or a clone that shares our memory) app[] and the
 * sampler's state are the parent's: a child that resets its signals
 * before exec (as CPython's subprocess does) would reset the parent's
 * view, and the parent would then die of a signal it handles. The
 * child's own dispositions are the kernel's: the call goes there, and
 * an old action that is still our handler is reported as the program's.
 */
static int sigaction_shared(int sig, const struct sigaction *act,
			    struct sigaction *old)
{
	struct sigaction k;
	int r = real_sigaction(sig, act, &k);

	if (r == 0 && old) {
		if (sig > 0 && sig < NSIG && managed[sig] &&
		    (k.sa_flags & SA_SIGINFO) && k.sa_sigaction == on_signal)
			report(old, &app[sig]);
		else
			*old = k;
	}
	return r;
}

EXPORT int sigaction(int sig, const struct sigaction *act,
		     struct sigaction *old)
{
	resolve();
	if (UNLIKELY(!perfshim_process_ours()))
		return sigaction_shared(sig, act, old);
	if (sig == SIGPROF)
		return perfshim_sampler_sigaction(act, old);
	if (sig <= 0 || sig >= NSIG || !managed[sig])
		return real_sigaction(sig, act, old);
	struct sigaction prev = app[sig];

	if (act) {
		if (install(sig, act))
			return -1;
		app[sig] = as_kept(act);
	}
	if (old)
		report(old, &prev);
	return 0;
}

/*
 * The shim's own sigaction (and sigprocmask: perfshim_sigprocmask), not
 * through the GOT: a library preloaded before the shim that wraps
 * signal() and sigaction() under one lock (the JDK's libjsig) would be
 * called again from inside its own signal(), and wait on itself for good.
 */
static __typeof__(sigaction) own_sigaction
	__attribute__((alias("sigaction"), copy(sigaction)));

/*
 * glibc installs handlers for signal() and its relatives through its own
 * internal sigaction, which the shim does not see: each is done again
 * here, through the sigaction above, with glibc's flags and masks.
 */
static sigset_t interrupting; /* siginterrupt(sig, 1): no SA_RESTART */

/* Declared by libc's headers only for old X/Open levels, or not at all. */
sighandler_t bsd_signal(int sig, sighandler_t h);
sighandler_t ssignal(int sig, sighandler_t h);
sighandler_t __sysv_signal(int sig, sighandler_t h);

static int set_action(int sig, sighandler_t h, int flags, int self_mask,
		      struct sigaction *old)
{
	struct sigaction sa;

	if (h == SIG_ERR || sig < 1 || sig >= NSIG) {
		errno = EINVAL;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (self_mask)
		sigaddset(&sa.sa_mask, sig);
	return own_sigaction(sig, &sa, old);
}

/* signal() as glibc has it by default: BSD semantics. */
static sighandler_t bsd_semantics(int sig, sighandler_t h)
{
	struct sigaction old;
	int flags = sig > 0 && sig < NSIG && sigismember(&interrupting, sig)
			    ? 0
			    : SA_RESTART;

	if (set_action(sig, h, flags, 1, &old))
		return SIG_ERR;
	return old.sa_handler;
}

EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	return bsd_semantics(sig, h);
}

EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return bsd_semantics(sig, h);
}

EXPORT sighandler_t ssignal(int sig, sighandler_t h)
{
	return bsd_semantics(sig, h);
}

/* System V semantics: one-shot, not blocked while it runs, interrupting. */
static sighandler_t sysv_semantics(int sig, sighandler_t h)
{
	struct sigaction old;

	if (set_action(sig, h, SA_RESETHAND | SA_NODEFER, 0, &old))
		return SIG_ERR;
	return old.sa_handler;
}

EXPORT sighandler_t sysv_signal(int sig, sighandler_t h)
{
	return sysv_semantics(sig, h);
}

EXPORT sighandler_t __sysv_signal(int sig, sighandler_t h)
{
	return sysv_semantics(sig, h);
}

EXPORT int sigignore(int sig)
{
	return set_action(sig, SIG_IGN, 0, 0, NULL);
}

EXPORT int siginterrupt(int sig, int interrupt)
{
	struct sigaction sa;

	if (own_sigaction(sig, NULL, &sa) < 0)
		return -1;
	if (interrupt) {
		sigaddset(&interrupting, sig);
		sa.sa_flags &= ~SA_RESTART;
	} else {
		sigdelset(&interrupting, sig);
		sa.sa_flags |= SA_RESTART;
	}
	return own_sigaction(sig, &sa, NULL) < 0 ? -1 : 0;
}

/* sigset(): as glibc's, over the sigaction above. */
EXPORT sighandler_t sigset(int sig, sighandler_t h)
{
	struct sigaction old;
	sigset_t set, was;

	if (h == SIG_ERR || sig < 1 || sig >= NSIG) {
		errno = EINVAL;
		return SIG_ERR;
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	if (h == SIG_HOLD) {
		if (perfshim_sigprocmask(SIG_BLOCK, &set, &was) < 0)
			return SIG_ERR;
		if (sigismember(&was, sig))
			return SIG_HOLD;
		if (own_sigaction(sig, NULL, &old) < 0)
			return SIG_ERR;
		return old.sa_handler;
	}
	if (set_action(sig, h, 0, 0, &old) < 0 ||
	    perfshim_sigprocmask(SIG_UNBLOCK, &set, &was) < 0)
		return SIG_ERR;
	return sigismember(&was, sig) ? SIG_HOLD : old.sa_handler;
}

/* Hand every signal back to the program's own disposition, for good. */
HIDDEN void perfshim_signals_release(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		if (!managed[sig])
			continue;
		managed[sig] = 0;
		if (ours[sig] && !real_sigaction(sig, &app[sig], NULL))
			ours[sig] = 0;
	}
}
