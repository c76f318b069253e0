/*
 * t_budget.c - budget files: every metric's scope, every unit, comments,
 * blanks and whitespace, names with spaces or a '#' (C++ lambdas), and
 * each kind of malformed rule with its one-line message naming file and
 * line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "tap.h"

/* Parse text as the file "b.txt"; on error, the message into *msg. */
static int parse(struct budget *b, const char *text, const char **msg)
{
	int rc;

	capture_start();
	rc = budget_parse(b, text, strlen(text), "b.txt");
	*msg = capture_end();
	return rc;
}

/* The one rule of text, checked field by field. */
static void good(const char *text, enum budget_scope scope, const char *name,
		 enum budget_metric metric, enum budget_unit unit, double limit)
{
	struct budget b;
	const char *msg;

	budget_init(&b);
	if (!ok(!parse(&b, text, &msg) && b.n == 1, "parses: %s", text)) {
		diag("message: %s", msg);
		return;
	}
	const struct budget_rule *r = &b.rule[0];
	int same = r->scope == scope && r->metric == metric &&
		   r->unit == unit && r->limit == limit &&
		   (name ? r->name && !strcmp(r->name, name) : !r->name);

	if (!ok(same, "  scope, name, metric, unit, limit %.17g", limit))
		diag("got scope %d name %s metric %d unit %d limit %.17g",
		     r->scope, r->name ? r->name : "(none)", r->metric, r->unit,
		     r->limit);
	budget_release(&b);
}

static void bad(const char *text, unsigned line, const char *want)
{
	struct budget b;
	const char *msg;
	char where[32];

	budget_init(&b);
	int rc = parse(&b, text, &msg);

	snprintf(where, sizeof(where), "b.txt:%u: ", line);
	ok(rc == -1 && b.n == 0 && !b.rule, "refused: %s", text);
	is_error_line(msg, where, "  names the file and line");
	is_error_line(msg, want, "  says what is wrong");
}

static void test_rules(void)
{
	good("peak_heap <= 64MiB", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 64 << 20);
	good("allocs <= 2e6", BUDGET_PROGRAM, NULL, BUDGET_ALLOCS, BUDGET_COUNT,
	     2000000);
	good("leaked <= 0", BUDGET_PROGRAM, NULL, BUDGET_LEAKED, BUDGET_BYTES,
	     0);
	good("cpu_time <= 1.5s", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 1500000000);
	good("rss_peak <= 200MiB", BUDGET_PROGRAM, NULL, BUDGET_RSS_PEAK,
	     BUDGET_BYTES, 200ull << 20);
	good("zone:parse p99 <= 2ms", BUDGET_ZONE, "parse", BUDGET_P99,
	     BUDGET_NS, 2000000);
	good("function:compress calls <= 1000", BUDGET_FUNCTION, "compress",
	     BUDGET_CALLS, BUDGET_COUNT, 1000);
	good("site:make_node bytes <= 1MiB", BUDGET_SITE, "make_node",
	     BUDGET_ALLOC_BYTES, BUDGET_BYTES, 1 << 20);
	good("bytes <= 3GiB", BUDGET_PROGRAM, NULL, BUDGET_ALLOC_BYTES,
	     BUDGET_BYTES, 3ull << 30);
	good("leaked_blocks <= 2", BUDGET_PROGRAM, NULL, BUDGET_LEAKED_BLOCKS,
	     BUDGET_COUNT, 2);
	good("duration <= .5s", BUDGET_PROGRAM, NULL, BUDGET_DURATION,
	     BUDGET_NS, 500000000);
	good("function:f cpu_time <= 20ms", BUDGET_FUNCTION, "f",
	     BUDGET_CPU_TIME, BUDGET_NS, 20000000);
	good("zone:z total <= 1s", BUDGET_ZONE, "z", BUDGET_TOTAL, BUDGET_NS,
	     1000000000);
	good("zone:z self <= 1us", BUDGET_ZONE, "z", BUDGET_SELF, BUDGET_NS,
	     1000);
	good("function:f p50 <= 7ns", BUDGET_FUNCTION, "f", BUDGET_P50,
	     BUDGET_NS, 7);
	good("zone:z p90 <= 1ms", BUDGET_ZONE, "z", BUDGET_P90, BUDGET_NS,
	     1000000);
	good("zone:z p95 <= 1ms", BUDGET_ZONE, "z", BUDGET_P95, BUDGET_NS,
	     1000000);
	good("zone:z max <= 1s", BUDGET_ZONE, "z", BUDGET_MAX, BUDGET_NS,
	     1000000000);
	good("site:s calls <= 4", BUDGET_SITE, "s", BUDGET_CALLS, BUDGET_COUNT,
	     4);
	good("site:s leaked <= 0", BUDGET_SITE, "s", BUDGET_LEAKED,
	     BUDGET_BYTES, 0);
}

