/*
 * sig_over_guard - a SIGALRM handler that calls the allocator while it
 * interrupted malloc or free (the main thread allocates and frees
 * without end meanwhile). The handler's call is posix_memalign with an
 * alignment that is no power of two: EINVAL at once, no arena lock
 * taken, safe anywhere. Under the shim such a call passes untraced (the
 * shim's own state is mid-update where the handler came in): it must be
 * counted as a lost event, said once, and no gate may pass the trace.
 * Runs until the handler ran 500 times; prints whether every call failed
 * with EINVAL (it does).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static volatile sig_atomic_t ran, einval;
static void *volatile sink;

static void on_alarm(int sig)
{
	void *p;

	(void)sig;
	einval += posix_memalign(&p, 3, 8) == EINVAL;
	ran++;
}

int main(void)
{
	struct sigaction sa = { 0 };
	struct itimerval every = { { 0, 200 }, { 0, 200 } };

	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	while (ran < 500) {
		sink = malloc(64);
		free(sink);
	}
	every.it_value.tv_usec = every.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &every, NULL);
	printf("%s\n", einval == ran ? "every handler call failed with EINVAL"
				     : "a handler call did not fail");
	return 0;
}
