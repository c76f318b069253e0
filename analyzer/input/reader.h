/*
 * reader.h - stream a perfshim trace: header, zstd frames, records, and
 * per-thread events merged into global time order.
 *
 * The reader holds only what the ordering contract needs (events between
 * two SYNC records); everything else is handed to the visitor as it is
 * decoded, so memory does not grow with the length of the trace.
 */
#ifndef PERFSHIM_READER_H
#define PERFSHIM_READER_H

#include <stdint.h>
#include <stdio.h>

#include "module.h"

struct trace_header {
	unsigned major, minor;
	uint64_t pid, ppid;
	uint64_t start_wall_ns;
	uint64_t clock_id, clock_res_ns;
	uint64_t page_size, ptr_size, depth;
	char *exe;
	char *cmdline; /* arguments separated by spaces for display */
	char *label;   /* PERFSHIM_LABEL (KEY=VALUE,...), or NULL: none */
};

/*
 * More bytes than any 64-bit Linux address space holds (x86-64 with
 * five-level paging: 2^56; aarch64: 2^52): no block the shim records,
 * nor all of them live at once, can be larger. A trace that says so is
 * corrupt, and refusing it keeps the sums of sizes far from overflowing
 * (a crafted 2^63 was a signed overflow in the growth series).
 */
#define TRACE_MAX_BYTES ((uint64_t)1 << 56)

struct trace_event {
	uint64_t ts; /* ns since the trace started */
	uint64_t addr;
	uint64_t size;	 /* ALLOC only; at most TRACE_MAX_BYTES */
	uint32_t thread; /* thread index */
	uint32_t stack;	 /* ALLOC, SAMPLE: stack (leaf node) id */
	union {
		uint32_t label; /* MARK: string id (see the string callback) */
		/*
		 * ALLOC, FREE of a block named by its ALLOC's number (addr
		 * perfshim_col_unnamed()): 1 + a number no other live block
		 * so named has (the reader's slot for it), dense from 1; 0
		 * otherwise. Such blocks are one thread's, in its order, so
		 * a visitor may keep them in an array by it.
		 */
		uint32_t slot;
	};
	/* PERFSHIM_EV_ALLOC (fn stripped), _FREE, _THREAD_EXIT, _SAMPLE, _MARK */
	uint8_t kind;
	uint8_t fn; /* ALLOC only: PERFSHIM_FN_* */
};

struct trace_end {
	unsigned how; /* PERFSHIM_END_* */
	int status;   /* exit status, signal number; -1 when not known */
	uint64_t alloc_calls, free_calls, alloc_bytes, lost;
};

/* One function's or zone's latency histogram (see struct trace_hists). */
struct trace_hist_fn {
	uint32_t type;	       /* PERFSHIM_PATH_* */
	uint64_t value;	       /* function entry address, or zone string id */
	size_t n;	       /* buckets, n > 0 */
	const uint32_t *index; /* of perfshim_hist.h, in ns, increasing */
	const uint64_t *count; /* each > 0 */
};

/* A HISTOGRAM record: one thread's histograms, durations in ns. */
struct trace_hists {
	uint32_t thread;
	uint64_t lost; /* calls the thread did not count */
	size_t n;
	const struct trace_hist_fn *fn;
};

/* One timed call of a CALLS record, times in ns. */
struct trace_call {
	uint64_t start; /* since the trace started */
	uint64_t dur;
	uint64_t value; /* function entry address, or zone string id */
	uint32_t type;	/* PERFSHIM_PATH_* */
	uint32_t depth; /* frames open around it on its thread, 0: none */
};

/* A CALLS record: one thread's timed calls, in the order they returned. */
struct trace_calls {
	uint32_t thread;
	uint64_t dropped; /* calls the shim did not keep (PERFSHIM_EVENTS) */
	size_t n;
	const struct trace_call *call;
};

/*
 * What the reader hands out. Any callback may be NULL. A callback that
 * returns non-zero stops the reader (trace_reader_run returns -1).
 * module: ownership of m (and its strings) passes to the visitor.
 */
