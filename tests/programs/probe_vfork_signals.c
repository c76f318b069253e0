/*
 * probe_vfork_signals - a vfork() child that resets its signals before
 * exec, as CPython's subprocess and many spawners do, changes its own
 * dispositions only: vfork shares memory, not the table of signal
 * actions. The parent handles SIGINT and SIGUSR1 and ignores SIGHUP; the
 * child sets them to their defaults (and SIGTERM to ignored), notes what
 * sigaction() told it was there before, then execs /bin/true (or _exits).
 * The parent then prints what sigaction() says of each signal, and
 * raises SIGINT and SIGUSR1 at itself: its handler must run.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got[NSIG];
static void *volatile sink;
static const int sigs[] = { SIGINT, SIGUSR1, SIGHUP, SIGTERM };
static volatile int seen_in_child[4];

static void on(int sig)
{
	got[sig]++;
}

static int kind(void (*h)(int))
{
	return h == on ? 'h' : h == SIG_DFL ? 'D' : h == SIG_IGN ? 'I' : '?';
}

static void spawn(int use_exec)
{
	char *argv[] = { "/bin/true", NULL };
	int st;
	pid_t pid = vfork();

	if (pid == 0) {
		for (int i = 0; i < 4; i++) {
			struct sigaction sa, old;

			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = sigs[i] == SIGTERM ? SIG_IGN : SIG_DFL;
			sigaction(sigs[i], &sa, &old);
			seen_in_child[i] = kind(old.sa_handler);
		}
		if (use_exec)
			execv(argv[0], argv);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		exit(1);
	printf("child (%s) saw:", use_exec ? "exec" : "_exit");
	for (int i = 0; i < 4; i++)
		printf(" %s=%c", strsignal(sigs[i]), seen_in_child[i]);
	printf("\n");
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	for (int i = 0; i < 1000; i++) {
		sink = malloc(32 + i);
		free(sink);
	}
	spawn(1);
	spawn(0);
	printf("parent:");
	for (int i = 0; i < 4; i++) {
		struct sigaction cur;

		sigaction(sigs[i], NULL, &cur);
		printf(" %s=%c", strsignal(sigs[i]), kind(cur.sa_handler));
	}
	printf("\n");
	fflush(stdout);
	raise(SIGINT);
	raise(SIGUSR1);
	printf("handled: SIGINT %d, SIGUSR1 %d\n", (int)got[SIGINT],
	       (int)got[SIGUSR1]);
	return 0;
}
