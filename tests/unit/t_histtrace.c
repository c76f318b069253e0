/*
 * t_histtrace.c - HISTOGRAM records through the reader: decoded, merged
 * across threads, converted from the TSC clock to ns; corrupt records are
 * refused and records of other bucket widths skipped.
 *
 * With a trace file as its argument it prints, instead, one line per zone
 * and instrumented function of that trace, merged over its threads:
 *   zone NAME count P50 P90 P95 P99 MAX lost LOST
 *   function NAME count ...
 * (durations in ns), for the integration tests (t0600) until --hotspots
 * shows percentiles.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "perfshim_trace.h"
#include "reader.h"
#include "replay.h"
#include "symbols.h"
#include "tee.h"
#include "tap.h"
#include "tracebuf.h"

/* Histograms by (type, value), merged over threads. */
struct coll {
	struct {
		uint32_t type;
		uint64_t value;
		struct hist h;
	} e[64];
	size_t n;
	uint64_t lost, records;
};

static int on_hists(void *ctx, const struct trace_hists *th)
{
	struct coll *c = ctx;

	c->records++;
	c->lost += th->lost;
	for (size_t i = 0; i < th->n; i++) {
		const struct trace_hist_fn *f = &th->fn[i];
		size_t j = 0;

		while (j < c->n &&
		       (c->e[j].type != f->type || c->e[j].value != f->value))
			j++;
		if (j == c->n) {
			if (c->n == 64)
				continue;
			c->e[j].type = f->type;
			c->e[j].value = f->value;
			hist_init(&c->e[j].h);
			c->n++;
		}
		if (hist_merge(&c->e[j].h, f->index, f->count, f->n))
			return -1;
	}
	return 0;
}

static void coll_release(struct coll *c)
{
	for (size_t i = 0; i < c->n; i++)
		hist_release(&c->e[i].h);
	memset(c, 0, sizeof(*c));
}

/* Read r into c (and rp, for names). Returns trace_reader_run's result. */
static int collect(struct trace_reader *r, struct replay *rp, struct coll *c)
{
	struct trace_visitor rv, cv = { 0 };
	struct visitor_tee tee;

	memset(c, 0, sizeof(*c));
	replay_init(rp);
	replay_visitor(rp, &rv);
	cv.ctx = c;
	cv.histograms = on_hists;
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &rv);
	visitor_tee_add(&tee, &cv);
	return trace_reader_run(r, &tee.out);
}

/* The name of the function at entry address a. */
static const char *fn_name(struct symbols *sy, const struct replay *rp,
			   uint64_t a)
{
	struct sym_frame fr[8];
	int n;

	for (size_t i = 0; i < rp->nmodules; i++) {
		const struct module_info *m = rp->modules[i];

		for (size_t s = 0; s < m->nsegs; s++) {
			if (a - m->segs[s].start >= m->segs[s].size)
				continue;
			n = symbols_lookup(sy, m, a, 0, fr, 8);
			return n ? fr[n - 1].function : "??";
		}
	}
	return "??";
}

static int dump(const char *path)
{
	struct trace_reader *r = trace_reader_open(path);
	struct symbols *sy = symbols_new();
	struct replay rp;
	struct coll c;

	if (!r || !sy || collect(r, &rp, &c))
		return 2;
	for (size_t i = 0; i < c.n; i++) {
		struct hist_summary s;

		hist_summarize(&c.e[i].h, &s);
		if (c.e[i].type == PERFSHIM_PATH_ZONE)
			printf("zone %s",
			       replay_string(&rp, (uint32_t)c.e[i].value));
		else
			printf("function %s", fn_name(sy, &rp, c.e[i].value));
		printf(" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		       " %" PRIu64 " %" PRIu64 " lost %" PRIu64 "\n",
		       s.count, s.p50, s.p90, s.p95, s.p99, s.max, c.lost);
	}
	coll_release(&c);
	replay_release(&rp);
	symbols_free(sy);
	trace_reader_free(r);
	return 0;
}

/*
 * A HISTOGRAM payload: thread, bits, lost, a function count of n, then the
 * functions fn[0..n) (only the first, when n is a corrupt claim > 4).
 */
struct fn_spec {
	uint64_t type, value, m;
	uint64_t delta[4], count[4];
};

