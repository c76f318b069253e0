/* t_hotspots.c - the hot-spot collector and reports on traces built in memory. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "hotspots.h"
#include "perfshim_trace.h"
#include "reader.h"
#include "render.h"
#include "replay.h"
#include "symbols.h"
#include "tap.h"
#include "tracebuf.h"

static void header(struct buf *file)
{
	header_minor(file, PERFSHIM_FORMAT_MAJOR, 1);
}
#include "tee.h"

/* A frame record, a thread, nodes 1 (root child) and 2 (child of 1). */
static void start(struct buf *frame)
{
	struct buf p = { 0 };

	put_u(&p, 0);
	rec(frame, PERFSHIM_REC_FRAME, &p);
	p.len = 0;
	put_u(&p, 0);
	put_u(&p, 100);
	put_u(&p, 0);
	rec(frame, PERFSHIM_REC_THREAD, &p);
	p.len = 0;
	put_u(&p, 1); /* first id */
	put_u(&p, 2); /* count */
	put_u(&p, 1); /* 1 - parent 0 */
	put_u(&p, perfshim_zigzag(0x1000));
	put_u(&p, 1); /* 2 - parent 1 */
	put_u(&p, perfshim_zigzag(0x10));
	rec(frame, PERFSHIM_REC_NODES, &p);
	p.len = 0;
	put_u(&p, 1);
	put_u(&p, 5);
	put(&p, "outer", 5);
	rec(frame, PERFSHIM_REC_STRING, &p);
	p.len = 0;
	put_u(&p, 2);
	put_u(&p, 5);
	put(&p, "inner", 5);
	rec(frame, PERFSHIM_REC_STRING, &p);
	free(p.p);
}

static void timing(struct buf *frame, const struct buf *payload)
{
	rec(frame, PERFSHIM_REC_TIMING, payload);
}

/* Run file through replay and the collector; the report of o in *text. */
static int run(const struct buf *file, const struct hot_options *o, char **text,
	       const char **err)
{
	struct trace_reader *r = trace_reader_open_mem(file->p, file->len, "t");
	struct replay rp;
	struct trace_visitor v, hv;
	struct visitor_tee tee;
	struct hotspots *h;
	size_t len = 0;
	int rc;

	*text = NULL;
	if (!r)
		return -2;
	replay_init(&rp);
	replay_visitor(&rp, &v);
	h = hotspots_new(&rp, r);
	hotspots_visitor(h, &hv);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &v);
	visitor_tee_add(&tee, &hv);
	capture_start();
	rc = trace_reader_run(r, &tee.out);
	*err = capture_end();
	if (rc == 0 && o) {
		struct symbols *s = symbols_new();
		FILE *out = open_memstream(text, &len);

		struct hot_result hr;

		rc = hotspots_collect(h, s, o, &hr);
		if (!rc)
			rc = o->json ? render_hotspots_json(&hr, NULL, out)
				     : render_hotspots_text(&hr, out);
		hot_result_release(&hr);
		fclose(out);
		symbols_free(s);
	}
	hotspots_free(h);
	replay_release(&rp);
	trace_reader_free(r);
	return rc;
}

