/* stack.c - capture call stacks with libunwind and intern them as a tree. */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mask.h"
#include "mem.h"
#include "perfshim_trace.h"
#include "shim.h"
#include "unwind.h"

/*
 * Every distinct (parent, ip, epoch) is a node with a dense id; a stack
 * id is the id of its innermost node. Nodes live in one array indexed by
 * id, the lookup is open-addressing tables of ids. All are reserved
 * up front as untouched virtual memory, so they never move and need no
 * lock: a new node is filled in and marked ready before it is published
 * in the table, and the writer emits nodes in id order once ready.
 *
 * The epoch changes when a module is unloaded, so that an address that
 * is reused by a later library never shares a node with the old one.
 */
struct node {
	uint64_t ip;
	uint32_t parent;
	uint16_t epoch;
	_Atomic uint16_t ready; /* 0 until made; then 1 + its table level */
};

#define NODE_MAX (1u << 24)
/*
 * Nodes live in chunks of 2^16 (1 MiB), mapped as ids reach them: the
 * shim's address space stays small (a program under ulimit -v needs its
 * own), and a node never moves once made.
 */
#define CHUNK_BITS 16
#define CHUNK_NODES (1u << CHUNK_BITS)
#define CHUNKS (NODE_MAX / CHUNK_NODES)
/*
 * The lookup is a chain of tables, each four times the last, mapped when
 * the one before fills and used newest first: pages are touched where
 * ids land, and ids land anywhere in a table, so a table sized for the
 * worst case would cost its whole size in resident memory once a program
 * has a few tens of thousands of stacks. New nodes go to the newest
 * table; when it is half full, the next one becomes the newest.
 */
#define TABLE_LEVELS 5
#define TABLE_BITS0 16 /* 2^16, 2^18, ... 2^24 slots */

/*
 * Behind each thread's cache of whole stacks, one that all threads
 * share, much larger: a program with 100k stacks (each a dozen frames)
 * would otherwise intern every frame of most of its stacks again, a
 * random read or more each. An entry is one word, the stack's hash
 * (epoch mixed in) above the low 24 bits and its leaf id in them, so a
 * reader never sees half of an entry; sets of 8 are one cache line.
 * A hit compares 40 bits of hash besides the 15 that chose the set.
 * The space is mapped at start; pages become resident as stacks land,
 * and only the first 2^shared_bits sets are used until the stacks put
 * fill half of them, then four times as many: a program of 3000 stacks
 * touched 1.3 MiB of it, every page a fault (13 us each on a VM here).
 * Entries in sets no longer chosen for their key are misses, put again.
 */
#define SHARED_BITS 18
#define SHARED_WAYS 8
#define SHARED_ID_MASK ((uint64_t)NODE_MAX - 1)
#define SHARED_SETS_MAX (SHARED_BITS - 3) /* sets of 8: 2^15 of them */
#define SHARED_SETS_START 9
static _Atomic uint64_t *shared;
static _Atomic unsigned shared_bits = SHARED_SETS_START;
static _Atomic uint32_t shared_puts; /* since the cache was last emptied */

static struct node *_Atomic chunks[CHUNKS];
static _Atomic uint32_t *_Atomic tables[TABLE_LEVELS];
static _Atomic uint32_t table_fill[TABLE_LEVELS];
static _Atomic int table_top;
static _Atomic uint32_t next_id = 1;
static _Atomic uint32_t epoch;

/*
 * The per-thread cache is keyed by a hash of the whole stack. A chained
 * hash (each step mixing the previous value) makes every frame wait for
 * the multiply of the frame before it; this one is multilinear, the sum
 * of each frame's ip times a random odd constant of its position, so the
 * products are independent and overlap with the walk. Two different
 * stacks collide with probability about 2^-60; a final mix spreads the
 * sum over the bits that index the cache.
 */
static uint64_t pos_key[MAX_DEPTH + 16];

static void pos_keys_init(void)
{
	uint64_t x = 0x243f6a8885a308d3ull; /* splitmix64 from a fixed seed */

	for (size_t i = 0; i < sizeof(pos_key) / sizeof(pos_key[0]); i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		pos_key[i] = (z ^ (z >> 31)) | 1;
	}
}

