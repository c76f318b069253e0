/* t_symcache.c - unit tests for symcache.c: answers kept by build-id. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "debugcache.h"
#include "symcache.h"
#include "tap.h"

static char top[] = "/tmp/t_symcache.XXXXXX";
static const uint8_t id_a[20] = { 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t id_b[20] = { 0xbb, 1, 2, 3, 4, 5, 6, 7, 8, 9 };

/* The cache file of id (20 bytes), in a static buffer. */
static const char *file_of(const uint8_t *id)
{
	static char path[PATH_MAX];
	int o = snprintf(path, sizeof(path), "%s/symbols/", top);

	for (int i = 0; i < 20; i++)
		o += snprintf(path + o, sizeof(path) - (size_t)o, "%02x",
			      id[i]);
	snprintf(path + o, sizeof(path) - (size_t)o, "-dwarf-7.sym");
	return path;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	fclose(f);
	return buf;
}

static int spill(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int bad = !f || fwrite(buf, 1, len, f) != len;

	if (f && fclose(f))
		bad = 1;
	return bad ? -1 : 0;
}

/* A file of id holding one entry: off 0x10, frames fn@file:7 and "??". */
static void write_one(const uint8_t *id)
{
	struct symcache *c = symcache_open(id, 20, SYMCACHE_DWARF, 7);
	struct symcache_frame f[2] = { { "fn", "file.c", 7, 1 },
				       { "??", "", 0, 0 } };

	symcache_put(c, 0x10, f, 2);
	symcache_close(c);
}

static bool has_one(const uint8_t *id)
{
	struct symcache *c = symcache_open(id, 20, SYMCACHE_DWARF, 7);
	struct symcache_frame f[4];
	int n = symcache_get(c, 0x10, f, 4);
	bool same = n == 2 && !strcmp(f[0].function, "fn") &&
		    !strcmp(f[0].file, "file.c") && f[0].line == 7 &&
		    f[0].inlined && !strcmp(f[1].function, "??") &&
		    !*f[1].file && !f[1].inlined;

	symcache_close(c); /* the strings go with it */
	return same;
}

static void test_round_trip(void)
{
	struct symcache_frame f[4], g[3] = { { "a", "x.c", 1, 1 },
					     { "b", "x.c", 2, 1 },
					     { "a", "y.c", 3, 0 } };
	struct symcache *c = symcache_open(id_a, 20, SYMCACHE_DWARF, 7);
	size_t len;
	void *buf;

	ok(c != NULL, "a cache opens where the directory can be made");
	is_int(symcache_get(c, 0x10, f, 4), 0, "nothing before the first run");
	/* out of order, and one address put twice */
	symcache_put(c, 0x300, g, 3);
	symcache_put(c, 0x100, g + 2, 1);
	symcache_put(c, 0x200, g, 0);
	symcache_close(c);
	buf = slurp(file_of(id_a), &len);
	ok(buf && len > sizeof(struct symcache_head),
	   "closing writes the file, named by build-id");
	free(buf);

	c = symcache_open(id_a, 20, SYMCACHE_DWARF, 7);
	is_int(symcache_get(c, 0x300, f, 4), 3, "three frames come back");
	ok(!strcmp(f[0].function, "a") && !strcmp(f[1].function, "b") &&
		   !strcmp(f[2].file, "y.c") && f[1].line == 2 &&
		   f[0].inlined && !f[2].inlined,
	   "in order, with their strings, lines and inlined flags");
	is_int(symcache_get(c, 0x300, f, 2), 2, "max limits the frames");
	is_int(symcache_get(c, 0x100, f, 4), 1, "a second address");
	is_int(symcache_get(c, 0x200, f, 4), 0, "no frames: not kept");
	is_int(symcache_get(c, 0x101, f, 4), 0, "an address not kept: 0");
	is_int(symcache_get(NULL, 0x100, f, 4), 0, "no cache: 0");
	symcache_close(c);
	symcache_close(NULL);
}

static void test_merge(void)
{
	struct symcache *c1 = symcache_open(id_b, 20, SYMCACHE_DWARF, 7);
	struct symcache *c2 = symcache_open(id_b, 20, SYMCACHE_DWARF, 7);
	struct symcache_frame one = { "one", "1.c", 1, 0 },
			      two = { "two", "2.c", 2, 0 },
			      other = { "other", "3.c", 3, 0 }, f[2];
	struct symcache *c;

	symcache_put(c1, 0x1000, &one, 1);
	symcache_put(c2, 0x2000, &two, 1);
	symcache_put(c2, 0x1000, &other, 1);
	symcache_close(c1);
	symcache_close(c2);
	c = symcache_open(id_b, 20, SYMCACHE_DWARF, 7);
	ok(symcache_get(c, 0x1000, f, 2) == 1 && !strcmp(f[0].function, "one"),
	   "two runs at once: the first written answer stays");
	ok(symcache_get(c, 0x2000, f, 2) == 1 && !strcmp(f[0].function, "two"),
	   "and the second run's other answers join it");
	symcache_close(c);
}

/* Damage id_a's file with fn, then see that it counts as absent. */
static void damaged(const char *what, void (*fn)(uint8_t *buf, size_t *len))
{
	struct symcache_frame f[4];
	struct symcache *c;
	size_t len;
	uint8_t *buf;

	write_one(id_a);
	buf = slurp(file_of(id_a), &len);
	if (!buf) {
		ok(0, "%s: the file to damage", what);
		return;
	}
	fn(buf, &len);
	spill(file_of(id_a), buf, len);
	free(buf);
	c = symcache_open(id_a, 20, SYMCACHE_DWARF, 7);
	ok(symcache_get(c, 0x10, f, 4) == 0, "%s: read as no file", what);
	symcache_close(c);
}

