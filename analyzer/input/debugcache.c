/* debugcache.c - plain copies of compressed-DWARF ELF files, by build-id. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <libelf.h>

#include "debugcache.h"
#include "env.h"
#include "error.h"
#include "module.h"

/* Temporary files of a writer that died are removed after this. */
#define STALE_TMP_SECONDS 3600

static char *cache_dir, *symbols_dir, *objects_dir;
static bool cache_resolved;
static uint64_t cache_max = (uint64_t)DEBUGCACHE_MAX_MB << 20;

/* mkdir -p with mode 0700; 0 when dir exists as a directory after it. */
static int make_dirs(char *dir)
{
	struct stat st;

	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	return stat(dir, &st) || !S_ISDIR(st.st_mode) ? -1 : 0;
}

/* The cache's own directory (without its subdirectories), NULL if off. */
static char *cache_base(void)
{
	const char *env = getenv("PERFSHIM_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir = NULL;
	int n = -1;

	cache_max = env_mib("PERFSHIM_CACHE_MAX_MB", DEBUGCACHE_MAX_MB,
			    UINT64_MAX >> 20);
	if (env) {
		if (!*env || !strcmp(env, "off"))
			return NULL;
		n = asprintf(&dir, "%s", env);
	} else if (xdg && xdg[0] == '/') {
		n = asprintf(&dir, "%s/perfshim", xdg);
	} else if (home && home[0] == '/') {
		n = asprintf(&dir, "%s/.cache/perfshim", home);
	}
	return n < 0 ? NULL : dir;
}

/* base/sub, made with its parents; NULL when that fails. */
static char *subdir(const char *base, const char *sub)
{
	char *dir;

	if (asprintf(&dir, "%s/%s", base, sub) < 0)
		return NULL;
	if (make_dirs(dir)) {
		free(dir);
		return NULL;
	}
	return dir;
}

static void resolve_dirs(void)
{
	char *base;

	if (cache_resolved)
		return;
	cache_resolved = true;
	base = cache_base();
	if (!base)
		return;
	cache_dir = subdir(base, "debug");
	symbols_dir = subdir(base, "symbols");
	objects_dir = subdir(base, "objects");
	free(base);
}

const char *debugcache_dir(void)
{
	resolve_dirs();
	return cache_dir;
}

const char *debugcache_symbols_dir(void)
{
	resolve_dirs();
	return symbols_dir;
}

const char *debugcache_objects_dir(void)
{
	resolve_dirs();
	return objects_dir;
}

/* Copy src into fd (a temporary file of debugcache_publish). */
static int fill_from(int fd, void *ctx)
{
	int src = *(const int *)ctx;
	char buf[1 << 16];
	ssize_t n;

	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

void debugcache_keep_object(const char *path, const char *hexid)
{
	const char *dir = debugcache_objects_dir();
	char *dest = NULL;
	struct stat st;
	int src, fd;

	if (!dir || asprintf(&dest, "%s/%s", dir, hexid) < 0)
		return;
	/* there already (the same build: never replaced), or linked: the
	 * link keeps this build's file when the program is rebuilt */
	if (!access(dest, F_OK) || !link(path, dest)) {
		free(dest);
		return;
	}
	/* A copy only of the user's own files (builds: what is rebuilt in
	 * place); the system's libraries are not copied each a first time. */
	src = open(path, O_RDONLY | O_CLOEXEC);
	if (src >= 0 && !fstat(src, &st) && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (uint64_t)st.st_size <= cache_max / 4) {
		fd = debugcache_publish(dir, dest, (uint64_t)st.st_size, 4,
					fill_from, &src);
		if (fd >= 0)
			close(fd);
	}
	if (src >= 0)
		close(src);
	free(dest);
}

/* What a file's section headers say about making a plain copy of it. */
struct inspect {
	bool compressed; /* some section is SHF_COMPRESSED */
	bool info;	 /* .debug_info is */
	bool refuse;	 /* a copy would not stand in for the file */
	uint64_t plain;	 /* bytes of the copy's sections */
	uint64_t first;	 /* file offset of the first compressed section */
};

/*
 * inspect - fill in for e. Refused: .zdebug sections (the old GNU
 * scheme, whose names change when inflated), a .gnu_debugaltlink (its
 * file is found relative to this one's path) and unreadable headers.
 */
static void inspect(Elf *e, struct inspect *in)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	memset(in, 0, sizeof(*in));
	in->first = UINT64_MAX;
	if (elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		in->refuse = true;
		return;
	}
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		GElf_Chdr ch;
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			in->refuse = true;
			return;
		}
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && (!strncmp(name, ".zdebug", 7) ||
			     !strcmp(name, ".gnu_debugaltlink")))
			in->refuse = true;
		if (!(sh.sh_flags & SHF_COMPRESSED)) {
			if (sh.sh_type != SHT_NOBITS)
				in->plain += sh.sh_size;
			continue;
		}
		if (!gelf_getchdr(scn, &ch)) {
			in->refuse = true;
			return;
		}
		in->compressed = true;
		in->plain += ch.ch_size;
		if (sh.sh_offset < in->first)
			in->first = sh.sh_offset;
		if (name && !strcmp(name, ".debug_info"))
			in->info = true;
	}
}

