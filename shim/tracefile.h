/*
 * tracefile.h - the trace's file: created once per traced process (and
 * anew in a forked child), kept at a high close-on-exec descriptor out
 * of the program's way (under a low RLIMIT_NOFILE with no room above it,
 * open only while a write lasts), written whole or not at all.
 *
 * Contract: none of these allocates from the program's heap. Writes (and moving the descriptor)
 * hold fd_lock with every signal blocked, so no signal handler can run
 * on a thread that holds it; they may block on the file system. The
 * descriptor belongs to this module: others ask for its number and never
 * close it. None of these may run before the shim's init has read its
 * configuration (perfshim_cfg), except the queries, which answer -1 / 0.
 */
#ifndef PERFSHIM_TRACEFILE_H
#define PERFSHIM_TRACEFILE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

/*
 * perfshim_tracefile_open - create the trace from PERFSHIM_OUTPUT (%p the
 * pid, %t the time, a .N suffix if the name is taken; never an existing
 * file, never through a symlink). 0, or -1 said once on stderr.
 */
HIDDEN int perfshim_tracefile_open(void);
/*
 * perfshim_tracefile_write - write all n bytes, or stop tracing (said
 * once) on an error or when the descriptor is no longer the file we
 * created (the program closed or replaced it). 0 or -1. Not in a signal
 * handler that interrupted a holder of fd_lock (signals are blocked
 * while it is held, so that cannot happen).
 */
HIDDEN int perfshim_tracefile_write(const uint8_t *p, size_t n);
/* perfshim_tracefile_stop - turn tracing off for good after an error,
 * close the file (if the number is still it), say why once. Any thread;
 * takes fd_lock, so never with it held. */
HIDDEN void perfshim_tracefile_stop(const char *why, int err);
/* Close the file (finish, detach, a forked child's parent's trace); a
 * number that is no longer the trace's is the program's: left open. */
HIDDEN void perfshim_tracefile_close(void);
/* 1 while the trace's descriptor is still the file the shim made (a raw
 * close_range() may have closed it, and the program reused the number).
 * One fstat(); async-signal-safe. */
HIDDEN int perfshim_trace_fd_intact(void);
/* Forget the descriptor without closing it: it is a parent's, in a
 * copy of the process that must not touch it. */
HIDDEN void perfshim_tracefile_forget(void);

/* In a forked child, its only thread: the lock afresh (a parent's
 * thread may have held it at the fork). */
HIDDEN void perfshim_tracefile_after_fork(void);

/* 1 while the trace is being written: open, or lean (opened for each
 * write under a low RLIMIT_NOFILE with no room above it). */
HIDDEN int perfshim_tracefile_on(void);
/* The trace's descriptor, or -1 (also between a lean trace's writes).
 * Async-signal-safe. */
HIDDEN int perfshim_trace_fd(void);
HIDDEN int perfshim_is_trace_fd(int fd);
/* perfshim_protect_fd - fd is about to be the program's: if it is the
 * trace's, move the trace. Call with perfshim_trace_fd_lock() held. */
HIDDEN int perfshim_protect_fd(int fd);
/*
 * perfshim_trace_fd_lock - hold off every use of the trace's descriptor
 * number: around moving it and the program's dup2() onto it. Blocks all
 * signals (saved holds the old mask) until perfshim_trace_fd_unlock().
 */
HIDDEN void perfshim_trace_fd_lock(sigset_t *saved);
HIDDEN void perfshim_trace_fd_unlock(const sigset_t *saved);

#endif
