/*
 * t_clock - the events' clock: never backwards on one thread (raw, and
 * through perfshim_event_begin() on the TSC, whose unfenced reads may run
 * ahead), and across threads, once a second thread has events, an event
 * after a handoff is not stamped before the one that handed off (the
 * unfenced read did so by up to 44 us, in about 1 of 30 runs here).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "shim.h"
#include "tap.h"

#define ROUNDS 20000
/* How far apart two CPUs' TSCs may be, in event units (clock.h): 256
 * units are 4096 TSC ticks, about a microsecond, a tenth of what the
 * analyzer's replay allows (REPLAY_INVERSION_NS). */
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
		uint64_t now = perfshim_now_ordered();
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

/* What the clock must pick: the TSC where the CPU says it is invariant
 * (or the kernel keeps time with it), whatever the kernel's clocksource. */
static int expect_tsc(void)
{
	char line[8192];
	int cst = 0, nst = 0, kernel = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		cst = strstr(line, " constant_tsc") != NULL;
		nst = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	if (f)
		fclose(f);
	f = fopen("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource",
		  "r");
	if (f && fgets(line, sizeof(line), f))
		kernel = !strcmp(line, "tsc\n");
	if (f)
		fclose(f);
	return kernel || (cst && nst);
}

static void nap(long ms)
{
	struct timespec ts = { 0, ms * 1000000l };

	nanosleep(&ts, NULL);
}

/*
 * A line through two CLOCK pairs 100 ms apart (what the reader draws)
 * places a third instant 50 ms later within 20 us of CLOCK_MONOTONIC.
 */
static void calibration(void)
{
	uint64_t u[3], n[3];

	for (int i = 0; i < 3; i++) {
		perfshim_clock_pair(&u[i], &n[i]);
		if (i < 2)
			nap(i ? 50 : 100);
	}
	double ns_per_unit = (double)(n[1] - n[0]) / (double)(u[1] - u[0]);
	double pred = (double)n[0] + (double)(u[2] - u[0]) * ns_per_unit;
	double err = pred - (double)n[2];

	diag("tsc: %.3f ns a unit (%.3f GHz)", ns_per_unit,
	     (1 << TSC_SHIFT) / ns_per_unit);
	ok(err > -20000 && err < 20000,
	   "tsc: calibrated against CLOCK_MONOTONIC, 50 ms on: %.0f ns off",
	   err);
	ok(ns_per_unit > 0.5 && ns_per_unit < 50,
	   "tsc: a unit is 16 ticks of a 0.3-30 GHz counter (%.3f ns)",
	   ns_per_unit);
}

int main(void)
{
	plan(15);
	perfshim_clock_start(1, 1);
	is_int(perfshim_use_tsc, 0, "monotonic_only: CLOCK_MONOTONIC");
	perfshim_clock_threads();
	is_int(perfshim_tsc_fence, 0, "monotonic: no fence to put");
	ok(perfshim_now() < 1000000000ull, "time 0 is the start (%llu ns)",
	   (unsigned long long)perfshim_now());
	run("monotonic");
	events("monotonic");
	perfshim_clock_start(1, 0);
	is_int(perfshim_use_tsc, expect_tsc(),
	       "auto: the TSC where it is invariant or the kernel's clock");
	is_int(perfshim_tsc_fence, 0, "one thread: the TSC read unfenced");
	perfshim_clock_threads(); /* what a second thread's first event does */
	is_int(perfshim_tsc_fence, perfshim_use_tsc,
	       "a second thread: the TSC read fenced");
	run(perfshim_use_tsc ? "tsc" : "auto (monotonic)");
	/* The TSC forced, even where the kernel does not trust it: one
	 * thread's own times stay monotonic all the same. */
	perfshim_use_tsc = 1;
	perfshim_clock_start(0, 0);
	events("tsc forced");
	ok(perfshim_now() < (1ull << 40), "tsc: time 0 is the start");
	if (expect_tsc()) {
		calibration();
	} else {
		skip("the TSC is not invariant here");
		skip("the TSC is not invariant here");
	}
	return exit_status();
}
