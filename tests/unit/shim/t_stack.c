/*
 * t_stack - stacks interned by several threads at once: each thread's id
 * for a stack stands for exactly that stack's frames, the same thread
 * gets the same id again, ids come out dense (every id below the next one
 * is a node), and the nodes written by perfshim_stack_encode() read back
 * through the analyzer's reader. The table may hold twins of a node two
 * threads made at once (the analyzer merges them): counted, not refused.
 */
#include <pthread.h>
#include <sys/resource.h>
#include <stdint.h>

#include "reader.h"
#include "shim.h"
#include "tap.h"
#include "tracebuf.h"

/* What stack.o needs from the interposing modules, which a unit test
 * must not link: a shim with no code of its own to cut off. */
HIDDEN struct shim_config perfshim_cfg = { .depth = 64 };
HIDDEN __thread struct thread_state *perfshim_self;
HIDDEN uintptr_t perfshim_self_lo, perfshim_self_hi;
HIDDEN struct thread_state *perfshim_threads(void)
{
	return NULL;
}
HIDDEN void perfshim_modules_check(uint64_t ip)
{
	(void)ip;
}
HIDDEN int perfshim_modules_permanent(uint64_t ip)
{
	(void)ip;
	return 1;
}
HIDDEN void perfshim_phdr_init(void)
{
}
HIDDEN __thread int perfshim_phdr_refused;
HIDDEN void perfshim_say(const char *fmt, ...)
{
	(void)fmt;
}
/* The pass-through section must exist for its bounds' symbols. */
PASS_THROUGH void through_anchor(void);
PASS_THROUGH void through_anchor(void)
{
}

#define THREADS 4
#define STACKS 500
#define MIDS 7
#define DEPTH 3

static struct thread_state ts[THREADS];
static uint32_t got[THREADS][STACKS];
static uint32_t again[THREADS]; /* stacks whose id changed on a thread */

/* Stack s, innermost first: its own leaf, one of MIDS callers, a root. */
static void stack_of(int s, uintptr_t ips[DEPTH])
{
	ips[0] = 0x401000 + 16 * (uintptr_t)s;
	ips[1] = 0x500000 + 16 * (uintptr_t)(s % MIDS);
	ips[2] = 0x600000;
}

static void *intern_all(void *arg)
{
	int k = (int)(intptr_t)arg;
	uintptr_t ips[DEPTH];

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < STACKS; i++) {
			int s = (i + k * STACKS / THREADS) % STACKS;
			uint32_t id;

			stack_of(s, ips);
			id = perfshim_stack_intern(&ts[k], ips, DEPTH);
			if (round && id != got[k][s])
				again[k]++;
			got[k][s] = id;
		}
	}
	return NULL;
}

/* The nodes as the reader hands them out. */
static uint32_t node_parent[1 << 16];
static uint64_t node_ip[1 << 16];
static uint32_t nodes, not_dense;

static int on_node(void *ctx, uint32_t id, uint32_t parent, uint64_t ip)
{
	(void)ctx;
	if (id != nodes + 1 || id >= (1 << 16)) {
		not_dense++;
		return 0;
	}
	nodes = id;
	node_parent[id] = parent;
	node_ip[id] = ip;
	return 0;
}

/* Read the nodes back as the writer writes them (stage_nodes). */
static int read_back(uint32_t upto)
{
	static uint8_t tmp[1 << 20];
	struct buf file = { 0 }, frame = { 0 }, body = { 0 };
	uint32_t from = 1;
	size_t n = perfshim_stack_encode(&from, upto, tmp, sizeof(tmp));
	struct trace_visitor v = { .node = on_node };

	header_minor(&file, PERFSHIM_FORMAT_MAJOR, PERFSHIM_FORMAT_MINOR);
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	put_u(&body, 1);
	put_u(&body, from - 1);
	put(&body, tmp, n);
	rec(&frame, PERFSHIM_REC_NODES, &body);
	add_frame(&file, &frame);

	struct trace_reader *r = trace_reader_open_mem(file.p, file.len, "t");
	if (r)
		trace_reader_quiet(r);
	int rc = r ? trace_reader_run(r, &v) : -1;

	trace_reader_free(r);
	free(file.p);
	free(frame.p);
	free(body.p);
	return rc || from != upto;
}

/* Whether id's chain of frames is stack s's. */
static int is_stack(uint32_t id, int s)
{
	uintptr_t ips[DEPTH];

	stack_of(s, ips);
	for (int d = 0; d < DEPTH; d++, id = node_parent[id])
		if (!id || id > nodes || node_ip[id] != ips[d])
			return 0;
	return id == 0;
}

/*
 * Far more stacks than a thread's cache holds (the shared cache behind
 * it, with its short tags, must never hand out another stack's id): a
 * second thread gets each one's id again, and no new node is made.
 */
static void many_stacks(void)
{
	enum { MANY = 100000 };
	static uint32_t id[MANY];
	static struct thread_state one, two;
	uintptr_t ips[DEPTH];
	uint32_t differ = 0, upto, reused = 0;

	for (int s = 0; s < MANY; s++) {
		stack_of(s, ips);
		ips[0] = 0x7000000 + 16 * (uintptr_t)s;
		id[s] = perfshim_stack_intern(&one, ips, DEPTH);
		reused += s && id[s] <= id[s - 1];
	}
	is_uint(reused, 0, "each new stack gets a new leaf, none another's");
	upto = perfshim_stack_next_id();
	for (int s = MANY - 1; s >= 0; s--) {
		stack_of(s, ips);
		ips[0] = 0x7000000 + 16 * (uintptr_t)s;
		differ += perfshim_stack_intern(&two, ips, DEPTH) != id[s];
	}
	ok(!differ && perfshim_stack_next_id() == upto,
	   "%d stacks: the same ids on another thread, no new node (%u "
	   "differ)",
	   MANY, differ);
}

