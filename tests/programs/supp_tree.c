/*
 * supp_tree - leaked structures whose parts come from different call
 * sites, for suppressions that take a leak's indirect children with it
 * (LeakSanitizer's rule; tests/t/t0363-supp-children.sh). Built -O0.
 *
 *   a list: its head from make_list (32 bytes, LEAK:list_head, definite)
 *           holds 5 nodes from list_node (48 bytes each, LEAK:list_node,
 *           indirect: lost only through the head)
 *   a pair: its head from make_pair (64 bytes, LEAK:pair_head, definite)
 *           holds 2 blocks from pair_part (40 bytes each, LEAK:pair_part,
 *           indirect)
 */
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	char pad[40];
};

struct list {
	struct node *first;
	char pad[24];
};

struct pair {
	void *part[2];
	char pad[48];
};

void *volatile sink;

static __attribute__((noinline)) struct node *list_node(struct node *next)
{
	struct node *n = calloc(1, sizeof(*n)); /* LEAK:list_node */

	n->next = next;
	return n;
}

static __attribute__((noinline)) struct list *make_list(struct node *first)
{
	struct list *l = calloc(1, sizeof(*l)); /* LEAK:list_head */

	l->first = first;
	return l;
}

static __attribute__((noinline)) void *pair_part(void)
{
	return calloc(1, 40); /* LEAK:pair_part */
}

static __attribute__((noinline)) struct pair *make_pair(void *a, void *b)
{
	struct pair *p = calloc(1, sizeof(*p)); /* LEAK:pair_head */

	p->part[0] = a;
	p->part[1] = b;
	return p;
}

/* The nodes are made before (and outside) make_list: no frame of it is
 * on their stacks, so a rule for make_list does not match them. */
static __attribute__((noinline)) void leak_list(void)
{
	struct node *n = NULL;

	for (int i = 0; i < 5; i++)
		n = list_node(n);
	sink = make_list(n);
	n = NULL;
	sink = NULL;
}

static __attribute__((noinline)) void leak_pair(void)
{
	void *a = pair_part(), *b = pair_part();

	sink = make_pair(a, b);
	a = b = NULL;
	sink = NULL;
}

static __attribute__((noinline)) void scrub(void)
{
	/* No stale copy of a pointer on the dead stack keeps a block. */
	volatile char junk[16384];

	memset((char *)junk, 0, sizeof(junk));
}

int main(void)
{
	leak_list();
	leak_pair();
	scrub();
	return 0;
}