static void flip_body(uint8_t *buf, size_t *len)
{
	buf[*len - 3] ^= 0x20;
}

static void cut(uint8_t *buf, size_t *len)
{
	(void)buf;
	*len -= 5;
}

static void other_version(uint8_t *buf, size_t *len)
{
	struct symcache_head h;

	(void)len;
	memcpy(&h, buf, sizeof(h));
	h.version++;
	memcpy(buf, &h, sizeof(h));
}

static void other_id(uint8_t *buf, size_t *len)
{
	struct symcache_head h;

	(void)len;
	memcpy(&h, buf, sizeof(h));
	h.id[5] ^= 1;
	memcpy(buf, &h, sizeof(h));
}

/* Offsets out of range, with a valid hash: a crafted file. */
static void bad_string(uint8_t *buf, size_t *len)
{
	struct symcache_head h;
	struct symcache_frm fr;
	uint8_t *frms;

	memcpy(&h, buf, sizeof(h));
	frms = buf + sizeof(h) + h.nents * sizeof(struct symcache_ent);
	memcpy(&fr, frms, sizeof(fr));
	fr.file = (uint32_t)h.strbytes;
	memcpy(frms, &fr, sizeof(fr));
	h.hash = symcache_hash(buf + sizeof(h), *len - sizeof(h));
	memcpy(buf, &h, sizeof(h));
}

static void bad_first(uint8_t *buf, size_t *len)
{
	struct symcache_head h;
	struct symcache_ent e;

	memcpy(&h, buf, sizeof(h));
	memcpy(&e, buf + sizeof(h), sizeof(e));
	e.first = UINT32_MAX;
	memcpy(buf + sizeof(h), &e, sizeof(e));
	h.hash = symcache_hash(buf + sizeof(h), *len - sizeof(h));
	memcpy(buf, &h, sizeof(h));
}

static void test_damage(void)
{
	damaged("a flipped byte", flip_body);
	damaged("cut short", cut);
	damaged("another version", other_version);
	damaged("another build-id inside", other_id);
	damaged("a string past the end (crafted)", bad_string);
	damaged("frames past the end (crafted)", bad_first);
	write_one(id_a);
	ok(has_one(id_a), "a bad entry is replaced by the next run's answer");
}

/* The symbol table's answers and DWARF's, for one build-id. */
static void test_kinds(void)
{
	struct symcache_frame tab = { "from_symtab", "", 0, 0 }, f[4];
	char dwarf_path[PATH_MAX], tab_path[PATH_MAX];
	struct symcache *c;
	size_t len;
	void *buf;

	write_one(id_a);
	snprintf(dwarf_path, sizeof(dwarf_path), "%s", file_of(id_a));
	snprintf(tab_path, sizeof(tab_path), "%.*s-symtab-7.sym",
		 (int)strlen(dwarf_path) - 12, dwarf_path);
	c = symcache_open(id_a, 20, SYMCACHE_SYMTAB, 7);
	is_int(symcache_get(c, 0x10, f, 4), 0,
	       "the symbol table's cache holds nothing of DWARF's");
	symcache_put(c, 0x10, &tab, 1);
	symcache_close(c);
	ok(access(tab_path, R_OK) == 0, "it has a file of its own");
	ok(has_one(id_a), "DWARF's answer stays as it was");
	c = symcache_open(id_a, 20, SYMCACHE_SYMTAB, 7);
	ok(symcache_get(c, 0x10, f, 4) == 1 &&
		   !strcmp(f[0].function, "from_symtab"),
	   "and the symbol table's is read back");
	symcache_close(c);
	c = symcache_open(id_a, 20, SYMCACHE_SYMTAB, 8);
	is_int(symcache_get(c, 0x10, f, 4), 0,
	       "a table of another size: another cache");
	symcache_close(c);
	buf = slurp(dwarf_path, &len);
	spill(tab_path, buf, len);
	free(buf);
	c = symcache_open(id_a, 20, SYMCACHE_SYMTAB, 7);
	is_int(symcache_get(c, 0x10, f, 4), 0,
	       "a DWARF file under the symbol table's name: refused");
	symcache_close(c);
}

static void test_odd_ids(void)
{
	uint8_t long_id[SYMCACHE_MAX_ID + 1] = { 0 };

	ok(!symcache_open(NULL, 20, SYMCACHE_DWARF, 7),
	   "no build-id: no cache");
	ok(!symcache_open(id_a, 1, SYMCACHE_DWARF, 7),
	   "a 1-byte build-id: no cache");
	ok(!symcache_open(long_id, sizeof(long_id), SYMCACHE_DWARF, 7),
	   "a build-id longer than any linker makes: no cache");
}

/* PERFSHIM_CACHE_DIR=off, in a child (the directory is resolved once). */
static void test_off(void)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		setenv("PERFSHIM_CACHE_DIR", "off", 1);
		_exit(symcache_open(id_a, 20, SYMCACHE_DWARF, 7) ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "PERFSHIM_CACHE_DIR=off: no cache");
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	plan(29);
	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_off(); /* first: the directory is resolved once a process */
	setenv("PERFSHIM_CACHE_DIR", top, 1);
	test_round_trip();
	test_merge();
	test_damage();
	test_kinds();
	test_odd_ids();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	if (system(cmd))
		diag("could not remove %s", top);
	return exit_status();
}
