/* t_classify.c - SCAN verdicts applied to the live blocks of a replay. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "classify.h"
#include "leaks.h"
#include "perfshim_trace.h"
#include "reader.h"
#include "replay.h"
#include "tap.h"
#include "tracebuf.h"
#include "tee.h"

/* A SCAN record at ts with n verdicts {addr, size, kind} (sorted). */
static void scan_rec(struct buf *frame, uint64_t ts, const uint64_t (*v)[3],
		     size_t n)
{
	struct buf p = { 0 };
	uint64_t prev = 0;

	put_u(&p, ts);
	put_u(&p, PERFSHIM_SCAN_AT_EXIT);
	put_u(&p, 1); /* threads stopped */
	put_u(&p, 0); /* missed */
	put_u(&p, n);
	for (size_t i = 0; i < n; i++) {
		put_u(&p, v[i][0] - prev);
		prev = v[i][0];
		put_u(&p, v[i][1]);
		put_u(&p, v[i][2]);
	}
	rec(frame, PERFSHIM_REC_SCAN, &p);
	free(p.p);
}

/*
 * Blocks at 0x1000 (16 bytes, ts 10), 0x2000 (32, ts 20), 0x3000 (48, ts
 * 30); a scan at ts 35 says definite, reachable, possible. Then 0x3000 is
 * freed and a new 48-byte block takes its address at ts 50, after the
 * scan; 0x4000 (64) comes at ts 60. With later set, a second scan at ts 70
 * says 0x1000 is reachable.
 */
static void trace(struct buf *file, int later, const struct buf *extra)
{
	struct buf f = { 0 };
	uint32_t par[] = { 0 };
	uint64_t ip[] = { 0xA1 };
	const struct alloc_ev e1[] = {
		{ 10, 1, 0x1000, 16, 1 },
		{ 10, 1, 0x2000, 32, 1 },
		{ 10, 1, 0x3000, 48, 1 },
	};
	const struct alloc_ev e2[] = {
		{ 10, 0, 0x3000, 0, 0 },
		{ 10, 1, 0x3000, 48, 1 },
		{ 10, 1, 0x4000, 64, 1 },
	};
	const uint64_t v1[][3] = {
		{ 0x1000, 16, PERFSHIM_SCAN_DEFINITE },
		{ 0x2000, 32, PERFSHIM_SCAN_REACHABLE },
		{ 0x3000, 48, PERFSHIM_SCAN_POSSIBLE },
	};
	const uint64_t v2[][3] = {
		{ 0x1000, 16, PERFSHIM_SCAN_REACHABLE },
	};

	header_minor(file, PERFSHIM_FORMAT_MAJOR, 1);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	nodes_rec(&f, 1, par, ip, 1);
	alloc_chunk(&f, 0, e1, 3);
	scan_rec(&f, 35, v1, 3);
	alloc_chunk(&f, 0, e2, 3);
	if (later)
		scan_rec(&f, 70, v2, 1);
	if (extra)
		put(&f, extra->p, extra->len);
	rec_u(&f, PERFSHIM_REC_SYNC, 1000);
	add_frame(file, &f);
	free(f.p);
}

struct result {
	int rc;
	char err[4096];
	int kind[5]; /* of 0x1000, 0x2000, 0x3000, 0x4000 */
	uint64_t scans;
};

static int kind_at(const struct replay *rp, const struct classify *c,
		   uint64_t addr)
{
	for (size_t i = 0; i < rp->live_cap; i++)
		if (rp->live[i].addr == addr)
			return classify_kind(c, &rp->live[i]);
	return -1;
}

static struct result run(const struct buf *file)
{
	struct result res = { 0 };
	struct trace_reader *r = trace_reader_open_mem(file->p, file->len, "t");
	struct replay rp;
	struct classify c;
	struct trace_visitor v, cv;
	struct visitor_tee tee;

