/*
 * probe_dup2_signal - dup2() from a signal handler, while the interrupted
 * thread itself dup2()s, closes and allocates in a loop: every call
 * returns what it returns natively, and nothing waits forever (the shim
 * takes a lock in dup2(); a handler must never wait for the lock that
 * its own thread holds). A SIGALRM every 100 us; the handler dup2()s
 * stdout's file onto 898 and closes it, the loop onto 899. Prints what
 * went wrong, or "dup2 from a handler: native".
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

#define ROUNDS 50000

static int src;
static atomic_int bad;
static volatile sig_atomic_t ran;

static void on_alarm(int sig)
{
	(void)sig;
	if (dup2(src, 898) != 898 || close(898))
		atomic_fetch_add(&bad, 1);
	ran = 1;
}

int main(void)
{
	struct itimerval every = { { 0, 100 }, { 0, 100 } }, off = { 0 };
	void *p = NULL;

	src = dup(1);
	if (src < 0)
		return 2;
	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &every, NULL);
	for (int i = 0; i < ROUNDS || !ran; i++) {
		if (dup2(src, 899) != 899 || close(899))
			atomic_fetch_add(&bad, 1);
		free(p);
		p = malloc(16 + i % 1000);
	}
	setitimer(ITIMER_REAL, &off, NULL);
	free(p);
	printf("dup2 from a handler: %s\n",
	       atomic_load(&bad) ? "NOT native" : "native");
	return 0;
}
