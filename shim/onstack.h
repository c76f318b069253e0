/*
 * onstack.h - run a function on a stack of the shim's own, for the work
 * that a fatal signal's handler does (the leak scan, the trace's last
 * frame).
 *
 * Our handler for a fatal signal runs on the thread's alternate stack.
 * That is ours (threads.c, 256 KiB) unless the program set its own, and
 * programs size theirs for their own handlers: Rust's are 8 KiB, of
 * which the kernel's signal frame takes 3 KiB or more. The scan and the
 * last write need more than is left, and would turn a SIGTERM into a
 * SIGSEGV. So that work runs on a stack mapped for it.
 *
 * Contract: perfshim_on_fatal_stack(fn, arg) calls fn(arg) on a stack of
 * FATAL_STACK bytes, mapped on first use, and returns when fn does. One
 * caller at a time has that stack: a second caller meanwhile (another
 * thread's fatal signal), or a failed mapping, runs fn where it is.
 * Every signal is blocked while fn runs there, and comes after: the kernel
 * would put the frame of one that came then at the top of the thread's
 * alternate stack, over the handler that runs there (the kernel sees a
 * stack pointer that is not on it). Async-signal-safe. fn must not
 * unwind or jump out (no longjmp, no C++ exception): it returns.
 */
#ifndef PERFSHIM_ONSTACK_H
#define PERFSHIM_ONSTACK_H

#include "compiler.h"

#define FATAL_STACK (256 * 1024)

HIDDEN void perfshim_on_fatal_stack(void (*fn)(void *), void *arg);
/* 1 while the calling code runs on that stack (for the unit test). */
HIDDEN int perfshim_on_fatal_stack_now(void);

#endif