static inline uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint32_t table_size(int level)
{
	return 1u << (TABLE_BITS0 + 2 * level);
}

static void *reserve(size_t bytes)
{
	return perfshim_map(bytes);
}

/* Node id, made or being made (its chunk is there). */
static inline struct node *node_at(uint32_t id)
{
	return &atomic_load_explicit(
		&chunks[id >> CHUNK_BITS],
		memory_order_acquire)[id & (CHUNK_NODES - 1)];
}

/* Map what *slot points to (bytes) if no thread did: 0, or -1. */
static int map_once(void *_Atomic *slot, size_t bytes)
{
	void *mine, *none = NULL;

	if (atomic_load_explicit(slot, memory_order_acquire))
		return 0;
	mine = reserve(bytes);
	if (!mine)
		return -1;
	if (!atomic_compare_exchange_strong(slot, &none, mine))
		perfshim_unmap(mine, bytes);
	return 0;
}

static int chunk_for(uint32_t id)
{
	return map_once((void *_Atomic *)&chunks[id >> CHUNK_BITS],
			sizeof(struct node) * CHUNK_NODES);
}

static int table_for(int l)
{
	return map_once((void *_Atomic *)&tables[l],
			sizeof(uint32_t) * table_size(l));
}

HIDDEN void perfshim_stack_init(void)
{
	if (chunk_for(0) || table_for(0))
		return;
	perfshim_unwind_init();
	shared = reserve(sizeof(*shared) << SHARED_BITS);
	pos_keys_init();
	perfshim_phdr_init();
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

/* The shared cache emptied, its pages given back, its sets few again. */
static void shared_empty(void)
{
	if (shared)
		madvise((void *)shared, sizeof(*shared) << SHARED_BITS,
			MADV_DONTNEED);
	atomic_store(&shared_puts, 0);
	atomic_store(&shared_bits, SHARED_SETS_START);
}

/* In a forked child: forget every node (the child writes a new trace). */
HIDDEN void perfshim_stack_reset(void)
{
	for (unsigned c = 0; c < CHUNKS; c++)
		if (chunks[c])
			madvise(chunks[c], sizeof(struct node) * CHUNK_NODES,
				MADV_DONTNEED);
	for (int l = 0; l < TABLE_LEVELS; l++) {
		if (tables[l])
			madvise((void *)tables[l],
				sizeof(*tables[l]) * table_size(l),
				MADV_DONTNEED);
		atomic_store(&table_fill[l], 0);
	}
	shared_empty();
	atomic_store(&table_top, 0);
	atomic_store(&next_id, 1);
	/* The frame rules stay: the child runs the same code. */
	perfshim_unwind_reset();
}

HIDDEN void perfshim_stack_new_epoch(void)
{
	atomic_fetch_add(&epoch, 1);
	/* Every key of the shared cache had the old epoch in it: give its
	 * pages back, or a dlopen/dlclose loop would fill them all (2 MiB).
	 * A thread still on the old epoch reads zeros (misses) or loses an
	 * entry it writes: a cache may. */
	shared_empty();
	/* A library loaded later where the unloaded one was is other code. */
	perfshim_unwind_forget();
}

HIDDEN uint32_t perfshim_stack_next_id(void)
{
	uint32_t id = atomic_load_explicit(&next_id, memory_order_acquire);

	return id < NODE_MAX ? id : NODE_MAX; /* ids past it are never made */
}

static int same(uint32_t id, uint32_t parent, uint64_t ip, uint16_t ep)
{
	const struct node *n = node_at(id);

	return n->ip == ip && n->parent == parent && n->epoch == ep;
}

/*
 * A table entry is a node id (below 2^24) and, above it, 8 bits of the
 * key's hash: a probe past another key's entry reads the node only when
 * those agree, not at every entry (with 131k stacks each such read was
 * a cache miss, a third of the shim's time).
 */
#define ENTRY_ID (NODE_MAX - 1)
static inline uint32_t entry_tag(uint64_t h)
{
	return (uint32_t)(h >> 56) << 24;
}

/* The id of key in table level l, 0 when absent. */
static uint32_t lookup(int l, uint64_t h, uint32_t parent, uint64_t ip,
		       uint16_t ep)
{
	uint32_t mask = table_size(l) - 1, tag = entry_tag(h);

	for (uint32_t i = (uint32_t)h & mask, probes = 0; probes < 4096;
	     probes++, i = (i + 1) & mask) {
		uint32_t e = atomic_load_explicit(&tables[l][i],
						  memory_order_acquire);

		if (!e)
			return 0;
		if ((e & ~ENTRY_ID) == tag &&
		    same(e & ENTRY_ID, parent, ip, ep))
			return e & ENTRY_ID;
	}
	return 0;
}

/*
 * The oldest table level (parent, ip) may be in: a node goes into the
 * level that was newest when its maker began, and that maker had found
 * or made the parent first, so no older level than the parent's. A key
 * not there yet (every frame of a new stack) is looked for in a level
 * or two, not in all of them.
 */
static int oldest_level(uint32_t parent)
{
	if (!parent)
		return 0;
	unsigned r = atomic_load_explicit(&node_at(parent)->ready,
					  memory_order_relaxed);

	return r ? (int)r - 1 : 0;
}

/*
 * A node's key in the tables is the hash of its whole path from the
 * outermost frame, not of (parent, ip): the key of every frame of a
 * stack is known before any lookup, so a stack new to the thread fetches
 * all its table entries at once, where a lookup of (parent, ip) waited
 * for the one before (131k stacks: each frame a cache miss, in a
 * chain). Multilinear as the whole-stack hash, so the products overlap:
 * depth d's frame (d = 0 outermost) adds (ip, epoch) times pos_key[d];
 * the key of the node at d is the sum to there, mixed with d.
 */
static inline uint64_t path_key(uint64_t *sum, int d, uint64_t ip, uint16_t ep)
{
	*sum += (ip ^ (uint64_t)ep << 48) * pos_key[d];
	return fmix(*sum + (uint64_t)(d + 1) * 0x9e3779b97f4a7c15ull);
}

/* The epoch ip's node takes: a dlopen loop must not re-intern the stacks
 * of the modules that stay, so only addresses that may change owner take
 * it. */
static inline uint16_t epoch_of(uint64_t ip, uint16_t ep)
{
	return ep && perfshim_modules_permanent(ip) ? 0 : ep;
}

/* The node (parent, ip, ep) whose path key is h: found, or made. */
static uint32_t intern(uint32_t parent, uint64_t ip, uint16_t ep, uint64_t h)
{
	int top = atomic_load_explicit(&table_top, memory_order_acquire);
	int oldest = oldest_level(parent);
	uint32_t mine = 0;

	for (int l = top; l >= oldest; l--) {
		uint32_t id = lookup(l, h, parent, ip, ep);

		if (id)
			return id;
	}
	/* Module records must come before nodes that use them. */
	perfshim_modules_check(ip);
	mine = atomic_fetch_add(&next_id, 1);
	if (mine >= NODE_MAX || chunk_for(mine))
		return parent; /* no room: the stack is cut here */
	struct node *nd = node_at(mine);

	nd->ip = ip;
	nd->parent = parent;
	nd->epoch = ep;
	atomic_store_explicit(&nd->ready, (uint16_t)(top + 1),
			      memory_order_release);

	/*
	 * Publish in the newest table. A thread that raced us for the same
	 * key through an older table may publish a twin: the analyzer
	 * merges nodes with the same parent and address.
	 */
	uint32_t mask = table_size(top) - 1;

	for (uint32_t i = (uint32_t)h & mask, probes = 0; probes < 4096;
	     probes++, i = (i + 1) & mask) {
		uint32_t expect = 0;

		if (atomic_compare_exchange_strong(&tables[top][i], &expect,
						   entry_tag(h) | mine))
			break;
		if ((expect & ~ENTRY_ID) == entry_tag(h) &&
		    same(expect & ENTRY_ID, parent, ip, ep))
			return expect & ENTRY_ID; /* ours stays unused */
	}
	if (atomic_fetch_add(&table_fill[top], 1) + 1 > table_size(top) / 2 &&
	    top + 1 < TABLE_LEVELS && !table_for(top + 1))
		atomic_compare_exchange_strong(&table_top, &top, top + 1);
	return mine;
}

HIDDEN void perfshim_stack_bounds(struct thread_state *t)
{
	pthread_attr_t a;
	void *addr;
	size_t size;

	t->stack_hi = 16; /* tried: a failure leaves an empty range (16: the
			  * walks test fp > stack_hi - 16) */
	if (pthread_getattr_np(pthread_self(), &a))
		return;
	if (!pthread_attr_getstack(&a, &addr, &size)) {
		t->stack_lo = (uintptr_t)addr;
		t->stack_hi = (uintptr_t)addr + size;
	}
	pthread_attr_destroy(&a);
}

HIDDEN _Atomic int perfshim_forking;
HIDDEN int perfshim_unwind_fence;

HIDDEN void perfshim_unwind_fork_init(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
		    0, 0))
		perfshim_unwind_fence = 1;
}

