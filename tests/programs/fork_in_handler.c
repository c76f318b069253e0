/*
 * fork_in_handler - a SIGALRM handler forks (fork is async-signal-safe)
 * while the main thread allocates and frees without end, so that many
 * signals come in the middle of malloc or free, some with an arena's
 * lock held. The child _exits with 7 at once; the handler waits for it.
 * glibc's fork takes the arenas' locks only when the process has more
 * than one thread, which a program of one never has natively; under the
 * shim, whose writer is a second thread, the fork hung on the lock the
 * interrupted malloc held. Stops after FORKS forks (argv[1], default
 * 150) and prints whether every child exited with 7.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t forks, sevens;

static void on_alarm(int sig)
{
	int status;
	pid_t pid;

	(void)sig;
	pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 7)
		sevens++;
	forks++;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	struct itimerval every = { { 0, 10000 }, { 0, 10000 } };
	int want = argc > 1 ? atoi(argv[1]) : 150;
	void *keep[64] = { 0 };
	unsigned long i = 0;

	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	/* Sizes up to 2 KiB and 64 blocks held: many calls reach the arena
	 * (and its lock) past the per-thread cache. */
	while (forks < want) {
		free(keep[i % 64]);
		keep[i % 64] = malloc(16 + (i * 7919) % 2000);
		i++;
	}
	every.it_value.tv_usec = every.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &every, NULL);
	for (int k = 0; k < 64; k++)
		free(keep[k]);
	printf("%s\n", sevens == forks ? "every child exited with 7"
				       : "a child did not exit with 7");
	return 0;
}
