/*
 * probe_cancel_ring - malloc and free are no cancellation points: a
 * thread under deferred cancellation that allocates and frees in a loop,
 * with pthread_testcancel after each free, is cancelled there and never
 * between its malloc and its free, however full the profiler's event
 * buffer runs (a wait for room in it slept in nanosleep, a cancellation
 * point). Re-executes itself once with the shim's smallest buffer.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 50

static volatile int inflight;

static void *work(void *arg)
{
	unsigned r = 12345;

	(void)arg;
	for (;;) {
		r = r * 1103515245u + 12345u;
		void *p = malloc(1 + (r >> 8) % 4000);

		inflight = 1;
		free(p);
		inflight = 0;
		pthread_testcancel();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int held = 0, not_cancelled = 0;

	if (argc < 2) {
		setenv("PERFSHIM_BUFFER_KB", "16", 1);
		execl("/proc/self/exe", argv[0], "run", (char *)NULL);
		return 2;
	}
	for (int k = 0; k < ROUNDS; k++) {
		pthread_t t;
		void *ret;

		inflight = 0;
		if (pthread_create(&t, NULL, work, NULL))
			return 3;
		usleep(2000);
		pthread_cancel(t);
		pthread_join(t, &ret);
		not_cancelled += ret != PTHREAD_CANCELED;
		held += inflight;
	}
	printf("cancelled between malloc and free: %d of %d; not cancelled: "
	       "%d\n",
	       held, ROUNDS, not_cancelled);
	return 0;
}
