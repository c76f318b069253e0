/*
 * mask.h - every signal blocked over a stretch of the shim's own libunwind
 * calls, with one change of the thread's mask each way.
 *
 * Debian's libunwind blocks every signal around each of its locks and
 * lookups (about 16 sigprocmask calls for one frame rule learned, 1.2 us
 * each on a VM here). While the shim holds the mask, those calls (made
 * under perfshim_guard, which the interposers of sigprocmask and
 * pthread_sigmask in sampler.c send here) change a copy of it, and the
 * release sets the copy: no signal arrives inside libunwind's locks, as
 * with its own masking, only for a longer stretch.
 *
 * Contract: per thread, not nested (a second hold while one is held does
 * nothing); async-signal-safe (a SIGPROF handler holds around its walk:
 * no signal arrives while a hold is on, so none interrupts one). Nothing
 * is held until perfshim_mask_real is set (sampler.c, at start). A hold
 * holds the thread's cancellation off too, and runs the hooks below
 * (libunwind's pipe is checked there).
 */
#ifndef PERFSHIM_MASK_H
#define PERFSHIM_MASK_H

#include <pthread.h>
#include <signal.h>

#include "compiler.h"

/*
 * A pthread_cancel pending on the thread must act where the program would
 * see it act, never inside the shim: libunwind reads and writes its
 * validation pipe, the exit path writes the trace, the waits sleep, and
 * each of those is a cancellation point (a thread cancelled there left
 * its locks held and its cleanup handlers unrun). perfshim_cancel_off
 * holds cancellation off over such a stretch and says how it was;
 * perfshim_cancel_back puts that back (a deferred cancel then waits for
 * the program's next cancellation point). In glibc the state is one
 * atomic word of the thread: safe in a signal handler. A hold of the
 * mask (below) holds cancellation off too.
 */
static inline int perfshim_cancel_off(void)
{
	int was = PTHREAD_CANCEL_DISABLE;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &was);
	return was;
}

static inline void perfshim_cancel_back(int was)
{
	if (was != PTHREAD_CANCEL_DISABLE)
		pthread_setcancelstate(was, NULL);
}

/* The C library's sigprocmask, not the shim's; NULL: holds do nothing. */
extern HIDDEN int (*perfshim_mask_real)(int, const sigset_t *, sigset_t *);
/* Run first thing in a hold and last in its release, if set: fds.c checks
 * and closes libunwind's pipe there (perfshim_unwind_pipe_check). */
extern HIDDEN void (*perfshim_mask_on_hold)(void);
extern HIDDEN void (*perfshim_mask_on_release)(void);

HIDDEN void perfshim_mask_hold(void);
HIDDEN void perfshim_mask_release(void);
/* 1 while this thread holds the mask. */
HIDDEN int perfshim_mask_held(void);
/* While held: the thread's mask as the program has it (the copy), into
 * *out, and 0; -1 when no hold is on. */
HIDDEN int perfshim_mask_kept(sigset_t *out);
/* A sigprocmask call under the hold: on the copy, as the kernel would. */
HIDDEN int perfshim_mask_change(int how, const sigset_t *set, sigset_t *old);

/*
 * Every signal blocked on this thread for a short stretch that a handler
 * must not enter (a fatal signal's work on its own stack, a meta record,
 * a fork until the child has its trace), straight from the kernel: the
 * glibc wrapper keeps two signals of its own, and the shim's sigprocmask
 * interposer would take the call for the program's. *old gets the mask
 * to put back with perfshim_mask_restore(). 0, or -1 (nothing changed).
 * Async-signal-safe; no hold needed, none taken.
 */
HIDDEN int perfshim_mask_block_all(sigset_t *old);
HIDDEN void perfshim_mask_restore(const sigset_t *old);

#endif
