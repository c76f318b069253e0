/*
 * overflow.c - leaks, then dies of a stack overflow (SIGSEGV with no stack
 * left to run a handler on, unless one is set aside).
 *
 *   overflow main        in the main thread
 *   overflow thread      in a second thread
 *   overflow sigaltstack sets its own alternate signal stack and checks,
 *                        after allocating, that it is still the one in
 *                        force (prints "own altstack kept"); no overflow
 *   overflow edge        no overflow either: a thread runs for 0.15 s
 *                        of CPU or more with 256 bytes of its stack
 *                        left, too few for a signal's frame, then returns
 *                        (prints "edge ok"); a signal delivered there
 *                        on the thread's stack would kill it
 *   overflow nested      no overflow: the program's SIGUSR1 handler runs
 *                        on the program's own alternate stack for 0.15 s
 *                        of CPU or more, with room there for one signal
 *                        frame and 1 KiB more, then returns (prints
 *                        "nested ok")
 *   overflow small       sets its own alternate signal stack, with
 *                        room for a signal frame and 2 KiB more, leaks,
 *                        then overflows the stack
 *   overflow small-term  the same, but holds 200,000 blocks of 32 bytes
 *                        and raises SIGTERM instead
 *
 *   LEAK:before   123 bytes, 1 block, allocated before the overflow
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define NOINLINE __attribute__((noinline))

static void *volatile keep;

NOINLINE static void leak_before(void)
{
	keep = malloc(123); /* LEAK:before */
}

NOINLINE static int recurse(volatile char *prev, int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	frame[511] = prev ? prev[0] : 0;
	return recurse(frame, depth + 1) + frame[1];
}

static void *overflow(void *arg)
{
	(void)arg;
	leak_before();
	recurse(NULL, 0);
	return NULL;
}

static int own_altstack(void)
{
	static char mine[1 << 16];
	stack_t ss = { .ss_sp = mine, .ss_size = sizeof(mine) }, now;

	if (sigaltstack(&ss, NULL))
		return 1;
	free(malloc(10)); /* the shim's first event in this thread */
	if (sigaltstack(NULL, &now) || now.ss_sp != mine)
		return 1;
	puts("own altstack kept");
	return 0;
}

#define EDGE_STACK (256 * 1024)
#define EDGE_LEFT 256

static char *edge_low; /* the lowest byte of the edge thread's stack */
static volatile unsigned long spins;

/* Spins n times where it is: no call, so no stack beyond its frame. */
NOINLINE static void spin(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		spins++;
}

/* Moves the stack pointer down to EDGE_LEFT bytes above the stack's
 * lowest byte, then spins there. */
NOINLINE static void at_edge(unsigned long n)
{
	char *sp = __builtin_frame_address(0);
	size_t down = (size_t)(sp - edge_low) - EDGE_LEFT;
	volatile char *pad = __builtin_alloca(down);

	pad[0] = 0;
	for (unsigned long i = 0; i < n; i++)
		spins++;
}

static void *edge(void *arg)
{
	free(malloc(16)); /* the shim's first event in this thread */
	at_edge(*(unsigned long *)arg);
	return NULL;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* As many spins as take about 0.15 s of CPU here, or more. */
static unsigned long spins_for_a_while(void)
{
	unsigned long n = 1000000;

	for (;;) {
		double t0 = cpu_now();

		spin(n);
		if (cpu_now() - t0 > 0.03)
			return n * 5;
		n *= 2;
	}
}

/* EDGE_STACK bytes with a page below them that faults; NULL if none. */
static char *guarded_stack(void)
{
	char *map = mmap(NULL, EDGE_STACK + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED || mprotect(map, 4096, PROT_NONE))
		return NULL;
	return map + 4096;
}

static int near_the_edge(void)
{
	unsigned long n = spins_for_a_while();
	pthread_attr_t a;
	pthread_t t;

	edge_low = guarded_stack();
	if (!edge_low)
		return 1;
	pthread_attr_init(&a);
	if (pthread_attr_setstack(&a, edge_low, EDGE_STACK) ||
	    pthread_create(&t, &a, edge, &n) || pthread_join(t, NULL))
		return 1;
	puts("edge ok");
	return 0;
}

/* Bytes from the top of an alternate stack to a handler's frame: a
 * signal's frame and the handler's own. */
static size_t frame_bytes;
static char *alt_low;

NOINLINE static void measure(int sig)
{
	(void)sig;
	frame_bytes = (size_t)(alt_low + EDGE_STACK -
			       (char *)__builtin_frame_address(0));
}

static unsigned long nested_spins;

/* Leaves room below for one more signal frame and 1 KiB, and spins. */
NOINLINE static void spin_low(int sig)
{
	char *sp = __builtin_frame_address(0);
	size_t down = (size_t)(sp - alt_low) - frame_bytes - 1024;
	volatile char *pad = __builtin_alloca(down);

	(void)sig;
	pad[0] = 0;
	for (unsigned long i = 0; i < nested_spins; i++)
		spins++;
}

static int on_own_altstack(unsigned long n, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	nested_spins = n;
	return sigaction(SIGUSR1, &sa, NULL) || raise(SIGUSR1);
}

/* The program's own alternate stack, guarded; frame_bytes measured on
 * it. */
static int own_guarded_altstack(void)
{
	free(malloc(16)); /* the shim's first event, before the stack */
	alt_low = guarded_stack();
	if (!alt_low)
		return 1;
	stack_t ss = { .ss_sp = alt_low, .ss_size = EDGE_STACK };

	return sigaltstack(&ss, NULL) || on_own_altstack(0, measure);
}

static int nested(void)
{
	unsigned long n = spins_for_a_while();

	if (own_guarded_altstack() || on_own_altstack(n, spin_low))
		return 1;
	puts("nested ok");
	return 0;
}

#define HELD 200000
static void *held[HELD];

/*
 * An alternate stack with room for the kernel's signal frame and 2 KiB
 * more, right above a page that faults: enough for a program's own small
 * handler, not for a trace's last write. (Rust's are 8 KiB.)
 */
static int small(int term)
{
	if (own_guarded_altstack())
		return 1;
	stack_t ss = { .ss_sp = alt_low,
		       .ss_size = (frame_bytes + 2048 + 15) & ~(size_t)15 };

	if (sigaltstack(&ss, NULL))
		return 1;
	if (term) {
		leak_before();
		/* Blocks for the scan: work enough for the sampler's timer
		 * to fire while the trace is being finished. */
		for (int i = 0; i < HELD; i++)
			held[i] = malloc(32);
		raise(SIGTERM);
		return 0;
	}
	overflow(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "sigaltstack"))
		return own_altstack();
	if (argc > 1 && !strcmp(argv[1], "edge"))
		return near_the_edge();
	if (argc > 1 && !strcmp(argv[1], "nested"))
		return nested();
	if (argc > 1 && !strcmp(argv[1], "small"))
		return small(0);
	if (argc > 1 && !strcmp(argv[1], "small-term"))
		return small(1);
	if (argc > 1 && !strcmp(argv[1], "thread")) {
		pthread_t t;

		pthread_create(&t, NULL, overflow, NULL);
		pthread_join(t, NULL);
		return 0;
	}
	overflow(NULL);
	return 0;
}
