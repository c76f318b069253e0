/*
 * timing.c - exact timing where the program opts in: the
 * -finstrument-functions hooks and the zones of include/perfshim.h keep a
 * per-thread shadow stack and add up calls, inclusive and self time per
 * call path, and a latency histogram per function and zone. Each thread
 * writes its paths as a TIMING record and its histograms as a HISTOGRAM
 * record when it exits; the finish writes those of the threads still
 * running. Each call that returns is also kept, up to PERFSHIM_EVENTS a
 * thread, as a timed event in a per-thread ring that goes out as a CALLS
 * record whenever it fills, at the thread's exit and at the finish.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "encode.h"
#include "mem.h"
#include "perfshim_hist.h"
#include "perfshim_trace.h"
#include "shim.h"

/* Deepest shadow stack kept; deeper frames are counted, not timed. */
#define TDEPTH 512
/* Distinct paths per thread; a new path past this is not timed. */
#define PATHS_MAX 16384
#define HASH_SLOTS (2 * PATHS_MAX)
/* How far below the top an exit looks for its function. */
#define EXIT_SEARCH 64
/* Distinct functions and zones with a histogram, per thread. */
#define FUNCS_MAX 4096
#define FHASH_SLOTS (2 * FUNCS_MAX)
/*
 * Histogram rows (PERFSHIM_HIST_SUB counters each) come in chunks mapped
 * as they are needed: a function's calls fill a few rows of the 59.
 */
#define ROW_CHUNK 256
#define ROW_CHUNKS 64
#define ROW_BYTES (PERFSHIM_HIST_SUB * sizeof(uint64_t))
/*
 * Timed calls buffered per thread: a CALLS record (and the lock of
 * perfshim_meta) every CALLS_RING calls. A call encodes in at most
 * CALL_ENC bytes.
 */
#define CALLS_RING 1024
#define CALL_ENC (1 + 4 * PERFSHIM_VARINT_MAX)
#define CALLS_ENC_CAP (3 * PERFSHIM_VARINT_MAX + CALLS_RING * CALL_ENC)
#define CALLS_BYTES (CALLS_RING * sizeof(struct call) + CALLS_ENC_CAP)

struct path {
	uint64_t value; /* function address or zone string id */
	uint32_t parent;
	uint32_t type;
	uint32_t func; /* its histogram (funcs[]), 0: none */
	uint64_t calls, incl, self;
};

/* A function's or zone's histogram: row ids (0: no calls there yet). */
struct func {
	uint64_t value;
	uint32_t type;
	uint16_t row[PERFSHIM_HIST_ROWS]; /* 1 + index into the chunks */
};

/* One call that returned, as a CALLS record writes it. */
struct call {
	uint64_t value, start, dur;
	uint32_t type, depth;
};

struct frame {
	uint32_t path;
	uint32_t zone;
	uintptr_t sp;	/* the enter hook's frame address (0 for zones) */
	uintptr_t cfa;	/* the function's frame base + 16, 0: unknown */
	uintptr_t site; /* return address of its physical frame */
	uint64_t start, child;
	/* The path of the child entered last: loops call the same one. */
	uint64_t kid_value;
	uint32_t kid_type, kid_path;
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
	struct func *funcs; /* funcs[1..nfuncs]; NULL: no histograms */
	uint32_t *fhash;
	_Atomic uint32_t nfuncs, nrows;
	int rows_failed;    /* a chunk could not be mapped: no new rows */
	uint64_t hist_lost; /* calls not counted in a histogram */
	uint64_t *_Atomic chunk[ROW_CHUNKS];
	/*
	 * Timed calls: the thread adds at head; whoever holds calls_busy
	 * (the thread itself, or the finish) writes those from tail on.
	 */
	struct call *calls; /* CALLS_RING of them; NULL: none kept */
	uint8_t *calls_enc; /* the CALLS record being encoded */
	_Atomic uint64_t calls_head, calls_tail;
	_Atomic int calls_busy;
	uint64_t calls_kept; /* this thread's, for the cap */
	/* Calls past the cap (only the thread adds), and how many of them
	 * CALLS records hold (only the writer of calls sets it). */
	_Atomic uint64_t calls_dropped;
	uint64_t calls_dropped_written;
	struct frame stack[TDEPTH];
};