static void test_units_and_space(void)
{
	good("peak_heap <= 7B", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 7);
	good("peak_heap <= 2 KiB", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 2048);
	good("peak_heap <= 1.5GiB", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 1610612736);
	good("peak_heap <= 4096", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 4096);
	good("cpu_time <= 3us", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 3000);
	good("cpu_time <= 3\u00b5s", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 3000);
	good("cpu_time <= 250 ns", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 250);
	good("cpu_time <= 0", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME, BUDGET_NS,
	     0);
	good("cpu_time <= 0.3ms", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 300000);
	good("allocs <= 1E3", BUDGET_PROGRAM, NULL, BUDGET_ALLOCS, BUDGET_COUNT,
	     1000);
	/* As written, not rounded up: 2 allocations exceed 2.5. */
	good("allocs <= 25e-1", BUDGET_PROGRAM, NULL, BUDGET_ALLOCS,
	     BUDGET_COUNT, 2.5);
	good("allocs <= 1.5", BUDGET_PROGRAM, NULL, BUDGET_ALLOCS, BUDGET_COUNT,
	     1.5);
	good("peak_heap <= 149.5B", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 149.5);
	good("peak_heap <= 1.1MiB", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 1153433.6);
	/* A whole figure is whole, whatever the product's rounding. */
	good("cpu_time <= 1.1ms", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 1100000);
	good("cpu_time <= 0.7us", BUDGET_PROGRAM, NULL, BUDGET_CPU_TIME,
	     BUDGET_NS, 700);
	good("peak_heap <= 17179869183GiB", BUDGET_PROGRAM, NULL,
	     BUDGET_PEAK_HEAP, BUDGET_BYTES, 18446744072635809792.0);
	good(" \t peak_heap\t<=\t64 MiB  \r", BUDGET_PROGRAM, NULL,
	     BUDGET_PEAK_HEAP, BUDGET_BYTES, 64 << 20);
	good("peak_heap<=64MiB", BUDGET_PROGRAM, NULL, BUDGET_PEAK_HEAP,
	     BUDGET_BYTES, 64 << 20);
	good("allocs <= 5 # at most five", BUDGET_PROGRAM, NULL, BUDGET_ALLOCS,
	     BUDGET_COUNT, 5);
	good("zone:  request parsing \t p99 <= 2ms", BUDGET_ZONE,
	     "request parsing", BUDGET_P99, BUDGET_NS, 2000000);
	good("function:std::map<int, int>::operator<= calls <= 3",
	     BUDGET_FUNCTION, "std::map<int, int>::operator<=", BUDGET_CALLS,
	     BUDGET_COUNT, 3);
	good("site:main::{lambda()#1}::operator()() const calls <= 3",
	     BUDGET_SITE, "main::{lambda()#1}::operator()() const",
	     BUDGET_CALLS, BUDGET_COUNT, 3);
	good("site:f::{lambda(int)#2}::operator() bytes <= 1KiB\t# its #2",
	     BUDGET_SITE, "f::{lambda(int)#2}::operator()", BUDGET_ALLOC_BYTES,
	     BUDGET_BYTES, 1024);
}

static void test_file_shape(void)
{
	struct budget b;
	const char *msg;
	const char *text = "# budget for the parser test\n"
			   "\n"
			   "   # indented comment\n"
			   "peak_heap <= 64MiB\r\n"
			   "\t\n"
			   "zone:parse p99 <= 2ms   # the SLO\n"
			   "allocs <= 2e6";

	budget_init(&b);
	is_int(parse(&b, text, &msg), 0, "a file of comments, blanks, CRLF");
	is_uint(b.n, 3, "three rules");
	if (b.n == 3) {
		ok(b.rule[0].line == 4 && b.rule[1].line == 6 &&
			   b.rule[2].line == 7,
		   "each rule knows its line");
		is_str(b.rule[1].text, "zone:parse p99 <= 2ms",
		       "a rule's text, without its comment");
		is_str(b.rule[1].metric_name, "p99", "its metric's name");
		is_str(b.file, "b.txt", "and its file");
	}
	is_int(parse(&b, "", &msg), 0, "an empty file is no rules");
	is_uint(b.n, 0, "none");
	is_int(parse(&b, "# only\n\n", &msg), 0, "only comments: no rules");
	budget_release(&b);
	is_int(parse(&b, "allocs <= 1\nallocs <= 2\n", &msg), 0,
	       "the same metric twice: both kept");
	is_uint(b.n, 2, "two rules");
	budget_release(&b);
}

