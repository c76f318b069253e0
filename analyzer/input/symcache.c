/* symcache.c - resolved addresses kept by build-id (see symcache.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugcache.h"
#include "error.h"
#include "hashtab.h"
#include "module.h"
#include "symcache.h"

/* The directory holds at most this share of PERFSHIM_CACHE_MAX_MB. */
#define SYMBOLS_SHARE 16
/* A file bigger than this is not read (a million addresses fit). */
#define MAX_FILE_BYTES (256u << 20)

static const char magic[8] = SYMCACHE_MAGIC;

_Static_assert(sizeof(struct symcache_head) == 120, "no padding in the head");
_Static_assert(sizeof(struct symcache_ent) == 16 &&
		       sizeof(struct symcache_frm) == 16,
	       "entries and frames are 16 bytes");

/* A file's content, checked: its arrays point into buf. */
struct table {
	uint8_t *buf;
	const struct symcache_ent *ents;
	const struct symcache_frm *frms;
	const char *strs;
	uint64_t nents, nframes, strbytes;
};

/* What one run adds: the same three arrays, strings deduplicated. */
struct added {
	struct symcache_ent *ents;
	size_t nents, ents_cap;
	struct symcache_frm *frms;
	size_t nframes, frms_cap;
	char *strs;
	size_t strbytes, strs_cap;
	uint32_t *str_at; /* each distinct string's offset, for str_ix */
	size_t nstr, str_cap;
	struct hashtab str_ix;
};

struct symcache {
	char *path;
	uint8_t id[SYMCACHE_MAX_ID];
	uint32_t id_len;
	uint32_t kind, nsyms;
	struct table file;
	struct added add;
};

uint64_t symcache_hash(const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t h = hash64(n ^ 0x9e3779b97f4a7c15ull), w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = hash64(h ^ w);
	}
	for (; i < n; i++)
		h = hash64(h ^ p[i]);
	return h;
}

/*
 * check - whether the len bytes of buf are a valid file for c's build-id;
 * if so, t points into buf (which it then owns).
 */
static bool check(const struct symcache *c, uint8_t *buf, size_t len,
		  struct table *t)
{
	struct symcache_head h;
	uint64_t body;

	if (len < sizeof(h))
		return false;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, magic, sizeof(magic)) ||
	    h.version != SYMCACHE_VERSION || h.id_len != c->id_len ||
	    memcmp(h.id, c->id, c->id_len) || h.kind != c->kind ||
	    h.nsyms != c->nsyms || h.nents > SYMCACHE_MAX_ENTRIES ||
	    h.nframes > MAX_FILE_BYTES / sizeof(struct symcache_frm) ||
	    h.strbytes > MAX_FILE_BYTES)
		return false;
	body = h.nents * sizeof(struct symcache_ent) +
	       h.nframes * sizeof(struct symcache_frm) + h.strbytes;
	if (body != len - sizeof(h) || (h.strbytes && buf[len - 1] != '\0') ||
	    symcache_hash(buf + sizeof(h), body) != h.hash)
		return false;
	t->buf = buf;
	t->ents = (const struct symcache_ent *)(buf + sizeof(h));
	t->frms = (const struct symcache_frm *)(t->ents + h.nents);
	t->strs = (const char *)(t->frms + h.nframes);
	t->nents = h.nents;
	t->nframes = h.nframes;
	t->strbytes = h.strbytes;
	/* out of order, the lookups would miss and merges keep the disorder */
	for (uint64_t i = 1; i < t->nents; i++)
		if (t->ents[i - 1].off >= t->ents[i].off) {
			memset(t, 0, sizeof(*t));
			return false;
		}
	return true;
}

/* load - c's file as it is now into t; false (t empty) when absent or bad. */
static bool load(const struct symcache *c, struct table *t)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC);
	uint8_t *buf = NULL;
	struct stat st;
	size_t got = 0;

	memset(t, 0, sizeof(*t));
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > MAX_FILE_BYTES)
		goto cleanup;
	/* 8-aligned, for the arrays; one byte more to see the file grow */
	buf = xmalloc((size_t)st.st_size + 1);
	while (got <= (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == (size_t)st.st_size && check(c, buf, got, t)) {
		futimens(fd, NULL); /* recently used: evicted last */
		buf = NULL;
	}
cleanup:
	free(buf);
	close(fd);
	return t->buf != NULL;
}

