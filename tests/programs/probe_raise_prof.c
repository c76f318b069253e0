/*
 * probe_raise_prof - SIGPROF that the program sends or receives has its
 * native effect while a profiler samples: with the default disposition
 * raise(), kill(), tgkill(), sigqueue() and a timer of the program's own
 * end the process by SIGPROF; ignored, it is ignored. Each case runs in a
 * child, whose end is printed; at last the probe raises SIGPROF itself
 * (its status: killed by SIGPROF).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static void burn(void)
{
	for (long i = 0; i < 20000000; i++)
		sink += (unsigned long)i;
}

static void own_timer(void)
{
	struct sigevent sev;
	struct itimerspec its;
	timer_t t;

	memset(&sev, 0, sizeof(sev));
	memset(&its, 0, sizeof(its));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGPROF;
	its.it_value.tv_nsec = 1000000;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t) ||
	    timer_settime(t, 0, &its, NULL))
		exit(3);
	for (;;)
		pause();
}

static void run(const char *what, int how, int ignore)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (ignore)
			signal(SIGPROF, SIG_IGN);
		burn(); /* the profiler's ticks come meanwhile */
		switch (how) {
		case 0: raise(SIGPROF); break;
		case 1: kill(getpid(), SIGPROF); break;
		case 2: syscall(SYS_tgkill, getpid(), gettid(), SIGPROF); break;
		case 3: sigqueue(getpid(), SIGPROF, (union sigval){ 7 }); break;
		case 4: own_timer(); break;
		}
		burn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("%s: no child\n", what);
		return;
	}
	if (WIFSIGNALED(st))
		printf("%s%s: killed by SIG%s\n", what, ignore ? " (ignored)" : "",
		       sigabbrev_np(WTERMSIG(st)));
	else
		printf("%s%s: exit %d\n", what, ignore ? " (ignored)" : "",
		       WEXITSTATUS(st));
}

int main(void)
{
	static const char *const how[] = { "raise", "kill", "tgkill",
					   "sigqueue", "timer" };
	struct sigaction old;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGPROF, NULL, &old);
	printf("disposition: %s\n",
	       old.sa_handler == SIG_DFL ? "default" : "other");
	for (int i = 0; i < 5; i++) {
		run(how[i], i, 0);
		if (i < 4)
			run(how[i], i, 1);
	}
	burn();
	raise(SIGPROF);
	printf("still here\n");
	return 95;
}
