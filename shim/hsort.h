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

#endif
