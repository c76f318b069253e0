/*
 * encode.h - build a record's payload in a caller's buffer (varints,
 * bytes, length-prefixed strings), in the format of perfshim_trace.h.
 *
 * Contract: never blocks, never allocates, async-signal-safe (they touch
 * only the caller's buffer), usable before init. The caller owns the
 * buffer. A write that does not fit sets len past cap and writes nothing
 * more: check len <= cap once, after the last write.
 */
#ifndef PERFSHIM_ENCODE_H
#define PERFSHIM_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

struct enc {
	uint8_t *p;
	size_t len, cap;
};

HIDDEN void enc_u(struct enc *e, uint64_t v);
HIDDEN void enc_bytes(struct enc *e, const void *s, size_t n);
HIDDEN void enc_str(struct enc *e, const char *s);

#endif
