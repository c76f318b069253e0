/*
 * threads.h - the registry of traced threads: a thread's state (its ring,
 * its totals, its stack cache) is made on its first event, announced in
 * the trace (a THREAD record), listed newest first for the writer, and
 * marked dead when the thread exits; the writer unlinks and frees it once
 * its ring is drained.
 *
 * Contract: perfshim_thread_get() maps memory and takes the meta lock
 * (perfshim_meta) the first time on a thread, so its first event must not
 * be in a signal handler that interrupted the shim; after that it is a
 * TLS load. The list may be walked by the holder of the writer's pass
 * lock (the writer, a scan, a thread flushing for itself); only that
 * holder unlinks. The rest is for init and a forked child's only thread.
 * perfshim_thread_get, perfshim_thread_exit and perfshim_threads are
 * declared in shim.h, which every hook includes.
 */
#ifndef PERFSHIM_THREADS_H
#define PERFSHIM_THREADS_H

#include "shim.h"

/* At start: the key whose destructor records a thread's exit. 0 or -1. */
HIDDEN int perfshim_threads_init(void);
/* Take t out of the list (pass lock held); the caller frees it. */
HIDDEN void perfshim_threads_unlink(struct thread_state *t);
/* Free an unlinked, drained state: kept for a new thread while there is
 * room (a few), else unmapped. */
HIDDEN void perfshim_thread_free(struct thread_state *t);
/* A forked child: free every thread's state but self's and empty the
 * list (self, if any, stays the caller's until perfshim_threads_readd). */
HIDDEN void perfshim_threads_after_fork(struct thread_state *self);
/* A forked child's new trace: self as its thread 0, announced afresh. */
HIDDEN void perfshim_threads_readd(struct thread_state *self);

/* writer.c, for the registry: whether the shim left the process for
 * good, and whether this is a copy of it no fork handler saw (then it
 * says so once and stops tracing it: 1). */
HIDDEN int perfshim_writer_detached(void);
HIDDEN int perfshim_writer_left_copy(void);
/* In a child made without the fork handlers (init.c's fork): it stops
 * tracing, and says once that it runs untraced, made by made. */
HIDDEN void perfshim_writer_leave_child(const char *made);
/* Ask the writer for a pass soon (no-op while it is not running). */
HIDDEN void perfshim_writer_wake(void);

#endif
