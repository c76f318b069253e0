/*
 * probe_seccomp_inherited - a launcher's seccomp filter, inherited across
 * exec, as systemd's SystemCallFilter= and sandboxes set it: every call
 * allowed but one that this program never makes, which kills the process
 * (SIGSYS) or fails with EPERM. For each of a few calls (ones a profiler
 * makes and a plain program does not) and each action, the probe forks,
 * installs the filter and re-executes itself (the shim, when preloaded,
 * then starts under the filter); the new program allocates, prints, and
 * exits. The parent prints how each child ended.
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

static void *volatile sink;

static int install(int nr, unsigned int action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int nr;
	} calls[] = { { "timer_create", SYS_timer_create },
		      { "sigaltstack", SYS_sigaltstack },
		      { "process_vm_readv", SYS_process_vm_readv },
		      { "mincore", SYS_mincore } };
	static const unsigned int actions[] = { SECCOMP_RET_KILL_PROCESS,
						SECCOMP_RET_ERRNO | EPERM,
						SECCOMP_RET_TRAP };
	static const char *const how[] = { "kills", "fails with EPERM",
					   "traps (SIGSYS)" };
	/* Calls of the shim's own start: its check of the filter runs in
	 * a copy made by clone and reaped without wait4 (a kill of wait4,
	 * or a trap of clone, ended the process there: probe K). A kill of
	 * clone itself cannot be told before it kills (README). And calls
	 * the shim makes everywhere, which this program never makes:
	 * rt_sigprocmask (the shim's one line said so through it, and died
	 * of it), gettid (its search of the loader's lock at load). */
	static const struct {
		const char *name;
		int nr, action;
	} more[] = { { "wait4", SYS_wait4, 0 },
		     { "wait4", SYS_wait4, 2 },
		     { "clone", SYS_clone, 1 },
		     { "clone", SYS_clone, 2 },
		     { "timer_create", SYS_timer_create, 2 },
		     { "rt_sigprocmask", SYS_rt_sigprocmask, 0 },
		     { "gettid", SYS_gettid, 0 } };

	if (argc > 1) { /* the program started under the filter */
		for (int i = 0; i < 100000; i++) {
			sink = malloc(16 + i % 200);
			if (i % 3)
				free(sink);
		}
		printf("  %s: ran\n", argv[1]);
		fflush(stdout);
		return 3;
	}
	size_t ncalls = sizeof(calls) / sizeof(calls[0]);
	size_t nmore = sizeof(more) / sizeof(more[0]);

	for (size_t k = 0; k < 2 * ncalls + nmore; k++) {
		const char *name = k < 2 * ncalls ? calls[k / 2].name
						  : more[k - 2 * ncalls].name;
		int nr = k < 2 * ncalls ? calls[k / 2].nr
					: more[k - 2 * ncalls].nr;
		int a = k < 2 * ncalls ? (int)(k % 2)
				       : more[k - 2 * ncalls].action;
		int st;
		pid_t pid = fork();

		if (pid == 0) {
			if (install(nr, actions[a]))
				_exit(99);
			execl("/proc/self/exe", argv[0], name, (char *)NULL);
			_exit(98);
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return 1;
		printf("%s %s: ", name, how[a]);
		if (WIFEXITED(st))
			printf("exit %d\n", WEXITSTATUS(st));
		else
			printf("signal %d\n", WTERMSIG(st));
	}
	return 0;
}