#define FUNCS_BYTES \
	((FUNCS_MAX + 1) * sizeof(struct func) + FHASH_SLOTS * sizeof(uint32_t))

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
	/* Without room for histograms, timing goes on without them. */
	tm->funcs = map(FUNCS_BYTES);
	if (tm->funcs)
		tm->fhash = (uint32_t *)(tm->funcs + FUNCS_MAX + 1);
	/* Nor does it need room for timed calls. */
	if (perfshim_cfg.call_events && (tm->calls = map(CALLS_BYTES)))
		tm->calls_enc = (uint8_t *)(tm->calls + CALLS_RING);
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

/* The histogram of (type, value), made on first use; 0 when full. */
static uint32_t func_of(struct timing *tm, uint32_t type, uint64_t value)
{
	uint64_t h = (value * 0x9e3779b97f4a7c15ull) ^ type;

	if (!tm->funcs)
		return 0;
	for (uint32_t i = (uint32_t)(h >> 32) & (FHASH_SLOTS - 1);;
	     i = (i + 1) & (FHASH_SLOTS - 1)) {
		uint32_t id = tm->fhash[i];

		if (!id) {
			id = atomic_load_explicit(&tm->nfuncs,
						  memory_order_relaxed) +
			     1;
			if (id > FUNCS_MAX)
				return 0;
			tm->funcs[id].value = value;
			tm->funcs[id].type = type;
			tm->fhash[i] = id;
			atomic_store_explicit(&tm->nfuncs, id,
					      memory_order_release);
			return id;
		}
		if (tm->funcs[id].value == value && tm->funcs[id].type == type)
			return id;
	}
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
			tm->paths[id].func = func_of(tm, type, value);
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
		 uintptr_t cfa, uintptr_t site, uint64_t now)
{
	struct frame *up = tm->depth ? &tm->stack[tm->depth - 1] : NULL;
	uint32_t id = 0;

	if (tm->depth >= TDEPTH || tm->overflow) {
		tm->overflow++;
		tm->not_kept++;
		return;
	}
	if (up && up->kid_path && up->kid_value == value &&
	    up->kid_type == type) {
		id = up->kid_path;
	} else {
		id = path_of(tm, up ? up->path : 0, type, value);
		if (!id) {
			tm->overflow++;
			tm->not_kept++;
			return;
		}
		if (up) {
			up->kid_value = value;
			up->kid_type = type;
			up->kid_path = id;
		}
	}
	struct frame *f = &tm->stack[tm->depth++];

	f->path = id;
	f->zone = type == PERFSHIM_PATH_ZONE;
	f->sp = sp;
	f->cfa = cfa;
	f->site = site;
	f->start = now;
	f->child = 0;
	f->kid_path = 0;
	tm->paths[id].calls++;
}

/* The counters of row id (>= 1), or NULL while its chunk is not there. */
static uint64_t *row_at(struct timing *tm, uint32_t id)
{
	uint64_t *c = atomic_load_explicit(&tm->chunk[(id - 1) / ROW_CHUNK],
					   memory_order_acquire);

	return c ? c + (size_t)((id - 1) % ROW_CHUNK) * PERFSHIM_HIST_SUB
		 : NULL;
}

/*
 * A fresh row's id, 0 when there is none: a chunk is mapped once per
 * ROW_CHUNK rows, which is the only system call a histogram makes.
 */
static __attribute__((noinline)) uint16_t new_row(struct timing *tm)
{
	uint32_t n = atomic_load_explicit(&tm->nrows, memory_order_relaxed);

	if (n >= ROW_CHUNK * ROW_CHUNKS || tm->rows_failed)
		return 0;
	if (!tm->chunk[n / ROW_CHUNK]) {
		int e = errno;

		perfshim_guard++;
		uint64_t *c = map(ROW_CHUNK * ROW_BYTES);

		perfshim_guard--;
		errno = e;
		if (!c) {
			tm->rows_failed = 1;
			return 0;
		}
		atomic_store_explicit(&tm->chunk[n / ROW_CHUNK], c,
				      memory_order_release);
	}
	atomic_store_explicit(&tm->nrows, n + 1, memory_order_release);
	return (uint16_t)(n + 1);
}

