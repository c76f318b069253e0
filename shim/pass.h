/*
 * pass.h - the lock that each pass of the writer holds (writer.c), taken
 * in turn.
 *
 * The writer gives the lock at the end of a pass and, when the rings are
 * full, takes it again moments later. A mutex does not queue: a thread
 * that wants the lock (a leak scan, the END record in a fatal signal's
 * handler, a fork) would get it only if it came in that moment, and a
 * handler that waits 2 s for it would give up with nothing written. So
 * every other thread says that it waits, and the writer lets it go
 * first.
 *
 * Contract: perfshim_pass_take and perfshim_pass_trylock are for any
 * thread but the writer, perfshim_pass_writer_take for the writer alone.
 * The writer waits for the threads that say they wait 10 ms at most (one
 * may be stopped by a debugger, or by a scan in a fatal signal's
 * handler): then it takes its turn anyway. Not recursive: a thread that
 * holds the lock must not take it again (perfshim_pass_held tells).
 */
#ifndef PERFSHIM_PASS_H
#define PERFSHIM_PASS_H

#include "compiler.h"

HIDDEN void perfshim_pass_take(void);
/* Tries for ms milliseconds; 0 when taken, -1 when not (or held here). */
HIDDEN int perfshim_pass_trylock(int ms);
HIDDEN void perfshim_pass_writer_take(void);
HIDDEN void perfshim_pass_give(void);
/* 1 while this thread holds the lock. */
HIDDEN int perfshim_pass_held(void);
/* In a forked child: one thread, no waiter, the lock free. */
HIDDEN void perfshim_pass_after_fork_child(void);

#endif