/*
 * Stacks whose every frame is new, enough for the node tables to take
 * new levels (a frame's node is looked for no older than its parent's
 * level). With the shared cache emptied, a second thread finds each
 * stack's nodes in the tables again: the same ids, no new node.
 */
static void deep_new_stacks(void)
{
	enum { DEEP = 60000 };
	static uint32_t id[DEEP];
	static struct thread_state one, two;
	uintptr_t ips[DEPTH];
	uint32_t differ = 0, upto;

	for (int s = 0; s < DEEP; s++) {
		for (int d = 0; d < DEPTH; d++)
			ips[d] = 0x9000000 + 0x1000000 * (uintptr_t)d +
				 16 * (uintptr_t)s;
		id[s] = perfshim_stack_intern(&one, ips, DEPTH);
	}
	upto = perfshim_stack_next_id();
	perfshim_stack_new_epoch(); /* the shared cache emptied */
	for (int s = DEEP - 1; s >= 0; s--) {
		for (int d = 0; d < DEPTH; d++)
			ips[d] = 0x9000000 + 0x1000000 * (uintptr_t)d +
				 16 * (uintptr_t)s;
		differ += perfshim_stack_intern(&two, ips, DEPTH) != id[s];
	}
	ok(!differ && perfshim_stack_next_id() == upto && upto > 262144,
	   "%d stacks of new frames over the tables' levels (%u nodes): "
	   "found again, no new node (%u differ)",
	   DEEP, upto, differ);
}

/*
 * A node whose maker took its id but has not filled it in (here for good:
 * the memory for its chunk of nodes could not be had). The encoder stops
 * at it at once, with nothing written: the writer must not wait for a
 * maker that may be stopped, or in the signal handler that waits for the
 * writer. The next node, filled in, is encoded.
 */
static void not_filled_in(void)
{
#ifdef __SANITIZE_THREAD__
	skip("TSan's own mappings need more than an address-space limit lets");
	skip("(the same)");
#else
	static struct thread_state one;
	static uint8_t tmp[4096];
	uintptr_t ips[DEPTH];
	struct rlimit was, now;
	uint32_t hole, from, ids = perfshim_stack_next_id();
	int s = 0;

	/* Up to the first id of a chunk of nodes not yet mapped: 65,536
	 * each, and many_stacks went past the first. */
	while (perfshim_stack_next_id() % 65536) {
		stack_of(0, ips);
		ips[0] = 0x9000000 + 16 * (uintptr_t)s++;
		perfshim_stack_intern(&one, ips, DEPTH);
	}
	getrlimit(RLIMIT_AS, &was);
	now = was;
	now.rlim_cur = 0; /* no mapping succeeds */
	setrlimit(RLIMIT_AS, &now);
	hole = perfshim_stack_next_id();
	stack_of(0, ips);
	ips[0] = 0x9000000 + 16 * (uintptr_t)s++;
	perfshim_stack_intern(&one, ips, DEPTH);
	setrlimit(RLIMIT_AS, &was);
	ips[0] = 0x9000000 + 16 * (uintptr_t)s++;
	perfshim_stack_intern(&one, ips, DEPTH);

	from = hole;
	ok(perfshim_stack_next_id() == hole + 2 &&
		   !perfshim_stack_ready(hole) &&
		   perfshim_stack_encode(&from, hole + 2, tmp, sizeof(tmp)) ==
			   0 &&
		   from == hole,
	   "a node not filled in: the encoder stops at it, writes nothing "
	   "(%u nodes made before it)",
	   hole - ids);
	from = hole + 1;
	ok(perfshim_stack_ready(hole + 1) &&
		   perfshim_stack_encode(&from, hole + 2, tmp, sizeof(tmp)) >
			   0 &&
		   from == hole + 2,
	   "the node after it is encoded");
#endif
}

int main(void)
{
	pthread_t t[THREADS];
	uint32_t wrong = 0, changed = 0, differ = 0;

	plan(12);
	perfshim_stack_init();
	for (intptr_t k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, intern_all, (void *)k))
			return 255;
	for (int k = 0; k < THREADS; k++)
		pthread_join(t[k], NULL);

	uint32_t upto = perfshim_stack_next_id();

	ok(!read_back(upto), "the reader reads every node back");
	is_uint(not_dense, 0, "node ids come dense, in order");
	is_uint(nodes, upto - 1, "every id below the next one is a node");
	for (int k = 0; k < THREADS; k++) {
		changed += again[k];
		for (int s = 0; s < STACKS; s++) {
			wrong += !is_stack(got[k][s], s);
			differ += got[k][s] != got[0][s];
		}
	}
	is_uint(wrong, 0, "each id stands for its stack's frames");
	is_uint(changed, 0, "a thread gets the same id for a stack again");
	ok(nodes >= 1 + MIDS + STACKS && nodes <= THREADS * (1 + MIDS + STACKS),
	   "one node per distinct frame, twins aside (%u nodes for %u)", nodes,
	   1 + MIDS + STACKS);
	diag("%u of %u stacks got another id on some thread (twins)", differ,
	     THREADS * STACKS);

	/* Without a race, one node each: a new thread gets the ids again. */
	static struct thread_state late;
	uintptr_t ips[DEPTH];
	uint32_t mismatch = 0;

	for (int s = 0; s < STACKS; s++) {
		stack_of(s, ips);
		mismatch +=
			!is_stack(perfshim_stack_intern(&late, ips, DEPTH), s);
	}
	ok(!mismatch && perfshim_stack_next_id() == upto, "interning them "
							  "again makes no new "
							  "node");
	many_stacks();
	deep_new_stacks();
	not_filled_in();
	return exit_status();
}
