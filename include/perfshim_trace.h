/*
 * perfshim_trace.h - the perfshim trace format, shared by the shim (writer)
 * and the analyzer (reader). This is the one definition; neither side keeps
 * a private copy of any constant below.
 *
 * A trace file is:
 *
 *   file header (uncompressed, fixed prefix + varint body)
 *   zstd frame, zstd frame, ...   (each with a content checksum, holding
 *                                  whole records; up to major 8 each
 *                                  decodes on its own, since major 9 with
 *                                  the one before as its prefix, below)
 *
 * Fixed prefix, little-endian:
 *   0  char[8]  PERFSHIM_MAGIC
 *   8  u16      major version (a reader refuses a major it does not know)
 *   10 u16      minor version (additions only; older readers skip them)
 *   12 u32      length of the header body that follows
 *   16 body     varints and strings, in this order:
 *               pid, ppid, start wall-clock time (ns since the epoch),
 *               clock id used for event times, clock resolution (ns),
 *               page size, pointer size, stack depth limit,
 *               executable path (string), command line (string,
 *               arguments separated by NUL bytes).
 *               Optional fields follow, in this order; a trace may end
 *               its body before any of them (older shims did), so a
 *               reader takes each only while the body has bytes left:
 *               label (string: PERFSHIM_LABEL, KEY=VALUE items
 *               separated by commas; empty: none).
 *               Fields added by later minors follow; a reader ignores
 *               what it does not know, up to the body length.
 *
 * A string is a varint byte count followed by that many bytes (no NUL).
 *
 * Each zstd frame decodes to a sequence of top-level records:
 *
 *   u8 tag, varint payload length, payload
 *
 * so that a reader can skip a tag it does not know. The first record of
 * every frame is PERFSHIM_REC_FRAME with the frame's sequence number.
 *
 * Since major 4, a frame may hold its records split (SPLIT, below): a
 * reader puts them back together before it reads them.
 *
 * Event times count from the moment the trace started (so they are
 * small) and are written as deltas from the previous event of the same
 * thread inside a chunk. Their unit depends on the header's clock id:
 * nanoseconds of CLOCK_MONOTONIC, or, for PERFSHIM_CLOCK_TSC, ticks of the
 * CPU's time-stamp counter, possibly divided by a power of two (used when
 * the kernel itself keeps time with it, so it is constant and synchronized
 * across CPUs). A TSC trace carries CLOCK records pairing ticks with
 * nanoseconds; readers convert, and need not know the divisor.
 *
 * Ordering contract. Per-thread events come in per-thread chunks, in the
 * thread's own order; chunks of different threads interleave. The writer
 * guarantees: after a PERFSHIM_REC_SYNC record with time W, no later record
 * holds an event with a time below W. A reader that merges per-thread
 * queues by time and releases events below each SYNC sees every event in
 * global time order. Stack nodes and modules are written before any event
 * that uses them.
 */
#ifndef PERFSHIM_TRACE_H
#define PERFSHIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define PERFSHIM_MAGIC "PERFSHIM"
#define PERFSHIM_MAGIC_LEN 8
/*
 * Major 2 (COLUMNS records, below) keeps every record and minor of 1.x:
 * a 2.m trace holds what a 1.m trace may, plus COLUMNS. A reader of 2.x
 * reads 1.x traces too; a 1.x reader refuses 2.x, naming both versions.
 * Major 3 keeps every record and minor of 2.x, and codes two COLUMNS
 * fields anew (below: "Since major 3"), so a 2.x reader must refuse it
 * (it does, naming both versions); a 3.x reader reads 1.x and 2.x.
 * Major 4 keeps every record and minor of 3.x, and may split a frame's
 * records (SPLIT, below), which a 3.x reader could not read: it refuses
 * 4.x, naming both versions. A 4.x reader reads 1.x to 3.x.
 * Major 5 keeps every record and minor of 4.x, and keeps 32 recently
 * freed addresses per size class where 4.x kept 8 (PERFSHIM_COL_RECENT,
 * below): an ALLOC's k may be up to 32, which a 4.x reader takes for
 * damage, so it refuses 5.x, naming both versions. A 5.x reader reads
 * 1.x to 4.x.
 * Major 6 keeps every record and minor of 5.x, and counts COLUMNS and
 * TIES times in quanta of 2^13 event-clock units where 5.x counted
 * 2^9 (PERFSHIM_COL_TIME_SHIFT, below): a 5.x reader would place every
 * event 16 times too early, so it refuses 6.x, naming both versions. A
 * 6.x reader reads 1.x to 5.x.
 * Major 7 keeps every record and minor of 6.x, and writes no address for
 * most COLUMNS ALLOCs ("Since major 7", below): a 6.x reader would take
 * the next ALLOC's fields for this one's, so it refuses 7.x, naming both
 * versions. A 7.x reader reads 1.x to 6.x.
 * Major 8 keeps every record and minor of 7.x, and gives the verdicts of
 * a scan of a program whose blocks go without addresses as SCAN_HELD
 * (below), without the ADDRS that named them: a 7.x reader would skip
 * the record and leave every block unclassified, so it refuses 8.x,
 * naming both versions. An 8.x reader reads 1.x to 7.x. (Minors go on
 * from the major before: the records and fields a minor added are
 * there in every later major.)
 * Major 9 keeps every record and minor of 8.x; each zstd frame after the
 * first is decoded with the content of the one before (what it decoded
 * to, split or not) as its raw prefix (ZSTD_DCtx_refPrefix), which its
 * matches may reach back into: the writer gives it one where the data
 * repeats (an effort above the fastest), and a frame without one decodes
 * the same either way. A trace that repeats itself no longer starts
 * afresh at each frame (the shim writes one at least every
 * PERFSHIM_FLUSH_MS): python3's 99.7 -> 60.6 kB, git's 41.0 -> 34.8 kB,
 * cc1's 94.8 -> 87.9 kB. An 8.x reader would find such a frame corrupt,
 * so it refuses 9.x, naming both versions. A 9.x reader reads 1.x to
 * 8.x.
 */
