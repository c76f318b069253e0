/*
 * libsigwrap - a signal-chaining library in the style of the JDK's
 * libjsig, preloaded before the shim: signal() and sigaction() take one
 * lock (not recursive) and forward to the next definition (RTLD_NEXT).
 * A shim whose signal() called sigaction() by name came back into this
 * library under its lock: the first signal() hung for good.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

sighandler_t signal(int sig, sighandler_t h)
{
	sighandler_t (*next)(int, sighandler_t) = dlsym(RTLD_NEXT, "signal");

	pthread_mutex_lock(&lock);
	sighandler_t r = next(sig, h);

	pthread_mutex_unlock(&lock);
	return r;
}

int sigaction(int sig, const struct sigaction *a, struct sigaction *o)
{
	int (*next)(int, const struct sigaction *, struct sigaction *) =
		dlsym(RTLD_NEXT, "sigaction");

	pthread_mutex_lock(&lock);
	int r = next(sig, a, o);

	pthread_mutex_unlock(&lock);
	return r;
}
