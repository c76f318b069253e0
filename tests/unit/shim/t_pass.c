/*
 * t_pass - the writer's pass lock (shim/pass.c): a writer that is always
 * behind takes the lock again moments after each pass, yet a thread that
 * tries for it (a fatal signal's handler) or waits for it (a scan) gets
 * its turn; a thread that holds it is refused, not deadlocked; a waiter
 * that cannot come does not hold the writer off for good.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "pass.h"
#include "tap.h"

static _Atomic int stop, passes;

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* A pass of 2 ms, then the next one at once: the writer on full rings. */
static void *writer(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		perfshim_pass_writer_take();
		for (long until = now_us() + 2000; now_us() < until;)
			;
		atomic_fetch_add(&passes, 1);
		perfshim_pass_give();
	}
	return NULL;
}

/*
 * A waiter that cannot come (held in a signal handler while it waits for
 * the lock): the writer waits 10 ms for it, then goes on. TSan delivers a
 * signal only when the thread leaves the lock's wait: no test there.
 */
#ifndef __SANITIZE_THREAD__
static _Atomic int waiting, in_handler, let_go;

static void nap(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void on_usr1(int sig)
{
	(void)sig;
	atomic_store(&in_handler, 1);
	while (!atomic_load(&let_go))
		;
}

static void *waiter(void *arg)
{
	(void)arg;
	atomic_store(&waiting, 1);
	perfshim_pass_take();
	perfshim_pass_give();
	return NULL;
}

static void stuck_waiter(void)
{
	pthread_t b;
	int before;

	signal(SIGUSR1, on_usr1);
	perfshim_pass_take();
	pthread_create(&b, NULL, waiter, NULL);
	while (!atomic_load(&waiting))
		;
	nap(20); /* into the lock's wait */
	pthread_kill(b, SIGUSR1);
	while (!atomic_load(&in_handler))
		;
	before = atomic_load(&passes);
	perfshim_pass_give();
	for (int i = 0; i < 500 && atomic_load(&passes) < before + 3; i++)
		nap(10);
	ok(atomic_load(&passes) >= before + 3,
	   "the writer goes on while a waiter cannot come: %d passes",
	   atomic_load(&passes) - before);
	atomic_store(&let_go, 1);
	pthread_join(b, NULL);
}

#else
static void stuck_waiter(void)
{
	skip("TSan holds a signal back while the thread waits for a lock");
}
#endif

int main(void)
{
	pthread_t w;
	int tried = 0, taken = 0;

	plan(5);
	alarm(120); /* a lock never got ends the test, not the suite */
	pthread_create(&w, NULL, writer, NULL);
	while (atomic_load(&passes) < 3)
		;
	/* 50 ms for each try: without turns, a try would come in the gap
	 * between two passes (a few instructions) about once in 20,000. */
	for (int i = 0; i < 20; i++) {
		int before = atomic_load(&passes);

		if (!perfshim_pass_trylock(50)) {
			tried++;
			perfshim_pass_give();
		}
		while (atomic_load(&passes) == before)
			; /* the writer's turn again */
	}
	ok(tried == 20, "a try gets the lock from a busy writer: %d of 20",
	   tried);

	for (int i = 0; i < 20; i++) {
		int before = atomic_load(&passes);

		perfshim_pass_take();
		taken++;
		if (!i) {
			ok(perfshim_pass_held(), "held after the take");
			ok(perfshim_pass_trylock(10) == -1,
			   "a try by the thread that holds it is refused");
		}
		perfshim_pass_give();
		while (atomic_load(&passes) == before)
			;
	}
	ok(taken == 20, "a wait for the lock ends: %d of 20", taken);

	stuck_waiter();
	atomic_store(&stop, 1);
	pthread_join(w, NULL);
	return exit_status();
}
