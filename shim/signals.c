/* signals.c - write the trace before a fatal signal ends the program. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "live.h"
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

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
	struct sigaction *a = &app[sig];
	int e = errno;

	if (a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN) {
		struct sigaction call = *a;

		/* As the kernel does: the handler goes, the flags stay. */
		if (a->sa_flags & SA_RESETHAND)
			a->sa_handler = SIG_DFL;
		if (call.sa_flags & SA_SIGINFO)
			call.sa_sigaction(sig, info, uctx);
		else
			call.sa_handler(sig);
		errno = e;
		return;
	}
	/* The default action (SIG_IGN only reaches here for a real fault,
	 * which the kernel would not let a program ignore either). */
	perfshim_guard++;
	perfshim_scan_at_signal(uctx);
	perfshim_finish(PERFSHIM_END_SIGNAL, sig);
	perfshim_guard--;

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
	sigprocmask(SIG_UNBLOCK, &set, NULL);
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
	if (want->sa_handler == SIG_DFL)
		k.sa_flags |= SA_RESTART | SA_ONSTACK;
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
				 struct sigaction *))dlsym(RTLD_NEXT, "sigactio"
								      "n");
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
}

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

/*
 * What sigaction() reports once act is installed natively: glibc adds its
 * signal return trampoline (SA_RESTORER), and the kernel keeps no SIGKILL
 * or SIGSTOP in a mask. The kernel holds our handler now, installed by
 * glibc the same way: its trampoline is the one.
 */
static struct sigaction as_installed(int sig, const struct sigaction *act)
{
	struct sigaction a = *act, k;

	if (!real_sigaction(sig, NULL, &k) && (k.sa_flags & SA_RESTORER)) {
		a.sa_flags |= SA_RESTORER;
		a.sa_restorer = k.sa_restorer;
	}
	sigdelset(&a.sa_mask, SIGKILL);
	sigdelset(&a.sa_mask, SIGSTOP);
	return a;
}

/* glibc fills in only the kernel's part of the caller's mask (64 signals)
 * and leaves the rest of the caller's struct as it was: so do we. */
static void report(struct sigaction *old, const struct sigaction *a)
{
	old->sa_handler = a->sa_handler;
	old->sa_flags = a->sa_flags;
	old->sa_restorer = a->sa_restorer;
	memcpy(&old->sa_mask, &a->sa_mask, NSIG / 8);
}

EXPORT int sigaction(int sig, const struct sigaction *act,
		     struct sigaction *old)
{
	resolve();
	if (sig == SIGPROF)
		return perfshim_sampler_sigaction(act, old);
	if (sig <= 0 || sig >= NSIG || !managed[sig])
		return real_sigaction(sig, act, old);
	struct sigaction prev = app[sig];

	if (act) {
		if (install(sig, act))
			return -1;
		app[sig] = as_installed(sig, act);
	}
	if (old)
		report(old, &prev);
	return 0;
}

EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, sig);
	if (sigaction(sig, &sa, &old))
		return SIG_ERR;
	return old.sa_handler;
}
