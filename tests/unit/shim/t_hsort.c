/*
 * t_hsort - the shim's two sorts: heapsort by a comparison, and the radix
 * sort by a 64-bit key that the writer's lists of held blocks take. Both
 * must give the keys' order on random, clustered, equal and extreme keys
 * and on every small size; the radix sort keeps equal keys in their
 * order (stable) and every element's other bytes with it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hsort.h"
#include "tap.h"
#include "xorshift.h"

/* As the writer's held blocks: a key among other fields. */
struct elem {
	uint64_t tag;
	uint64_t key;
	uint32_t at; /* where it was before the sort */
	uint32_t pad;
};

static uint64_t rnd = 88172645463325252ull;

static int key_less(const void *a, const void *b)
{
	return ((const struct elem *)a)->key < ((const struct elem *)b)->key;
}

/* 1 if v is in key order, stable (at rising within a key), with every
 * element's tag the one it came with. */
static int sorted(const struct elem *v, size_t n, int stable)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].tag != v[i].key * 31 + v[i].at)
			return 0;
		if (i && v[i - 1].key > v[i].key)
			return 0;
		if (stable && i && v[i - 1].key == v[i].key &&
		    v[i - 1].at > v[i].at)
			return 0;
	}
	return 1;
}

/* n elements of keys from kind: 0 random 64-bit, 1 a few distinct keys
 * (many equal), 2 all equal, 3 dense ALLOC numbers shuffled, 4 the
 * extremes 0 and UINT64_MAX mixed in. */
static void fill(struct elem *v, size_t n, int kind)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t r = xorshift64(&rnd);

		v[i].key = kind == 0   ? r
			   : kind == 1 ? r % 7 + 1000000
			   : kind == 2 ? 42
			   : kind == 3 ? 5000000000ull + i
				       : (r & 1 ? UINT64_MAX - r % 3 : r % 3);
		v[i].at = (uint32_t)i;
	}
	if (kind == 3)
		for (size_t i = n; i > 1; i--) {
			size_t j = xorshift64(&rnd) % i;
			struct elem t = v[i - 1];

			v[i - 1] = v[j];
			v[j] = t;
		}
	for (size_t i = 0; i < n; i++) {
		v[i].at = (uint32_t)i;
		v[i].tag = v[i].key * 31 + v[i].at;
	}
}

int main(void)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 17, 64, 65, 1000, 100000 };
	struct elem *v = calloc(100000, sizeof(*v));
	struct elem *tmp = calloc(100000, sizeof(*tmp));
	int radix_ok = 1, heap_ok = 1;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int kind = 0; kind < 5; kind++) {
			fill(v, sizes[s], kind);
			perfshim_rsort(v, tmp, sizes[s], sizeof(*v),
				       offsetof(struct elem, key));
			if (!sorted(v, sizes[s], 1)) {
				diag("radix: %zu elements of kind %d", sizes[s],
				     kind);
				radix_ok = 0;
			}
			fill(v, sizes[s], kind);
			perfshim_hsort(v, sizes[s], sizeof(*v), key_less);
			if (!sorted(v, sizes[s], 0)) {
				diag("heap: %zu elements of kind %d", sizes[s],
				     kind);
				heap_ok = 0;
			}
		}
	ok(radix_ok, "radix sort: key order, stable, each element whole");
	ok(heap_ok, "heapsort: key order, each element whole");
	free(v);
	free(tmp);
	done_testing();
	return exit_status();
}
