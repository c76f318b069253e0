/*
 * libownnew.so - C++'s operator new and delete of its own, as jemalloc's,
 * tcmalloc's and mimalloc's libraries define them: blocks carved from a
 * mapping of its own, never through malloc and free. Preloaded after the
 * shim (or linked), a C++ program's new and delete reach it and not
 * libstdc++'s. Deleted blocks are not reused. With OWNNEW_REPORT=1 it
 * says at exit, on stderr, "ownnew: N new, M delete". OWNNEW_ARENA_GB
 * sets the mapping's size (default 0.25: 256 MiB; it is reserved, not
 * committed, so terabytes are fine).
 *
 * Written in C under the operators' mangled names (the Itanium ABI's:
 * size_t is m, align_val_t is passed as a size_t, a nothrow_t by
 * reference).
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static size_t arena_size = (size_t)256 << 20;
#define ARENA arena_size

/* The mapping's start: its first block's header, not a block. */
static uint8_t *arena;
static _Atomic size_t used;
static _Atomic unsigned long news, deletes;

static void *take(size_t n, size_t align)
{
	size_t off, start;

	if (!arena) {
		const char *gb = getenv("OWNNEW_ARENA_GB");

		if (gb && atol(gb) > 0)
			arena_size = (size_t)atol(gb) << 30;
		void *m = mmap(NULL, ARENA, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);

		if (m == MAP_FAILED)
			abort();
		arena = m; /* (the first call comes before any thread) */
	}
	if (align < 16)
		align = 16;
	do {
		off = atomic_load(&used);
		start = (off + 16 + align - 1) / align * align;
		if (start + n > ARENA)
			return NULL;
	} while (!atomic_compare_exchange_weak(&used, &off, start + n));
	atomic_fetch_add(&news, 1);
	return arena + start;
}

static void give(void *p)
{
	if (p)
		atomic_fetch_add(&deletes, 1);
}

void *_Znwm(size_t n);
void *_Znam(size_t n);
void *_ZnwmRKSt9nothrow_t(size_t n, const void *nt);
void *_ZnamRKSt9nothrow_t(size_t n, const void *nt);
void *_ZnwmSt11align_val_t(size_t n, size_t al);
void *_ZnamSt11align_val_t(size_t n, size_t al);
void _ZdlPv(void *p);
void _ZdaPv(void *p);
void _ZdlPvm(void *p, size_t n);
void _ZdaPvm(void *p, size_t n);
void _ZdlPvSt11align_val_t(void *p, size_t al);
void _ZdaPvSt11align_val_t(void *p, size_t al);
void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t al);
void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t al);

void *_Znwm(size_t n)
{
	void *p = take(n, 16);

	if (!p)
		abort(); /* no bad_alloc from C */
	return p;
}

void *_Znam(size_t n)
{
	return _Znwm(n);
}

void *_ZnwmRKSt9nothrow_t(size_t n, const void *nt)
{
	(void)nt;
	return take(n, 16);
}

void *_ZnamRKSt9nothrow_t(size_t n, const void *nt)
{
	(void)nt;
	return take(n, 16);
}

void *_ZnwmSt11align_val_t(size_t n, size_t al)
{
	void *p = take(n, al);

	if (!p)
		abort();
	return p;
}

void *_ZnamSt11align_val_t(size_t n, size_t al)
{
	return _ZnwmSt11align_val_t(n, al);
}

void _ZdlPv(void *p)
{
	give(p);
}

void _ZdaPv(void *p)
{
	give(p);
}

void _ZdlPvm(void *p, size_t n)
{
	(void)n;
	give(p);
}

void _ZdaPvm(void *p, size_t n)
{
	(void)n;
	give(p);
}

void _ZdlPvSt11align_val_t(void *p, size_t al)
{
	(void)al;
	give(p);
}

void _ZdaPvSt11align_val_t(void *p, size_t al)
{
	(void)al;
	give(p);
}

void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t al)
{
	(void)n;
	(void)al;
	give(p);
}

void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t al)
{
	(void)n;
	(void)al;
	give(p);
}

__attribute__((destructor)) static void report(void)
{
	const char *r = getenv("OWNNEW_REPORT");

	if (r && *r == '1')
		fprintf(stderr, "ownnew: %lu new, %lu delete\n",
			atomic_load(&news), atomic_load(&deletes));
}
