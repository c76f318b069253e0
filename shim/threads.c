/* threads.c - the registry of traced threads (see threads.h). */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "encode.h"
#include "mem.h"
#include "perfshim_trace.h"
#include "threads.h"

static _Atomic(struct thread_state *) threads;
static _Atomic uint32_t next_thread_index;
static pthread_key_t thread_key;

/*
 * The thread ends in glibc's last round of key destructors, not its
 * first: ours was the first key made, so in each round it runs before the
 * program's, which may free what the thread kept. Ended in the first,
 * the thread came back as a new one for those frees (a THREAD record and
 * a state each: 401 threads counted for 201). Setting the key again
 * calls this again in the next round.
 */
static void thread_key_dtor(void *p)
{
	static __thread unsigned rounds;

	if (++rounds < PTHREAD_DESTRUCTOR_ITERATIONS &&
	    !pthread_setspecific(thread_key, p))
		return;
	rounds = 0;
	if (perfshim_writer_detached())
		return; /* not even sigaltstack(): seccomp may forbid it */
	perfshim_guard++;
	perfshim_thread_exit(p);
	perfshim_guard--;
}

static void *map(size_t n)
{
	return perfshim_map(n);
}

/*
 * A stack overflow raises SIGSEGV with no stack left to run a handler on,
 * and the trace would end unwritten. Threads the program gave no
 * alternate signal stack get one of ours (virtual memory until used);
 * a program that sets its own later simply replaces it. To the program
 * ours is not there (sigaltstack below); the shim's own calls go to the
 * kernel directly.
 */
static int altstack(const stack_t *ss, stack_t *old)
{
	return (int)syscall(SYS_sigaltstack, ss, old);
}

/*
 * The program asks what its thread's alternate signal stack is: ours
 * reads as none (SS_DISABLE), as natively. Runtimes that install their
 * own only where there is none (Rust's, for one) install it.
 */
EXPORT int sigaltstack(const stack_t *ss, stack_t *old)
{
	struct thread_state *t = perfshim_self;
	int r = altstack(ss, old);

	if (!r && old && t && t->altstack && old->ss_sp == t->altstack) {
		old->ss_sp = NULL;
		old->ss_size = 0;
		old->ss_flags = SS_DISABLE;
	}
	return r;
}

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

/* A stack the program had set, put back as it was. */
static void altstack_restore(stack_t *ss)
{
	ss->ss_flags &= SS_AUTODISARM;
	(void)altstack(ss, NULL);
}

/*
 * One call each way where the thread has no stack of its own (a new
 * thread's is disabled): a program that starts threads by the thousand
 * made four of them a thread. A stack the program set first is put
 * back at once.
 */
static void give_altstack(struct thread_state *t)
{
	stack_t old, ss;

	/* A recycled state's, or a new one. */
	ss.ss_sp = t->altstack_kept ? t->altstack_kept : map(ALTSTACK_SIZE);
	t->altstack_kept = NULL;
	ss.ss_size = ALTSTACK_SIZE;
	ss.ss_flags = 0;
	if (!ss.ss_sp)
		return;
	/* Fails, changing nothing, on the program's stack (SS_ONSTACK). */
	if (altstack(&ss, &old)) {
		perfshim_unmap(ss.ss_sp, ALTSTACK_SIZE);
		return;
	}
	if (!(old.ss_flags & SS_DISABLE)) {
		altstack_restore(&old);
		perfshim_unmap(ss.ss_sp, ALTSTACK_SIZE);
		return;
	}
	t->altstack = ss.ss_sp;
}

static void take_altstack(struct thread_state *t)
{
	stack_t cur, off;

	if (!t->altstack)
		return;
	/* Only if it is still ours; while a handler runs on the stack the
	 * kernel refuses, and changes nothing. */
	off.ss_sp = NULL;
	off.ss_size = 0;
	off.ss_flags = SS_DISABLE;
	if (!altstack(&off, &cur)) {
		if (cur.ss_sp == t->altstack && !(cur.ss_flags & SS_DISABLE))
			t->altstack_kept = t->altstack; /* for the next */
		else if (!(cur.ss_flags & SS_DISABLE))
			altstack_restore(&cur); /* the program's */
	}
	t->altstack = NULL;
}

