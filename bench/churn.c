/* churn - malloc/free churn benchmark: mixed sizes, call chains 1-10 deep. */
/*
 * usage: churn THREADS ITERATIONS [SHAPE_BITS]
 *
 * Each thread does ITERATIONS/THREADS steps.  A step draws a size
 * between 16 B and 4 KiB (mostly small, as in real programs), allocates it
 * through a chain of 1 to 10 noinline frames, and frees the block that sat
 * in a random slot of a per-thread ring of 512, so a free is rarely right
 * after its malloc.  The chain is entered through one of two functions, so
 * by default there are 20 distinct allocation stacks.  SHAPE_BITS (0 to 10,
 * default 0) lets that many random bits also choose, level by level, which
 * of the two functions recurses, for up to ~2000 stacks; SHAPE_BITS 11 to
 * 20 makes every chain SHAPE_BITS + 1 deep, for 2^(SHAPE_BITS + 1) stacks
 * (16: 131072, each used about 8 times in a million steps).  Everything comes
 * from a fixed-seed xorshift, so every run makes the same calls.  The
 * ring's last contents stay allocated at exit, giving the leak report
 * something to show.  Prints one checksum line per thread, in thread order.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING 512
#define MAX_THREADS 64
#define NOINLINE __attribute__((noinline))

struct worker {
	uint64_t rng;
	uint64_t shape_mask;
	int fixed_depth; /* 0: 1 to 10 */
	long steps;
	uint64_t sum;
	void *ring[RING];
};

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void *NOINLINE chain_b(int depth, uint64_t shape, size_t size);

static void *NOINLINE chain_a(int depth, uint64_t shape, size_t size)
{
	void *p;

	if (depth <= 1)
		p = malloc(size);
	else if (shape & 1)
		p = chain_b(depth - 1, shape >> 1, size);
	else
		p = chain_a(depth - 1, shape >> 1, size);
	/* Keeps the calls above from becoming tail calls (frames stay). */
	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

static void *NOINLINE chain_b(int depth, uint64_t shape, size_t size)
{
	void *p;

	if (depth <= 1)
		p = malloc(size);
	else if (shape & 1)
		p = chain_a(depth - 1, shape >> 1, size);
	else
		p = chain_b(depth - 1, shape >> 1, size);
	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

static size_t draw_size(uint64_t r)
{
	unsigned klass = (unsigned)(r % 100);

	r >>= 8;
	if (klass < 70)
		return 16 + (size_t)(r % 241); /* 16..256 */
	if (klass < 95)
		return 257 + (size_t)(r % 768); /* 257..1024 */
	return 1025 + (size_t)(r % 3072);	/* 1025..4096 */
}

static void *run(void *arg)
{
	struct worker *w = arg;

	for (long i = 0; i < w->steps; i++) {
		uint64_t r = xorshift(&w->rng);
		size_t size = draw_size(r);
		int depth = w->fixed_depth ? w->fixed_depth
					   : 1 + (int)((r >> 40) % 10);
		unsigned slot = (unsigned)((r >> 50) % RING);
		unsigned char *p;

		free(w->ring[slot]);
		p = (r >> 63) ? chain_b(depth, (r >> 20) & w->shape_mask, size)
			      : chain_a(depth, (r >> 20) & w->shape_mask, size);
		if (!p) {
			fprintf(stderr, "churn: out of memory\n");
			exit(1);
		}
		p[0] = (unsigned char)i;
		p[size - 1] = (unsigned char)(i >> 8);
		w->sum += size + p[0];
		w->ring[slot] = p;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static struct worker workers[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	int threads, shape_bits = 0;
	long iterations;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: churn THREADS ITERATIONS "
				"[SHAPE_BITS]\n");
		return 2;
	}
	threads = atoi(argv[1]);
	iterations = atol(argv[2]);
	if (argc == 4)
		shape_bits = atoi(argv[3]);
	if (threads < 1 || threads > MAX_THREADS || iterations < 1 ||
	    shape_bits < 0 || shape_bits > 20) {
		fprintf(stderr, "churn: bad arguments\n");
		return 2;
	}
	for (int t = 0; t < threads; t++) {
		workers[t].rng = 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1);
		workers[t].steps = iterations / threads;
		workers[t].shape_mask = (1ull << shape_bits) - 1;
		workers[t].fixed_depth = shape_bits > 10 ? shape_bits + 1 : 0;
	}
	if (threads == 1) {
		run(&workers[0]);
	} else {
		for (int t = 0; t < threads; t++) {
			if (pthread_create(&tids[t], NULL, run, &workers[t])) {
				fprintf(stderr, "churn: pthread_create "
						"failed\n");
				return 1;
			}
		}
		for (int t = 0; t < threads; t++)
			pthread_join(tids[t], NULL);
	}
	for (int t = 0; t < threads; t++)
		printf("thread %d: %ld steps, checksum %llu\n", t,
		       workers[t].steps, (unsigned long long)workers[t].sum);
	return 0;
}