HIDDEN void perfshim_unwind_wait_enter(struct thread_state *t)
{
	struct timespec pause = { 0, 20000 };

	while (perfshim_unwind_enter(t)) {
		int was = perfshim_cancel_off();

		while (atomic_load(&perfshim_forking))
			nanosleep(&pause, NULL);
		perfshim_cancel_back(was);
	}
}

/* The last fork stopped waiting for a thread inside an unwind. */
static int fork_cut;

/* Called with the writer's pass lock held, so the thread list holds still. */
HIDDEN void perfshim_unwind_fork_begin(void)
{
	struct timespec pause = { 0, 20000 };
	struct thread_state *self = perfshim_self;

	atomic_store(&perfshim_forking, 1);
	/* Every running thread passes a full barrier: it sees the flag, or
	 * we see its in_unwind. */
	if (perfshim_unwind_fence ||
	    syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0))
		atomic_thread_fence(memory_order_seq_cst);
	int was = perfshim_cancel_off();

	/* 2 s in all, by the clock (100,000 naps of 20 us took 8 s on a
	 * VM): a thread stopped inside libunwind (a debugger) must not hold
	 * the program's fork forever. */
	uint64_t end = perfshim_now_mono() + 2000000000ull;

	fork_cut = 0;
	for (struct thread_state *t = perfshim_threads(); t; t = t->next) {
		while (t != self && atomic_load(&t->in_unwind) &&
		       perfshim_now_mono() < end)
			nanosleep(&pause, NULL);
		if (t != self && atomic_load(&t->in_unwind))
			fork_cut = 1; /* the child must not unwind */
	}
	perfshim_cancel_back(was);
}

