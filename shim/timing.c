/*
 * timing.c - exact timing where the program opts in: the
 * -finstrument-functions hooks and the zones of include/perfshim.h keep a
 * per-thread shadow stack and add up calls, inclusive and self time per
 * call path. Each thread writes its paths as a TIMING record when it
 * exits; the finish writes those of the threads still running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "perfshim_trace.h"
#include "shim.h"

/* Deepest shadow stack kept; deeper frames are counted, not timed. */
#define TDEPTH 512
/* Distinct paths per thread; a new path past this is not timed. */
#define PATHS_MAX 16384
#define HASH_SLOTS (2 * PATHS_MAX)
/* How far below the top an exit looks for its function. */
#define EXIT_SEARCH 64

struct path {
	uint64_t value; /* function address or zone string id */
	uint32_t parent;
	uint32_t type;
	uint64_t calls, incl, self;
};

struct frame {
	uint32_t path;
	uint32_t zone;
	uintptr_t sp; /* the hook's frame address (0 for zones) */
	uint64_t start, child;
};

struct timing {
	struct timing *next;
	uint32_t thread;
	int depth;
	uint64_t overflow; /* open frames that were not pushed */
	uint64_t unmatched, not_kept;
	uintptr_t stack_lo, stack_hi;
	_Atomic uint32_t npaths; /* paths[1..npaths] are in use */
	_Atomic int done;	 /* written at thread exit */
	struct path *paths;
	uint32_t *hash;
	struct frame stack[TDEPTH];
};

/* The entry points (include/perfshim.h declares the API ones weak). */
EXPORT void __cyg_profile_func_enter(void *fn, void *site);
EXPORT void __cyg_profile_func_exit(void *fn, void *site);
EXPORT void perfshim_api_zone_begin(const char *name);
EXPORT void perfshim_api_zone_end(const char *name);

static _Atomic(struct timing *) all;
static pthread_key_t exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static __thread struct timing *me;
static __thread int gone; /* this thread's record was written at exit */

static void *map(size_t n)
{
	return perfshim_map(n);
}

static void thread_done(void *p);

static void make_key(void)
{
	pthread_key_create(&exit_key, thread_done);
}

/* This thread's state, made on first use; NULL when there can be none. */
static struct timing *get(void)
{
	struct timing *tm = me;

	if (LIKELY(tm))
		return tm;
	if (gone ||
	    !atomic_load_explicit(&perfshim_recording, memory_order_relaxed))
		return NULL;
	int e = errno; /* the hooks run where the program may read it */

	perfshim_guard++;
	struct thread_state *t = perfshim_thread_get();

	tm = map(sizeof(*tm));
	if (!tm || !t)
		goto out;
	tm->paths = map(sizeof(*tm->paths) * (PATHS_MAX + 1));
	tm->hash = map(sizeof(*tm->hash) * HASH_SLOTS);
	if (!tm->paths || !tm->hash) {
		if (tm->paths)
			perfshim_unmap(tm->paths,
				       sizeof(*tm->paths) * (PATHS_MAX + 1));
		perfshim_unmap(tm, sizeof(*tm));
		tm = NULL;
		goto out;
	}
	tm->thread = t->index;
	if (!t->stack_hi)
		perfshim_stack_bounds(t);
	tm->stack_lo = t->stack_lo;
	tm->stack_hi = t->stack_hi;
	tm->next = atomic_load(&all);
	while (!atomic_compare_exchange_weak(&all, &tm->next, tm))
		;
	pthread_once(&key_once, make_key);
	pthread_setspecific(exit_key, tm);
	me = tm;
out:
	perfshim_guard--;
	errno = e;
	return tm;
}

