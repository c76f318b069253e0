/*
 * export_pb.h - a protocol-buffers encoder for the few wire types
 * profile.proto uses (varint and length-delimited), into a growing
 * buffer, and the pprof renderer's uncompressed encoding.
 */
#ifndef PERFSHIM_EXPORT_PB_H
#define PERFSHIM_EXPORT_PB_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

/*
 * An output buffer. Out of memory is remembered in err (the buffer keeps
 * what it had), so a caller checks once at the end.
 */
struct pb {
	uint8_t *b;
	size_t n, cap;
	int err;
};

/* pb_init - empty; allocates nothing. */
void pb_init(struct pb *b);
/* pb_release - free the bytes; b is empty again (err cleared). */
void pb_release(struct pb *b);
/* pb_reset - empty b for reuse, keeping its memory and err. */
void pb_reset(struct pb *b);

/* pb_varint - v as a base-128 varint, without a key. */
void pb_varint(struct pb *b, uint64_t v);
/*
 * pb_uint - field as a varint (wire type 0); nothing when v is 0, the
 * proto3 default. int64 fields pass their two's complement.
 */
void pb_uint(struct pb *b, int field, uint64_t v);
/* pb_bytes - field as length-delimited bytes (wire type 2), even empty. */
void pb_bytes(struct pb *b, int field, const void *data, size_t len);
/* pb_message - field as the embedded message (or packed run) in m. */
void pb_message(struct pb *b, int field, const struct pb *m);

/*
 * export_pprof_encode - p as an uncompressed profile.proto Profile,
 * appended to out. Returns 0, or -1 after printing one line on stderr.
 */
int export_pprof_encode(const struct export_profile *p, struct pb *out);

#endif
