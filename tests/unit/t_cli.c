/*
 * t_cli.c - unit tests for perfanalyze's option table (analyzer/cli.c):
 * what each option sets, which report a command line asks for, and the
 * one line a bad one gets.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

/* Parse the NULL-terminated argv; stderr captured into *err. */
static int parse(struct cli *c, const char *const *args, const char **err)
{
	char *argv[32];
	int argc = 0;

	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	cli_release(c);
	cli_init(c);
	optind = 0; /* getopt_long starts afresh */
	capture_start();
	int rc = cli_parse(c, argc, argv);

	*err = capture_end();
	return rc;
}

static void test_reports(void)
{
	struct cli c;
	const char *err;

	cli_init(&c);
	const char *summary[] = { "perfanalyze", "t.zst", NULL };
	is_int(parse(&c, summary, &err), 0, "a trace alone parses");
	ok(c.report == REPORT_SUMMARY && !strcmp(c.trace, "t.zst"),
	   "and asks for the summary of that trace");

	const char *leaks[] = { "perfanalyze", "--min-bytes", "200", "-l",
				"t.zst",       "--json",      NULL };
	is_int(parse(&c, leaks, &err), 0, "options around the trace parse");
	ok(c.report == REPORT_LEAKS && c.leak.min_bytes == 200 && c.leak.json &&
		   c.json,
	   "-l with --min-bytes and --json: the leak report as JSON");

	const char *gate[] = { "perfanalyze",	    "t.zst",
			       "--fail-on-leak",    "--leak-kinds",
			       "definite,possible", NULL };
	is_int(parse(&c, gate, &err), 0, "--fail-on-leak parses");
	ok(c.report == REPORT_LEAKS && c.fail_on_leak &&
		   c.leak.kinds == (1u << LEAK_DEFINITE | 1u << LEAK_POSSIBLE),
	   "--fail-on-leak implies --leaks; --leak-kinds makes a mask");

	const char *by[] = { "perfanalyze", "t.zst", "--by", "peak",
			     "--top",	    "3",     NULL };
	is_int(parse(&c, by, &err), 0, "--by parses");
	ok(c.report == REPORT_HOTSPOTS && c.hot.mode == HOT_SITES &&
		   c.hot.key == HOT_BY_PEAK && c.hot.top == 3 &&
		   c.hot.thread == -1,
	   "--by implies --hotspots, ranks sites by its key");

	const char *flame[] = { "perfanalyze", "t.zst", "--flamegraph", NULL };
	is_int(parse(&c, flame, &err), 0, "--flamegraph parses");
	ok(c.hot.mode == HOT_FLAME && c.hot.key == HOT_METRIC_CPU,
	   "--flamegraph counts CPU samples by default");

	const char *growth[] = { "perfanalyze", "t.zst", "--fail-on-growth",
				 "--warmup",	"2s",	 "--windows",
				 "12",		NULL };
	is_int(parse(&c, growth, &err), 0, "--fail-on-growth parses");
	ok(c.report == REPORT_GROWTH && c.growth.fail &&
		   c.growth.warmup_kind == WARMUP_SECONDS &&
		   c.growth.warmup == 2 && c.growth.windows == 12,
	   "growth options land in the growth options");
	cli_release(&c);
}

