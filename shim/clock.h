/*
 * clock.h - event time since the trace started: TSC ticks divided by
 * 2^TSC_SHIFT when the TSC is a clock (the kernel keeps time with it, or
 * the CPU says it is invariant: constant_tsc and nonstop_tsc, as under
 * kvm-clock), else CLOCK_MONOTONIC ns. The trace's CLOCK records
 * (perfshim_clock_pair) calibrate the TSC against CLOCK_MONOTONIC.
 *
 * The division keeps a unit of 4-8 ns at today's TSC rates, finer than
 * one traced call, and makes each event's time delta a byte shorter
 * (churn's trace shrinks by 15%). The CLOCK records pair these units
 * with ns, so readers need not know the shift.
 *
 * Cross-thread order: an unfenced rdtsc may execute ahead of the loads
 * before it, and in a VM that run-ahead was measured at up to 44 us (a
 * handoff's receiver stamped before its sender, 1 to 10 times in 2M
 * handoffs, on kvm-clock hosts; never with a fence before the read).
 * The order of one address's free and alloc on two threads decides
 * leaks, so perfshim_now_ordered() (the allocation events' clock) puts
 * an lfence before the read once the process has a second thread with
 * events (perfshim_clock_threads()). A single thread keeps the unfenced
 * read: the fence cost churn 8% of its CPU time. perfshim_now() stays
 * unfenced for a thread's own durations (zones, functions, samples).
 * The analyzer still puts a free and an alloc of one address back in
 * order within REPLAY_INVERSION_NS (analyzer/input/replay.h), and
 * perfshim_event_begin() (shim.h) keeps one thread's own times monotonic.
 *
 * Contract: perfshim_now() and perfshim_now_mono() never block, are
 * async-signal-safe and keep errno; before perfshim_clock_start() they
 * count from 0 (the epoch of the machine's clocks), never backwards.
 * perfshim_clock_start() is for init and a forked child only (one thread
 * running); it reads a sysfs file and /proc/cpuinfo when asked to choose.
 */
#ifndef PERFSHIM_CLOCK_H
#define PERFSHIM_CLOCK_H

#include <stdint.h>

#include "compiler.h"

#define TSC_SHIFT 4
extern HIDDEN int perfshim_use_tsc;
extern HIDDEN uint64_t perfshim_tsc0;
extern HIDDEN int perfshim_tsc_fence; /* 1: the TSC is read fenced */
HIDDEN uint64_t perfshim_now_mono(void);

static inline uint64_t perfshim_now(void)
{
	if (LIKELY(perfshim_use_tsc))
		return (__builtin_ia32_rdtsc() - perfshim_tsc0) >> TSC_SHIFT;
	return perfshim_now_mono();
}

/*
 * perfshim_now_ordered - perfshim_now(), read after every load before it
 * has completed once the process has a second thread with events: then
 * an event stamped after it saw another thread's store is not stamped
 * before that thread's own event.
 */
static inline uint64_t perfshim_now_ordered(void)
{
	/* Set only where perfshim_use_tsc is (perfshim_clock_threads). */
	if (__atomic_load_n(&perfshim_tsc_fence, __ATOMIC_RELAXED))
		__builtin_ia32_lfence();
	return perfshim_now();
}

/*
 * perfshim_clock_threads - a second thread is about to stamp its first
 * event: from now on perfshim_now_ordered() fences the TSC. Called by
 * that thread before its first event; the store is ordered before the
 * thread's later stores, so any thread that sees one of them reads its
 * clock fenced too. Never blocks, async-signal-safe.
 */
HIDDEN void perfshim_clock_threads(void);

/*
 * perfshim_clock_pair - the same instant on the event clock and in
 * CLOCK_MONOTONIC ns, both since the start, read within the narrowest
 * of a few windows: a CLOCK record's pair.
 */
HIDDEN void perfshim_clock_pair(uint64_t *units, uint64_t *ns);

/*
 * perfshim_clock_start - time 0 is now. choose: pick the TSC if
 * monotonic_only is 0 and it is a clock (see above), else CLOCK_MONOTONIC;
 * without choose the clock stays what it is (a forked child's restart).
 */
HIDDEN void perfshim_clock_start(int choose, int monotonic_only);

#endif