static void hist_payload(struct buf *p, uint64_t thread, uint64_t bits,
			 const struct fn_spec *fn, size_t n)
{
	put_u(p, thread);
	put_u(p, bits);
	put_u(p, 3); /* lost */
	put_u(p, n);
	for (size_t i = 0; i < (n > 4 ? 1 : n); i++) {
		put_u(p, fn[i].type);
		put_u(p, fn[i].value);
		put_u(p, fn[i].m);
		for (size_t j = 0; j < fn[i].m && j < 4; j++) {
			put_u(p, fn[i].delta[j]);
			put_u(p, fn[i].count[j]);
		}
	}
}

/* A trace of two threads' histograms of zone 1 ("parse"). */
static void two_threads(struct buf *file, unsigned minor, uint64_t bits)
{
	struct buf f = { 0 }, p = { 0 };
	/* thread 0: 90 x 1000 ns (bucket 1000's index), 1 x 5 ns */
	uint32_t k = perfshim_hist_index(1000);
	struct fn_spec a[] = {
		{ PERFSHIM_PATH_ZONE, 1, 2, { 5, k - 5 }, { 1, 90 } }
	};
	/* thread 1: 10 x 1000 ns, and function 0x401000: 7 x 64 ns */
	struct fn_spec b[] = {
		{ PERFSHIM_PATH_ZONE, 1, 1, { k }, { 10 } },
		{ PERFSHIM_PATH_FUNCTION, 0x401000, 1, { 64 }, { 7 } },
	};

	header_minor(file, PERFSHIM_FORMAT_MAJOR, minor);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 1);
	put_str(&p, "parse");
	rec(&f, PERFSHIM_REC_STRING, &p);
	p.len = 0;
	hist_payload(&p, 0, bits, a, 1);
	rec(&f, PERFSHIM_REC_HISTOGRAM, &p);
	p.len = 0;
	hist_payload(&p, 1, PERFSHIM_HIST_SUB_BITS, b, 2);
	rec(&f, PERFSHIM_REC_HISTOGRAM, &p);
	add_frame(file, &f);
	free(f.p);
	free(p.p);
}

static int run_buf(const struct buf *file, struct coll *c, const char **err)
{
	struct trace_reader *r = trace_reader_open_mem(file->p, file->len, "t");
	struct replay rp;
	int rc;

	if (!r)
		return -2;
	capture_start();
	rc = collect(r, &rp, c);
	*err = capture_end();
	replay_release(&rp);
	trace_reader_free(r);
	return rc;
}

static void test_decode(void)
{
	struct buf file = { 0 };
	struct coll c;
	const char *err;

	two_threads(&file, 2, PERFSHIM_HIST_SUB_BITS);
	is_int(run_buf(&file, &c, &err), 0, "two threads' histograms read");
	ok(c.records == 2 && c.lost == 6, "both records, lost calls add up");
	ok(c.n == 2 && c.e[0].type == PERFSHIM_PATH_ZONE && c.e[0].value == 1,
	   "the zone and the function, one entry each");
	ok(c.e[0].h.total == 101 && c.e[0].h.n == 2 && c.e[0].h.index[0] == 5 &&
		   c.e[0].h.count[1] == 100,
	   "the zone merged over threads: 1 x 5 ns, 100 x 1000 ns");
	ok(c.e[1].h.total == 7 && c.e[1].h.index[0] == 64, "the function's 7 "
							   "calls of 64 ns");
	uint64_t p50 = hist_quantile(&c.e[0].h, 0.5);

	ok(p50 >= 992 && p50 <= 1008,
	   "p50 of the zone is 1000 ns (%" PRIu64 ")", p50);
	coll_release(&c);
	free(file.p);

	file = (struct buf){ 0 };
	two_threads(&file, 2, 5);
	is_int(run_buf(&file, &c, &err), 0, "other bucket widths: still reads");
	ok(c.records == 1 && strstr(err, "5-bit buckets skipped"), "and skips "
								   "that "
								   "record "
								   "with a "
								   "warning");
	coll_release(&c);
	free(file.p);

	file = (struct buf){ 0 };
	two_threads(&file, 1, PERFSHIM_HIST_SUB_BITS);
	is_int(run_buf(&file, &c, &err), -1,
	       "a HISTOGRAM record in a minor-1 trace is corruption");
	coll_release(&c);
	free(file.p);
}

