/* modules.c - record loaded objects (path, build-id, segments) and their changes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"
#include "fds.h"
#include "mem.h"
#include "perfshim_trace.h"
#include "shim.h"

/*
 * What the trace has been told is loaded. Scans compare the live list
 * from dl_iterate_phdr against it and write the differences. Lookups of
 * "is this address in a known module" read the ranges without a lock,
 * under a sequence count; an array too small for a scan is replaced by
 * one twice its size and kept (a reader may still be in it), so a
 * program that loads and unloads in a loop costs no memory.
 *
 * An address of a module that is gone may come back in another one, so
 * the stack nodes made for it must not be found again: then the stack
 * epoch changes (every stack is interned anew). Only then: a module in
 * no stack (most that come and go) costs no new nodes when it goes.
 */
struct known {
	uint64_t id;
	uint64_t bias;
	uint64_t lo, hi;
	char name[256];
	int seen;
	int used; /* some stack node holds an address in it */
};

struct ranges {
	size_t cap;
	_Atomic size_t n;
	struct {
		_Atomic uint64_t lo, hi;
		_Atomic int used;
	} r[];
};

static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;
static struct known *known;
static size_t nknown, capknown;
static uint64_t next_module_id = 1;
static unsigned long long last_adds = ~0ull, last_subs = ~0ull;
static struct ranges *_Atomic snapshot;
static _Atomic unsigned ranges_seq; /* odd while the ranges change */
/*
 * The modules of the first scan (the program, its needed libraries, the
 * shim): they are never unloaded, so their addresses need no epoch.
 * Written once before recording starts, read-only after.
 */
#define PERMANENT_MAX 128
static struct {
	uint64_t lo, hi;
} permanent[PERMANENT_MAX];
static int npermanent, permanent_done;
/* A node's address could not be marked in its module (a signal handler
 * met an unknown one, or the ranges changed): the next unload counts as
 * that of a used module. */
static _Atomic int unmarked_use;
/* A sample met an address of no known module: the writer scans. */
static _Atomic int unknown_in_handler;
/* The shim's own code, to drop its frames from stacks (see shim.h). */
HIDDEN uintptr_t perfshim_self_lo, perfshim_self_hi;

static int self_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t me = (uintptr_t)data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && me >= lo &&
		    me < lo + ph->p_memsz) {
			perfshim_self_lo = lo;
			perfshim_self_hi = lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

HIDDEN void perfshim_modules_self_range(void)
{
	dl_iterate_phdr(self_cb,
			(void *)(uintptr_t)&perfshim_modules_self_range);
}

static size_t build_id(const struct dl_phdr_info *info, const uint8_t **out)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE)
			continue;
		const uint8_t *p =
			(const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		const uint8_t *end = p + ph->p_memsz;

		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const uint8_t *name = p + sizeof(*nh);
			const uint8_t *desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 && !memcmp(name, "GNU", 4)) {
				*out = desc;
				return nh->n_descsz;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 0;
}

static const char *module_name(const struct dl_phdr_info *info, char *buf,
			       size_t len)
{
	if (info->dlpi_name && info->dlpi_name[0])
		return info->dlpi_name;
	/* The main program has no name in the list. */
	ssize_t n = perfshim_proc_readlink("exe", buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static void emit_module(const struct dl_phdr_info *info, const char *name,
			uint64_t id)
{
	uint8_t buf[4096];
	struct enc e = { buf, 0, sizeof(buf) };
	const uint8_t *bid = NULL;
	size_t bidlen = build_id(info, &bid);
	int nseg = 0;

	for (int i = 0; i < info->dlpi_phnum; i++)
		nseg += info->dlpi_phdr[i].p_type == PT_LOAD;
	enc_u(&e, id);
	enc_u(&e, info->dlpi_addr);
	enc_str(&e, name);
	enc_u(&e, bidlen);
	enc_bytes(&e, bid, bidlen);
	enc_u(&e, (uint64_t)nseg);
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		enc_u(&e, info->dlpi_addr + ph->p_vaddr);
		enc_u(&e, ph->p_memsz);
		enc_u(&e, ph->p_flags);
	}
	if (e.len <= e.cap)
		perfshim_meta(PERFSHIM_REC_MODULE, buf, e.len);
}

static void span(const struct dl_phdr_info *info, uint64_t *lo, uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		uint64_t a = info->dlpi_addr + ph->p_vaddr;

		if (a < *lo)
			*lo = a;
		if (a + ph->p_memsz > *hi)
			*hi = a + ph->p_memsz;
	}
}

