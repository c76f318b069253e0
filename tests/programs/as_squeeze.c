/*
 * as_squeeze - a thread the shim has no memory for. main() allocates 10
 * blocks of 100 bytes, then limits its address space (RLIMIT_AS) to what
 * it has mapped plus 72 KiB, and starts a thread on a 64 KiB stack (and
 * its guard page): the 4 KiB left are less than the shim needs for the
 * thread's state and event buffer. The thread frees the 10 blocks, which
 * needs no memory, and main prints "freed 10" when it has joined it.
 * Natively and traced alike it prints that and exits 0; the trace must
 * say that events were lost, and no gate may pass it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "status_kb.h"

#define N 10

static void *blocks[N];
static int freed;

static void *thread_main(void *arg)
{
	(void)arg;
	for (int i = 0; i < N; i++) {
		free(blocks[i]);
		freed++;
	}
	return NULL;
}

int main(void)
{
	pthread_attr_t a;
	pthread_t t;
	struct rlimit rl;

	for (int i = 0; i < N; i++)
		blocks[i] = malloc(100);
	long kb = status_kb("VmSize:");

	if (kb < 0 || getrlimit(RLIMIT_AS, &rl))
		return 2;
	rl.rlim_cur = ((rlim_t)kb + 72) * 1024;
	if (setrlimit(RLIMIT_AS, &rl))
		return 2;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	if (pthread_create(&t, &a, thread_main, NULL))
		return 3;
	pthread_join(t, NULL);
	printf("freed %d\n", freed);
	return 0;
}