/*
 * The states of exited threads, kept for new threads (as many as
 * SPARES), with their rings and alternate signal stacks: a program that
 * starts thousands of short threads would otherwise map and unmap three
 * regions for each, and an unmap of pages a thread touched flushes the
 * TLB of every CPU the program runs on (0.1 ms or more a thread, most of
 * the shim's cost there). Slots are taken with an exchange and filled
 * with a compare-exchange, so any thread may take while the writer puts.
 */
#define SPARES 32
#define SPARE_RING (16 * 1024) /* bytes a kept state's ring wrote, at most */
static _Atomic(struct thread_state *) spares[SPARES];
/*
 * A state taken keeps its stack and rule caches (zeroing their 20 KiB
 * was a third of a short thread's start in the shim): stack ids and
 * rules hold for every thread of the process. Not for a forked child,
 * which numbers its stacks anew: a spare from before the fork (forks
 * differs) has its stack cache emptied.
 */
static uint32_t forks;
/* A thread found none: the next thread to exit asks the writer to come
 * and free the dead ones, rather than wait for its next round. */
static _Atomic int spares_short;
/*
 * The states of threads that have exited and that the writer has not
 * freed yet. Once there are REAP_AT of them, each thread that exits asks
 * the writer to come. A program that starts threads one after another
 * used up the spares before the writer's next round: a few threads then
 * mapped states of their own, and the writer kept SPARES of the dead and
 * unmapped the rest, three regions every 33 threads (exceptions' spawner:
 * the unmaps' TLB flushes and the new states' page faults were a fifth
 * of its time in the shim). With at most REAP_AT dead at a time, the
 * spares take them all back. (Asking whenever the spares ran low woke the
 * writer for every thread: one state went round.)
 */
#define REAP_AT (SPARES / 2)
static _Atomic int unreaped;

static struct thread_state *spare_take(void)
{
	for (int i = 0; i < SPARES; i++) {
		struct thread_state *t;

		if (!atomic_load_explicit(&spares[i], memory_order_relaxed))
			continue;
		t = atomic_exchange(&spares[i], NULL);
		if (!t)
			continue;
		/* As new: zeroed but for the memory it keeps and its
		 * caches, which hold for any thread of this process. */
		uint8_t *buf = t->ring.buf;
		size_t size = t->ring.size;
		void *alt = t->altstack_kept;
		uint32_t gen = t->forks;

		memset(t, 0, offsetof(struct thread_state, cache));
		t->ring.buf = buf;
		t->ring.size = size;
		t->altstack_kept = alt;
		t->forks = forks;
		if (gen != forks) /* its stack ids are the parent's */
			memset(t->cache, 0, sizeof(t->cache));
		t->memo_n = 0;
		t->unwind_unknown = 0;
		return t;
	}
	return NULL;
}

static struct thread_state *new_state(void)
{
	struct thread_state *t = map(sizeof(*t));

	if (!t)
		return NULL;
	t->forks = forks;
	/*
	 * The first thread's ring resident from the start, so that it does
	 * not grow under the program's resident set as it first fills. Not
	 * the others': a program that makes many short threads would pay
	 * for pages they never touch (0.1 to 0.2 ms a thread). Under a tight
	 * RLIMIT_AS a smaller ring, down to the least PERFSHIM_BUFFER_KB
	 * gives, rather than none.
	 */
	for (size_t size = perfshim_cfg.ring_size;
	     !t->ring.buf && size >= RING_LEAST; size /= 2) {
		t->ring.size = size;
		t->ring.buf = atomic_load(&next_thread_index) == 0
				      ? perfshim_map_resident(size)
				      : perfshim_map(size);
	}
	if (!t->ring.buf) {
		perfshim_unmap(t, sizeof(*t));
		return NULL;
	}
	return t;
}

HIDDEN void perfshim_thread_free(struct thread_state *t)
{
	atomic_fetch_sub_explicit(&unreaped, 1, memory_order_relaxed);
	/* Only a state whose ring touched a few pages: a busy thread's
	 * whole ring would stay resident for nothing, and its exit is rare
	 * next to its work. */
	for (int i = 0; i < SPARES && atomic_load(&t->ring.head) <= SPARE_RING;
	     i++) {
		struct thread_state *none = NULL;

		if (atomic_compare_exchange_strong(&spares[i], &none, t))
			return;
	}
	perfshim_unmap(t->altstack_kept, ALTSTACK_SIZE);
	perfshim_unmap(t->ring.buf, t->ring.size);
	perfshim_unmap(t, sizeof(*t));
}