static void test_errors(void)
{
	static const struct {
		const char *args[8];
		const char *want;
	} bad[] = {
		{ { "perfanalyze", "t.zst", "--nosuch" },
		  "unknown option '--nosuch'" },
		{ { "perfanalyze", "t.zst", "--top" },
		  "this option needs a value: '--top'" },
		{ { "perfanalyze", "t.zst", "--top", "0" },
		  "--top takes a count from 1 to 1000000000, not '0'" },
		{ { "perfanalyze", "t.zst", "--min-bytes", "-1" },
		  "--min-bytes takes a whole number of bytes, not '-1'" },
		{ { "perfanalyze", "a.zst", "b.zst" },
		  "one trace at a time; extra argument 'b.zst'" },
		{ { "perfanalyze", "t.zst", "--growth", "--leaks" },
		  "drop '--leaks'" },
		{ { "perfanalyze", "t.zst", "--alpha", "0.1" },
		  "need '--growth'" },
		{ { "perfanalyze", "t.zst", "--hotspots", "--timeline" },
		  "one report at a time" },
		{ { "perfanalyze", "t.zst", "--flamegraph", "-j" },
		  "it has no --json" },
		{ { "perfanalyze", "t.zst", "--thread", "1", "--by", "bytes" },
		  "--thread selects CPU samples" },
		{ { "perfanalyze" },
		  "no trace file given (see perfanalyze --help)" },
		{ { "perfanalyze", "t.zst", "-qj" },
		  "unknown option '-q' (see perfanalyze --help)" },
		{ { "perfanalyze", "t.zst", "-jq" }, "unknown option '-q'" },
		{ { "perfanalyze", "t.zst", "--json=1" },
		  "this option takes no value: '--json=1'" },
		{ { "perfanalyze", "t.zst", "--fail" },
		  "ambiguous option '--fail': the start of several" },
		{ { "perfanalyze", "diff" },
		  "diff needs BASE and NEW (see perfanalyze diff --help)" },
		{ { "perfanalyze", "diff", "a", "b", "c" },
		  "diff takes two runs, BASE and NEW; extra argument 'c' "
		  "(see perfanalyze diff --help)" },
		{ { "perfanalyze", "diff", "a", "b", "--leaks" },
		  "unknown option '--leaks' (see perfanalyze diff --help)" },
		{ { "perfanalyze", "diff", "a", "b", "--warn", "x" },
		  "--warn takes a percentage above 0, not 'x' "
		  "(see perfanalyze diff --help)" },
		{ { "perfanalyze", "trend" },
		  "trend: no directory of builds given "
		  "(see perfanalyze trend --help)" },
		{ { "perfanalyze", "trend", "d", "-x" },
		  "unknown option '-x' (see perfanalyze trend --help)" },
		{ { "perfanalyze", "trend", "d", "--x" },
		  "this option needs a value: '--x' "
		  "(see perfanalyze trend --help)" },
	};
	struct cli c;
	const char *err;

	cli_init(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		is_int(parse(&c, bad[i].args, &err), -1, bad[i].want);
		is_error_line(err, bad[i].want, "  said in one line");
	}
	cli_release(&c);
}

/* --help comes from the table: each option once, in a column. */
static void test_help(void)
{
	static const char *const names[] = {
		"--leaks",
		"--json",
		"--fail-on-leak",
		"--min-bytes N",
		"--suppressions FILE",
		"--leak-kinds LIST",
		"--show-runtime",
		"--hotspots",
		"--by KEY",
		"--top N",
		"--thread I",
		"--flamegraph",
		"--metric METRIC",
		"--growth",
		"--fail-on-growth",
		"--timeline",
		"--marker LABEL",
		"--warmup W",
		"--growth-floor B",
		"--growth-relative F",
		"--rss-floor B",
		"--windows N",
		"--alpha A",
	};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct cli c;
	const char *args[] = { "perfanalyze", "--help", "t.zst", NULL };
	const char *err;
	int all = 1;

	cli_init(&c);
	fflush(stdout);
	FILE *saved = stdout;
	stdout = out;
	int rc = parse(&c, args, &err);
	stdout = saved;
	fclose(out);
	is_int(rc, 1, "--help answers the command line");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char line[64];
		const char *at;

		snprintf(line, sizeof(line), "\n  %-19s  ", names[i]);
		at = strstr(text, line);
		if (!at || strstr(at + 1, line)) {
			diag("not once in --help: %s", names[i]);
			all = 0;
		}
	}
	ok(all, "every option has one line of its own in --help");
	ok(strstr(text, "\n  --version, --help\n") != NULL,
	   "--version and --help close the list");
	free(text);
	cli_release(&c);
}

int main(void)
{
	test_reports();
	test_errors();
	test_help();
	done_testing();
	return exit_status();
}
