/*
 * classify.h - the shim's reachability verdicts (SCAN records), kept by
 * address, and applied to the blocks the replay finds live at the end.
 */
#ifndef PERFSHIM_CLASSIFY_H
#define PERFSHIM_CLASSIFY_H

#include <stdint.h>

#include "reader.h"
#include "replay.h"

struct verdict {
	uint64_t addr; /* 0: empty slot */
	uint64_t size;
	uint64_t scan_ns; /* when the scan ran (ns since the trace start) */
	int kind;	  /* enum leak_kind */
	uint64_t head;	  /* INDIRECT: the definite block it is lost through */
};

struct classify {
	const struct trace_reader *reader; /* for the event clock */
	struct verdict *v;		   /* open addressing */
	size_t cap, count;
	uint64_t scans;		 /* SCAN records read */
	uint64_t last_flags;	 /* of the latest scan */
	uint64_t missed_threads; /* of the latest scan */
	uint64_t latest_scan_ns;
};

/* classify_init - empty; r is used to convert scan times. */
void classify_init(struct classify *c, const struct trace_reader *r);
void classify_release(struct classify *c);
/* classify_visitor - a visitor that takes SCAN records into c. */
void classify_visitor(struct classify *c, struct trace_visitor *v);

/*
 * classify_kind - the enum leak_kind of live block b: the latest verdict
 * for its address if it is for this block (same size, the block allocated
 * no later than the scan), else LEAK_UNCLASSIFIED. c may be NULL.
 */
int classify_kind(const struct classify *c, const struct live_block *b);

/*
 * classify_head - the address of the definite block that live block b is
 * lost through (SCAN_HEADS), when b's verdict applies and is indirect;
 * else 0.
 */
uint64_t classify_head(const struct classify *c, const struct live_block *b);

#endif
