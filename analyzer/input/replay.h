/*
 * replay.h - rebuild the traced process's heap from the event stream:
 * live blocks, totals, peak, and the stack tree and modules to explain
 * them. Memory grows with live blocks, distinct stacks and modules, never
 * with the number of events.
 */
#ifndef PERFSHIM_REPLAY_H
#define PERFSHIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "module.h"
#include "hashtab.h"
#include "reader.h"

struct live_block {
	uint64_t addr; /* 0: empty slot */
	uint64_t size;
	uint64_t ts;
	uint32_t stack;
	uint32_t thread;
};

/*
 * Events of two threads less than REPLAY_INVERSION_NS apart may come in
 * the wrong order: two CPUs' clocks agree only so far, a trace from an
 * older shim read the time-stamp counter unfenced, which may run ahead
 * of the loads before it (shim/clock.h), and one older than format 3.4
 * left the order of events in one time quantum to the thread indices
 * (TIES in perfshim_trace.h). Of such pairs only the
 * free and the allocation of one address change the heap's story; replay
 * keeps each unexplained one that long, waiting for its partner.
 */
#define REPLAY_INVERSION_NS 10000
#define REPLAY_PENDING 64

struct replay_pending {
	struct live_block b; /* the displaced block, or the lone FREE's addr */
	uint64_t since;	     /* time of the event that left it waiting */
	uint32_t by;	     /* that event's thread */
	int displaced; /* 1: a block an ALLOC displaced; 0: a FREE of nothing */
};

struct replay_node {
	uint64_t ip;
	uint32_t parent; /* canonical */
	uint32_t canon;	 /* the first node with the same parent, ip, module */
	int32_t module;	 /* index into modules, -1 when not found */
};

struct replay {
	struct module_info **modules;
	size_t nmodules, capmodules;
	struct replay_node *nodes; /* by id; nodes[0] is the root */
	size_t nnodes, capnodes;
	struct hashtab node_index; /* (parent, ip, module) -> canonical id */

	struct live_block *live;     /* open addressing, power-of-two size */
	size_t live_cap, live_count; /* live_count: of live and direct */
	/*
	 * While the trace is read, the blocks named by their ALLOC's number
	 * (one thread's, before a second thread: most blocks of most
	 * traces) are kept by the reader's slot for them (ev->slot - 1):
	 * an array, no hashing, and a slot a FREE gave back is the next
	 * ALLOC's, in the caches still. When the reading is over, or an
	 * ADDRS names them, they join live, which every report reads.
	 */
	struct live_block *direct;
	size_t direct_cap, direct_count;
	uint64_t live_bytes;

	uint64_t threads;
	uint64_t alloc_calls, free_calls, alloc_bytes;
	uint64_t unknown_frees; /* frees of blocks the trace never saw */
	uint64_t reordered;	/* free/alloc pairs put back in order */
	struct replay_pending pending[REPLAY_PENDING]; /* oldest first */
	size_t npending;
	uint64_t peak_bytes, peak_ts;
	uint64_t last_ts;
	uint64_t last_memory_ts; /* the latest MEMORY record's (ns) */
	uint64_t lost;
	int have_end;
	struct trace_end end;

	/*
	 * The block the latest FREE event released (addr 0: it freed nothing
	 * the trace knew), for visitors that run after replay in a tee.
	 */
	struct live_block freed;
	/*
	 * The block the latest ALLOC event put out of the live set (addr 0:
	 * none): the one live at its address before (a free not seen), or,
	 * when a FREE read too early had released it, the new block itself.
	 */
	struct live_block displaced;

	char **strings; /* zone and marker names by string id; [0] unused */
	size_t nstrings;
};

/* replay_init - empty state; allocates nothing. */
void replay_init(struct replay *rp);
/* replay_release - free everything replay_* allocated. */
void replay_release(struct replay *rp);
/* replay_visitor - a visitor that feeds rp. */
void replay_visitor(struct replay *rp, struct trace_visitor *v);

/* replay_find - the live block at addr, or NULL. */
const struct live_block *replay_find(const struct replay *rp, uint64_t addr);

/* replay_string - the name with string id, or "?" when the trace has none. */
const char *replay_string(const struct replay *rp, uint32_t id);

/*
 * replay_node_module - the module that held node id's address when the
 * stack was taken, or NULL.
 */
const struct module_info *replay_node_module(const struct replay *rp,
					     uint32_t id);

/*
 * replay_module_at - the module that holds address ip: one still loaded
 * if any, else the latest one that was (dlclose'd since); NULL if none.
 */
const struct module_info *replay_module_at(const struct replay *rp,
					   uint64_t ip);

#endif