/* Count bucket ix of histogram f in a row that is not there yet. */
static __attribute__((noinline)) void count_new(struct timing *tm, uint32_t f,
						uint32_t ix)
{
	uint16_t *row = &tm->funcs[f].row[ix >> PERFSHIM_HIST_SUB_BITS];

	*row = new_row(tm);
	if (!*row) {
		tm->hist_lost++;
		return;
	}
	row_at(tm, *row)[ix & (PERFSHIM_HIST_SUB - 1)]++;
}

/*
 * One call of histogram f took dur: a bucket index and an increment (the
 * rest is out of line, so that the hot path saves no registers).
 */
static inline void count(struct timing *tm, uint32_t f, uint64_t dur)
{
	uint32_t ix = perfshim_hist_index(dur);

	if (UNLIKELY(!f)) {
		tm->hist_lost++;
		return;
	}
	uint32_t id = tm->funcs[f].row[ix >> PERFSHIM_HIST_SUB_BITS];

	if (UNLIKELY(!id)) {
		count_new(tm, f, ix);
		return;
	}
	id--;
	uint64_t *c = atomic_load_explicit(&tm->chunk[id / ROW_CHUNK],
					   memory_order_relaxed);

	c[(id % ROW_CHUNK) * PERFSHIM_HIST_SUB +
	  (ix & (PERFSHIM_HIST_SUB - 1))]++;
}

static void write_calls(struct timing *tm);

/* One more call not kept: no locked instruction, only this thread adds. */
static void drop_call(struct timing *tm)
{
	uint64_t n =
		atomic_load_explicit(&tm->calls_dropped, memory_order_relaxed);

	atomic_store_explicit(&tm->calls_dropped, n + 1, memory_order_relaxed);
}

/*
 * Room for one more timed call, out of line: the ring is full (write it
 * out) or the thread reached its cap (count the call as dropped). Returns
 * 1 when there is room. Nothing is said on stderr: reaching the cap is
 * the usual case for instrumented code, and the program's output must
 * not change; the CALLS records carry the count, which the analyzer says.
 */
static __attribute__((noinline)) int call_room(struct timing *tm)
{
	if (tm->calls_kept >= perfshim_cfg.call_events) {
		drop_call(tm);
		return 0;
	}
	int e = errno;

	perfshim_guard++;
	write_calls(tm);
	perfshim_guard--;
	errno = e;
	if (atomic_load(&tm->calls_head) - atomic_load(&tm->calls_tail) <
	    CALLS_RING)
		return 1;
	/* The finish is writing them right now. */
	drop_call(tm);
	return 0;
}

/* Keep the call of path p that began at start, took dur, at tm->depth. */
static inline void record_call(struct timing *tm, const struct path *p,
			       uint64_t start, uint64_t dur)
{
	uint64_t h =
		atomic_load_explicit(&tm->calls_head, memory_order_relaxed);

	if (UNLIKELY(tm->calls_kept >= perfshim_cfg.call_events ||
		     h - atomic_load_explicit(&tm->calls_tail,
					      memory_order_acquire) >=
			     CALLS_RING) &&
	    !call_room(tm))
		return;
	struct call *c = &tm->calls[h % CALLS_RING];

	c->value = p->value;
	c->type = p->type;
	c->depth = (uint32_t)tm->depth;
	c->start = start;
	c->dur = dur;
	atomic_store_explicit(&tm->calls_head, h + 1, memory_order_release);
	tm->calls_kept++;
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
	count(tm, p->func, dur);
	if (tm->calls)
		record_call(tm, p, f->start, dur);
}

static inline int tracing(void)
{
	return !perfshim_guard &&
	       atomic_load_explicit(&perfshim_recording, memory_order_relaxed);
}

static int on_stack(const struct timing *tm, uintptr_t a)
{
	return a - tm->stack_lo < tm->stack_hi - tm->stack_lo;
}

