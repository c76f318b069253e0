/*
 * t_split - SPLIT frames (perfshim_trace.h, "Since major 4"): the shim's
 * split (split.h) put back together by the analyzer's unsplit.h gives
 * the frame's bytes again; frames that do not parse are left whole;
 * split frames cut short or altered are refused, never overrun; and the
 * reader reads a split frame in a 4.x trace and refuses one in a 3.x
 * trace.
 */
#include <stdint.h>

#include "reader.h"
#include "split.h"
#include "tap.h"
#include "tracebuf.h"
#include "unsplit.h"

/* A COLUMNS record of thread t: event count n, then the seven columns,
 * column c of len[c] bytes of value c * 16 + i. */
static void columns(struct buf *frame, unsigned t, unsigned n,
		    const size_t len[PERFSHIM_COL_COUNT])
{
	struct buf p = { 0 };

	put_u(&p, t);
	put_u(&p, n);
	for (int c = 0; c < PERFSHIM_COL_COUNT; c++) {
		put_u(&p, len[c]);
		for (size_t i = 0; i < len[c]; i++)
			put_byte(&p, (uint8_t)(c * 16 + i));
	}
	rec(frame, PERFSHIM_REC_COLUMNS, &p);
	free(p.p);
}

static void named_thread(struct buf *frame, unsigned index, const char *name)
{
	struct buf p = { 0 };

	put_u(&p, index);
	put_u(&p, 1000 + index);
	put_str(&p, name);
	rec(frame, PERFSHIM_REC_THREAD, &p);
	free(p.p);
}

/* A frame of every kind of part: records kept whole, COLUMNS records
 * with long, short and empty columns (a 200-byte one: 2-byte lengths). */
static void sample_frame(struct buf *f)
{
	static const size_t a[PERFSHIM_COL_COUNT] = { 3, 2, 1, 3, 0, 200, 1 };
	static const size_t b[PERFSHIM_COL_COUNT] = { 1, 0, 0, 0, 5, 0, 9 };

	rec_u(f, PERFSHIM_REC_FRAME, 7);
	named_thread(f, 0, "main");
	columns(f, 0, 3, a);
	rec_u(f, PERFSHIM_REC_SYNC, 12345);
	columns(f, 1, 1, b);
	named_thread(f, 1, "worker");
	columns(f, 0, 2, b);
}

/* unsplit of [p, p + n): 0 with its bytes in *out, or -1. */
static int back(const uint8_t *p, size_t n, struct buf *out)
{
	const char *why = NULL;
	size_t len = 0;
	int r = frame_unsplit(p, n, &out->p, &out->cap, &len, &why);

	out->len = r ? 0 : len;
	return r;
}

static int names_seen;

static int on_thread(void *ctx, uint32_t index, uint64_t tid, const char *name)
{
	(void)ctx;
	names_seen += index == 1 && tid == 1001 && !strcmp(name, "worker");
	return 0;
}

/* A trace of major maj whose one frame is f split; 0 if it reads (the
 * reader then decodes f's records: no COLUMNS of made-up bytes). */
static int read_split(unsigned maj, const struct buf *f)
{
	struct buf file = { 0 }, s = { 0 };
	struct trace_visitor v = { .thread = on_thread };

	s.cap = f->len + PERFSHIM_SPLIT_SLACK;
	s.p = malloc(s.cap);
	s.len = s.p ? perfshim_split_frame(f->p, f->len, s.p, s.cap) : 0;
	header_minor(&file, maj, PERFSHIM_FORMAT_MINOR);
	add_frame(&file, &s);

	struct trace_reader *r =
		trace_reader_open_mem(file.p, file.len, "t_split");
	int rc = -1;

	if (r) {
		trace_reader_quiet(r); /* no END record */
		rc = trace_reader_run(r, &v);
	}
	trace_reader_free(r);
	free(file.p);
	free(s.p);
	return rc;
}

