/*
 * probe_errno_calls - errno after each call the shim interposes besides
 * the allocator (descriptors, signals, exec, the loader, threads,
 * timers), on success and on failure, is what glibc leaves. Each call
 * starts from a sentinel errno, so "kept", "zeroed" and "set" all show.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define SENTINEL 4242

/* Still in glibc, declared only for old X/Open levels. */
extern __sighandler_t bsd_signal(int, __sighandler_t);
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void show(const char *what, long ret)
{
	int e = errno;
	const char *name = e == SENTINEL ? "unchanged" : strerrorname_np(e);

	printf("%-36s ret=%-3ld errno=%s\n", what, ret, name ? name : "?");
}

#define TRY(what, expr)                 \
	do {                            \
		errno = SENTINEL;       \
		long r_ = (long)(expr); \
		show(what, r_);         \
	} while (0)

static void *thread_fn(void *arg)
{
	return arg;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void descriptors(void)
{
	int p[2], fd;

	TRY("pipe2(p, 0)", pipe2(p, 0));
	TRY("pipe2(p, -1)", pipe2(p, -1));
	TRY("dup2(p[0], 20)", dup2(p[0], 20));
	TRY("dup2(p[0], 20) again", dup2(p[0], 20));
	TRY("dup2(777, 21)", dup2(777, 21));
	TRY("dup2(p[0], -1)", dup2(p[0], -1));
	TRY("dup3(p[0], 21, O_CLOEXEC)", dup3(p[0], 21, O_CLOEXEC));
	TRY("dup3(p[0], p[0], 0)", dup3(p[0], p[0], 0));
	TRY("dup3(p[0], 22, -1)", dup3(p[0], 22, -1));
	TRY("close(20)", close(20));
	TRY("close(20) again", close(20));
	TRY("close(-1)", close(-1));
	TRY("close_range(21, 21, 0)", close_range(21, 21, 0));
	TRY("close_range(10, 5, 0)", close_range(10, 5, 0));
	TRY("close_range(30, 40, -1)", close_range(30, 40, -1));
	TRY("close_range(30, 40, CLOEXEC)",
	    close_range(30, 40, CLOSE_RANGE_CLOEXEC));
	fd = dup(p[0]);
	TRY("fcntl(fd, F_GETFD)", fcntl(fd, F_GETFD));
	TRY("fcntl(fd, F_SETFD, 1)", fcntl(fd, F_SETFD, FD_CLOEXEC));
	TRY("fcntl(777, F_GETFD)", fcntl(777, F_GETFD));
	TRY("fcntl(fd, F_DUPFD, 40)", fcntl(fd, F_DUPFD, 40));
	TRY("fcntl(fd, F_DUPFD, -1)", fcntl(fd, F_DUPFD, -1));
	TRY("fcntl(fd, 12345)", fcntl(fd, 12345));
	errno = SENTINEL;
	closefrom(p[0]);
	show("closefrom(p[0])", 0);
	TRY("close(p[1]) after closefrom", close(p[1]));
}

static void signals(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	TRY("sigaction(SIGUSR1, h)", sigaction(SIGUSR1, &sa, &old));
	TRY("sigaction(SIGUSR1, NULL)", sigaction(SIGUSR1, NULL, &old));
	TRY("sigaction(0, h)", sigaction(0, &sa, &old));
	TRY("sigaction(SIGKILL, h)", sigaction(SIGKILL, &sa, &old));
	TRY("sigaction(SIGTERM, h)", sigaction(SIGTERM, &sa, &old));
	TRY("sigaction(SIGTERM, dfl)", sigaction(SIGTERM, &old, NULL));
	TRY("sigaction(NSIG+1, NULL)", sigaction(NSIG + 1, NULL, &old));
	TRY("signal(SIGUSR2, h) is SIG_ERR",
	    signal(SIGUSR2, on_usr1) == SIG_ERR);
	TRY("signal(SIGKILL, h) is SIG_ERR",
	    signal(SIGKILL, on_usr1) == SIG_ERR);
	TRY("signal(-3, h) is SIG_ERR", signal(-3, on_usr1) == SIG_ERR);
	TRY("sysv_signal(SIGHUP, h) is SIG_ERR",
	    sysv_signal(SIGHUP, on_usr1) == SIG_ERR);
	TRY("sysv_signal(0, h) is SIG_ERR", sysv_signal(0, on_usr1) == SIG_ERR);
	TRY("sigset(SIGHUP, SIG_DFL) is SIG_ERR",
	    sigset(SIGHUP, SIG_DFL) == SIG_ERR);
	TRY("sigset(SIGKILL, h) is SIG_ERR",
	    sigset(SIGKILL, on_usr1) == SIG_ERR);
	TRY("bsd_signal(SIGALRM, h) is SIG_ERR",
	    bsd_signal(SIGALRM, on_usr1) == SIG_ERR);
	TRY("bsd_signal(SIGALRM, dfl) is SIG_ERR",
	    bsd_signal(SIGALRM, SIG_DFL) == SIG_ERR);
}

static void exec_and_more(void)
{
	char *argv[] = { "nothing", NULL };
	struct itimerval it;
	pthread_t th;
	pthread_attr_t attr;
	void *h;

	TRY("execv(missing)", execv("/nonexistent/x", argv));
	TRY("execve(missing)", execve("/nonexistent/x", argv, environ));
	TRY("execvp(missing)", execvp("nonexistent-perfshim-x", argv));
	TRY("execl(missing)", execl("/nonexistent/x", "x", (char *)NULL));
	TRY("execlp(missing)",
	    execlp("nonexistent-perfshim-x", "x", (char *)NULL));
	TRY("execle(missing)",
	    execle("/nonexistent/x", "x", (char *)NULL, environ));
	TRY("fexecve(-1)", fexecve(-1, argv, environ));
	TRY("dlopen(missing) is NULL",
	    dlopen("libnonexistent-perfshim.so", RTLD_NOW) == NULL);
	h = dlopen("libm.so.6", RTLD_NOW);
	show("dlopen(libm.so.6) is NULL", h == NULL);
	TRY("dlclose(libm)", dlclose(h));
	TRY("dlmopen(missing) is NULL",
	    dlmopen(LM_ID_BASE, "libnonexistent-perfshim.so", RTLD_NOW) ==
		    NULL);
	memset(&it, 0, sizeof(it));
	TRY("setitimer(ITIMER_PROF, 0)", setitimer(ITIMER_PROF, &it, NULL));
	TRY("setitimer(99, 0)", setitimer(99, &it, NULL));
	/* A bad pointer is the kernel's to refuse: EFAULT, no crash. */
	TRY("setitimer(ITIMER_PROF, bad)",
	    setitimer(ITIMER_PROF, (const struct itimerval *)16, NULL));
	TRY("pthread_create", pthread_create(&th, NULL, thread_fn, NULL));
	TRY("pthread_join", pthread_join(th, NULL));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, (size_t)1 << 46);
	TRY("pthread_create(huge stack)",
	    pthread_create(&th, &attr, thread_fn, NULL));
}

/* fork() and the at-fork handlers the shim adds, on both sides. */
static void processes(void)
{
	int status;
	void *p = malloc(64); /* a traced process, with a thread state */

	errno = SENTINEL;
	pid_t pid = fork();

	if (pid == 0) {
		show("fork, in the child", 0);
		errno = SENTINEL;
		free(malloc(32));
		show("child malloc/free", 0);
		_exit(0);
	}
	/* The parent's line after the child's: the two print in turn. */
	int e = errno;

	waitpid(pid, &status, 0);
	errno = e;
	show("fork, in the parent", pid < 0);
	TRY("system(true)", system("true"));
	free(p);
}

int main(void)
{
	int at_start = errno; /* what the start-up (and the shim's) left */

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("errno at main: %s\n",
	       at_start ? strerrorname_np(at_start) : "0");
	descriptors();
	signals();
	exec_and_more();
	processes();
	return 0;
}
