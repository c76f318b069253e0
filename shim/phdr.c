/*
 * phdr.c - dl_iterate_phdr: keeps the shim's unwinds and the program's
 * walks of the loaded objects from waiting for each other.
 *
 * libunwind takes its cache lock and then, under it, the loader's lock
 * (dl_iterate_phdr, to find a module's unwind tables). A program thread
 * inside dl_iterate_phdr holds the loader's lock while its callback runs;
 * if the callback allocates (the shim unwinds there) or SIGPROF lands in
 * it (the sampler unwinds there), that thread wants libunwind's lock in
 * the other order. Both were seen to hang a process every time.
 *
 * So the order is broken here: a walk of the shim's own (from libunwind,
 * in a capture or a sample) never waits for the loader's lock while a
 * program walk is under way; it finds nothing instead, and says so in
 * perfshim_phdr_refused. A program walk waits (briefly) for the shim's
 * walks already inside to leave, never the other way round.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <sched.h>

#include "shim.h"

typedef int (*phdr_cb)(struct dl_phdr_info *, size_t, void *);

static int (*real_iterate)(phdr_cb, void *);
/* Threads in (or entering) a program walk; the shim's walks inside. */
static _Atomic int program_walks, shim_walks;

HIDDEN __thread int perfshim_in_phdr;
HIDDEN __thread int perfshim_phdr_refused;

HIDDEN void perfshim_phdr_init(void)
{
	if (!real_iterate)
		real_iterate = (int (*)(phdr_cb, void *))dlsym(
			RTLD_NEXT, "dl_iterate_phdr");
}

/* At load, traced or not: a first call may come from a signal handler,
 * where dlsym has no business. */
__attribute__((constructor)) static void phdr_load(void)
{
	perfshim_phdr_init();
}

HIDDEN void perfshim_phdr_after_fork(void)
{
	/* Only this thread is left; it may be inside a walk of its own. */
	atomic_store(&program_walks, perfshim_in_phdr ? 1 : 0);
	atomic_store(&shim_walks, 0);
}

/* A walk for libunwind on a thread outside any program walk. */
PASS_THROUGH static int shim_walk(phdr_cb cb, void *data)
{
	int r = 0;

	/* Dekker's handshake with program_walk: one of the two sees the
	 * other (both counters are seq_cst). */
	atomic_fetch_add(&shim_walks, 1);
	if (atomic_load(&program_walks))
		perfshim_phdr_refused = 1;
	else
		r = real_iterate(cb, data);
	atomic_fetch_sub(&shim_walks, 1);
	return r;
}

/*
 * The end of a program walk: when it returns, and when a C++ exception
 * thrown by the callback passes through it (glibc lets one through and
 * releases the loader's lock on the way; this file is built with
 * -fexceptions so that its cleanup runs too). Without it, the count
 * stayed up and every later shim walk was refused: stacks cut short.
 */
static void walk_end(const int *depth)
{
	if (*depth == 1)
		atomic_fetch_sub(&program_walks, 1);
	perfshim_in_phdr--;
}

PASS_THROUGH static int program_walk(phdr_cb cb, void *data)
{
	int depth __attribute__((cleanup(walk_end))) = ++perfshim_in_phdr;

	/* Nested in a walk of its own: the loader's lock is already ours. */
	if (depth == 1) {
		atomic_fetch_add(&program_walks, 1);
		/* A shim walk inside needs the loader's lock and nothing of
		 * ours: it leaves soon. */
		while (atomic_load(&shim_walks))
			sched_yield();
	}
	return real_iterate(cb, data);
}

EXPORT PASS_THROUGH int dl_iterate_phdr(phdr_cb cb, void *data)
{
	struct thread_state *t = perfshim_self;

	if (UNLIKELY(!real_iterate))
		perfshim_phdr_init();
	if (t && !perfshim_in_phdr &&
	    atomic_load_explicit(&t->in_unwind, memory_order_relaxed))
		return shim_walk(cb, data);
	return program_walk(cb, data);
}
