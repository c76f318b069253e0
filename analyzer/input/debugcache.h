/*
 * debugcache.h - plain copies of ELF files whose DWARF is compressed,
 * kept by build-id between runs of the analyzer.
 *
 * Distributions ship separate debug files with their .debug_* sections
 * zlib-compressed (SHF_COMPRESSED), and libdw inflates every one of them
 * as soon as a file's DWARF is opened, whatever is looked up then: for
 * glibc's (libc6-dbg) 10 MiB, about half of what a --leaks report of a
 * small trace costs. A gate runs the analyzer after each test of a
 * suite, so the first run writes a copy with the sections stored plainly
 * and later runs map that copy, reading only the pages a lookup touches.
 *
 * The cache is the directory $PERFSHIM_CACHE_DIR, else
 * $XDG_CACHE_HOME/perfshim, else $HOME/.cache/perfshim (subdirectory
 * debug/; symcache.h's files are in symbols/ beside it); PERFSHIM_CACHE_DIR
 * set to "" or "off" turns it off. Entries
 * are named by build-id and checked against it before use; the least
 * recently used are removed when the directory would hold more than
 * PERFSHIM_CACHE_MAX_MB mebibytes (DEBUGCACHE_MAX_MB by default), and a
 * copy bigger than half of that is not made.
 * Anything that fails (no build-id, a section libelf cannot inflate, an
 * unwritable directory, a full disk) leaves the original file in use:
 * the cache can make a run faster, never its output different.
 */
#ifndef PERFSHIM_DEBUGCACHE_H
#define PERFSHIM_DEBUGCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEBUGCACHE_MAX_MB 2048

/*
 * debugcache_swap - *fd is open on the ELF file *path (malloc'd). When
 * the file holds compressed sections, and want_info is false or one of
 * them is .debug_info, and id (when not NULL) is its build-id, replace
 * both with the cached plain copy (made now if missing), closing the old
 * descriptor and freeing the old path. Otherwise, or on any failure,
 * leave them as they are. Returns true when the copy is in use.
 */
bool debugcache_swap(int *fd, char **path, const void *id, size_t id_len,
		     bool want_info);

/*
 * debugcache_dir - the directory entries are kept in, NULL when the
 * cache is off or has no home. Resolved from the environment once.
 */
const char *debugcache_dir(void);

/*
 * debugcache_symbols_dir - the directory of symcache.h's files, beside
 * debugcache_dir()'s; NULL when the cache is off or it cannot be made.
 */
const char *debugcache_symbols_dir(void);

/*
 * debugcache_objects_dir - where debugcache_keep_object keeps objects,
 * beside debugcache_dir(); NULL when the cache is off or it cannot be
 * made.
 */
const char *debugcache_objects_dir(void);

/*
 * debugcache_keep_object - keep the object at path (a module the trace
 * saw, whose build-id, in hex, is hexid) in debugcache_objects_dir() as
 * HEXID: a hard link where the file system allows, else a copy of a
 * file the user owns (when it is no bigger than a quarter of
 * PERFSHIM_CACHE_MAX_MB). A program
 * rebuilt in place (gcc writes a new file) then still has its old
 * build's file for the traces of that build: a diff against a baseline
 * names both sides. Nothing when it is kept already, or on any failure.
 */
void debugcache_keep_object(const char *path, const char *hexid);

/*
 * debugcache_evict - make room in dir for incoming bytes: remove its
 * least recently used files while it would hold more than 1/share of
 * PERFSHIM_CACHE_MAX_MB, and the temporary files (".tmp" in the name)
 * of writers that died an hour or more ago.
 */
void debugcache_evict(const char *dir, uint64_t incoming, unsigned share);

/*
 * debugcache_publish - a new file at path in dir, of about size bytes
 * (dir evicted for them at share, as above): fill(fd, ctx) writes it
 * into a temporary file beside path, which is renamed to path only once
 * complete, so that no reader ever opens a half-written one. Returns the
 * file's descriptor (open for reading and writing), or -1 when it could
 * not be written (and nothing is left of it). fill returns 0 on success.
 */
int debugcache_publish(const char *dir, const char *path, uint64_t size,
		       unsigned share, int (*fill)(int fd, void *ctx),
		       void *ctx);

#endif
