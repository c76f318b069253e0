/*
 * unwind.h - stacks from frame rules cached per return address.
 *
 * For each return address the walk has met, the rule libunwind applies
 * to that frame, in a table shared by all threads: where the frame's CFA
 * is (rsp or rbp plus a constant), the return address at CFA - 8, and
 * the caller's rbp (unchanged, or saved at CFA - 8m). The rules are
 * learned once, by stepping libunwind over a made-up stack (probe_rule
 * in unwind.c); a frame whose rule is anything else (signal frames, a
 * CFA computed from memory, no unwind info, the last frame) is marked
 * odd, and a stack with one is taken by libunwind. So the walk gives
 * exactly libunwind's frames, at the cost of a frame-pointer walk.
 * Where it meets a frame of the thread's previous whole walk, with the
 * same registers, and the stack words that walk read from there on
 * still hold the same values, the rest of the stack is that walk's,
 * checked with loads that do not wait for each other (unwind.c, memo);
 * where a word changed, the memo may be met again outward of it.
 *
 * Contract: perfshim_unwind_cached and perfshim_unwind_rule_of take no
 * lock, allocate nothing, make no system call, and read memory only
 * inside the thread's stack (t->stack_lo/hi, filled first if 0): they
 * are async-signal-safe once the bounds are known. perfshim_unwind_cached
 * keeps t's copy of the rules and its memo: only t's thread calls it,
 * never nested (the shim's guard). perfshim_unwind_learn runs libunwind
 * where unw_backtrace may run (the caller brackets it with
 * perfshim_unwind_enter and leave); its probes share one buffer in the
 * whole process, taken with a try, never waited for.
 */
#ifndef PERFSHIM_UNWIND_H
#define PERFSHIM_UNWIND_H

#include <stdint.h>

#include "compiler.h"

struct thread_state;

/* Map the rule table (at start, once). */
HIDDEN void perfshim_unwind_init(void);
/* Forget every rule: a module was unloaded, its addresses may be reused. */
HIDDEN void perfshim_unwind_forget(void);
/* In a forked child (one thread left, none inside a probe). */
HIDDEN void perfshim_unwind_reset(void);

/*
 * The return addresses of the calling thread's stack, innermost first,
 * from the caller of perfshim_unwind_cached outward, into buf[0..max);
 * or, given from, the frame address of a caller of it (an interposer's,
 * built with frame pointers as all of the shim is), from that frame's
 * caller outward: the shim's frames in between are not walked.
 * Returns the count (it ends at the shim's wrapper of main or of a
 * thread's start, or at max), -1 when a frame's rule is odd or the walk
 * leaves the stack's bounds (take the stack with libunwind), -2 when a
 * frame's rule is not known yet (perfshim_unwind_learn).
 */
HIDDEN int perfshim_unwind_cached(struct thread_state *t, void **buf, int max,
				  uintptr_t from);

/*
 * Learn the rule of the return address the last perfshim_unwind_cached
 * did not know (t->unwind_unknown), with one step of libunwind from that
 * frame's registers; failing that, the rules of the calling thread's
 * frames, stepping libunwind from the caller outward, down to that
 * return address or max frames.
 */
HIDDEN void perfshim_unwind_learn(struct thread_state *t, int max);

/* The rule known for ip: 0 unknown, else a rule (unwind.c); for tests. */
HIDDEN unsigned perfshim_unwind_rule_of(uintptr_t ip);

#endif