/* The build-id of e as lowercase hex into out; its bytes in *bid. */
static ssize_t build_id_hex(Elf *e, char out[2 * MODULE_MAX_BUILD_ID + 1],
			    const void **bid)
{
	ssize_t len = dwelf_elf_gnu_build_id(e, bid);

	if (len < 4 || len > MODULE_MAX_BUILD_ID)
		return -1;
	module_hex_id(*bid, (size_t)len, out, 2 * MODULE_MAX_BUILD_ID + 1);
	return len;
}

/*
 * open_entry - the cached copy at path, open, when it is an ELF file
 * with the build-id bid and nothing compressed in it; else -1 (and a
 * wrong entry is removed, to be made again).
 */
static int open_entry(const char *path, const void *bid, ssize_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const void *have = NULL;
	struct inspect in;
	bool ok = false;
	Elf *e;

	if (fd < 0)
		return -1;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e) {
		inspect(e, &in);
		ok = !in.refuse && !in.compressed &&
		     dwelf_elf_gnu_build_id(e, &have) == len &&
		     !memcmp(have, bid, (size_t)len);
		elf_end(e);
	}
	if (!ok) {
		close(fd);
		unlink(path);
		return -1;
	}
	futimens(fd, NULL); /* recently used: evicted last */
	return fd;
}

/* One file of the cache directory, for eviction. */
struct entry {
	char *name;
	off_t size;
	time_t mtime;
};

static int entry_older(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

void debugcache_evict(const char *dir, uint64_t incoming, unsigned share)
{
	uint64_t max = cache_max / (share ? share : 1);
	DIR *d = opendir(dir);
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = incoming;
	time_t now = time(NULL);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (strstr(de->d_name, ".tmp")) {
			if (now - st.st_mtime > STALE_TMP_SECONDS)
				unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		XGROW(v, cap, n + 1);
		v[n++] = (struct entry){ xstrdup(de->d_name), st.st_size,
					 st.st_mtime };
		total += (uint64_t)st.st_size;
	}
	if (n)
		qsort(v, n, sizeof(*v), entry_older);
	for (size_t i = 0; i < n; i++) {
		if (total > max && !unlinkat(dirfd(d), v[i].name, 0))
			total -= (uint64_t)v[i].size;
		free(v[i].name);
	}
	free(v);
	closedir(d);
}

static int offset_cmp(const void *a, const void *b)
{
	const GElf_Shdr *x = *(GElf_Shdr *const *)a,
			*y = *(GElf_Shdr *const *)b;

	return x->sh_offset < y->sh_offset ? -1 : x->sh_offset > y->sh_offset;
}

/*
 * relayout - the file offsets of the copy. What lies before the first
 * compressed section keeps its place, so loadable segments still match
 * their sections; that section and all after it are laid end to end,
 * then the section headers. -1 when something loaded lies after it.
 */
static int relayout(GElf_Ehdr *eh, GElf_Shdr *sh, size_t shnum, uint64_t first)
{
	GElf_Shdr **moved = xcalloc(shnum, sizeof(*moved));
	uint64_t at = first;
	size_t n = 0;
	int ret = -1;

	if (eh->e_phnum &&
	    eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize > first)
		goto cleanup;
	for (size_t i = 1; i < shnum; i++) {
		if (sh[i].sh_offset < first)
			continue;
		if (sh[i].sh_type != SHT_NOBITS && (sh[i].sh_flags & SHF_ALLOC))
			goto cleanup;
		moved[n++] = &sh[i];
	}
	qsort(moved, n, sizeof(*moved), offset_cmp);
	for (size_t i = 0; i < n; i++) {
		uint64_t align =
			moved[i]->sh_addralign ? moved[i]->sh_addralign : 1;

		if (moved[i]->sh_type == SHT_NOBITS) {
			moved[i]->sh_offset = at;
			continue;
		}
		at = (at + align - 1) / align * align;
		moved[i]->sh_offset = at;
		at += moved[i]->sh_size;
	}
	if (eh->e_shoff >= first)
		eh->e_shoff = (at + 7) / 8 * 8;
	else if (eh->e_shoff + (uint64_t)shnum * eh->e_shentsize > first)
		goto cleanup;
	ret = 0;
cleanup:
	free(moved);
	return ret;
}

/* copy_sections - give dst src's sections, with the headers in sh. */
static int copy_sections(Elf *src, Elf *dst, GElf_Shdr *sh, size_t shnum)
{
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *s = elf_getscn(src, i), *d = elf_newscn(dst);
		Elf_Data *from, *to;

		if (!s || !d)
			return -1;
		if (sh[i].sh_type != SHT_NOBITS && sh[i].sh_size) {
			from = elf_rawdata(s, NULL);
			to = elf_newdata(d);
			if (!from || !to || from->d_size != sh[i].sh_size)
				return -1;
			to->d_buf = from->d_buf;
			to->d_size = from->d_size;
			to->d_type =
				ELF_T_BYTE; /* as in the file: no conversion */
			to->d_align = 1;
			to->d_version = EV_CURRENT;
		}
		if (!gelf_update_shdr(d, &sh[i]))
			return -1;
	}
	return 0;
}