struct symcache *symcache_open(const uint8_t *id, size_t len,
			       enum symcache_kind kind, uint32_t nsyms)
{
	const char *dir = debugcache_symbols_dir();
	struct symcache *c;
	char hex[2 * SYMCACHE_MAX_ID + 1];

	if (!dir || !id || len < 2 || len > SYMCACHE_MAX_ID)
		return NULL;
	module_hex_id(id, len, hex, sizeof(hex));
	c = xcalloc(1, sizeof(*c));
	memcpy(c->id, id, len);
	c->id_len = (uint32_t)len;
	c->kind = kind;
	c->nsyms = nsyms;
	if (asprintf(&c->path, "%s/%s-%s-%" PRIu32 ".sym", dir, hex,
		     kind == SYMCACHE_DWARF ? "dwarf" : "symtab", nsyms) < 0) {
		free(c);
		return NULL;
	}
	hashtab_init(&c->add.str_ix);
	load(c, &c->file);
	return c;
}

/* Whether e's frames and their strings lie inside t. */
static bool entry_ok(const struct table *t, const struct symcache_ent *e)
{
	if (e->n == 0 || e->first > t->nframes || e->n > t->nframes - e->first)
		return false;
	for (uint32_t i = 0; i < e->n; i++)
		if (t->frms[e->first + i].function >= t->strbytes ||
		    t->frms[e->first + i].file >= t->strbytes)
			return false;
	return true;
}

int symcache_get(const struct symcache *c, uint64_t off,
		 struct symcache_frame *out, int max)
{
	const struct table *t = c ? &c->file : NULL;
	size_t lo = 0, hi = t ? t->nents : 0;
	const struct symcache_ent *e;
	int n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ents[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!t || lo == t->nents || t->ents[lo].off != off)
		return 0;
	e = &t->ents[lo];
	if (!entry_ok(t, e))
		return 0;
	for (uint32_t i = 0; i < e->n && n < max; i++) {
		const struct symcache_frm *f = &t->frms[e->first + i];

		out[n++] = (struct symcache_frame){ t->strs + f->function,
						    t->strs + f->file, f->line,
						    f->inlined != 0 };
	}
	return n;
}

static int added_str_eq(const void *ctx, size_t i)
{
	const struct added *a = ((const void *const *)ctx)[0];

	return !strcmp(a->strs + a->str_at[i], ((const char *const *)ctx)[1]);
}

/* The offset of s among the added strings, added now if new. */
static uint32_t add_str(struct added *a, const char *s)
{
	const void *ctx[2] = { a, s };
	size_t len = strlen(s) + 1;
	size_t i = hashtab_put(&a->str_ix, hash_str(s, HASH_STR_SEED),
			       added_str_eq, ctx, a->nstr);

	if (i < a->nstr)
		return a->str_at[i];
	XGROW(a->str_at, a->str_cap, a->nstr + 1);
	XGROW(a->strs, a->strs_cap, a->strbytes + len);
	a->str_at[a->nstr++] = (uint32_t)a->strbytes;
	memcpy(a->strs + a->strbytes, s, len);
	a->strbytes += len;
	return a->str_at[i];
}

void symcache_put(struct symcache *c, uint64_t off,
		  const struct symcache_frame *f, int n)
{
	struct added *a = c ? &c->add : NULL;

	if (!a || n < 1 || n > 65535 ||
	    c->file.nents + a->nents >= SYMCACHE_MAX_ENTRIES ||
	    a->strbytes > MAX_FILE_BYTES / 2)
		return;
	XGROW(a->ents, a->ents_cap, a->nents + 1);
	XGROW(a->frms, a->frms_cap, a->nframes + (size_t)n);
	a->ents[a->nents++] =
		(struct symcache_ent){ off, (uint32_t)a->nframes, (uint32_t)n };
	for (int i = 0; i < n; i++)
		a->frms[a->nframes++] =
			(struct symcache_frm){ add_str(a, f[i].function),
					       add_str(a, f[i].file), f[i].line,
					       f[i].inlined != 0 };
}

