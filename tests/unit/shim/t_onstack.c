/*
 * t_onstack - work run on the shim's own stack (shim/onstack.c): it runs
 * there, may use far more stack than the caller has (a signal handler on
 * a program's 8 KiB alternate stack), returns to the caller with the
 * caller's frame intact, and a second caller while the stack is taken
 * runs where it is rather than over the first's frames. A signal raised
 * during the work waits until the work is done (it would otherwise be
 * run over the handler's frames on the alternate stack).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "onstack.h"
#include "tap.h"

#define BIG (64 * 1024)
#define SMALL_ALTSTACK 8192

static volatile int ran_there, sum_ok, nested_intact;

/* Uses BIG bytes of stack, and says whether it ran on the shim's. */
static void heavy(void *arg)
{
	volatile unsigned char buf[BIG];
	unsigned sum = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	for (size_t i = 0; i < sizeof(buf); i++)
		sum += buf[i];
	ran_there = perfshim_on_fatal_stack_now();
	sum_ok = sum == (BIG / 256) * (255 * 256 / 2);
	if (arg)
		*(int *)arg += 1;
}

/* Takes the stack, then asks for it again from there. */
static void outer(void *arg)
{
	volatile unsigned char mine[4096];

	(void)arg;
	memset((void *)mine, 0x5a, sizeof(mine));
	perfshim_on_fatal_stack(heavy, NULL);
	nested_intact = 1;
	for (size_t i = 0; i < sizeof(mine); i++)
		if (mine[i] != 0x5a)
			nested_intact = 0;
}

static volatile int handler_done, usr2_got, usr2_during;

static void on_usr2(int sig)
{
	(void)sig;
	usr2_got++;
}

/* heavy(), with a signal raised meanwhile. */
static void heavy_raise(void *arg)
{
	raise(SIGUSR2);
	usr2_during = usr2_got;
	heavy(arg);
}

static void on_usr1(int sig)
{
	(void)sig;
	perfshim_on_fatal_stack(heavy_raise, NULL);
	handler_done = 1;
}

int main(void)
{
	volatile long before = 0x1234567890L;
	int count = 0;

	plan(9);

	perfshim_on_fatal_stack(heavy, &count);
	ok(ran_there, "the work runs on the shim's stack");
	ok(sum_ok && count == 1, "with its argument, and room for 64 KiB");
	ok(before == 0x1234567890L && !perfshim_on_fatal_stack_now(),
	   "the caller goes on where it was");

	for (int i = 0; i < 100; i++)
		perfshim_on_fatal_stack(heavy, &count);
	is_int(count, 101, "the stack is given back after each use");

	perfshim_on_fatal_stack(outer, NULL);
	ok(nested_intact, "a second caller while it is taken leaves the "
			  "first's frames alone");

	/* A handler on an alternate stack of 8 KiB, with a page below it
	 * that faults: the work would not fit there. */
	char *map = mmap(NULL, SMALL_ALTSTACK + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { .ss_sp = map + 4096, .ss_size = SMALL_ALTSTACK };
	struct sigaction sa;

	ok(map != MAP_FAILED && !mprotect(map, 4096, PROT_NONE) &&
		   !sigaltstack(&ss, NULL),
	   "a small alternate stack is set");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	ran_there = 0;
	raise(SIGUSR1);
	ok(handler_done && ran_there && sum_ok,
	   "a handler on it runs 64 KiB of work on the shim's stack");
	ok(!usr2_during && usr2_got == 1,
	   "a signal raised meanwhile comes after the work, not during it");
	ok(before == 0x1234567890L, "and the program goes on");
	return exit_status();
}
