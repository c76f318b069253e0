/*
 * reach_scan MODE - how the reachability scan sees other threads: their
 * registers, their stacks and what glibc keeps for them
 * (tests/t/t0330-scan-threads.sh). memcheck's verdict (valgrind
 * --leak-check=full --show-leak-kinds=all) is in each comment; each mode
 * ends with exit(0).
 *
 *   args       50 times: pthread_create() with a block of 100000 bytes
 *              as the argument (the new thread frees it), then at once
 *              perfshim_leak_check(); prints "args: N checks found the
 *              argument lost" (N = 0: until the thread has taken it, the
 *              argument is held for it).
 *   retval     a joinable thread returns LEAK:retval (800 bytes) and
 *              another ends with pthread_exit(LEAK:retval-exit, 1000
 *              bytes); neither is joined: both reachable (glibc keeps
 *              the value for pthread_join). A third returns
 *              LEAK:retval-joined (900 bytes), main joins it and drops
 *              the value: definite.
 *   retval-abort  the same, but abort() instead of exit(0).
 *   heapstack  a thread runs on a stack main allocated (64 KiB, kept in
 *              a global) and blocks; main drops a two-block list in the
 *              same heap, LEAK:list-head (1000 bytes, definite;
 *              a size served from the top of the heap, above the stack) pointing to
 *              LEAK:list-tail (48 bytes, indirect).
 *   ucontext   the same list, dropped on a makecontext() stack main
 *              allocated, from where exit(0) is called.
 *   dropped    a thread drops LEAK:dropped-blocked (600 bytes) and
 *              blocks in a system call at once: definite (the copies in
 *              the allocator's dead frames below its stack pointer are
 *              no roots).
 *   xmm        a spinning thread holds LEAK:in-xmm (700 bytes) only in
 *              xmm8, and a thread blocked in a system call LEAK:in-ymm
 *              (750 bytes) only in the upper half of ymm9: reachable.
 *   flicker    as xmm's spinning thread, LEAK:flicker (720 bytes) only in
 *              xmm8, but the thread blocks every signal and unblocks it by
 *              turns: reachable.
 *   blocked    a thread that blocks every signal holds LEAK:sigblocked
 *              (75 bytes) on its stack: reachable.
 *   inhandler  a thread holds LEAK:under-handler (650 bytes) on its
 *              stack, raises SIGUSR1, whose handler (SA_ONSTACK; the
 *              thread sets no alternate stack of its own) holds
 *              LEAK:in-handler (600 bytes) in its frame and spins: both
 *              reachable. (Under the shim the handler runs on the
 *              shim's alternate stack.)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "perfshim.h"

#define NOINLINE __attribute__((noinline))
#define KEY 0x5a5a5a5a5a5a5a5aull
#define STACK (64 * 1024)
/* larger than all the runtime's own lost blocks together */
#define ARG_SIZE 100000

void *volatile sink;
void *stack_mem;
static volatile int ready;

/* Wipe the dead stack below the caller, where stale copies of pointers
 * would otherwise stay. */
NOINLINE static void scrub(void)
{
	volatile char junk[8192];

	memset((char *)junk, 0, sizeof(junk));
}

NOINLINE static void hold_forever(void)
{
	for (;;)
		pause();
}

static void started(void)
{
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
}

static void wait_ready(int n)
{
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < n)
		usleep(1000);
	usleep(20000);
}

static void *take_arg(void *arg)
{
	free(arg);
	return NULL;
}

NOINLINE static int create_taking(pthread_t *t)
{
	return pthread_create(t, NULL, take_arg, malloc(ARG_SIZE));
}

static int args(void)
{
	int found = 0;

	for (int i = 0; i < 50; i++) {
		pthread_t t;
		if (create_taking(&t))
			return 2;
		/* no stale copy of the argument where the check's frames go */
		scrub();
		if (perfshim_leak_check() >= ARG_SIZE)
			found++;
		pthread_join(t, NULL);
	}
	printf("args: %d checks found the argument lost\n", found);
	return 0;
}

/* Whether thread tid has ended (and been reaped by the kernel). */
static int gone(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
	return access(path, F_OK) != 0;
}

static pid_t tids[3];

NOINLINE static void *ret_value(void *arg)
{
	(void)arg;
	tids[0] = (pid_t)syscall(SYS_gettid);
	return malloc(800); /* LEAK:retval */
}

