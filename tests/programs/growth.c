/*
 * growth.c - memory that grows, or does not, with known truth, for the
 * growth verdict (tests/t/t0150-growth.sh).
 *
 *   growth MODE [ITERATIONS [SLEEP_US [nomark|phases]]]
 *
 * Every iteration first churns: 64 blocks of 16 to 4111 bytes allocated
 * and all freed again (FREED:churn), then does what MODE says, calls
 * perfshim_mark("iteration") (unless "nomark") and sleeps SLEEP_US
 * microseconds (default 1000). ITERATIONS defaults to 300. With "phases"
 * instead of "nomark" it marks only three times ("phase": at the start,
 * halfway, at the end), too few for points.
 *
 *   leak     48 bytes per iteration, never freed (LEAK:steady): GROWING,
 *            48 bytes per marker, that site 100% of the growth
 *   plateau  a cache of 256 entries of 1000 bytes, filled in the first 16
 *            iterations (CACHE:fill), then one evicted and one inserted
 *            per iteration: STABLE after the warm-up
 *   churn    a pool of 512 blocks, each of its own size (64..4159),
 *            64 of them replaced by a block of the same size per
 *            iteration (FREED:pool): heavy churn, no net growth, STABLE
 *   mmap     64 KiB mapped and touched per iteration, never unmapped,
 *            the heap unchanged: STABLE heap, GROWING resident set
 *   threads  3 worker threads each leak 32 bytes per iteration
 *            (LEAK:worker), between two barriers the main thread
 *            shares: the heap at each marker (main's) grows by exactly
 *            96 bytes, GROWING, that one site
 *   bursty   every 8th iteration 10 blocks of 200 bytes (LEAK:burst);
 *            every 32nd iteration the 15 oldest of them freed: net growth
 *            of 2000 bytes per 8 iterations less 3000 per 32, GROWING
 *
 * With GROWTH_CLOBBER=1 in the environment, halfway through it finds the
 * descriptor the shim reads /proc/self/statm from, dup2()s /dev/null onto
 * that number and closes it: that number is the program's from then on
 * (the close must really close it, or it exits 3), and the samples must go
 * on.
 *
 * With GROWTH_KILL_AT=N it sends itself SIGKILL at iteration N.
 *
 * With GROWTH_MAIN_EXIT=1 a thread does all of it, and main() calls
 * pthread_exit() at once: the process ends with that thread.
 *
 * It prints nothing and exits 0.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "perfshim.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void pause_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	if (us > 0)
		nanosleep(&ts, NULL);
}

static void churn(void)
{
	void *b[64];

	for (int i = 0; i < 64; i++) {
		b[i] = malloc(16 + next() % 4096); /* FREED:churn */
		memset(b[i], 1, 16);
	}
	for (int i = 0; i < 64; i++)
		free(b[i]);
}

/* leak: a small steady leak. */
static void *leak_one(void)
{
	char *p = malloc(48); /* LEAK:steady */

	memset(p, 2, 48);
	return p;
}

/* plateau: a cache that fills and then stays full. */
#define CACHE 256
static void *cache[CACHE];
static int cache_used, cache_next;

static void cache_insert(void)
{
	if (cache_used == CACHE) {
		free(cache[cache_next]);
		cache[cache_next] = malloc(1000); /* CACHE:replace */
		cache_next = (cache_next + 1) % CACHE;
		return;
	}
	cache[cache_used++] = malloc(1000); /* CACHE:fill */
}

/* churn: a pool replaced piecemeal, each slot keeping its size. */
#define POOL 512
static void *pool[POOL];
static size_t pool_size[POOL];

static void pool_churn(void)
{
	for (int k = 0; k < 64; k++) {
		int i = (int)(next() % POOL);

		free(pool[i]);
		pool[i] = malloc(pool_size[i]); /* FREED:pool */
		memset(pool[i], 3, 8);
	}
}

/* mmap: growth the heap never sees. */
static void map_more(void)
{
	void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		memset(p, 4, 65536);
}

