/*
 * probe_sigwait_prof - a program that blocks every signal and takes them
 * with sigtimedwait, sigwaitinfo, sigwait or a signalfd (as init-style
 * forwarders do) sees only the signals sent to it: none of a profiler's
 * SIGPROF ticks. Each phase burns CPU time with everything blocked (a
 * sampler's timer would fire meanwhile), then takes what is pending, in
 * the main thread and in a thread that inherited the mask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

/* About 60 ms of this thread's CPU time. */
static void burn(void)
{
	struct timespec a, b;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do {
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i * i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec <
		 60000000L);
}

static const char *name(int sig)
{
	static char buf[32];

	if (sig < 0)
		return strerrorname_np(errno);
	if (sig == SIGRTMIN)
		return "SIGRTMIN";
	snprintf(buf, sizeof(buf), "SIG%s", sigabbrev_np(sig));
	return buf;
}

static void phases(const char *who)
{
	sigset_t all;
	siginfo_t si;
	struct timespec zero = { 0, 0 }, tenth = { 0, 100000000 };
	int sig;

	sigfillset(&all);
	burn();
	printf("%s sigtimedwait(0): %s\n", who,
	       name(sigtimedwait(&all, &si, &zero)));
	burn();
	printf("%s sigtimedwait(100ms): %s\n", who,
	       name(sigtimedwait(&all, &si, &tenth)));
	/* sigwaitinfo and sigwait block: give them a signal of ours, which
	 * a pending SIGPROF (a lower number) would overtake */
	burn();
	kill(getpid(), SIGRTMIN);
	printf("%s sigwaitinfo: %s\n", who, name(sigwaitinfo(&all, &si)));
	burn();
	kill(getpid(), SIGRTMIN);
	if (sigwait(&all, &sig))
		sig = -1;
	printf("%s sigwait: %s\n", who, name(sig));

	int fd = signalfd(-1, &all, SFD_NONBLOCK | SFD_CLOEXEC);
	struct signalfd_siginfo ssi;
	struct pollfd p = { fd, POLLIN, 0 };

	burn();
	printf("%s signalfd poll: %d\n", who, poll(&p, 1, 0));
	ssize_t n = read(fd, &ssi, sizeof(ssi));

	printf("%s signalfd read: %s\n", who,
	       n == (ssize_t)sizeof(ssi) ? name((int)ssi.ssi_signo)
					  : name(-1));
	close(fd);
}

static void *thread_main(void *arg)
{
	phases((const char *)arg);
	return NULL;
}

int main(void)
{
	sigset_t all;
	pthread_t t;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	phases("main");
	if (pthread_create(&t, NULL, thread_main, "thread") == 0)
		pthread_join(t, NULL);
	/* a mask set with sigprocmask, in a thread started unblocked */
	sigset_t none;

	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	burn();
	sigprocmask(SIG_BLOCK, &all, NULL);
	phases("again");
	return 0;
}
