/*
 * xorshift.h - the unit tests' random inputs: Marsaglia's xorshift64, the
 * same sequence from the same seed on every machine, so that a failure
 * comes back on the next run.
 */
#ifndef PERFSHIM_XORSHIFT_H
#define PERFSHIM_XORSHIFT_H

#include <stdint.h>

/* The next value after *s (a seed other than 0), kept in *s. */
static inline uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
