/*
 * probe_handler_flip - one thread switches SIGUSR1 between a handler and
 * SIG_IGN as fast as it can (CPython's test_signal does: bpo-43406)
 * while another raises SIGUSR1 at the process over and over. Each
 * signal is caught or ignored, whichever its moment finds: it never
 * ends the process. Prints "survived" and the number of switches.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FLIPS 200000

static atomic_int stop;
static volatile sig_atomic_t caught;
static void *volatile sink;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static void *raiser(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		kill(getpid(), SIGUSR1);
		sink = malloc(64);
		free(sink);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	int n = 0;

	signal(SIGUSR1, on_usr1);
	if (pthread_create(&t, NULL, raiser, NULL))
		return 1;
	for (; n < FLIPS; n += 2) {
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR1, on_usr1);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("survived %d switches\n", n);
	return 0;
}
