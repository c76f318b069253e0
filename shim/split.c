/* split.c - a frame's records split for the compressor (see split.h). */
#include <string.h>

#include "perfshim_trace.h"
#include "split.h"

/*
 * One record of the frame: rec its first byte, head the end of what the
 * skeleton keeps whole (the record's end, but for COLUMNS: up to its
 * thread index and event count), and for COLUMNS each column's length varint
 * and bytes.
 */
struct walk {
	const uint8_t *rec, *head;
	const uint8_t *len_at[PERFSHIM_COL_COUNT]; /* each length's varint */
	const uint8_t *col[PERFSHIM_COL_COUNT];
	uint64_t col_len[PERFSHIM_COL_COUNT];
	int columns;
};

/* The record at *p into w, and *p past it; 0 or -1. */
static int next_record(const uint8_t **p, const uint8_t *end, struct walk *w)
{
	uint64_t n, v;

	w->rec = *p;
	w->columns = **p == PERFSHIM_REC_COLUMNS;
	(*p)++;
	if (perfshim_get_varint(p, end, &n) || n > (uint64_t)(end - *p))
		return -1;
	const uint8_t *q = *p, *rend = *p + n;

	*p = rend;
	w->head = rend;
	if (!w->columns)
		return 0;
	if (perfshim_get_varint(&q, rend, &v) || /* thread index */
	    perfshim_get_varint(&q, rend, &v))	 /* event count */
		return -1;
	w->head = q;
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		w->len_at[c] = q;
		if (perfshim_get_varint(&q, rend, &w->col_len[c]) ||
		    w->col_len[c] > (uint64_t)(rend - q))
			return -1;
		w->col[c] = q;
		q += w->col_len[c];
	}
	return q == rend ? 0 : -1;
}

HIDDEN size_t perfshim_split_frame(const uint8_t *in, size_t len, uint8_t *out,
				   size_t cap)
{
	uint64_t skel = 0, total[PERFSHIM_COL_COUNT] = { 0 };
	const uint8_t *p = in, *end = in + len;
	struct walk w;

	while (p < end) {
		if (next_record(&p, end, &w))
			return 0;
		skel += (uint64_t)(w.head - w.rec);
		if (!w.columns)
			continue;
		for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
			skel += (uint64_t)(w.col[c] - w.len_at[c]);
			total[c] += w.col_len[c];
		}
	}
	uint8_t *o = out, *oend = out + cap;

	if (cap < 1 + (PERFSHIM_COL_COUNT + 1) * PERFSHIM_VARINT_MAX)
		return 0;
	*o++ = PERFSHIM_REC_SPLIT;
	o += perfshim_put_varint(o, skel);
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++)
		o += perfshim_put_varint(o, total[c]);
	uint8_t *sk = o, *col[PERFSHIM_COL_COUNT];
	uint64_t at = skel;

	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		col[c] = sk + at;
		at += total[c];
	}
	if (at > (uint64_t)(oend - sk))
		return 0;
	for (p = in; p < end;) {
		(void)next_record(&p, end, &w); /* parsed once already */
		memcpy(sk, w.rec, (size_t)(w.head - w.rec));
		sk += w.head - w.rec;
		if (!w.columns)
			continue;
		for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
			size_t h = (size_t)(w.col[c] - w.len_at[c]);

			memcpy(sk, w.len_at[c], h);
			sk += h;
			memcpy(col[c], w.col[c], w.col_len[c]);
			col[c] += w.col_len[c];
		}
	}
	return (size_t)(sk - out) + (size_t)(at - skel);
}
