/*
 * probe_pthread_exit_main - main() calls pthread_exit() while three
 * threads still allocate. The process ends when the last of them ends:
 * glibc then calls exit(0), which runs the atexit handlers. Nothing the
 * shim adds (its writer thread) may keep the process alive.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int done;

static void last_words(void)
{
	printf("atexit ran after %d threads\n", done);
}

static void *work(void *arg)
{
	long n = (long)arg;

	for (long i = 0; i < 20000 * n; i++)
		free(malloc(16 + i % 512));
	usleep(20000 * (useconds_t)n);
	pthread_mutex_lock(&lock);
	done++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	pthread_t th;

	setvbuf(stdout, NULL, _IONBF, 0);
	atexit(last_words);
	for (long i = 1; i <= 3; i++)
		if (pthread_create(&th, NULL, work, (void *)i))
			return 1;
	printf("main leaves with pthread_exit\n");
	pthread_exit(NULL);
}