static void test_report(void)
{
	struct buf file = { 0 }, frame = { 0 }, p = { 0 };
	struct hot_options o = { .mode = HOT_CPU, .thread = -1, .json = 1 };
	const char *err;
	char *text;

	header(&file);
	start(&frame);
	put_u(&p, PERFSHIM_TIMING_SAMPLER);
	put_u(&p, 1000000);
	put_u(&p, 3);
	put_u(&p, 1);
	put_u(&p, 0);
	put_u(&p, 0);
	timing(&frame, &p);
	p.len = 0;
	put_u(&p, PERFSHIM_TIMING_PATHS);
	put_u(&p, 0); /* thread */
	put_u(&p, 0);
	put_u(&p, 0);
	put_u(&p, 2);
	put_u(&p, 1); /* outer */
	put_u(&p, PERFSHIM_PATH_ZONE);
	put_u(&p, 1);
	put_u(&p, 1);
	put_u(&p, 5000);
	put_u(&p, 2000);
	put_u(&p, 1); /* outer;inner */
	put_u(&p, PERFSHIM_PATH_ZONE);
	put_u(&p, 2);
	put_u(&p, 3);
	put_u(&p, 3000);
	put_u(&p, 3000);
	timing(&frame, &p);
	/* Three samples on stack 2, allocations on stacks 1 and 2. */
	p.len = 0;
	put_u(&p, 0);
	for (int i = 0; i < 3; i++) {
		put_byte(&p, PERFSHIM_EV_SAMPLE);
		put_u(&p, 10);
		put_u(&p, 2);
	}
	put_byte(&p, PERFSHIM_EV_ALLOC); /* A: 100 at stack 1 */
	put_u(&p, 1);
	put_u(&p, 100);
	put_u(&p, 0x5000);
	put_u(&p, 1);
	put_byte(&p, PERFSHIM_EV_ALLOC); /* B: 50 at stack 2; peak 150 */
	put_u(&p, 1);
	put_u(&p, 50);
	put_u(&p, 0x6000);
	put_u(&p, 2);
	put_byte(&p, PERFSHIM_EV_FREE); /* A freed: not right after it */
	put_u(&p, 1);
	put_u(&p, 0x5000);
	put_byte(&p, PERFSHIM_EV_ALLOC); /* B': 200 at stack 2; peak 250 */
	put_u(&p, 1);
	put_u(&p, 200);
	put_u(&p, 0x7000);
	put_u(&p, 2);
	put_byte(&p, PERFSHIM_EV_FREE); /* B' at once: a temporary */
	put_u(&p, 1);
	put_u(&p, 0x7000);
	rec(&frame, PERFSHIM_REC_CHUNK, &p);
	p.len = 0;
	put_u(&p, 1000);
	rec(&frame, PERFSHIM_REC_SYNC, &p);
	add_frame(&file, &frame);

	is_int(run(&file, &o, &text, &err), 0, "a good trace reports");
	ok(text && strstr(text, "\"samples\":3"), "3 samples");
	ok(text && strstr(text, "\"self_samples\":3"), "all self in one leaf");
	ok(text && strstr(text,
			  "\"path\":[\"outer\",\"inner\"],\"kind\":\"zone\",\"name\":\"inner\""),
	   "the zone path outer;inner");
	ok(text && strstr(text, "\"calls\":3,\"total_ns\":3000"),
	   "inner's calls and time");
	ok(text && strstr(text, "\"in_shim\":1"), "dropped counts");
	free(text);

	o.mode = HOT_SITES;
	o.key = HOT_BY_PEAK;
	is_int(run(&file, &o, &text, &err), 0, "--by peak");
	ok(text && strstr(text,
			  "\"peak_bytes\":250,\"sites\":[{\"allocs\":2,\"bytes\":250,\"peak_bytes\":250,\"temporary\":1"),
	   "the site of the peak: 250 bytes, one temporary");
	ok(text && !strstr(text, "\"allocs\":1,"),
	   "the site freed before the peak is not in it");
	free(text);

	o.mode = HOT_FLAME;
	o.key = HOT_METRIC_CPU;
	o.json = 0;
	is_int(run(&file, &o, &text, &err), 0, "--flamegraph");
	ok(text && !strcmp(text, "??;?? 3\n"), "one collapsed line: %s",
	   text ? text : "(none)");
	free(text);
	free(file.p);
	free(frame.p);
	free(p.p);
}

/* A trace whose one TIMING record has payload bad[0..n). */
static void bad_paths(const uint64_t *v, size_t n, const char *name)
{
	struct buf file = { 0 }, frame = { 0 }, p = { 0 };
	const char *err;
	char *text;

	header(&file);
	start(&frame);
	for (size_t i = 0; i < n; i++)
		put_u(&p, v[i]);
	timing(&frame, &p);
	add_frame(&file, &frame);
	ok(run(&file, NULL, &text, &err) == -1, "%s: refused", name);
	is_error_line(err, "timing record", name);
	free(file.p);
	free(frame.p);
	free(p.p);
}

static void test_bad_records(void)
{
	const uint64_t zero_parent[] = { 2, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1 };
	const uint64_t far_parent[] = { 2, 0, 0, 0, 1, 2, 0, 1, 1, 1, 1 };
	const uint64_t bad_type[] = { 2, 0, 0, 0, 1, 1, 7, 1, 1, 1, 1 };
	const uint64_t short_path[] = { 2, 0, 0, 0, 2, 1, 0, 1, 1, 1, 1, 1 };
	const uint64_t huge_count[] = { 2, 0, 0, 0, 1ull << 40 };
	const uint64_t short_sampler[] = { 1, 1000 };
	const uint64_t bad_zone[] = { 2, 0, 0, 0, 1, 1, 1, 1ull << 33, 1, 1, 1 };

	bad_paths(zero_parent, 11, "a path that is its own parent");
	bad_paths(far_parent, 11, "a parent before the first path");
	bad_paths(bad_type, 11, "an unknown path type");
	bad_paths(short_path, 12, "a record cut inside a path");
	bad_paths(huge_count, 5, "more paths than bytes");
	bad_paths(short_sampler, 2, "a short sampler record");
	bad_paths(bad_zone, 11, "a zone name past the string ids");

	/* A kind from a newer minor is skipped. */
	struct buf file = { 0 }, frame = { 0 }, p = { 0 };
	const char *err;
	char *text;

	header(&file);
	start(&frame);
	put_u(&p, 99);
	put_u(&p, 1);
	timing(&frame, &p);
	add_frame(&file, &frame);
	is_int(run(&file, NULL, &text, &err), 0, "an unknown kind is skipped");
	free(file.p);
	free(frame.p);
	free(p.p);
}

