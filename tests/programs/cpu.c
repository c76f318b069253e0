/*
 * cpu - burns CPU with a known split, for the sampling profiler's tests.
 *
 *   cpu split [UNITS]    burn_three() does 3 units of work for each unit
 *                        burn_one() does: a 3:1 split of CPU time (75% and
 *                        25% of the samples), both called from work().
 *   cpu threads [UNITS]  thread "spin_a" runs only burn_three(), 3 units
 *                        per unit of thread "spin_b", which runs only
 *                        burn_one(); main waits.
 *   cpu fork [UNITS]     forks: the child runs burn_one() and exits, the
 *                        parent runs burn_three() and waits for it (each
 *                        process has a trace of its own).
 *   cpu dlopen LIB N     dlopen and dlclose LIB N times while a thread
 *                        runs burn_three(2): samples land in the loader.
 *   cpu sigprof [UNITS]  the program uses SIGPROF itself (its own handler
 *                        and ITIMER_PROF) while it burns, and prints
 *                        "own sigprof: ok" when its handler ran.
 *
 * A unit is the same loop each time (about 25 ms of CPU, default 10
 * units). Nothing allocates in the burning loops.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define UNIT 12000000L

static volatile unsigned long sink;

/* A macro, not a function: the time is the burning function's own. */
#define SPIN(n)                                                               \
	do {                                                                  \
		unsigned long x_ = sink;                                      \
		for (long i_ = 0; i_ < (n); i_++)                             \
			x_ = x_ * 6364136223846793005ul + 1442695040888963407ul; \
		sink = x_;                                                    \
	} while (0)

static NOINLINE void burn_three(long units)
{
	for (long u = 0; u < 3 * units; u++)
		SPIN(UNIT);
}

static NOINLINE void burn_one(long units)
{
	for (long u = 0; u < units; u++)
		SPIN(UNIT);
}

static NOINLINE void work(long units)
{
	/* Interleaved, so that a changing CPU speed hits both alike. */
	for (long u = 0; u < units; u++) {
		burn_three(1);
		burn_one(1);
	}
}

static void *spin_a(void *arg)
{
	burn_three(*(long *)arg);
	return NULL;
}

static void *spin_b(void *arg)
{
	burn_one(*(long *)arg);
	return NULL;
}

static volatile sig_atomic_t own_hits;

static void own_handler(int sig)
{
	(void)sig;
	own_hits++;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "split";
	long units = argc > 2 ? atol(argv[2]) : 10;

	if (units <= 0)
		units = 10;

	if (!strcmp(mode, "split")) {
		work(units);
	} else if (!strcmp(mode, "threads")) {
		pthread_t a, b;

		if (pthread_create(&a, NULL, spin_a, &units) ||
		    pthread_create(&b, NULL, spin_b, &units))
			return 1;
		pthread_join(a, NULL);
		pthread_join(b, NULL);
	} else if (!strcmp(mode, "dlopen") && argc > 3) {
		pthread_t a;
		long two = 2, n = atol(argv[3]);

		if (pthread_create(&a, NULL, spin_a, &two))
			return 1;
		for (long i = 0; i < n; i++) {
			void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);

			if (!h || dlclose(h))
				return 1;
		}
		pthread_join(a, NULL);
	} else if (!strcmp(mode, "fork")) {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			burn_one(units);
			_exit(0);
		}
		burn_three(units);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			return 1;
	} else if (!strcmp(mode, "sigprof")) {
		struct sigaction sa;
		struct itimerval it = { { 0, 10000 }, { 0, 10000 } };

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = own_handler;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGPROF, &sa, NULL) ||
		    setitimer(ITIMER_PROF, &it, NULL))
			return 1;
		work(units);
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_PROF, &it, NULL);
		printf("own sigprof: %s\n", own_hits > 0 ? "ok" : "none");
	} else {
		fprintf(stderr, "usage: cpu split|threads|sigprof [UNITS]\n");
		return 2;
	}
	return 0;
}