#define PERFSHIM_FORMAT_MAJOR 9
#define PERFSHIM_FORMAT_MINOR 4
/* The oldest major this reader still reads. */
#define PERFSHIM_FORMAT_MAJOR_OLDEST 1
#define PERFSHIM_PREFIX_LEN 16
/* A header body larger than this is not ours. */
#define PERFSHIM_MAX_HEADER_BODY (1u << 20)
/* A frame never decodes to more than this; a larger one is corrupt. */
#define PERFSHIM_MAX_FRAME_CONTENT (64u << 20)

/*
 * Top-level record tags. Payload fields, in order:
 *
 * FRAME         seq
 * MODULE        module id, load bias, path (string), build-id (string of raw
 *               bytes, may be empty), segment count, then per PT_LOAD
 *               segment: start address, size, flags (PF_R|PF_W|PF_X).
 *               A module id is never reused; a module loaded again after
 *               dlclose gets a new id.
 * MODULE_GONE   module id (dlclose unmapped it; its records stay valid for
 *               the stacks that were taken while it was loaded)
 * NODES         first node id, count, then per node:
 *               (node id - parent id) as varint, ip as zigzag delta from the
 *               previous ip in this record (the first from 0).
 *               Stack ids are node ids. Node 0 is the empty stack (root) and
 *               is never written. A node's ip is a return address (or the
 *               faulting pc for the innermost frame of a sample); the
 *               analyzer looks up ip - 1 for return addresses.
 * THREAD        thread index (small, dense, from 0), kernel tid,
 *               name (string, may be empty)
 * CHUNK         thread index, then per-thread events to the end of the
 *               payload (see PERFSHIM_EV_*)
 * SYNC          watermark time W (see the ordering contract above)
 * LOST          number of events the shim could not record, reason code
 * CLOCK         ticks, nanoseconds: the same instant on the event clock
 *               and on CLOCK_MONOTONIC, both counted from the trace start
 *               (written at the start and then now and then)
 * END           how (PERFSHIM_END_*), exit status or signal number,
 *               allocation calls, free calls, bytes allocated,
 *               events written, events lost. Records after END are late
 *               events (frees made by destructors that ran after the
 *               shim's own); readers apply them.
 *
 * Since minor 1:
 *
 * MEMORY        time (event clock, from the trace start), resident set
 *               bytes, mapped (virtual) bytes. Written by the writer
 *               thread on an interval; not part of the event merge (its
 *               time is never below the last SYNC, but readers must not
 *               rely on any order among MEMORY records and events).
 * STRING        string id (1..PERFSHIM_MAX_STRINGS, dense), text. Names for
 *               zones and labels for markers; each id is written once,
 *               before the first event that uses it.
 * TIMING        exact timing aggregates (instrumented functions, zones);
 *               payload defined below, where its kind is.
 * SCAN          results of the shim's reachability scan of live blocks:
 *               scan time (event clock, from the trace start; every
 *               block of the record was allocated before it), flags
 *               (PERFSHIM_SCAN_*), threads stopped for the scan, threads
 *               that did not stop in time (their stacks were scanned
 *               without registers), verdict count N, then N verdicts in
 *               increasing address order: address as a delta from the
 *               previous verdict's (the first from 0), the block's size
 *               (that of its latest alloc), kind (PERFSHIM_SCAN_DEFINITE
 *               ...). One scan may take several records with the same
 *               time (at most 65536 verdicts each); a later scan's
 *               verdict replaces an earlier one. A reader applies a
 *               verdict to a block only if the block is live at that
 *               address, of that size, and was allocated at or before
 *               the scan time; blocks without one stay unclassified.
 * SCAN_HEADS    (an addition of minor 1: older readers skip it) for a scan
 *               just written, the DEFINITE block each INDIRECT block is
 *               lost through (the first block of its unreachable
 *               structure): scan time (that of its SCAN records), count
 *               N, then N pairs in increasing address order: the
 *               indirect block's address as a delta from the previous
 *               pair's (the first from 0), and its head's address. A
 *               suppressed leak takes with it the blocks lost only
 *               through it, as in LeakSanitizer.
 *
 * Since minor 2:
 *
 * HISTOGRAM     latency histograms of one thread's calls: thread index,
 *               sub-bucket bits (PERFSHIM_HIST_SUB_BITS of
 *               perfshim_hist.h, which defines the buckets; a reader
 *               skips a record with bits it does not know), calls not
 *               counted (the thread's tables were full), function count
 *               N, then per function or zone: type (PERFSHIM_PATH_*),
 *               value (as in TIMING PATHS), bucket count M > 0, then M
 *               buckets in increasing index order: index as a delta from
 *               the previous bucket's (the first from 0), count (> 0).
 *               A bucket counts the calls whose inclusive duration, on
 *               the event clock, falls in it; a call counts when it
 *               returns (calls still open at the finish do not). Written
 *               with the thread's TIMING PATHS record; counts of several
 *               records add up.
 *
 * Since major 2:
 *
 * COLUMNS       one thread's events, as a CHUNK holds them, in columns:
 *               thread index, event count N, then seven columns, each a
 *               varint byte length and that many bytes:
 *                 kinds     N bytes: PERFSHIM_EV_* (ALLOC | fn, FREE,
 *                           THREAD_EXIT, SAMPLE, MARK), or
 *                           PERFSHIM_COL_ALLOC_HELD | fn
 *                 times     per event: dq, its time in quanta of
 *                           2^PERFSHIM_COL_TIME_SHIFT event-clock units
 *                           (floored) less the thread's previous event's
 *                           (in any record), floored likewise: the time
 *                           is ((previous >> shift) + dq) << shift
 *                 sizes     per ALLOC: size
 *                 stacks    per ALLOC and SAMPLE: stack id; per MARK:
 *                           string id
 *                 slots     per FREE with rank 0: its block's slot + 1
 *                           (2.x; 3.x: see below), or 0 when it names
 *                           an address; per ALLOC_HELD: the slot;
 *                           per ALLOC: k > 0 when its address is the
 *                           k-th most recently freed of its size class
 *                           (below), else 0
 *                 addresses per ALLOC with k = 0: the address as
 *                           perfshim_col_addr() codes its distance from
 *                           the previous such ALLOC's (of any thread;
 *                           the first from 0; 3.x: see below); per FREE
 *                           with slot 0: the address
 *                 ranks     per FREE: r > 0 when its block's slot is the
 *                           r-th most recently allocated (below), else 0
 *               Block slots: reader and writer keep the same table of
 *               slots, one for each block allocated in a COLUMNS record
 *               and not yet freed by slot, in the file's order of
 *               records (all threads share it). An ALLOC takes the slot
 *               released last, or, when none is free, a new one (0, 1,
 *               ...). A FREE by slot frees that slot's block and
 *               releases the slot. An ALLOC_HELD is an ALLOC at an
 *               address that a slot still holds (its block was freed
 *               by address: by a record of another thread written
 *               before the ALLOC's, or in a CHUNK): it takes that slot
 *               over, at the slot's address (no address field).
 *               Recently freed: both sides keep, per size class
 *               (perfshim_col_class() of the size allocated), the
 *               addresses of the last PERFSHIM_COL_RECENT blocks freed
 *               by slot, most recent first; an ALLOC with k > 0 takes
 *               its address from there and removes it. Allocators hand
 *               out the block of that size freed last (glibc's tcache
 *               does), so most ALLOCs cost a small k and no address.
 *               Recently allocated: both sides keep the slots of the
 *               last PERFSHIM_COL_MRU ALLOCs (ALLOC_HELD too) whose
 *               blocks were not freed since, newest first; a FREE by
 *               slot of one of them writes its rank (and takes it out),
 *               since most programs free what they allocated last.
 *               Times: a quantum is 512 units, 0.5 us of a
 *               CLOCK_MONOTONIC trace and 8192 ticks of a TSC (2-8 us
 *               at 1-4 GHz): timelines and growth need about a
 *               millisecond and each thread's own order, which stays.
 *               Exact times would cost a byte an event. Where two
 *               threads' events on one address share a quantum, their
 *               order is the allocator's and matters: since minor 4, a
 *               TIES record gives those events' exact times. The shim writes a CHUNK for events its encoder
 *               does not know, and all of that thread's later events:
 *               CHUNK deltas are exact (the first one counts from the
 *               floored time), and SYNC watermarks are floored too.
 *
 * Since major 3, times, FREEs and missed addresses are coded anew. Both sides
 * number the ALLOCs (ALLOC_HELD too) of COLUMNS records in the file's
 * order (all threads), from 0; a block's age at its FREE is how many
 * ALLOCs came since its own, its own included (the age of the latest
 * ALLOC's block is 1).
 *                 kinds     a FREE without a rank whose block has a
 *                           slot may be PERFSHIM_COL_FREE_SLOT, with
 *                           no ranks field and, in slots, the slot;
 *                 slots     per FREE with rank 0: its block's age
 *                           (at most PERFSHIM_COL_AGES), or 0 when it
 *                           names an address. The writer picks, for
 *                           each, age or FREE_SLOT: a program that
 *                           repeats itself frees its blocks at the same
 *                           ages each time round whatever slots they
 *                           took (sqlite3: slots cost 0.21 B a free,
 *                           ages 0.02), while one that frees at random
 *                           among many blocks has smaller slots (churn:
 *                           1.30 B, ages 1.50);
 *                 times     only for the events whose dq is not 0,
 *                           in order: how many events of the record
 *                           came since the previous such one (or the
 *                           record's start) with dq 0, then dq; the
 *                           events after the last one have dq 0. Most
 *                           events share the quantum of the one before
 *                           (sqlite3: times cost 0.16 B a free as dq
 *                           each, 0.07 so);
 *                 addresses per ALLOC with k = 0: the distance is from
 *                           the previous such ALLOC's address plus
 *                           perfshim_col_chunk() of its size, where the
 *                           heap carves its next block from fresh
 *                           memory (often exactly there).
 *
 * Since major 7, a block's address is written only where a reader needs
 * it, and an ALLOC without one is named by its number:
 *                 kinds     PERFSHIM_EV_ALLOC | fn: no slots field and
 *                           no address; the reader names the block
 *                           perfshim_col_unnamed() of the ALLOC's number
 *                           (as for ages, above), an address no heap
 *                           hands out. PERFSHIM_COL_ALLOC_ADDR | fn: an
 *                           ALLOC with its address, k in the slots
 *                           column and the address where k is 0, as a
 *                           6.x ALLOC's. The writer writes every ALLOC
 *                           so once a second thread has events (another
 *                           thread's FREE of an address may be encoded
 *                           before its ALLOC, or before an earlier FREE
 *                           there: only addresses and TIES tell the
 *                           reader their order), once a thread's events
 *                           go as CHUNKs (whose FREEs name addresses),
 *                           and for a failed allocation (address 0);
 *                           each after an ADDRS record of the blocks
 *                           held then. One thread's events come in its
 *                           order: a FREE found in the table is of the
 *                           block there.
 *                           PERFSHIM_COL_FREE_RANK | (r - 1): a FREE
 *                           of rank r (1 to PERFSHIM_COL_MRU), no field
 *                           in ranks; a FREE (without rank) has none
 *                           either: the ranks column is empty. (A kind
 *                           and a rank that follow each other compress
 *                           better as one stream: perl's trace 15%
 *                           smaller, cc1's 12%, git's 11%.)
 *                 slots     per ALLOC: nothing; per FREE with an
 *                           age (3.x), not the age but the number of its
 *                           block's ALLOC, as the zigzag of its distance
 *                           from the number the previous such FREE (of
 *                           any thread) named plus 1 (the first from 0):
 *                           never 0, which still names an address. A
 *                           program that frees a structure's blocks in
 *                           the order it allocated them moves on by
 *                           small repeated steps, where ages drift
 *                           (python3's FREEs 0.75 -> 0.11 B each);
 *               ALLOC_HELD and FREEs are as in 6.x: the block takes, or
 *               is freed by, the name its slot has. The recently freed
 *               lists keep only addresses: a FREE by slot of a block
 *               named by its number pushes nothing, and both sides
 *               empty the lists at each ADDRS record.
 *               Whoever needs a block's address, the leak verdicts of a
 *               SCAN (by address) above all, reads it from ADDRS:
 *
 * ADDRS         the addresses of blocks held in slots: form, count N,
 *               then, form 1: the addresses of the N blocks held (all
 *               of them), in the order of their ALLOCs' numbers, each
 *               as perfshim_col_addr() codes its distance from where
 *               the one before ends (perfshim_col_chunk() of its size;
 *               the first from 0); form 0 (a writer without memory for
 *               the sort): N pairs, slot and its block's address coded
 *               as its distance from the previous pair's (the first
 *               from 0). From this record on, the block is known by
 *               that address: earlier events that named it otherwise
 *               name it so (the reader renames it), and a FREE by slot
 *               names it so. The writer gives every held slot's
 *               before every ALLOC goes with its address (above); 7.x
 *               also after the events of the pass that wrote a SCAN,
 *               8.x only where it has no memory to write SCAN_HELD
 *               instead. With the codings above, the traces of make
 *               bench's programs against 6.x's: python3 76% smaller,
 *               git 56%, sqlite3 50%, cc1 39%, perl 33%, cxx 30%.
 *
 * Since major 8:
 *
 * SCAN_HELD     a scan's verdicts, in place of its SCAN and SCAN_HEADS
 *               records, while blocks go without addresses: scan time,
 *               flags, threads stopped, threads missed (as in SCAN),
 *               count N, then for each of the N blocks held (all of
 *               them), in the order of their ALLOCs' numbers (as ADDRS
 *               form 1): its kind (PERFSHIM_SCAN_DEFINITE ...), or
 *               PERFSHIM_SCAN_NONE where the scan judged no block at
 *               its address and of its size; an INDIRECT kind is
 *               followed by the zigzag of the distance, in this list,
 *               from the block to the DEFINITE block it is lost
 *               through (0: not known). The writer writes it after the
 *               events of the pass that took the scan's records: every
 *               block the scan judged was allocated before it, so was
 *               encoded by then. A reader reads it as the SCAN and
 *               SCAN_HEADS records it stands for, each block named as
 *               the reader knows it (perfshim_col_unnamed() of its
 *               number, or its address); a verdict still applies only
 *               to a block allocated by the scan's time. One byte a
 *               block, most of them alike, where 7.x gave each its
 *               address in ADDRS and its verdict in SCAN: git's trace
 *               70.7 -> 55.0 kB, cc1's 108 -> 98 kB; and a forked
 *               child's trace has no verdicts for the blocks it
 *               inherited, which no event of its trace names (a bash
 *               subshell's: 2.7 -> 1.75 kB).
 *               When every ALLOC goes with its address later (a second
 *               thread), the writer gives the last such scan's SCAN
 *               and SCAN_HEADS records again after that ADDRS, flagged
 *               PERFSHIM_SCAN_REPEAT.
 *
 * Since minor 3:
 *
 * CALLS         timed calls of one thread's zones and instrumented
 *               functions, one by one: thread index, calls the thread
 *               did not record since its previous CALLS record
 *               (PERFSHIM_EVENTS capped them; the TIMING totals still
 *               count them), call count N, then N calls in the order
 *               they returned: type (PERFSHIM_PATH_*), value (as in
 *               TIMING PATHS), depth (open zones and functions around
 *               it on the thread's shadow stack, 0 at the top), start
 *               time (event clock, from the trace start) as a zigzag
 *               delta from the previous call's start in this record
 *               (the first from 0), duration (inclusive, event clock).
 *               A call is recorded when it returns (calls still open at
 *               the finish are not). Not part of the event merge: a
 *               thread writes its buffered calls now and then, at its
 *               exit and at the finish, in no order with other records.
 *
 * Since minor 4:
 *
 * TIES          exact times of events of COLUMNS records that share a
 *               quantum and an address with an event of another thread,
 *               as triples until the record's end: thread index, the
 *               event's number among that thread's events in the file
 *               (CHUNK and COLUMNS alike, from 0), and its time less
 *               its floored time (below 2^PERFSHIM_COL_TIME_SHIFT). A
 *               reader merging by floored time would put such events in
 *               the order of the thread indices; the allocator's order
 *               (a block is freed before another thread gets its
 *               address, and allocated before another thread frees it)
 *               is their time order. A reader raises the event's time
 *               by that much, and the times of its thread's later
 *               events in the quantum that are below it. Written after
 *               the records of the events it names and before the SYNC
 *               that lets them go; a triple naming an event a reader
 *               let go already is of no use to it.
 *
 * Since major 4:
 *
 * SPLIT         not a record but a frame's first byte: the frame's
 *               records split into a skeleton and the seven columns of
 *               its COLUMNS records, so that each column's bytes lie
 *               side by side through the whole frame, where zstd finds
 *               their repeats (frames of a few hundred COLUMNS records,
 *               each a writer pass of one thread; sqlite3 12% fewer
 *               bytes, churn 9%, for less compressor time). After the
 *               tag: the skeleton's length S, the seven columns'
 *               lengths T0..T6 (PERFSHIM_COL_* order), the skeleton (S
 *               bytes), then the columns, column 0's bytes first. The
 *               skeleton is the frame's records as written, save that a
 *               COLUMNS record keeps only its tag, its length, thread
 *               index, event count and the seven column lengths: its
 *               column bytes are the next that many of each column.
 *               A reader puts them back in place; the columns must be
 *               used up exactly, and the frame then reads as any other.
 *               The writer may write any frame whole, not split.
 *
 * Tags from PERFSHIM_REC_EXT_FIRST to PERFSHIM_REC_EXT_LAST are extension
 * records: the reader checks only their framing and hands the payload to
 * the analyzer part that owns the kind, which validates it.
 */
