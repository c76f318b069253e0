/*
 * stop.h - stopping the other threads while the reachability scan runs.
 *
 * Contract: for the scan only (exit, the API, a fatal signal's handler):
 * async-signal-safe (raw system calls, no allocation but mem.h's), may
 * block for a bounded time while threads stop. Not before init. stop.c
 * owns the list it hands out; the caller must let every thread it
 * stopped go on (perfshim_release_others) before the next stop.
 */
#ifndef PERFSHIM_STOP_H
#define PERFSHIM_STOP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "compiler.h"

/* General registers (struct user_regs_struct), then the FP/SIMD state
 * (the xsave area: x87, xmm, ymm and zmm registers) up to 4 KiB. */
#define STOP_GREGS 27
#define STOP_FPWORDS 512

/* One thread of the process, as the stop left it. */
struct stopped {
	pid_t tid; /* 0: it ended meanwhile */
	/* 0: it did not stop (it runs on): no registers, no known sp */
	int have_regs;
	uintptr_t sp;
	size_t nwords; /* how many words of regs[] hold registers */
	/* stop.c's own */
	_Atomic uint32_t state;
	int seized, sig, blocked;
	long sysno; /* the call it was blocked in (-1: none), its arguments */
	uint64_t sysargs[6], syspc;
	/* last: only the words used are ever touched */
	uint64_t regs[STOP_GREGS + STOP_FPWORDS];
};

/*
 * perfshim_stop_others - stop every thread of the process but the caller
 * and the shim's writer, and take their registers. Each is stopped from a
 * tracer task with ptrace, which no blocking call of theirs can see (see
 * stop.c); where ptrace is not allowed (the process is traced already,
 * under seccomp, PERFSHIM_SCAN_STOP=signal, ...), with the signal
 * SIGRTMAX - 1, which a blocking call may see (EINTR). may_set_ptracer:
 * under Yama's ptrace_scope 1, the process may name the tracer with
 * PR_SET_PTRACER, which replaces whatever the program set there (only at
 * exit). A thread that does not stop within a second (it blocks the
 * signal, or sleeps uninterruptibly) is listed with have_regs 0 and runs
 * on; one that ended meanwhile, with tid 0.
 *
 * Returns the number of threads in *out (stop.c's memory, valid until the
 * next call). The caller holds the writer off (perfshim_pass_take) and
 * calls perfshim_release_others() before the next stop. Async-signal-safe;
 * never allocates from the program's heap; blocks at most a few seconds.
 */
HIDDEN size_t perfshim_stop_others(int may_set_ptracer, struct stopped **out);

/*
 * perfshim_release_others - let the stopped threads go on, as if nothing
 * happened. Without a call they go on by themselves after 10 s.
 */
HIDDEN void perfshim_release_others(void);
/* perfshim_self_status - the value of the line name ("\nSeccomp:") of
 * /proc/self/status, read into buf (size bytes), its blanks skipped; NULL
 * when it cannot be read or has no such line. Raw system calls only. */
HIDDEN const char *perfshim_self_status(const char *name, char *buf,
					size_t size);

/* Parse hexadecimal digits at *s; *s is left after them. */
static inline uint64_t perfshim_hex(const char **s)
{
	uint64_t v = 0;

	for (;; (*s)++) {
		char c = **s;

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint64_t)(c - 'a' + 10);
		else
			return v;
	}
}

#endif
