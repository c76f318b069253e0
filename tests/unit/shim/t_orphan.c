/*
 * t_orphan - whether the program's threads have all ended without exit()
 * (shim/orphan.c). While main's thread runs: not gone, not orphaned, with
 * a second thread or none. Once it has left by the exit system call (with
 * status 37): gone; orphaned only when no other thread is left but the
 * one named the writer, and then with main's status. The test's last
 * thread reports and ends the process by exit_group.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"
#include "tap.h"

/* orphan.c's fallback without /proc (init.c's count, here fixed). */
HIDDEN int perfshim_program_threads(void)
{
	return 1;
}

static pthread_barrier_t other_up;
static _Atomic int other_may_go;
/* ThreadSanitizer's runtime runs a thread of its own, which (as any
 * thread but the writer) keeps the process from being orphaned. */
#if defined(__SANITIZE_THREAD__)
#define RUNTIME_THREAD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RUNTIME_THREAD 1
#endif
#endif
#ifndef RUNTIME_THREAD
#define RUNTIME_THREAD 0
#endif

static void *other(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&other_up);
	while (!other_may_go)
		usleep(1000);
	return NULL;
}

static void *watcher(void *arg)
{
	pthread_t o;
	pid_t me = (pid_t)syscall(SYS_gettid);
	int status = -1, i;

	(void)arg;
	for (i = 0; i < 5000 && !perfshim_main_thread_gone(); i++)
		usleep(1000);
	ok(perfshim_main_thread_gone(), "main's exit system call: gone");
	pthread_barrier_init(&other_up, NULL, 2);
	pthread_create(&o, NULL, other, NULL);
	pthread_barrier_wait(&other_up);
	ok(!perfshim_orphaned(me, &status),
	   "another thread left: not orphaned");
	other_may_go = 1;
	pthread_join(o, NULL);
	if (RUNTIME_THREAD) {
		skip("the runtime has a thread of its own");
		skip("the runtime has a thread of its own");
	} else {
		ok(perfshim_orphaned(me, &status),
		   "none left but the writer: orphaned");
		is_int(status, 37, "with main's status");
	}
	status = -1;
	ok(!perfshim_orphaned(me + 1000000, &status),
	   "a thread that is not the writer left (this one): not orphaned");
	fflush(stdout);
	syscall(SYS_exit_group, exit_status());
	return NULL;
}

int main(void)
{
	pthread_t w;
	int status = -1;

	plan(7);
	ok(!perfshim_main_thread_gone(), "main's thread runs: not gone");
	ok(!perfshim_orphaned((pid_t)syscall(SYS_gettid), &status),
	   "main's thread runs: not orphaned");
	fflush(stdout);
	if (pthread_create(&w, NULL, watcher, NULL))
		return 1;
	syscall(SYS_exit, 37);
	return 1;
}
