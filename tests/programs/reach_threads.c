/*
 * reach_threads.c - what other threads hold at exit, for the
 * reachability scan (tests/t/t0210-reach-threads.sh). memcheck's verdict
 * on each block (valgrind --leak-check=full --show-leak-kinds=all) is in
 * its comment.
 *
 *   reach_threads live     threads that are still running at exit(0):
 *                          LEAK:on-stack   100 bytes, only in a local of
 *                                          a blocked thread: reachable
 *                          LEAK:in-reg     200 bytes, only in a register
 *                                          of a spinning thread: reachable
 *                          LEAK:tls-live   300 bytes, only in a __thread
 *                                          variable of a live thread:
 *                                          reachable
 *                          LEAK:tls-dead   400 bytes, only in a __thread
 *                                          variable of a thread that has
 *                                          ended: definite
 *                          LEAK:dropped-t  500 bytes, dropped by a live
 *                                          thread: definite
 *   reach_threads exit     a thread calls exit(0) while main waits in
 *                          pthread_join with LEAK:main-local (600 bytes)
 *                          in a local: reachable; LEAK:exit-dropped (700
 *                          bytes) dropped by the exiting thread: definite
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define KEY 0x5a5a5a5a5a5a5a5aull

__thread void *tls_ptr;
static volatile int ready;
void *volatile sink;

/* Wipe the dead stack below the caller, where stale copies of pointers
 * would otherwise stay. */
NOINLINE static void scrub(void)
{
	volatile char junk[8192];

	memset((char *)junk, 0, sizeof(junk));
}

NOINLINE static void *alloc(size_t n)
{
	return malloc(n); /* LEAK:dropped-t */
}

NOINLINE static void hold_forever(void)
{
	for (;;)
		pause();
}

static void *on_stack(void *arg)
{
	void *volatile local = malloc(100); /* LEAK:on-stack */

	(void)arg;
	scrub();
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	hold_forever();
	return (void *)local;
}

static void *in_reg(void *arg)
{
	/* Only the xor'd value is in memory; r12 holds the pointer. */
	volatile uint64_t x =
		(uint64_t)(uintptr_t)malloc(200) ^ KEY; /* LEAK:in-reg */

	(void)arg;
	scrub();
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	__asm__ volatile("mov %0, %%r12\n\t"
			 "xor %1, %%r12\n\t"
			 "xor %0, %0\n\t"
			 "1: pause\n\t"
			 "jmp 1b\n\t"
			 :
			 : "r"((uint64_t)x), "r"(KEY)
			 : "r12", "memory");
	return NULL;
}

static void *tls_live(void *arg)
{
	(void)arg;
	tls_ptr = malloc(300); /* LEAK:tls-live */
	sink = alloc(500);
	sink = NULL;
	scrub();
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	hold_forever();
	return NULL;
}

static void *tls_dead(void *arg)
{
	(void)arg;
	tls_ptr = malloc(400); /* LEAK:tls-dead */
	scrub();
	return NULL;
}

static void start(void *(*fn)(void *), size_t stack)
{
	pthread_attr_t a;
	pthread_t t;

	pthread_attr_init(&a);
	if (stack)
		pthread_attr_setstacksize(&a, stack);
	if (pthread_create(&t, &a, fn, NULL))
		abort();
	pthread_attr_destroy(&a);
	pthread_detach(t);
}

static void *exiter(void *arg)
{
	(void)arg;
	sink = malloc(700); /* LEAK:exit-dropped */
	sink = NULL;
	scrub();
	exit(0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exit")) {
		void *volatile local = malloc(600); /* LEAK:main-local */
		pthread_t t;

		if (pthread_create(&t, NULL, exiter, NULL))
			abort();
		pthread_join(t, NULL);
		return local == NULL;
	}
	/* A stack size of its own: no later thread reuses its stack. */
	pthread_t t;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 1 << 20);
	if (pthread_create(&t, &a, tls_dead, NULL))
		abort();
	pthread_join(t, NULL);
	start(on_stack, 0);
	start(in_reg, 0);
	start(tls_live, 0);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 3)
		usleep(1000);
	usleep(20000);
	exit(0);
}
