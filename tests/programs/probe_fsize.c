/*
 * probe_fsize - under a file size limit (RLIMIT_FSIZE 16 KiB, set here
 * before the probe executes itself again), the program ends as it would
 * without the shim. Writing the trace past the limit (at a failed exec,
 * where the shim writes everything on the program's thread) neither
 * kills it with SIGXFSZ nor takes away the SIGXFSZ its own write left
 * pending; its own write past the limit with the default action still
 * kills it. The environment keeps the shim's writer from writing before
 * the exec (unused without the shim).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_xfsz(int sig)
{
	got++;
	(void)sig;
}

/* Blocks of many sizes: a trace that outgrows the limit. */
static void churn(void)
{
	static void *keep[30000];
	unsigned x = 12345;

	for (int i = 0; i < 30000; i++) {
		x = x * 1103515245 + 12345;
		keep[i] = malloc(1 + (x >> 8) % 4000);
	}
	for (int i = 0; i < 30000; i += 2)
		free(keep[i]);
}

static void failed_exec(const char *who)
{
	char *argv[] = { "x", NULL };

	errno = 0;
	execv("/nonexistent/probe_fsize", argv);
	printf("%s: exec failed: %s\n", who, strerrorname_np(errno));
}

static int xfsz_pending(void)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, SIGXFSZ);
}

static void limited(void)
{
	static char buf[20 * 1024];
	FILE *f = tmpfile();
	int fd = fileno(f), status;
	sigset_t xfsz;
	pid_t pid = fork();

	if (pid == 0) {
		churn();
		failed_exec("child");
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status))
		printf("child exited %d\n", WEXITSTATUS(status));
	else
		printf("child killed by signal %d\n", WTERMSIG(status));
	sigemptyset(&xfsz);
	sigaddset(&xfsz, SIGXFSZ);
	sigprocmask(SIG_BLOCK, &xfsz, NULL);
	printf("write: %zd\n", write(fd, buf, sizeof(buf)));
	errno = 0;
	ssize_t w = write(fd, buf, 10);

	printf("write: %zd %s\n", w, strerrorname_np(errno));
	printf("pending: %d\n", xfsz_pending());
	churn();
	failed_exec("parent");
	printf("pending after the exec: %d\n", xfsz_pending());
	signal(SIGXFSZ, on_xfsz);
	sigprocmask(SIG_UNBLOCK, &xfsz, NULL);
	printf("handler ran %d times\n", (int)got);
	signal(SIGXFSZ, SIG_DFL);
	printf("writing past the limit with the default action\n");
	w = write(fd, buf, 10);
	printf("still here: %zd\n", w);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 16 * 1024, 16 * 1024 };

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "limited")) {
		limited();
		return 0;
	}
	if (setrlimit(RLIMIT_FSIZE, &rl))
		return 1;
	setenv("PERFSHIM_FLUSH_MS", "60000", 1);
	setenv("PERFSHIM_BUFFER_KB", "8192", 1);
	execl("/proc/self/exe", argv[0], "limited", (char *)NULL);
	return 1;
}
