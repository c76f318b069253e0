// unwind_cases.cpp - stacks that a cached unwinder could get wrong.
//
// Built with -O2 -fomit-frame-pointer (Makefile): no frame pointers but
// where a function needs one. Each case leaks blocks of its own size, so
// that a test can find its stacks; every stack must be the one
// libunwind takes (t0920 compares them with PERFSHIM_UNWIND=dwarf's).
// All of it runs ROUNDS (8) times: the first rounds learn the frames'
// rules, the later ones walk from the cache. Per round:
//
//   1001 B  x3  deep recursion, 60 levels (recurse)
//   1002 B  x3  under alloca of 16, 3000 and 200 bytes: the same return
//               address at three frame sizes (with_alloca)
//   1003 B  x3  under a 64-byte aligned local, reached at three stack
//               alignments (aligned_frame)
//   1004 B  x2  in a signal handler (on_usr1), raised in deep code
//   1005 B  x6  in the destructors run while an exception unwinds
//               (Guard::~Guard in thrower, at 6 depths)
//   1006 B  x1  in the catch block that exception reaches (catcher)
//   1007 B  x4  the same leaf called by two callers, twice each, so that
//               an unchanged stack is followed by one that differs only
//               above the leaf's frame (leaf_from, via caller_a and
//               caller_b): the walk meets the memo at the leaf, finds
//               the caller's word changed, and must meet it again only
//               outward of that word, at main
//   1008 B  x8  two threads, 4 each, 30 levels down (thread_main)
#include <alloca.h>
#include <pthread.h>
#include <signal.h>
#include <stdexcept>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))
#define ROUNDS 8

static void *volatile sink[1024];
static volatile int acc;
static int nsink;

// The two threads keep blocks at once: a plain nsink++ would now and then
// give both the same slot, and one block would be lost for real (a
// "definite" leak in one run of several hundred).
static NOINLINE void keep(void *p)
{
	sink[__atomic_fetch_add(&nsink, 1, __ATOMIC_RELAXED) % 1024] = p;
}

// Not a tail call: work after the recursive call.
static NOINLINE int recurse(int n, size_t size)
{
	if (n == 0) {
		keep(malloc(size));
		return 1;
	}
	int r = recurse(n - 1, size);
	__asm__ volatile("" ::: "memory");
	return r + 1;
}

static NOINLINE int with_alloca(size_t n)
{
	char *buf = (char *)alloca(n);

	/* Stale return addresses, as dead frames leave them: a walk that
	 * took this frame for a fixed-size one would read them. */
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);

	__asm__ volatile("" ::"r"(buf) : "memory");
	for (size_t i = 0; i + sizeof(ra) <= n; i += sizeof(ra))
		memcpy(buf + i, &ra, sizeof(ra));
	keep(malloc(1002));
	__asm__ volatile("" ::"r"(buf) : "memory");
	return buf[n / 2];
}

static NOINLINE int aligned_frame(int x)
{
	alignas(64) volatile char buf[64];

	buf[0] = (char)x;
	keep(malloc(1003));
	return buf[0];
}

// Reaches aligned_frame at a stack alignment that depends on depth.
static NOINLINE int shift(int depth, int x)
{
	volatile char pad[24];

	pad[0] = (char)x;
	if (depth)
		return shift(depth - 1, x) + pad[0];
	return aligned_frame(x) + pad[0];
}

static void on_usr1(int sig)
{
	(void)sig;
	keep(malloc(1004)); // not async-signal-safe, but the program is
}

static NOINLINE int raise_deep(int n)
{
	if (n == 0) {
		raise(SIGUSR1);
		__asm__ volatile("" ::: "memory"); /* no tail call */
		return 0;
	}
	int r = raise_deep(n - 1);
	__asm__ volatile("" ::: "memory");
	return r + 1;
}

struct Guard {
	~Guard()
	{
		keep(malloc(1005));
	}
};

static NOINLINE void thrower(int n)
{
	Guard g;

	if (n == 0)
		throw std::runtime_error("through frames without pointers");
	thrower(n - 1);
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void catcher(void)
{
	try {
		thrower(5);
	} catch (const std::exception &e) {
		keep(malloc(1006));
	}
}

static NOINLINE void leaf_from(int who)
{
	keep(malloc(1007));
	__asm__ volatile("" ::"r"(who) : "memory");
}

static NOINLINE void caller_a(void)
{
	leaf_from(1);
	__asm__ volatile("" ::: "memory");
}

// The same frame size as caller_a: leaf_from's frame is at the same
// place with the same return address; only the word above it differs.
static NOINLINE void caller_b(void)
{
	leaf_from(2);
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void *thread_main(void *arg)
{
	for (int i = 0; i < 4; i++)
		recurse(30, 1008);
	return arg;
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	/* Rounds: a stack with several return addresses not seen before
	 * learns one of them a time; from the third round on or so, every
	 * stack here is walked from the cached rules. */
	for (int round = 0; round < ROUNDS; round++) {
		pthread_t th[2];

		for (int i = 0; i < 3; i++)
			recurse(60, 1001);
		acc += with_alloca(16);
		acc += with_alloca(3000);
		acc += with_alloca(200);
		for (int d = 0; d < 3; d++)
			acc += shift(d, d);
		raise_deep(12);
		raise_deep(12);
		catcher();
		/* One call site: from the second call on, the walk meets the
		 * memo of the one before at leaf_from's frame. */
		void (*const callers[])(void) = { caller_a, caller_a, caller_b,
						  caller_b };
		for (int i = 0; i < 4; i++)
			callers[i]();
		for (int i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, thread_main, NULL);
		for (int i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
	}
	printf("done\n");
	return 0;
}
