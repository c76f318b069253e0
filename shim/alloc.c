/* alloc.c - the allocator interposers: record each call, pass it on. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <malloc.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "perfshim_trace.h"
#include "shim.h"

HIDDEN struct real_alloc perfshim_real;
HIDDEN __thread int perfshim_guard;
HIDDEN __thread struct thread_state *perfshim_self;

/*
 * dlsym() may allocate (its error buffer) before the real allocator is
 * known. Those few early calls are served from this static arena; its
 * blocks are never freed and never recorded.
 */
static _Alignas(64) uint8_t boot_arena[64 * 1024];
static _Atomic size_t boot_used;
static __thread int resolving;

static int in_arena(const void *p)
{
	return (const uint8_t *)p >= boot_arena &&
	       (const uint8_t *)p < boot_arena + sizeof(boot_arena);
}

static void *arena_alloc(size_t size, size_t align)
{
	size_t off, end;

	if (align < 16)
		align = 16;
	/* A size header in front of each block lets realloc copy it. */
	do {
		off = atomic_load(&boot_used);
		size_t start =
			(off + sizeof(size_t) + align - 1) & ~(align - 1);

		end = start + size;
		if (end > sizeof(boot_arena))
			return NULL;
		if (atomic_compare_exchange_weak(&boot_used, &off, end)) {
			memcpy(boot_arena + start - sizeof(size_t), &size,
			       sizeof(size));
			return boot_arena + start;
		}
	} while (1);
}

static size_t arena_size(const void *p)
{
	size_t n;

	memcpy(&n, (const uint8_t *)p - sizeof(size_t), sizeof(n));
	return n;
}

/*
 * The next definition of name. glibc's libc_malloc_debug.so defines the
 * allocator under glibc's versions only, not as defaults (malloc@GLIBC_2.2.5,
 * not malloc@@): the program's calls bind to it, but an unversioned
 * lookup passes it by, and its checks (glibc.malloc.check, perturb)
 * were lost behind the shim. So the version glibc first gave the name,
 * then any.
 */
static int precedes(void *a, void *b);

static void *next_def(const char *name, const char *version)
{
	void *d = dlsym(RTLD_NEXT, name), *v = NULL;

#ifdef __x86_64__
	v = dlvsym(RTLD_NEXT, name, version);
#else
	(void)version;
#endif
	/* Each lookup passes by what the other finds (a version lookup
	 * passes by a jemalloc's unversioned malloc): the first object. */
	return !d || (v && v != d && precedes(v, d)) ? v : d;
}

