/* unsplit.c - a SPLIT frame's records put back together (see unsplit.h). */
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "unsplit.h"

/* A cursor over one part of the split frame. */
struct part {
	const uint8_t *p, *end;
};

/* The varint at s->p copied to *o; its value in *v. 0 or -1. */
static int copy_varint(struct part *s, uint8_t **o, uint64_t *v)
{
	const uint8_t *from = s->p;

	if (perfshim_get_varint(&s->p, s->end, v))
		return -1;
	memcpy(*o, from, (size_t)(s->p - from));
	*o += s->p - from;
	return 0;
}

/* n bytes of s copied to *o; 0, or -1 if s has fewer. */
static int copy_bytes(struct part *s, uint8_t **o, uint64_t n)
{
	if (n > (uint64_t)(s->end - s->p))
		return -1;
	memcpy(*o, s->p, (size_t)n);
	*o += n;
	s->p += n;
	return 0;
}

/* One COLUMNS record's payload, of length n, from the skeleton and the
 * columns to *o. 0 or -1. */
static int columns_back(struct part *sk, struct part *col, uint8_t **o,
			uint64_t n)
{
	uint8_t *start = *o;
	uint64_t v;

	if (copy_varint(sk, o, &v) || copy_varint(sk, o, &v))
		return -1; /* thread index, event count */
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		if (copy_varint(sk, o, &v) || copy_bytes(&col[c], o, v) ||
		    (uint64_t)(*o - start) > n)
			return -1;
	}
	return (uint64_t)(*o - start) == n ? 0 : -1;
}

int frame_unsplit(const uint8_t *in, size_t len, uint8_t **out, size_t *cap,
		  size_t *out_len, const char **why)
{
	struct part h = { in + 1, in + len }, sk, col[PERFSHIM_COL_COUNT];
	uint64_t skel, t[PERFSHIM_COL_COUNT];

	*why = "corrupt trace: a split frame whose parts do not add up";
	if (len == 0 || in[0] != PERFSHIM_REC_SPLIT ||
	    perfshim_get_varint(&h.p, h.end, &skel))
		return -1;
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++)
		if (perfshim_get_varint(&h.p, h.end, &t[c]))
			return -1;
	/* Each part within what is left, so that no sum overflows. */
	const uint8_t *at = h.p;

	if (skel > (uint64_t)(h.end - at))
		return -1;
	sk = (struct part){ at, at + skel };
	at += skel;
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		if (t[c] > (uint64_t)(h.end - at))
			return -1;
		col[c] = (struct part){ at, at + t[c] };
		at += t[c];
	}
	if (at != h.end)
		return -1;
	size_t need = (size_t)(h.end - h.p);

	if (need > *cap) {
		uint8_t *b = realloc(*out, need);

		if (!b) {
			*why = "out of memory";
			return -1;
		}
		*out = b;
		*cap = need;
	}
	uint8_t *o = *out;

	while (sk.p < sk.end) {
		uint8_t tag = *sk.p++;
		uint64_t n;

		*o++ = tag;
		if (copy_varint(&sk, &o, &n))
			return -1;
		if (tag == PERFSHIM_REC_COLUMNS ? columns_back(&sk, col, &o, n)
						: copy_bytes(&sk, &o, n))
			return -1;
	}
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++)
		if (col[c].p != col[c].end)
			return -1;
	*out_len = (size_t)(o - *out);
	return 0;
}