	replay_init(&rp);
	replay_visitor(&rp, &v);
	classify_init(&c, r);
	classify_visitor(&c, &cv);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &v);
	visitor_tee_add(&tee, &cv);
	capture_start();
	res.rc = trace_reader_run(r, &tee.out);
	snprintf(res.err, sizeof(res.err), "%s", capture_end());
	for (int i = 0; i < 4; i++)
		res.kind[i] = kind_at(&rp, &c, 0x1000 * (uint64_t)(i + 1));
	res.scans = c.scans;
	classify_release(&c);
	replay_release(&rp);
	trace_reader_free(r);
	return res;
}

static void test_verdicts(void)
{
	struct buf file = { 0 };
	struct result r;

	trace(&file, 0, NULL);
	r = run(&file);
	is_int(r.rc, 0, "a trace with a SCAN record reads");
	is_int(r.kind[0], LEAK_DEFINITE, "a verdict for the block: definite");
	is_int(r.kind[1], LEAK_REACHABLE, "another: reachable");
	is_int(r.kind[2], LEAK_UNCLASSIFIED,
	       "an address reused after the scan: no verdict");
	is_int(r.kind[3], LEAK_UNCLASSIFIED,
	       "a block allocated after the scan: unclassified");
	free(file.p);
	memset(&file, 0, sizeof(file));
	trace(&file, 1, NULL);
	r = run(&file);
	is_int(r.kind[0], LEAK_REACHABLE, "a later scan's verdict wins");
	is_uint(r.scans, 2, "two scans counted");
	free(file.p);
}

/* A corrupt SCAN payload: the run fails with one line. */
static void bad_scan(const char *name, const uint64_t *words, size_t n)
{
	struct buf file = { 0 }, p = { 0 }, extra = { 0 };

	for (size_t i = 0; i < n; i++)
		put_u(&p, words[i]);
	rec(&extra, PERFSHIM_REC_SCAN, &p);
	trace(&file, 0, &extra);
	struct result r = run(&file);

	is_int(r.rc, -1, name);
	ok(strstr(r.err, "corrupt SCAN record") != NULL &&
		   strchr(r.err, '\n') == strrchr(r.err, '\n'),
	   "%s: one line says so", name);
	free(file.p);
	free(p.p);
	free(extra.p);
}

static void test_corrupt(void)
{
	const uint64_t truncated[] = { 40, 0, 1 };
	const uint64_t too_many[] = { 40, 0, 1, 0, 1000, 0x5000, 8, 0 };
	const uint64_t bad_kind[] = { 40, 0, 1, 0, 1, 0x5000, 8, 9 };
	const uint64_t unsorted[] = { 40, 0, 1, 0, 2, 0x5000, 8, 0, 0, 8, 0 };
	const uint64_t trailing[] = { 40, 0, 1, 0, 1, 0x5000, 8, 0, 7 };
	const uint64_t zero[] = { 40, 0, 1, 0, 1, 0, 8, 0 };

	bad_scan("a truncated header", truncated, 3);
	bad_scan("more verdicts than bytes", too_many, 8);
	bad_scan("an unknown kind", bad_kind, 8);
	bad_scan("addresses out of order", unsorted, 11);
	bad_scan("bytes after the verdicts", trailing, 9);
	bad_scan("a verdict for address 0", zero, 8);
}

static void test_kinds_parse(void)
{
	unsigned m = 0;

	ok(!leak_kinds_parse("definite,possible", &m) &&
		   m == (1u << LEAK_DEFINITE | 1u << LEAK_POSSIBLE),
	   "--leak-kinds definite,possible");
	ok(!leak_kinds_parse("all", &m) && m == (1u << LEAK_KINDS) - 1,
	   "--leak-kinds all");
	ok(leak_kinds_parse("definite,", &m) < 0,
	   "a trailing comma is refused");
	ok(leak_kinds_parse("lost", &m) < 0,
	   "a word that is no kind is refused");
	ok(leak_kinds_parse("", &m) < 0, "an empty list is refused");
}

int main(void)
{
	plan(24);
	test_verdicts();
	test_corrupt();
	test_kinds_parse();
	return exit_status();
}
