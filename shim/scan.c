/*
 * scan.c - which live blocks the program can still reach. Stop the other
 * threads, complete the live-block index, mark from the roots and
 * classify every block as memcheck does; the verdicts go into the trace
 * as a SCAN record. Nothing here allocates from the program's heap: the
 * other threads may be stopped holding its locks.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "blockfind.h"
#include "encode.h"
#include "hsort.h"
#include "apart.h"
#include "fds.h"
#include "live.h"
#include "mask.h"
#include "mem.h"
#include "pass.h"
#include "perfshim.h"
#include "perfshim_trace.h"
#include "stop.h"

/* A SCAN record holds at most this many verdicts; more take more. */
#define VERDICTS_PER_RECORD 65536

enum { UNREACHED, INDIRECT, POSSIBLE, REACHABLE };

/* Growable memory of our own, straight from the kernel. */
struct area {
	void *p;
	size_t cap; /* bytes */
};

static int area_need(struct area *a, size_t bytes)
{
	if (bytes <= a->cap)
		return 0;
	size_t cap = a->cap ? a->cap : 65536;

	while (cap < bytes)
		cap *= 2;
	void *p = a->p ? mremap(a->p, a->cap, cap, MREMAP_MAYMOVE)
		       : mmap(NULL, cap, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	a->p = p;
	a->cap = cap;
	return 0;
}

/* Its memory given back (the scan at exit: none follows). */
static void area_release(struct area *a)
{
	if (a->p)
		munmap(a->p, a->cap);
	a->p = NULL;
	a->cap = 0;
}

/* --- the memory map --------------------------------------------------------- */

enum {
	M_R = 1,
	M_W = 2,
	M_FILE = 4,
	M_HEAP = 8,   /* malloc's: [heap], an arena, a mapped chunk */
	M_SKIP = 16,  /* the shim's own, or not memory at all */
	M_STACK = 32, /* a stopped thread's stack: scanned from its sp */
	M_LIBC = 64,  /* libc's data: its malloc points at free chunks */
	M_X = 128,
	M_CHUNKS = 256, /* holds chunks glibc mapped, and the program's own */
};

struct mapping {
	uintptr_t lo, hi;
	unsigned flags;
	uintptr_t stack_from; /* the lowest sp of a thread in it, or 0 */
	size_t first_block;   /* M_CHUNKS: the first block in it */
};

static struct area maps_text, maps_mem;
static struct mapping *maps;
static size_t nmaps;

static uintptr_t hex(const char **s)
{
	return (uintptr_t)perfshim_hex(s);
}

/*
 * The scan's reads of memory it does not know to be there. Through
 * /proc/thread-self/mem, open while a scan runs (mem_fd), where it can
 * be: process_vm_readv pins each page, and the kernel copies a page
 * shared with a forked process to pin it. A forked child's exit scan
 * copied every page of the heap it shared with its parent (Python's
 * children: 45% of their time under the shim); and the pin of an
 * unshared page costs more than the plain lookup too (a 200 MiB heap
 * read: 62 ms, 53 through the file; in a forked child 314 ms, 77).
 */
static int mem_fd = -1;
/*
 * Set while a block that lies in no one readable mapping is read: the
 * file reads a PROT_NONE page too (the kernel's read of it is forced),
 * where process_vm_readv skips it as the program could not read it.
 */
static int unmapped_block;

static size_t scan_read(uintptr_t a, void *buf, size_t n)
{
	if (mem_fd >= 0 && !unmapped_block && a <= INT64_MAX) {
		int e = errno;
		ssize_t got = pread(mem_fd, buf, n, (off_t)a);

		if (got >= 0 || errno == EIO) {
			errno = e;
			return got < 0 ? 0 : (size_t)got; /* EIO: not there */
		}
		errno = e;
	}
	return perfshim_safe_read(a, buf, n);
}

/*
 * One of glibc's thread arenas' heaps: a reservation of 64 MiB at an
 * address aligned to it, whose readable part begins with the heap's
 * header (heap_info: the arena, the previous heap, the size in use and
 * the size made readable, which is that part's length). A thread's stack
 * (8 MiB) often lands at such an address too, in the holes the arenas'
 * alignment leaves; taken for a heap, it was no root, and the blocks held
 * only by a thread that did not stop were found lost. Its lowest words
 * are unused stack, not such a header.
 */
static int glibc_heap(const struct mapping *m)
{
	uint64_t h[4];

	if ((m->lo & ((64ul << 20) - 1)) || m->hi - m->lo > (64ul << 20) ||
	    !(m->flags & M_R) || scan_read(m->lo, h, sizeof(h)) != sizeof(h))
		return 0;
	return h[0] && h[2] && h[2] <= h[3] && h[3] == m->hi - m->lo;
}

/* The end of the shim's image (its .bss), page-aligned up. */
extern char _end[] __attribute__((visibility("hidden")));

static int add_mapping(const struct mapping *m)
{
	if (area_need(&maps_mem, (nmaps + 1) * sizeof(*maps)))
		return -1;
	maps = maps_mem.p;
	maps[nmaps++] = *m;
	return 0;
}

/* maps_text[0..len): the mappings, in maps[0..nmaps). */
static int parse_maps(size_t len)
{
	nmaps = 0;
	const char *s = maps_text.p, *end = s + len;
	int after_libc = 0, after_self = 0;
	const char *self_path = NULL;
	size_t self_len = 0;
	uintptr_t prev_hi = 0;
	uintptr_t me = (uintptr_t)&parse_maps;
	uintptr_t self_end = ((uintptr_t)_end + 4095) & ~(uintptr_t)4095;
	int main_gone = perfshim_main_thread_gone();

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		struct mapping m = { 0 };

		if (!eol)
			eol = end;
		m.lo = hex(&s);
		s++;
		m.hi = hex(&s);
		s++;
		if (s + 4 <= eol) {
			m.flags |= s[0] == 'r' ? M_R : 0;
			m.flags |= s[1] == 'w' ? M_W : 0;
			m.flags |= s[2] == 'x' ? M_X : 0;
		}
		/* offset, device, inode, then the path if any */
		for (int field = 0; field < 4 && s < eol; field++) {
			while (s < eol && *s != ' ')
				s++;
			while (s < eol && *s == ' ')
				s++;
		}
		const char *path = s;
		size_t plen = (size_t)(eol - s);
		int this_libc = 0;

		if (plen && path[0] == '/') {
			const char *base = memrchr(path, '/', plen) + 1;
			size_t blen = (size_t)(eol - base);

			m.flags |= M_FILE;
			if (blen >= 7 && !memcmp(base, "libc.so", 7))
				this_libc = 1;
		} else if (plen == 6 && !memcmp(path, "[heap]", 6)) {
			m.flags |= M_HEAP;
		} else if (plen && path[0] == '[' &&
			   (!(plen == 7 && !memcmp(path, "[stack]", 7)) ||
			    main_gone)) {
			/* [vvar], [vdso], [vsyscall]; the main thread's stack
			 * once it has ended: dead frames, no roots */
			m.flags |= M_SKIP;
		}
		/* libc's .bss follows its file mapping, anonymous */
		if (this_libc || (after_libc && !plen))
			m.flags |= M_LIBC;
		after_libc = this_libc;
		/* The shim's own data and .bss: no roots (its tables hold the
		 * addresses of every block). */
		if (me >= m.lo && me < m.hi && plen) {
			self_path = path;
			self_len = plen;
		}
		int this_self = self_path && plen == self_len &&
				!memcmp(path, self_path, plen);

		if (this_self)
			m.flags |= M_SKIP;
		/* Our .bss, anonymous, right after our file: only up to the
		 * image's end. The kernel merges what is mapped next to it
		 * (the loader's allocations: the main thread's static TLS):
		 * that part is the program's, a root. */
		if (after_self && !plen && m.lo == prev_hi && m.lo < self_end) {
			struct mapping bss = m;

			bss.flags |= M_SKIP;
			bss.hi = m.hi < self_end ? m.hi : self_end;
			m.lo = bss.hi;
			if (add_mapping(&bss))
				return -1;
		}
		after_self = this_self;
		prev_hi = m.hi;
		if (!plen && glibc_heap(&m))
			m.flags |= M_HEAP;
		if (m.lo < m.hi && add_mapping(&m))
			return -1;
		s = eol + 1;
	}
	return 0;
}

