/*
 * probe_alarm_jump - the classic timeout: a SIGALRM handler that
 * siglongjmp()s out of a computation, 400 times in the main thread and
 * 400 in a second thread (its own timer), while the shim samples at
 * 10 kHz; then a handler with 300 KiB of locals, 400 times; then 8 forks;
 * then 3 blocks of 100 B that stay. Natively each part always ends the
 * same way.
 *
 * Under a shim whose SIGPROF handler let other signals in, the program's
 * handler ran on top of it, on the shim's alternate stack: the big one
 * overran that stack (killed by SIGPROF), and a jump out left the shim's
 * state as inside its handler, so that nothing more of the thread was
 * traced (a leak gate passed) and each fork waited 14 s for the unwind
 * it thought was under way. tests/t/t0368 checks the trace.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define JUMPS 400

static __thread sigjmp_buf jb;
static volatile unsigned long spin;
static volatile long big_handled;

static void on_alarm(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* JUMPS timeouts of 200 us each out of a loop that calls nothing. */
static int timeouts(timer_t timer)
{
	int n = 0;

	for (int i = 0; i < JUMPS; i++) {
		if (sigsetjmp(jb, 1) == 0) {
			struct itimerspec its = { { 0, 0 }, { 0, 200000 } };

			timer_settime(timer, 0, &its, NULL);
			for (;;)
				spin++;
		}
		n++;
	}
	return n;
}

static timer_t thread_timer(void)
{
	struct sigevent ev;
	timer_t t;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGALRM;
	ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &ev, &t)) {
		perror("timer_create");
		exit(2);
	}
	return t;
}

static void *worker(void *arg)
{
	int *n = arg;

	*n = timeouts(thread_timer());
	return NULL;
}

static void on_alarm_big(int sig)
{
	char big[300 * 1024];

	memset(big, sig, sizeof(big));
	__asm__ volatile("" : : "r"(big) : "memory");
	big_handled++;
}

int main(int argc, char **argv)
{
	pthread_t th;
	int in_main, in_thread = 0, forks = 0;

	(void)argc;
	/* Ticks often enough that alarms meet them (no effect natively). */
	if (!getenv("PERFSHIM_SAMPLE_HZ")) {
		setenv("PERFSHIM_SAMPLE_HZ", "10000", 1);
		execv("/proc/self/exe", argv);
		perror("execv");
		return 2;
	}
	signal(SIGALRM, on_alarm);
	in_main = timeouts(thread_timer());
	pthread_create(&th, NULL, worker, &in_thread);
	pthread_join(th, NULL);
	printf("timeouts: %d in main, %d in a thread\n", in_main, in_thread);

	signal(SIGALRM, on_alarm_big);
	struct itimerval it = { { 0, 500 }, { 0, 500 } };

	setitimer(ITIMER_REAL, &it, NULL);
	while (big_handled < JUMPS)
		spin++;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("handlers with 300 KiB of locals: %d or more\n", JUMPS);

	for (int i = 0; i < 8; i++) {
		pid_t c = fork();
		int st;

		if (c == 0)
			_exit(0);
		if (c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st))
			forks++;
	}
	printf("forks: %d\n", forks);
	for (int i = 0; i < 3; i++) {
		void *volatile p = malloc(100);

		memset(p, 1, 100);
		p = NULL;
	}
	printf("3 blocks of 100 B left\n");
	return 0;
}
