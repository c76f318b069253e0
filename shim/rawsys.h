/*
 * rawsys.h - a system call without the C library.
 *
 * Contract: for code that must not touch errno or the calling thread's
 * TLS (a clone that shares the memory of a thread, which owns that TLS)
 * and must not reach an interposer (ours among them). Async-signal-safe.
 */
#ifndef PERFSHIM_RAWSYS_H
#define PERFSHIM_RAWSYS_H

/* System call n with up to four arguments: its result, or -errno. */
static inline long raw_syscall4(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

#endif