enum perfshim_rec {
	PERFSHIM_REC_FRAME = 1,
	PERFSHIM_REC_MODULE = 2,
	PERFSHIM_REC_MODULE_GONE = 3,
	PERFSHIM_REC_NODES = 4,
	PERFSHIM_REC_THREAD = 5,
	PERFSHIM_REC_CHUNK = 6,
	PERFSHIM_REC_SYNC = 7,
	PERFSHIM_REC_LOST = 8,
	PERFSHIM_REC_END = 9,
	PERFSHIM_REC_CLOCK = 10,
	PERFSHIM_REC_MEMORY = 11,
	PERFSHIM_REC_STRING = 12,
	PERFSHIM_REC_TIMING = 13,
	PERFSHIM_REC_SCAN = 14,
	PERFSHIM_REC_SCAN_HEADS = 15,
	PERFSHIM_REC_HISTOGRAM = 32, /* after the extension range */
	PERFSHIM_REC_COLUMNS = 40,   /* 33-39 left for minors of 2.x */
	PERFSHIM_REC_CALLS = 33,
	PERFSHIM_REC_TIES = 34,
	PERFSHIM_REC_ADDRS = 35,     /* major 7 */
	PERFSHIM_REC_SCAN_HELD = 36, /* major 8 */
	PERFSHIM_REC_SPLIT = 41,     /* a frame's first byte only (major 4) */
};

