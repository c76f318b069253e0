/*
 * loader_window LIB - run LIB's spin_cpu (about 300 ms of CPU time) while
 * the loader's write lock (glibc's _dl_load_write_lock) is taken with no
 * owner: the state it is in for a few instructions inside
 * pthread_mutex_lock and pthread_mutex_unlock, when dlopen or dlclose
 * takes or gives it back. A profiler tick that lands there and asks
 * dl_iterate_phdr for the lock waits for its own thread: the process
 * hangs. The code in LIB was never run before, so an unwinder has no
 * cached rule for it and must look for its module.
 *
 * The lock is found as the shim finds it: the one recursive mutex inside
 * _rtld_global that this thread owns inside a dl_iterate_phdr callback
 * and not outside. Prints "spun with the lock taken", or exits 3 when the
 * lock cannot be found (then the test has nothing to show).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned char *rtld;
static size_t rtld_size;
static unsigned char outside[8192 / 8];
static int *lock_word;

static void owned(unsigned char *mine)
{
	pthread_mutex_t m;
	int tid = gettid();

	for (size_t w = 0; w * 8 + sizeof(m) <= rtld_size; w++) {
		memcpy(&m, rtld + w * 8, sizeof(m));
		if (m.__data.__lock && m.__data.__owner == tid &&
		    (m.__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP)
			mine[w / 8] |= (unsigned char)(1u << w % 8);
	}
}

static int find(struct dl_phdr_info *info, size_t size, void *data)
{
	unsigned char inside[sizeof(outside)] = { 0 };
	int n = 0;

	(void)info;
	(void)size;
	(void)data;
	owned(inside);
	for (size_t w = 0; w < sizeof(outside) * 8; w++) {
		if ((inside[w / 8] & ~outside[w / 8]) & (1u << w % 8)) {
			lock_word = (int *)(void *)(rtld + w * 8);
			n++;
		}
	}
	if (n != 1)
		lock_word = NULL;
	return 1;
}

int main(int argc, char **argv)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info di;
	void (*spin)(void);
	void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;

	if (!h) {
		fprintf(stderr, "loader_window: %s\n",
			argc > 1 ? dlerror() : "usage: loader_window LIB");
		return 2;
	}
	*(void **)&spin = dlsym(h, "spin_cpu");
	rtld = dlsym(RTLD_DEFAULT, "_rtld_global");
	if (!spin || !rtld ||
	    !dladdr1(rtld, &di, (void **)&sym, RTLD_DL_SYMENT) || !sym ||
	    sym->st_size > sizeof(outside) * 64) {
		fprintf(stderr, "loader_window: no spin_cpu or _rtld_global\n");
		return 3;
	}
	rtld_size = sym->st_size;
	owned(outside);
	dl_iterate_phdr(find, NULL);
	if (!lock_word) {
		fprintf(stderr, "loader_window: the loader's lock not found\n");
		return 3;
	}
	/* Taken, no owner: as between the futex and the owner's store. */
	int zero = 0;

	while (!__atomic_compare_exchange_n(lock_word, &zero, 1, 0,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		zero = 0;
	spin();
	/* Someone may have come to wait (2): wake them, as glibc would. */
	if (__atomic_exchange_n(lock_word, 0, __ATOMIC_RELEASE) == 2)
		syscall(SYS_futex, lock_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
			0);
	printf("spun with the lock taken\n");
	dlclose(h);
	return 0;
}