int main(void)
{
	struct buf f = { 0 }, out = { 0 }, plain = { 0 }, bad = { 0 };
	uint8_t s[4096], t[4096];
	size_t n;

	plan(14);
	sample_frame(&f);
	n = perfshim_split_frame(f.p, f.len, s, sizeof(s));
	ok(n > 0 && s[0] == PERFSHIM_REC_SPLIT, "a frame splits, tagged SPLIT");
	ok(n <= f.len + PERFSHIM_SPLIT_SLACK, "within the slack: %zu of %zu", n,
	   f.len);
	ok(!back(s, n, &out) && out.len == f.len && !memcmp(out.p, f.p, f.len),
	   "put back together: the frame's bytes again");
	/* The columns follow the skeleton, each whole: the 200 bytes of
	 * column 5 of the first COLUMNS record lie end to end. */
	int side =
		n > 19 + 200 && s[n - 19] == 6 * 16 && s[n - 1] == 6 * 16 + 8;

	for (size_t i = 0; side && i < 200; i++)
		side = s[n - 19 - 200 + i] == (uint8_t)(5 * 16 + i);
	ok(side, "the columns last, column 5's bytes whole before column 6's");
	ok(perfshim_split_frame(f.p, f.len, s, f.len) == 0,
	   "too little room: 0, the frame goes whole");

	rec_u(&plain, PERFSHIM_REC_FRAME, 0);
	named_thread(&plain, 1, "worker");
	n = perfshim_split_frame(plain.p, plain.len, t, sizeof(t));
	ok(n > 0 && !back(t, n, &out) && out.len == plain.len &&
		   !memcmp(out.p, plain.p, plain.len),
	   "a frame without COLUMNS: split and back");

	/* A COLUMNS record one byte longer than its columns. */
	put(&bad, f.p, f.len);
	put_byte(&bad, PERFSHIM_REC_COLUMNS);
	put_u(&bad, 10);
	for (int i = 0; i < 10; i++)
		put_byte(&bad, i < 2 ? 1 : 0); /* thread 1, 1 event, 7 x 0 */
	ok(perfshim_split_frame(bad.p, bad.len, t, sizeof(t)) == 0,
	   "COLUMNS that do not fill their record: not split");
	bad.len = f.len;
	put_byte(&bad, PERFSHIM_REC_SYNC);
	put_u(&bad, 5); /* 5 bytes announced, 1 there */
	put_byte(&bad, 1);
	ok(perfshim_split_frame(bad.p, bad.len, t, sizeof(t)) == 0,
	   "a record past the frame's end: not split");

	n = perfshim_split_frame(f.p, f.len, s, sizeof(s));
	int cut_ok = 1;

	for (size_t k = 0; k < n; k++)
		cut_ok &= back(s, k, &out) == -1;
	ok(cut_ok, "every prefix of a split frame is refused");

	/* Each byte changed two ways: refused, or records no longer than
	 * the split frame (never an overrun: ASan builds check it). */
	int held = 1, refused = 0;

	for (size_t k = 1; k < n; k++) {
		for (int m = 0; m < 2; m++) {
			memcpy(t, s, n);
			t[k] = m ? (uint8_t)(t[k] ^ 1) : 0xff;
			if (back(t, n, &out))
				refused++;
			else
				held &= out.len <= n;
		}
	}
	ok(held, "altered split frames never grow past their bytes");
	ok(refused > 0, "altered split frames are refused (%d of %zu)", refused,
	   2 * (n - 1));
	s[n] = 0;
	ok(back(s, n + 1, &out) == -1, "a byte past the columns: refused");

	ok(read_split(PERFSHIM_FORMAT_MAJOR, &plain) == 0 && names_seen == 1,
	   "the reader reads a split frame of a 4.x trace");
	ok(read_split(3, &plain) != 0, "and refuses one in a 3.x trace");
	free(f.p);
	free(out.p);
	free(plain.p);
	free(bad.p);
	return exit_status();
}
