/*
 * mem.c - the shim's own memory, straight from the kernel, and a registry
 * of it: the reachability scan must not take the shim's tables, buffers
 * and compressor state for the program's memory (they hold copies of heap
 * addresses), so every mapping the shim makes is recorded here.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <sys/mman.h>

#include "mem.h"

#define REGIONS 16384
/* Where perfshim_dense asks for huge pages: two of them and more. */
#define DENSE_HUGE ((size_t)4 << 20)

/* lo == 0: a free slot. Written with atomics: the scan may read it from a
 * signal handler while another thread maps. */
static struct {
	_Atomic uintptr_t lo, hi;
} regions[REGIONS];
static _Atomic size_t hint;
/* One past the highest slot ever used: the loops over the registry stop
 * there, not at 16384 (256 KiB, each page of it a fault when first read). */
static _Atomic size_t top;

static void add(void *p, size_t n)
{
	uintptr_t lo = (uintptr_t)p;
	size_t start = atomic_load_explicit(&hint, memory_order_relaxed);

	for (size_t k = 0; k < REGIONS; k++) {
		size_t i = (start + k) % REGIONS;
		uintptr_t zero = 0;

		if (atomic_load_explicit(&regions[i].lo, memory_order_relaxed))
			continue;
		if (atomic_compare_exchange_strong(&regions[i].lo, &zero, lo)) {
			size_t t = atomic_load(&top);

			while (t <= i &&
			       !atomic_compare_exchange_weak(&top, &t, i + 1))
				;
			atomic_store(&regions[i].hi, lo + n);
			atomic_store_explicit(&hint, i + 1,
					      memory_order_relaxed);
			return;
		}
	}
	/* No room: the scan takes the mapping for a root, nothing worse. */
}

static void drop(void *p)
{
	uintptr_t lo = (uintptr_t)p;
	size_t end = atomic_load(&top);

	for (size_t i = 0; i < end; i++) {
		if (atomic_load_explicit(&regions[i].lo,
					 memory_order_relaxed) != lo)
			continue;
		atomic_store(&regions[i].hi, 0);
		atomic_store(&regions[i].lo, 0);
		atomic_store_explicit(&hint, i, memory_order_relaxed);
		return;
	}
}

static void *map_flags(size_t n, int flags)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	add(p, n);
	return p;
}

HIDDEN void *perfshim_map(size_t n)
{
	return map_flags(n, MAP_NORESERVE);
}

HIDDEN void *perfshim_map_resident(size_t n)
{
	return map_flags(n, MAP_POPULATE);
}

HIDDEN void perfshim_dense(void *p, size_t n)
{
	if (p && n >= DENSE_HUGE)
		(void)madvise(p, n, MADV_HUGEPAGE);
}

HIDDEN void *perfshim_remap(void *p, size_t old, size_t n)
{
	if (!p)
		return perfshim_map(n);
	void *q = mremap(p, old, n, MREMAP_MAYMOVE);

	if (q == MAP_FAILED)
		return NULL;
	drop(p);
	add(q, n);
	return q;
}

HIDDEN void perfshim_unmap(void *p, size_t n)
{
	if (!p)
		return;
	drop(p);
	munmap(p, n);
}

HIDDEN size_t perfshim_own_regions(void (*fn)(uintptr_t lo, uintptr_t hi))
{
	size_t n = 0, end = atomic_load(&top);

	for (size_t i = 0; i < end; i++) {
		uintptr_t lo = atomic_load(&regions[i].lo);
		uintptr_t hi = atomic_load(&regions[i].hi);

		if (lo && hi > lo) {
			fn(lo, hi);
			n++;
		}
	}
	return n;
}
