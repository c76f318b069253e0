/*
 * hsort.h - heapsort for the shim's sorts: no memory asked for and no
 * recursion, since some run in a signal handler (the exit scan's blocks,
 * the writer's last pass) where malloc may not be called and the stack
 * may be small. In a header, so that each caller's comparison is inlined
 * (the exit scan sorts every live block).
 *
 * Contract: less(a, b) is a strict order on elements of size bytes (at
 * most PERFSHIM_HSORT_MAX); n elements from base end up in its order;
 * not stable.
 */
#ifndef PERFSHIM_HSORT_H
#define PERFSHIM_HSORT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PERFSHIM_HSORT_MAX 64

typedef int perfshim_less_fn(const void *a, const void *b);

static inline void perfshim_hsort_swap(unsigned char *a, unsigned char *b,
				       size_t size)
{
	unsigned char t[PERFSHIM_HSORT_MAX];

	memcpy(t, a, size);
	memcpy(a, b, size);
	memcpy(b, t, size);
}

static inline void perfshim_hsort_sift(unsigned char *v, size_t size, size_t i,
				       size_t n, perfshim_less_fn *less)
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && less(v + c * size, v + (c + 1) * size))
			c++;
		if (!less(v + i * size, v + c * size))
			return;
		perfshim_hsort_swap(v + i * size, v + c * size, size);
		i = c;
	}
}

static inline void perfshim_hsort(void *base, size_t n, size_t size,
				  perfshim_less_fn *less)
{
	unsigned char *v = base;

	for (size_t i = n / 2; i-- > 0;)
		perfshim_hsort_sift(v, size, i, n, less);
	for (size_t i = n; i-- > 1;) {
		perfshim_hsort_swap(v, v + i * size, size);
		perfshim_hsort_sift(v, size, 0, i, less);
	}
}

/*
 * perfshim_rsort - the n elements of size bytes at base in the order of
 * the uint64_t at byte key_off of each, by least-significant-digit radix
 * (11 bits a pass, over the bits in which the keys differ), moving them
 * through tmp (room for n elements, as base). A few streaming passes,
 * where heapsort's sifts over a large array miss the cache at every
 * step: the writer's list of a million held blocks, by their ALLOCs'
 * numbers, took 0.57 s of a program's exit. Stable; its 8 KiB of counts
 * are on the stack.
 */
static inline uint64_t perfshim_rsort_key(const unsigned char *e, size_t off)
{
	uint64_t k;

	memcpy(&k, e + off, sizeof(k));
	return k;
}

/* The 11-bit digit at shift of element e's key, counted from lo. */
static inline size_t perfshim_rsort_digit(const unsigned char *e, size_t off,
					  uint64_t lo, unsigned shift)
{
	return (size_t)((perfshim_rsort_key(e, off) - lo) >> shift) & 2047;
}

static inline void perfshim_rsort(void *base, void *tmp, size_t n, size_t size,
				  size_t key_off)
{
	unsigned char *src = base, *dst = tmp, *t;
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t count[2048];

	for (size_t i = 0; i < n; i++) {
		uint64_t k = perfshim_rsort_key(src + i * size, key_off);

		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	if (n < 2 || lo == hi)
		return;
	unsigned bits = 64 - (unsigned)__builtin_clzll(hi - lo);

	for (unsigned shift = 0; shift < bits; shift += 11) {
		uint32_t at = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[perfshim_rsort_digit(src + i * size, key_off, lo,
						   shift)]++;
		for (size_t d = 0; d < 2048; d++) {
			uint32_t c = count[d];

			count[d] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t d = perfshim_rsort_digit(src + i * size, key_off,
							lo, shift);

			memcpy(dst + (size_t)count[d]++ * size, src + i * size,
			       size);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != base)
		memcpy(base, src, n * size);
}

#endif
