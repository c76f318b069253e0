/*
 * probe_seccomp_strict - strict seccomp, entered by prctl() and by the
 * seccomp() system call: after it, only read, write, _exit and
 * sigreturn are allowed. Each run's child writes, then either ends with
 * _exit (the exit system call, not exit_group: one thread, so the
 * process ends) or makes a forbidden call and is killed by SIGKILL.
 */
#define _GNU_SOURCE
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *s)
{
	ssize_t w = write(1, s, strlen(s));

	(void)w;
}

static void run(const char *what, int use_syscall, int forbidden)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		free(malloc(100));
		int r = use_syscall
				? (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT,
					       0, NULL)
				: prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);

		say(r == 0 ? "  strict mode on\n" : "  strict mode failed\n");
		if (forbidden)
			syscall(SYS_getppid);
		say("  still alive\n");
		syscall(SYS_exit, 3);
	}
	waitpid(pid, &st, 0);
	if (WIFEXITED(st))
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: signal %d\n", what, WTERMSIG(st));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	run("prctl", 0, 0);
	run("prctl, then getppid", 0, 1);
	run("seccomp()", 1, 0);
	run("seccomp(), then getppid", 1, 1);
	return 0;
}