/* The first record of an otherwise valid trace replaced by spec. */
static int run_one(const struct fn_spec *spec, uint64_t n, const char **err)
{
	struct buf file = { 0 }, f = { 0 }, p = { 0 };
	struct coll c;
	int rc;

	header_minor(&file, PERFSHIM_FORMAT_MAJOR, 2);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	hist_payload(&p, 0, PERFSHIM_HIST_SUB_BITS, spec, n);
	rec(&f, PERFSHIM_REC_HISTOGRAM, &p);
	add_frame(&file, &f);
	rc = run_buf(&file, &c, err);
	coll_release(&c);
	free(file.p);
	free(f.p);
	free(p.p);
	return rc;
}

static void test_corrupt(void)
{
	static const struct {
		const char *name;
		struct fn_spec fn;
	} bad[] = {
		{ "a later bucket with delta 0",
		  { PERFSHIM_PATH_ZONE, 1, 2, { 3, 0 }, { 1, 1 } } },
		{ "a bucket with count 0",
		  { PERFSHIM_PATH_ZONE, 1, 1, { 3 }, { 0 } } },
		{ "an index past the last bucket",
		  { PERFSHIM_PATH_ZONE,
		    1,
		    1,
		    { PERFSHIM_HIST_BUCKETS },
		    { 1 } } },
		{ "an unknown type", { 2, 1, 1, { 3 }, { 1 } } },
		{ "zone string id 0",
		  { PERFSHIM_PATH_ZONE, 0, 1, { 3 }, { 1 } } },
		{ "no buckets", { PERFSHIM_PATH_ZONE, 1, 0, { 0 }, { 0 } } },
		{ "more buckets than bytes",
		  { PERFSHIM_PATH_ZONE, 1, 9, { 3 }, { 1 } } },
	};
	const char *err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = run_one(&bad[i].fn, 1, &err);

		ok(rc == -1 && strstr(err, "bad histogram record"),
		   "corrupt: %s", bad[i].name);
	}
	ok(run_one(&bad[0].fn, 1000, &err) == -1 && strstr(err, "bad histogram "
								"record"),
	   "corrupt: more functions than bytes");
	struct fn_spec last = { PERFSHIM_PATH_FUNCTION,
				1,
				1,
				{ PERFSHIM_HIST_BUCKETS - 1 },
				{ 1 } };

	is_int(run_one(&last, 1, &err), 0, "the last bucket is fine");
}

/* A TSC trace at 4 ns a tick: 100 calls of 250 ticks are 1000 ns. */
static void test_tsc(void)
{
	struct buf file = { 0 }, f = { 0 }, p = { 0 }, body = { 0 };
	uint16_t maj = PERFSHIM_FORMAT_MAJOR, min = 2;
	struct fn_spec z = {
		PERFSHIM_PATH_ZONE, 1, 1, { perfshim_hist_index(250) }, { 100 }
	};
	struct coll c;
	const char *err;

	put_u(&body, 42);
	put_u(&body, 1);
	put_u(&body, 0);
	put_u(&body, PERFSHIM_CLOCK_TSC);
	for (int i = 0; i < 4; i++)
		put_u(&body, i == 1 ? 4096 : i == 2 ? 8 : 1);
	put_str(&body, "/bin/test");
	put_str(&body, "test");
	uint32_t blen = (uint32_t)body.len;

	put(&file, PERFSHIM_MAGIC, PERFSHIM_MAGIC_LEN);
	put(&file, &maj, 2);
	put(&file, &min, 2);
	put(&file, &blen, 4);
	put(&file, body.p, body.len);
	rec_u(&f, PERFSHIM_REC_FRAME, 0);
	put_u(&p, 0);
	put_u(&p, 0);
	rec(&f, PERFSHIM_REC_CLOCK, &p);
	p.len = 0;
	put_u(&p, 1000000);
	put_u(&p, 4000000);
	rec(&f, PERFSHIM_REC_CLOCK, &p);
	p.len = 0;
	hist_payload(&p, 0, PERFSHIM_HIST_SUB_BITS, &z, 1);
	rec(&f, PERFSHIM_REC_HISTOGRAM, &p);
	add_frame(&file, &f);
	is_int(run_buf(&file, &c, &err), 0, "TSC trace: read");
	uint64_t p50 = c.n ? hist_quantile(&c.e[0].h, 0.5) : 0;

	ok(c.n == 1 && c.e[0].h.total == 100 && p50 >= 985 && p50 <= 1015,
	   "TSC trace: 250 ticks of 4 ns read as 1000 ns (%" PRIu64 ")", p50);
	coll_release(&c);
	free(file.p);
	free(f.p);
	free(p.p);
	free(body.p);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return dump(argv[1]);
	test_decode();
	test_corrupt();
	test_tsc();
	done_testing();
	return exit_status();
}