#define RESOLVE(name, version) \
	perfshim_real.name =   \
		(__typeof__(perfshim_real.name))next_def(#name, version)

HIDDEN void perfshim_resolve_allocator(void)
{
	if (perfshim_real.free)
		return;
	resolving = 1;
	RESOLVE(malloc, "GLIBC_2.2.5");
	RESOLVE(calloc, "GLIBC_2.2.5");
	RESOLVE(realloc, "GLIBC_2.2.5");
	RESOLVE(reallocarray, "GLIBC_2.26");
	RESOLVE(posix_memalign, "GLIBC_2.2.5");
	RESOLVE(aligned_alloc, "GLIBC_2.16");
	RESOLVE(memalign, "GLIBC_2.2.5");
	RESOLVE(valloc, "GLIBC_2.2.5");
	RESOLVE(pvalloc, "GLIBC_2.2.5");
	RESOLVE(malloc_usable_size, "GLIBC_2.2.5");
	/* free last: it is the "resolved" flag other threads look at. */
	void (*f)(void *) = (void (*)(void *))next_def("free", "GLIBC_2.2.5");

	__atomic_store_n(&perfshim_real.free, f, __ATOMIC_RELEASE);
	resolving = 0;
}

/*
 * The shim's own malloc, not through the GOT: when another library that
 * replaces malloc (AddressSanitizer's runtime, an allocator preloaded
 * before the shim) comes first in the lookup order, the name "malloc"
 * means its function, and the program's allocations never reach ours.
 */
static __typeof__(malloc) own_malloc
	__attribute__((alias("malloc"), copy(malloc)));

/*
 * An address of lm's dynamic section: the loader has made most of them
 * absolute, but not in a read-only one (the vDSO's).
 */
static uintptr_t dyn_addr(const struct link_map *lm, ElfW(Addr) v)
{
	return v < lm->l_addr ? lm->l_addr + v : v;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (uint8_t)*s;
	return h;
}

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (; *s; s++) {
		h = (h << 4) + (uint8_t)*s;
		g = h & 0xf0000000u;
		h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* The dynamic symbol name of lm, through its hash table; NULL if none. */
static const ElfW(Sym) * lookup(const struct link_map *lm, const char *name)
{
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *gnu = NULL, *sysv = NULL;

	for (const ElfW(Dyn) *d = lm->l_ld; d && d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_SYMTAB)
			symtab = (const void *)dyn_addr(lm, d->d_un.d_ptr);
		else if (d->d_tag == DT_STRTAB)
			strtab = (const void *)dyn_addr(lm, d->d_un.d_ptr);
		else if (d->d_tag == DT_GNU_HASH)
			gnu = (const void *)dyn_addr(lm, d->d_un.d_ptr);
		else if (d->d_tag == DT_HASH)
			sysv = (const void *)dyn_addr(lm, d->d_un.d_ptr);
	}
	if (!symtab || !strtab)
		return NULL;
	if (gnu) {
		uint32_t nb = gnu[0], off = gnu[1], words = gnu[2], h;
		const uint32_t *buckets, *chain;

		if (!nb)
			return NULL;
		buckets = gnu + 4 + words * (sizeof(ElfW(Addr)) / 4);
		chain = buckets + nb;
		h = gnu_hash(name);
		for (uint32_t i = buckets[h % nb]; i >= off; i++) {
			uint32_t c = chain[i - off];

			if ((c | 1) == (h | 1) &&
			    !strcmp(strtab + symtab[i].st_name, name))
				return &symtab[i];
			if (c & 1)
				break;
		}
		return NULL;
	}
	if (sysv && sysv[0]) {
		const uint32_t *bucket = sysv + 2, *chain = bucket + sysv[0];

		for (uint32_t i = bucket[sysv_hash(name) % sysv[0]];
		     i && i < sysv[1]; i = chain[i])
			if (!strcmp(strtab + symtab[i].st_name, name))
				return &symtab[i];
	}
	return NULL;
}

/*
 * 1 if the object of map lm itself defines a function name (not only a
 * dependency of it, not a canonical PLT entry); *at: its address. Read
 * from its symbol table, not through dlopen(): called from the shim's
 * constructor, a dlopen() there ran libc's initializer before its time,
 * with no arguments and no environment, in a program without PIE that
 * takes malloc's address (node lost its environment and crashed).
 */
static int defines(struct link_map *lm, const char *name, void **at)
{
	const ElfW(Sym) *sym = lookup(lm, name);
	unsigned type = sym ? ELF64_ST_TYPE(sym->st_info) : STT_NOTYPE;

	if (!sym || sym->st_shndx == SHN_UNDEF || !sym->st_value ||
	    (type != STT_FUNC && type != STT_GNU_IFUNC))
		return 0;
	*at = (void *)(lm->l_addr + sym->st_value);
	return 1;
}

/*
 * A program built without PIE that takes malloc's address (Debian's
 * python3.11 and pigz do) has an undefined "malloc" with a value: a
 * canonical PLT entry, which dlsym() gives for the name although it only
 * jumps to the real one. Then the malloc that counts is the first that
 * an object defines, in the lookup order (the preloaded ones first):
 * ours, or another's preloaded before the shim.
 */
static void *skip_canonical_plt(void *m)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	if (!m || !dladdr1(m, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym ||
	    sym->st_shndx != SHN_UNDEF)
		return m;
	/* The loader's list, the program first (no dlopen here either). */
	for (struct link_map *lm = _r_debug.r_map ? _r_debug.r_map->l_next
						  : NULL;
	     lm; lm = lm->l_next)
		if (defines(lm, "malloc", &m))
			break;
	return m;
}

/* 1 if a's object comes before b's in the loader's list (its lookup
 * order for the objects loaded at start). */
static int precedes(void *a, void *b)
{
	struct link_map *la = NULL, *lb = NULL;
	Dl_info info;

	if (!dladdr1(a, &info, (void **)&la, RTLD_DL_LINKMAP) || !la ||
	    !dladdr1(b, &info, (void **)&lb, RTLD_DL_LINKMAP) || !lb)
		return 0;
	for (const struct link_map *l = la->l_next; l; l = l->l_next)
		if (l == lb)
			return 1;
	return 0;
}

HIDDEN const char *perfshim_allocator_foreign(void)
{
	void *m = skip_canonical_plt(dlsym(RTLD_DEFAULT, "malloc"));
	Dl_info info;

#ifdef __x86_64__
	/* The version the program's calls ask for: a malloc defined under
	 * it only, not as the default (libc_malloc_debug.so's), escapes an
	 * unversioned lookup, yet takes every call when it comes first. */
	void *v = skip_canonical_plt(
		dlvsym(RTLD_DEFAULT, "malloc", "GLIBC_2.2.5"));

	if (v && m && v != m && precedes(v, m))
		m = v;
#endif

	/* A sanitizer runtime that let the shim come first (ASan with
	 * verify_asan_link_order=0) still wraps threads and allocations in
	 * ways that call back into the shim under its own locks. */
	static const char *const sanitizers[] = { "__asan_init", "__tsan_init",
						  "__msan_init", "__lsan_init",
						  "__hwasan_init" };

	for (size_t i = 0; !m || m == (void *)own_malloc; i++) {
		if (i == sizeof(sanitizers) / sizeof(sanitizers[0]))
			return NULL;
		m = dlsym(RTLD_DEFAULT, sanitizers[i]);
	}
	if (dladdr(m, &info) && info.dli_fname && *info.dli_fname)
		return info.dli_fname;
	return "another library";
}

static inline int ready(void)
{
	if (UNLIKELY(!__atomic_load_n(&perfshim_real.free, __ATOMIC_ACQUIRE))) {
		if (resolving)
			return 0;
		perfshim_resolve_allocator();
	}
	return 1;
}

/* The calling thread's state, made on its first event; NULL if none. */
static inline struct thread_state *current_thread(void)
{
	struct thread_state *t = perfshim_self;

	return LIKELY(t) ? t : perfshim_thread_get();
}

_Static_assert(4 * PERFSHIM_VARINT_MAX + 1 <= RING_SMALL,
	       "an ALLOC record fits a small ring record");

/*
 * An interposer's own frame address: the stacks of allocations are
 * walked from its caller on (the shim's frames above it were three of a
 * dozen a walk took on churn).
 */
#define HOOK_FRAME() ((uintptr_t)__builtin_frame_address(0))

/*
 * The block's address while the hook records it: parked here, never in a
 * callee-saved register across the shim's calls. There each function
 * under the hook that uses that register saves it in its frame, and once
 * they return those copies lie dead below the program's stack pointer,
 * where the program's next frames may leave them unwritten (abort()'s
 * do, before its SIGABRT): the reachability scan then found a block
 * reachable from a word the program never wrote, where memcheck, whose
 * allocator runs off the program's stack, finds it lost. Natively the
 * address is only ever in the return register. The records below take
 * the address from here before they call anything. parked_new holds
 * realloc's new block while its old one is recorded. Cleared as soon as
 * the hook has them back: a word here is a root too.
 */
HIDDEN __thread volatile uintptr_t perfshim_parked;
static __thread volatile uintptr_t parked_new;

static inline void *unpark(void)
{
	void *p = (void *)perfshim_parked;

	perfshim_parked = 0;
	return p;
}

/*
 * The hot path: called with the guard held, after the real allocator
 * returned the parked block, from the interposer whose frame address is
 * from. Captures the stack and appends one ALLOC event.
 */
HIDDEN void perfshim_record_alloc(int fn, size_t size, uintptr_t from)
{
	struct thread_state *t = current_thread();
	uint8_t rec[RING_SMALL];
	size_t n = 0;

	if (!t)
		return;
	uint64_t ts = perfshim_event_begin(t);

	rec[n++] = PERFSHIM_EV_ALLOC | fn;
	n += perfshim_put_varint(rec + n, ts - t->last_ts);
	n += perfshim_put_varint(rec + n, size);
	n += perfshim_put_varint(rec + n, perfshim_parked);
	n += perfshim_put_varint(rec + n, perfshim_stack_capture(t, from));
	t->last_ts = ts;
	perfshim_emit_small(t, rec, n);
	perfshim_event_end(t);
	OWN_ADD(t->alloc_calls, 1);
	OWN_ADD(t->alloc_bytes, size);
}

/* Appends a FREE event of the parked block with time ts, taken before the
 * block was released. */
static void record_free(struct thread_state *t, uint64_t ts)
{
	uint8_t rec[RING_SMALL];
	size_t n = 0;

	rec[n++] = PERFSHIM_EV_FREE;
	n += perfshim_put_varint(rec + n, ts - t->last_ts);
	n += perfshim_put_varint(rec + n, perfshim_parked);
	t->last_ts = ts;
	perfshim_emit_small(t, rec, n);
	OWN_ADD(t->free_calls, 1);
}

/* Opens a free-type event: its time is taken before the block is released. */
static struct thread_state *free_begin(uint64_t *ts)
{
	struct thread_state *t = current_thread();

	if (t)
		*ts = perfshim_event_begin(t);
	return t;
}

HIDDEN __thread int perfshim_over_guard;

HIDDEN void perfshim_untraced_in_handler(void)
{
	static atomic_flag said = ATOMIC_FLAG_INIT;

	atomic_fetch_add(&perfshim_lost_events, 1);
	if (!atomic_flag_test_and_set(&said))
		perfshim_say("a signal handler allocated or freed while it "
			     "interrupted malloc or free: such calls are not "
			     "traced, and a handler that leaves by longjmp "
			     "leaves its thread untraced (counted as lost "
			     "events: no gate passes on the trace)");
}

HIDDEN int perfshim_in_boot_arena(const void *p)
{
	return in_arena(p);
}

/* A FREE of the parked block, timed now: free()'s, inline on its hot
 * path, and the C++ delete hooks' (cxxnew.c). */
static inline void record_free_now(void)
{
	uint64_t ts;
	struct thread_state *t = free_begin(&ts);

	if (t) {
		record_free(t, ts);
		perfshim_event_end(t);
	}
}

HIDDEN void perfshim_record_free(void)
{
	record_free_now();
}

EXPORT void *malloc(size_t size)
{
	if (UNLIKELY(!ready()))
		return arena_alloc(size, 16);
	if (!perfshim_tracing())
		return perfshim_real.malloc(size);
	perfshim_guard++;
	perfshim_parked = (uintptr_t)perfshim_real.malloc(size);
	int e = errno;

	if (perfshim_parked)
		perfshim_record_alloc(PERFSHIM_FN_MALLOC, size, HOOK_FRAME());
	void *p = unpark();

	perfshim_guard--;
	errno = e;
	return p;
}

EXPORT void free(void *p)
{
	if (!p || UNLIKELY(in_arena(p)))
		return;
	if (UNLIKELY(!ready()))
		return;
	if (!perfshim_tracing()) {
		perfshim_real.free(p);
		return;
	}
	perfshim_guard++;
	perfshim_parked = (uintptr_t)p;
	int e = errno;

	record_free_now();
	perfshim_real.free(unpark());
	perfshim_guard--;
	errno = e;
}

EXPORT void *calloc(size_t n, size_t size)
{
	if (UNLIKELY(!ready())) {
		size_t total;

		if (__builtin_mul_overflow(n, size, &total))
			return NULL;
		return arena_alloc(total, 16); /* static memory is zeroed */
	}
	if (!perfshim_tracing())
		return perfshim_real.calloc(n, size);
	perfshim_guard++;
	perfshim_parked = (uintptr_t)perfshim_real.calloc(n, size);
	int e = errno;

	if (perfshim_parked)
		perfshim_record_alloc(PERFSHIM_FN_CALLOC, n * size,
				      HOOK_FRAME());
	void *p = unpark();

	perfshim_guard--;
	errno = e;
	return p;
}

/* realloc and reallocarray: a free of the old block and an alloc of the new. */
static void *do_realloc(int fn, void *old, size_t n, size_t size,
			uintptr_t from)
{
	size_t total = n * size;

	if (!perfshim_tracing()) {
		return fn == PERFSHIM_FN_REALLOC
			       ? perfshim_real.realloc(old, size)
			       : perfshim_real.reallocarray(old, n, size);
	}
	perfshim_guard++;
	perfshim_parked = (uintptr_t)old;
	uint64_t ts = 0;
	struct thread_state *t = perfshim_parked ? free_begin(&ts) : NULL;

	parked_new =
		(uintptr_t)(fn == PERFSHIM_FN_REALLOC
				    ? perfshim_real.realloc(
					      (void *)perfshim_parked, size)
				    : perfshim_real.reallocarray(
					      (void *)perfshim_parked, n,
					      size));
	int e = errno;

	/* Failure leaves old untouched; realloc(old, 0) may free it. */
	if (t && (parked_new || total == 0))
		record_free(t, ts);
	if (t)
		perfshim_event_end(t);
	perfshim_parked = parked_new;
	parked_new = 0;
	if (perfshim_parked)
		perfshim_record_alloc(fn, total, from);
	void *p = unpark();

	perfshim_guard--;
	errno = e;
	return p;
}

EXPORT void *realloc(void *old, size_t size)
{
	if (UNLIKELY(!ready() || in_arena(old))) {
		void *p;

		if (!in_arena(old) && perfshim_real.realloc)
			return perfshim_real.realloc(old, size);
		p = ready() ? malloc(size) : arena_alloc(size, 16);
		if (p && old) {
			size_t n = arena_size(old);

			memcpy(p, old, n < size ? n : size);
		}
		return p;
	}
	return do_realloc(PERFSHIM_FN_REALLOC, old, 1, size, HOOK_FRAME());
}

EXPORT void *reallocarray(void *old, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total) ||
	    UNLIKELY(in_arena(old))) {
		if (!in_arena(old) && ready())
			return perfshim_real.reallocarray(old, n, size);
		errno = ENOMEM;
		return NULL;
	}
	if (UNLIKELY(!ready()))
		return realloc(old, total);
	return do_realloc(PERFSHIM_FN_REALLOCARRAY, old, n, size, HOOK_FRAME());
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	if (UNLIKELY(!ready())) {
		*out = arena_alloc(size, align);
		return *out ? 0 : ENOMEM;
	}
	if (!perfshim_tracing())
		return perfshim_real.posix_memalign(out, align, size);
	perfshim_guard++;
	int r = perfshim_real.posix_memalign(out, align, size);
	int e = errno; /* glibc sets ENOMEM as well as returning it */

	/* (the block is in the program's *out, a live word) */
	if (r == 0 && *out) {
		perfshim_parked = (uintptr_t)*out;
		perfshim_record_alloc(PERFSHIM_FN_POSIX_MEMALIGN, size,
				      HOOK_FRAME());
		perfshim_parked = 0;
	}
	perfshim_guard--;
	errno = e;
	return r;
}

