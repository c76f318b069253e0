/*
 * mem.h - all of the shim's own memory: whole pages from the kernel,
 * never the program's heap, registered so that the reachability scan
 * does not take them for roots.
 *
 * Contract: no lock (the registry is a fixed table of atomics), so these
 * may run in any thread at any time, before init too; each is one
 * mmap/mremap/munmap system call, async-signal-safe as those are. The
 * caller owns what it maps and gives it back with its size.
 */
#ifndef PERFSHIM_MEM_H
#define PERFSHIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

/*
 * perfshim_map - n bytes of zeroed memory from the kernel (never the
 * program's heap), registered as the shim's own so that the reachability
 * scan does not take it for a root. NULL on failure.
 */
HIDDEN void *perfshim_map(size_t n);
/* perfshim_map_resident - the same, resident from the start. */
HIDDEN void *perfshim_map_resident(size_t n);
/* perfshim_remap - grow p (old bytes, may be NULL) to n; NULL on failure,
 * p then unchanged. */
HIDDEN void *perfshim_remap(void *p, size_t old, size_t n);
/*
 * perfshim_dense - the n bytes at p (mapped, or remapped, by the calls
 * above) are a table the writer fills all over (a hash table, an array
 * of slots): backed by huge pages where the system gives them on
 * request (transparent_hugepage "madvise" or "always"), if it is large
 * enough that each page of it is touched anyway. With a million blocks
 * held, its random reads missed the TLB, and each 4 KiB page was a
 * fault, first touched and again after each fork. Never for memory
 * touched sparsely (the strings' arena, the stack tables): each page
 * touched would make 2 MiB resident.
 */
HIDDEN void perfshim_dense(void *p, size_t n);
/* perfshim_unmap - give back what perfshim_map made. NULL is allowed. */
HIDDEN void perfshim_unmap(void *p, size_t n);
/* perfshim_own_regions - call fn for each registered region; count them.
 * Safe in a signal handler. */
HIDDEN size_t perfshim_own_regions(void (*fn)(uintptr_t lo, uintptr_t hi));

#endif
