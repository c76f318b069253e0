/*
 * allocs - allocation sites with known counts, bytes, peak and
 * temporaries, for perfanalyze --by and --flamegraph --metric.
 *
 *   SITE:temp   1000 blocks of 100 bytes, each freed at once (before the
 *               next allocation): 1000 temporary, none live at the peak.
 *   SITE:held   10 blocks of 10000 bytes, all live together at the heap's
 *               peak (100000 bytes), freed at the end.
 *   SITE:leak   5 blocks of 64 bytes, never freed (320 bytes leaked).
 */
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

static NOINLINE void make_temporaries(void)
{
	for (int i = 0; i < 1000; i++) {
		char *p = malloc(100); /* SITE:temp */

		memset(p, i, 100);
		free(p);
	}
}

static NOINLINE void hold_then_free(void)
{
	void *held[10];

	for (int i = 0; i < 10; i++) {
		held[i] = malloc(10000); /* SITE:held */
		memset(held[i], 1, 10000);
	}
	for (int i = 0; i < 10; i++)
		free(held[i]);
}

static NOINLINE void leak(void)
{
	for (int i = 0; i < 5; i++) {
		void *p = malloc(64); /* SITE:leak */

		memset(p, 2, 64);
		__asm__ volatile("" : : "r"(p) : "memory");
	}
}

int main(void)
{
	make_temporaries();
	hold_then_free();
	leak();
	return 0;
}