#define PERFSHIM_REC_EXT_FIRST PERFSHIM_REC_TIMING

/*
 * TIMING payload: kind (PERFSHIM_TIMING_*), then by kind:
 *
 * SAMPLER       sampling period in ns (0: sampling off), samples taken,
 *               samples dropped because the thread was inside the shim,
 *               dropped inside the dynamic loader or the unwinder, dropped
 *               for other reasons (thread not set up, stack not taken).
 *               Written when tracing starts and again at the finish with
 *               the counts; the last one holds.
 * PATHS         exact timing of one thread: thread index, unmatched ends
 *               (exits or zone ends with no matching entry), frames not
 *               kept (deeper than the shadow stack), path count N, then
 *               per path i = 1..N: (i - parent) as varint (parent 0 is the
 *               root; parent < i), type (PERFSHIM_PATH_*), value (FUNCTION:
 *               the function's entry address, as -finstrument-functions
 *               passes it; ZONE: string id of the zone's name), calls,
 *               inclusive time, self time (inclusive less the children's;
 *               both on the event clock, as durations). A path is its
 *               parent's path plus one function or zone. A thread writes
 *               its record when it exits, or at the finish; totals of
 *               several records add up.
 *
 * Kinds a reader does not know it skips.
 */
enum perfshim_timing {
	PERFSHIM_TIMING_SAMPLER = 1,
	PERFSHIM_TIMING_PATHS = 2,
};