static void test_malformed(void)
{
	bad("peak_heap 64MiB", 1, "expected 'METRIC <= VALUE'");
	bad("peak_heap < 64MiB", 1, "expected 'METRIC <= VALUE'");
	bad("peak_heap >= 64MiB", 1, "expected");
	bad("heap_peak <= 1MiB", 1,
	    "unknown metric 'heap_peak' for the "
	    "program (peak_heap, allocs,");
	bad("zone:parse p98 <= 1ms", 1, "unknown metric 'p98' for zone:");
	bad("calls <= 5", 1, "'calls' is not a metric of the program");
	bad("zone:parse peak_heap <= 1MiB", 1,
	    "'peak_heap' is not a metric of zone: (calls, total, self, p50");
	bad("site:s p99 <= 1ms", 1, "'p99' is not a metric of site:");
	bad("thread:main calls <= 1", 1, "unknown scope 'thread:'");
	bad("zone: p99 <= 1ms", 1, "no name after 'zone:'");
	bad("zone:parse <= 1ms", 1, "'zone:parse' needs a statistic");
	bad("peak heap <= 1MiB", 1, "'peak heap' is not one metric");
	bad("<= 5", 1, "no metric before '<='");
	bad("allocs <=", 1, "no value after '<='");
	bad("allocs <= -5", 1, "cannot be negative");
	bad("allocs <= lots", 1, "'lots' is not a number");
	bad("allocs <= +5", 1, "'+5' is not a number");
	bad("allocs <= nan", 1, "is not a number");
	bad("allocs <= 5 MiB", 1, "'allocs' is a count: no unit, not 'MiB'");
	bad("peak_heap <= 5 KB", 1,
	    "'KB' is not a unit of peak_heap (B, KiB, MiB, GiB)");
	bad("peak_heap <= 5ms", 1, "'ms' is not a unit of peak_heap");
	bad("cpu_time <= 5MiB", 1,
	    "'MiB' is not a unit of cpu_time (ns, us, ms, s)");
	bad("cpu_time <= 5", 1, "'cpu_time' needs a unit (ns, us, ms, s)");
	bad("zone:z p99 <= 5", 1, "'p99' needs a unit");
	bad("allocs <= 1e20", 1, "'1e20' is too large");
	bad("allocs <= 1e999", 1, "too large");
	bad("peak_heap <= 17179869184GiB", 1, "too large");
	bad("allocs <= 0x10", 1, "'allocs' is a count: no unit, not 'x10'");
	bad("peak_heap <= 0x10", 1, "'x10' is not a unit of peak_heap");
	bad("# fine\n\nallocs <= 1\nallocs <= one\n", 4,
	    "'one' is not a number");
	bad("allocs <= 5# no blank before", 1,
	    "'allocs' is a count: no unit, not '# no blank before'");
	bad("peak_heap <= 5MiB#x", 1, "'MiB#x' is not a unit of peak_heap");

	struct budget b;
	const char *msg;
	static const char nul[] = "allocs <= 1\nall\0cs <= 2\n";

	budget_init(&b);
	capture_start();
	int rc = budget_parse(&b, nul, sizeof(nul) - 1, "b.txt");

	msg = capture_end();
	ok(rc == -1 && b.n == 0, "a NUL byte in a rule: refused");
	is_error_line(msg, "b.txt:2: a NUL byte", "  and said so");
}

static void test_load(void)
{
	char path[] = "/tmp/t_budget.XXXXXX";
	int fd = mkstemp(path);
	struct budget b;
	const char *msg;

	budget_init(&b);
	if (fd < 0 || write(fd, "leaked <= 0\n", 12) != 12) {
		skip("cannot write a temporary file");
	} else {
		is_int(budget_load(&b, path), 0, "load: a file");
		ok(b.n == 1 && b.rule[0].metric == BUDGET_LEAKED &&
			   !strcmp(b.file, path),
		   "load: its rule, and its path");
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	capture_start();
	int rc = budget_load(&b, "/nonexistent/budget");

	msg = capture_end();
	ok(rc == -1 && b.n == 0, "load: a missing file is an error");
	is_error_line(msg, "/nonexistent/budget: No such file",
		      "  naming the file and why");
	capture_start();
	rc = budget_load(&b, "/");
	msg = capture_end();
	ok(rc == -1, "load: a directory is an error");
	is_error_line(msg, "/: Is a directory", "  naming it");
	budget_release(&b);
}

int main(void)
{
	test_rules();
	test_units_and_space();
	test_file_shape();
	test_malformed();
	test_load();
	done_testing();
	return exit_status();
}
