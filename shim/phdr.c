/*
 * phdr.c - dl_iterate_phdr: keeps the shim's unwinds and the program's
 * walks of the loaded objects from waiting for each other, and the
 * sampler from waiting for a loader lock its own thread holds.
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
 *
 * The loader's own code takes that lock too, not through this file:
 * dlopen and dlclose (also glibc's inner ones, for NSS, iconv and
 * libgcc_s) while they link or unlink an object. A tick that lands there,
 * or in the few instructions of pthread_mutex_lock or unlock on it where
 * the lock is taken but names no owner yet (or no longer), would have the
 * sampler wait for its own thread: a hang, seen once in 2000 dlopen and
 * dlclose cycles. So a sampler walk also finds nothing while the lock is
 * taken by its own thread or by no owner. That lock is glibc's
 * _dl_load_write_lock, a recursive mutex inside _rtld_global whose offset
 * is private to each glibc: it is found at load as the one mutex there
 * that this thread owns inside a dl_iterate_phdr callback and not outside.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "shim.h"

typedef int (*phdr_cb)(struct dl_phdr_info *, size_t, void *);

static int (*real_iterate)(phdr_cb, void *);
/* Threads in (or entering) a program walk; the shim's walks inside. */
static _Atomic int program_walks, shim_walks;

HIDDEN __thread int perfshim_in_phdr;
HIDDEN __thread int perfshim_phdr_refused;
HIDDEN __thread int perfshim_phdr_in_tick;

/* The loader's write lock, as pthread_mutex_t's first words (its lock
 * word, count and owner); NULL when it was not found. */
static const int *write_lock;

static void resolve(void)
{
	if (!real_iterate)
		real_iterate = (int (*)(phdr_cb, void *))dlsym(
			RTLD_NEXT, "dl_iterate_phdr");
}

/*
 * The recursive mutexes in [base, base + size) that tid owns: a bit per
 * 8 bytes (pthread_mutex_t's alignment) in mine.
 */
#define RTLD_WORDS 1024 /* _rtld_global is 4336 bytes in glibc 2.36 */
struct owned {
	const unsigned char *base;
	size_t size;
	int tid;
	unsigned char mine[RTLD_WORDS / 8];
};

static void owned_scan(struct owned *o)
{
	pthread_mutex_t m;

	memset(o->mine, 0, sizeof(o->mine));
	for (size_t w = 0; w * 8 + sizeof(m) <= o->size; w++) {
		memcpy(&m, o->base + w * 8, sizeof(m));
		if (m.__data.__lock && m.__data.__owner == o->tid &&
		    (m.__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP)
			o->mine[w / 8] |= (unsigned char)(1u << w % 8);
	}
}

/* Inside a walk: the one mutex owned here and not outside is the lock. */
static int find_lock(struct dl_phdr_info *info, size_t size, void *data)
{
	struct owned *outside = data, inside = *outside;

	(void)info;
	(void)size;
	owned_scan(&inside);
	int found = -1;

	for (size_t w = 0; w < RTLD_WORDS; w++) {
		int bit = 1 << w % 8;

		if ((inside.mine[w / 8] & bit) &&
		    !(outside->mine[w / 8] & bit)) {
			if (found >= 0)
				return 1; /* two: neither is trusted */
			found = (int)w;
		}
	}
	if (found >= 0)
		write_lock = (const int *)(const void *)(outside->base +
							 (size_t)found * 8);
	return 1;
}

static void lock_find(void)
{
	const ElfW(Sym) *sym = NULL;
	void *g = dlsym(RTLD_DEFAULT, "_rtld_global");
	Dl_info di;
	struct owned o;

	if (!g || !dladdr1(g, &di, (void **)&sym, RTLD_DL_SYMENT) || !sym ||
	    sym->st_size > RTLD_WORDS * 8)
		return;
	o.base = g;
	o.size = sym->st_size;
	o.tid = gettid();
	owned_scan(&o);
	real_iterate(find_lock, &o);
}

HIDDEN int perfshim_phdr_lock_known(void)
{
	return write_lock != NULL;
}

/* The lock is taken and the owner is this thread or nobody (yet). */
static int lock_taken_here(pid_t tid)
{
	if (!write_lock)
		return 0;
	int word = __atomic_load_n(&write_lock[0], __ATOMIC_RELAXED);
	int owner = __atomic_load_n(&write_lock[2], __ATOMIC_RELAXED);

	return owner == tid || (word && !owner);
}

HIDDEN int perfshim_phdr_lock_dead(void)
{
	/* The forking thread's own hold, from a walk it was in (a signal
	 * handler forked), is dead too: the owner is the parent's tid. */
	return write_lock &&
	       __atomic_load_n(&write_lock[0], __ATOMIC_RELAXED) != 0;
}

HIDDEN void perfshim_phdr_init(void)
{
	static _Atomic int looked;

	resolve();
	if (real_iterate && !atomic_exchange(&looked, 1))
		lock_find();
}

/* At load, traced or not: a first call may come from a signal handler,
 * where dlsym has no business. The lock is looked for only where the
 * process is traced (perfshim_stack_init): its search asks for the
 * thread's id, a system call a seccomp filter may kill. */
__attribute__((constructor)) static void phdr_load(void)
{
	resolve();
}

HIDDEN void perfshim_phdr_after_fork(void)
{
	/* Only this thread is left; it may be inside a walk of its own. */
	atomic_store(&program_walks, perfshim_in_phdr ? 1 : 0);
	atomic_store(&shim_walks, 0);
}

/* A walk for libunwind on a thread outside any program walk. */
PASS_THROUGH static int shim_walk(phdr_cb cb, void *data, pid_t tid)
{
	int r = 0;

	/* Dekker's handshake with program_walk: one of the two sees the
	 * other (both counters are seq_cst). */
	atomic_fetch_add(&shim_walks, 1);
	if (atomic_load(&program_walks) ||
	    (perfshim_phdr_in_tick && lock_taken_here(tid)))
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
		resolve();
	if (t && !perfshim_in_phdr &&
	    atomic_load_explicit(&t->in_unwind, memory_order_relaxed))
		return shim_walk(cb, data, t->tid);
	return program_walk(cb, data);
}