enum perfshim_path_type {
	PERFSHIM_PATH_FUNCTION = 0,
	PERFSHIM_PATH_ZONE = 1,
};
#define PERFSHIM_REC_EXT_LAST 31

/* Most string ids a trace may use (zone names and marker labels). */
#define PERFSHIM_MAX_STRINGS 65536
/* Longest string text the shim writes (longer names are cut there). */
#define PERFSHIM_MAX_STRING_LEN 255

/* Header clock id of a trace timed by the time-stamp counter. */
#define PERFSHIM_CLOCK_TSC 0x100

/*
 * Per-thread events inside a CHUNK. One tag byte, then fields; no length,
 * so a reader that meets an unknown event tag skips the rest of the chunk
 * (and says so).
 *
 * ALLOC | fn    dt, size, address, stack id. fn is a PERFSHIM_FN_* value
 *               (0..15).
 * FREE          dt, address
 *
 * Addresses are absolute, not deltas: blocks are reused, so the same
 * addresses recur, and that repetition is what zstd compresses (deltas
 * from the previous event were 25% larger after compression).
 * THREAD_EXIT   dt
 *
 * Since minor 1:
 * SAMPLE        dt, stack id: a CPU-time sample of the thread. The leaf
 *               node's ip is the interrupted pc plus one, so that the
 *               analyzer's ip - 1 rule for return addresses finds the pc.
 * MARK          dt, string id: perfshim_mark(label) from include/perfshim.h
 */