HIDDEN int perfshim_unwind_fork_cut(void)
{
	return fork_cut;
}

HIDDEN void perfshim_unwind_fork_end(void)
{
	atomic_store(&perfshim_forking, 0);
}

/* PERFSHIM_UNWIND=check: stacks compared, and those that differed. */
static _Atomic uint64_t checked, differed;

/*
 * Whether the cached walk's n frames in buf are libunwind's: the frames
 * of the program's (after the shim's own at the start, up to the shim's
 * main wrapper, where the walk ends) must be the same. Its own function:
 * the second buffer is on the stack only in this mode.
 */
static __attribute__((noinline)) void check_stack(void *const *buf, int n,
						  int max)
{
	void *bt[MAX_DEPTH + 16];
	int m = unw_backtrace(bt, max), i = 0, j = 0;

	while (i < n && perfshim_in_shim((uintptr_t)buf[i]))
		i++;
	while (j < m && perfshim_in_shim((uintptr_t)bt[j]))
		j++;
	/* A walk cut at max frames ends where libunwind's is cut too; the
	 * walk from an interposer's caller on may go on past where
	 * libunwind's, which took the shim's frames too, was cut. */
	int end = n == max ? n - 1 : n;

	for (; i < end && j < m; i++, j++)
		if (buf[i] != bt[j])
			break;
	atomic_fetch_add(&checked, 1);
	if (i < end && (j < m || m < max))
		atomic_fetch_add(&differed, 1);
}

__attribute__((destructor)) static void check_report(void)
{
	if (perfshim_cfg.unwind_check)
		perfshim_say("PERFSHIM_UNWIND=check: %llu stacks from the "
			     "cached rules, %llu not libunwind's",
			     (unsigned long long)atomic_load(&checked),
			     (unsigned long long)atomic_load(&differed));
}

