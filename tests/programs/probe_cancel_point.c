/*
 * probe_cancel_point - a deferred pthread_cancel acts at the program's
 * next cancellation point, never inside code that has none. A thread
 * cancels itself, then, holding a mutex, spins on the CPU (sampled: at
 * 10 kHz the profiler's handler runs there, and learns new frames), or
 * allocates from fresh call sites (each stack taken by libunwind:
 * PERFSHIM_UNWIND=dwarf), before it lets the mutex go and calls
 * pthread_testcancel. It prints where each cancellation acted, whether
 * its cleanup handler ran, and whether the mutex was left locked. It
 * re-executes itself once with those two variables set.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int where; /* 1 inside the work, 2 past it */
static volatile int cleaned;
static void *volatile sink;

static void cleanup(void *arg)
{
	(void)arg;
	cleaned = 1;
}

static __attribute__((noinline)) void spin(void)
{
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) <
	       100000000L);
}

#define SITE(n)                                             \
	static __attribute__((noinline)) void site##n(void) \
	{                                                   \
		sink = malloc(16 + n);                      \
		free(sink);                                 \
		__asm__ volatile("" ::: "memory");          \
	}
SITE(1)
SITE(2) SITE(3) SITE(4) SITE(5) SITE(6) SITE(7) SITE(8)

	static __attribute__((noinline)) void allocate(void)
{
	for (int i = 0; i < 500; i++) {
		site1(), site2(), site3(), site4();
		site5(), site6(), site7(), site8();
	}
}

static void *worker(void *arg)
{
	void (*work)(void) = (void (*)(void))arg;

	pthread_cleanup_push(cleanup, NULL);
	pthread_mutex_lock(&lock);
	pthread_cancel(pthread_self());
	where = 1;
	work();
	where = 2;
	pthread_mutex_unlock(&lock);
	pthread_testcancel();
	pthread_cleanup_pop(0);
	return NULL;
}

static void one(const char *name, void (*work)(void))
{
	pthread_t t;
	void *ret;

	where = cleaned = 0;
	if (pthread_create(&t, NULL, worker, (void *)work) ||
	    pthread_join(t, &ret))
		exit(1);
	int free_now = pthread_mutex_trylock(&lock) == 0;

	if (free_now)
		pthread_mutex_unlock(&lock);
	else
		pthread_mutex_init(&lock, NULL); /* for the next case */
	printf("%s: %s, acted %s, cleanup %s, mutex %s\n", name,
	       ret == PTHREAD_CANCELED ? "cancelled" : "not cancelled",
	       where == 2 ? "at pthread_testcancel" : "inside the work",
	       cleaned ? "ran" : "did not run",
	       free_now ? "free" : "left locked");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		setenv("PERFSHIM_SAMPLE_HZ", "10000", 1);
		setenv("PERFSHIM_UNWIND", "dwarf", 1);
		execl("/proc/self/exe", argv[0], "run", (char *)NULL);
		return 2;
	}
	one("spinning", spin);
	one("allocating", allocate);
	return 0;
}
