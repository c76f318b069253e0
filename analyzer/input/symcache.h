/*
 * symcache.h - the frames of addresses resolved before, kept between runs
 * of the analyzer for each module by its build-id.
 *
 * A gate symbolizes the same program's and libraries' addresses after
 * every test of a suite, and for a small trace that is most of the work:
 * libdw builds the address ranges, line tables and DIE trees of whole
 * units to name a handful of addresses (python3's --leaks: 50 of 75 ms).
 * A build-id names one build of a file, so what its DWARF says of an
 * address never changes: the first run keeps the answers, later runs
 * read them back and open no DWARF for the addresses they already hold.
 *
 * One file per module, SYMBOLS_DIR/BUILDID.sym, in the cache directory of
 * debugcache.h (PERFSHIM_CACHE_DIR; "off" turns both off). It is read
 * whole, checked (its header's build-id and version, every size, a hash
 * of the rest) and used only if it passes; a bad file counts as absent
 * and is replaced by the next run that adds to it. Writers merge with the
 * file as it is when they write and replace it by rename, so a reader
 * never sees half a file and two analyzers at once lose at most what one
 * of them added. The least recently used files go when the directory
 * would pass a sixteenth of PERFSHIM_CACHE_MAX_MB.
 *
 * Addresses are keyed by their ELF address (the traced address less the
 * load bias), so a cached answer holds for every run of that build. The
 * caller decides which answers are worth keeping: symbols.c keeps only
 * those read from a module with DWARF, so a debug file installed later
 * still takes effect, and bumps SYMCACHE_VERSION whenever what it gives
 * for an address changes.
 */
#ifndef PERFSHIM_SYMCACHE_H
#define PERFSHIM_SYMCACHE_H

#include <stddef.h>
#include <stdint.h>

/* What the analyzer gives for an address: raise it when that changes. */
#define SYMCACHE_VERSION 1
/* The longest build-id a cache file holds (bytes). */
#define SYMCACHE_MAX_ID 64
/* The most addresses one module's file holds; later ones are not kept. */
#define SYMCACHE_MAX_ENTRIES (1u << 20)

/*
 * The file: a head, the entries sorted by address, their frames, then
 * the strings (each NUL-terminated, named by their offset), all in host
 * byte order (x86-64 only, as the analyzer).
 */
#define SYMCACHE_MAGIC                             \
	{                                          \
		'P', 'S', 'S', 'Y', 'M', 'C', 0, 1 \
	}

struct symcache_head {
	char magic[8];
	uint32_t version, id_len;
	uint8_t id[SYMCACHE_MAX_ID];
	uint64_t nents, nframes, strbytes;
	uint64_t hash; /* symcache_hash() of every byte after the head */
};

struct symcache_ent {
	uint64_t off;	/* ELF address */
	uint32_t first; /* its first frame */
	uint32_t n;	/* and how many */
};

struct symcache_frm {
	uint32_t function, file; /* string offsets */
	uint32_t line, inlined;
};

/* The hash of a file's n bytes after its head. */
uint64_t symcache_hash(const void *data, size_t n);

struct symcache;

/* One frame of an address, as symbols.h's sym_frame without the module. */
struct symcache_frame {
	const char *function; /* "??" when no symbol names it */
	const char *file;     /* "" when unknown */
	unsigned line;	      /* 0 when unknown */
	int inlined;
};

/*
 * symcache_open - the cache of the module whose build-id is id[0..len),
 * with the answers of its file when it has a valid one. NULL when the
 * cache is off or has no directory, or len is not 2 to SYMCACHE_MAX_ID.
 */
struct symcache *symcache_open(const uint8_t *id, size_t len);

/*
 * symcache_get - the frames kept for the ELF address off, innermost
 * first, up to max of them into out; returns how many, 0 when off is not
 * in c (NULL included). The strings live until symcache_close(c).
 */
int symcache_get(const struct symcache *c, uint64_t off,
		 struct symcache_frame *out, int max);

/*
 * symcache_put - keep the n frames f of off (copied), which symcache_get
 * did not have, for symcache_close to write. Does nothing once c holds
 * SYMCACHE_MAX_ENTRIES addresses, or when n is not 1 to 65535.
 */
void symcache_put(struct symcache *c, uint64_t off,
		  const struct symcache_frame *f, int n);

/*
 * symcache_close - write what symcache_put added, merged with the file
 * as it is now, then free c (NULL: nothing). A failure to write only
 * leaves the file as it was.
 */
void symcache_close(struct symcache *c);

#endif