HIDDEN uint32_t perfshim_stack_capture(struct thread_state *t, uintptr_t from)
{
	void **buf = (void **)t->ips;
	int max = perfshim_cfg.depth + 16;
	int n;

	if (!tables[0])
		return 0;
	perfshim_unwind_wait_enter(t);
	/*
	 * Frame rules cached per return address, as libunwind found them
	 * (unwind.h): libunwind's stacks at the cost of a frame-pointer walk.
	 * PERFSHIM_UNWIND=fp takes allocation stacks so too: a blind walk
	 * would skip the caller of every function built without frame
	 * pointers, libstdc++'s operator new among them.
	 */
	n = !perfshim_cfg.unwind_dwarf
		    ? perfshim_unwind_cached(t, buf, max, from)
		    : -1;
	if (UNLIKELY(perfshim_cfg.unwind_check) && n > 0) {
		perfshim_mask_hold();
		check_stack(buf, n, max);
		perfshim_mask_release();
	}
	/* Each frame without a rule yet is learned, and the walk taken
	 * again, until it knows the stack (or learns nothing more). */
	if (n == -2) {
		perfshim_mask_hold();
		for (int k = 0; n == -2 && k < max; k++) {
			uintptr_t at = t->unwind_unknown;

			perfshim_unwind_learn(t, max);
			n = perfshim_unwind_cached(t, buf, max, from);
			if (n == -2 && t->unwind_unknown == at)
				break;
		}
		perfshim_mask_release();
	}
	if (n < 0) {
		perfshim_mask_hold();
		n = unw_backtrace(buf, max);
		perfshim_mask_release();
	}
	perfshim_unwind_leave(t);
	return perfshim_stack_intern(t, t->ips, n);
}

static inline _Atomic uint64_t *shared_set(uint64_t key)
{
	unsigned bits =
		atomic_load_explicit(&shared_bits, memory_order_relaxed);

	return shared + (key & ((1u << bits) - 1)) * SHARED_WAYS;
}

/* The leaf id the shared cache holds for key, 0 when none. */
static uint32_t shared_get(uint64_t key)
{
	_Atomic uint64_t *set = shared_set(key);

	for (int i = 0; i < SHARED_WAYS; i++) {
		/* Acquire: the nodes of the stack were made before. */
		uint64_t v =
			atomic_load_explicit(&set[i], memory_order_acquire);

		if (!v)
			return 0; /* sets fill from the front */
		if ((v & ~SHARED_ID_MASK) == (key & ~SHARED_ID_MASK))
			return (uint32_t)(v & SHARED_ID_MASK);
	}
	return 0;
}

static void shared_put(uint64_t key, uint32_t id)
{
	unsigned bits =
		atomic_load_explicit(&shared_bits, memory_order_relaxed);

	/* Counted only while the cache may still widen: the count is a
	 * line every thread's new stacks write. */
	if (bits < SHARED_SETS_MAX &&
	    atomic_fetch_add_explicit(&shared_puts, 1, memory_order_relaxed) >=
		    (uint32_t)SHARED_WAYS << bits >> 1)
		atomic_compare_exchange_strong_explicit(
			&shared_bits, &bits,
			bits + 2 > SHARED_SETS_MAX ? SHARED_SETS_MAX : bits + 2,
			memory_order_relaxed, memory_order_relaxed);
	_Atomic uint64_t *set = shared_set(key);
	int way = (int)((key >> 32) % SHARED_WAYS); /* a full set's victim */

	for (int i = 0; i < SHARED_WAYS; i++) {
		if (!atomic_load_explicit(&set[i], memory_order_relaxed)) {
			way = i;
			break;
		}
	}
	atomic_store_explicit(&set[way], (key & ~SHARED_ID_MASK) | id,
			      memory_order_release);
}

/* Frames whose table entries are fetched ahead: the outermost, which
 * stacks share most (a lookup past them still works, only waits). */
#define FETCH_FRAMES 32

/*
 * The leaf id of the frames buf[skip, end), interned outermost first.
 * Their keys come first, and the table entries each starts at are
 * fetched all at once; then the lookups, each a chain of the one
 * before, find them in the cache. (Fetching the nodes those entries
 * name too, in a pass between, was slower: 1.08x on 131k stacks.)
 */
