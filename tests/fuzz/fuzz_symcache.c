/*
 * fuzz_symcache.c - libFuzzer target: any bytes as a symbol cache file
 * (symcache.h), read, added to and written back. Input: a first byte
 * whose low bit says how the rest is taken:
 *   1: the whole file as it is, head included;
 *   0: two little-endian u16 counts (entries, frames), then the bytes
 *      after the head, which the target gives a valid head (the right
 *      magic, version, build-id, sizes and hash), so that what is inside
 *      gets past the checks a damaged file stops at.
 * Besides not crashing, every frame read back must hold a NUL-terminated
 * function and file, and an answer put in must be there after a write.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t id[20] = { 0xf0, 0x22, 0x33 };
static char path[PATH_MAX];

static char top[] = "/tmp/fuzz_symcache.XXXXXX";

/* At exit: the cache directory, with what the symbol cache left in it. */
static void cleanup(void)
{
	static const char *const sub[] = { "symbols", "debug" };
	char dir[PATH_MAX], f[2 * PATH_MAX];
	struct dirent *de;

	for (size_t i = 0; i < 2; i++) {
		DIR *d;

		snprintf(dir, sizeof(dir), "%s/%s", top, sub[i]);
		d = opendir(dir);
		while (d && (de = readdir(d)) != NULL) {
			snprintf(f, sizeof(f), "%s/%s", dir, de->d_name);
			if (de->d_name[0] != '.')
				unlink(f);
		}
		if (d)
			closedir(d);
		rmdir(dir);
	}
	rmdir(top);
}

/* The cache's directory and this build-id's file in it, made once. */
static int setup(void)
{
	int o;

	if (path[0])
		return 0;
	if (!mkdtemp(top))
		return -1;
	atexit(cleanup);
	setenv("PERFSHIM_CACHE_DIR", top, 1);
	o = snprintf(path, sizeof(path), "%s/symbols/", top);
	for (int i = 0; i < 20; i++)
		o += snprintf(path + o, sizeof(path) - (size_t)o, "%02x",
			      id[i]);
	snprintf(path + o, sizeof(path) - (size_t)o, ".sym");
	/* the directory is made on the first open */
	symcache_close(symcache_open(id, sizeof(id), SYMCACHE_DWARF, 0));
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	struct symcache_head h = { .magic = SYMCACHE_MAGIC };
	size_t body, fixed;

	if (!f)
		abort();
	if (size < 5 || (data[0] & 1)) {
		if (size > 1)
			fwrite(data + 1, 1, size - 1, f);
		fclose(f);
		return;
	}
	h.version = SYMCACHE_VERSION;
	h.id_len = sizeof(id);
	memcpy(h.id, id, sizeof(id));
	h.nents = (uint64_t)data[1] | (uint64_t)data[2] << 8;
	h.nframes = (uint64_t)data[3] | (uint64_t)data[4] << 8;
	body = size - 5;
	fixed = h.nents * sizeof(struct symcache_ent) +
		h.nframes * sizeof(struct symcache_frm);
	h.strbytes = body > fixed ? body - fixed : 0;
	h.hash = symcache_hash(data + 5, body);
	fwrite(&h, sizeof(h), 1, f);
	fwrite(data + 5, 1, body, f);
	fclose(f);
}

static void check_frames(const struct symcache_frame *f, int n)
{
	for (int i = 0; i < n; i++)
		if (strlen(f[i].function) > SIZE_MAX / 2 ||
		    strlen(f[i].file) > SIZE_MAX / 2)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symcache_frame f[8], mine = { "fuzz_fn", "fuzz.c", 1, 0 };
	struct symcache *c;
	uint64_t probe = 0x7fffffff00ull;

	if (setup())
		return 0;
	write_input(data, size);
	c = symcache_open(id, sizeof(id), SYMCACHE_DWARF, 0);
	if (!c)
		abort();
	/* every 8-byte window as an address, and a few fixed ones */
	for (size_t i = 0; i + 8 <= size && i < 4096; i += 8) {
		uint64_t off;

		memcpy(&off, data + i, 8);
		check_frames(f, symcache_get(c, off, f, 8));
	}
	check_frames(f, symcache_get(c, 0, f, 8));
	check_frames(f, symcache_get(c, UINT64_MAX, f, 8));
	if (!symcache_get(c, probe, f, 8))
		symcache_put(c, probe, &mine, 1);
	symcache_close(c);
	c = symcache_open(id, sizeof(id), SYMCACHE_DWARF, 0);
	if (symcache_get(c, probe, f, 8) < 1)
		abort(); /* the merged file lost what was put in */
	check_frames(f, 1);
	symcache_close(c);
	return 0;
}
