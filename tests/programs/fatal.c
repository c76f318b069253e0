/*
 * fatal MODE ... - ended by a signal whose default action ends the
 * process. Output through write(2) only.
 *
 *   raise SIG      leaks 321 bytes (LEAK:fatal), then raise(SIG); says
 *                  "survived" and exits 3 should it live on
 *   wait           leaks 321 bytes (LEAK:fatal), says "ready" and waits
 *                  for a signal (exits 4 after 60 s, should none come)
 *   run raise|wait SIG TRACE [core]
 *                  runs "fatal raise SIG" (or "fatal wait", then sends it
 *                  SIG with kill(2) once it is ready) as a child, with
 *                  PERFSHIM_OUTPUT=TRACE in its environment, and says how
 *                  it ended: "killed by signal N", with " (core dumped)"
 *                  when a core was dumped, or "exit N". With "core", the
 *                  child may dump core (RLIMIT_CORE as high as the hard
 *                  limit lets it), else not.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void *keep;

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(99);
}

static void leak(void)
{
	keep = malloc(321); /* LEAK:fatal */
	memset(keep, 1, 321);
}

static int report(int status)
{
	char line[64];

	if (WIFSIGNALED(status))
		snprintf(line, sizeof(line), "killed by signal %d%s\n",
			 WTERMSIG(status),
			 WCOREDUMP(status) ? " (core dumped)" : "");
	else
		snprintf(line, sizeof(line), "exit %d\n", WEXITSTATUS(status));
	say(line);
	return 0;
}

static int run(char **argv, int wait_mode, int sig, const char *trace, int core)
{
	struct rlimit rl;
	char sigs[16], buf[16];
	int fds[2], status;

	snprintf(sigs, sizeof(sigs), "%d", sig);
	if (getrlimit(RLIMIT_CORE, &rl))
		return 1;
	rl.rlim_cur = core ? rl.rlim_max : 0;
	if (pipe(fds) || setrlimit(RLIMIT_CORE, &rl))
		return 1;
	pid_t pid = fork();

	if (pid == 0) {
		char *args[] = { argv[0], wait_mode ? "wait" : "raise", sigs,
				 NULL };

		/* Background jobs inherit SIGINT and SIGQUIT ignored. */
		signal(sig, SIG_DFL);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		setenv("PERFSHIM_OUTPUT", trace, 1);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	close(fds[1]);
	if (wait_mode) {
		ssize_t n = read(fds[0], buf, sizeof(buf));

		if (n != 6 || memcmp(buf, "ready\n", 6) || kill(pid, sig))
			return 1;
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return report(status);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "raise") && argc > 2) {
		leak();
		raise(atoi(argv[2]));
		say("survived\n");
		return 3;
	}
	if (!strcmp(m, "wait")) {
		leak();
		say("ready\n");
		for (int i = 0; i < 60; i++)
			sleep(1);
		return 4;
	}
	if (!strcmp(m, "run") && argc > 4)
		return run(argv, !strcmp(argv[2], "wait"), atoi(argv[3]),
			   argv[4], argc > 5 && !strcmp(argv[5], "core"));
	return 2;
}