static int scan_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	char path[4096];
	const char *name = module_name(info, path, sizeof(path));
	uint64_t lo, hi;

	(void)size;
	(void)data;
	span(info, &lo, &hi);
	if (hi <= lo)
		return 0;
	for (size_t i = 0; i < nknown; i++) {
		if (known[i].bias == info->dlpi_addr && known[i].lo == lo &&
		    !strncmp(known[i].name, name, sizeof(known[i].name) - 1)) {
			known[i].seen = 1;
			return 0;
		}
	}
	if (nknown == capknown) {
		size_t cap = capknown ? 2 * capknown : 64;
		/* The shim's own pages, not malloc: on the writer thread
		 * malloc would make an arena (64 MiB of address space). */
		struct known *k = perfshim_remap(known, capknown * sizeof(*k),
						 cap * sizeof(*k));

		if (!k)
			return 0;
		known = k;
		capknown = cap;
	}
	struct known *k = &known[nknown++];

	k->id = next_module_id++;
	k->bias = info->dlpi_addr;
	k->lo = lo;
	k->hi = hi;
	k->seen = 1;
	k->used = 0;
	if (!permanent_done && npermanent < PERMANENT_MAX) {
		permanent[npermanent].lo = lo;
		permanent[npermanent++].hi = hi;
	}
	/* Cut to fit, as the comparison above expects. */
	size_t n = strnlen(name, sizeof(k->name) - 1);

	memcpy(k->name, name, n);
	k->name[n] = 0;
	emit_module(info, name, k->id);
	return 0;
}

static int counters_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	unsigned long long *c = data;

	if (size < offsetof(struct dl_phdr_info, dlpi_subs) +
			   sizeof(info->dlpi_subs)) {
		c[0] = c[1] = ~0ull - 1; /* unknown: always rescan */
		return 1;
	}
	c[0] = info->dlpi_adds;
	c[1] = info->dlpi_subs;
	return 1;
}

/* A bigger array for n ranges (the old one stays: see struct known). */
static struct ranges *ranges_room(size_t n)
{
	struct ranges *r = atomic_load(&snapshot);
	size_t cap = r ? 2 * r->cap : 64;

	if (r && r->cap >= n)
		return r;
	while (cap < n)
		cap *= 2;
	struct ranges *q = perfshim_map(sizeof(*q) + cap * sizeof(q->r[0]));

	if (!q)
		return r;
	q->cap = cap;
	atomic_init(&q->n, 0);
	atomic_store_explicit(&snapshot, q, memory_order_release);
	return q;
}

/* Called with module_lock held. */
static void publish_ranges(void)
{
	struct ranges *r = ranges_room(nknown);
	size_t n = nknown;

	if (!r)
		return;
	if (n > r->cap)
		n = r->cap; /* no memory for more: the rest look unknown */
	atomic_fetch_add(&ranges_seq, 1);
	atomic_thread_fence(memory_order_release);
	for (size_t i = 0; i < n; i++) {
		atomic_store_explicit(&r->r[i].lo, known[i].lo,
				      memory_order_relaxed);
		atomic_store_explicit(&r->r[i].hi, known[i].hi,
				      memory_order_relaxed);
		atomic_store_explicit(&r->r[i].used, known[i].used,
				      memory_order_relaxed);
	}
	atomic_store_explicit(&r->n, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&ranges_seq, 1, memory_order_release);
}

/* The marks lookups left in the ranges, into known[] (same order). */
static void fold_marks(void)
{
	struct ranges *r = atomic_load(&snapshot);
	size_t n = r ? atomic_load(&r->n) : 0;

	for (size_t i = 0; i < n && i < nknown; i++)
		if (atomic_load_explicit(&r->r[i].used, memory_order_relaxed))
			known[i].used = 1;
}

/* Compare the loaded objects with what the trace knows; write changes. */
HIDDEN void perfshim_modules_scan(void)
{
	unsigned long long c[2];
	int gone = 0;

	perfshim_guard++;
	pthread_mutex_lock(&module_lock);
	dl_iterate_phdr(counters_cb, c);
	if (c[0] == last_adds && c[1] == last_subs)
		goto out;
	last_adds = c[0];
	last_subs = c[1];
	fold_marks();
	for (size_t i = 0; i < nknown; i++)
		known[i].seen = 0;
	dl_iterate_phdr(scan_cb, NULL);
	for (size_t i = 0; i < nknown;) {
		if (known[i].seen) {
			i++;
			continue;
		}
		uint8_t buf[PERFSHIM_VARINT_MAX];
		size_t n = perfshim_put_varint(buf, known[i].id);

		perfshim_meta(PERFSHIM_REC_MODULE_GONE, buf, n);
		gone |= known[i].used;
		known[i] = known[--nknown];
		if (atomic_exchange(&unmarked_use, 0))
			gone = 1;
	}
	if (gone)
		perfshim_stack_new_epoch();
	permanent_done = 1;
	publish_ranges();
out:
	pthread_mutex_unlock(&module_lock);
	perfshim_guard--;
}