/* The aligned family that returns the block: one body, four names. */
#define ALIGNED_HOOK(name, FN, params, args, size_expr)                     \
	EXPORT void *name params                                            \
	{                                                                   \
		if (UNLIKELY(!ready()))                                     \
			return NULL;                                        \
		if (!perfshim_tracing())                                    \
			return perfshim_real.name args;                     \
		perfshim_guard++;                                           \
		perfshim_parked = (uintptr_t)perfshim_real.name args;       \
		int e = errno;                                              \
		if (perfshim_parked)                                        \
			perfshim_record_alloc(FN, size_expr, HOOK_FRAME()); \
		void *p = unpark();                                         \
		perfshim_guard--;                                           \
		errno = e;                                                  \
		return p;                                                   \
	}

ALIGNED_HOOK(aligned_alloc, PERFSHIM_FN_ALIGNED_ALLOC,
	     (size_t align, size_t size), (align, size), size)
ALIGNED_HOOK(memalign, PERFSHIM_FN_MEMALIGN, (size_t align, size_t size),
	     (align, size), size)
ALIGNED_HOOK(valloc, PERFSHIM_FN_VALLOC, (size_t size), (size), size)
/* pvalloc rounds up to whole pages; the program owns all of them. */
ALIGNED_HOOK(pvalloc, PERFSHIM_FN_PVALLOC, (size_t size), (size),
	     perfshim_real.malloc_usable_size((void *)perfshim_parked))

EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (in_arena(p))
		return arena_size(p);
	if (UNLIKELY(!ready()))
		return 0;
	return perfshim_real.malloc_usable_size(p);
}
