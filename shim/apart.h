/*
 * apart.h - work done by a short-lived copy of the process that shares
 * its memory but not its descriptor table: for the moments the program
 * holds every number its RLIMIT_NOFILE allows, when the shim has none
 * left to open its trace, or /proc/self's files, with.
 *
 * Contract: no lock, no allocation; the copy runs raw system calls only
 * (rawsys.h), on the caller's TLS, while the caller waits. The copy is a
 * process of its own (no CLONE_THREAD, no exit signal), reaped here: the
 * program's descriptors, children and locks are as they were. Keeps
 * errno.
 */
#ifndef PERFSHIM_APART_H
#define PERFSHIM_APART_H

#include <stddef.h>
#include <sys/types.h>

#include "compiler.h"

/*
 * perfshim_apart - fn(arg) run by a copy of the process that shares its
 * memory but not its descriptor table (clone: CLONE_VM | CLONE_VFORK, no
 * CLONE_FILES, exit signal 0), on stack[0..size), while the caller
 * waits. For the moments the program holds every number its
 * RLIMIT_NOFILE allows: the copy may close a descriptor of its own
 * table and open a file there. fn runs on the caller's TLS: raw system
 * calls only (rawsys.h). 0, or -1 when no copy could be made (seccomp,
 * RLIMIT_NPROC). One caller per stack at a time.
 */
HIDDEN int perfshim_apart(int (*fn)(void *), void *arg, void *stack,
			  size_t size);
/*
 * perfshim_proc_read_apart - /proc/self/LEAF read by such a copy (its
 * memory view is the process's: maps, cmdline) into buf[0..cap): the
 * bytes read (cap: perhaps more to read), or -errno (-EAGAIN: no copy,
 * or another thread is at it). LEAF is at most 31 bytes.
 */
HIDDEN ssize_t perfshim_proc_read_apart(const char *leaf, void *buf,
					size_t cap);

#endif