static uint32_t path_of(struct timing *tm, uint32_t parent, uint32_t type,
			uint64_t value)
{
	uint64_t h =
		(value * 0x9e3779b97f4a7c15ull) ^ (parent * 0xff51afd7u) ^ type;
	uint32_t n = atomic_load_explicit(&tm->npaths, memory_order_relaxed);

	for (uint32_t i = (uint32_t)(h >> 20) & (HASH_SLOTS - 1);;
	     i = (i + 1) & (HASH_SLOTS - 1)) {
		uint32_t id = tm->hash[i];

		if (!id) {
			if (n >= PATHS_MAX)
				return 0;
			id = n + 1;
			tm->paths[id].value = value;
			tm->paths[id].parent = parent;
			tm->paths[id].type = type;
			tm->hash[i] = id;
			atomic_store_explicit(&tm->npaths, id,
					      memory_order_release);
			return id;
		}
		const struct path *p = &tm->paths[id];

		if (p->value == value && p->parent == parent && p->type == type)
			return id;
	}
}

static void push(struct timing *tm, uint32_t type, uint64_t value, uintptr_t sp,
		 uint64_t now)
{
	uint32_t parent = tm->depth ? tm->stack[tm->depth - 1].path : 0;
	uint32_t id;

	if (tm->depth >= TDEPTH || tm->overflow ||
	    !(id = path_of(tm, parent, type, value))) {
		tm->overflow++;
		tm->not_kept++;
		return;
	}
	struct frame *f = &tm->stack[tm->depth++];

	f->path = id;
	f->zone = type == PERFSHIM_PATH_ZONE;
	f->sp = sp;
	f->start = now;
	f->child = 0;
	tm->paths[id].calls++;
}

static void pop(struct timing *tm, uint64_t now)
{
	struct frame *f = &tm->stack[--tm->depth];
	struct path *p = &tm->paths[f->path];
	uint64_t dur = now > f->start ? now - f->start : 0;

	p->incl += dur;
	p->self += dur > f->child ? dur - f->child : 0;
	if (tm->depth)
		tm->stack[tm->depth - 1].child += dur;
}

static inline int tracing(void)
{
	return !perfshim_guard &&
	       atomic_load_explicit(&perfshim_recording, memory_order_relaxed);
}

/*
 * A function entered with the hook's frame at sp: a function frame on top
 * whose hook ran at sp or above has returned, past its exit hook (longjmp,
 * or an exception through code built without the hooks): it is closed
 * now. Only addresses on the thread's own stack are compared (a handler
 * on an alternate stack prunes nothing).
 */
EXPORT void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)site;
	if (!tracing())
		return;
	struct timing *tm = get();

	if (!tm)
		return;
	uint64_t now = perfshim_now();
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	if (!tm->overflow && sp - tm->stack_lo < tm->stack_hi - tm->stack_lo)
		while (tm->depth && !tm->stack[tm->depth - 1].zone &&
		       tm->stack[tm->depth - 1].sp <= sp)
			pop(tm, now);
	push(tm, PERFSHIM_PATH_FUNCTION, (uintptr_t)fn, sp, now);
}

EXPORT void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)site;
	if (!tracing())
		return;
	struct timing *tm = me;

	if (!tm)
		return;
	uint64_t now = perfshim_now();

	if (tm->overflow) {
		tm->overflow--;
		return;
	}
	int i = tm->depth - 1;

	for (; i >= 0 && tm->depth - 1 - i < EXIT_SEARCH; i--)
		if (!tm->stack[i].zone &&
		    tm->paths[tm->stack[i].path].value == (uintptr_t)fn)
			break;
	if (i < 0 || tm->depth - 1 - i >= EXIT_SEARCH) {
		tm->unmatched++;
		return;
	}
	while (tm->depth > i)
		pop(tm, now);
}

EXPORT void perfshim_api_zone_begin(const char *name)
{
	if (!tracing())
		return;
	int e = errno;
	struct timing *tm = get();

	if (tm) {
		perfshim_guard++;
		uint32_t id = perfshim_string_id(name);

		perfshim_guard--;
		if (id)
			push(tm, PERFSHIM_PATH_ZONE, id, 0, perfshim_now());
		else
			tm->not_kept++;
	}
	errno = e;
}

