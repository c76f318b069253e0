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
 * load bias), so a cached answer holds for every run of that build. But
 * copies of one build differ in what they hold (strip removes DWARF, the
 * symbol table or both), so the answers are also kept by what they were
 * read from: DWARF or the symbol table alone, and how many symbols
 * libdwfl saw (BUILDID-dwarf-N.sym, BUILDID-symtab-N.sym). symbols.c uses
 * those of what the module has where the report runs: a debug file
 * installed later takes effect, and a stripped copy whose debug file is
 * not at hand gets no names from a run that had it. The output is the
 * same with the cache or without. symbols.c bumps SYMCACHE_VERSION
 * whenever what it gives for an address changes.
 */
#ifndef PERFSHIM_SYMCACHE_H
#define PERFSHIM_SYMCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "module.h"

/* What the analyzer gives for an address: raise it when that changes. */
#define SYMCACHE_VERSION 1
/* What the answers were read from: a file's kind. */
enum symcache_kind {
	SYMCACHE_DWARF = 1,  /* DWARF, and the symbol table where it has none */
	SYMCACHE_SYMTAB = 2, /* the symbol table alone */
};
/* The longest build-id a cache file holds (bytes): the caches' one
 * limit (the head's size, asserted in symcache.c, fixes it at 64). */
#define SYMCACHE_MAX_ID MODULE_MAX_BUILD_ID
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
	uint32_t kind, nsyms; /* enum symcache_kind; libdwfl's symbols */
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
 * for answers read from kind with nsyms symbols, with those of its file
 * when it has a valid one. NULL when the cache is off or has no
 * directory, or len is not 2 to SYMCACHE_MAX_ID.
 */
struct symcache *symcache_open(const uint8_t *id, size_t len,
			       enum symcache_kind kind, uint32_t nsyms);

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
