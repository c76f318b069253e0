/*
 * edge - corner cases of the allocation API. Silent.
 *
 *   LEAK:realloc_fail  300 bytes, 1 block: realloc(p, huge) fails and
 *                      returns NULL; p stays allocated (and is leaked)
 *   LEAK:realloc_null  640 bytes, 1 block: realloc(NULL, 640) is a malloc
 *   LEAK:memalign      100 bytes, 1 block: memalign(64, 100)
 *   LEAK:zero          0 bytes, 1 block: malloc(0) returns a block
 *   LEAK:detached      77 bytes, 1 block, made by a detached thread that
 *                      may still be exiting when main returns
 *   LEAK:late          123 bytes, 1 block, allocated by a destructor
 *                      (after main returned)
 *   LEAK:ctor_main     321 bytes, 1 block, allocated by a constructor of
 *                      the program (before main)
 *   EDGE:*             failed calls (nothing allocated) and blocks freed
 *                      by realloc(p, 0), by atexit handlers and by
 *                      destructors: no leak
 * total 1561 bytes in 7 blocks
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

static void *atexit_block;
static void *dtor_block;

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 0x33, n);
}

NOINLINE static void *huge(void)
{
	return (void *)(uintptr_t)1; /* keeps the compiler from folding */
}

NOINLINE static void leak_realloc_fail(void)
{
	char *p = malloc(300); /* LEAK:realloc_fail */
	size_t big = SIZE_MAX / 2 + (size_t)(uintptr_t)huge();
	char *q;

	touch(p, 300);
	q = realloc(p, big); /* EDGE:realloc_fail */
	if (q)
		abort();
}

NOINLINE static void failed_calls(void)
{
	size_t big = SIZE_MAX / 4 + (size_t)(uintptr_t)huge();
	void *p = (void *)1;

	if (malloc(big)) /* EDGE:malloc_fail */
		abort();
	if (calloc(big, 16)) /* EDGE:calloc_overflow */
		abort();
	if (reallocarray(NULL, big, 16)) /* EDGE:reallocarray_overflow */
		abort();
	if (posix_memalign(&p, 3, 64) != EINVAL) /* EDGE:memalign_einval */
		abort();
}

NOINLINE static void realloc_to_zero(void)
{
	void *p = malloc(50); /* EDGE:realloc_zero */

	touch(p, 50);
	p = realloc(p, 0); /* glibc frees p and returns NULL */
	free(p);
}

NOINLINE static void leak_realloc_null(void)
{
	void *p = realloc(NULL, 640); /* LEAK:realloc_null */
	touch(p, 640);
}

NOINLINE static void leak_memalign(void)
{
	void *p = memalign(64, 100); /* LEAK:memalign */
	touch(p, 100);
}

NOINLINE static void leak_zero(void)
{
	void *p = malloc(0); /* LEAK:zero */
	if (!p)
		abort();
}

static sem_t leaked;

NOINLINE static void leak_detached(void)
{
	void *p = malloc(77); /* LEAK:detached */
	touch(p, 77);
}

static void *detached(void *arg)
{
	(void)arg;
	leak_detached();
	sem_post(&leaked);
	/* and exits while main is already on its way out */
	return NULL;
}

static void free_at_exit(void)
{
	free(atexit_block);
}

__attribute__((destructor)) static void free_in_destructor(void)
{
	free(dtor_block);
}

NOINLINE static void leak_late(void)
{
	void *p = malloc(123); /* LEAK:late */
	touch(p, 123);
}

NOINLINE static void leak_ctor_main(void)
{
	void *p = malloc(321); /* LEAK:ctor_main */
	touch(p, 321);
}

__attribute__((constructor)) static void allocate_in_constructor(void)
{
	leak_ctor_main();
}

__attribute__((destructor)) static void allocate_in_destructor(void)
{
	leak_late();
}

int main(void)
{
	pthread_t t;
	pthread_attr_t attr;

	atexit_block = malloc(4000); /* EDGE:atexit */
	touch(atexit_block, 4000);
	dtor_block = malloc(5000); /* EDGE:destructor */
	touch(dtor_block, 5000);
	if (atexit(free_at_exit))
		abort();

	leak_realloc_fail();
	failed_calls();
	realloc_to_zero();
	leak_realloc_null();
	leak_memalign();
	leak_zero();

	sem_init(&leaked, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, detached, NULL))
		abort();
	pthread_attr_destroy(&attr);
	sem_wait(&leaked);
	return 0;
}
