/*
 * probe_exit_race - main calls exit(2) while 100k blocks are live; a
 * second thread calls exit(3) 5 ms after main's exit has begun (its
 * atexit handler says so). Natively main's exit is over in microseconds
 * and the status is 2. A profiler's work at exit (a leak scan, the
 * trace's end) takes longer: the second exit must not end the process
 * meanwhile, with its own status.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BLOCKS 100000

static int go[2];
static void *blocks[BLOCKS];

static void exiting(void)
{
	char c = 1;

	if (write(go[1], &c, 1) != 1)
		_exit(4);
}

static void *second(void *arg)
{
	char c;

	(void)arg;
	if (read(go[0], &c, 1) != 1)
		_exit(5);
	usleep(5000);
	exit(3);
}

int main(void)
{
	pthread_t t;

	for (int i = 0; i < BLOCKS; i++)
		blocks[i] = malloc(32 + i % 64);
	if (pipe(go) || pthread_create(&t, NULL, second, NULL) ||
	    atexit(exiting))
		return 6;
	printf("exiting with 2\n");
	fflush(stdout);
	exit(2);
}
