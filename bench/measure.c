/* measure - run a command, report its CPU time, wall time and peak RSS. */
/*
 * usage: measure RESULT_FILE COMMAND [ARGS...]
 *
 * Runs COMMAND (searched in PATH) with the standard streams it inherits,
 * waits for it with wait4(), and appends one line to RESULT_FILE:
 *
 *     CPU_SECONDS WALL_SECONDS MAXRSS_KIB STATUS
 *
 * CPU is user + system time of the command and of every descendant it
 * waited for (so a script that runs a pipeline is charged for all of it);
 * MAXRSS is the largest resident set of any single one of those
 * processes; STATUS is the exit status, or 128 + the signal number.
 * measure exits with that same status, or 127 if COMMAND could not be run.
 *
 * This process is never the one being profiled: give the profiler's
 * environment to the command (env LD_PRELOAD=... prog), not to measure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, code;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: measure RESULT_FILE COMMAND "
				"[ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "measure: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	out = fopen(argv[1], "a");
	if (!out) {
		fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	fprintf(out, "%.6f %.6f %ld %d\n",
		seconds(ru.ru_utime) + seconds(ru.ru_stime),
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_maxrss, code);
	if (fclose(out) != 0) {
		fprintf(stderr, "measure: %s: write failed\n", argv[1]);
		return 127;
	}
	return code;
}
