/*
 * colstat - where a trace's bytes go: per COLUMNS column and per record
 * tag, the raw bytes and the bytes each takes when compressed alone
 * (zstd level 1, frame by frame, as the shim's frames are), so that the
 * column worth shrinking shows. Split frames are put together first. A measuring aid, not part of the
 * analyzer: build with make build/tools/colstat.
 *
 *   colstat TRACE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "perfshim_trace.h"
#include "unsplit.h"

#define NTAG 256
static const char *col_name[PERFSHIM_COL_COUNT] = { "kinds",  "times", "sizes",
						    "stacks", "slots", "addrs",
						    "ranks" };

struct acc {
	size_t raw, packed;
	uint8_t *buf;
	size_t len, cap;
};

static struct acc cols[PERFSHIM_COL_COUNT], tags[NTAG];
static void add(struct acc *a, const uint8_t *p, size_t n);
/* The slots and addrs columns split by the event they belong to. */
enum { ALLOC_K, HELD_SLOT, FREE_SLOT, ALLOC_ADDR, FREE_ADDR, NSPLIT };
static const char *split_name[NSPLIT] = { "slots:k", "slots:held", "slots:free",
					  "addrs:alloc", "addrs:free" };
static struct acc split[NSPLIT];
/* k: 0 (an address), 1..8, 9..16, 17..32 and past the lists (damage). */
static uint64_t khist[12], rhist[18];

/* Move one varint from *p to split s; its value, or -1 at the end. */
static int64_t take(const uint8_t **p, const uint8_t *end, int s)
{
	const uint8_t *q = *p;
	uint64_t v;

	if (perfshim_get_varint(p, end, &v))
		return -1;
	add(&split[s], q, (size_t)(*p - q));
	return (int64_t)v;
}

static unsigned major; /* the trace's */
/* 7.x ALLOCs: without an address, with one, into a slot held. */
static uint64_t unnamed, named, held;

static void split_events(const uint8_t *c[], const uint8_t *e[])
{
	for (const uint8_t *k = c[PERFSHIM_COL_KINDS];
	     k < e[PERFSHIM_COL_KINDS]; k++) {
		int64_t v, r;

		if (major >= 7 && (*k & 0xf0) == PERFSHIM_EV_ALLOC) {
			unnamed++;
		} else if (major >= 7 &&
			   ((*k & 0xf0) == PERFSHIM_COL_ALLOC_ADDR ||
			    (*k & 0xf0) == PERFSHIM_COL_ALLOC_HELD)) {
			int h = (*k & 0xf0) == PERFSHIM_COL_ALLOC_HELD;

			named += !h;
			held += h;
			if (h)
				take(&c[PERFSHIM_COL_SLOTS],
				     e[PERFSHIM_COL_SLOTS], HELD_SLOT);
			take(&c[PERFSHIM_COL_ADDRS], e[PERFSHIM_COL_ADDRS],
			     ALLOC_ADDR);
		} else if ((*k & 0xf0) == PERFSHIM_EV_ALLOC) {
			v = take(&c[PERFSHIM_COL_SLOTS], e[PERFSHIM_COL_SLOTS],
				 ALLOC_K);
			if (v < 0)
				return;
			khist[v < 9 ? v : v <= 16 ? 9 : v <= 32 ? 10 : 11]++;
			if (v == 0)
				take(&c[PERFSHIM_COL_ADDRS],
				     e[PERFSHIM_COL_ADDRS], ALLOC_ADDR);
		} else if ((*k & 0xf0) == PERFSHIM_COL_ALLOC_HELD) {
			take(&c[PERFSHIM_COL_SLOTS], e[PERFSHIM_COL_SLOTS],
			     HELD_SLOT);
		} else if (*k == PERFSHIM_COL_FREE_SLOT) {
			take(&c[PERFSHIM_COL_SLOTS], e[PERFSHIM_COL_SLOTS],
			     FREE_SLOT);
		} else if (major >= 7 &&
			   (*k & 0xf0) == PERFSHIM_COL_FREE_RANK) {
			rhist[(*k & 0x0f) + 1]++;
		} else if (*k == PERFSHIM_EV_FREE) {
			uint64_t rr = 0;

			if (major < 7 &&
			    perfshim_get_varint(&c[PERFSHIM_COL_RANKS],
						e[PERFSHIM_COL_RANKS], &rr))
				return;
			r = (int64_t)rr;
			rhist[r < 17 ? r : 17]++;
			if (r)
				continue;
			v = take(&c[PERFSHIM_COL_SLOTS], e[PERFSHIM_COL_SLOTS],
				 FREE_SLOT);
			if (v == 0)
				take(&c[PERFSHIM_COL_ADDRS],
				     e[PERFSHIM_COL_ADDRS], FREE_ADDR);
		}
	}
}
static size_t nevents, npairs;

