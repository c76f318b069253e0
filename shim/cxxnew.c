/*
 * cxxnew.c - C++'s operator new and delete: passed on to the C++
 * runtime's, or recorded where the next ones never reach malloc and free.
 *
 * libstdc++'s and libc++'s operators call malloc and free, whose hooks
 * see them (with the operator's frame in the stack, as memcheck shows
 * it). An allocator library that defines operators of its own (jemalloc,
 * tcmalloc, mimalloc: linked to the program, or preloaded after the
 * shim) comes before libstdc++ in the lookup order and never calls
 * malloc: every new and delete of a C++ program went untraced, and its
 * leaks unreported ("No leaks", a gate that passed). So each operator is
 * defined here too. Where the next definition is a C++ runtime's, it
 * jumps there (a tail call: no frame of ours is left in the stack, and
 * the hooks record the malloc inside as before). Where it is anyone
 * else's, the call is recorded around it, with the guard held so that a
 * malloc it makes is not recorded twice. Where there is none (a C++
 * runtime that only a library loaded with RTLD_LOCAL sees, and none in
 * the global scope), dlopen(RTLD_NOLOAD) finds libstdc++ or libc++; and
 * with none at all, new and delete are malloc and free.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "shim.h"

enum kind {
	K_NEW,	     /* (size) */
	K_NEW_NT,    /* (size, const nothrow_t &) */
	K_NEW_AL,    /* (size, align_val_t) */
	K_NEW_AL_NT, /* (size, align_val_t, const nothrow_t &) */
	K_DEL,	     /* (ptr) */
	K_DEL_2,     /* (ptr, size), (ptr, align_val_t), (ptr, nothrow) */
	K_DEL_3,     /* (ptr, size, align_val_t), (ptr, align, nothrow) */
};

enum { UNRESOLVED, PASS_ON, RECORD, NONE };

struct op {
	const char *name;
	enum kind kind;
	_Atomic int how;
	void *real;
};

typedef void *(*new1)(size_t);
typedef void *(*new2)(size_t, uintptr_t);
typedef void *(*new3)(size_t, uintptr_t, uintptr_t);
typedef void (*del1)(void *);
typedef void (*del2)(void *, uintptr_t);
typedef void (*del3)(void *, uintptr_t, uintptr_t);

static int is_cxx_runtime(void *f)
{
	Dl_info di;
	const char *base;

	if (!dladdr(f, &di) || !di.dli_fname)
		return 0;
	base = strrchr(di.dli_fname, '/');
	base = base ? base + 1 : di.dli_fname;
	return !strncmp(base, "libstdc++", 9) || !strncmp(base, "libc++", 6);
}

/* Once per operator, on its first call (another thread may race it to
 * the same answer). */
static int resolve(struct op *o)
{
	static const char *const runtimes[] = { "libstdc++.so.6",
						"libc++.so.1" };
	void *f = dlsym(RTLD_NEXT, o->name);

	for (size_t i = 0; !f && i < sizeof(runtimes) / sizeof(*runtimes);
	     i++) {
		void *h = dlopen(runtimes[i], RTLD_LAZY | RTLD_NOLOAD);

		if (h) {
			f = dlsym(h, o->name);
			dlclose(h);
		}
	}
	o->real = f;
	int how = !f ? NONE : is_cxx_runtime(f) ? PASS_ON : RECORD;

	atomic_store_explicit(&o->how, how, memory_order_release);
	return how;
}

static inline int how_of(struct op *o)
{
	int how = atomic_load_explicit(&o->how, memory_order_acquire);

	return LIKELY(how != UNRESOLVED) ? how : resolve(o);
}

static void guard_end(int *unused)
{
	(void)unused;
	perfshim_guard--;
}

/* A new of an allocator that is not the C++ runtime's, recorded. Its
 * exception (bad_alloc) goes through: this file is built with
 * -fexceptions, so that the guard is given back on the way. */
static __attribute__((noinline)) void *
new_recorded(const struct op *o, size_t n, uintptr_t a, uintptr_t b)
{
	int guard __attribute__((cleanup(guard_end))) = ++perfshim_guard;

	(void)guard;
	switch (o->kind) {
	case K_NEW:
		perfshim_parked = (uintptr_t)((new1)o->real)(n);
		break;
	case K_NEW_NT:
	case K_NEW_AL:
		perfshim_parked = (uintptr_t)((new2)o->real)(n, a);
		break;
	default:
		perfshim_parked = (uintptr_t)((new3)o->real)(n, a, b);
		break;
	}
	int e = errno;

	if (perfshim_parked)
		perfshim_record_alloc(o->kind == K_NEW || o->kind == K_NEW_NT
					      ? PERFSHIM_FN_MALLOC
					      : PERFSHIM_FN_ALIGNED_ALLOC,
				      n, (uintptr_t)__builtin_frame_address(0));
	void *p = (void *)perfshim_parked;

	perfshim_parked = 0;
	errno = e;
	return p;
}

/* With no operator to pass on to: malloc's, through its hook. */
static __attribute__((noinline)) void *new_by_malloc(const struct op *o,
						     size_t n, uintptr_t a)
{
	if (o->kind == K_NEW || o->kind == K_NEW_NT || a <= 16)
		return malloc(n ? n : 1);
	return aligned_alloc(a, (n + a - 1) / a * a);
}

