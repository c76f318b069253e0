/*
 * latency_mix - calls of known durations, for the percentiles that
 * --hotspots shows. Built with -finstrument-functions (see the Makefile).
 *
 * The zone "serve" wraps each of 100 calls of the instrumented function
 * work(ms), which busy-waits ms milliseconds: 50 calls of 1 ms, 40 of
 * 15 ms, 5 of 30 ms, 4 of 45 ms and 1 of 150 ms (1130 ms in all), half of
 * them from front() and half from back() (two call paths, one row). By
 * nearest rank (of 100): p50 1 ms, p90 15 ms, p95 30 ms, p99 45 ms, max
 * 150 ms, for both "serve" and work(). The classes lie far apart, so
 * that a call stretched by a few ms (a loaded machine) changes nothing.
 *
 * rec(3) recurses to depth 3 and busy-waits 10 ms at the bottom; main
 * calls it twice: 8 calls of rec, whose total (outermost calls only) is
 * 20 ms, not the 80 ms of adding up every level.
 *
 * A busy-wait is as long as asked or longer (preempted on a loaded
 * machine), so with LATENCY_TRUTH=FILE the program also writes what it
 * measured itself around each call of "serve", the same percentiles by
 * nearest rank, in ns: "p50 p90 p95 p99 max" on one line, for the tests
 * to hold the histograms to.
 *
 * Runs unchanged without the shim.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "perfshim.h"

#define NOI __attribute__((no_instrument_function))

static NOI long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static NOI void busy_ms(int ms)
{
	long long end = now_ns() + ms * 1000000LL;

	while (now_ns() < end)
		;
}

static void work(int ms)
{
	busy_ms(ms);
}

/*
 * The duration of call i (0..99): rank j of the table in the header, the
 * ranks visited in a scrambled order (37 is prime to 100).
 */
static NOI int duration(int i)
{
	int j = i * 37 % 100;

	if (j < 50)
		return 1;
	if (j < 90)
		return 15;
	if (j < 95)
		return 30;
	return j < 99 ? 45 : 150;
}

static long long took[100];

static void serve(int i)
{
	long long t0 = now_ns();

	perfshim_zone_begin("serve");
	work(duration(i));
	perfshim_zone_end("serve");
	took[i] = now_ns() - t0;
}

static NOI int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The percentiles of took[] by nearest rank, into the file path. */
static NOI void write_truth(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	qsort(took, 100, sizeof(took[0]), by_value);
	fprintf(f, "%lld %lld %lld %lld %lld\n", took[49], took[89], took[94],
		took[98], took[99]);
	fclose(f);
}

static void front(void)
{
	for (int i = 0; i < 100; i += 2)
		serve(i);
}

static void back(void)
{
	for (int i = 1; i < 100; i += 2)
		serve(i);
}

static void rec(int depth)
{
	if (depth)
		rec(depth - 1);
	else
		busy_ms(10);
}

int main(void)
{
	front();
	back();
	rec(3);
	rec(3);
	if (getenv("LATENCY_TRUTH"))
		write_truth(getenv("LATENCY_TRUTH"));
	printf("latency_mix done\n");
	return 0;
}
