/*
 * tracebuf.h - build perfshim traces in memory for the unit tests: a
 * growable buffer, varints and strings, top-level records, the file
 * header, and zstd frames. Any allocation failure ends the test (255).
 */
#ifndef PERFSHIM_TRACEBUF_H
#define PERFSHIM_TRACEBUF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "perfshim_trace.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static inline void put(struct buf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			exit(255);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void put_u(struct buf *b, uint64_t v)
{
	uint8_t tmp[PERFSHIM_VARINT_MAX];

	put(b, tmp, perfshim_put_varint(tmp, v));
}

static inline void put_byte(struct buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static inline void put_str(struct buf *b, const char *s)
{
	put_u(b, strlen(s));
	put(b, s, strlen(s));
}

/* One top-level record: tag, length, payload. */
static inline void rec(struct buf *frame, uint8_t tag,
		       const struct buf *payload)
{
	put(frame, &tag, 1);
	put_u(frame, payload->len);
	put(frame, payload->p, payload->len);
}

static inline void rec_u(struct buf *frame, uint8_t tag, uint64_t a)
{
	struct buf p = { 0 };

	put_u(&p, a);
	rec(frame, tag, &p);
	free(p.p);
}

/*
 * The file header of a trace by pid 42 of /bin/test, timed by
 * CLOCK_MONOTONIC (event times are ns), in format major.minor.
 */
static inline void header_minor(struct buf *file, unsigned major,
				unsigned minor)
{
	struct buf body = { 0 };
	uint16_t maj = (uint16_t)major, min = (uint16_t)minor;
	uint32_t blen;

	put_u(&body, 42);   /* pid */
	put_u(&body, 1);    /* ppid */
	put_u(&body, 0);    /* start time */
	put_u(&body, 1);    /* CLOCK_MONOTONIC: event times are ns */
	put_u(&body, 1);    /* resolution */
	put_u(&body, 4096); /* page size */
	put_u(&body, 8);    /* pointer size */
	put_u(&body, 64);   /* depth */
	put_str(&body, "/bin/test");
	put_str(&body, "test");
	blen = (uint32_t)body.len;
	put(file, PERFSHIM_MAGIC, PERFSHIM_MAGIC_LEN);
	put(file, &maj, 2);
	put(file, &min, 2);
	put(file, &blen, 4);
	put(file, body.p, body.len);
	free(body.p);
}

/* frame, compressed on its own, appended to file. */
static inline void add_frame(struct buf *file, const struct buf *frame)
{
	size_t bound = ZSTD_compressBound(frame->len);
	uint8_t *z = malloc(bound);
	size_t n = z ? ZSTD_compress(z, bound, frame->p, frame->len, 1) : 0;

	if (!z || ZSTD_isError(n))
		exit(255);
	put(file, z, n);
	free(z);
}

#endif
