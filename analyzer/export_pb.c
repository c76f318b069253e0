/* export_pb.c - the protocol-buffers encoder (see export_pb.h). */
#include <stdlib.h>
#include <string.h>

#include "export_pb.h"

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

void pb_init(struct pb *b)
{
	memset(b, 0, sizeof(*b));
}

void pb_release(struct pb *b)
{
	free(b->b);
	pb_init(b);
}

void pb_reset(struct pb *b)
{
	b->n = 0;
}

static int room(struct pb *b, size_t len)
{
	if (b->err)
		return -1;
	if (b->cap - b->n >= len)
		return 0;
	size_t cap = b->cap ? b->cap : 256;

	while (cap - b->n < len) {
		if (cap > SIZE_MAX / 2)
			goto fail;
		cap *= 2;
	}
	uint8_t *q = realloc(b->b, cap);

	if (!q)
		goto fail;
	b->b = q;
	b->cap = cap;
	return 0;
fail:
	b->err = 1;
	return -1;
}

void pb_varint(struct pb *b, uint64_t v)
{
	if (room(b, 10))
		return;
	while (v >= 0x80) {
		b->b[b->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->b[b->n++] = (uint8_t)v;
}

void pb_uint(struct pb *b, int field, uint64_t v)
{
	if (!v)
		return;
	pb_varint(b, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(b, v);
}

void pb_bytes(struct pb *b, int field, const void *data, size_t len)
{
	pb_varint(b, (uint64_t)field << 3 | WIRE_LEN);
	pb_varint(b, len);
	if (!len || room(b, len))
		return;
	memcpy(b->b + b->n, data, len);
	b->n += len;
}

void pb_message(struct pb *b, int field, const struct pb *m)
{
	if (m->err)
		b->err = 1;
	pb_bytes(b, field, m->b, m->n);
}