static __attribute__((noinline)) void
delete_recorded(const struct op *o, void *p, uintptr_t a, uintptr_t b)
{
	int e = errno;

	perfshim_guard++;
	perfshim_parked = (uintptr_t)p;
	perfshim_record_free();
	p = (void *)perfshim_parked;
	perfshim_parked = 0;
	switch (o->kind) {
	case K_DEL:
		((del1)o->real)(p);
		break;
	case K_DEL_2:
		((del2)o->real)(p, a);
		break;
	default:
		((del3)o->real)(p, a, b);
		break;
	}
	perfshim_guard--;
	errno = e;
}

/*
 * The operators. The C++ runtime's is reached by a jump, so that its
 * frame stands where it stands without the shim. PASS_THROUGH: were a
 * frame of one of these ever left in a stack, a walk goes on through it.
 */
#define NEW_OP(sym, K, params, a, b)                                        \
	EXPORT PASS_THROUGH void *sym params;                               \
	EXPORT PASS_THROUGH void *sym params                                \
	{                                                                   \
		static struct op o = { #sym, K, UNRESOLVED, NULL };         \
		int how = how_of(&o);                                       \
                                                                            \
		if (how == NONE)                                            \
			return new_by_malloc(&o, n, (uintptr_t)(a));        \
		if (how == PASS_ON || !perfshim_tracing())                  \
			return ((new3)o.real)(n, (uintptr_t)(a),            \
					      (uintptr_t)(b));              \
		return new_recorded(&o, n, (uintptr_t)(a), (uintptr_t)(b)); \
	}

#define DELETE_OP(sym, K, params, a, b)                                    \
	EXPORT PASS_THROUGH void sym params;                               \
	EXPORT PASS_THROUGH void sym params                                \
	{                                                                  \
		static struct op o = { #sym, K, UNRESOLVED, NULL };        \
		int how = how_of(&o);                                      \
                                                                           \
		if (how == NONE) {                                         \
			free(p);                                           \
			return;                                            \
		}                                                          \
		if (how == PASS_ON || !p || !perfshim_tracing() ||         \
		    perfshim_in_boot_arena(p)) {                           \
			((del3)o.real)(p, (uintptr_t)(a), (uintptr_t)(b)); \
			return;                                            \
		}                                                          \
		delete_recorded(&o, p, (uintptr_t)(a), (uintptr_t)(b));    \
	}

/* The arguments' types as the Itanium ABI passes them: align_val_t and
 * size_t in integer registers, a nothrow_t by reference. */
NEW_OP(_Znwm, K_NEW, (size_t n), 0, 0)
NEW_OP(_Znam, K_NEW, (size_t n), 0, 0)
NEW_OP(_ZnwmRKSt9nothrow_t, K_NEW_NT, (size_t n, const void *nt), nt, 0)
NEW_OP(_ZnamRKSt9nothrow_t, K_NEW_NT, (size_t n, const void *nt), nt, 0)
NEW_OP(_ZnwmSt11align_val_t, K_NEW_AL, (size_t n, size_t al), al, 0)
NEW_OP(_ZnamSt11align_val_t, K_NEW_AL, (size_t n, size_t al), al, 0)
NEW_OP(_ZnwmSt11align_val_tRKSt9nothrow_t, K_NEW_AL_NT,
       (size_t n, size_t al, const void *nt), al, nt)
NEW_OP(_ZnamSt11align_val_tRKSt9nothrow_t, K_NEW_AL_NT,
       (size_t n, size_t al, const void *nt), al, nt)

DELETE_OP(_ZdlPv, K_DEL, (void *p), 0, 0)
DELETE_OP(_ZdaPv, K_DEL, (void *p), 0, 0)
DELETE_OP(_ZdlPvm, K_DEL_2, (void *p, size_t n), n, 0)
DELETE_OP(_ZdaPvm, K_DEL_2, (void *p, size_t n), n, 0)
DELETE_OP(_ZdlPvRKSt9nothrow_t, K_DEL_2, (void *p, const void *nt), nt, 0)
DELETE_OP(_ZdaPvRKSt9nothrow_t, K_DEL_2, (void *p, const void *nt), nt, 0)
DELETE_OP(_ZdlPvSt11align_val_t, K_DEL_2, (void *p, size_t al), al, 0)
DELETE_OP(_ZdaPvSt11align_val_t, K_DEL_2, (void *p, size_t al), al, 0)
DELETE_OP(_ZdlPvmSt11align_val_t, K_DEL_3, (void *p, size_t n, size_t al), n,
	  al)
DELETE_OP(_ZdaPvmSt11align_val_t, K_DEL_3, (void *p, size_t n, size_t al), n,
	  al)
DELETE_OP(_ZdlPvSt11align_val_tRKSt9nothrow_t, K_DEL_3,
	  (void *p, size_t al, const void *nt), al, nt)
DELETE_OP(_ZdaPvSt11align_val_tRKSt9nothrow_t, K_DEL_3,
	  (void *p, size_t al, const void *nt), al, nt)