#define PERFSHIM_EV_ALLOC 0x10 /* low nibble: PERFSHIM_FN_* */
#define PERFSHIM_EV_FREE 0x20
#define PERFSHIM_EV_THREAD_EXIT 0x21
#define PERFSHIM_EV_SAMPLE 0x22
#define PERFSHIM_EV_MARK 0x23
/* COLUMNS only: an ALLOC into a slot still held (low nibble: fn). */
#define PERFSHIM_COL_ALLOC_HELD 0x30
/* COLUMNS only, since major 7: an ALLOC with its address (low nibble: fn). */
#define PERFSHIM_COL_ALLOC_ADDR 0x40
/* COLUMNS only, since major 7: a FREE of rank r (low nibble: r - 1). */
#define PERFSHIM_COL_FREE_RANK 0x50
/* COLUMNS only, since major 3: a FREE by its block's slot, no rank. */
#define PERFSHIM_COL_FREE_SLOT 0x24
/*
 * COLUMNS: times in quanta of 2^PERFSHIM_COL_TIME_SHIFT clock units;
 * before major 6, PERFSHIM_COL_TIME_SHIFT_5. What an event's time is
 * worth: its thread's order is the order of its events, and what reads
 * times across threads (the heap over time, growth windows and
 * markers, CPU samples, the budget's durations from TIMING records,
 * which are exact) needs about a millisecond. A unit is 16 TSC ticks,
 * or a ns without an invariant TSC (CLOCK records), so a quantum is
 * 131 us at a 1 GHz TSC, 35 us at 3.8 GHz, and 8.2 us in ns. Two
 * threads' events on one address within a quantum keep their order
 * through TIES. Against quanta of 2^9 the traces of make bench's
 * programs shrank by 2 to 25% (sqlite3 25%, cc1 14%, git 12%), most of
 * the times column gone.
 */
#define PERFSHIM_COL_TIME_SHIFT 13
#define PERFSHIM_COL_TIME_SHIFT_5 9
/* COLUMNS: the recently freed addresses kept per size class (a power of
 * two, at most 256); before major 5, PERFSHIM_COL_RECENT_4. */
#define PERFSHIM_COL_RECENT 32
#define PERFSHIM_COL_RECENT_4 8
/* COLUMNS: the recently allocated slots kept for FREE ranks. */
#define PERFSHIM_COL_MRU 16
#define PERFSHIM_COL_CLASSES 258
/*
 * Both sides keep those two lists most recent first (struct
 * perfshim_col_lists, below); the MRU list, in an array of twice its
 * length, moves entries
 * with PERFSHIM_COL_MOVE: a move of a fixed n bytes (at most 128),
 * whatever the list holds, which the compiler makes a few vector loads
 * and stores (a loop of the list's length, or a call to memmove, cost a
 * tenth of encoding or decoding a churn trace). n is a whole list, a
 * multiple of 16 even where one entry less would do: a move of 60 or
 * 56 bytes went through a copy on the stack, and reading it back
 * stalled on the stores just made (8% of the encoder's time on churn).
 */
#define PERFSHIM_COL_MOVE(dst, src, n)              \
	do {                                        \
		unsigned char perfshim_move_[n];    \
		memcpy(perfshim_move_, (src), (n)); \
		memcpy((dst), perfshim_move_, (n)); \
	} while (0)
/* COLUMNS: a FREE names its block by age among the last this many ALLOCs. */
#define PERFSHIM_COL_AGES 65536

/* COLUMNS: the columns, in their order. */
enum perfshim_col {
	PERFSHIM_COL_KINDS,
	PERFSHIM_COL_TIMES,
	PERFSHIM_COL_SIZES,
	PERFSHIM_COL_STACKS,
	PERFSHIM_COL_SLOTS,
	PERFSHIM_COL_ADDRS,
	PERFSHIM_COL_RANKS,
	PERFSHIM_COL_COUNT
};

enum perfshim_fn {
	PERFSHIM_FN_MALLOC = 0,
	PERFSHIM_FN_CALLOC = 1,
	PERFSHIM_FN_REALLOC = 2,
	PERFSHIM_FN_REALLOCARRAY = 3,
	PERFSHIM_FN_POSIX_MEMALIGN = 4,
	PERFSHIM_FN_ALIGNED_ALLOC = 5,
	PERFSHIM_FN_MEMALIGN = 6,
	PERFSHIM_FN_VALLOC = 7,
	PERFSHIM_FN_PVALLOC = 8,
	PERFSHIM_FN_COUNT
};

enum perfshim_end {
	PERFSHIM_END_EXIT = 0,	 /* exit() or return from main: status */
	PERFSHIM_END__EXIT = 1,	 /* _exit()/_Exit(): status */
	PERFSHIM_END_SIGNAL = 2, /* killed by a fatal signal: signal number */
	PERFSHIM_END_EXEC = 3, /* replaced by exec; the new image traces anew */
	PERFSHIM_END_STOPPED = 4 /* tracing was turned off (write error) */
};

/* SCAN flags. */
#define PERFSHIM_SCAN_AT_EXIT 1u	/* the scan at exit (else the API's) */
#define PERFSHIM_SCAN_MISSED_THREADS 2u /* some threads did not stop */
#define PERFSHIM_SCAN_PARTIAL 4u	/* some events escaped the index */
/* The verdicts of a scan given as SCAN_HELD before, again by address
 * (major 8): not another scan. */
#define PERFSHIM_SCAN_REPEAT 8u

/* SCAN verdict kinds, memcheck's definitions. */
enum perfshim_scan_kind {
	PERFSHIM_SCAN_DEFINITE = 0,  /* no pointer to it anywhere */
	PERFSHIM_SCAN_INDIRECT = 1,  /* pointed to only from lost blocks */
	PERFSHIM_SCAN_POSSIBLE = 2,  /* reached only through interior ptrs */
	PERFSHIM_SCAN_REACHABLE = 3, /* a start pointer chain from a root */
	PERFSHIM_SCAN_KINDS,
	/* SCAN_HELD only: no verdict for the block */
	PERFSHIM_SCAN_NONE = PERFSHIM_SCAN_KINDS
};

