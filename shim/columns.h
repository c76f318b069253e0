/*
 * columns.h - the writer's chunk encoder: one thread's events, as the
 * thread wrote them into its ring (PERFSHIM_EV_* records of varints),
 * become COLUMNS records (perfshim_trace.h): fields in columns, a FREE
 * as its block's slot. The program's threads never run it.
 *
 * Contract: only the holder of the writer's pass lock calls it (the
 * table of block slots is the trace's, one for all threads); it never
 * blocks and takes no lock; it maps memory (mem.h) as the table grows,
 * which is async-signal-safe, so the last pass in a fatal signal's
 * handler may run it. It owns the table; the caller owns the bytes.
 */
#ifndef PERFSHIM_COLUMNS_H
#define PERFSHIM_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

struct col_seen;

/* Where a record goes: a top-level record with its tag and payload. */
typedef void col_stage_fn(uint8_t tag, const uint8_t *payload, size_t len);

/*
 * perfshim_columns_encode - thread's events [p, p + len) as COLUMNS
 * records, handed to stage. Returns how many bytes it encoded: less than
 * len when it met an event it does not know (or cannot parse, or had no
 * memory for the table). The caller writes the rest as a CHUNK, which
 * leaves the table as it is on both sides, adding *lag to the first
 * event's time delta: COLUMNS times are floored to a quantum, so the
 * reader's time for the thread trails the ring's by *lag. From then on
 * the thread's events all go as CHUNKs (this returns 0, lag 0).
 */
HIDDEN size_t perfshim_columns_encode(uint32_t thread, const uint8_t *p,
				      size_t len, col_stage_fn *stage,
				      uint64_t *lag, struct col_seen *seen);

/*
 * What the encoder tells of the events it takes, so that the live-block
 * index (live.c) need not parse them again; seen may be NULL. fn is
 * called for each ALLOC and FREE at offset from of p or beyond, with its
 * block's address, its size (0 for a FREE) and its exact time; exact is
 * set to the thread's time after the last event taken.
 */
struct col_seen {
	void (*fn)(int alloc, uint64_t addr, uint64_t size, uint64_t ts);
	size_t from;
	uint64_t exact; /* out */
};

/*
 * perfshim_columns_many - the process has a second thread: from now on,
 * log what perfshim_columns_ties needs, and write every ALLOC with its
 * address, after an ADDRS record (handed to stage) of the blocks held
 * (before encoding the pass's events; a single thread needs none of
 * it).
 */
HIDDEN void perfshim_columns_many(col_stage_fn *stage);

/*
 * perfshim_columns_ties - at the end of a pass, before its SYNC record:
 * the exact times of the events encoded so far that share an address and
 * a quantum with another thread's, as TIES records handed to stage (none
 * when there are none). w is a time no event encoded later is below (the
 * SYNC watermark, or a closer one); what is below its quantum is
 * forgotten.
 */
HIDDEN void perfshim_columns_ties(uint64_t w, col_stage_fn *stage);

/*
 * perfshim_columns_held - fn for each block the table of slots holds:
 * every ALLOC encoded and not freed since, in the order of encoding,
 * with its size and exact time (the live-block index's, while a single
 * thread has events: live.h).
 */
HIDDEN void perfshim_columns_held(void (*fn)(uint64_t addr, uint64_t size,
					     uint64_t ts));
/* The number of blocks perfshim_columns_held would give. */
HIDDEN size_t perfshim_columns_held_count(void);

/*
 * perfshim_columns_addrs - the address of every block the table holds, as
 * ADDRS records handed to stage (perfshim_trace.h): before every ALLOC
 * goes with its address (a second thread, CHUNKs), and after a scan's
 * pass that has no memory for SCAN_HELD, whose verdicts then name the
 * blocks by address. None once every ALLOC goes with its address: the
 * reader knows them all by their addresses then.
 */
HIDDEN void perfshim_columns_addrs(col_stage_fn *stage);

/*
 * perfshim_columns_scans - the SCAN and SCAN_HEADS records of the scans
 * since the last pass (each: tag, 4-byte length, payload; the records
 * of one scan together, in their order), after the pass's events: as
 * SCAN_HELD records handed to stage while blocks go without addresses
 * (perfshim_trace.h), as they came once every ALLOC goes with its
 * address.
 */
HIDDEN void perfshim_columns_scans(const uint8_t *recs, size_t len,
				   col_stage_fn *stage);

/*
 * A forked child holds its parent's blocks too: its scan must see them
 * (its own blocks may hang from them) and its FREEs of them are no
 * leak. Most children exec or _exit at once, and reading a million
 * blocks into the live index cost each such child 0.4 s at its fork.
 * So the child keeps the parent's table as the fork left it (a copy on
 * write: nothing is read), a FREE that the child's own table does not
 * know strikes its entry out, and the index reads what is left only if
 * it is ever needed (live.c).
 *
 * perfshim_columns_absorb - in the child, before perfshim_columns_inherit:
 * an event of the parent's that was not encoded yet, into the table
 * (nothing is written); 0, or -1 without the memory for it.
 * perfshim_columns_inherit - the table, set aside as the parent's; call
 * perfshim_columns_reset next. -1 (nothing done) if one is set aside
 * already (the child of a child that never read it).
 * perfshim_columns_inherited - fn for each block of the table set aside
 * and not freed since, then the table is given back;
 * perfshim_columns_inherited_each - the same, the table kept;
 * perfshim_columns_inherited_count - how many there are.
 */
HIDDEN int perfshim_columns_absorb(int alloc, uint64_t addr, uint64_t size,
				   uint64_t ts);
HIDDEN int perfshim_columns_inherit(void);
HIDDEN void perfshim_columns_inherited(void (*fn)(uint64_t addr, uint64_t size,
						  uint64_t ts));
HIDDEN void perfshim_columns_inherited_each(void (*fn)(uint64_t addr,
						       uint64_t size,
						       uint64_t ts));
HIDDEN size_t perfshim_columns_inherited_count(void);

/* perfshim_columns_reset - an empty table (a forked child's new trace). */
HIDDEN void perfshim_columns_reset(void);

#endif