static uint32_t intern_path(void *const *buf, int skip, int end, uint16_t ep)
{
	int top = atomic_load_explicit(&table_top, memory_order_acquire);
	uint64_t sum = 0;
	uint32_t id = 0;
	int d = 0;

	for (int i = end - 1; i >= skip && d < FETCH_FRAMES; i--) {
		uint64_t ip = (uintptr_t)buf[i];

		if (perfshim_through(ip))
			continue;
		uint64_t h = path_key(&sum, d++, ip, epoch_of(ip, ep));

		for (int l = top; l >= 0; l--)
			__builtin_prefetch(&atomic_load_explicit(
				&tables[l],
				memory_order_relaxed)[(uint32_t)h &
						      (table_size(l) - 1)]);
	}
	sum = 0;
	d = 0;
	for (int i = end - 1; i >= skip; i--) {
		uint64_t ip = (uintptr_t)buf[i];

		if (perfshim_through(ip))
			continue;
		uint16_t e = epoch_of(ip, ep);

		id = intern(id, ip, e, path_key(&sum, d++, ip, e));
	}
	return id;
}

HIDDEN uint32_t perfshim_stack_intern(struct thread_state *t,
				      const uintptr_t *ips, int n)
{
	void *const *buf = (void *const *)ips;
	int skip = 0, end;

	if (!tables[0])
		return 0;
	/* Drop the shim's own frames: the stack starts at the caller. */
	while (skip < n && perfshim_in_shim((uintptr_t)buf[skip]))
		skip++;
	if (n - skip > perfshim_cfg.depth)
		n = skip + perfshim_cfg.depth;
	/*
	 * Below main the stack runs into the shim again (its main wrapper):
	 * the frames from there on are start-up code, not the program's.
	 * One pass finds that end and hashes the frames before it.
	 */
	uint64_t h = 0;
	const uint64_t *k = pos_key - skip;

	for (end = skip; end < n; end++) {
		uintptr_t ip = (uintptr_t)buf[end];

		if (perfshim_in_shim(ip)) {
			if (!perfshim_through(ip))
				break;
			continue; /* not a frame of the program's */
		}
		h += ip * k[end];
	}
	if (end <= skip)
		return 0;

	uint16_t ep =
		(uint16_t)atomic_load_explicit(&epoch, memory_order_relaxed);

	h = fmix(h ^ (uint64_t)(end - skip));
	struct stack_cache_entry *c = &t->cache[h & (STACK_CACHE_SIZE - 1)];

	if (c->hash == h && c->epoch == ep && c->id)
		return c->id;

	uint64_t key = fmix(h + ep * 0x9e3779b97f4a7c15ull);
	uint32_t id = shared ? shared_get(key) : 0;

	if (!id) {
		id = intern_path(buf, skip, end, ep);
		if (shared && id)
			shared_put(key, id);
	}
	c->hash = h;
	c->epoch = ep;
	c->id = id;
	return id;
}

/* Node id, when its maker has filled it in; NULL before. */
static const struct node *ready_node(uint32_t id)
{
	const struct node *nd =
		id < NODE_MAX && chunks[id >> CHUNK_BITS] ? node_at(id) : NULL;

	return nd && atomic_load_explicit(&nd->ready, memory_order_acquire)
		       ? nd
		       : NULL;
}

HIDDEN int perfshim_stack_ready(uint32_t id)
{
	return ready_node(id) != NULL;
}

HIDDEN size_t perfshim_stack_encode(uint32_t *from, uint32_t upto, uint8_t *out,
				    size_t cap)
{
	uint32_t id = *from;
	uint64_t prev_ip = 0;
	size_t n = 0;

	if (id >= upto || cap < 64)
		return 0;
	/* ready_node() stops it at NODE_MAX: no id past it is made. */
	while (id < upto && n + 3 * PERFSHIM_VARINT_MAX <= cap) {
		const struct node *nd = ready_node(id);

		if (!nd)
			break;
		n += perfshim_put_varint(out + n, id - nd->parent);
		n += perfshim_put_varint(
			out + n, perfshim_zigzag((int64_t)(nd->ip - prev_ip)));
		prev_ip = nd->ip;
		id++;
	}
	*from = id;
	return n;
}