/* The calling thread's state, made on its first event. NULL if none can be. */
HIDDEN struct thread_state *perfshim_thread_get(void)
{
	struct thread_state *t = perfshim_self;

	if (t)
		return t;
	if (perfshim_writer_detached())
		return NULL;
	/* In a copy, our locks may be held by the parent's threads. */
	if (perfshim_writer_left_copy())
		return NULL;
	t = spare_take();
	if (!t) {
		if (atomic_load(&next_thread_index))
			atomic_store(&spares_short, 1);
		t = new_state();
	}
	if (!t) {
		/* The event is lost: the trace must say so (no gate passes
		 * it), not end as if the thread had done nothing. */
		if (atomic_load(&perfshim_recording))
			atomic_fetch_add(&perfshim_lost_nomem, 1);
		return NULL;
	}
	t->index = atomic_fetch_add(&next_thread_index, 1);
	if (t->index)
		perfshim_clock_threads(); /* before this thread's first event */
	t->tid = (pid_t)syscall(SYS_gettid);
	give_altstack(t);
	/* Its THREAD record: the writer's, in its next pass (writer.c). */
	t->next = atomic_load(&threads);
	while (!atomic_compare_exchange_weak(&threads, &t->next, t))
		;
	perfshim_self = t;
	pthread_setspecific(thread_key, t);
	return t;
}

HIDDEN void perfshim_thread_exit(struct thread_state *t)
{
	uint8_t rec[1 + PERFSHIM_VARINT_MAX];
	size_t n = 0;

	if (!t)
		return;
	uint64_t ts = perfshim_event_begin(t);

	rec[n++] = PERFSHIM_EV_THREAD_EXIT;
	n += perfshim_put_varint(rec + n, ts - t->last_ts);
	t->last_ts = ts;
	perfshim_emit(t, rec, n);
	perfshim_event_end(t);
	take_altstack(t);
	perfshim_self = NULL;
	atomic_store(&t->dead, 1);
	if (atomic_fetch_add_explicit(&unreaped, 1, memory_order_relaxed) + 1 >=
		    REAP_AT ||
	    (atomic_load_explicit(&spares_short, memory_order_relaxed) &&
	     atomic_exchange(&spares_short, 0)))
		perfshim_writer_wake();
}

HIDDEN struct thread_state *perfshim_threads(void)
{
	return atomic_load(&threads);
}

HIDDEN void perfshim_threads_unlink(struct thread_state *t)
{
	struct thread_state *head = atomic_load(&threads);

	if (head == t &&
	    atomic_compare_exchange_strong(&threads, &head, t->next))
		return;
	for (struct thread_state *p = atomic_load(&threads); p; p = p->next) {
		if (p->next == t) {
			p->next = t->next;
			return;
		}
	}
}

HIDDEN int perfshim_threads_init(void)
{
	return pthread_key_create(&thread_key, thread_key_dtor) ? -1 : 0;
}

HIDDEN void perfshim_threads_after_fork(struct thread_state *self)
{
	forks++;
	for (struct thread_state *t = atomic_load(&threads), *next; t;
	     t = next) {
		next = t->next;
		if (t != self) {
			perfshim_unmap(t->ring.buf, t->ring.size);
			perfshim_unmap(t, sizeof(*t));
		}
	}
	atomic_store(&threads, NULL);
	atomic_store(&next_thread_index, 0);
	atomic_store(&unreaped, 0);
}

HIDDEN void perfshim_threads_readd(struct thread_state *self)
{
	self->index = atomic_fetch_add(&next_thread_index, 1);
	self->tid = (pid_t)syscall(SYS_gettid);
	ring_reset(&self->ring);
	self->last_ts = 0;
	atomic_store(&self->alloc_calls, 0);
	atomic_store(&self->free_calls, 0);
	atomic_store(&self->alloc_bytes, 0);
	atomic_store(&self->busy, 0);
	atomic_store(&self->cur_ts, 0);
	memset(self->cache, 0, sizeof(self->cache));
	self->forks = forks;
	self->next = NULL;
	self->w.announced = 0; /* the writer tells of it again */
	atomic_store(&threads, self);
}
