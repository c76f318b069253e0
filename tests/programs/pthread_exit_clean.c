/*
 * pthread_exit_clean - a thread that ends with pthread_exit (glibc
 * unwinds it, loading libgcc_s for good with its own dlopen the first
 * time), after freeing all it allocated. Nothing leaks: what glibc's
 * dlopen keeps is the runtime's, not the program's.
 *
 * Prints "joined 42".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *worker(void *arg)
{
	char *p = malloc(100);

	free(p);
	pthread_exit(arg);
}

int main(void)
{
	pthread_t t;
	void *r;

	if (pthread_create(&t, NULL, worker, (void *)42L) ||
	    pthread_join(t, &r))
		return 1;
	printf("joined %ld\n", (long)r);
	return 0;
}
