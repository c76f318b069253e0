/*
 * latency - a zone of known latencies, for the histograms of exact
 * timing. Two threads each run the zone "request" 50 times: 45 calls
 * busy-wait 1 ms and 5 (every tenth) busy-wait 10 ms. Over both threads:
 * 100 calls, p50 and p90 of about 1 ms, p95 and p99 of about 10 ms.
 *
 * "latency fork": 3 calls of "before", then a fork; the child makes 2
 * calls of "child" and 1 of "before" and exits; the parent waits, then 4
 * more of "before". The parent's histogram of "before" holds 7 calls,
 * the child's 1 (it starts afresh) and 2 of "child".
 *
 * "latency open": one call of "done", then exit() inside the zone
 * "open": a call still running at the finish is in no histogram.
 *
 * Runs unchanged without the shim.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void zone(const char *name, int n)
{
	for (int i = 0; i < n; i++) {
		perfshim_zone_begin(name);
		busy_ms(1);
		perfshim_zone_end(name);
	}
}

static int forked(void)
{
	pid_t pid;
	int st;

	zone("before", 3);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		zone("child", 2);
		zone("before", 1);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 1;
	zone("before", 4);
	printf("forked\n");
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 1 && !strcmp(argv[1], "fork"))
		return forked();
	if (argc > 1 && !strcmp(argv[1], "open")) {
		zone("done", 1);
		perfshim_zone_begin("open");
		printf("open\n");
		exit(0);
	}

	if (pthread_create(&t, NULL, requests, NULL))
		return 1;
	requests(NULL);
	pthread_join(t, NULL);
	printf("100 requests\n");
	return 0;
}