static int ent_cmp(const void *x, const void *y)
{
	const struct symcache_ent *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

/*
 * merged - the file's bytes: base's entries and a's (whose frames and
 * strings follow base's), sorted by address, base's first where both
 * hold one. *len is set; NULL when it would be too big.
 */
static uint8_t *merged(const struct symcache *c, const struct table *base,
		       struct added *a, size_t *len)
{
	struct symcache_head h = { .version = SYMCACHE_VERSION,
				   .id_len = c->id_len,
				   .kind = c->kind,
				   .nsyms = c->nsyms };
	uint64_t nents = base->nents + a->nents, k = 0;
	size_t i = 0, j = 0;
	struct symcache_ent *ents;
	uint8_t *buf;
	struct symcache_frm *frms;

	h.nframes = base->nframes + a->nframes;
	h.strbytes = base->strbytes + a->strbytes;
	*len = sizeof(h) + nents * sizeof(*ents) + h.nframes * sizeof(*frms) +
	       h.strbytes;
	if (*len > MAX_FILE_BYTES)
		return NULL;
	buf = xmalloc(*len);
	ents = (struct symcache_ent *)(buf + sizeof(h));
	qsort(a->ents, a->nents, sizeof(*a->ents), ent_cmp);
	while (i < base->nents || j < a->nents) {
		if (j == a->nents ||
		    (i < base->nents && base->ents[i].off <= a->ents[j].off)) {
			if (!entry_ok(base, &base->ents[i])) {
				i++; /* crafted: a new answer takes its place */
				continue;
			}
			if (j < a->nents && base->ents[i].off == a->ents[j].off)
				j++; /* another run's answer: the same */
			ents[k++] = base->ents[i++];
		} else {
			ents[k] = a->ents[j++];
			ents[k++].first += (uint32_t)base->nframes;
		}
	}
	/* entries both held were dropped: the rest follows the last kept */
	*len -= (nents - k) * sizeof(*ents);
	frms = (struct symcache_frm *)(ents + k);
	if (base->nframes)
		memcpy(frms, base->frms, base->nframes * sizeof(*frms));
	for (size_t f = 0; f < a->nframes; f++) {
		frms[base->nframes + f] = a->frms[f];
		frms[base->nframes + f].function += (uint32_t)base->strbytes;
		frms[base->nframes + f].file += (uint32_t)base->strbytes;
	}
	if (base->strbytes)
		memcpy(frms + h.nframes, base->strs, base->strbytes);
	memcpy((char *)(frms + h.nframes) + base->strbytes, a->strs,
	       a->strbytes);
	h.nents = k;
	memcpy(h.magic, magic, sizeof(magic));
	memcpy(h.id, c->id, c->id_len);
	h.hash = symcache_hash(buf + sizeof(h), *len - sizeof(h));
	memcpy(buf, &h, sizeof(h));
	return buf;
}

struct bytes {
	const uint8_t *p;
	size_t len;
};

static int fill_bytes(int fd, void *ctx)
{
	const struct bytes *b = ctx;
	size_t done = 0;

	while (done < b->len) {
		ssize_t w = write(fd, b->p + done, b->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* write_file - buf as c's file, by rename from a temporary one. */
static void write_file(const struct symcache *c, const uint8_t *buf, size_t len)
{
	const char *dir = debugcache_symbols_dir();
	struct bytes b = { buf, len };
	int fd;

	if (dir) {
		fd = debugcache_publish(dir, c->path, len, SYMBOLS_SHARE,
					fill_bytes, &b);
		if (fd >= 0)
			close(fd);
	}
}

void symcache_close(struct symcache *c)
{
	struct table now;
	uint8_t *buf;
	size_t len;

	if (!c)
		return;
	if (c->add.nents) {
		/* another run may have written since c was opened */
		load(c, &now);
		buf = merged(c, &now, &c->add, &len);
		if (buf)
			write_file(c, buf, len);
		free(buf);
		free(now.buf);
	}
	free(c->file.buf);
	free(c->add.ents);
	free(c->add.frms);
	free(c->add.strs);
	free(c->add.str_at);
	hashtab_release(&c->add.str_ix);
	free(c->path);
	free(c);
}
