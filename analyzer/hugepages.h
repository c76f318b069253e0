/*
 * hugepages.h - the analyzer's heap on transparent huge pages.
 *
 * Most of what the analyzer touches is memory it has just allocated: debug
 * information that libdw and zlib decompress, the live set, the merge
 * queues. On a VM the first touch of a 4 KiB page costs about 13 us; for
 * --leaks that was a third of the time. glibc backs its heap with huge
 * pages when the tunable glibc.malloc.hugetlb=1 is set, but reads tunables
 * only when a process starts. So perfanalyze starts itself again, once,
 * with the tunable added, where the kernel gives huge pages only to memory
 * that asks for them ("madvise", the usual default). It does not:
 *   - where the kernel gives them to all memory anyway, or never;
 *   - when GLIBC_TUNABLES already sets glibc.malloc.hugetlb;
 *   - under valgrind (the new process would run outside it);
 *   - when PERFANALYZE_HUGEPAGES=0 says not to.
 * The analyzer starts no program of its own, so nothing else inherits the
 * tunable.
 *
 * Two more tunables go with it, unless GLIBC_TUNABLES sets them:
 *   - glibc.malloc.top_pad: the heap grows 64 MiB at a time. The kernel
 *     backs with a huge page only a 2 MiB-aligned range that the mapping
 *     holds whole when it is first touched, and a heap that grows by
 *     128 KiB (the default) rarely holds one: the page faults stayed at
 *     about 3,000 a run, and went to about 600 with the pad.
 *   - glibc.malloc.mmap_threshold: blocks up to 32 MiB (the merge queues,
 *     the live set, frames decompressed) come from that heap, not from
 *     mappings of their own, each faulted in 4 KiB at a time.
 * What it costs is resident memory rounded to huge pages: 2 to 6 MiB more
 * on the benchmark's traces, for 6 to 36% less CPU.
 */
#ifndef PERFSHIM_HUGEPAGES_H
#define PERFSHIM_HUGEPAGES_H

#include <stddef.h>

/*
 * Whether to start again; if so, the GLIBC_TUNABLES value to start with in
 * out[0..cap). thp: the text of the kernel's
 * transparent_hugepage/enabled (NULL: unknown); the rest: the variables
 * GLIBC_TUNABLES, LD_PRELOAD and PERFANALYZE_HUGEPAGES (NULL: unset).
 */
int hugepages_wanted(const char *thp, const char *tunables, const char *preload,
		     const char *opt, char *out, size_t cap);

/* Start argv again with the tunable, if hugepages_wanted() says so. Returns
 * (with the environment as it was) when it does not, or cannot. */
void hugepages_reexec(char **argv);

#endif
