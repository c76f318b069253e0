/*
 * probe_mask_learn - allocations from 300 call sites never seen before
 * (under the shim, each one a frame rule learned, with every signal
 * blocked meanwhile) leave the thread's signal mask as the program set
 * it, and lose no signal: a blocked one stays pending, one raised
 * between allocations arrives at once, and a 200 us interval timer's
 * ticks keep arriving while the allocations go on.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#define SITES 300

static volatile sig_atomic_t usr1, ticks;
static void *volatile keep[SITES];

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static void on_alrm(int sig)
{
	(void)sig;
	ticks++;
}

/* Each site a function of its own: a return address of its own. */
/* clang-format off */
#define SITE(i) \
	static __attribute__((noinline)) void f##i(void) \
	{ \
		keep[i % SITES] = malloc(16 + i); \
		__asm__ volatile("" ::: "memory"); \
	}
#define TEN(i) SITE(i##0) SITE(i##1) SITE(i##2) SITE(i##3) SITE(i##4) \
	SITE(i##5) SITE(i##6) SITE(i##7) SITE(i##8) SITE(i##9)
TEN(1) TEN(2) TEN(3) TEN(4) TEN(5) TEN(6) TEN(7) TEN(8) TEN(9) TEN(10)
TEN(11) TEN(12) TEN(13) TEN(14) TEN(15) TEN(16) TEN(17) TEN(18) TEN(19)
TEN(20) TEN(21) TEN(22) TEN(23) TEN(24) TEN(25) TEN(26) TEN(27) TEN(28)
TEN(29) TEN(30)

#define T(i) f##i##0, f##i##1, f##i##2, f##i##3, f##i##4, f##i##5, \
	f##i##6, f##i##7, f##i##8, f##i##9
static void (*const sites[SITES])(void) = {
	T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8), T(9), T(10),
	T(11), T(12), T(13), T(14), T(15), T(16), T(17), T(18), T(19), T(20),
	T(21), T(22), T(23), T(24), T(25), T(26), T(27), T(28), T(29), T(30)
};
/* clang-format on */

/* Signal by signal: the kernel fills only its 8 bytes of a sigset_t,
 * so a memcmp of the rest compares what was on the stack before main
 * (the shim's constructor runs there first). */
static int same_signals(const sigset_t *a, const sigset_t *b)
{
	for (int sig = 1; sig < 65; sig++)
		if (sigismember(a, sig) != sigismember(b, sig))
			return 0;
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	sigset_t want, cur, pend;
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	int kept = 1, raised = 0;

	signal(SIGUSR1, on_usr1);
	signal(SIGALRM, on_alrm);
	sigemptyset(&want);
	sigaddset(&want, SIGUSR2);
	sigprocmask(SIG_SETMASK, &want, NULL);
	raise(SIGUSR2); /* blocked: stays pending */
	setitimer(ITIMER_REAL, &it, NULL);
	for (int i = 0; i < SITES; i++) {
		sites[i]();
		sigprocmask(SIG_BLOCK, NULL, &cur);
		kept &= same_signals(&cur, &want);
		if (i % 50 == 0) {
			int before = usr1;

			raise(SIGUSR1);
			raised += usr1 == before + 1;
		}
	}
	/* Ticks while allocating (from sites learned by now). */
	int from = ticks;
	double end = now() + 2;

	for (int i = 0; ticks < from + 3 && now() < end; i++)
		sites[i % SITES]();
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	sigpending(&pend);
	printf("mask as set after each of %d new call sites: %s\n", SITES,
	       kept ? "yes" : "no");
	printf("SIGUSR1 raised between allocations, arrived at once: %d of 6\n",
	       raised);
	printf("timer ticks kept arriving: %s\n",
	       ticks >= from + 3 ? "yes" : "no");
	printf("blocked SIGUSR2 still pending: %s\n",
	       sigismember(&pend, SIGUSR2) == 1 ? "yes" : "no");
	return 0;
}