/*
 * Whether frame f, on top, has returned past its exit hook (longjmp, or
 * an exception through code built without the hooks) now that a function
 * is entered from the physical frame that returns to site, with the
 * hook's frame at sp and the function's frame base at cfa (0: unknown).
 *
 * A live caller's frame lies above its callee's; a function inlined into
 * its caller shares the caller's frame, hook frame and site. So f is dead
 * when its frame is below the new one, or at the same place but for
 * another site: another physical frame has taken its place. Frame bases
 * say this exactly; the hooks' frames, which also depend on each
 * function's frame size, stand in for code without frame pointers: they
 * never take a live frame for dead, but may miss a dead one, which the
 * next exit of a function below it then closes.
 */
static int dead(const struct frame *f, uintptr_t sp, uintptr_t cfa,
		uintptr_t site)
{
	if (f->zone)
		return 0;
	if (f->cfa && cfa)
		return f->cfa < cfa || (f->cfa == cfa && f->site != site);
	return f->sp < sp || (f->sp == sp && f->site != site);
}

/*
 * The entered function's frame base, when it keeps one: the hook's saved
 * frame pointer, if the return address above it is the call site the
 * compiler passed (so it is no stale value of another frame's).
 */
static uintptr_t frame_base(const struct timing *tm, uintptr_t sp, void *site)
{
	uintptr_t fp = *(const uintptr_t *)sp;

	if (fp <= sp || (fp & 7) || !on_stack(tm, fp) || !on_stack(tm, fp + 15))
		return 0;
	return ((const uintptr_t *)fp)[1] == (uintptr_t)site ? fp + 16 : 0;
}

/*
 * Only addresses on the thread's own stack are compared: a handler on an
 * alternate stack prunes nothing.
 */
EXPORT void __cyg_profile_func_enter(void *fn, void *site)
{
	if (!tracing())
		return;
	struct timing *tm = get();

	if (!tm)
		return;
	uint64_t now = perfshim_now();
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0), cfa = 0;

	if (!tm->overflow && on_stack(tm, sp)) {
		cfa = frame_base(tm, sp, site);
		while (tm->depth && dead(&tm->stack[tm->depth - 1], sp, cfa,
					 (uintptr_t)site))
			pop(tm, now);
	}
	push(tm, PERFSHIM_PATH_FUNCTION, (uintptr_t)fn, sp, cfa,
	     (uintptr_t)site, now);
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
			push(tm, PERFSHIM_PATH_ZONE, id, 0, 0, 0,
			     perfshim_now());
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

/*
 * A count that is patched in once known, as a varint of two bytes (a
 * padded LEB128, which every reader takes): a running thread may add
 * buckets while the finish writes its record, so counting first and
 * writing after could disagree.
 */
static size_t enc_u14_slot(struct enc *e)
{
	size_t at = e->len;

	enc_bytes(e, "\x80", 2);
	return at;
}

static void enc_u14_patch(struct enc *e, size_t at, uint32_t v)
{
	if (at + 2 <= e->len && e->len <= e->cap) {
		e->p[at] = (uint8_t)(0x80 | (v & 0x7f));
		e->p[at + 1] = (uint8_t)(v >> 7);
	}
}

/* Function f's buckets into e, taken out of tm; returns how many. */
static uint32_t enc_buckets(struct enc *e, struct timing *tm, uint32_t f)
{
	uint32_t m = 0, prev = 0;

	for (uint32_t r = 0; r < PERFSHIM_HIST_ROWS; r++) {
		uint32_t id = tm->funcs[f].row[r];
		uint64_t *row = id ? row_at(tm, id) : NULL;

		for (uint32_t c = 0; row && c < PERFSHIM_HIST_SUB; c++) {
			uint64_t n = row[c];

			if (!n)
				continue;
			uint32_t ix = r * PERFSHIM_HIST_SUB + c;

			enc_u(e, ix - prev);
			enc_u(e, n);
			prev = ix;
			row[c] = 0;
			m++;
		}
	}
	return m;
}

