/*
 * probe_signal_api - however a handler is installed (sigaction, signal,
 * bsd_signal, ssignal, sysv_signal, __sysv_signal, sigset, sigignore,
 * siginterrupt), what the old-handler results and a later
 * sigaction(sig, NULL, &old) report (handler, flags, mask, restorer) is
 * what it is without the shim, before and after the signal arrives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
extern __sighandler_t bsd_signal(int, __sighandler_t);
extern __sighandler_t __sysv_signal(int, __sighandler_t);
extern __sighandler_t ssignal(int, __sighandler_t);

static volatile sig_atomic_t hits;
static void *restorer; /* glibc's, seen on a signal the shim leaves be */

static void h1(int sig)
{
	hits++;
	(void)sig;
}

static void h2(int sig, siginfo_t *si, void *uc)
{
	hits += 10;
	(void)sig;
	(void)si;
	(void)uc;
}

/* A handler that leaves errno changed: the interrupted code sees it. */
static void h3(int sig)
{
	(void)sig;
	errno = ENOTTY;
}

static const char *name(__sighandler_t h)
{
	return h == SIG_DFL   ? "DFL"
	       : h == SIG_IGN ? "IGN"
	       : h == SIG_ERR ? "ERR"
	       : h == SIG_HOLD ? "HOLD"
	       : h == h1      ? "h1"
	       : h == (__sighandler_t)h2 ? "h2"
				 : "other";
}

static void show(const char *what, int sig)
{
	struct sigaction sa;
	char mask[256] = "";

	memset(&sa, 0, sizeof(sa));
	if (sigaction(sig, NULL, &sa)) {
		printf("%-28s query failed\n", what);
		return;
	}
	for (int s = 1; s <= 64; s++)
		if (sigismember(&sa.sa_mask, s) == 1)
			snprintf(mask + strlen(mask), sizeof(mask) - strlen(mask),
				 " %d", s);
	printf("%-28s %s flags=%#x restorer=%s mask={%s } hits=%d\n", what,
	       name(sa.sa_handler), (unsigned)sa.sa_flags,
	       !sa.sa_restorer		   ? "none"
	       : sa.sa_restorer == restorer ? "glibc"
					  : "other",
	       mask, (int)hits);
}

static void ret(const char *what, __sighandler_t old)
{
	printf("%-28s returned %s\n", what, name(old));
}

static void one_signal(int sig)
{
	struct sigaction sa;

	printf("-- signal %d\n", sig);
	show("at start", sig);
	ret("signal(h1)", signal(sig, h1));
	show("after signal", sig);
	raise(sig);
	show("after delivery", sig);
	ret("sysv_signal(h1)", sysv_signal(sig, h1));
	show("after sysv_signal", sig);
	raise(sig);
	show("after delivery (reset)", sig);
	ret("__sysv_signal(h1)", __sysv_signal(sig, h1));
	show("after __sysv_signal", sig);
	ret("bsd_signal(SIG_IGN)", bsd_signal(sig, SIG_IGN));
	show("after bsd_signal", sig);
	ret("sigset(h1)", sigset(sig, h1));
	show("after sigset", sig);
	ret("sigset(SIG_HOLD)", sigset(sig, SIG_HOLD));
	show("after sigset(HOLD)", sig);
	ret("sigset(SIG_DFL)", sigset(sig, SIG_DFL));
	show("after sigset(DFL)", sig);
	ret("ssignal(h1)", ssignal(sig, h1));
	show("after ssignal", sig);
	printf("siginterrupt(1): %d\n", siginterrupt(sig, 1));
	show("after siginterrupt", sig);
	ret("signal(h1)", signal(sig, h1));
	show("after signal", sig);
	printf("siginterrupt(0): %d\n", siginterrupt(sig, 0));
	printf("sigignore: %d\n", sigignore(sig));
	show("after sigignore", sig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h2;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK | 0x400;
	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	show("after sigaction(h2, all)", sig);
	raise(sig);
	show("after delivery (reset)", sig);
	signal(sig, h3);
	errno = 0;
	raise(sig);
	printf("errno after a handler that set it: %s\n",
	       strerrorname_np(errno));
	signal(sig, SIG_DFL);
	show("back to default", sig);
}

int main(void)
{
	struct sigaction sa;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h1;
	sigaction(SIGWINCH, &sa, NULL);
	sigaction(SIGWINCH, NULL, &sa);
	restorer = (void *)sa.sa_restorer;
	one_signal(SIGUSR1);
	one_signal(SIGHUP);
	one_signal(SIGWINCH);
	return 0;
}
