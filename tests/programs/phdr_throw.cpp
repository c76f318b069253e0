/*
 * phdr_throw - a C++ exception thrown from a dl_iterate_phdr callback,
 * caught by the caller (legal: glibc's dl_iterate_phdr lets it through
 * and releases the loader's lock on the way; its cleanup makes glibc
 * load libgcc_s for good, under __libc_unwind_link_get), then, in a
 * thread started afterwards, a std::string whose allocations libunwind
 * walks (operator new and std::string's code are in libstdc++, built
 * without frame pointers).
 *
 * Prints "caught 3" and the string's size. Leaks one std::string, made
 * in a thread after the throws:
 *
 *   LEAK:string   32-byte object (definite) and its 201-byte buffer
 *                 (indirect), late_thread > make_string
 *
 * The shim's dl_iterate_phdr counts the program's walks under way, and
 * refuses its own walks meanwhile; the exception out of the callback must
 * bring that count down (shim/phdr.c's cleanup), or the buffer's stack,
 * taken by libunwind through libstdc++, stops inside libstdc++ (t0941).
 */
#include <link.h>
#include <pthread.h>
#include <stdio.h>

#include <stdexcept>
#include <string>

static int stop_at_second(struct dl_phdr_info *info, size_t size, void *data)
{
	int *n = (int *)data;

	(void)info;
	(void)size;
	if (++*n == 2)
		throw std::runtime_error("stop at the second object");
	return 0;
}

static std::string *kept;

__attribute__((noinline)) static std::string *make_string(void)
{
	return new std::string(200, 'x'); /* LEAK:string */
}

static void *late_thread(void *arg)
{
	(void)arg;
	kept = make_string();
	size_t n = kept->size();
	kept = NULL;
	return (void *)n;
}

int main(void)
{
	int caught = 0;
	pthread_t t;
	void *r;

	for (int i = 0; i < 3; i++) {
		int n = 0;

		try {
			dl_iterate_phdr(stop_at_second, &n);
		} catch (const std::exception &) {
			caught++;
		}
	}
	if (pthread_create(&t, NULL, late_thread, NULL) ||
	    pthread_join(t, &r))
		return 1;
	printf("caught %d\nstring of %zu\n", caught, (size_t)r);
	return 0;
}