static void add(struct acc *a, const uint8_t *p, size_t n)
{
	if (a->len + n > a->cap) {
		a->cap = 2 * (a->len + n);
		a->buf = realloc(a->buf, a->cap);
		if (!a->buf)
			exit(2);
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
	a->raw += n;
}

static void pack(struct acc *a)
{
	size_t bound = ZSTD_compressBound(a->len);
	void *out = malloc(bound);

	if (a->len)
		a->packed += ZSTD_compress(out, bound, a->buf, a->len, 1);
	free(out);
	a->len = 0;
}

static void columns(const uint8_t *p, const uint8_t *end)
{
	uint64_t thread, n, len;

	if (perfshim_get_varint(&p, end, &thread) ||
	    perfshim_get_varint(&p, end, &n))
		return;
	const uint8_t *cs[PERFSHIM_COL_COUNT], *es[PERFSHIM_COL_COUNT];

	nevents += n;
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		if (perfshim_get_varint(&p, end, &len) ||
		    len > (size_t)(end - p))
			return;
		if (c == PERFSHIM_COL_KINDS)
			for (uint64_t i = 0; i < len; i++)
				npairs += p[i] == PERFSHIM_EV_FREE ||
					  p[i] == PERFSHIM_COL_FREE_SLOT ||
					  (major >= 7 &&
					   (p[i] & 0xf0) ==
						   PERFSHIM_COL_FREE_RANK);
		add(&cols[c], p, len);
		cs[c] = p;
		es[c] = p + len;
		p += len;
	}
	split_events(cs, es);
}

static void frame(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;

	while (p < end) {
		uint8_t tag = *p++;
		uint64_t len;

		if (perfshim_get_varint(&p, end, &len) ||
		    len > (size_t)(end - p))
			break;
		if (tag == PERFSHIM_REC_COLUMNS)
			columns(p, p + len);
		else
			add(&tags[tag], p, len);
		p += len;
	}
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++)
		pack(&cols[c]);
	for (int t = 0; t < NTAG; t++)
		pack(&tags[t]);
	for (int t = 0; t < NSPLIT; t++)
		pack(&split[t]);
}

int main(int argc, char **argv)
{
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;

	if (!f) {
		fprintf(stderr, "usage: colstat TRACE\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	size_t size = (size_t)ftell(f);
	uint8_t *file = malloc(size);

	rewind(f);
	if (fread(file, 1, size, f) != size || size < PERFSHIM_PREFIX_LEN)
		return 2;
	uint32_t body;
	uint16_t m;

	memcpy(&m, file + PERFSHIM_MAGIC_LEN, 2);
	major = m;
	memcpy(&body, file + 12, 4);
	size_t at = PERFSHIM_PREFIX_LEN + body, frames = 0, joined_cap = 0;
	size_t prefixed = 0, prev_len = 0;
	uint8_t *joined = NULL; /* a SPLIT frame's records put together */
	uint8_t *prev = NULL;	/* the last frame's content (9.x: a prefix) */
	ZSTD_DCtx *dctx = ZSTD_createDCtx();

	while (at < size) {
		size_t z = ZSTD_findFrameCompressedSize(file + at, size - at);
		unsigned long long c = ZSTD_getFrameContentSize(file + at, z);

		if (ZSTD_isError(z) || c == ZSTD_CONTENTSIZE_ERROR ||
		    c == ZSTD_CONTENTSIZE_UNKNOWN)
			break;
		uint8_t *out = malloc(c + 1);
		size_t d = ZSTD_decompress(out, c, file + at, z);

		/* One that needs the frame before as its prefix (9.x). */
		if (ZSTD_isError(d) && major >= 9 && prev) {
			ZSTD_DCtx_refPrefix(dctx, prev, prev_len);
			d = ZSTD_decompressDCtx(dctx, out, c, file + at, z);
			prefixed += !ZSTD_isError(d);
		}

		const char *why;

		/* The next frame's prefix: what this one decoded to, before
		 * frame_unsplit() sets d to its records' length. */
		free(prev);
		prev = NULL;
		prev_len = 0;
		if (!ZSTD_isError(d) && (prev = malloc(d ? d : 1))) {
			memcpy(prev, out, d);
			prev_len = d;
		}

		if (!ZSTD_isError(d) && d && out[0] == PERFSHIM_REC_SPLIT) {
			if (frame_unsplit(out, d, &joined, &joined_cap, &d,
					  &why)) {
				fprintf(stderr, "colstat: %s\n", why);
				return 2;
			}
			frame(joined, d);
		} else if (!ZSTD_isError(d)) {
			frame(out, d);
		}
		free(out);
		at += z;
		frames++;
	}
	free(prev);
	ZSTD_freeDCtx(dctx);
	printf("file %zu B, %zu frames, %zu column events, %zu frees\n", size,
	       frames, nevents, npairs);
	if (prefixed)
		printf("frames decoded with the one before as prefix: %zu\n",
		       prefixed);
	printf("%-10s %10s %10s %8s\n", "part", "raw B", "alone B", "B/free");
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++)
		printf("%-10s %10zu %10zu %8.3f\n", col_name[c], cols[c].raw,
		       cols[c].packed,
		       npairs ? (double)cols[c].packed / npairs : 0.0);
	for (int t = 0; t < NTAG; t++)
		if (tags[t].raw)
			printf("tag %-6d %10zu %10zu %8.3f\n", t, tags[t].raw,
			       tags[t].packed,
			       npairs ? (double)tags[t].packed / npairs : 0.0);
	for (int t = 0; t < NSPLIT; t++)
		printf("%-10s %10zu %10zu %8.3f\n", split_name[t], split[t].raw,
		       split[t].packed,
		       npairs ? (double)split[t].packed / npairs : 0.0);
	if (major >= 7)
		printf("allocs without address %llu, with %llu, into held "
		       "slots %llu\n",
		       (unsigned long long)unnamed, (unsigned long long)named,
		       (unsigned long long)held);
	printf("alloc k (0 1..8 9-16 17-32 more):");
	for (int i = 0; i < 12; i++)
		printf(" %llu", (unsigned long long)khist[i]);
	printf("\nfree rank:");
	for (int i = 0; i < 18; i++)
		printf(" %llu", (unsigned long long)rhist[i]);
	printf("\n");
	return 0;
}