struct trace_visitor {
	void *ctx;
	int (*module)(void *ctx, struct module_info *m);
	int (*module_gone)(void *ctx, uint64_t id);
	int (*node)(void *ctx, uint32_t id, uint32_t parent, uint64_t ip);
	int (*thread)(void *ctx, uint32_t index, uint64_t tid,
		      const char *name);
	int (*event)(void *ctx, const struct trace_event *ev);
	/*
	 * A hint, no events: ev[0..n) (their kinds, addresses and stacks;
	 * not their times) come a few events later, so the memory they will
	 * touch may be fetched now. They may come later, or not at all.
	 * Returns 0 when it fetched nothing (its tables are in the caches):
	 * the reader then gives no hints for a while.
	 */
	int (*prefetch)(void *ctx, const struct trace_event *const *ev,
			size_t n);
	int (*end)(void *ctx, const struct trace_end *end);
	int (*lost)(void *ctx, uint64_t count, uint64_t reason);
	/* STRING: id >= 1; text is the reader's, valid during the call. */
	int (*string)(void *ctx, uint32_t id, const char *text);
	/* MEMORY: a sample of the process's memory at ts (ns). */
	int (*memory)(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped);
	/*
	 * HISTOGRAM: h and its arrays are the reader's, valid during the
	 * call. The trace's clock is already converted: buckets are of ns.
	 */
	int (*histograms)(void *ctx, const struct trace_hists *h);
	/* CALLS: c and its array are the reader's, valid during the call. */
	int (*calls)(void *ctx, const struct trace_calls *c);
	/*
	 * Extension records (PERFSHIM_REC_EXT_FIRST..LAST): the payload
	 * [p, end), valid during the call. The owner validates it; on a bad
	 * payload it prints one line and returns non-zero. A tag it does not
	 * know (a newer minor's) it skips.
	 */
	int (*ext)(void *ctx, uint8_t tag, const uint8_t *p,
		   const uint8_t *end);
	/*
	 * ADDRS (7.x): the block that events named `from` (an address no
	 * heap hands out, perfshim_col_unnamed()) is at address `to`; every
	 * event given out from now on names it so. A visitor that keeps
	 * blocks by address renames its own (if it has the block yet).
	 */
	int (*rename)(void *ctx, uint64_t from, uint64_t to);
	/* The reading is over (whatever trace_reader_run returns): what a
	 * visitor kept its own way for speed it may now put in order. */
	void (*done)(void *ctx);
};

struct trace_reader;

/*
 * The thread indices a trace may use (the shim numbers threads densely
 * from 0). Tables of threads are indexed by them, so a trace with a
 * larger one is refused as corrupt. Stack node ids must come densely, in
 * order, for the same reason.
 */
#define READER_MAX_THREADS (1u << 20)

/*
 * trace_reader_open - open the trace at path ("-" is not accepted) and
 * read its header. On error prints one line to stderr
 * ("perfanalyze: PATH: reason") and returns NULL.
 */
struct trace_reader *trace_reader_open(const char *path);

/*
 * trace_reader_open_mem - the same over a buffer the caller keeps alive
 * for the reader's lifetime (fuzzing, tests). name is used in messages.
 */
struct trace_reader *trace_reader_open_mem(const uint8_t *data, size_t len,
					   const char *name);

const struct trace_header *trace_reader_header(const struct trace_reader *r);

/*
 * trace_reader_run - decode every frame and call the visitor. Events
 * reach v->event in global time order (per-thread order kept for equal
 * times). Returns 0 when the trace was read to its end (a trace cut short
 * counts: it is read to its last complete frame, with one warning line
 * on stderr and trace_reader_cut_short() true) and -1 on a corrupt trace
 * or a visitor stop (one error line printed by whoever failed).
 */
int trace_reader_run(struct trace_reader *r, const struct trace_visitor *v);

/*
 * trace_reader_span_ns - a duration on the trace's event clock (TSC ticks
 * or ns) in ns, with the clock's best calibration so far.
 */
uint64_t trace_reader_span_ns(const struct trace_reader *r, uint64_t ticks);

/* trace_reader_time_ns - an event-clock time since the start, in ns. */
uint64_t trace_reader_time_ns(const struct trace_reader *r, uint64_t ticks);

/*
 * The most events the reader queues waiting for a SYNC record (checked
 * after each record, which one 64 MiB frame bounds): some 170 MB of
 * them, more than a pass of the shim's writer drains from a hundred
 * threads' full rings of the default size.
 */
#define TRACE_QUEUE_MAX ((uint64_t)1 << 22)

/*
 * trace_reader_queue_max - queue at most n events (default
 * TRACE_QUEUE_MAX) before letting them go without a SYNC record, with
 * one warning: the reader's memory stays bounded on a trace without
 * SYNC records. For tests.
 */
void trace_reader_queue_max(struct trace_reader *r, uint64_t n);

/*
 * trace_reader_quiet - no warning lines from now on (errors still print):
 * for a second pass over a trace whose first pass warned already.
 */
void trace_reader_quiet(struct trace_reader *r);

/* 1 when the file ended inside a frame or had no END record. */
int trace_reader_cut_short(const struct trace_reader *r);
uint64_t trace_reader_frames(const struct trace_reader *r);
/* 1 when the trace ends with an END that says tracing stopped before the
 * program did (seccomp turned on, tracing turned off): events after it
 * were never recorded. */
int trace_reader_stopped_early(const struct trace_reader *r);
/* The events the shim said it could not record (LOST records, or the
 * END's count, whichever is more): the trace misses part of the run. */
uint64_t trace_reader_lost(const struct trace_reader *r);
uint64_t trace_reader_events(const struct trace_reader *r);

/* trace_reader_free - close and release everything. NULL is allowed. */
void trace_reader_free(struct trace_reader *r);

#endif