enum perfshim_lost {
	PERFSHIM_LOST_WRITE = 1, /* the trace could not be written */
	/* no memory for the thread's buffer (a tight RLIMIT_AS): the events
	 * of a thread the shim could not set up */
	PERFSHIM_LOST_MEMORY = 3,
	/* 2 was PERFSHIM_LOST_TABLE, never written by any shim: kept
	 * free so that old readers do not misname a new reason. */
};

/* Upper bound of one encoded varint. */
#define PERFSHIM_VARINT_MAX 10

/*
 * perfshim_put_varint - write v as unsigned LEB128 at p.
 * Returns the number of bytes written (1..10). p must have room for
 * PERFSHIM_VARINT_MAX bytes.
 */
static inline size_t perfshim_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/*
 * perfshim_get_varint - read an unsigned LEB128 value from [*p, end).
 * On success stores it in *v, advances *p and returns 0. Returns -1 (and
 * leaves *p alone) when the input ends inside the value or the value does
 * not fit in 64 bits.
 */
static inline int perfshim_get_varint(const uint8_t **p, const uint8_t *end,
				      uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t r = 0;
	unsigned shift = 0;

	/* Most values (deltas, tags, small sizes) take one or two bytes. */
	if (end - q >= 2 && !(q[0] & 0x80)) {
		*v = q[0];
		*p = q + 1;
		return 0;
	}
	if (end - q >= 2 && !(q[1] & 0x80)) {
		*v = (uint64_t)(q[0] & 0x7f) | (uint64_t)q[1] << 7;
		*p = q + 2;
		return 0;
	}
	/* Up to 8 bytes (56 bits: addresses, times) from one load, without
	 * a loop: the 7-bit groups of the bytes before the first one
	 * without its top bit, pulled together in three steps. */
	if (end - q >= 8) {
		uint64_t w, stop;

		memcpy(&w, q, 8); /* little-endian: byte 0 lowest */
		stop = ~w & 0x8080808080808080ull;
		if (stop) {
			unsigned n = (unsigned)__builtin_ctzll(stop) / 8 + 1;
			uint64_t x = n == 8 ? w : w & ((1ull << (8 * n)) - 1);

			x &= 0x7f7f7f7f7f7f7f7full;
			x = (x & 0x007f007f007f007full) |
			    ((x & 0x7f007f007f007f00ull) >> 1);
			x = (x & 0x00003fff00003fffull) |
			    ((x & 0x3fff00003fff0000ull) >> 2);
			x = (x & 0x000000000fffffffull) |
			    ((x & 0x0fffffff00000000ull) >> 4);
			*v = x;
			*p = q + n;
			return 0;
		}
	}
	while (q < end) {
		uint8_t b = *q++;

		if (shift == 63 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			*p = q;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return -1;
	}
	return -1;
}

static inline uint64_t perfshim_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t perfshim_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/*
 * perfshim_col_class - the size class of an allocation of size bytes:
 * glibc's chunk size (size + 8 rounded up to 16, at least 32) in units
 * of 16 up to 4 KiB, then one class for every larger size.
 */
static inline unsigned perfshim_col_class(uint64_t size)
{
	uint64_t chunk = size < 24 ? 32 : (size + 8 + 15) & ~(uint64_t)15;

	return size <= 4096 ? (unsigned)(chunk >> 4) : 0;
}

/*
 * perfshim_col_chunk - the bytes glibc's heap moves on from a block of
 * size bytes carved from its top: the chunk size, header included.
 */
static inline uint64_t perfshim_col_chunk(uint64_t size)
{
	return size < 24 ? 32 : (size + 8 + 15) & ~(uint64_t)15;
}

/*
 * perfshim_col_unnamed - the name a 7.x reader gives the block of the
 * n-th ALLOC (from 0) that has no address: above any user-space
 * address, and 16-aligned as blocks are.
 */
static inline uint64_t perfshim_col_unnamed(uint64_t n)
{
	return (uint64_t)1 << 63 | n << 4;
}

static inline int perfshim_col_is_unnamed(uint64_t addr)
{
	return (int)(addr >> 63);
}

/*
 * perfshim_col_addr - the code of the distance d between two addresses:
 * blocks are 16-aligned, so a multiple of 16 is coded in units of 16.
 */
static inline uint64_t perfshim_col_addr(uint64_t d)
{
	if (d & 15)
		return perfshim_zigzag((int64_t)d) << 1 | 1;
	return perfshim_zigzag((int64_t)d >> 4) << 1;
}

static inline uint64_t perfshim_col_unaddr(uint64_t v)
{
	if (v & 1)
		return (uint64_t)perfshim_unzigzag(v >> 1);
	return (uint64_t)perfshim_unzigzag(v >> 1) << 4;
}

/*
 * The COLUMNS lists, as the writer and the reader both keep them: per
 * size class, the addresses of the last blocks freed by slot
 * (PERFSHIM_COL_RECENT of them; PERFSHIM_COL_RECENT_4 before major 5);
 * the slots of the last PERFSHIM_COL_MRU ALLOCs not freed since. Most
 * recent first. A class's list is a ring from rhead[c]: a push or taking
 * out the newest moves nothing, and taking out entry i moves the i newer
 * ones. The MRU list is an array with room for the fixed-size moves
 * (PERFSHIM_COL_MOVE). Entries past the counts are garbage; zeroed
 * counts: empty lists. A list that keeps fewer addresses holds the first
 * ones of a longer list's (a push drops the oldest, taking out entry i
 * moves only newer ones), so a reader keeps the long lists for every
 * version and only refuses a k that the trace's writer could not write.
 */
struct perfshim_col_lists {
	uint64_t recent[PERFSHIM_COL_CLASSES][PERFSHIM_COL_RECENT];
	unsigned nrecent[PERFSHIM_COL_CLASSES];
	uint8_t rhead[PERFSHIM_COL_CLASSES];
	uint32_t mru[2 * PERFSHIM_COL_MRU];
	unsigned nmru;
};

/* Entry i (< nrecent[c]) of class c's list. */
static inline uint64_t
perfshim_col_recent_at(const struct perfshim_col_lists *l, unsigned c,
		       unsigned i)
{
	return l->recent[c][(l->rhead[c] + i) & (PERFSHIM_COL_RECENT - 1)];
}

/* addr first in class c's list (its oldest falls off a full one). */
static inline void perfshim_col_recent_push(struct perfshim_col_lists *l,
					    unsigned c, uint64_t addr)
{
	unsigned h = (l->rhead[c] - 1u) & (PERFSHIM_COL_RECENT - 1);

	if (l->nrecent[c] < PERFSHIM_COL_RECENT)
		l->nrecent[c]++;
	l->recent[c][h] = addr;
	l->rhead[c] = (uint8_t)h;
}

/*
 * i + 1 for the first entry i of class c's list that is addr, else 0.
 * With SSE2 the whole ring is compared, two entries at a time, without a
 * branch an entry (the loop was 3% of churn-2t), then read in the list's
 * order from its head; entries past nrecent[c] are garbage.
 */
static inline unsigned
perfshim_col_recent_find(const struct perfshim_col_lists *l, unsigned c,
			 uint64_t addr)
{
#if defined(__SSE2__) && PERFSHIM_COL_RECENT == 32
	const uint64_t *r = l->recent[c];
	__m128i k = _mm_set1_epi64x((long long)addr);
	uint64_t m = 0;

	for (unsigned j = 0; j < PERFSHIM_COL_RECENT; j += 2) {
		__m128i v = _mm_loadu_si128((const __m128i *)&r[j]);

		m |= (uint64_t)(unsigned)_mm_movemask_ps(
			     _mm_castsi128_ps(_mm_cmpeq_epi32(v, k)))
		     << (2 * j);
	}
	/* Entry e is equal where both its halves are (bits 2e, 2e + 1);
	 * then bit e of the ring's positions, by halving steps. */
	m &= m >> 1;
	m &= 0x5555555555555555ull;
	m = (m | m >> 1) & 0x3333333333333333ull;
	m = (m | m >> 2) & 0x0f0f0f0f0f0f0f0full;
	m = (m | m >> 4) & 0x00ff00ff00ff00ffull;
	m = (m | m >> 8) & 0x0000ffff0000ffffull;
	m = (m | m >> 16) & 0x00000000ffffffffull;
	uint32_t at = (uint32_t)m;
	unsigned h = l->rhead[c], n = l->nrecent[c];

	/* entry i of the list is position (h + i) % 32 */
	at = h ? at >> h | at << (32 - h) : at;
	if (n < 32)
		at &= (1u << n) - 1;
	return at ? (unsigned)__builtin_ctz(at) + 1 : 0;
#else
	for (unsigned i = 0; i < l->nrecent[c]; i++)
		if (perfshim_col_recent_at(l, c, i) == addr)
			return i + 1;
	return 0;
#endif
}

/* Entry i (< nrecent[c]) out of class c's list. */
static inline void perfshim_col_recent_out(struct perfshim_col_lists *l,
					   unsigned c, unsigned i)
{
	const unsigned m = PERFSHIM_COL_RECENT - 1;
	unsigned h = l->rhead[c];
	uint64_t *r = l->recent[c];

	for (; i > 0; i--)
		r[(h + i) & m] = r[(h + i - 1) & m];
	l->rhead[c] = (uint8_t)((h + 1) & m);
	l->nrecent[c]--;
}

/* Slot s first in the list (its oldest falls off a full one). */
static inline void perfshim_col_mru_push(struct perfshim_col_lists *l,
					 uint32_t s)
{
	if (l->nmru < PERFSHIM_COL_MRU)
		l->nmru++;
	PERFSHIM_COL_MOVE(&l->mru[1], &l->mru[0],
			  PERFSHIM_COL_MRU * sizeof(uint32_t));
	l->mru[0] = s;
}

/*
 * r > 0 if slot s is the r-th of the list, else 0. With SSE2 (every
 * x86-64) the list is compared 4 entries at a time, without a branch an
 * entry: the loop's mispredicted exit was an eighth of the writer's
 * encoder on churn.
 */
static inline unsigned perfshim_col_mru_find(const struct perfshim_col_lists *l,
					     uint32_t s)
{
#if defined(__SSE2__) && PERFSHIM_COL_MRU % 4 == 0 && PERFSHIM_COL_MRU < 32
	__m128i k = _mm_set1_epi32((int)s);
	unsigned m = 0;

	for (unsigned j = 0; j < PERFSHIM_COL_MRU; j += 4) {
		__m128i v = _mm_loadu_si128((const __m128i *)&l->mru[j]);

		m |= (unsigned)_mm_movemask_ps(
			     _mm_castsi128_ps(_mm_cmpeq_epi32(v, k)))
		     << j;
	}
	m &= (1u << l->nmru) - 1; /* entries past nmru are garbage */
	return m ? (unsigned)__builtin_ctz(m) + 1 : 0;
#else
	for (unsigned i = 0; i < l->nmru; i++)
		if (l->mru[i] == s)
			return i + 1;
	return 0;
#endif
}

/* r > 0 if slot s is the r-th of the list, then taken out; else 0. */
static inline unsigned perfshim_col_mru_take(struct perfshim_col_lists *l,
					     uint32_t s)
{
	unsigned r = perfshim_col_mru_find(l, s);

	if (r) {
		l->nmru--;
		PERFSHIM_COL_MOVE(&l->mru[r - 1], &l->mru[r],
				  PERFSHIM_COL_MRU * sizeof(uint32_t));
	}
	return r;
}

#endif /* PERFSHIM_TRACE_H */