/* The program holds every number its RLIMIT_NOFILE allows (it exits with
 * all of them open): the map is read by a copy of the process. */
static int read_maps_apart(void)
{
	for (size_t cap = 256 << 10; cap <= (256u << 20); cap *= 2) {
		if (area_need(&maps_text, cap))
			return -1;
		ssize_t got =
			perfshim_proc_read_apart("maps", maps_text.p, cap);

		if (got < 0)
			return got == -ENOENT || got == -EACCES ? -2 : -1;
		if ((size_t)got < cap)
			return parse_maps((size_t)got);
	}
	return -1;
}

/* 0; -2 when there is no /proc/self/maps to read (not there, or not
 * for us: a chroot); -1 otherwise (no descriptor left, no memory). */
static int read_maps(void)
{
	int fd = perfshim_proc_open("maps", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t got;

	if (fd < 0 && errno == EMFILE)
		return read_maps_apart();
	if (fd < 0)
		return errno == ENOENT || errno == EACCES ? -2 : -1;
	for (;;) {
		if (area_need(&maps_text, len + 65536)) {
			close(fd);
			return -1;
		}
		got = read(fd, (char *)maps_text.p + len, 65536);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	return parse_maps(len);
}

static struct mapping *mapping_of(uintptr_t a)
{
	size_t lo = 0, hi = nmaps;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (a < maps[mid].lo)
			hi = mid;
		else if (a >= maps[mid].hi)
			lo = mid + 1;
		else
			return &maps[mid];
	}
	return NULL;
}

/* Ranges never scanned as roots: the shim's own memory. */
struct range {
	uintptr_t lo, hi;
};

/* What the scan allocates itself, plus every region of mem.c's registry. */
#define MAX_EXCLUDE (64 + 16384)
static struct range exclude[MAX_EXCLUDE];
static size_t nexclude;

static void exclude_add(const void *p, size_t n)
{
	uintptr_t lo = (uintptr_t)p & ~4095ul;
	uintptr_t hi = ((uintptr_t)p + n + 4095) & ~4095ul;

	if (p && n && nexclude < MAX_EXCLUDE)
		exclude[nexclude++] = (struct range){ lo, hi };
}

static void exclude_region(uintptr_t lo, uintptr_t hi)
{
	exclude_add((const void *)lo, hi - lo);
}

/* --- blocks ------------------------------------------------------------------- */

struct block {
	uint64_t start, size;
	uint32_t state;
	uint32_t clique;
	/* inside one readable mapping: may be read directly (a block whose
	 * free the index missed may be gone) */
	int mapped;
	/* a thread's stack: what lies below its sp is dead, no content */
	uint64_t live_from;
};

static struct area blocks_mem, stack_mem, out_mem, starts_mem, find_mem;
static struct block *blocks;
static size_t nblocks;
/* The blocks' starts again, side by side, and the index over them; no
 * index (no memory for it): find_block() searches blocks itself. */
static struct blockfind finder;
static int have_finder;
static uint32_t *mark;
static size_t nmark;
static int careful; /* some thread runs on: read heap blocks safely */
static int partial;

_Static_assert(sizeof(struct block) <= PERFSHIM_HSORT_MAX,
	       "blocks are sorted in place");

static int block_less(const void *a, const void *b)
{
	return ((const struct block *)a)->start <
	       ((const struct block *)b)->start;
}

/* [lowest, lowest + span] holds every block (ends included). */
static uint64_t lowest, span;

static void set_span(void)
{
	uint64_t hi = 0;

	lowest = nblocks ? blocks[0].start : 1;
	for (size_t i = 0; i < nblocks; i++)
		if (blocks[i].start + blocks[i].size > hi)
			hi = blocks[i].start + blocks[i].size;
	span = nblocks ? hi - lowest : 0;
	if (!nblocks)
		lowest = UINT64_MAX; /* nothing matches */
}

static void index_blocks(void)
{
	uint64_t *lo, *end;

	have_finder = 0;
	if (area_need(&starts_mem, 2 * (nblocks + 1) * sizeof(*lo)))
		return;
	lo = starts_mem.p;
	end = lo + nblocks + 1;
	for (size_t i = 0; i < nblocks; i++) {
		const struct block *b = &blocks[i];
		/* find_block() takes p == start for a block of size 0 */
		uint64_t e = b->start + (b->size ? b->size : 1);

		lo[i] = b->start;
		end[i] = e < b->start ? UINT64_MAX : e;
	}
	if (area_need(&find_mem, perfshim_blockfind_size(lo, nblocks) + 8))
		return;
	perfshim_blockfind_build(&finder, lo, end, nblocks, find_mem.p);
	have_finder = 1;
}

/*
 * The blocks by address: by radix through a copy, which the heapsort
 * of a million blocks took 20% of a program's run that ended holding
 * them (its sifts miss the cache at each step); by heapsort without the
 * memory for the copy (mapped, so a signal handler may ask too).
 */
static void sort_blocks(void)
{
	size_t bytes = nblocks * sizeof(*blocks);
	struct block *tmp = nblocks > 64 ? perfshim_map(bytes) : NULL;

	if (tmp) {
		perfshim_rsort(blocks, tmp, nblocks, sizeof(*blocks),
			       offsetof(struct block, start));
		perfshim_unmap(tmp, bytes);
	} else {
		perfshim_hsort(blocks, nblocks, sizeof(*blocks), block_less);
	}
}

static size_t blocks_cap;

static void add_block(uint64_t addr, uint64_t size)
{
	if (nblocks < blocks_cap)
		blocks[nblocks++] =
			(struct block){ .start = addr, .size = size };
}

/* The blocks live now, at most bound of them (perfshim_live_gather). */
static int collect_blocks(size_t bound)
{
	nblocks = 0;
	if (area_need(&blocks_mem, (bound + 1) * sizeof(*blocks)) ||
	    area_need(&stack_mem, (2 * bound + 1) * sizeof(*mark))) {
		perfshim_live_each(NULL);
		return -1;
	}
	blocks = blocks_mem.p;
	mark = stack_mem.p;
	blocks_cap = bound + 1;
	perfshim_live_each(add_block);
	sort_blocks();
	set_span();
	index_blocks();
	return 0;
}

/* Whether p may point into a block at all: the check the scan's loops
 * make of every word before a call (most words are no pointer). */
static inline int may_point(uint64_t p)
{
	return p >= 4096 && p - lowest <= span;
}

/* The block p points into, or -1. */
static ssize_t find_block(uint64_t p)
{
	size_t lo = 0, hi = nblocks;

	if (p - lowest > span)
		return -1;
	if (have_finder) {
		long i = perfshim_blockfind_last(&finder, p);

		if (i < 0)
			return -1;
		lo = (size_t)i;
	} else {
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;

			if (blocks[mid].start <= p)
				lo = mid;
			else
				hi = mid;
		}
	}
	const struct block *b = &blocks[lo];

	if (p == b->start || p - b->start < b->size)
		return (ssize_t)lo;
	return -1;
}

