/*
 * probe_fork_loader_lock - fork while the dynamic loader's lock is held:
 * by this thread, from inside a dl_iterate_phdr callback (the child's
 * copy of the lock stays held for good: a program walk in the child
 * would wait forever, and so would a shim that lists the child's
 * libraries through it); and by another thread that loads and unloads a
 * library in a loop while this one forks. Each child allocates, frees
 * and _exits; every child must end, with status 0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORKS 100

static int ok_children;
static char lib[PATH_MAX];
static volatile int stop;

static void child_and_wait(void)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		void *p = malloc(100);

		free(p);
		_exit(0);
	}
	if (c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0)
		ok_children++;
}

/* Forks in the first callback only: the loader's lock is held here. */
static int forking_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info;
	(void)size;
	child_and_wait();
	return ++*(int *)data >= 1;
}

static void *loader(void *arg)
{
	(void)arg;
	while (!stop) {
		void *h = dlopen(lib, RTLD_NOW);

		if (h)
			dlclose(h);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	char *slash;
	ssize_t n = readlink("/proc/self/exe", lib, sizeof(lib) - 32);

	/* Any library of ours nobody has loaded: dlopen maps it, dlclose
	 * unmaps it, each under the loader's lock. */
	if (n <= 0 || !(slash = memrchr(lib, '/', (size_t)n)))
		return 2;
	strcpy(slash + 1, "libleaky.so");

	ok_children = 0;
	for (int i = 0; i < 20; i++) {
		int calls = 0;

		dl_iterate_phdr(forking_cb, &calls);
	}
	printf("forked inside a walk of the loaded objects: %d of 20 "
	       "children ended well\n",
	       ok_children);

	ok_children = 0;
	if (pthread_create(&t, NULL, loader, NULL))
		return 3;
	for (int i = 0; i < FORKS; i++)
		child_and_wait();
	stop = 1;
	pthread_join(t, NULL);
	printf("forked while another thread loads a library: %d of %d "
	       "children ended well\n",
	       ok_children, FORKS);
	return 0;
}
