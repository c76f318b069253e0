/*
 * probe_seccomp_filter - a seccomp filter (BPF) that allows only read,
 * write, exit and exit_group, installed by prctl() and by seccomp().
 * Other calls fail with EPERM, or (the second filter) kill the process
 * with SIGSYS. The program's own calls show which; nothing else of the
 * shim may trip over the filter: the child allocates far more than an
 * event buffer holds after the filter is on, and ends with exit().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
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

#define ALLOW(nr)                                        \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static int install(int use_syscall, unsigned int other)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		ALLOW(SYS_read),
		ALLOW(SYS_write),
		ALLOW(SYS_exit),
		ALLOW(SYS_exit_group),
		BPF_STMT(BPF_RET | BPF_K, other),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	if (use_syscall)
		return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
				    &prog);
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void run(const char *what, int use_syscall, unsigned int other)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		char *p = malloc(1000);

		say(install(use_syscall, other) ? "  no filter\n"
						: "  filter on\n");
		/* Within memory the allocator has: no system call. */
		free(p);
		for (int i = 0; i < 300000; i++)
			free(malloc(16 + i % 64));
		errno = 0;
		long r = syscall(SYS_getppid);

		say(r == -1 && errno == EPERM ? "  getppid: EPERM\n"
					      : "  getppid: ok\n");
		say("  done\n");
		exit(4); /* atexit, destructors, then exit_group */
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
	run("prctl, errno filter", 0, SECCOMP_RET_ERRNO | EPERM);
	run("seccomp(), errno filter", 1, SECCOMP_RET_ERRNO | EPERM);
	run("prctl, kill filter", 0, SECCOMP_RET_KILL_PROCESS);
	run("seccomp(), kill filter", 1, SECCOMP_RET_KILL_PROCESS);
	run("prctl, trap filter", 0, SECCOMP_RET_TRAP);
	return 0;
}
