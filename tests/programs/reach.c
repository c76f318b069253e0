/*
 * reach.c - leaks of each kind, with known truth for the reachability
 * scan (tests/t/t0200-reach.sh). Every block has a LEAK:TAG marker and
 * memcheck's verdict in its comment (valgrind --leak-check=full
 * --show-leak-kinds=all agrees with each). Built -O0, so locals stay in
 * their stack slots.
 *
 *   reach [exit|return]   end by exit(0) from main, or return from main
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	char pad[24];
};

struct tree {
	struct tree *left, *right;
	long v;
};

void *keep_global;	/* reachable */
char *interior_global;	/* possible: points into the middle */
char *past_end_global;	/* definite: one past the end is no pointer */
struct tree *tree_root; /* reachable tree, one subtree cut off */
void *volatile sink;

static __attribute__((noinline)) void dropped(void)
{
	sink = malloc(111); /* LEAK:dropped */ /* definite */
	sink = NULL;
}

static __attribute__((noinline)) void kept(void)
{
	keep_global = malloc(222); /* LEAK:kept */ /* reachable */
	memset(keep_global, 0, 222);
}

static __attribute__((noinline)) struct node *list_node(void)
{
	return calloc(1, sizeof(struct node)); /* LEAK:list */
}

/* A list of 5 nodes, its head dropped: 1 definite, 4 indirect. */
static __attribute__((noinline)) void leaked_list(void)
{
	struct node *head = NULL;

	for (int i = 0; i < 5; i++) {
		struct node *n = list_node();

		n->next = head;
		head = n;
	}
	sink = head;
	sink = NULL;
	head = NULL;
}

static __attribute__((noinline)) struct tree *tree_node(long v)
{
	struct tree *t = calloc(1, sizeof(*t)); /* LEAK:tree */

	t->v = v;
	return t;
}

/* root -> (a -> (c, d), b): cut a off: a definite, c and d indirect;
 * root and b reachable. */
static __attribute__((noinline)) void cut_tree(void)
{
	tree_root = tree_node(0);
	tree_root->left = tree_node(1);
	tree_root->right = tree_node(2);
	tree_root->left->left = tree_node(3);
	tree_root->left->right = tree_node(4);
	tree_root->left = NULL;
}

static __attribute__((noinline)) void *cycle_node(void)
{
	return malloc(48); /* LEAK:cycle */
}

/* Three blocks in a ring, nothing else points at them: 1 definite, 2
 * indirect. */
static __attribute__((noinline)) void cycle(void)
{
	void **a = cycle_node(), **b = cycle_node(), **c = cycle_node();

	*a = b;
	*b = c;
	*c = a;
	a = b = c = NULL;
	sink = NULL;
}

static __attribute__((noinline)) void interior(void)
{
	interior_global = (char *)calloc(1, 64) + 10; /* LEAK:interior */
}

static __attribute__((noinline)) void past_end(void)
{
	past_end_global = (char *)malloc(40) + 40; /* LEAK:past-end */
}

/* 2000 blocks from one site, each dropped: definite. */
static __attribute__((noinline)) void many(void)
{
	for (int i = 0; i < 2000; i++)
		sink = malloc(24); /* LEAK:many */
	sink = NULL;
}

static __attribute__((noinline)) void *aligned(void)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, 100)) /* LEAK:aligned */
		return NULL;
	memset(p, 0, 100);
	return p;
}

void *aligned_keep, *aligned_keep2;

static __attribute__((noinline)) void realloc_chain(void)
{
	/*
	 * Each step fills what it adds: a reachable block's contents are
	 * scanned, and uninitialized bytes hold the allocator's stale free
	 * list pointers (into neighbours of blocks this program leaks).
	 */
	char *p = calloc(1, 10);

	p = realloc(p, 2000);
	memset(p + 10, 0, 2000 - 10);
	p = realloc(p, 300000); /* LEAK:realloc */ /* reachable via global */
	memset(p + 2000, 0, 300000 - 2000);
	aligned_keep = p;
}

static __attribute__((noinline)) void scrub(void)
{
	/* Wipe the dead stack below main's frame so that no stale copy of a
	 * pointer the functions above had makes a lost block reachable. */
	volatile char junk[16384];

	memset((char *)junk, 0, sizeof(junk));
}

int main(int argc, char **argv)
{
	void *local;

	dropped();
	kept();
	leaked_list();
	cut_tree();
	cycle();
	interior();
	past_end();
	many();
	aligned_keep2 = aligned();
	realloc_chain();
	local = malloc(77); /* LEAK:local */
	memset(local, 0, 77);
	scrub();
	sink = NULL;
	/* exit(): main's frame is still there, local reachable; return:
	 * the frame is gone, the block definitely lost (as memcheck says) */
	if (argc > 1 && !strcmp(argv[1], "return"))
		return local == NULL;
	exit(0);
}