HIDDEN size_t perfshim_safe_read(uintptr_t a, void *buf, size_t n)
{
	struct iovec l = { buf, n }, r = { (void *)a, n };
	int e = errno;
	/* By this thread's id: once main() has called pthread_exit(), the
	 * process id names a thread with no memory, and every read failed
	 * (ESRCH), so that the exit scan found every block unreachable. */
	ssize_t got = process_vm_readv(gettid(), &l, 1, &r, 1, 0);

	if (got < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* no process_vm_readv here (seccomp): read as the caller
		 * would have */
		memcpy(buf, (const void *)a, n);
		got = (ssize_t)n;
	}
	errno = e;
	return got < 0 ? 0 : (size_t)got;
}

/*
 * memcheck's test: v points into a readable file mapping, at a table
 * whose first non-null words (of at most 20) are two pointers into
 * executable file mappings.
 */
static int looks_vtable(uint64_t v)
{
	const struct mapping *m = mapping_of((uintptr_t)v);
	uint64_t w[20];
	size_t n = sizeof(w), got, fns = 0;

	if ((v & 7) || v < 4096 || !m ||
	    (m->flags & (M_R | M_FILE)) != (M_R | M_FILE))
		return 0;
	if (m->hi - v < n)
		n = (m->hi - v) & ~7ul;
	got = scan_read((uintptr_t)v, w, n) / 8;
	for (size_t i = 0; i < got; i++) {
		const struct mapping *f;

		if (!w[i])
			continue;
		f = mapping_of((uintptr_t)w[i]);
		if (!f || (f->flags & (M_FILE | M_X)) != (M_FILE | M_X))
			return 0;
		if (++fns == 2)
			return 1;
	}
	return 0;
}

static int word_at(const struct block *b, uint64_t a, uint64_t *v)
{
	if (careful || !b->mapped) {
		unmapped_block = !b->mapped;
		int r = scan_read((uintptr_t)a, v, 8) == 8 ? 0 : -1;

		unmapped_block = 0;
		return r;
	}
	memcpy(v, (const void *)(uintptr_t)a, 8);
	return 0;
}

/*
 * memcheck's heuristics (all on by default since valgrind 3.11): interior
 * pointers that C++ makes on purpose count as start pointers.
 */
static int heuristic(uint64_t p, const struct block *b)
{
	uint64_t w0, w1;

	if (b->size < 8 || word_at(b, b->start, &w0))
		return 0;
	/* std::string of the old (copy-on-write) ABI: length, capacity and
	 * a reference count, then the characters */
	if (p == b->start + 24 && b->size > 24 &&
	    !word_at(b, b->start + 8, &w1) && w1 + 24 + 1 == b->size &&
	    w0 <= w1)
		return 1;
	/* new[] of objects with destructors: a count, then the array */
	if (p == b->start + 8 && w0 && (b->size - 8) % w0 == 0)
		return 1;
	/* length64: a 64-bit length, then the data */
	if (p == b->start + 8 && w0 && w0 == b->size - 8)
		return 1;
	/* multiple inheritance: a vtable pointer both at the start and
	 * where p points */
	if (p + 8 <= b->start + b->size && !word_at(b, p, &w1) &&
	    looks_vtable(w1) && looks_vtable(w0))
		return 1;
	return 0;
}