/* Write tm's histograms as one HISTOGRAM record, and empty them. */
static void write_hists(struct timing *tm)
{
	uint32_t nf = atomic_load_explicit(&tm->nfuncs, memory_order_acquire);
	uint32_t nr = atomic_load_explicit(&tm->nrows, memory_order_acquire);
	size_t cap = 64 + (size_t)nf * (2 * PERFSHIM_VARINT_MAX + 4) +
		     (size_t)nr * PERFSHIM_HIST_SUB * 2 * PERFSHIM_VARINT_MAX;
	uint32_t written = 0;
	uint8_t *buf;

	if (!nr && !tm->hist_lost)
		return;
	buf = map(cap);
	if (!buf)
		return;
	struct enc e = { buf, 0, cap };

	enc_u(&e, tm->thread);
	enc_u(&e, PERFSHIM_HIST_SUB_BITS);
	enc_u(&e, tm->hist_lost);
	size_t nat = enc_u14_slot(&e);

	for (uint32_t f = 1; f <= nf; f++) {
		size_t at = e.len;

		enc_u(&e, tm->funcs[f].type);
		enc_u(&e, tm->funcs[f].value);
		size_t mat = enc_u14_slot(&e);
		uint32_t m = enc_buckets(&e, tm, f);

		if (!m) {
			e.len = at;
			continue;
		}
		enc_u14_patch(&e, mat, m);
		written++;
	}
	enc_u14_patch(&e, nat, written);
	tm->hist_lost = 0;
	if (e.len <= e.cap)
		perfshim_meta(PERFSHIM_REC_HISTOGRAM, buf, e.len);
	perfshim_unmap(buf, cap);
}

/*
 * Write tm's buffered calls as one CALLS record (with the count dropped
 * since the last one), unless another thread is writing them right now.
 */
static void write_calls(struct timing *tm)
{
	if (!tm->calls || atomic_exchange(&tm->calls_busy, 1))
		return;
	uint64_t t =
		atomic_load_explicit(&tm->calls_tail, memory_order_relaxed);
	uint64_t h =
		atomic_load_explicit(&tm->calls_head, memory_order_acquire);
	uint64_t dropped =
		atomic_load_explicit(&tm->calls_dropped, memory_order_relaxed) -
		tm->calls_dropped_written;
	struct enc e = { tm->calls_enc, 0, CALLS_ENC_CAP };
	uint64_t prev = 0;

	/* A signal handler's hooks may have raced the thread's own on the
	 * ring: never write a count the record does not hold. */
	if (h - t > CALLS_RING)
		t = h;
	if (h == t && !dropped)
		goto out;
	enc_u(&e, tm->thread);
	enc_u(&e, dropped);
	enc_u(&e, h - t);
	for (; t < h; t++) {
		const struct call *c = &tm->calls[t % CALLS_RING];

		enc_u(&e, c->type);
		enc_u(&e, c->value);
		enc_u(&e, c->depth);
		enc_u(&e, perfshim_zigzag((int64_t)(c->start - prev)));
		enc_u(&e, c->dur);
		prev = c->start;
	}
	if (e.len <= e.cap)
		perfshim_meta(PERFSHIM_REC_CALLS, e.p, e.len);
	tm->calls_dropped_written += dropped;
	atomic_store_explicit(&tm->calls_tail, h, memory_order_release);
out:
	atomic_store_explicit(&tm->calls_busy, 0, memory_order_release);
}

/*
 * Write tm's calls, then its paths as one TIMING record, and start its
 * totals afresh.
 */
static void write_paths(struct timing *tm)
{
	uint32_t n = atomic_load_explicit(&tm->npaths, memory_order_acquire);
	size_t cap = 64 + (size_t)n * 8 * PERFSHIM_VARINT_MAX;
	uint8_t *buf;

	write_calls(tm);
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
	write_hists(tm);
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
	n = atomic_load(&tm->nrows);
	for (uint32_t i = 1; i <= n; i++) {
		uint64_t *row = row_at(tm, i);

		if (row)
			memset(row, 0, ROW_BYTES);
	}
	tm->hist_lost = 0;
	/* The parent writes its own calls; the child keeps its own. */
	atomic_store(&tm->calls_head, 0);
	atomic_store(&tm->calls_tail, 0);
	atomic_store(&tm->calls_busy, 0);
	atomic_store(&tm->calls_dropped, 0);
	tm->calls_dropped_written = 0;
	tm->calls_kept = 0;
	/* The child's clock starts again at zero. */
	uint64_t now = perfshim_now();

	for (int i = 0; i < tm->depth; i++) {
		tm->stack[i].start = now;
		tm->stack[i].child = 0;
	}
}
