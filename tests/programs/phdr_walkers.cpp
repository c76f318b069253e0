/*
 * phdr_walkers - threads walk the loaded objects with dl_iterate_phdr
 * (whose callback allocates and spins a little), others throw and catch
 * C++ exceptions, others create and join short threads, all at once.
 * Under the shim, a callback's allocation or a SIGPROF landing in it
 * unwinds while the walker holds the loader's lock, and libunwind takes
 * that lock under its own: the shim must not hang (it did, every time).
 *
 * Prints one line: "walks W throws T threads N", with W = 2 * NWALK,
 * T = 2 * NTHROW, N = 2 * NCREATE. Frees what it allocates, but for one
 * block that a callback of main's walk leaks:
 *
 *   LEAK:callback   24 bytes, 1 block, main > dl_iterate_phdr > leak_once
 */
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <stdexcept>

#define NWALK 1500
#define NTHROW 5000
#define NCREATE 800

static int count_loads(struct dl_phdr_info *info, size_t size, void *data)
{
	long *n = (long *)data;

	(void)size;
	for (int k = 0; k < 500; k++)
		for (int i = 0; i < info->dlpi_phnum; i++)
			*n += info->dlpi_phdr[i].p_type == PT_LOAD;
	/* an allocation in the callback: the shim records it there */
	char *p = (char *)malloc(32 + (*n & 7));

	*n += p != NULL;
	free(p);
	return 0;
}

static void *kept;

static int leak_once(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)info;
	(void)size;
	(void)data;
	kept = malloc(24); /* LEAK:callback */
	kept = NULL;
	return 1;
}

static void *walker(void *arg)
{
	long walks = 0;

	(void)arg;
	for (int i = 0; i < NWALK; i++) {
		long n = 0;

		dl_iterate_phdr(count_loads, &n);
		walks += n > 0;
	}
	return (void *)walks;
}

static void *thrower(void *arg)
{
	long caught = 0;

	(void)arg;
	for (int i = 0; i < NTHROW; i++) {
		try {
			throw std::runtime_error("thrown");
		} catch (const std::exception &) {
			caught++;
		}
	}
	return (void *)caught;
}

static void *nothing(void *arg)
{
	return arg;
}

static void *creator(void *arg)
{
	long made = 0;

	(void)arg;
	for (int i = 0; i < NCREATE; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, nothing, NULL) == 0 &&
		    pthread_join(t, NULL) == 0)
			made++;
	}
	return (void *)made;
}

int main(void)
{
	void *(*const fn[])(void *) = { walker, walker, thrower,
					thrower, creator, creator };
	const int nfn = (int)(sizeof(fn) / sizeof(fn[0]));
	pthread_t th[sizeof(fn) / sizeof(fn[0])];
	long total[3] = { 0, 0, 0 };

	dl_iterate_phdr(leak_once, NULL);

	for (int i = 0; i < nfn; i++)
		if (pthread_create(&th[i], NULL, fn[i], NULL))
			return 1;
	for (int i = 0; i < nfn; i++) {
		void *r;

		pthread_join(th[i], &r);
		total[i / 2] += (long)r;
	}
	printf("walks %ld throws %ld threads %ld\n", total[0], total[1],
	       total[2]);
	return 0;
}
