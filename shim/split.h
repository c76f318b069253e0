/*
 * split.h - a frame's records split for the compressor (SPLIT in
 * perfshim_trace.h): a skeleton of the records, then each COLUMNS
 * column's bytes of the whole frame side by side.
 *
 * Contract: pure, on the caller's buffers; never allocates, never
 * blocks, async-signal-safe (the last pass may run in a signal handler).
 */
#ifndef PERFSHIM_SPLIT_H
#define PERFSHIM_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

/* Room a split frame takes beyond the frame's own bytes, at most. */
#define PERFSHIM_SPLIT_SLACK 96

/*
 * perfshim_split_frame - the records [in, in + len) as a SPLIT frame's
 * content in out (cap bytes; len + PERFSHIM_SPLIT_SLACK always do).
 * Returns its length, or 0 when the records do not parse or out is too
 * small: the caller then writes the frame whole.
 */
HIDDEN size_t perfshim_split_frame(const uint8_t *in, size_t len, uint8_t *out,
				   size_t cap);

#endif
