/*
 * leaks_basic - known leaks from each allocation function, and known
 * non-leaks. Says nothing on stdout/stderr (stdio would allocate a buffer
 * that glibc never frees), so every unfreed block is one of ours.
 *
 * Known truth (t0010-leaks-basic.sh):
 *   LEAK:malloc          100 bytes, 1 block
 *   LEAK:calloc          240 bytes (10 * 24), 1 block
 *   LEAK:realloc         1000 bytes, 1 block (malloc 10 -> realloc 100 ->
 *                        realloc 1000; only the last realloc is unfreed)
 *   LEAK:posix_memalign  256 bytes, 1 block (64-aligned)
 *   LEAK:aligned_alloc   128 bytes, 1 block (32-aligned)
 *   LEAK:strdup          22 bytes, 1 block ("perfshim-known-string" + NUL)
 *   LEAK:loop            16000 bytes, 1000 blocks of 16
 *   LEAK:big             1048576 bytes, 1 block (above the mmap threshold)
 *   total                1066322 bytes, 1007 blocks
 * Lines marked FREED:* and CHAIN:* must not be reported.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

/* Write to a block so that it is really used; never frees it. */
NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 0x5a, n);
}

NOINLINE static void leak_malloc(void)
{
	void *p = malloc(100); /* LEAK:malloc */
	touch(p, 100);
}

NOINLINE static void leak_calloc(void)
{
	void *p = calloc(10, 24); /* LEAK:calloc */
	touch(p, 240);
}

NOINLINE static void leak_realloc_chain(void)
{
	char *p = malloc(10); /* CHAIN:malloc */
	touch(p, 10);
	p = realloc(p, 100); /* CHAIN:realloc100 */
	touch(p, 100);
	p = realloc(p, 1000); /* LEAK:realloc */
	touch(p, 1000);
}

NOINLINE static void leak_posix_memalign(void)
{
	void *p = NULL;
	int err = posix_memalign(&p, 64, 256); /* LEAK:posix_memalign */
	if (err || ((uintptr_t)p & 63))
		abort();
	touch(p, 256);
}

NOINLINE static void leak_aligned_alloc(void)
{
	void *p = aligned_alloc(32, 128); /* LEAK:aligned_alloc */
	if ((uintptr_t)p & 31)
		abort();
	touch(p, 128);
}

NOINLINE static void leak_strdup(void)
{
	char *s = strdup("perfshim-known-string"); /* LEAK:strdup */
	if (!s || strlen(s) != 21)
		abort();
}

NOINLINE static void leak_loop(void)
{
	for (int i = 0; i < 1000; i++) {
		void *p = malloc(16); /* LEAK:loop */
		touch(p, 16);
	}
}

NOINLINE static void leak_big(void)
{
	void *p = malloc(1 << 20); /* LEAK:big */
	touch(p, 1 << 20);
}

/* Everything allocated here is freed again: none of it is a leak. */
NOINLINE static void no_leaks(void)
{
	void *p, *q;
	char *s;

	p = malloc(200); /* FREED:malloc */
	touch(p, 200);
	free(p);

	p = calloc(3, 50); /* FREED:calloc */
	touch(p, 150);
	free(p);

	p = malloc(5); /* FREED:realloc-start */
	touch(p, 5);
	p = realloc(p, 5000); /* FREED:realloc-grow */
	touch(p, 5000);
	p = realloc(p, 40); /* FREED:realloc-shrink */
	touch(p, 40);
	free(p);

	p = realloc(NULL, 300); /* FREED:realloc-null */
	touch(p, 300);
	free(p);

	p = reallocarray(NULL, 7, 9); /* FREED:reallocarray */
	touch(p, 63);
	free(p);

	if (posix_memalign(&p, 128, 512)) /* FREED:posix_memalign */
		abort();
	free(p);

	p = aligned_alloc(64, 192); /* FREED:aligned_alloc */
	free(p);

	p = memalign(32, 33); /* FREED:memalign */
	free(p);

	p = valloc(100); /* FREED:valloc */
	free(p);

	s = strdup("freed again"); /* FREED:strdup */
	free(s);

	s = strndup("abcdef", 3); /* FREED:strndup */
	free(s);

	p = malloc(3 << 20); /* FREED:big */
	touch(p, 3 << 20);
	free(p);

	/* Reuse: the same addresses come back and must not confuse anything. */
	for (int i = 0; i < 10000; i++) {
		p = malloc((size_t)(i % 500) + 1); /* FREED:churn */
		q = malloc(24); /* FREED:churn2 */
		free(p);
		free(q);
	}

	free(NULL);
}

int main(void)
{
	no_leaks();
	leak_malloc();
	leak_calloc();
	leak_realloc_chain();
	leak_posix_memalign();
	leak_aligned_alloc();
	leak_strdup();
	leak_loop();
	leak_big();
	no_leaks();
	return 0;
}
