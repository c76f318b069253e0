/* encode.c - record payloads in a caller's buffer (see encode.h). */
#include <string.h>

#include "encode.h"
#include "perfshim_trace.h"

HIDDEN void enc_u(struct enc *e, uint64_t v)
{
	if (e->len + PERFSHIM_VARINT_MAX <= e->cap)
		e->len += perfshim_put_varint(e->p + e->len, v);
	else
		e->len = e->cap + 1; /* overflowed: callers check len <= cap */
}

HIDDEN void enc_bytes(struct enc *e, const void *s, size_t n)
{
	if (e->len + n <= e->cap) {
		memcpy(e->p + e->len, s, n);
		e->len += n;
	} else {
		e->len = e->cap + 1;
	}
}

HIDDEN void enc_str(struct enc *e, const char *s)
{
	size_t n = strlen(s);

	enc_u(e, n);
	enc_bytes(e, s, n);
}
