/*
 * probe_pthread_exit_status - main() calls pthread_exit(); the thread
 * left behind ends the process with exit(5) after main's thread is gone.
 * The status is 5 with the shim too, and nothing waits on the shim.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *work(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50000; i++)
		free(malloc(32 + i % 100));
	usleep(50000);
	printf("the last thread calls exit(5)\n");
	exit(5);
}

int main(void)
{
	pthread_t th;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (pthread_create(&th, NULL, work, NULL))
		return 1;
	pthread_exit(NULL);
}
