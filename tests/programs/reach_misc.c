/*
 * reach_misc MODE - the reachability scan around dlclose, fork, the API
 * and abnormal ends (tests/t/t0220-reach-more.sh). memcheck's verdict is
 * in each comment.
 *
 *   dlopen LIB  see libreach.c: lib-global definite, lib-ret reachable
 *   fork        the parent keeps LEAK:prefork (50 bytes) in a global and
 *               forks. The child stores LEAK:child-kept (60 bytes) in the
 *               inherited block (reachable through it), drops
 *               LEAK:child-lost (70 bytes, definite) and exits 0; the
 *               parent waits, drops LEAK:parent-lost (80 bytes, definite)
 *               and exits 0.
 *   api         LEAK:api-lost (90 bytes) dropped, then
 *               perfshim_leak_check(), whose result (the bytes lost) is
 *               printed as "check N"; LEAK:api-kept (95 bytes) is held by
 *               a global at the check and dropped before exit: definite
 *               at exit, which is the verdict that counts.
 *   abort       as api, then LEAK:late (85 bytes) dropped and abort():
 *               all three definite (memcheck classifies at abort too).
 *   _exit       LEAK:api-lost dropped, LEAK:api-kept kept; _exit(0).
 *   api-kill    as api, but LEAK:api-kept is still held when the process
 *               SIGKILLs itself after the check: no scan at exit, so the
 *               API's verdicts are the last word (api-lost definite,
 *               api-kept reachable: memcheck's at the check). It waits
 *               500 ms before, for the shim to write what it has.
 *   api-thread-kill
 *               the same, but 300 ms after the check (written by then)
 *               a thread allocates and frees a block: every block then
 *               goes by its address in the trace, and the API's
 *               verdicts are given by address again.
 *   blocked     a thread that blocks every signal holds LEAK:blocked (75
 *               bytes) on its stack; exit(0) while it runs: the scan
 *               waits for it in vain, then scans its stack whole.
 *   blocked-aligned
 *               the same, the thread's stack at an address aligned to
 *               64 MiB, where glibc's thread stacks often land (in the
 *               holes its arenas' alignment leaves), and where its
 *               arenas' heaps begin: it is still a root.
 *   hang        the same thread, then main sleeps (to be killed).
 *   churn [N [S]]
 *               N threads (3) allocate and free without end (each keeps
 *               its last 64 blocks: LEAK:churn, reachable from its stack)
 *               and S threads (0) only spin: with more threads than CPUs
 *               the writer is always behind, and passes follow each
 *               other with no pause;
 *               main keeps LEAK:churn-keep (33 bytes) in a global and
 *               waits to be killed (by SIGTERM: the scan runs, and the
 *               other threads stay stopped until the end, so that no
 *               block is left without a verdict).
 *   main-exit   main() calls pthread_exit(); a thread waits until the
 *               main thread has ended, keeps LEAK:mx-kept
 *               (44 bytes) in a global, which points to LEAK:mx-inner (46
 *               bytes), and drops LEAK:mx-lost (48 bytes). It returns,
 *               the last thread, and glibc calls exit(0): kept and inner
 *               reachable, lost definite. (The main thread's memory
 *               view is gone by then: the scan must not read through it.)
 *   rtsig       installs a handler for SIGRTMAX - 1 (the signal the shim
 *               borrows to stop threads), runs perfshim_leak_check()
 *               twice, raises the signal and prints "handler ran N" (N
 *               = 1: the program's handler is its own again).
 *   after-shim  maps a page of its own right after the shim's image (its
 *               .bss, anonymous: the kernel merges the two into one
 *               mapping, as it did with the main thread's static TLS),
 *               keeps LEAK:after-shim (77 bytes) there, and exits:
 *               reachable. Prints "mapped" or "no room" (nothing there
 *               to test).
 *   prot-none   keeps a block of 1 MiB (its own mapping: LEAK:none-big)
 *               in a global; its second page holds the only pointer to
 *               LEAK:behind-none (45 bytes); the program makes that
 *               page PROT_NONE and exits. The scan does not read what
 *               the program could not: big reachable, behind definite.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "perfshim.h"

void *keep, *keep2, *prefork;
void *volatile sink;

__attribute__((noinline)) static void scrub(void)
{
	volatile char junk[16384];

	memset((char *)junk, 0, sizeof(junk));
}

__attribute__((noinline)) static void api_blocks(void)
{
	sink = malloc(90); /* LEAK:api-lost */
	sink = NULL;
	keep2 = malloc(95); /* LEAK:api-kept */
	scrub();
}