static void push(uint32_t i)
{
	mark[nmark++] = i;
}

static void reach(uint64_t p, int prior_definite)
{
	ssize_t i = find_block(p);

	if (i < 0)
		return;
	struct block *b = &blocks[i];

	if (b->state == REACHABLE)
		return;
	int start = p == b->start || heuristic(p, b);

	if (start && prior_definite) {
		b->state = REACHABLE;
		push((uint32_t)i);
	} else if (b->state == UNREACHED) {
		b->state = POSSIBLE;
		push((uint32_t)i);
	}
}

static void reach_clique(uint64_t p, uint32_t clique)
{
	ssize_t i = find_block(p);

	if (i < 0 || (uint32_t)i == clique)
		return;
	struct block *b = &blocks[i];

	if (b->state == UNREACHED) {
		b->state = INDIRECT;
		b->clique = clique;
		push((uint32_t)i);
	}
}

static uint64_t words[4096];

/* Every aligned word of [lo, hi), read safely: parts not there are skipped. */
static void scan_range(uintptr_t lo, uintptr_t hi, int libc, int clique_mode,
		       uint32_t clique, int prior_definite)
{
	lo = (lo + 7) & ~7ul;
	while (lo + 8 <= hi) {
		size_t want = hi - lo < sizeof(words) ? (hi - lo) & ~7ul
						      : sizeof(words);
		size_t got = scan_read(lo, words, want);

		if (got < 8) {
			/* a hole: on to the next page */
			lo = (lo + 4096) & ~4095ul;
			continue;
		}
		for (size_t k = 0; k < got / 8; k++) {
			uint64_t p = words[k];
			ssize_t i;

			if (!may_point(p))
				continue;
			if (clique_mode)
				reach_clique(p, clique);
			else if (!libc)
				reach(p, prior_definite);
			else if ((i = find_block(p)) >= 0 &&
				 blocks[i].start == p)
				reach(p, 1);
		}
		lo += got & ~7ul;
	}
}

static void scan_resident_runs(uintptr_t lo, uintptr_t hi, int libc,
			       int clique_mode, uint32_t clique,
			       int prior_definite);

/* A block this large is read by its resident pages only (without swap). */
#define LARGE_BLOCK ((uint64_t)1 << 20)

static void scan_block_words(const struct block *b, int clique_mode,
			     uint32_t clique, int prior_definite)
{
	uint64_t from =
		b->live_from > b->start ? (b->live_from + 7) & ~7ull : b->start;
	uint64_t end = b->start + b->size;

	if (end - from > LARGE_BLOCK || careful || !b->mapped ||
	    end - from > sizeof(words)) {
		unmapped_block = !b->mapped;
		if (end - from > LARGE_BLOCK)
			scan_resident_runs(from, end, 0, clique_mode, clique,
					   prior_definite);
		else
			scan_range(from, end, 0, clique_mode, clique,
				   prior_definite);
		unmapped_block = 0;
		return;
	}
	const uint64_t *w = (const uint64_t *)(uintptr_t)from;

	for (size_t k = 0; k < (end - from) / 8; k++) {
		uint64_t p;

		memcpy(&p, w + k, 8);
		if (!may_point(p))
			continue;
		if (clique_mode)
			reach_clique(p, clique);
		else
			reach(p, prior_definite);
	}
}

static void drain_marks(int clique_mode, uint32_t clique)
{
	while (nmark) {
		const struct block *b = &blocks[mark[--nmark]];

		scan_block_words(b, clique_mode, clique, b->state != POSSIBLE);
	}
}

/*
 * Pages never touched read as zeros: with no swap, the pages mincore()
 * says are not resident hold no pointer, and large reservations (the
 * program's or the runtime's, or a block of terabytes malloc got from an
 * overcommitting kernel) cost nothing to skip, but for mincore's answer:
 * one byte a page, RESIDENT_PAGES of them a call.
 */
static int have_swap;

#define RESIDENT_PAGES 65536
static unsigned char resident_vec[RESIDENT_PAGES];

/* The first resident page of vec[i..n), or n. */
static size_t next_resident(size_t i, size_t n)
{
	while (i < n && !(resident_vec[i] & 1)) {
		uint64_t w;

		if ((i & 7) == 0 && i + 8 <= n) {
			memcpy(&w, resident_vec + i, 8);
			if (!(w & 0x0101010101010101ull)) {
				i += 8;
				continue;
			}
		}
		i++;
	}
	return i;
}

static void scan_resident_runs(uintptr_t lo, uintptr_t hi, int libc,
			       int clique_mode, uint32_t clique,
			       int prior_definite)
{
	uintptr_t page = lo & ~4095ul;

	if (have_swap) {
		scan_range(lo, hi, libc, clique_mode, clique, prior_definite);
		return;
	}
	while (page < hi) {
		size_t n = (hi - page + 4095) / 4096;

		if (n > RESIDENT_PAGES)
			n = RESIDENT_PAGES;
		uintptr_t end = page + n * 4096;

		if (mincore((void *)page, n * 4096, resident_vec)) {
			/* a hole in it: these pages read one by one */
			scan_range(page > lo ? page : lo, end < hi ? end : hi,
				   libc, clique_mode, clique, prior_definite);
			page = end;
			continue;
		}
		for (size_t i = next_resident(0, n); i < n;) {
			size_t j = i;

			while (j < n && (resident_vec[j] & 1))
				j++;
			uintptr_t a = page + i * 4096, b = page + j * 4096;

			scan_range(a > lo ? a : lo, b < hi ? b : hi, libc,
				   clique_mode, clique, prior_definite);
			i = next_resident(j, n);
		}
		page = end;
	}
}