NOINLINE static void *ret_exit(void *arg)
{
	(void)arg;
	void *r = malloc(1000); /* LEAK:retval-exit */

	tids[1] = (pid_t)syscall(SYS_gettid);
	pthread_exit(r);
}

NOINLINE static void *ret_joined(void *arg)
{
	(void)arg;
	tids[2] = (pid_t)syscall(SYS_gettid);
	return malloc(900); /* LEAK:retval-joined */
}

static int retval(int end_by_abort)
{
	pthread_t t[3];
	void *(*fn[3])(void *) = { ret_value, ret_exit, ret_joined };
	void *r;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, fn[i], NULL))
			return 2;
	pthread_join(t[2], &r);
	r = NULL;
	for (int i = 0; i < 2; i++)
		while (!__atomic_load_n(&tids[i], __ATOMIC_SEQ_CST) ||
		       !gone(tids[i]))
			usleep(1000);
	scrub();
	if (end_by_abort)
		abort();
	exit(0);
}

struct node {
	struct node *next;
	char pad[24];
};

NOINLINE static void drop_list(void)
{
	struct node *head = malloc(1000); /* LEAK:list-head */

	head->next = malloc(48); /* LEAK:list-tail */
	head->next->next = NULL;
	sink = head;
	sink = NULL;
}

static void *on_heap_stack(void *arg)
{
	(void)arg;
	scrub();
	started();
	hold_forever();
	return NULL;
}

static int heapstack(void)
{
	pthread_attr_t a;
	pthread_t t;

	stack_mem = malloc(STACK); /* STACK:thread */
	pthread_attr_init(&a);
	if (pthread_attr_setstack(&a, stack_mem, STACK) ||
	    pthread_create(&t, &a, on_heap_stack, NULL))
		return 2;
	wait_ready(1);
	drop_list();
	scrub();
	exit(0);
}

static ucontext_t main_ctx, heap_ctx;

static void on_context(void)
{
	drop_list();
	scrub();
	exit(0);
}

static int on_ucontext(void)
{
	stack_mem = malloc(STACK); /* STACK:ucontext */
	getcontext(&heap_ctx);
	heap_ctx.uc_stack.ss_sp = stack_mem;
	heap_ctx.uc_stack.ss_size = STACK;
	heap_ctx.uc_link = &main_ctx;
	makecontext(&heap_ctx, on_context, 0);
	swapcontext(&main_ctx, &heap_ctx);
	return 2;
}

static void *drop_and_block(void *arg)
{
	(void)arg;
	sink = malloc(600); /* LEAK:dropped-blocked */
	sink = NULL;
	/* No call from here on: the allocator's frames just below the stack
	 * pointer still hold the address. */
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	for (;;)
		__asm__ volatile("mov %0, %%eax\n\t"
				 "syscall\n\t"
				 :
				 : "i"(SYS_pause)
				 : "rax", "rcx", "r11", "memory");
	return NULL;
}

/*
 * The start of in_xmm's and flicker's loops: the pointer (%1, xor'd with
 * %2) into xmm8 alone, then ready (%0) counted up.
 */
#define XMM8_TAKE                \
	"mov %1, %%rax\n\t"      \
	"xor %2, %%rax\n\t"      \
	"movq %%rax, %%xmm8\n\t" \
	"xor %%eax, %%eax\n\t"   \
	"xor %1, %1\n\t"         \
	"lock incl %0\n\t"

static void *in_xmm(void *arg)
{
	/* Only the xor'd value is in memory; xmm8 holds the pointer. */
	volatile uint64_t x =
		(uint64_t)(uintptr_t)malloc(700) ^ KEY; /* LEAK:in-xmm */

	(void)arg;
	scrub();
	/* Started only once xmm8 holds it (a scan between a call of
	 * started() and the asm saw no pointer: the block was "definite"). */
	__asm__ volatile(XMM8_TAKE "1: pause\n\t"
				   "jmp 1b\n\t"
			 : "+m"(ready)
			 : "r"((uint64_t)x), "r"(KEY)
			 : "rax", "xmm8", "memory");
	return NULL;
}

/*
 * flicker's turn: rt_sigprocmask(how, the set at %3), by a raw system call,
 * then some 2000 pauses (local label lbl).
 */
#define MASK_SPIN(how, lbl)                      \
	"mov $14, %%eax\n\t"                     \
	"mov $" how ", %%edi\n\t"                \
	"mov %3, %%rsi\n\t"                      \
	"xor %%edx, %%edx\n\t"                   \
	"mov $8, %%r10d\n\t"                     \
	"syscall\n\t"                            \
	"mov $2000, %%ecx\n\t" lbl ": pause\n\t" \
	"dec %%ecx\n\t"                          \
	"jnz " lbl "b\n\t"

