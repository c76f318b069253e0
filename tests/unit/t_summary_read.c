/*
 * t_summary_read.c - unit tests for reading a build's summary JSON back
 * (analyzer/input/summary_read.c) into a series of builds (a metric set,
 * analyzer/model/metrics.h).
 */
#include <math.h>
#include <string.h>

#include "error.h"
#include "metrics.h"
#include "summary_read.h"
#include "tap.h"

/* A series of builds builds, as trend's loader sets it up. */
static void series(struct metric_set *s, size_t builds)
{
	metrics_init(s, builds);
	s->label = xcalloc(builds, sizeof(*s->label));
}

static int parse(struct metric_set *s, size_t b, const char *json)
{
	return summary_parse(s, b, json, strlen(json), "test.json");
}

static double value(const struct metric_set *s, enum metric_scope sc,
		    const char *where, const char *name, size_t b)
{
	const struct metric *m = metrics_find(s, sc, where, name);

	return m ? m->v[b] : -1;
}

static void good(void)
{
	struct metric_set s;

	series(&s, 3);
	is_int(parse(&s, 0,
		     "{\"label\":{\"n\":\"1000\",\"build\":\"a1\"},"
		     "\"metrics\":{\"program\":{\"allocs\":41037,\"leaked\":null,"
		     "\"nosuch\":1},"
		     "\"zone\":{\"parse\":{\"p99\":90000}},"
		     "\"site\":{\"x\":{\"bytes\":1}}}}"),
	       0, "a summary reads");
	is_int(parse(&s, 2,
		     "{\"metrics\":{\"program\":{\"allocs\":18446744073709551616},"
		     "\"function\":{\"f\":{\"calls\":3}}}}"),
	       0, "a second build, a count above 2^63");
	ok(value(&s, METRIC_PROGRAM, "", "allocs", 0) == 41037,
	   "allocs of build 0");
	ok(value(&s, METRIC_PROGRAM, "", "allocs", 2) == 18446744073709551616.0,
	   "allocs of build 2, as a double");
	ok(isnan(value(&s, METRIC_PROGRAM, "", "allocs", 1)),
	   "build 1 gave none: NaN");
	ok(value(&s, METRIC_ZONE, "parse", "p99", 0) == 90000,
	   "zone parse p99");
	ok(value(&s, METRIC_FUNCTION, "f", "calls", 2) == 3,
	   "function f calls");
	ok(!metrics_find(&s, METRIC_PROGRAM, "", "leaked"), "null: no value");
	ok(!metrics_find(&s, METRIC_SITE, "x", "bytes"),
	   "sites: not a summary's, skipped");
	ok(!metrics_find(&s, METRIC_PROGRAM, "", "nosuch"),
	   "a name metrics.h does not know: skipped");
	is_int(s.n, 3, "three metrics");
	is_int(metrics_find(&s, METRIC_ZONE, "parse", "p99")->unit, METRIC_NS,
	       "p99 is in ns");
	is_str(s.label[0], "n=1000,build=a1", "the label as the shim's list");
	ok(!s.label[2], "no label: NULL");
	metrics_release(&s);
}

static void bad(void)
{
	static const char *const cases[] = {
		"",
		"[1]",
		"{\"alloc_calls\":1}",
		"{\"metrics\":[]}",
		"{\"metrics\":{\"program\":{\"allocs\":-1}}}",
		"{\"metrics\":{\"program\":{\"allocs\":\"1\"}}}",
		"{\"metrics\":{\"zone\":{\"parse\":7}}}",
		"{\"metrics\":{\"zone\":[]}}",
		"{\"metrics\":{},\"label\":{\"a,b\":\"1\"}}",
		"{\"metrics\":{},\"label\":{\"n\":7}}",
		"{\"metrics\":{},\"label\":[]}",
		"{\"metrics\":{\"program\":{\"allocs\":1}},\"x\":1,\"x\":2}",
		"{\"metrics\":{\"program\":{\"allocs\":1}}} trailing",
	};
	struct metric_set s;

	series(&s, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ok(parse(&s, 0, cases[i]) == -1, "refused: %s", cases[i]);
		ok(!s.n && !s.label[0], "and nothing recorded");
	}
	/* A bad value after good ones: the good ones are not kept. */
	is_int(parse(&s, 0,
		     "{\"label\":{\"n\":\"1\"},\"metrics\":{\"program\":"
		     "{\"allocs\":1,\"bytes\":\"x\"}}}"),
	       -1, "a bad value after a good one");
	ok(!s.n && !s.label[0], "the good one is not kept either");
	metrics_release(&s);
}

int main(void)
{
	good();
	bad();
	done_testing();
	return exit_status();
}