static void scan_resident(uintptr_t lo, uintptr_t hi, int libc)
{
	scan_resident_runs(lo, hi, libc, 0, 0, 1);
}

static int swap_configured(void)
{
	char buf[256];
	int fd = open("/proc/swaps", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 1; /* cannot tell: be safe */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 1;
	buf[n] = 0;
	/* a header line, then one line per swap area */
	char *nl = strchr(buf, '\n');

	return nl && nl[1] != 0;
}

/* Is [lo, hi) one of ours? Then cut it out of the root range. */
static void scan_root(uintptr_t lo, uintptr_t hi, int libc)
{
	for (size_t i = 0; i < nexclude; i++) {
		const struct range *r = &exclude[i];

		if (r->hi <= lo || r->lo >= hi)
			continue;
		if (r->lo > lo)
			scan_root(lo, r->lo, libc);
		if (r->hi < hi)
			scan_root(r->hi, hi, libc);
		return;
	}
	scan_resident(lo, hi, libc);
	drain_marks(0, 0);
}

/*
 * The stack of a thread that has ended, which glibc keeps for reuse: no
 * root, neither its dead frames nor its static TLS (memcheck does not
 * scan them either; the thread and its __thread variables are gone).
 * glibc puts the thread descriptor, whose first and third words point at
 * itself, at the top of the mapping.
 */
static int dead_thread_stack(const struct mapping *m)
{
	uint64_t top[3 * 4096 / 8];
	uintptr_t lo = m->hi - sizeof(top);

	if (m->flags & M_FILE || m->hi - m->lo < 4 * sizeof(top) ||
	    scan_read(lo, top, sizeof(top)) != sizeof(top))
		return 0;
	for (size_t k = 0; k + 2 < sizeof(top) / 8; k += 8) {
		uintptr_t a = lo + 8 * k;

		if (top[k] == a && top[k + 2] == a)
			return 1;
	}
	return 0;
}

/*
 * The descriptor of a thread that has ended but may still be joined is a
 * root: glibc keeps there what the thread returned, for pthread_join
 * (memcheck finds it there too). Such descriptors are on glibc's list of
 * stacks in use (those of joined or detached threads are on its cache
 * list, no roots), a list in the loader's _rtld_global; glibc exports its
 * place and the descriptor's layout for libthread_db.
 */
static struct {
	uintptr_t used; /* the list's head, 0: unknown */
	uint32_t list_off, tid_off, size;
} glibc_threads;

HIDDEN void perfshim_scan_init(void)
{
	const uint32_t *used, *list, *tid, *size;
	const char *rtld;

	rtld = dlsym(RTLD_DEFAULT, "_rtld_global");
	used = dlsym(RTLD_DEFAULT, "_thread_db_rtld_global__dl_stack_used");
	list = dlsym(RTLD_DEFAULT, "_thread_db_pthread_list");
	tid = dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid");
	size = dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread");
	/* a field is { bits, count, offset } */
	if (!rtld || !used || !list || !tid || !size || tid[0] != 32)
		return;
	glibc_threads.used = (uintptr_t)rtld + used[2];
	glibc_threads.list_off = list[2];
	glibc_threads.tid_off = tid[2];
	glibc_threads.size = size[0];
}

static void scan_ended_joinable(void)
{
	uintptr_t head = glibc_threads.used;
	uint64_t next;

	if (!head || scan_read(head, &next, 8) != 8)
		return;
	/* (bounded: a thread may have been stopped changing the list) */
	for (int n = 0; next != head && n < 1000000; n++) {
		uintptr_t pd = (uintptr_t)next - glibc_threads.list_off;
		int32_t tid;

		if (scan_read(pd + glibc_threads.tid_off, &tid, 4) != 4)
			return;
		/* the kernel clears it when the thread ends */
		if (!tid)
			scan_root(pd, pd + glibc_threads.size, 0);
		if (scan_read((uintptr_t)next, &next, 8) != 8)
			return;
	}
}

/* --- the record --------------------------------------------------------------- */

static int emit(uint64_t ts, uint64_t flags, size_t stopped, size_t missed)
{
	size_t at = 0;

	do {
		size_t n = nblocks - at < VERDICTS_PER_RECORD
				   ? nblocks - at
				   : VERDICTS_PER_RECORD;

		if (area_need(&out_mem, 64 + n * (2 * PERFSHIM_VARINT_MAX + 1)))
			return -1;
		struct enc e = { out_mem.p, 0, out_mem.cap };
		uint64_t prev = 0;

		enc_u(&e, ts);
		enc_u(&e, flags);
		enc_u(&e, stopped);
		enc_u(&e, missed);
		enc_u(&e, n);
		for (size_t i = at; i < at + n; i++) {
			enc_u(&e, blocks[i].start - prev);
			prev = blocks[i].start;
			enc_u(&e, blocks[i].size);
			enc_u(&e, blocks[i].state == UNREACHED
					  ? PERFSHIM_SCAN_DEFINITE
				  : blocks[i].state == INDIRECT
					  ? PERFSHIM_SCAN_INDIRECT
				  : blocks[i].state == POSSIBLE
					  ? PERFSHIM_SCAN_POSSIBLE
					  : PERFSHIM_SCAN_REACHABLE);
		}
		perfshim_meta(PERFSHIM_REC_SCAN, out_mem.p, e.len);
		at += n;
	} while (at < nblocks);
	return 0;
}

/*
 * The definite block indirect block i is lost through. A head that a later
 * head's search reached became indirect itself, so links lead on, always
 * to a head searched later (no cycle), and end at one still unreached;
 * they are shortened on the way.
 */
static uint32_t head_of(uint32_t i)
{
	uint32_t r = blocks[i].clique;

	while (blocks[r].state == INDIRECT)
		r = blocks[r].clique;
	while (i != r) {
		uint32_t next = blocks[i].clique;

		blocks[i].clique = r;
		i = next;
	}
	return r;
}

/* For each indirect block, its definite head: what a suppression of that
 * leak takes with it (SCAN_HEADS). */
static int emit_heads(uint64_t ts)
{
	size_t at = 0;

	for (;;) {
		size_t stop = at, n = 0;

		/* the next record's blocks: up to VERDICTS_PER_RECORD of them */
		for (; stop < nblocks && n < VERDICTS_PER_RECORD; stop++)
			n += blocks[stop].state == INDIRECT;
		if (n == 0)
			return 0;
		if (area_need(&out_mem, 32 + n * 2 * PERFSHIM_VARINT_MAX))
			return -1;
		struct enc e = { out_mem.p, 0, out_mem.cap };
		uint64_t prev = 0;

		enc_u(&e, ts);
		enc_u(&e, n);
		for (; at < stop; at++) {
			if (blocks[at].state != INDIRECT)
				continue;
			enc_u(&e, blocks[at].start - prev);
			prev = blocks[at].start;
			enc_u(&e, blocks[head_of((uint32_t)at)].start);
		}
		perfshim_meta(PERFSHIM_REC_SCAN_HEADS, out_mem.p, e.len);
	}
}

/* --- the scan ------------------------------------------------------------------ */

struct self_regs {
	uint64_t r[6]; /* rbx, rbp, r12..r15 at the entry point */
};

enum scan_mode { FROM_API, AT_EXIT, IN_SIGNAL };

/* What is not a root: the shim's own memory. */
static void exclude_own(void)
{
	nexclude = 0;
	exclude_add(perfshim_live.e,
		    perfshim_live.cap * sizeof(*perfshim_live.e));
	exclude_add(blocks_mem.p, blocks_mem.cap);
	exclude_add(stack_mem.p, stack_mem.cap);
	exclude_add(maps_text.p, maps_text.cap);
	exclude_add(maps_mem.p, maps_mem.cap);
	exclude_add(out_mem.p, out_mem.cap);
	exclude_add(starts_mem.p, starts_mem.cap);
	exclude_add(find_mem.p, find_mem.cap);
	perfshim_own_regions(exclude_region);
	for (struct thread_state *t = perfshim_threads(); t; t = t->next) {
		exclude_add(t, sizeof(*t));
		exclude_add(t->ring.buf, t->ring.size);
		exclude_add(t->altstack, ALTSTACK_SIZE);
	}
	struct mapping *wm = mapping_of(perfshim_writer_stack);

	if (perfshim_writer_stack && wm)
		wm->flags |= M_SKIP;
}

/*
 * The mapping glibc made for block b alone, [*lo, *hi), if b is such a
 * chunk inside m: its size field says IS_MMAPPED, and the chunk with its
 * leading pad (prev_size, after memalign) is whole pages, as glibc's
 * munmap_chunk checks. The kernel merges such a mapping with the
 * program's own anonymous mappings next to it.
 */
static int mapped_chunk(const struct block *b, const struct mapping *m,
			uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t chunk = (uintptr_t)b->start - 16;

	if (!b->mapped || chunk < m->lo || chunk + 16 > m->hi)
		return 0;
	const uint64_t *h = (const uint64_t *)chunk;
	uint64_t pad = h[0], size = h[1];

	if ((size & 7) != 2 || pad > chunk - m->lo)
		return 0;
	*lo = chunk - (uintptr_t)pad;
	*hi = chunk + (uintptr_t)(size & ~7ull);
	return !((*lo | *hi) & 4095) && *hi <= m->hi && *hi > chunk &&
	       b->start + b->size <= *hi;
}

/*
 * Mapping i holds live blocks from index j on: malloc's (M_HEAP), or,
 * when each of them is a chunk glibc mapped for it alone, M_CHUNKS: the
 * program's part around them is a root (scan_chunk_gaps).
 */
static void mark_mapping(size_t i, size_t j)
{
	struct mapping *m = &maps[i];
	uintptr_t lo, hi;

	m->flags |= M_CHUNKS;
	m->first_block = j;
	for (; j < nblocks && blocks[j].start < m->hi; j++)
		if (!mapped_chunk(&blocks[j], m, &lo, &hi)) {
			m->flags = (m->flags & ~M_CHUNKS) | M_HEAP;
			return;
		}
}

/* Which blocks may be read directly; which mappings are malloc's. */
static void mark_heap(void)
{
	for (size_t i = 0; i < nblocks; i++) {
		const struct mapping *m = mapping_of(blocks[i].start);

		blocks[i].mapped = m && (m->flags & M_R) &&
				   blocks[i].start + blocks[i].size <= m->hi;
	}
	/* Mappings that hold live blocks are malloc's, not roots. */
	for (size_t i = 0, j = 0; i < nmaps; i++) {
		while (j < nblocks && blocks[j].start < maps[i].lo)
			j++;
		if (j < nblocks && blocks[j].start < maps[i].hi &&
		    !(maps[i].flags & M_HEAP))
			mark_mapping(i, j);
	}
}

/* A root: an M_CHUNKS mapping but for the chunks glibc mapped in it. */
static void scan_chunk_gaps(const struct mapping *m, int libc)
{
	uintptr_t from = m->lo, lo, hi;

	for (size_t j = m->first_block; j < nblocks && blocks[j].start < m->hi;
	     j++) {
		if (!mapped_chunk(&blocks[j], m, &lo, &hi))
			continue; /* (checked when marked: cannot happen) */
		if (lo > from)
			scan_root(from, lo, libc);
		if (hi > from)
			from = hi;
	}
	if (from < m->hi)
		scan_root(from, m->hi, libc);
}

/*
 * The live part of a thread's stack, from sp up: to the end of the live
 * block sp is in, when the program gave the thread memory it allocated
 * (pthread_attr_setstack, makecontext), else to the end of the mapping
 * (scanned once, from the lowest sp in it: see scan_stack_mappings).
 * Nothing below sp is a root, not even the red zone: what is there is
 * dead frames (the allocator's and the shim's own hold the addresses it
 * just handled), as LeakSanitizer holds too.
 */
static void scan_stack(uintptr_t sp)
{
	ssize_t i = find_block(sp);
	struct mapping *m;

	if (i >= 0) {
		struct block *b = &blocks[i];

		/* when the block is reached, its dead part is no content */
		if (!b->live_from || sp < b->live_from)
			b->live_from = sp;
		scan_root(sp, b->start + b->size, 0);
		return;
	}
	m = mapping_of(sp);
	if (m && (!m->stack_from || sp < m->stack_from))
		m->stack_from = sp;
}

/*
 * A thread's live frames from sp, when sp may be on the thread's
 * alternate stack: ours, which exclude_own leaves out as a whole. A
 * handler runs there (a sample, a handler of the program's, our fatal
 * signal's): the part in use holds the signal frames, with the
 * registers of the code they interrupted, and is a root. That code's
 * frames are on the thread's stack, from outer_sp when a sample says
 * where, else from the bottom of the stack (more than is live: no
 * block is found lost for a dead frame's pointer, at worst one is kept).
 */
static void scan_thread_stack(const struct thread_state *t, uintptr_t sp)
{
	uintptr_t outer;
	const struct mapping *m;

	if (!perfshim_on_altstack(t, sp)) {
		scan_stack(sp);
		return;
	}
	scan_resident(sp, (uintptr_t)t->altstack + ALTSTACK_SIZE, 0);
	drain_marks(0, 0);
	outer = atomic_load(&t->outer_sp);
	if (outer) {
		scan_stack(outer);
		return;
	}
	m = t->stack_hi ? mapping_of(t->stack_hi - 1) : NULL;
	if (m)
		scan_stack(m->lo);
}

static const struct thread_state *state_of(pid_t tid)
{
	for (const struct thread_state *t = perfshim_threads(); t; t = t->next)
		if (t->tid == tid && !atomic_load(&t->dead))
			return t;
	return NULL;
}

static void scan_stack_mappings(void)
{
	for (size_t i = 0; i < nmaps; i++) {
		struct mapping *m = &maps[i];

		if (!m->stack_from)
			continue;
		scan_root(m->stack_from, m->hi, 0);
		m->flags |= M_STACK;
	}
}

static void reach_root(uintptr_t p)
{
	reach(p, 1);
}

static void reach_words(const uint64_t *w, size_t n)
{
	for (size_t k = 0; k < n; k++)
		reach(w[k], 1);
	drain_marks(0, 0);
}

/*
 * Roots 1: the stacks and registers of the scanning thread (live frames
 * from stack_from, registers regs[0..nregs)) and of every stopped one.
 * Returns how many threads did not stop.
 */
static size_t scan_threads(uintptr_t stack_from, const uint64_t *regs,
			   int nregs, const struct stopped *th, size_t n)
{
	size_t missed = 0;

	scan_thread_stack(perfshim_self, stack_from);
	reach_words(regs, (size_t)nregs);
	for (size_t i = 0; i < n; i++) {
		if (!th[i].tid)
			continue; /* it has ended */
		if (!th[i].have_regs) {
			missed++;
			continue;
		}
		reach_words(th[i].regs, th[i].nwords);
		scan_thread_stack(state_of(th[i].tid), th[i].sp);
	}
	scan_stack_mappings();
	/* what a thread that has not started yet is to take */
	perfshim_pending_args(reach_root);
	drain_marks(0, 0);
	return missed;
}

/*
 * Roots 2: every other writable mapping that is not malloc's heap nor
 * ours: module data and bss, the program's own mmaps, TLS.
 */
static void scan_mappings(size_t missed)
{
	for (size_t i = 0; i < nmaps; i++) {
		const struct mapping *m = &maps[i];

		if ((m->flags & (M_R | M_W)) != (M_R | M_W) ||
		    (m->flags & (M_HEAP | M_SKIP | M_STACK)))
			continue;
		/* (a thread that did not stop may be running on it) */
		if (!missed && dead_thread_stack(m))
			continue;
		if (m->flags & M_CHUNKS)
			scan_chunk_gaps(m, !!(m->flags & M_LIBC));
		else
			scan_root(m->lo, m->hi, !!(m->flags & M_LIBC));
	}
	scan_ended_joinable();
}

/* Lost blocks: the first of each unreached clique is definite, what it
 * reaches indirect. Returns the bytes lost. */
static long classify_lost(void)
{
	long lost = 0;

	for (size_t i = 0; i < nblocks; i++) {
		if (blocks[i].state != UNREACHED)
			continue;
		push((uint32_t)i);
		drain_marks(1, (uint32_t)i);
	}
	for (size_t i = 0; i < nblocks; i++)
		if (blocks[i].state == UNREACHED || blocks[i].state == INDIRECT)
			lost += (long)blocks[i].size;
	return lost;
}

/*
 * The scan proper, for a thread whose live frames start at stack_from
 * and whose registers are regs[0..nregs). Returns the bytes found lost,
 * or -1.
 */
static long scan_off(uintptr_t stack_from, const uint64_t *regs, int nregs,
		     enum scan_mode mode);

/* It reads /proc, waits and writes: no cancellation inside (mask.h). */
static long scan(uintptr_t stack_from, const uint64_t *regs, int nregs,
		 enum scan_mode mode)
{
	int was = perfshim_cancel_off();
	long lost = scan_off(stack_from, regs, nregs, mode);

	perfshim_cancel_back(was);
	return lost;
}

static long scan_off(uintptr_t stack_from, const uint64_t *regs, int nregs,
		     enum scan_mode mode)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	uint64_t flags = mode != FROM_API ? PERFSHIM_SCAN_AT_EXIT : 0;
	struct stopped *th;
	size_t nth, stopped = 0, missed = 0;
	long lost;

	if (!perfshim_live_enabled || !atomic_load(&perfshim_recording))
		return -1;
	/* A vfork child runs on its parent's memory (and thread state): it
	 * must not stop, scan or write anything of the parent's. */
	if (perfshim_self && perfshim_self->tid != self)
		return -1;
	/* In a fatal signal's handler, or at an exit a signal's handler
	 * called while this thread held the pass lock (trylock refuses
	 * then): the writer may be in a pass; wait a little, not forever. */
	if (mode == IN_SIGNAL || perfshim_pass_held()) {
		if (perfshim_pass_trylock(2000))
			return -1;
	} else {
		perfshim_pass_take();
	}
	have_swap = swap_configured();
	nth = perfshim_stop_others(mode != FROM_API, &th);
	for (size_t i = 0; i < nth; i++) {
		stopped += th[i].tid && th[i].have_regs;
		missed += th[i].tid && !th[i].have_regs;
	}
	/* In a signal handler the heap may be broken: read it all safely. */
	careful = missed > 0 || mode == IN_SIGNAL;
	partial = 0;
	/*
	 * A process that has made no allocation has no block to judge: what
	 * it holds is its parent's (a forked child on its way to exec or
	 * _exit), judged in the parent's trace. Its scan is an empty one:
	 * such a child of a parent holding a million blocks scanned them
	 * all at its _exit, 1.3 s. (Nor does it read them into the index.)
	 */
	if (mode != FROM_API && !perfshim_alloc_calls_now()) {
		perfshim_release_others();
		perfshim_pass_give();
		nblocks = 0;
		return emit(perfshim_now(), flags, stopped, missed) ? -1 : 0;
	}
	/* Every event committed so far. */
	size_t bound = perfshim_live_gather(perfshim_threads());
	uint64_t ts = perfshim_now();

	if (perfshim_live.broken || atomic_load(&perfshim_lost_events))
		partial = 1;
	int got_maps = collect_blocks(bound) ? -1 : read_maps();

	if (got_maps) {
		static _Atomic int said;

		perfshim_release_others();
		perfshim_pass_give();
		/* No roots known: no verdicts rather than wrong ones. */
		if (got_maps == -2 && !atomic_exchange(&said, 1))
			perfshim_say(
				"the leak scan cannot read /proc/self/maps "
				"(a chroot, or no /proc mounted?): the "
				"blocks held have no verdict");
		return -1;
	}
	exclude_own();
	/* Not when a thread runs on: it could close the file, and another
	 * take its number. */
	if (!careful)
		mem_fd = perfshim_proc_open("mem", O_RDONLY | O_CLOEXEC);
	mark_heap();
	scan_threads(stack_from, regs, nregs, th, nth);
	scan_mappings(missed);
	lost = classify_lost();
	if (mem_fd >= 0)
		close(mem_fd);
	mem_fd = -1;
	/* A fatal signal ends the process right after: the other threads
	 * stay stopped (at most 10 s), so that the heap the trace ends
	 * with is the one the verdicts are about; unless one of them holds
	 * the lock that writing the trace needs. */
	if (mode != IN_SIGNAL || !perfshim_meta_free())
		perfshim_release_others();
	perfshim_pass_give();
	if (missed)
		flags |= PERFSHIM_SCAN_MISSED_THREADS;
	if (partial)
		flags |= PERFSHIM_SCAN_PARTIAL;
	if (emit(ts, flags, stopped, missed) || emit_heads(ts))
		lost = -1;
	/* The last scan (its records are the writer's now): its arrays
	 * are given back before the writer's last pass needs its own (1M
	 * blocks held: 85 MB less at the peak). */
	if (mode != FROM_API) {
		struct area *done[] = { &blocks_mem, &stack_mem, &out_mem,
					&starts_mem, &find_mem,	 &maps_text,
					&maps_mem };

		for (size_t i = 0; i < sizeof(done) / sizeof(done[0]); i++)
			area_release(done[i]);
		blocks = NULL;
		mark = NULL;
		maps = NULL;
		have_finder = 0;
	}
	return lost;
}

