/*
 * hashtab.h - the analyzer's one hash table: an open-addressing index
 * over an array that the caller owns.
 *
 * The table maps a key to the index of its entry in the caller's array;
 * it stores only each entry's 64-bit hash and index, so one table type
 * serves every kind of entry, and entries stay in the order they were
 * added (the caller's array), which is the order reports iterate in. The
 * caller says what equal means through eq(ctx, index), called only for
 * entries of the same hash. Linear probing, kept at most half full.
 */
#ifndef PERFSHIM_HASHTAB_H
#define PERFSHIM_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

#define HASHTAB_NONE ((size_t)-1)

struct hashtab_slot {
	uint64_t hash;
	size_t idx1; /* the entry's index + 1; 0: an empty slot */
};

struct hashtab {
	struct hashtab_slot *slot;
	size_t cap, count;
};

/* eq - whether the entry at index is the key that ctx describes. */
typedef int hashtab_eq(const void *ctx, size_t index);

/* hashtab_init - an empty table; allocates nothing. */
void hashtab_init(struct hashtab *t);

/* hashtab_release - free the slots; the entries are the caller's. */
void hashtab_release(struct hashtab *t);

/*
 * hashtab_find - the index of the entry of hash that eq accepts, or
 * HASHTAB_NONE.
 */
size_t hashtab_find(const struct hashtab *t, uint64_t hash, hashtab_eq *eq,
		    const void *ctx);

/*
 * hashtab_put - the index of the entry of hash that eq accepts; when there
 * is none, index `next` is recorded for it and returned: the caller then
 * stores the new entry at next (usually its array's count). Dies when out
 * of memory, as xmalloc does.
 */
size_t hashtab_put(struct hashtab *t, uint64_t hash, hashtab_eq *eq,
		   const void *ctx, size_t next);

/* hash64 - spread the bits of a 64-bit key (MurmurHash3's finalizer). */
static inline uint64_t hash64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* hash_str - FNV-1a of s, continuing from h (start from HASH_STR_SEED). */
#define HASH_STR_SEED 0xcbf29ce484222325ull
static inline uint64_t hash_str(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

/*
 * sort_r - qsort with a context for the comparison, so that no comparison
 * needs a file-scope variable. Like glibc's qsort_r, but base may be NULL
 * when n is 0.
 */
void sort_r(void *base, size_t n, size_t size,
	    int (*cmp)(const void *, const void *, void *), void *ctx);

#endif
