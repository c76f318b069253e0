/*
 * threads - 4 worker threads, each churning NCHURN malloc/free pairs and
 * leaking NLEAK blocks of 32 bytes from thread_leak(); then producer and
 * consumer threads hand blocks to each other (allocated in one thread,
 * freed in another, concurrently). Silent.
 *
 * With the argument "short-lived": 500 threads instead, 4 at a time, each
 * leaking one block of 24 bytes at LEAK:short_thread (12000 bytes, 500
 * blocks) and exiting at once.
 *
 * With "key-freed": 200 threads, 4 at a time, each keeping a block of 100
 * bytes (KEY:alloc) as a pthread key's value, which the key's destructor
 * frees as the thread exits: no leak, 201 threads.
 *
 *   LEAK:thread   4 * 50 = 200 blocks, 6400 bytes
 *   HANDOFF:*     every block is freed (by another thread): no leak
 *   CHURN:*       freed: no leak
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

#define NTHREADS 4
#define NLEAK 50
#define NCHURN 100000
#define NPRODUCERS 2
#define NHANDOFF 20000
#define RING 256

static pthread_barrier_t start;

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 3, n);
}

NOINLINE static void thread_leak(void)
{
	void *p = malloc(32); /* LEAK:thread */
	touch(p, 32);
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(size_t)arg;

	pthread_barrier_wait(&start);
	for (int i = 0; i < NCHURN; i++) {
		size_t n = (size_t)(rand_r(&seed) % 256) + 1;
		void *p = malloc(n); /* CHURN:malloc */
		touch(p, n);
		if (i % 7 == 0)
			p = realloc(p, n * 2); /* CHURN:realloc */
		free(p);
		if (i % (NCHURN / NLEAK) == 0)
			thread_leak();
	}
	return NULL;
}

/* A bounded ring of pointers between producers and the consumer. */
static void *ring[RING];
static unsigned ring_head, ring_tail;
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ring_cond = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < NHANDOFF; i++) {
		void *p = malloc((size_t)(i % 100) + 8); /* HANDOFF:alloc */
		touch(p, 8);
		pthread_mutex_lock(&ring_lock);
		while (ring_head - ring_tail == RING)
			pthread_cond_wait(&ring_cond, &ring_lock);
		ring[ring_head++ % RING] = p;
		pthread_cond_broadcast(&ring_cond);
		pthread_mutex_unlock(&ring_lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < NPRODUCERS * NHANDOFF; i++) {
		void *p;

		pthread_mutex_lock(&ring_lock);
		while (ring_head == ring_tail)
			pthread_cond_wait(&ring_cond, &ring_lock);
		p = ring[ring_tail++ % RING];
		pthread_cond_broadcast(&ring_cond);
		pthread_mutex_unlock(&ring_lock);
		free(p);
		/* A new block in the consumer, freed at once: addresses the
		 * producers just gave up come back here. */
		free(malloc(16)); /* HANDOFF:consumer */
	}
	return NULL;
}

NOINLINE static void short_thread_leak(void)
{
	void *p = malloc(24); /* LEAK:short_thread */
	touch(p, 24);
}

static void *short_lived(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++)
		free(malloc((size_t)i + 1));
	short_thread_leak();
	return NULL;
}

/* rounds of 4 threads running fn at once, each round joined. */
static int rounds_of_four(void *(*fn)(void *), int rounds)
{
	for (int round = 0; round < rounds; round++) {
		pthread_t t[4];

		for (int i = 0; i < 4; i++)
			if (pthread_create(&t[i], NULL, fn, NULL))
				abort();
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
	}
	return 0;
}

static int short_lived_threads(void)
{
	return rounds_of_four(short_lived, 125);
}

static pthread_key_t kept;

static void *keeps_block(void *arg)
{
	void *p = malloc(100); /* KEY:alloc */

	touch(p, 100);
	pthread_setspecific(kept, p);
	return arg;
}

static int key_freed_threads(void)
{
	if (pthread_key_create(&kept, free))
		abort();
	return rounds_of_four(keeps_block, 50);
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS], pc[NPRODUCERS + 1];

	if (argc > 1 && !strcmp(argv[1], "short-lived"))
		return short_lived_threads();
	if (argc > 1 && !strcmp(argv[1], "key-freed"))
		return key_freed_threads();

	pthread_barrier_init(&start, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker,
				   (void *)(size_t)(i + 1))) /* CALL:create */
			abort();
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);

	for (int i = 0; i < NPRODUCERS; i++)
		if (pthread_create(&pc[i], NULL, producer,
				   NULL)) /* CALL:create-producer */
			abort();
	if (pthread_create(&pc[NPRODUCERS], NULL, consumer,
			   NULL)) /* CALL:create-consumer */
		abort();
	for (int i = 0; i <= NPRODUCERS; i++)
		pthread_join(pc[i], NULL);
	return 0;
}
