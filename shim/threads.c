/* threads.c - start every thread through a frame of ours, as main is. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "shim.h"

/*
 * A stack taken in a thread ends at this wrapper's frame, as one taken
 * in the main thread ends at the shim's wrapper of main: what lies below
 * (libc's start_thread, clone3) is start-up code, not the program's.
 * Because start_thread keeps no frame pointer, ending there also lets
 * such stacks take the checked frame-pointer walk (stack.c) instead of
 * a whole libunwind unwind.
 */
struct start {
	void *(*fn)(void *);
	void *arg;
};

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
			 void *);

static void *__attribute__((noinline)) thread_start(void *p)
{
	struct start s = *(struct start *)p;

	perfshim_real.free(p);
	void *r = s.fn(s.arg);

	/* Keeps the call above from becoming a tail call: our frame stays. */
	__asm__ volatile("" : : "r"(r) : "memory");
	return r;
}

EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg)
{
	static create_fn real;
	create_fn f = __atomic_load_n(&real, __ATOMIC_ACQUIRE);

	if (!f) {
		f = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
		if (!f)
			return EAGAIN;
		__atomic_store_n(&real, f, __ATOMIC_RELEASE);
	}
	int e = errno;

	perfshim_resolve_allocator();
	struct start *s =
		perfshim_real.malloc ? perfshim_real.malloc(sizeof(*s)) : NULL;

	errno = e;
	if (!s)
		return f(thread, attr, fn, arg); /* untouched, as without us */
	s->fn = fn;
	s->arg = arg;
	int r = f(thread, attr, thread_start, s);

	if (r)
		perfshim_real.free(s);
	errno = e;
	return r;
}