/*
 * As in_xmm, but the thread blocks every signal and unblocks it again, by
 * turns of some 50 us, with raw system calls (which keep xmm8): a stop
 * by signal that finds it blocked must still stop it once it unblocks.
 */
static void *flicker(void *arg)
{
	static const uint64_t all = ~0ull;
	volatile uint64_t x =
		(uint64_t)(uintptr_t)malloc(720) ^ KEY; /* LEAK:flicker */

	(void)arg;
	scrub();
	__asm__ volatile(XMM8_TAKE "1:\n\t" MASK_SPIN("0", "2") /* SIG_BLOCK */
			 MASK_SPIN("1", "3") /* SIG_UNBLOCK */
			 "jmp 1b\n\t"
			 : "+m"(ready)
			 : "r"((uint64_t)x), "r"(KEY), "r"(&all)
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r10", "r11",
			   "xmm8", "memory");
	return NULL;
}

static void *in_ymm(void *arg)
{
	/* The upper half of ymm9 holds the pointer; the thread waits in
	 * pause(2), which keeps every vector register. */
	volatile uint64_t x =
		(uint64_t)(uintptr_t)malloc(750) ^ KEY; /* LEAK:in-ymm */

	(void)arg;
	scrub();
	/* Started only once ymm9 holds it, as in_xmm. */
	__asm__ volatile("mov %1, %%rax\n\t"
			 "xor %2, %%rax\n\t"
			 "vmovq %%rax, %%xmm0\n\t"
			 "vpxor %%xmm9, %%xmm9, %%xmm9\n\t"
			 "vinserti128 $1, %%xmm0, %%ymm9, %%ymm9\n\t"
			 "vpxor %%xmm0, %%xmm0, %%xmm0\n\t"
			 "xor %%eax, %%eax\n\t"
			 "xor %1, %1\n\t"
			 "lock incl %0\n\t"
			 "1: mov %3, %%eax\n\t"
			 "syscall\n\t"
			 "jmp 1b\n\t"
			 : "+m"(ready)
			 : "r"((uint64_t)x), "r"(KEY), "i"(SYS_pause)
			 : "rax", "rcx", "r11", "xmm0", "xmm9", "memory");
	return NULL;
}

static void *sig_blocked(void *arg)
{
	sigset_t all;
	void *volatile local = malloc(75); /* LEAK:sigblocked */

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	scrub();
	started();
	hold_forever();
	return (void *)local;
}

static volatile uint64_t handed;

static void spin_in_handler(int sig)
{
	void *volatile mine = (void *)(uintptr_t)(handed ^ KEY);

	(void)sig;
	handed = 0;
	started();
	for (;;)
		__asm__ volatile("pause" ::: "memory");
	sink = mine;
}

static void *under_handler(void *arg)
{
	void *volatile under = malloc(650); /* LEAK:under-handler */
	struct sigaction sa;

	(void)arg;
	handed = (uint64_t)(uintptr_t)malloc(600) ^ KEY; /* LEAK:in-handler */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = spin_in_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	scrub();
	raise(SIGUSR1);
	sink = under;
	return NULL;
}

static void start(void *(*fn)(void *))
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, NULL))
		abort();
	pthread_detach(t);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "args"))
		return args();
	if (!strcmp(mode, "retval") || !strcmp(mode, "retval-abort"))
		return retval(!strcmp(mode, "retval-abort"));
	if (!strcmp(mode, "heapstack"))
		return heapstack();
	if (!strcmp(mode, "ucontext"))
		return on_ucontext();
	if (!strcmp(mode, "dropped")) {
		start(drop_and_block);
		wait_ready(1);
		exit(0);
	}
	if (!strcmp(mode, "xmm")) {
		start(in_xmm);
		start(in_ymm);
		wait_ready(2);
		exit(0);
	}
	if (!strcmp(mode, "flicker")) {
		start(flicker);
		wait_ready(1);
		exit(0);
	}
	if (!strcmp(mode, "inhandler")) {
		start(under_handler);
		wait_ready(1);
		exit(0);
	}
	if (!strcmp(mode, "blocked")) {
		start(sig_blocked);
		wait_ready(1);
		exit(0);
	}
	return 2;
}
