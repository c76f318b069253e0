/*
 * live.h - the live-block index: every block allocated and not yet freed,
 * by address, kept by the writer thread as it drains the threads' rings
 * (never on the allocation path), in memory the shim maps itself.
 * Only the holder of the writer's pass lock (the writer, a scan, a forked
 * child before it has threads) touches it.
 *
 * Contract: never on the allocation path, never blocks on anything but
 * the caller's pass lock; it may map memory (mem.h) as the index grows,
 * which is async-signal-safe, so the scan at a fatal signal may apply
 * events too. Not before init (the rings do not exist). The index owns
 * its table; t's w.live_pos, w.live_ts and w.live_bad are the index's.
 */
#ifndef PERFSHIM_LIVE_H
#define PERFSHIM_LIVE_H

#include "shim.h"

struct col_seen;

struct live_entry {
	uint64_t addr; /* 0: empty slot */
	int64_t count; /* allocs - frees seen for addr; live when > 0 */
	uint64_t size; /* of the alloc with the latest time */
	uint64_t ts;   /* that alloc's event time */
};

struct live_index {
	struct live_entry *e; /* open addressing, power-of-two cap */
	size_t cap, count;
	int broken; /* an event was lost to the index: scans are partial */
};

/* PERFSHIM_SCAN: 0 turns the index (and every scan) off. */
extern HIDDEN int perfshim_live_enabled;
extern HIDDEN struct live_index perfshim_live;

/*
 * perfshim_live_apply - apply t's ring bytes from t->w.live_pos up to the
 * ring position upto (which must not have been overwritten yet) to the
 * index, and advance t->w.live_pos. Bytes already applied are skipped, so
 * a scan may apply ahead of the writer's drain.
 */
HIDDEN void perfshim_live_apply(struct thread_state *t, uint64_t upto);
/*
 * perfshim_live_apply_copy - the same from a contiguous copy of the ring
 * bytes [pos, pos + len) (the writer's staging buffer): faster.
 */
HIDDEN void perfshim_live_apply_copy(struct thread_state *t, const uint8_t *p,
				     size_t len, uint64_t pos);
/*
 * The writer's drain of t's ring bytes [p, p + len), at ring position
 * pos, through the chunk encoder, which parses them anyway:
 * perfshim_live_tell sets s for perfshim_columns_encode to report to the
 * index what was not applied yet; perfshim_live_told, given how many
 * bytes the encoder took (done), applies the rest itself.
 */
HIDDEN void perfshim_live_tell(struct thread_state *t, uint64_t pos,
			       struct col_seen *s);
HIDDEN void perfshim_live_told(struct thread_state *t, const uint8_t *p,
			       size_t len, uint64_t pos, size_t done,
			       const struct col_seen *s);
/*
 * perfshim_live_materialize - the index, from now on kept event by
 * event. Until this is called it is lazy: while a single thread has had
 * events and the chunk encoder took them all, its table of slots holds
 * the same blocks (perfshim_columns_held), and a drain costs the index
 * nothing (churn: a tenth of the shim's CPU). Called when a second
 * thread has events, before they are drained; by a drain the encoder did
 * not take whole; before a scan or a fork's child reads the index.
 */
HIDDEN void perfshim_live_materialize(void);

/*
 * perfshim_live_after_fork - in a forked child, before the rings of
 * the threads on list are reset: the parent's blocks, each event
 * committed to those rings included,
 * kept for the index (read at once, or, lazy, left in the encoder's
 * table set aside: columns.h).
 */
HIDDEN void perfshim_live_after_fork(struct thread_state *list);

/*
 * A scan's view of the blocks live now (the caller holds the pass lock):
 * perfshim_live_gather - every event committed to the rings of the
 * threads on list taken in; returns how many blocks there are at most.
 * perfshim_live_each - then fn for each of them (NULL: none). Lazy, the
 * index is not made: the rings' undrained events are kept aside (the
 * writer drains them later, as ever) and the blocks are read from the
 * encoder's tables past them, which stay lazy (a million blocks: the
 * index's 64 MiB, and 10% of a run that ends holding them).
 */
HIDDEN size_t perfshim_live_gather(struct thread_state *list);
HIDDEN void perfshim_live_each(void (*fn)(uint64_t addr, uint64_t size));

/* In a forked child, after its thread's ring was reset. */
HIDDEN void perfshim_live_fork_child(struct thread_state *self);

/* scan.c: the reachability scan at exit (and from the API). */
HIDDEN void perfshim_scan_at_exit(void);
/*
 * perfshim_safe_read - n bytes at a into buf, read without a fault
 * (process_vm_readv): fewer (0) when the memory is not there. Where a
 * seccomp filter refuses that call, a plain copy: the caller must know
 * the memory is there. errno is kept.
 */
HIDDEN size_t perfshim_safe_read(uintptr_t a, void *buf, size_t n);
/* At start: find what the scan needs to know of glibc's threads (it may
 * not look it up in a signal handler). */
HIDDEN void perfshim_scan_init(void);
/*
 * perfshim_scan_at_signal - the scan from a fatal signal's handler, with
 * its ucontext (the interrupted thread's registers and stack). Runs once;
 * gives up if the writer cannot be held off within 2 s.
 */
HIDDEN void perfshim_scan_at_signal(const void *uctx);

#endif
