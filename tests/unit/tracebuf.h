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

/* A CHUNK of mallocs and frees for thread t: each {dt, alloc?, addr, size,
 * stack}. */
struct alloc_ev {
	uint64_t dt;
	int alloc;
	uint64_t addr, size, stack;
};

static inline void alloc_chunk(struct buf *frame, unsigned t,
			       const struct alloc_ev *e, size_t n)
{
	struct buf p = { 0 };

	put_u(&p, t);
	for (size_t i = 0; i < n; i++) {
		uint8_t tag = e[i].alloc
				      ? PERFSHIM_EV_ALLOC | PERFSHIM_FN_MALLOC
				      : PERFSHIM_EV_FREE;

		put(&p, &tag, 1);
		put_u(&p, e[i].dt);
		if (e[i].alloc)
			put_u(&p, e[i].size);
		put_u(&p, e[i].addr);
		if (e[i].alloc)
			put_u(&p, e[i].stack);
	}
	rec(frame, PERFSHIM_REC_CHUNK, &p);
	free(p.p);
}

static inline void thread_rec(struct buf *frame, unsigned t)
{
	struct buf p = { 0 };

	put_u(&p, t);
	put_u(&p, 100 + t);
	put_str(&p, "");
	rec(frame, PERFSHIM_REC_THREAD, &p);
	free(p.p);
}

/* NODES: ids first.. with (parent, ip) each. */
static inline void nodes_rec(struct buf *frame, uint32_t first,
			     const uint32_t *par, const uint64_t *ip, size_t n)
{
	struct buf p = { 0 };
	uint64_t prev = 0;

	put_u(&p, first);
	put_u(&p, n);
	for (size_t i = 0; i < n; i++) {
		put_u(&p, first + i - par[i]);
		put_u(&p, perfshim_zigzag((int64_t)(ip[i] - prev)));
		prev = ip[i];
	}
	rec(frame, PERFSHIM_REC_NODES, &p);
	free(p.p);
}

#endif
