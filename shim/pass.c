/* pass.c - the writer's pass lock, taken in turn (pass.h). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "pass.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int held;
/* Threads other than the writer that wait for the lock. */
static _Atomic int waiting;

HIDDEN void perfshim_pass_take(void)
{
	/* Held from before the wait: a signal's handler on this thread
	 * that wants the lock then gives up at once (perfshim_pass_trylock)
	 * instead of waiting on itself. */
	held = 1;
	atomic_signal_fence(memory_order_seq_cst);
	atomic_fetch_add(&waiting, 1);
	pthread_mutex_lock(&lock);
	atomic_fetch_sub(&waiting, 1);
}

HIDDEN int perfshim_pass_trylock(int ms)
{
	struct timespec pause = { 0, 100000 };
	int got = -1;

	/* A signal handler on the thread that holds it (an exit scan that a
	 * SIGTERM interrupted): waiting would only let the time run out. */
	if (held)
		return -1;
	atomic_fetch_add(&waiting, 1);
	for (long i = 0; i < 10L * ms; i++) {
		if (!pthread_mutex_trylock(&lock)) {
			held = 1;
			got = 0;
			break;
		}
		nanosleep(&pause, NULL);
	}
	atomic_fetch_sub(&waiting, 1);
	return got;
}

HIDDEN void perfshim_pass_writer_take(void)
{
	struct timespec pause = { 0, 100000 };

	for (int i = 0; i < 100 && atomic_load(&waiting); i++)
		nanosleep(&pause, NULL);
	pthread_mutex_lock(&lock);
	held = 1;
}

HIDDEN void perfshim_pass_give(void)
{
	pthread_mutex_unlock(&lock);
	atomic_signal_fence(memory_order_seq_cst);
	held = 0;
}

HIDDEN int perfshim_pass_held(void)
{
	return held;
}

HIDDEN void perfshim_pass_after_fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
	held = 0;
	atomic_store(&waiting, 0);
}