HIDDEN int perfshim_modules_permanent(uint64_t ip)
{
	for (int i = 0; i < npermanent; i++)
		if (ip >= permanent[i].lo && ip < permanent[i].hi)
			return 1;
	return 0;
}

/*
 * 1 if ip lies in a known module, which is then marked used; 0 if not,
 * or if the ranges changed meanwhile. Lock-free: safe in a handler.
 */
static int mark_known(uint64_t ip)
{
	unsigned seq = atomic_load_explicit(&ranges_seq, memory_order_acquire);
	struct ranges *r =
		atomic_load_explicit(&snapshot, memory_order_acquire);
	int found = 0;

	if (!r || (seq & 1))
		return 0;
	size_t n = atomic_load_explicit(&r->n, memory_order_relaxed);

	for (size_t i = 0; i < n && !found; i++) {
		if (ip < atomic_load_explicit(&r->r[i].lo,
					      memory_order_relaxed) ||
		    ip >= atomic_load_explicit(&r->r[i].hi,
					       memory_order_relaxed))
			continue;
		found = 1;
		if (!atomic_load_explicit(&r->r[i].used, memory_order_relaxed))
			atomic_store_explicit(&r->r[i].used, 1,
					      memory_order_relaxed);
	}
	atomic_thread_fence(memory_order_acquire);
	return found &&
	       atomic_load_explicit(&ranges_seq, memory_order_relaxed) == seq;
}

/*
 * A new stack node whose address lies in no known module means something
 * was loaded behind our back (dlopen, NSS, iconv, libgcc_s): rescan
 * before the node is written, so the module record comes first.
 */
HIDDEN void perfshim_modules_check(uint64_t ip)
{
	if (mark_known(ip))
		return;
	/* A scan allocates and locks: never from the sampler's handler. The
	 * node then comes before its module; the analyzer looks again. */
	if (perfshim_in_handler) {
		atomic_store(&unmarked_use, 1);
		atomic_store(&unknown_in_handler, 1);
		return;
	}
	perfshim_modules_scan();
	if (!mark_known(ip))
		atomic_store(&unmarked_use, 1);
}

HIDDEN void perfshim_modules_poll(void)
{
	if (atomic_load_explicit(&unknown_in_handler, memory_order_relaxed) &&
	    atomic_exchange(&unknown_in_handler, 0))
		perfshim_modules_scan();
}

/* In a forked child, first: fork_prepare's hold on the lock is the
 * parent's. */
HIDDEN void perfshim_modules_after_fork(void)
{
	pthread_mutex_init(&module_lock, NULL);
}

/* In a forked child: the new trace must describe every module again. */
HIDDEN void perfshim_modules_reset(void)
{
	nknown = 0;
	last_adds = last_subs = ~0ull;
	perfshim_modules_scan();
}

HIDDEN void perfshim_modules_lock(void)
{
	pthread_mutex_lock(&module_lock);
}

HIDDEN void perfshim_modules_unlock(void)
{
	pthread_mutex_unlock(&module_lock);
}

/*
 * dlopen() and dlmopen() are not interposed: the loader takes the
 * caller's return address to choose the RUNPATH, $ORIGIN and namespace
 * to search, and the caller must stay the program. What they load is
 * found when an address of it first lands in a stack (see
 * perfshim_modules_check), and at exit. dlclose() needs no caller: the
 * scans around it record what was loaded meanwhile while it is still
 * there (samples may lie in it), then what went away, before another
 * module can take its addresses.
 */
static int (*real_dlclose)(void *);

EXPORT int dlclose(void *h)
{
	if (!real_dlclose)
		real_dlclose = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
	int e = errno;

	if (atomic_load(&perfshim_recording))
		perfshim_modules_scan();
	errno = e;
	int r = real_dlclose(h);

	e = errno;
	if (atomic_load(&perfshim_recording))
		perfshim_modules_scan();
	errno = e;
	return r;
}