/*
 * write_copy - write src (an ELF_C_READ_MMAP_PRIVATE handle, whose
 * compressed sections are inflated here) to fd with every section plain.
 */
static int write_copy(Elf *src, const struct inspect *in, int fd)
{
	GElf_Ehdr eh;
	GElf_Shdr *sh = NULL;
	size_t shnum, phnum;
	Elf *dst = NULL;
	int ret = -1;

	if (!gelf_getehdr(src, &eh) || elf_getshdrnum(src, &shnum) ||
	    elf_getphdrnum(src, &phnum) || shnum >= SHN_LORESERVE ||
	    phnum >= PN_XNUM)
		return -1;
	sh = xcalloc(shnum, sizeof(*sh));
	for (size_t i = 1; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(src, i);

		if (!scn || !gelf_getshdr(scn, &sh[i]))
			goto cleanup;
		if ((sh[i].sh_flags & SHF_COMPRESSED) &&
		    (elf_compress(scn, 0, 0) < 0 || !gelf_getshdr(scn, &sh[i])))
			goto cleanup;
	}
	if (relayout(&eh, sh, shnum, in->first))
		goto cleanup;
	dst = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!dst || !gelf_newehdr(dst, gelf_getclass(src)) ||
	    !gelf_update_ehdr(dst, &eh) || (phnum && !gelf_newphdr(dst, phnum)))
		goto cleanup;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(src, (int)i, &ph) ||
		    !gelf_update_phdr(dst, (int)i, &ph))
			goto cleanup;
	}
	if (copy_sections(src, dst, sh, shnum))
		goto cleanup;
	elf_flagelf(dst, ELF_C_SET, ELF_F_LAYOUT);
	if (elf_update(dst, ELF_C_WRITE) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (dst)
		elf_end(dst);
	free(sh);
	return ret;
}

int debugcache_publish(const char *dir, const char *path, uint64_t size,
		       unsigned share, int (*fill)(int fd, void *ctx),
		       void *ctx)
{
	char *tmp = NULL;
	int fd;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -1;
	debugcache_evict(dir, size, share);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (fill(fd, ctx) || fchmod(fd, 0600) || rename(tmp, path)) {
		close(fd);
		unlink(tmp);
		fd = -1;
	}
	free(tmp);
	return fd;
}

struct copy_of {
	Elf *src;
	const struct inspect *in;
};

static int fill_copy(int fd, void *ctx)
{
	const struct copy_of *c = ctx;

	return write_copy(c->src, c->in, fd);
}

/* make_entry - write the copy of src to path; its descriptor, or -1. */
static int make_entry(Elf *src, const struct inspect *in, const char *dir,
		      const char *path)
{
	struct copy_of c = { src, in };

	if (in->plain > cache_max / 2)
		return -1;
	return debugcache_publish(dir, path, in->plain, 1, fill_copy, &c);
}

bool debugcache_swap(int *fd, char **path, const void *id, size_t id_len,
		     bool want_info)
{
	const char *dir = debugcache_dir();
	char hex[2 * MODULE_MAX_BUILD_ID + 1], *entry = NULL;
	const void *bid;
	struct inspect in;
	ssize_t len;
	int nfd = -1;
	Elf *e;

	if (!dir || *fd < 0)
		return false;
	elf_version(EV_CURRENT);
	e = elf_begin(*fd, ELF_C_READ_MMAP_PRIVATE, NULL);
	if (!e)
		return false;
	inspect(e, &in);
	if (in.refuse || !in.compressed || (want_info && !in.info))
		goto cleanup;
	len = build_id_hex(e, hex, &bid);
	if (len < 0 ||
	    (id && (id_len != (size_t)len || memcmp(id, bid, id_len))))
		goto cleanup;
	if (asprintf(&entry, "%s/%s.debug", dir, hex) < 0) {
		entry = NULL;
		goto cleanup;
	}
	nfd = open_entry(entry, bid, len);
	if (nfd < 0)
		nfd = make_entry(e, &in, dir, entry);
cleanup:
	elf_end(e);
	if (nfd < 0) {
		free(entry);
		return false;
	}
	close(*fd);
	*fd = nfd;
	free(*path);
	*path = entry;
	return true;
}