/* A trace of one chain of depth zone paths, each the child of the last. */
static void chain(struct buf *file, size_t depth)
{
	struct buf frame = { 0 }, p = { 0 };

	header(file);
	start(&frame);
	put_u(&p, PERFSHIM_TIMING_PATHS);
	put_u(&p, 0); /* thread */
	put_u(&p, 0);
	put_u(&p, 0);
	put_u(&p, depth);
	for (size_t i = 0; i < depth; i++) {
		put_u(&p, 1); /* the previous path (the root for the first) */
		put_u(&p, PERFSHIM_PATH_ZONE);
		put_u(&p, 1 + i % 2); /* outer, inner, outer, ... */
		put_u(&p, 1);
		put_u(&p, 1000);
		put_u(&p, 10);
	}
	timing(&frame, &p);
	add_frame(file, &frame);
	free(frame.p);
	free(p.p);
}

/*
 * A chain of timed paths deeper than the shim writes is corrupt: each
 * path cost a copy of its whole chain's names, and a 4 KB trace took
 * more than 4 GB and 11 minutes. One as deep as the shim writes reports,
 * each path named root first.
 */
static void test_deep_chain(void)
{
	struct hot_options o = { .mode = HOT_CPU, .thread = -1, .json = 1 };
	struct buf file = { 0 };
	const char *err;
	char *text;

	chain(&file, HOT_TIMING_DEPTH_MAX + 1);
	ok(run(&file, &o, &text, &err) == -1, "a chain of 513: refused");
	is_error_line(
		err,
		"corrupt trace: a timed call path 513 deep, deeper than the shim records (512)",
		"  saying how deep");
	free(text);
	free(file.p);

	memset(&file, 0, sizeof(file));
	chain(&file, HOT_TIMING_DEPTH_MAX);
	is_int(run(&file, &o, &text, &err), 0, "a chain of 512 reports");
	ok(text && strstr(text, "\"path\":[\"outer\",\"inner\",\"outer\"],"
				"\"kind\":\"zone\",\"name\":\"outer\""),
	   "  its third path named root first");
	free(text);
	free(file.p);
}

/* A zone's name with a newline and ESC is escaped in the text report. */
static void test_text_escapes(void)
{
	struct hot_options o = { .mode = HOT_CPU, .thread = -1 };
	struct buf file = { 0 }, frame = { 0 }, p = { 0 };
	const char *err;
	char *text;

	header(&file);
	start(&frame);
	put_u(&p, 3);
	put_u(&p, 9);
	put(&p, "bad\nzone\033", 9);
	rec(&frame, PERFSHIM_REC_STRING, &p);
	p.len = 0;
	put_u(&p, PERFSHIM_TIMING_PATHS);
	put_u(&p, 0); /* thread */
	put_u(&p, 0);
	put_u(&p, 0);
	put_u(&p, 1);
	put_u(&p, 1); /* the root's child */
	put_u(&p, PERFSHIM_PATH_ZONE);
	put_u(&p, 3);
	put_u(&p, 2);
	put_u(&p, 1000);
	put_u(&p, 1000);
	timing(&frame, &p);
	add_frame(&file, &frame);
	is_int(run(&file, &o, &text, &err), 0, "a zone named with controls");
	ok(text && !strchr(text, '\033') && strstr(text, "bad\\nzone\\x1b"),
	   "  its name escaped in the text");
	ok(text && !strstr(text, "\nzone"), "  on one line");
	free(text);
	free(file.p);
	free(frame.p);
	free(p.p);
}

static void test_parse(void)
{
	is_int(hotspots_parse("peak", 1), HOT_BY_PEAK, "--by peak");
	is_int(hotspots_parse("peak", 0), -1, "no --metric peak");
	is_int(hotspots_parse("leaked", 0), HOT_METRIC_LEAKED,
	       "--metric leaked");
	is_int(hotspots_parse("leaked", 1), -1, "no --by leaked");
	is_int(hotspots_parse("cpu", 0), HOT_METRIC_CPU, "--metric cpu");
	is_int(hotspots_parse("", 1), -1, "empty");
}

int main(void)
{
	test_report();
	test_bad_records();
	test_deep_chain();
	test_text_escapes();
	test_parse();
	done_testing();
	return exit_status();
}