/* The callee-saved registers of our caller, before we touch them. */
#define SAVE_REGS(s)                             \
	__asm__ volatile("mov %%rbx, 0(%0)\n\t"  \
			 "mov %%rbp, 8(%0)\n\t"  \
			 "mov %%r12, 16(%0)\n\t" \
			 "mov %%r13, 24(%0)\n\t" \
			 "mov %%r14, 32(%0)\n\t" \
			 "mov %%r15, 40(%0)\n\t" \
			 :                       \
			 : "r"((s)->r)           \
			 : "memory")

EXPORT __attribute__((noinline)) int perfshim_api_leak_check(void)
{
	struct self_regs regs;

	SAVE_REGS(&regs);
	int e = errno;
	/* Our own frame too: the prologue may have pushed the caller's
	 * registers there before SAVE_REGS ran. */
	uintptr_t from = (uintptr_t)&regs;

	perfshim_guard++;
	long lost = scan(from, regs.r, 6, FROM_API);

	perfshim_guard--;
	errno = e;
	return lost < 0 ? -1 : lost > INT_MAX ? INT_MAX : (int)lost;
}

HIDDEN __thread uintptr_t perfshim_exit_frame;
HIDDEN __thread uint64_t perfshim_exit_regs[PERFSHIM_EXIT_REGS];
HIDDEN __thread int perfshim_exit_nregs;

HIDDEN __attribute__((noinline)) void perfshim_scan_at_exit(void)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0) + 16;
	uintptr_t from = perfshim_exit_frame;

	/*
	 * At exit the registers of this thread are the runtime's: only its
	 * stack (the frames that are still there) counts, from the frame
	 * that called exit() up. The frames below it are exit's machinery
	 * and the shim's own, whose unused slots hold stale copies of
	 * addresses the allocator hooks once handled: no roots.
	 */
	if (!from || from < here)
		from = here;
	/* Where exit() was called: its caller's callee-saved registers. */
	scan(from, perfshim_exit_nregs ? perfshim_exit_regs : NULL,
	     perfshim_exit_nregs, AT_EXIT);
}

HIDDEN void perfshim_scan_at_signal(const void *uctx)
{
	static _Atomic int once;
	const ucontext_t *uc = uctx;
	uint64_t regs[NGREG];

	if (!uc || atomic_exchange(&once, 1))
		return;
	/* Where the signal came in: the interrupted frames and registers. */
	memcpy(regs, uc->uc_mcontext.gregs, sizeof(regs));
	scan((uintptr_t)uc->uc_mcontext.gregs[REG_RSP], regs, NGREG, IN_SIGNAL);
}
