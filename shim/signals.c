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
static const int watched[] = { SIGSEGV, SIGBUS,	 SIGILL,  SIGFPE,  SIGABRT,
			       SIGTERM, SIGINT,	 SIGQUIT, SIGHUP,  SIGPIPE,
			       SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGXFSZ,
			       SIGSYS,	SIGTRAP };

static struct sigaction app[NSIG];
static char ours[NSIG]; /* 1: the kernel holds our handler for it */
static int managing;	/* signals_init ran: app[] is the program's view */
static int (*real_sigaction)(int, const struct sigaction *, struct sigaction *);

static int is_watched(int sig)
{
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		if (watched[i] == sig)
			return 1;
	return 0;
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

		if (a->sa_flags & SA_RESETHAND) {
			memset(a, 0, sizeof(*a));
			a->sa_handler = SIG_DFL;
		}
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
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		int sig = watched[i];

		if (real_sigaction(sig, NULL, &app[sig]))
			continue;
		/* An ignored signal (nohup, background jobs) stays ignored. */
		if (app[sig].sa_handler == SIG_IGN)
			continue;
		install(sig, &app[sig]);
	}
	managing = 1;
}

EXPORT int sigaction(int sig, const struct sigaction *act,
		     struct sigaction *old)
{
	resolve();
	if (sig == SIGPROF)
		return perfshim_sampler_sigaction(act, old);
	if (!managing || sig <= 0 || sig >= NSIG || !is_watched(sig))
		return real_sigaction(sig, act, old);
	struct sigaction prev = app[sig];

	if (act) {
		if (install(sig, act))
			return -1;
		app[sig] = *act;
	}
	if (old)
		*old = prev;
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

HIDDEN void perfshim_signals_release(void)
{
	if (!managing)
		return;
	managing = 0;
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		int sig = watched[i];

		if (ours[sig] && !real_sigaction(sig, &app[sig], NULL))
			ours[sig] = 0;
	}
}
