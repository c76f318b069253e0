/*
 * t_live_fork - a forked child's live index against a model. The parent
 * (one thread) has its events through the chunk encoder, so its index is
 * lazy, and more of them committed to its ring but not drained; at the
 * fork the child keeps the encoder's table as the parent's, with those
 * events in it, and reads nothing. Its own events (frees of the
 * parent's blocks among them) then go through a fresh encoder, and the
 * index, read when a scan would need it, holds exactly the model's live
 * set. A child of that child, forked before it ever read the parent's
 * table, reads both at once, as a scan would (the parent's, the child's
 * table, its undrained events); its events are then kept one by one.
 */
#include "live_model.h"
#include "ring.h"

static uint8_t ringbuf[1 << 22];

/* Events [at[i], at[j]) committed to v's ring, not drained. */
static void commit(struct thread_state *v, const size_t *at, size_t i, size_t j)
{
	uint64_t head = ring_head(&v->ring);

	ring_put(&v->ring, head, ev + at[i], at[j] - at[i]);
}

/* A fresh ring for v, its positions those of ev, from pos on. */
static void ring_at(struct thread_state *v, uint64_t pos)
{
	v->ring.buf = ringbuf;
	v->ring.size = sizeof(ringbuf);
	atomic_store(&v->ring.head, pos);
	atomic_store(&v->ring.tail, pos);
	v->ring.tail_seen = pos;
}

/* The child's side of a fork: a fresh encoder, its ring's bytes from
 * 0 on, then m events of its own drained; their offsets (at, freed). */
static void child_runs(struct thread_state *v, size_t *at, size_t m)
{
	perfshim_columns_reset();
	perfshim_live_fork_child(v);
	free(at);
	ev_len = 0;
	at = make_events(m, 0);
	drain_all(v, at, 0, m);
	free(at);
}

static size_t live_in_model(void)
{
	size_t n = 0;

	for (size_t s = 0; s < SLOTS; s++)
		n += model[s] != 0;
	return n;
}

int main(void)
{
	static struct thread_state v = { .index = 1 };
	size_t m = 60000, *at = make_events(m, 20000);

	plan(17);
	/* The parent: a first part drained, the rest only committed. */
	drain_all(&v, at, 0, m / 2);
	ring_at(&v, at[m / 2]);
	commit(&v, at, m / 2, m);
	ok(perfshim_live.count == 0 && !perfshim_live.cap,
	   "the parent's index is lazy");
	/* A scan now reads the tables past the undrained events, and
	 * leaves the index lazy and the ring for the writer. */
	compare_view("the parent, events undrained", &v);
	ok(perfshim_live.count == 0 && !perfshim_live.cap &&
		   v.w.live_pos == at[m / 2] && !v.w.live_bad,
	   "after the scan: the index lazy, the ring undrained");

	/* The child. */
	size_t at_fork = live_in_model();

	perfshim_live_after_fork(&v);
	ok(perfshim_live.count == 0 && !perfshim_live.cap,
	   "at the fork the child reads nothing into its index");
	is_uint(perfshim_columns_inherited_count(), at_fork,
		"the parent's table, undrained events in it, holds the "
		"model's blocks");
	ok(v.w.live_pos == at[m] && !v.w.live_bad, "the ring's events taken");
	/* Its own events: frees of inherited blocks, new ones at their
	 * addresses and others, through a fresh encoder. */
	child_runs(&v, at, m);
	ok(perfshim_live.count == 0 && !perfshim_live.cap,
	   "the child's own events leave the index lazy");
	ok(perfshim_columns_inherited_count() < at_fork,
	   "its frees struck inherited blocks out (%zu of %zu left)",
	   perfshim_columns_inherited_count(), at_fork);

	/* A grandchild, forked with events undrained, before the child
	 * read the parent's table. */
	at = make_events(20000, 0);
	ring_at(&v, at[0]);
	commit(&v, at, 0, 20000);
	compare_view("the child: its parent's table, its own, undrained "
		     "events",
		     &v);
	perfshim_live_after_fork(&v);
	ok(perfshim_columns_inherited_count() == 0,
	   "the grandchild read its grandparent's table");
	compare("the grandchild, at its fork");
	child_runs(&v, at, m);
	compare("the grandchild's own events, kept one by one");
	compare_view("the grandchild's scan, not lazy", &v);
	return exit_status();
}