EXPORT void perfshim_api_zone_end(const char *name)
{
	if (!tracing())
		return;
	int e = errno;
	struct timing *tm = me;

	if (!tm)
		goto out;
	uint64_t now = perfshim_now();

	if (tm->overflow) {
		tm->overflow--;
		goto out;
	}
	perfshim_guard++;
	uint32_t id = perfshim_string_id(name);

	perfshim_guard--;
	int i = tm->depth - 1;

	for (; i >= 0; i--)
		if (tm->stack[i].zone &&
		    tm->paths[tm->stack[i].path].value == id)
			break;
	if (i < 0) {
		tm->unmatched++;
		goto out;
	}
	if (i != tm->depth - 1)
		tm->unmatched++; /* zones left open inside it */
	while (tm->depth > i)
		pop(tm, now);
out:
	errno = e;
}

/* Write tm's paths as one TIMING record, and start its totals afresh. */
static void write_paths(struct timing *tm)
{
	uint32_t n = atomic_load_explicit(&tm->npaths, memory_order_acquire);
	size_t cap = 64 + (size_t)n * 8 * PERFSHIM_VARINT_MAX;
	uint8_t *buf;

	if (!n)
		return;
	buf = map(cap);
	if (!buf)
		return;
	struct enc e = { buf, 0, cap };

	enc_u(&e, PERFSHIM_TIMING_PATHS);
	enc_u(&e, tm->thread);
	enc_u(&e, tm->unmatched);
	enc_u(&e, tm->not_kept);
	enc_u(&e, n);
	for (uint32_t i = 1; i <= n; i++) {
		struct path *p = &tm->paths[i];

		if (p->type == PERFSHIM_PATH_FUNCTION)
			perfshim_modules_check(p->value);
		enc_u(&e, i - p->parent);
		enc_u(&e, p->type);
		enc_u(&e, p->value);
		enc_u(&e, p->calls);
		enc_u(&e, p->incl);
		enc_u(&e, p->self);
		p->calls = p->incl = p->self = 0;
	}
	tm->unmatched = tm->not_kept = 0;
	if (e.len <= e.cap)
		perfshim_meta(PERFSHIM_REC_TIMING, buf, e.len);
	perfshim_unmap(buf, cap);
}

static void thread_done(void *p)
{
	struct timing *tm = p;
	int e = errno;

	perfshim_guard++;
	gone = 1;
	me = NULL;
	atomic_store(&tm->done, 1);
	if (atomic_load(&perfshim_recording))
		write_paths(tm);
	perfshim_guard--;
	errno = e;
	/* Stays listed (and mapped): the finish may be reading it. It has
	 * nothing left to write. */
}

HIDDEN void perfshim_timing_finish(void)
{
	struct timing *self = me;

	/* The caller's open frames (exit() called deep down) count up to
	 * now; they go on from now if the program does. */
	if (self) {
		uint64_t now = perfshim_now(), inner = 0;

		for (int i = self->depth - 1; i >= 0; i--) {
			struct frame *f = &self->stack[i];
			struct path *p = &self->paths[f->path];
			uint64_t dur = now > f->start ? now - f->start : 0;
			uint64_t kids = f->child + inner;

			p->incl += dur;
			p->self += dur > kids ? dur - kids : 0;
			inner = dur;
			f->start = now;
			f->child = 0;
		}
	}
	for (struct timing *tm = atomic_load(&all); tm; tm = tm->next)
		if (!atomic_load(&tm->done))
			write_paths(tm);
}

/* In a forked child: only this thread goes on, on a trace of its own. */
HIDDEN void perfshim_timing_after_fork(void)
{
	struct timing *tm = me;

	atomic_store(&all, tm);
	if (!tm)
		return;
	tm->next = NULL;
	tm->thread = perfshim_self ? perfshim_self->index : 0;
	uint32_t n = atomic_load(&tm->npaths);

	for (uint32_t i = 1; i <= n; i++)
		tm->paths[i].calls = tm->paths[i].incl = tm->paths[i].self = 0;
	tm->unmatched = tm->not_kept = 0;
	/* The child's clock starts again at zero. */
	uint64_t now = perfshim_now();

	for (int i = 0; i < tm->depth; i++) {
		tm->stack[i].start = now;
		tm->stack[i].child = 0;
	}
}
