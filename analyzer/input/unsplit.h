/*
 * unsplit.h - a SPLIT frame's records put back together as the writer
 * staged them (perfshim_trace.h, "Since major 4"), for the reader and
 * the measuring tools.
 */
#ifndef PERFSHIM_UNSPLIT_H
#define PERFSHIM_UNSPLIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * frame_unsplit - the content [in, in + len) of a SPLIT frame (its first
 * byte PERFSHIM_REC_SPLIT) as whole records in *out, a malloc'd buffer of
 * *cap bytes that it grows as needed; their length in *out_len. Returns
 * 0, or -1 with *why saying what is wrong: no memory, or parts that do
 * not add up (the frame is corrupt). It takes no more room than len.
 */
int frame_unsplit(const uint8_t *in, size_t len, uint8_t **out, size_t *cap,
		  size_t *out_len, const char **why);

#endif