static void *one_block(void *arg)
{
	free(malloc(10));
	return arg;
}

static volatile int started;
static volatile sig_atomic_t handled;

static void *churn(void *arg)
{
	void *ring[64] = { 0 };

	(void)arg;
	for (unsigned long i = 0;; i++) {
		free(ring[i & 63]);
		ring[i & 63] = malloc(16 + i % 200); /* LEAK:churn */
		if (i == 1000)
			__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void *spin(void *arg)
{
	(void)arg;
	for (volatile unsigned long i = 0;; i++)
		;
	return NULL;
}

/* Until the main thread has ended (a zombie, in /proc/self/stat). */
static void main_gone(void)
{
	for (int i = 0; i < 5000; i++) {
		char buf[512];
		int fd = open("/proc/self/stat", O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		const char *s;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		s = strrchr(buf, ')');
		if (!s || s[1] != ' ' || s[2] == 'Z')
			return;
		usleep(1000);
	}
}

static void *main_exit_thread(void *arg)
{
	(void)arg;
	main_gone();
	keep = malloc(44);	     /* LEAK:mx-kept */
	*(void **)keep = malloc(46); /* LEAK:mx-inner */
	sink = malloc(48);	     /* LEAK:mx-lost */
	sink = NULL;
	scrub();
	return NULL;
}

static void on_rt(int sig)
{
	(void)sig;
	handled++;
}

static void *blocked(void *arg)
{
	sigset_t all;
	void *volatile local = malloc(75); /* LEAK:blocked */

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	started = 1;
	for (;;)
		sleep(1);
	return (void *)local;
}

/* dl_iterate_phdr: the page after the shim's image, if it is loaded. */
static int shim_end(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t *end = arg;

	(void)size;
	if (!strstr(info->dlpi_name, "libperfshim"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t e = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;

		if (ph->p_type == PT_LOAD && e > *end)
			*end = e;
	}
	*end = (*end + 4095) & ~(uintptr_t)4095;
	return 1;
}

__attribute__((noinline)) static void *behind_none(void)
{
	void *p = malloc(45); /* LEAK:behind-none */

	memset(p, 1, 45);
	return p;
}

static int prot_none(void)
{
	char *big = malloc(1 << 20); /* LEAK:none-big */
	uintptr_t page = ((uintptr_t)big + 4095) & ~(uintptr_t)4095;

	if (!big)
		return 2;
	memset(big, 0, 1 << 20);
	keep = big;
	*(void **)(page + 4096) = behind_none();
	if (mprotect((void *)(page + 4096), 4096, PROT_NONE))
		return 2;
	scrub();
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "prot-none"))
		return prot_none();

	if (!strcmp(mode, "dlopen") && argc > 2) {
		void *h = dlopen(argv[2], RTLD_NOW);
		void *(*make)(void);

		if (!h)
			return 2;
		make = (void *(*)(void))dlsym(h, "reach_lib_make");
		keep = make();
		dlclose(h);
		exit(0);
	}
	if (!strcmp(mode, "fork")) {
		prefork = malloc(50); /* LEAK:prefork */
		pid_t pid = fork();

		if (pid == 0) {
			*(void **)prefork = malloc(60); /* LEAK:child-kept */
			sink = malloc(70);		/* LEAK:child-lost */
			sink = NULL;
			scrub();
			exit(0);
		}
		int st;

		waitpid(pid, &st, 0);
		sink = malloc(80); /* LEAK:parent-lost */
		sink = NULL;
		scrub();
		exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	if (!strcmp(mode, "api") || !strcmp(mode, "abort")) {
		api_blocks();
		int lost = perfshim_leak_check();
		char line[64];
		int n = snprintf(line, sizeof(line), "check %d\n", lost);

		if (write(1, line, (size_t)n) != n)
			return 3;
		keep2 = NULL;
		if (!strcmp(mode, "abort")) {
			sink = malloc(85); /* LEAK:late */
			sink = NULL;
			abort();
		}
		scrub();
		exit(0);
	}
	if (!strcmp(mode, "api-kill") || !strcmp(mode, "api-thread-kill")) {
		api_blocks();
		int lost = perfshim_leak_check();
		char line[64];
		int n = snprintf(line, sizeof(line), "check %d\n", lost);
		pthread_t t;

		if (write(1, line, (size_t)n) != n)
			return 3;
		if (!strcmp(mode, "api-thread-kill")) {
			usleep(300000); /* the check written first */
			if (pthread_create(&t, NULL, one_block, NULL) ||
			    pthread_join(t, NULL))
				return 2;
		}
		/* for the shim's writer to write what there is */
		usleep(500000);
		raise(SIGKILL);
		return 4;
	}
	if (!strcmp(mode, "churn")) {
		pthread_t t;

		keep = malloc(33); /* LEAK:churn-keep */
		int nt = argc > 2 ? atoi(argv[2]) : 3;
		int ns = argc > 3 ? atoi(argv[3]) : 0;

		for (int i = 0; i < nt + ns; i++)
			if (pthread_create(&t, NULL, i < nt ? churn : spin,
					   NULL))
				return 2;
		while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < nt)
			usleep(1000);
		if (write(1, "ready\n", 6) != 6)
			return 3;
		for (;;)
			pause();
	}
	if (!strcmp(mode, "main-exit")) {
		pthread_t t;

		if (pthread_create(&t, NULL, main_exit_thread, NULL))
			return 2;
		pthread_exit(NULL);
	}
	if (!strcmp(mode, "rtsig")) {
		struct sigaction sa;
		char line[64];

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_rt;
		sigaction(SIGRTMAX - 1, &sa, NULL);
		perfshim_leak_check();
		perfshim_leak_check();
		raise(SIGRTMAX - 1);
		int n = snprintf(line, sizeof(line), "handler ran %d\n",
				 (int)handled);

		return write(1, line, (size_t)n) == n ? 0 : 3;
	}
	if (!strcmp(mode, "after-shim")) {
		uintptr_t end = 0;
		void **page;

		dl_iterate_phdr(shim_end, &end);
		page = end ? mmap((void *)end, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS |
					  MAP_FIXED_NOREPLACE,
				  -1, 0)
			   : MAP_FAILED;
		if (page != (void **)end) {
			puts("no room");
			exit(0);
		}
		page[100] = malloc(77); /* LEAK:after-shim */
		puts("mapped");
		exit(0);
	}
	if (!strcmp(mode, "_exit")) {
		api_blocks();
		_exit(0);
	}
	if (!strcmp(mode, "blocked") || !strcmp(mode, "hang") ||
	    !strcmp(mode, "blocked-aligned")) {
		pthread_attr_t attr;
		pthread_t t;

		pthread_attr_init(&attr);
		if (!strcmp(mode, "blocked-aligned")) {
			size_t align = 64ul << 20, size = 8ul << 20;
			char *r = mmap(NULL, 2 * align, PROT_NONE,
				       MAP_PRIVATE | MAP_ANONYMOUS |
					       MAP_NORESERVE,
				       -1, 0);
			uintptr_t at =
				((uintptr_t)r + align - 1) & ~(align - 1);

			if (r == MAP_FAILED)
				return 2;
			munmap(r, 2 * align);
			if (mmap((void *)at, size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS |
					 MAP_FIXED_NOREPLACE | MAP_STACK,
				 -1, 0) != (void *)at)
				return 2;
			pthread_attr_setstack(&attr, (void *)at, size);
		}
		if (pthread_create(&t, &attr, blocked, NULL))
			return 2;
		while (!started)
			usleep(1000);
		if (!strcmp(mode, "hang"))
			sleep(60);
		exit(0);
	}
	return 2;
}
