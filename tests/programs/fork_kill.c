/*
 * fork_kill N - N times: fork a child that waits for signals, SIGTERM it
 * at once or within a millisecond, and reap it; print how many children
 * did not end by SIGTERM (0, natively). A child killed while the shim's
 * fork handler set up its own trace wrote its END into the parent's
 * trace file, through the descriptor they share: the parent's trace no
 * longer read (probe L). Every trace of the run must read.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100, odd = 0;
	unsigned seed = 12345;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		int st;

		if (p < 0)
			return 2;
		if (p == 0) {
			for (;;)
				pause();
		}
		seed = seed * 1103515245u + 12345u;
		if (i % 2) {
			struct timespec d = { 0, (long)(seed >> 8) % 1000000 };

			nanosleep(&d, NULL);
		}
		kill(p, SIGTERM);
		if (waitpid(p, &st, 0) != p ||
		    !(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM))
			odd++;
	}
	printf("%d children, %d not ended by SIGTERM\n", n, odd);
	return 0;
}
