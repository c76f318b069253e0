/*
 * free_orders - blocks freed in each order the trace codes its own way:
 * last in first out, first in first out, shuffled, by another thread,
 * and one block freed more than 65536 allocations after its own
 * (PERFSHIM_COL_AGES). Then LEAKED blocks of 100 bytes are lost. It
 * prints nothing; the analyzer's counts are the truth to check.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N 1024
#define LEAKED 37

static void *blocks[N];
static uint32_t seed = 12345;
static void *volatile sink;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void *free_even(void *arg)
{
	(void)arg;
	for (int i = 0; i < N; i += 2)
		free(blocks[i]);
	return NULL;
}

static void round_of(int order)
{
	pthread_t t;

	for (int i = 0; i < N; i++)
		blocks[i] = malloc(16 + rnd() % 4000);
	if (order == 2) { /* shuffled */
		for (int i = N - 1; i > 0; i--) {
			int j = (int)(rnd() % (uint32_t)(i + 1));
			void *s = blocks[i];

			blocks[i] = blocks[j];
			blocks[j] = s;
		}
	}
	if (order == 3) { /* half by another thread, after */
		if (pthread_create(&t, NULL, free_even, NULL) ||
		    pthread_join(t, NULL))
			exit(1);
		for (int i = 1; i < N; i += 2)
			free(blocks[i]);
		return;
	}
	for (int i = 0; i < N; i++)
		free(blocks[order == 0 ? N - 1 - i : i]);
}

int main(void)
{
	void *old = malloc(777);

	for (int order = 0; order < 4; order++)
		round_of(order);
	for (int i = 0; i < 66000; i++) {
		sink = malloc(16);
		free(sink);
	}
	free(old);
	for (int i = 0; i < LEAKED; i++) {
		sink = malloc(100);
		memset(sink, i, 100);
	}
	sink = NULL;
	return 0;
}
