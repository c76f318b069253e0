/*
 * probe_fork_stuck_unwind - fork while another thread stands stopped
 * inside libunwind, as a debugger leaves a thread it stepped.
 *
 * A worker allocates and frees at the bottom of a deep call chain without
 * end (run it with PERFSHIM_UNWIND=dwarf: every stack is libunwind's). A
 * tracer process stops the worker with ptrace at a moment it blocks every
 * signal (the shim's hold around its libunwind calls), and keeps it
 * stopped; then the main thread forks a child that allocates, frees,
 * starts a thread that allocates, joins it, says "child ran" and _exits.
 * The fork must not hang, and the child must run; then the tracer lets
 * the worker go.
 *
 * Natively no thread blocks every signal: the worker is stopped where
 * the last of some 2,000 looks found it, and the run must go the same
 * (t0300: as every probe, same stdout and status with and without the
 * shim). stderr says which ("probe: the worker is stopped ...").
 *
 * Prints "child ran" and "parent done" and exits 0; 3 if the worker
 * could not be stopped at all (no ptrace here); 4 if the child did not
 * end well. With --can-trace, only whether ptrace may stop a thread of
 * this process (exit 0, nothing forked) or not (3).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;
static volatile pid_t worker_tid;

static void chain(int n)
{
	if (n > 0) {
		chain(n - 1);
		return;
	}
	void *p = malloc(24);

	*(volatile char *)p = 1;
	free(p);
}

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = (pid_t)syscall(SYS_gettid);
	while (!stop)
		chain(24);
	return NULL;
}

static void *child_thread(void *arg)
{
	(void)arg;
	chain(8);
	return NULL;
}

/*
 * 1 if thread tid of pid blocks every signal now: the shim holds them
 * all while its thread is inside libunwind (shim/mask.h), and this
 * program never blocks SIGINT, SIGUSR1 and SIGTERM itself. Without
 * malloc: the tracer is a forked child of a threaded process.
 */
static int all_blocked(pid_t pid, pid_t tid)
{
	static char buf[8192];
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid,
		 (int)tid);
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	const char *b = strstr(buf, "SigBlk:");
	unsigned long long m;

	if (!b || sscanf(b + 7, "%llx", &m) != 1)
		return 0;
	return (m >> (SIGINT - 1) & 1) && (m >> (SIGUSR1 - 1) & 1) &&
	       (m >> (SIGTERM - 1) & 1);
}

static void nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * The tracer: stop tid, at a moment it blocks every signal if one comes
 * within TRIES looks ('S' on out), else where the last look found it
 * ('A'); 'F' if it cannot trace it at all. Then wait for a byte on in,
 * and let the thread go.
 */
#define TRIES 2000
static void tracer(pid_t pid, pid_t tid, int out, int in)
{
	int st, held = 0, stopped = 0;
	char c;

	if (ptrace(PTRACE_SEIZE, tid, 0, 0)) {
		(void)!write(out, "F", 1);
		_exit(3);
	}
	for (int i = 0; i < TRIES; i++) {
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) ||
		    waitpid(tid, &st, __WALL) != tid)
			break;
		stopped = 1;
		held = all_blocked(pid, tid);
		if (held || i == TRIES - 1)
			break;
		ptrace(PTRACE_CONT, tid, 0, 0);
		stopped = 0;
		nap_us(50 + (i % 7) * 31);
	}
	(void)!write(out, !stopped ? "F" : held ? "S" : "A", 1);
	(void)!read(in, &c, 1);
	ptrace(PTRACE_DETACH, tid, 0, 0);
	_exit(stopped ? 0 : 3);
}

int main(int argc, char **argv)
{
	int can_trace = argc > 1 && !strcmp(argv[1], "--can-trace");
	int ready[2], done[2], st;
	pthread_t w;
	char c = 0;

	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	if (pipe(ready) || pipe(done) || pthread_create(&w, NULL, worker, NULL))
		return 2;
	while (!worker_tid)
		nap_us(100);
	pid_t self = getpid(), t = fork();

	if (t == 0)
		tracer(self, worker_tid, ready[1], done[0]);
	if (t < 0 || read(ready[0], &c, 1) != 1 || c == 'F') {
		(void)!write(done[1], "D", 1);
		waitpid(t, &st, 0);
		stop = 1;
		pthread_join(w, NULL);
		printf("the worker could not be stopped\n");
		return 3;
	}
	/* Not compared by t0300 (stderr): where the worker stands. */
	fprintf(stderr, "probe: the worker is stopped %s\n",
		c == 'S' ? "while it blocks every signal" : "where it was");
	int child_ok = 1;

	if (!can_trace) {
		alarm(60); /* a hang ends the test, not the suite */
		fflush(stdout);
		pid_t c2 = fork();

		if (c2 == 0) {
			void *p = malloc(100);
			pthread_t ct;

			*(volatile char *)p = 1;
			free(p);
			/* a thread of its own: started, allocating, joined */
			if (pthread_create(&ct, NULL, child_thread, NULL) ||
			    pthread_join(ct, NULL))
				_exit(5);
			(void)!write(1, "child ran\n", 10);
			_exit(0);
		}
		child_ok = c2 > 0 && waitpid(c2, &st, 0) == c2 &&
			   WIFEXITED(st) && WEXITSTATUS(st) == 0;
		alarm(0);
	}
	(void)!write(done[1], "D", 1);
	waitpid(t, &st, 0);
	stop = 1;
	pthread_join(w, NULL);
	if (!child_ok)
		return 4;
	printf("parent done\n");
	return 0;
}
