/*
 * signals MODE - a program's own signal handling, which the shim (that
 * watches fatal signals to write its trace first) must leave as it is.
 * Output through write(2) only.
 *
 *   handler-segv  installs a SA_SIGINFO SIGSEGV handler that says
 *                 "caught SIGSEGV" and _exit(5)s, leaks 100 bytes
 *                 (LEAK:handler_segv), then faults
 *   term          signal(SIGTERM, h); raise(SIGTERM) runs h; sigaction()
 *                 reports h; then back to SIG_DFL and raise(SIGTERM) kills
 *   resethand     SIGUSR1 handler with SA_RESETHAND: the first raise runs
 *                 it, the second kills the program
 *   mask          SIGUSR1 handler with SIGUSR2 in sa_mask: inside the
 *                 handler, prints which of the two are blocked
 *   wait          leaks 2000 bytes (LEAK:wait), says "ready", waits for a
 *                 signal (SIGALRM ends it after 60 s, should nobody come)
 *   dispositions  prints what sigaction() reports for INT, QUIT, TERM,
 *                 PIPE, HUP, USR1 (ign, dfl or handler)
 *   overflow      runs out of stack; a SIGSEGV handler on an alternate
 *                 stack says "stack overflow caught" and _exit(6)s
 *   overflow-nohandler
 *                 runs out of stack with no handler: killed by SIGSEGV
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(99);
}

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 9, n);
}

NOINLINE static void leak_handler_segv(void)
{
	void *p = malloc(100); /* LEAK:handler_segv */
	touch(p, 100);
}

NOINLINE static void leak_wait(void)
{
	void *p = malloc(2000); /* LEAK:wait */
	touch(p, 2000);
}

static void on_segv(int sig, siginfo_t *info, void *uctx)
{
	(void)sig;
	(void)info;
	(void)uctx;
	say("caught SIGSEGV\n");
	_exit(5);
}

static void on_overflow(int sig)
{
	(void)sig;
	say("stack overflow caught\n");
	_exit(6);
}

static volatile sig_atomic_t hits;

static void on_count(int sig)
{
	(void)sig;
	hits++;
}

static void on_mask(int sig)
{
	sigset_t now;

	(void)sig;
	sigprocmask(SIG_BLOCK, NULL, &now);
	say(sigismember(&now, SIGUSR1) ? "USR1 blocked\n" : "USR1 not blocked\n");
	say(sigismember(&now, SIGUSR2) ? "USR2 blocked\n" : "USR2 not blocked\n");
	say(sigismember(&now, SIGHUP) ? "HUP blocked\n" : "HUP not blocked\n");
}

NOINLINE static int recurse_forever(volatile char *prev)
{
	volatile char frame[1024];

	frame[0] = prev ? prev[0] : 1;
	return recurse_forever(frame) + frame[1];
}

static const char *disposition(int sig)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa))
		return "error";
	if (sa.sa_handler == SIG_IGN)
		return "ign";
	if (sa.sa_handler == SIG_DFL)
		return "dfl";
	return "handler";
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "handler-segv")) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_segv;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSEGV, &sa, NULL);
		leak_handler_segv();
		*(volatile int *)(size_t)argc = 1;
		return 0;
	}
	if (!strcmp(mode, "term")) {
		struct sigaction q;

		signal(SIGTERM, on_count);
		raise(SIGTERM);
		say(hits == 1 ? "handler ran once\n" : "handler did not run once\n");
		sigaction(SIGTERM, NULL, &q);
		say(q.sa_handler == on_count ? "sigaction reports the handler\n"
					     : "sigaction reports something else\n");
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
		say("still alive after SIGTERM\n");
		return 0;
	}
	if (!strcmp(mode, "resethand")) {
		struct sigaction sa, q;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_count;
		sa.sa_flags = SA_RESETHAND;
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		say(hits == 1 ? "handler ran once\n" : "handler did not run once\n");
		sigaction(SIGUSR1, NULL, &q);
		say(q.sa_handler == SIG_DFL ? "reset to default\n" : "not reset\n");
		raise(SIGUSR1);
		say("still alive after the second SIGUSR1\n");
		return 0;
	}
	if (!strcmp(mode, "mask")) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_mask;
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGUSR2);
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		return 0;
	}
	if (!strcmp(mode, "wait")) {
		alarm(60);
		leak_wait();
		say("ready\n");
		for (;;)
			pause();
	}
	if (!strcmp(mode, "dispositions")) {
		static const struct {
			int sig;
			const char *name;
		} s[] = { { SIGINT, "INT" },   { SIGQUIT, "QUIT" },
			  { SIGTERM, "TERM" }, { SIGPIPE, "PIPE" },
			  { SIGHUP, "HUP" },   { SIGUSR1, "USR1" } };
		char buf[64];

		for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
			snprintf(buf, sizeof buf, "%s %s\n", s[i].name,
				 disposition(s[i].sig));
			say(buf);
		}
		return 0;
	}
	if (!strcmp(mode, "overflow") || !strcmp(mode, "overflow-nohandler")) {
		if (!strcmp(mode, "overflow")) {
			static char altstack[64 * 1024];
			stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
			struct sigaction sa;

			sigaltstack(&ss, NULL);
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_overflow;
			sa.sa_flags = SA_ONSTACK;
			sigaction(SIGSEGV, &sa, NULL);
		}
		return recurse_forever(NULL);
	}
	say("signals: unknown mode\n");
	return 99;
}
