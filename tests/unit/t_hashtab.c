/*
 * t_hashtab.c - unit tests for the analyzer's generic hash table, sort_r
 * and error() (analyzer/hashtab.c, analyzer/error.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hashtab.h"
#include "tap.h"

struct entry {
	uint64_t key;
	unsigned count;
};

struct table {
	struct entry *e;
	size_t n, cap;
	struct hashtab ix;
};

static int entry_eq(const void *ctx, size_t i)
{
	const struct table *t = ((const void *const *)ctx)[0];
	const uint64_t *key = ((const void *const *)ctx)[1];

	return t->e[i].key == *key;
}

/* A deliberately bad hash, so that probing over collisions is tested. */
static uint64_t weak_hash(uint64_t key)
{
	return key % 7;
}

static void add(struct table *t, uint64_t key)
{
	const void *ctx[2] = { t, &key };
	size_t i = hashtab_put(&t->ix, weak_hash(key), entry_eq, ctx, t->n);

	if (i == t->n) {
		XGROW(t->e, t->cap, t->n + 1);
		t->e[t->n++] = (struct entry){ key, 0 };
	}
	t->e[i].count++;
}

static size_t find(const struct table *t, uint64_t key)
{
	const void *ctx[2] = { t, &key };

	return hashtab_find(&t->ix, weak_hash(key), entry_eq, ctx);
}

static void test_put_find(void)
{
	struct table t = { 0 };
	int order = 1, counts = 1;

	hashtab_init(&t.ix);
	is_uint(find(&t, 5), HASHTAB_NONE, "an empty table finds nothing");
	/* Every key twice, enough of them to grow the table several times. */
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t k = 0; k < 5000; k++)
			add(&t, k * 3 + 1);
	is_uint(t.n, 5000, "each key is added once");
	is_uint(t.ix.count, 5000, "the index holds each key once");
	for (size_t i = 0; i < t.n; i++) {
		order &= t.e[i].key == i * 3 + 1;
		counts &= t.e[i].count == 2;
	}
	ok(order, "entries stay in the order they were added");
	ok(counts, "the second put of a key finds the first");
	is_uint(find(&t, 3 * 4321 + 1), 4321, "find gives the entry's index");
	is_uint(find(&t, 3), HASHTAB_NONE, "a key never added is not found");
	ok(t.ix.count * 2 <= t.ix.cap, "the index is kept at most half full");
	hashtab_release(&t.ix);
	is_uint(find(&t, 1), HASHTAB_NONE, "a released table is empty");
	free(t.e);
}

static int by_rank(const void *a, const void *b, void *ctx)
{
	const int *rank = ctx;
	int x = rank[*(const int *)a], y = rank[*(const int *)b];

	return (x > y) - (x < y);
}

static void test_sort_r(void)
{
	int rank[5] = { 40, 10, 30, 0, 20 };
	int v[5] = { 0, 1, 2, 3, 4 };

	sort_r(v, 5, sizeof(v[0]), by_rank, rank);
	ok(v[0] == 3 && v[1] == 1 && v[2] == 4 && v[3] == 2 && v[4] == 0,
	   "sort_r orders by the context's ranks");
	sort_r(NULL, 0, sizeof(v[0]), by_rank, rank);
	ok(1, "sort_r takes no array for no elements");
}

static void test_error(void)
{
	const char *got;
	int rc;

	capture_start();
	rc = error("%s: bad %d", "x.zst", 3);
	got = capture_end();
	is_int(rc, -1, "error() returns -1");
	is_str(got, "perfanalyze: x.zst: bad 3\n", "error() says one line");
	capture_start();
	warning("odd %s", "thing");
	got = capture_end();
	is_str(got, "perfanalyze: warning: odd thing\n",
	       "warning() says one line");
}

int main(void)
{
	test_put_find();
	test_sort_r();
	test_error();
	done_testing();
	return exit_status();
}
