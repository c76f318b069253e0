/*
 * t_clock - the events' clock: never backwards on one thread (raw, and
 * through perfshim_event_begin() on the TSC, whose unfenced reads may run
 * ahead), and across threads an event after a handoff is not stamped
 * before the one that handed off, but for the TSC's documented slack.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "clock.h"
#include "shim.h"
#include "tap.h"

#define ROUNDS 20000
/* Out-of-order slack of an unfenced rdtsc, in event units (clock.h):
 * 256 units are 4096 TSC ticks, about a microsecond. */
#define TSC_SLACK 256

static _Atomic uint64_t baton; /* time of the last handoff, +1; 0: none */
static _Atomic int turn;
static uint64_t backwards[2], inverted[2];

static void *relay(void *arg)
{
	int me = (int)(intptr_t)arg;
	uint64_t last = 0;

	for (int i = 0; i < ROUNDS; i++) {
		while (atomic_load_explicit(&turn, memory_order_acquire) != me)
			sched_yield();
		uint64_t before =
			atomic_load_explicit(&baton, memory_order_relaxed);
		uint64_t now = perfshim_now();
		uint64_t slack = perfshim_use_tsc ? TSC_SLACK : 0;

		if (now < last)
			backwards[me]++;
		if (before && now + slack < before - 1)
			inverted[me]++;
		last = now;
		atomic_store_explicit(&baton, now + 1, memory_order_relaxed);
		atomic_store_explicit(&turn, !me, memory_order_release);
	}
	return NULL;
}

static void run(const char *mode)
{
	pthread_t t[2];

	atomic_store(&baton, 0);
	atomic_store(&turn, 0);
	backwards[0] = backwards[1] = inverted[0] = inverted[1] = 0;
	for (intptr_t i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, relay, (void *)i))
			exit(255);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ok(backwards[0] + backwards[1] == 0,
	   "%s: never backwards on a thread (%llu times)", mode,
	   (unsigned long long)(backwards[0] + backwards[1]));
	ok(inverted[0] + inverted[1] == 0,
	   "%s: after a handoff, never before it (%llu times)", mode,
	   (unsigned long long)(inverted[0] + inverted[1]));
}

/* One thread's events through perfshim_event_begin: never backwards. */
static void events(const char *mode)
{
	static struct thread_state t;
	uint64_t last = 0, back = 0;

	t.last_ts = 0;
	for (int i = 0; i < 1000000; i++) {
		uint64_t ts = perfshim_event_begin(&t);

		back += ts < last;
		last = t.last_ts = ts;
		perfshim_event_end(&t);
	}
	ok(back == 0, "%s: perfshim_event_begin never goes backwards", mode);
}

int main(void)
{
	plan(9);
	perfshim_clock_start(1, 1);
	is_int(perfshim_use_tsc, 0, "monotonic_only: CLOCK_MONOTONIC");
	ok(perfshim_now() < 1000000000ull, "time 0 is the start (%llu ns)",
	   (unsigned long long)perfshim_now());
	run("monotonic");
	events("monotonic");
	perfshim_clock_start(1, 0);
	diag("the kernel's clock: %s", perfshim_use_tsc ? "TSC" : "not TSC");
	run(perfshim_use_tsc ? "tsc" : "auto (monotonic)");
	/* The TSC forced, even where the kernel does not trust it: one
	 * thread's own times stay monotonic all the same. */
	perfshim_use_tsc = 1;
	perfshim_clock_start(0, 0);
	events("tsc forced");
	ok(perfshim_now() < (1ull << 40), "tsc: time 0 is the start");
	return exit_status();
}
