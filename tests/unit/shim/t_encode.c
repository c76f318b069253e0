/*
 * t_encode - records the shim's encoder builds (encode.h) read back by the
 * analyzer's reader: a THREAD, a STRING and a CHUNK of events whose
 * values need every varint length; and the encoder's overflow contract.
 */
#include <stdint.h>

#include "encode.h"
#include "reader.h"
#include "tap.h"
#include "tracebuf.h"

#define BIG_SIZE ((1ull << 40) + 5)
#define BIG_ADDR 0x7fffdeadbee0ull

struct seen {
	uint64_t tid;
	uint32_t index;
	char name[32], text[32];
	uint32_t string_id;
	struct trace_event ev[4];
	int n;
};

static int on_thread(void *ctx, uint32_t index, uint64_t tid, const char *name)
{
	struct seen *s = ctx;

	s->index = index;
	s->tid = tid;
	snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

static int on_string(void *ctx, uint32_t id, const char *text)
{
	struct seen *s = ctx;

	s->string_id = id;
	snprintf(s->text, sizeof(s->text), "%s", text);
	return 0;
}

static int on_event(void *ctx, const struct trace_event *ev)
{
	struct seen *s = ctx;

	if (s->n < 4)
		s->ev[s->n] = *ev;
	s->n++;
	return 0;
}

/* A top-level record of the payload e built, into frame. */
static void add(struct buf *frame, uint8_t tag, const struct enc *e)
{
	struct buf p = { e->p, e->len, e->cap };

	rec(frame, tag, &p);
}

static void encode(struct buf *frame)
{
	uint8_t b[256];
	struct enc e = { b, 0, sizeof(b) };
	const char *zone = "zone \xe2\x80\x94 one";

	enc_u(&e, 3); /* THREAD: index 3, its tid, its name */
	enc_u(&e, 4194303);
	enc_str(&e, "worker-3");
	add(frame, PERFSHIM_REC_THREAD, &e);
	e.len = 0; /* STRING as strings.c writes it */
	enc_u(&e, 1);
	enc_u(&e, strlen(zone));
	enc_bytes(&e, zone, strlen(zone));
	add(frame, PERFSHIM_REC_STRING, &e);
	e.len = 0; /* CHUNK of thread 3: calloc, free, a mark */
	enc_u(&e, 3);
	enc_u(&e, PERFSHIM_EV_ALLOC | PERFSHIM_FN_CALLOC);
	enc_u(&e, 1000);
	enc_u(&e, BIG_SIZE);
	enc_u(&e, BIG_ADDR);
	enc_u(&e, 0);
	enc_u(&e, PERFSHIM_EV_FREE);
	enc_u(&e, UINT32_MAX);
	enc_u(&e, BIG_ADDR);
	enc_u(&e, PERFSHIM_EV_MARK);
	enc_u(&e, 1);
	enc_u(&e, 1);
	add(frame, PERFSHIM_REC_CHUNK, &e);
}

int main(void)
{
	struct buf file = { 0 }, frame = { 0 };
	struct seen s = { 0 };
	struct trace_visitor v = { .ctx = &s,
				   .thread = on_thread,
				   .string = on_string,
				   .event = on_event };
	uint8_t small[16 + 4] = { 0 }; /* 4 canary bytes past cap */
	struct enc e = { small, 0, 16 };

	plan(14);
	header_minor(&file, PERFSHIM_FORMAT_MAJOR, PERFSHIM_FORMAT_MINOR);
	rec_u(&frame, PERFSHIM_REC_FRAME, 0);
	encode(&frame);
	rec_u(&frame, PERFSHIM_REC_SYNC, UINT64_MAX >> 1);
	add_frame(&file, &frame);

	struct trace_reader *r =
		trace_reader_open_mem(file.p, file.len, "t_encode");

	if (r)
		trace_reader_quiet(r); /* no END record: not a complete trace */
	ok(r && !trace_reader_run(r, &v), "the reader reads it all");
	is_uint(s.index, 3, "THREAD: index");
	is_uint(s.tid, 4194303, "THREAD: tid (a 3-byte varint)");
	is_str(s.name, "worker-3", "THREAD: name");
	is_uint(s.string_id, 1, "STRING: id");
	is_str(s.text, "zone \xe2\x80\x94 one", "STRING: text, bytes kept");
	is_int(s.n, 3, "CHUNK: three events");
	ok(s.ev[0].kind == PERFSHIM_EV_ALLOC &&
		   s.ev[0].fn == PERFSHIM_FN_CALLOC && s.ev[0].thread == 3,
	   "the calloc, on thread 3");
	ok(s.ev[0].size == BIG_SIZE && s.ev[0].addr == BIG_ADDR, "its 6-byte "
								 "size and "
								 "address");
	ok(s.ev[1].kind == PERFSHIM_EV_FREE && s.ev[1].addr == BIG_ADDR &&
		   s.ev[1].ts == 1000 + (uint64_t)UINT32_MAX,
	   "the free, after a 5-byte time delta");
	ok(s.ev[2].kind == PERFSHIM_EV_MARK && s.ev[2].label == 1, "the mark, "
								   "with its "
								   "label");
	trace_reader_free(r);

	enc_u(&e, 1);
	ok(e.len == 1, "enc_u: one byte for 1");
	enc_bytes(&e, "0123456789abcdef", 16);
	ok(e.len > e.cap, "a write past cap: len > cap");
	enc_str(&e, "x");
	ok(e.len > e.cap && !memcmp(small + 1, "\0\0\0\0", 4) &&
		   !memcmp(small + 16, "\0\0\0\0", 4),
	   "and stays so, writing nothing");
	free(file.p);
	free(frame.p);
	return exit_status();
}
