/*
 * latency - a zone of known latencies, for the histograms of exact
 * timing. Two threads each run the zone "request" 50 times: 45 calls
 * busy-wait 1 ms and 5 (every tenth) busy-wait 10 ms. Over both threads:
 * 100 calls, p50 and p90 of about 1 ms, p95 and p99 of about 10 ms.
 * Runs unchanged without the shim.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "perfshim.h"

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void busy_ms(long ms)
{
	long long end = now_ns() + ms * 1000000LL;

	while (now_ns() < end)
		;
}

static void *requests(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		perfshim_zone_begin("request");
		busy_ms(i % 10 == 9 ? 10 : 1);
		perfshim_zone_end("request");
	}
	return NULL;
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, requests, NULL))
		return 1;
	requests(NULL);
	pthread_join(t, NULL);
	printf("100 requests\n");
	return 0;
}
