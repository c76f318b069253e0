/*
 * t_summary_read.c - unit tests for reading a build's summary JSON back
 * (analyzer/input/summary_read.c) into a series (analyzer/model/series.c).
 */
#include <math.h>
#include <string.h>

#include "series.h"
#include "summary_read.h"
#include "tap.h"

static int parse(struct series_set *s, size_t b, const char *json)
{
	return summary_parse(s, b, json, strlen(json), "test.json");
}

static double value(const struct series_set *s, const char *scope,
		    const char *where, const char *name, size_t b)
{
	const struct series_metric *m = series_find(s, scope, where, name);

	return m ? m->v[b] : -1;
}

static void good(void)
{
	struct series_set s;

	series_init(&s, 3);
	is_int(parse(&s, 0,
		     "{\"label\":{\"n\":\"1000\",\"build\":\"a1\"},"
		     "\"metrics\":{\"program\":{\"allocs\":41037,\"leaked\":null},"
		     "\"zone\":{\"parse\":{\"p99\":90000}},"
		     "\"site\":{\"x\":{\"bytes\":1}}}}"),
	       0, "a summary reads");
	is_int(parse(&s, 2,
		     "{\"metrics\":{\"program\":{\"allocs\":18446744073709551616},"
		     "\"function\":{\"f\":{\"calls\":3}}}}"),
	       0, "a second build, a count above 2^63");
	ok(value(&s, "program", "", "allocs", 0) == 41037, "allocs of build 0");
	ok(value(&s, "program", "", "allocs", 2) == 18446744073709551616.0,
	   "allocs of build 2, as a double");
	ok(isnan(value(&s, "program", "", "allocs", 1)),
	   "build 1 gave none: NaN");
	ok(value(&s, "zone", "parse", "p99", 0) == 90000, "zone parse p99");
	ok(value(&s, "function", "f", "calls", 2) == 3, "function f calls");
	ok(!series_find(&s, "program", "", "leaked"), "null: no value");
	ok(!series_find(&s, "site", "x", "bytes"), "a scope not read: skipped");
	is_int(s.n, 3, "three metrics");
	is_str(s.label[0], "n=1000,build=a1", "the label as the shim's list");
	ok(!s.label[2], "no label: NULL");
	series_release(&s);
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
	struct series_set s;

	series_init(&s, 1);
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
	series_release(&s);
}

int main(void)
{
	good();
	bad();
	done_testing();
	return exit_status();
}
