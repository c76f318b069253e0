/*
 * probe_sigdisp - a program's own handlers and SIG_IGN on every signal
 * whose default action ends the process (the shim watches them all), and
 * what sigaction() reports: all exactly as natively. For each signal from
 * 1 to SIGRTMAX but SIGKILL and SIGSTOP, prints one line: the disposition
 * found at start, what sigaction() says after installing a handler (its
 * flags and whether the mask came back), how many times the handler ran
 * for two raise()s, the old action reported when ignoring it, and whether
 * raise() of the ignored signal passes. Then SA_RESETHAND and SA_NODEFER
 * on SIGUSR1. Output through write(2).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t hits[NSIG];

static void on_sig(int sig)
{
	hits[sig]++;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si && si->si_signo == sig)
		hits[sig]++;
}

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(99);
}

static const char *disp(const struct sigaction *sa)
{
	if (sa->sa_handler == SIG_DFL)
		return "dfl";
	if (sa->sa_handler == SIG_IGN)
		return "ign";
	if (sa->sa_handler == on_sig || sa->sa_sigaction == on_info)
		return "ours";
	return "other";
}

static void one(int sig)
{
	struct sigaction sa, got, old;
	char line[256];
	int n;

	if (sigaction(sig, NULL, &got)) {
		n = snprintf(line, sizeof(line), "%d query: errno %d\n", sig,
			     errno);
		say(line);
		return;
	}
	n = snprintf(line, sizeof(line), "%d start %s", sig, disp(&got));
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sig % 2) {
		sa.sa_sigaction = on_info;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
	} else {
		sa.sa_handler = on_sig;
	}
	if (sigaction(sig, &sa, NULL) || sigaction(sig, NULL, &got)) {
		n += snprintf(line + n, sizeof(line) - n, " set: errno %d\n",
			      errno);
		say(line);
		return;
	}
	raise(sig);
	raise(sig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(sig, &sa, &old);
	raise(sig);
	n += snprintf(line + n, sizeof(line) - n,
		      " set %s flags %#x mask %d ran %d old %s ignored ok\n",
		      disp(&got), (unsigned)got.sa_flags,
		      sigismember(&got.sa_mask, SIGUSR2), (int)hits[sig],
		      disp(&old));
	say(line);
}

int main(void)
{
	struct sigaction sa, got;
	char line[128];

	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			one(sig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	hits[SIGUSR1] = 0;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &got);
	snprintf(line, sizeof(line), "resethand ran %d now %s flags %#x\n",
		 (int)hits[SIGUSR1], disp(&got), (unsigned)got.sa_flags);
	say(line);
	return 0;
}