/* bursty: growth in steps, with occasional frees. */
#define BURST_MAX 4096
static void *burst[BURST_MAX];
static int burst_head, burst_tail;

static void burst_grow(void)
{
	for (int i = 0; i < 10 && burst_tail < BURST_MAX; i++)
		burst[burst_tail++] = malloc(200); /* LEAK:burst */
}

static void burst_free(void)
{
	for (int i = 0; i < 15 && burst_head < burst_tail; i++)
		free(burst[burst_head++]);
}

/* threads: leaks made on other threads, in step with the markers. */
#define WORKERS 3
static pthread_barrier_t go, done;
static int rounds;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		pthread_barrier_wait(&go);
		char *p = malloc(32); /* LEAK:worker */

		memset(p, 5, 32);
		pthread_barrier_wait(&done);
	}
	return NULL;
}

/* Take over the number of the shim's statm descriptor, then close it. */
static void clobber(void)
{
	char path[64], link[256];

	for (int fd = 3; fd < 4096; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = 0;
		if (!strstr(link, "/statm"))
			continue;
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, fd) != fd || close(fd) ||
		    fcntl(fd, F_GETFD) != -1)
			exit(3);
		close(null);
		return;
	}
}

static const char *mode;
static int iters, mark, phases;
static long sleep_us;

static void *run(void *arg)
{
	const char *cl = getenv("GROWTH_CLOBBER");
	const char *kill_at = getenv("GROWTH_KILL_AT");
	pthread_t tid[WORKERS];

	(void)arg;
	if (!strcmp(mode, "threads")) {
		rounds = iters;
		pthread_barrier_init(&go, NULL, WORKERS + 1);
		pthread_barrier_init(&done, NULL, WORKERS + 1);
		for (int i = 0; i < WORKERS; i++)
			pthread_create(&tid[i], NULL, worker, NULL);
	}
	if (!strcmp(mode, "churn"))
		for (int i = 0; i < POOL; i++) {
			pool_size[i] = 64 + next() % 4096;
			pool[i] = malloc(pool_size[i]); /* FREED:pool-start */
		}
	for (int it = 0; it < iters; it++) {
		if (cl && *cl == '1' && it == iters / 2)
			clobber();
		if (kill_at && it == atoi(kill_at))
			kill(getpid(), SIGKILL);
		if (phases && (it == 0 || it == iters / 2 || it == iters - 1))
			perfshim_mark("phase");
		churn();
		if (!strcmp(mode, "leak")) {
			leak_one();
		} else if (!strcmp(mode, "plateau")) {
			int n = it < 16 ? 16 : 1;

			for (int i = 0; i < n; i++)
				cache_insert();
		} else if (!strcmp(mode, "churn")) {
			pool_churn();
		} else if (!strcmp(mode, "mmap")) {
			map_more();
		} else if (!strcmp(mode, "threads")) {
			pthread_barrier_wait(&go);
			pthread_barrier_wait(&done);
		} else if (!strcmp(mode, "bursty")) {
			if (it % 8 == 0)
				burst_grow();
			if (it % 32 == 31)
				burst_free();
		}
		if (mark && !phases)
			perfshim_mark("iteration");
		pause_us(sleep_us);
	}
	if (!strcmp(mode, "threads"))
		for (int i = 0; i < WORKERS; i++)
			pthread_join(tid[i], NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *main_exit = getenv("GROWTH_MAIN_EXIT");

	mode = argc > 1 ? argv[1] : "leak";
	iters = argc > 2 ? atoi(argv[2]) : 300;
	sleep_us = argc > 3 ? atol(argv[3]) : 1000;
	mark = !(argc > 4 && !strcmp(argv[4], "nomark"));
	phases = argc > 4 && !strcmp(argv[4], "phases");
	if (main_exit && *main_exit == '1') {
		pthread_t t;

		if (pthread_create(&t, NULL, run, NULL))
			return 2;
		pthread_exit(NULL);
	}
	run(NULL);
	return 0;
}
