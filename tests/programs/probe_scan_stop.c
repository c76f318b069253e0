/*
 * probe_scan_stop.c - the reachability scan stops every other thread, and
 * none of them may notice: a blocking call must neither fail with EINTR
 * nor return early (tests/t/t0300-unchanged.sh compares this output with
 * a native run's).
 *
 * Round 1: one thread per call, each blocked with a 300 ms timeout (or
 * until main writes to it), while main runs perfshim_leak_check() (a
 * no-op natively); then each prints what its call returned.
 * Round 2: the same calls with 60 s timeouts, and main drops a block and
 * calls exit(0), which scans. Natively the threads end with the process
 * and print nothing; a call that returns during the exit scan says so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "perfshim.h"

enum {
	POLL,
	NANOSLEEP,
	READ_PIPE,
	EPOLL_WAIT,
	SELECT,
	SEM_TIMEDWAIT,
	CLOCK_NANOSLEEP,
	USLEEP,
	RECV_TIMEO,
	SIGTIMEDWAIT,
	FUTEX_WAIT_TIMED,
	COND_TIMEDWAIT,
	READ_SOCKET,
	NCALLS
};

static const char *const names[NCALLS] = {
	"poll",		   "nanosleep",	   "read(pipe)",
	"epoll_wait",	   "select",	   "sem_timedwait",
	"clock_nanosleep", "usleep",	   "recv(SO_RCVTIMEO)",
	"sigtimedwait",	   "futex(WAIT)",  "pthread_cond_timedwait",
	"read(socket)",
};

struct call {
	int which;
	long ms;
	pid_t tid;
	long ret;
	int err;
};

static int pipe_fd[2], sock_fd[2], data_fd[2], epoll_fd;
static sem_t sem;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned futex_word;
static int exiting; /* round 2: a call that returns says so */
void *volatile sink;

static struct timespec after_ms(clockid_t clock, long ms)
{
	struct timespec t;

	clock_gettime(clock, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* For calls that return an error number: -1 and errno, as the others. */
static long as_errno(int e)
{
	errno = e;
	return e ? -1 : 0;
}

static long do_call(int which, long ms)
{
	struct timespec rel = { ms / 1000, (ms % 1000) * 1000000 };
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct pollfd p = { pipe_fd[0], POLLIN, 0 };
	struct epoll_event ev;
	struct timespec abs;
	sigset_t set;
	fd_set fds;
	char c;

	switch (which) {
	case POLL:
		return poll(&p, 1, (int)ms);
	case NANOSLEEP:
		return nanosleep(&rel, NULL);
	case READ_PIPE:
		return read(data_fd[0], &c, 1);
	case EPOLL_WAIT:
		return epoll_wait(epoll_fd, &ev, 1, (int)ms);
	case SELECT:
		FD_ZERO(&fds);
		FD_SET(pipe_fd[0], &fds);
		return select(pipe_fd[0] + 1, &fds, NULL, NULL, &tv);
	case SEM_TIMEDWAIT:
		abs = after_ms(CLOCK_REALTIME, ms);
		return sem_timedwait(&sem, &abs);
	case CLOCK_NANOSLEEP:
		return as_errno(clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL));
	case USLEEP:
		return usleep((useconds_t)ms * 1000);
	case RECV_TIMEO:
		setsockopt(sock_fd[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
			   sizeof(tv));
		return recv(sock_fd[0], &c, 1, 0);
	case SIGTIMEDWAIT:
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		return sigtimedwait(&set, NULL, &rel);
	case FUTEX_WAIT_TIMED:
		return syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0,
			       &rel, NULL, 0);
	case COND_TIMEDWAIT:
		abs = after_ms(CLOCK_REALTIME, ms);
		pthread_mutex_lock(&mutex);
		long r = as_errno(pthread_cond_timedwait(&cond, &mutex, &abs));

		pthread_mutex_unlock(&mutex);
		return r;
	case READ_SOCKET:
		return read(sock_fd[1], &c, 1);
	}
	return 0;
}

static void *run(void *arg)
{
	struct call *c = arg;

	__atomic_store_n(&c->tid, (pid_t)syscall(SYS_gettid),
			 __ATOMIC_SEQ_CST);
	errno = 0;
	c->ret = do_call(c->which, c->ms);
	c->err = c->ret < 0 ? errno : 0;
	if (__atomic_load_n(&exiting, __ATOMIC_SEQ_CST)) {
		char line[128];
		int n = snprintf(line, sizeof(line),
				 "%s returned during exit: %ld %s\n",
				 names[c->which], c->ret,
				 c->err ? strerrorname_np(c->err) : "");

		if (write(1, line, (size_t)n) != n)
			_exit(3);
	}
	return NULL;
}

/* Whether thread tid sleeps (state S in its stat): it is in its call. */
static int sleeping(pid_t tid)
{
	char path[64], buf[256];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *s = strrchr(buf, ')');

	return s && s[1] == ' ' && s[2] == 'S';
}

static void start_all(struct call *calls, pthread_t *t, long ms)
{
	for (int i = 0; i < NCALLS; i++) {
		calls[i] = (struct call){ .which = i, .ms = ms };
		if (pthread_create(&t[i], NULL, run, &calls[i]))
			abort();
	}
	for (int i = 0; i < NCALLS; i++) {
		pid_t tid;

		while (!(tid = __atomic_load_n(&calls[i].tid,
					       __ATOMIC_SEQ_CST)) ||
		       !sleeping(tid))
			usleep(1000);
	}
	usleep(20000);
}

int main(void)
{
	struct call calls[NCALLS];
	pthread_t t[NCALLS];
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t usr1;

	if (pipe(pipe_fd) || pipe(data_fd) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sock_fd) ||
	    (epoll_fd = epoll_create1(0)) < 0 ||
	    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, pipe_fd[0], &ev) ||
	    sem_init(&sem, 0, 0))
		return 2;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);

	start_all(calls, t, 300);
	perfshim_leak_check();
	if (write(data_fd[1], "x", 1) != 1 || write(sock_fd[0], "y", 1) != 1)
		return 3;
	for (int i = 0; i < NCALLS; i++) {
		pthread_join(t[i], NULL);
		printf("%s: %ld %s\n", names[i], calls[i].ret,
		       calls[i].err ? strerrorname_np(calls[i].err) : "");
	}
	fflush(stdout);

	__atomic_store_n(&exiting, 1, __ATOMIC_SEQ_CST);
	start_all(calls, t, 60000);
	sink = malloc(100);
	sink = NULL;
	exit(0);
}
