/*
 * t_blockfind - the exit scan's block index must answer as a binary search
 * of the starts does, for every address: on heaps of small blocks, blocks
 * mapped far apart, one region of wildly mixed sizes, overlapping stale
 * entries, starts at the ends of the address space, and no blocks at all.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blockfind.h"
#include "tap.h"
#include "xorshift.h"

static uint64_t rnd = 88172645463325252ull;

static uint64_t next(void)
{
	return xorshift64(&rnd);
}

static uint64_t end[20000];

static long naive(const uint64_t *lo, size_t n, uint64_t p)
{
	long last = -1;

	for (size_t i = 0; i < n && lo[i] <= p; i++)
		last = (long)i;
	return last;
}

/* The index answers as a binary search does: the same block, when it
 * names one; -1 only where that block does not hold p. */
static int agrees(const struct blockfind *f, const uint64_t *lo, size_t n,
		  uint64_t p)
{
	long got = perfshim_blockfind_last(f, p), want = naive(lo, n, p);

	if (got >= 0)
		return got == want;
	return want < 0 || p >= end[want];
}

/* Block i ends size bytes in (but within the next block's start, unless
 * overlapping is asked for). */
static void set_ends(const uint64_t *lo, size_t n, int overlap)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t room = i + 1 < n ? lo[i + 1] - lo[i] : 1 << 20;
		uint64_t size = 1 + next() % (overlap ? 8192 : room);

		end[i] = lo[i] + size < lo[i] ? UINT64_MAX : lo[i] + size;
	}
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts lo, drops repeats; the count left. */
static size_t tidy(uint64_t *lo, size_t n)
{
	size_t k = 0;

	qsort(lo, n, sizeof(*lo), cmp);
	for (size_t i = 0; i < n; i++)
		if (!k || lo[i] != lo[k - 1])
			lo[k++] = lo[i];
	return k;
}

/* Every start, its neighbours, and random addresses around them, against
 * the naive answer; the number of disagreements. */
static size_t check(const char *what, const uint64_t *lo, size_t n,
		    size_t probes)
{
	struct blockfind f;
	size_t need;

	set_ends(lo, n, strcmp(what, "overlaps") == 0);
	need = perfshim_blockfind_size(lo, n);
	uint64_t *mem = malloc(need + 8);
	size_t bad = 0;

	if (!mem)
		exit(255);
	memset(mem, 0xa5, need + 8);
	perfshim_blockfind_build(&f, lo, end, n, mem);
	ok(((uint64_t *)mem)[need / 8] == 0xa5a5a5a5a5a5a5a5ull,
	   "%s: the index keeps to the %zu bytes it asked for", what, need);
	for (size_t i = 0; i < n; i++) {
		uint64_t at[] = { lo[i], lo[i] - 1, lo[i] + 1, lo[i] + 15,
				  lo[i] + (next() & 0xffff) };

		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++)
			bad += !agrees(&f, lo, n, at[k]);
		bad += !agrees(&f, lo, n, end[i] - 1) +
		       !agrees(&f, lo, n, end[i]);
	}
	for (size_t k = 0; k < probes; k++) {
		uint64_t p =
			n ? lo[next() % n] + (next() % 8192) - 4096 : next();

		bad += !agrees(&f, lo, n, p);
	}
	uint64_t ends[] = { 0, 1, UINT64_MAX, UINT64_MAX - 1, next() };

	for (size_t k = 0; k < sizeof(ends) / sizeof(ends[0]); k++)
		bad += !agrees(&f, lo, n, ends[k]);
	free(mem);
	return bad;
}

int main(void)
{
	enum { N = 20000 };
	static uint64_t lo[N];
	size_t n;

	plan(14);

	is_uint(check("no blocks", lo, 0, 100), 0, "no blocks: always -1");

	lo[0] = 0x1000;
	is_uint(check("one block", lo, 1, 100), 0, "one block");

	/* a heap of small blocks 16 to 512 bytes apart */
	lo[0] = 0x555555560000ull;
	for (size_t i = 1; i < N; i++)
		lo[i] = lo[i - 1] + 16 * (1 + next() % 32);
	is_uint(check("heap", lo, N, 20000), 0,
		"a heap of small blocks: same answers as a binary search");

	/* a heap, arenas far away, and blocks mapped on their own */
	n = 0;
	for (size_t i = 0; i < 8000; i++)
		lo[n++] = 0x555555560000ull + 32 * i;
	for (size_t a = 0; a < 4; a++)
		for (size_t i = 0; i < 2000; i++)
			lo[n++] = 0x7f0000000000ull + (a << 26) + 48 * i +
				  (next() % 3) * 16;
	for (size_t i = 0; i < 200; i++)
		lo[n++] = 0x7e0000000000ull + (next() % (1ull << 36)) * 4096;
	n = tidy(lo, n);
	is_uint(check("regions", lo, n, 40000), 0,
		"heap, arenas and mapped blocks: same answers");

	/* one region: a few huge gaps just under the region gap between
	 * clusters of 16-byte blocks, so that buckets are wide and full */
	n = 0;
	for (size_t c = 0; c < 16; c++)
		for (size_t i = 0; i < 1000; i++)
			lo[n++] = 0x10000000ull + c * ((1u << 20) - 4096) +
				  16 * i;
	n = tidy(lo, n);
	is_uint(check("clusters", lo, n, 40000), 0,
		"dense clusters in one wide region: same answers");

	/* random starts anywhere, including the ends of the address space */
	for (size_t i = 0; i < N - 2; i++)
		lo[i] = next();
	lo[N - 2] = 4096;
	lo[N - 1] = UINT64_MAX - 7;
	n = tidy(lo, N);
	is_uint(check("anywhere", lo, n, 20000), 0,
		"starts anywhere in 64 bits: same answers");

	/* overlapping stale entries: a block inside another's span */
	n = 0;
	for (size_t i = 0; i < 5000; i++) {
		lo[n++] = 0x20000000ull + 4096 * i;
		lo[n++] = 0x20000000ull + 4096 * i + 64 + 16 * (next() % 200);
	}
	n = tidy(lo, n);
	is_uint(check("overlaps", lo, n, 20000), 0,
		"overlapping entries: the last start at or below, as before");

	return exit_status();
}
