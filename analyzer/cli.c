/*
 * cli.c - perfanalyze's options: each one's name, argument, setter and
 * --help text in one table, so that the parser and the help cannot
 * disagree.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "export_collect.h"
#include "perfshim_trace.h"
#include "symbols.h"

struct cli_option {
	const char *name;
	int short_name;	 /* 0: none */
	const char *arg; /* its argument's name in --help; NULL: takes none */
	/* Returns 0, 1 (answered: exit 0 now), or -1 after printing why.
	 * NULL: --help, the table's usage on stdout (answered). */
	int (*set)(struct cli *c, const char *arg);
	const char *help; /* lines of --help; NULL: listed with the others */
};

static const char synopsis[] =
	"usage: perfanalyze TRACE [--leaks] [--json] [--fail-on-leak]\n"
	"                   [--min-bytes N] [--suppressions FILE]...\n"
	"                   [--show-runtime] [--leak-kinds LIST] [--baseline BASE]\n"
	"                   [--allow-incomplete]\n"
	"       perfanalyze TRACE --hotspots [--by KEY] [--top N] [--thread I] [--json]\n"
	"       perfanalyze TRACE --flamegraph [--metric METRIC] [--thread I]\n"
	"       perfanalyze TRACE --growth|--timeline [--fail-on-growth] [--json]\n"
	"                   [--marker LABEL] [--warmup W] [--windows N]\n"
	"                   [--growth-floor B] [--growth-relative F] [--alpha A]\n"
	"       perfanalyze TRACE --export pprof|speedscope|chrome -o FILE\n"
	"       perfanalyze TRACE|DIR... --budget FILE [--json]\n"
	"       perfanalyze diff BASE NEW [--json | --html [-o FILE]] ...\n"
	"                   (see perfanalyze diff --help)\n"
	"       perfanalyze TRACE --html [-o FILE] [leak and growth options]\n"
	"       perfanalyze trend DIR [--json] [--fail-on-trend] [--x KEY]\n"
	"                   (see perfanalyze trend --help)\n"
	"\n"
	"  (no report option)   summary: duration, threads, calls, peak heap,\n"
	"                       memory still allocated at exit, how it ended\n";

static const char footer[] =
	"  --version, --help\n"
	"\n"
	"Exit status: 0 done, 1 a gate failed, 2 usage or input error\n"
	"(a gate that would pass on a cut-short trace, or that cannot\n"
	"judge, included).\n";

/* --- values --------------------------------------------------------------- */

/*
 * The --help that lists the options of the command being parsed:
 * perfanalyze's, or diff's or trend's own (parse_table sets it).
 */
static const char *help_hint = "perfanalyze --help";

/* A usage error about an option's value, pointing at --help. */
static int bad_value(const char *what, const char *arg)
{
	return error("%s '%s' (see %s)", what, arg, help_hint);
}

/* A usage error about the arguments, pointing at --help. */
static int bad_args(const char *what)
{
	return error("%s (see %s)", what, help_hint);
}

/* A growth option's bad value: no pointer at --help, as it always was. */
static int bad(const char *opt, const char *what, const char *arg)
{
	return error("%s takes %s, not '%s'", opt, what, arg);
}

/* A whole number in 0..max, decimal digits only; -1 when it is not. */
static int whole(const char *arg, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, 10);
	if (errno || *end || !*arg || arg[0] == '-' || *v > max)
		return -1;
	return 0;
}

/* A finite number >= 0, with an optional suffix (returned in *rest). */
static int number(const char *arg, double *v, const char **rest)
{
	char *end;

	if (!*arg || *arg == '-' || *arg == '+' || *arg == ' ')
		return -1;
	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || !isfinite(*v) || *v < 0)
		return -1;
	*rest = end;
	return 0;
}

/* --- the leak report -------------------------------------------------------- */

static int set_leaks(struct cli *c, const char *arg)
{
	(void)arg;
	c->leaks = 1;
	return 0;
}

static int set_json(struct cli *c, const char *arg)
{
	(void)arg;
	c->json = 1;
	return 0;
}

static int set_fail_on_leak(struct cli *c, const char *arg)
{
	(void)arg;
	c->fail_on_leak = c->leaks = 1;
	return 0;
}

static int set_min_bytes(struct cli *c, const char *arg)
{
	unsigned long long v;

	if (whole(arg, ~0ull, &v))
		return bad_value(
			"--min-bytes takes a whole number of bytes, not", arg);
	c->leak.min_bytes = v;
	c->leak_opts = 1;
	return 0;
}

static int set_suppressions(struct cli *c, const char *arg)
{
	if (suppressions_load(&c->supp, arg))
		return -1;
	c->leak.supp = &c->supp;
	c->leak_opts = 1;
	return 0;
}

static int set_leak_kinds(struct cli *c, const char *arg)
{
	if (leak_kinds_parse(arg, &c->leak.kinds))
		return bad_value(
			"--leak-kinds takes a comma list of definite, indirect, possible, reachable, unclassified (or all), not",
			arg);
	c->leak_opts = 1;
	return 0;
}

static int set_show_runtime(struct cli *c, const char *arg)
{
	(void)arg;
	c->leak.show_runtime = 1;
	c->leak_opts = 1;
	return 0;
}

static int set_baseline(struct cli *c, const char *arg)
{
	c->baseline = arg;
	c->leaks = c->leak_opts = 1;
	return 0;
}

static int set_budget(struct cli *c, const char *arg)
{
	/* the second would have replaced the first, whose rules then
	 * went unchecked */
	if (c->budget)
		return error("--budget given twice (%s, %s): put every rule "
			     "in one file",
			     c->budget, arg);
	c->budget = arg;
	return 0;
}

static int set_allow_incomplete(struct cli *c, const char *arg)
{
	(void)arg;
	c->allow_incomplete = 1;
	return 0;
}

/* --- hot spots and flame graphs ---------------------------------------------- */

static int set_hotspots(struct cli *c, const char *arg)
{
	(void)arg;
	c->hotspots = 1;
	return 0;
}

static int set_by(struct cli *c, const char *arg)
{
	int k = hotspots_parse(arg, 1);

	if (k < 0)
		return bad_value(
			"--by takes allocs, bytes, peak or temporary, not",
			arg);
	c->hot.key = (enum hot_key)k;
	c->by = c->hotspots = 1;
	return 0;
}

static int set_top(struct cli *c, const char *arg)
{
	unsigned long long v;

	if (whole(arg, 1000000000ull, &v) || !v)
		return bad_value(
			"--top takes a count from 1 to 1000000000, not", arg);
	c->hot.top = (size_t)v;
	c->top = 1;
	return 0;
}

static int set_thread(struct cli *c, const char *arg)
{
	unsigned long long v;

	if (whole(arg, 1000000000ull, &v))
		return bad_value(
			"--thread takes a thread index (0, 1, ...), not", arg);
	c->hot.thread = (long)v;
	return 0;
}

static int set_depth(struct cli *c, const char *arg)
{
	unsigned long long v;

	if (whole(arg, HOT_DEPTH_MAX, &v) || !v)
		return bad_value(
			"--depth takes a count of frames from 1 to 512, not",
			arg);
	c->hot.depth = (size_t)v;
	return 0;
}

static int set_debug_dir(struct cli *c, const char *arg)
{
	(void)c;
	return symbols_add_debug_dir(arg);
}

static int set_flamegraph(struct cli *c, const char *arg)
{
	(void)arg;
	c->flame = 1;
	return 0;
}

static int set_metric(struct cli *c, const char *arg)
{
	int k = hotspots_parse(arg, 0);

	if (k < 0)
		return bad_value(
			"--metric takes cpu, allocs, bytes or leaked, not",
			arg);
	c->hot.key = (enum hot_key)k;
	c->metric = 1;
	return 0;
}

/* --- growth ------------------------------------------------------------------ */

static int set_growth(struct cli *c, const char *arg)
{
	(void)arg;
	c->growth.on = 1;
	return 0;
}

static int set_fail_on_growth(struct cli *c, const char *arg)
{
	(void)arg;
	c->growth.on = c->growth.fail = 1;
	return 0;
}

static int set_timeline(struct cli *c, const char *arg)
{
	(void)arg;
	c->growth.on = c->growth.timeline = 1;
	return 0;
}

static int set_marker(struct cli *c, const char *arg)
{
	c->growth.tuned = 1;
	if (!*arg || strlen(arg) > PERFSHIM_MAX_STRING_LEN)
		return bad("--marker", "a marker label", arg);
	c->growth.marker = arg;
	return 0;
}

static int set_warmup(struct cli *c, const char *arg)
{
	struct growth_options *o = &c->growth;
	const char *rest;
	double v;

	o->tuned = 1;
	if (number(arg, &v, &rest))
		return bad("--warmup", "N%, Ns or N", arg);
	if (!strcmp(rest, "%") && v < 100)
		o->warmup_kind = WARMUP_PERCENT;
	else if (!strcmp(rest, "s"))
		o->warmup_kind = WARMUP_SECONDS;
	else if (!*rest && v == floor(v) && v < 1e9)
		o->warmup_kind = WARMUP_POINTS;
	else
		return bad(
			"--warmup",
			"N% (under 100), Ns (seconds) or N (a whole number of points)",
			arg);
	o->warmup = v;
	return 0;
}

/* A growth threshold: a number up to max, stored in *to. */
static int set_growth_value(struct cli *c, const char *arg, const char *opt,
			    const char *what, double max, double *to)
{
	const char *rest;
	double v;

	c->growth.tuned = 1;
	if (number(arg, &v, &rest) || *rest || v > max)
		return bad(opt, what, arg);
	*to = v;
	return 0;
}

static int set_growth_floor(struct cli *c, const char *arg)
{
	return set_growth_value(c, arg, "--growth-floor", "a number of bytes",
				HUGE_VAL, &c->growth.floor_bytes);
}

static int set_growth_relative(struct cli *c, const char *arg)
{
	return set_growth_value(c, arg, "--growth-relative",
				"a fraction of the heap (0.01 is 1%)", 1000,
				&c->growth.floor_rel);
}

static int set_rss_floor(struct cli *c, const char *arg)
{
	return set_growth_value(c, arg, "--rss-floor", "a number of bytes",
				HUGE_VAL, &c->growth.rss_floor);
}

static int set_windows(struct cli *c, const char *arg)
{
	const char *rest;
	double v;

	c->growth.tuned = 1;
	if (number(arg, &v, &rest) || *rest || v != floor(v) || v < 8 ||
	    v > 1000)
		return bad("--windows", "a whole number from 8 to 1000", arg);
	c->growth.windows = (unsigned)v;
	return 0;
}

static int set_alpha(struct cli *c, const char *arg)
{
	const char *rest;
	double v;

	c->growth.tuned = 1;
	if (number(arg, &v, &rest) || *rest || v <= 0 || v >= 0.5)
		return bad("--alpha", "a level above 0 and below 0.5", arg);
	c->growth.alpha = v;
	return 0;
}

/* --- exports ------------------------------------------------------------- */

static int set_export(struct cli *c, const char *arg)
{
	c->export_format = export_format_parse(arg);
	if (c->export_format < 0)
		return bad_value(
			"--export takes pprof, speedscope or chrome, not", arg);
	return 0;
}

static int set_html(struct cli *c, const char *arg)
{
	(void)arg;
	c->html = 1;
	return 0;
}

static int set_output(struct cli *c, const char *arg)
{
	c->export_path = arg;
	return 0;
}

/* --- answers ----------------------------------------------------------------- */

static int version(struct cli *c, const char *arg)
{
	(void)c;
	(void)arg;
	printf("perfanalyze %s (trace format %d.%d)\n", PERFSHIM_VERSION,
	       PERFSHIM_FORMAT_MAJOR, PERFSHIM_FORMAT_MINOR);
	return 1;
}

/* In the order of --help. */
static const struct cli_option options[] = {
	{ "leaks", 'l', NULL, set_leaks,
	  "unfreed memory by allocation stack, largest first" },
	{ "json", 'j', NULL, set_json, "the same report as JSON" },
	{ "fail-on-leak", 0, NULL, set_fail_on_leak,
	  "exit 1 when an unsuppressed leak remains (a gate)" },
	{ "min-bytes", 0, "N", set_min_bytes,
	  "ignore allocation sites leaking fewer than N bytes" },
	{ "suppressions", 0, "FILE", set_suppressions,
	  "LeakSanitizer-style 'leak:PATTERN' lines" },
	{ "leak-kinds", 0, "LIST", set_leak_kinds,
	  "report and gate only these kinds: comma list of\n"
	  "definite,indirect,possible,reachable,unclassified,\n"
	  "or all (default: all reported; the gate counts\n"
	  "definite,indirect,possible,unclassified)" },
	{ "show-runtime", 0, NULL, set_show_runtime,
	  "also report what the C/C++ runtime keeps until\n"
	  "exit (stdio buffers, locale data, its start-up)" },
	{ "baseline", 0, "BASE", set_baseline,
	  "mark each leak site new or known in BASE (a\n"
	  "trace, or a directory of them), matched by\n"
	  "function name; the gate fails only on new sites\n"
	  "and known ones that leak at least twice as much\n"
	  "(and --min-bytes more)" },
	{ "allow-incomplete", 0, NULL, set_allow_incomplete,
	  "let a gate pass on a trace cut short (no END\n"
	  "record: killed, or still running) or with events\n"
	  "the shim lost; without it such a gate exits 2" },
	{ "hotspots", 0, NULL, set_hotspots,
	  "functions by CPU time (self and inclusive, from\n"
	  "samples), call counts and exact timings of\n"
	  "instrumented functions and zones, top call paths" },
	{ "by", 0, "KEY", set_by,
	  "allocation sites instead, by allocs, bytes,\n"
	  "peak (bytes live at the heap's peak) or\n"
	  "temporary (freed before the thread's next\n"
	  "allocation); implies --hotspots" },
	{ "top", 0, "N", set_top, "rows to show (default 20)" },
	{ "depth", 0, "N", set_depth,
	  "frames shown per allocation site of --by\n"
	  "(default 64, at most 512)" },
	{ "thread", 0, "I", set_thread,
	  "only the CPU samples of thread index I (not\n"
	  "with --by, nor --metric other than cpu)" },
	{ "flamegraph", 0, NULL, set_flamegraph,
	  "collapsed stacks (root;...;leaf COUNT) for\n"
	  "flamegraph.pl, inferno, speedscope" },
	{ "metric", 0, "METRIC", set_metric,
	  "what the flame graph counts: cpu (default),\n"
	  "allocs, bytes, leaked" },
	{ "growth", 0, NULL, set_growth,
	  "does memory keep growing? GROWING, STABLE or\n"
	  "INCONCLUSIVE, with slope, interval, p-value\n"
	  "and the allocation sites that grow" },
	{ "fail-on-growth", 0, NULL, set_fail_on_growth,
	  "exit 1 when memory is GROWING, 2 when it is\n"
	  "INCONCLUSIVE: it cannot judge (implies --growth)" },
	{ "timeline", 0, NULL, set_timeline,
	  "the heap and resident-set series (CSV; JSON\n"
	  "with --json) at the points of --growth" },
	{ "marker", 0, "LABEL", set_marker,
	  "points at the markers LABEL (default: the most\n"
	  "frequent label; no markers: time windows)" },
	{ "warmup", 0, "W", set_warmup,
	  "leave out the start: N% of the points, Ns\n"
	  "seconds, or N points (default 20%)" },
	{ "growth-floor", 0, "B", set_growth_floor,
	  "growth below B bytes per marker (or per second\n"
	  "without markers) is STABLE (default 1)" },
	{ "growth-relative", 0, "F", set_growth_relative,
	  "growth over the points below F (a fraction) of\n"
	  "the median heap is STABLE (default 0.01)" },
	{ "rss-floor", 0, "B", set_rss_floor,
	  "resident-set growth over the points below B bytes\n"
	  "is STABLE (default 1048576: RSS moves in pages,\n"
	  "and holds the profiler's own buffers)" },
	{ "windows", 0, "N", set_windows,
	  "time windows without markers (8 to 1000, default\n"
	  "40)" },
	{ "alpha", 0, "A", set_alpha,
	  "significance level of the trend test (default\n"
	  "0.05)" },
	{ "debug-dir", 0, "DIR", set_debug_dir,
	  "look for separate debug files by build-id in\n"
	  "DIR/.build-id/ (also PERFSHIM_DEBUG_DIR; more than\n"
	  "once: in order)" },
	{ "export", 0, "FORMAT", set_export,
	  "write the profile to -o FILE for other tools:\n"
	  "pprof (gzipped profile.proto), speedscope, chrome\n"
	  "(Trace Event Format, for Perfetto)" },
	{ "html", 0, NULL, set_html,
	  "one self-contained page to open in a browser:\n"
	  "summary, heap and RSS timeline with the growth\n"
	  "verdict, flame graphs (CPU, allocations, bytes,\n"
	  "leaked), leaks, hot spots; to -o FILE or stdout" },
	{ "output", 'o', "FILE", set_output, NULL },
	{ "budget", 0, "FILE", set_budget,
	  "check each rule of FILE ('peak_heap <= 64MiB',\n"
	  "'zone:parse p99 <= 2ms') against the runs\n"
	  "(traces, directories of them: the median); exit\n"
	  "1 when one is exceeded or cannot be checked" },
	{ "version", 0, NULL, version, NULL },
	{ "help", 'h', NULL, NULL, NULL },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* One option's lines: its name in a column of 21, then its help. */
static void usage_option(FILE *out, const struct cli_option *o)
{
	char name[64];
	const char *h = o->help;

	snprintf(name, sizeof(name), "--%s%s%s", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	fprintf(out, "  %-19s", name);
	while (*h) {
		size_t n = strcspn(h, "\n");

		fprintf(out, "%*s%.*s\n", 2, "", (int)n, h);
		h += n + (h[n] == '\n');
		if (*h)
			fprintf(out, "%21s", "");
	}
}

/* A command's synopsis and options: perfanalyze's, diff's or trend's. */
struct cli_table {
	const char *synopsis, *footer;
	const struct cli_option *opt;
	size_t n;
	const char *help; /* the command line that shows them */
};

static const struct cli_table main_table = { synopsis, footer, options,
					     NOPTIONS, "perfanalyze --help" };

static void usage_of(FILE *out, const struct cli_table *t)
{
	fputs(t->synopsis, out);
	for (size_t i = 0; i < t->n; i++)
		if (t->opt[i].help)
			usage_option(out, &t->opt[i]);
	fputs(t->footer, out);
}

/* --- parsing ----------------------------------------------------------------- */

void cli_init(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	suppressions_init(&c->supp);
	growth_options_init(&c->growth);
	diff_options_init(&c->diff);
	trends_options_init(&c->trend.opt);
	c->hot.thread = -1;
	c->export_format = -1;
}

void cli_release(struct cli *c)
{
	suppressions_release(&c->supp);
}

/*
 * The usage error of getopt_long's answer k ('?' or ':'), naming the
 * option as written: a short one alone (the 'x' of "-jx", not the word
 * around it), a long one as given ("--json=1", which takes no value).
 */
static int bad_option(int k, char **argv, const struct cli_table *t)
{
	char name[3] = { '-', (char)optopt, '\0' };
	const char *opt = argv[optind - 1];
	size_t len = strcspn(opt, "="), prefixed = 0;

	if (optopt > 0 && optopt < 256)
		opt = name;
	else if (k == '?' && optopt >= 256)
		return bad_value("this option takes no value:", opt);
	/* getopt_long takes a prefix of one option, and refuses two's. */
	for (size_t i = 0; !optopt && len > 2 && i < t->n; i++)
		prefixed += !strncmp(opt, "--", 2) &&
			    !strncmp(t->opt[i].name, opt + 2, len - 2);
	if (k == '?' && prefixed > 1)
		return error(
			"ambiguous option '%s': the start of several (see %s)",
			opt, help_hint);
	return bad_value(k == ':' ? "this option needs a value:"
				  : "unknown option",
			 opt);
}

/* Run each option's setter of table t, in the order given. */
static int parse_table(struct cli *c, int argc, char **argv,
		       const struct cli_table *t)
{
	const struct cli_option *opt = t->opt;
	struct option longs[NOPTIONS + 1];
	char shorts[3 * NOPTIONS + 2] = ":";
	size_t ns = 1;
	int k, rc;

	assert(t->n <= NOPTIONS);
	for (size_t i = 0; i < t->n; i++) {
		longs[i] = (struct option){ opt[i].name,
					    opt[i].arg ? required_argument
						       : no_argument,
					    NULL, (int)(256 + i) };
		if (opt[i].short_name) {
			shorts[ns++] = (char)opt[i].short_name;
			if (opt[i].arg)
				shorts[ns++] = ':';
		}
	}
	longs[t->n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	opterr = 0;
	help_hint = t->help;
	while ((k = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (k == ':' || k == '?')
			return bad_option(k, argv, t);
		for (size_t i = 0; k < 256 && i < t->n; i++)
			if (opt[i].short_name == k)
				k = (int)(256 + i);
		assert(k >= 256 && k < (int)(256 + t->n));
		if (!opt[k - 256].set) {
			usage_of(stdout, t);
			return 1;
		}
		if ((rc = opt[k - 256].set(c, optarg)))
			return rc;
	}
	return 0;
}

static int parse_options(struct cli *c, int argc, char **argv)
{
	return parse_table(c, argc, argv, &main_table);
}

/* The combinations that make no sense, in the order they are told. */
static const char *growth_clash(const struct cli *c, const char **arg)
{
	const struct growth_options *g = &c->growth;

	*arg = NULL;
	if (g->on && (c->leaks || c->leak_opts)) {
		*arg = c->leaks ? "--leaks" : "--min-bytes etc.";
		return "the growth report goes without the leak report and its options; drop";
	}
	if (g->timeline && g->fail) {
		*arg = "--fail-on-growth";
		return "--timeline prints the series, not a verdict; drop";
	}
	if (g->tuned && !g->on && !c->html) {
		*arg = "--growth";
		return "--marker, --warmup, --windows, --growth-floor, --growth-relative, --rss-floor and --alpha need";
	}
	if ((c->hotspots || c->flame || c->by) && g->on)
		return "one report at a time: --growth (or --timeline) or --hotspots (or --flamegraph)";
	return NULL;
}

static const char *hot_clash(const struct cli *c)
{
	int leak_opts = c->leaks || c->leak_opts;

	if ((c->hotspots || c->flame) && leak_opts)
		return "--hotspots, --by and --flamegraph do not go with the leak report's options";
	if (c->hotspots && c->flame)
		return "choose one of --hotspots (or --by) and --flamegraph";
	if (c->flame && c->json)
		return "--flamegraph writes collapsed stacks; it has no --json";
	if (c->metric && !c->flame)
		return "--metric goes with --flamegraph";
	if (c->hot.depth && !c->by)
		return "--depth goes with --by";
	if ((c->top || c->hot.thread >= 0) && !c->hotspots && !c->flame)
		return "--top and --thread go with --hotspots or --flamegraph";
	if (c->hot.thread >= 0 && c->by)
		return "--thread selects CPU samples; --by ranks allocation sites of every thread";
	/* It was silently ignored: one thread's graph showed them all. */
	if (c->hot.thread >= 0 && c->metric && c->hot.key != HOT_METRIC_CPU)
		return "--thread selects CPU samples; --metric allocs, bytes and leaked count the allocations of every thread";
	return NULL;
}

/*
 * --html makes the whole page, with the leak report's options and
 * growth's tuning: no other report, no gate.
 */
static const char *html_clash(const struct cli *c)
{
	if (!c->html)
		return c->export_path && c->export_format < 0
			       ? "-o FILE is where --export FORMAT or --html writes; add --html or --export"
			       : NULL;
	if (c->export_format >= 0)
		return "one file at a time: --html or --export";
	if (c->leaks || c->hotspots || c->flame || c->by || c->metric ||
	    c->top || c->hot.thread >= 0 || c->growth.on || c->json)
		return "--html shows every report; it takes only -o, the leak options (--min-bytes etc.) and growth's (--marker etc.)";
	return NULL;
}

/* --- perfanalyze diff ----------------------------------------------------- */

static const char diff_synopsis[] =
	"usage: perfanalyze diff BASE NEW [--json | --html [-o FILE]]\n"
	"                   [--fail-on-regression] [--warn PCT] [--fail PCT]\n"
	"                   [--alpha A] [--top N] [--allow-incomplete]\n"
	"\n"
	"  BASE and NEW are each a trace, or a directory of traces (every\n"
	"  *.zst in it): repeated runs of one build. A count that is the same\n"
	"  in every run of each side is compared exactly. Times, CPU and the\n"
	"  resident set are compared over the runs: a change counts when it\n"
	"  passes the threshold, Mann-Whitney's p-value (Holm-adjusted per\n"
	"  metric family; CPU shares: and the two-proportion test's) is below\n"
	"  alpha, and the bootstrap interval of the ratio of the medians\n"
	"  excludes 1 (a sampled CPU time's: by more than one timer signal's\n"
	"  step). With fewer than 4 runs a side such a change is\n"
	"  inconclusive. A function's CPU under 10 samples and 1% of all is\n"
	"  not judged.\n"
	"\n";

/* A percentage threshold: a finite number >= 0, an optional '%'. */
static int set_pct(const char *opt, double *to, const char *arg)
{
	const char *rest;
	double v;

	/* 0% would make an unchanged value a change */
	if (number(arg, &v, &rest) || (*rest && strcmp(rest, "%")) ||
	    !(v > 0) || v > 1e6)
		return bad_value(opt, arg);
	*to = v;
	return 0;
}

static int set_warn(struct cli *c, const char *arg)
{
	return set_pct("--warn takes a percentage above 0, not",
		       &c->diff.warn_pct, arg);
}

static int set_fail(struct cli *c, const char *arg)
{
	return set_pct("--fail takes a percentage above 0, not",
		       &c->diff.fail_pct, arg);
}

static int set_diff_alpha(struct cli *c, const char *arg)
{
	const char *rest;
	double v;

	if (number(arg, &v, &rest) || *rest || v <= 0 || v >= 0.5)
		return bad_value(
			"--alpha takes a level above 0 and below 0.5, not",
			arg);
	c->diff.alpha = v;
	return 0;
}

static int set_fail_on_regression(struct cli *c, const char *arg)
{
	(void)arg;
	c->fail_on_regression = 1;
	return 0;
}

static const struct cli_option diff_options[] = {
	{ "json", 'j', NULL, set_json, "the verdict and every metric as JSON" },
	{ "html", 0, NULL, set_html,
	  "one page to open in a browser: a differential\n"
	  "flame graph of each metric (red grew, blue\n"
	  "shrank; each side summed over its runs) and the\n"
	  "table of changes; to -o FILE or stdout" },
	{ "output", 'o', "FILE", set_output, NULL },
	{ "fail-on-regression", 0, NULL, set_fail_on_regression,
	  "exit 1 when a metric regresses significantly\n"
	  "past --fail (a gate)" },
	{ "warn", 0, "PCT", set_warn,
	  "a change from PCT% up is a warning (default 20)" },
	{ "fail", 0, "PCT", set_fail,
	  "a change from PCT% up is a regression (default\n"
	  "50)" },
	{ "alpha", 0, "A", set_diff_alpha,
	  "significance level, after Holm's adjustment\n"
	  "(default 0.05)" },
	{ "top", 0, "N", set_top, "rows of the table (default 20)" },
	{ "debug-dir", 0, "DIR", set_debug_dir,
	  "look for files of each run's build by build-id in\n"
	  "DIR/.build-id/ (also PERFSHIM_DEBUG_DIR; more than\n"
	  "once: in order)" },
	{ "allow-incomplete", 0, NULL, set_allow_incomplete,
	  "let --fail-on-regression pass on runs whose trace\n"
	  "was cut short, is empty or stopped early (without\n"
	  "it such a gate exits 2)" },
	{ "help", 'h', NULL, NULL, NULL },
};

static const char diff_footer[] =
	"  --help\n"
	"\n"
	"Exit status: 0 done, 1 a regression with --fail-on-regression,\n"
	"2 usage or input error (programs that differ: a warning only).\n";

static const struct cli_table diff_table = { diff_synopsis, diff_footer,
					     diff_options,
					     sizeof(diff_options) /
						     sizeof(diff_options[0]),
					     "perfanalyze diff --help" };

/* "perfanalyze diff BASE NEW [OPTION]...", argv[0] being "diff". */
static int parse_diff(struct cli *c, int argc, char **argv)
{
	int rc = parse_table(c, argc, argv, &diff_table);

	if (rc)
		return rc;
	if (argc - optind < 2)
		return bad_args("diff needs BASE and NEW");
	if (argc - optind > 2)
		return bad_value(
			"diff takes two runs, BASE and NEW; extra argument",
			argv[optind + 2]);
	if (c->html && c->json)
		return error("choose one of --html and --json");
	if (c->export_path && !c->html)
		return error("-o FILE is where --html writes; add --html");
	if (c->diff.fail_pct < c->diff.warn_pct)
		return error("--fail (%g%%) is below --warn (%g%%)",
			     c->diff.fail_pct, c->diff.warn_pct);
	c->base = argv[optind];
	c->trace = argv[optind + 1];
	c->report = REPORT_DIFF;
	return 0;
}

/* --- perfanalyze trend ----------------------------------------------------- */

static const char trend_synopsis[] =
	"usage: perfanalyze trend DIR [--json] [--fail-on-trend] [--x KEY]\n"
	"                   [--alpha A] [--warn PCT] [--min-change PCT]\n"
	"                   [--allow-incomplete]\n"
	"\n"
	"  The entries of DIR in file-name order, each one build: a summary\n"
	"  (NAME.json, from perfanalyze TRACE --json), a trace (NAME.zst) or\n"
	"  a directory of traces (its runs; their median). Per metric: the\n"
	"  Theil-Sen slope per build and the Mann-Kendall test (Holm-adjusted\n"
	"  over the metrics); creeping when significant, at least --min-change\n"
	"  over the series, and no step up reaches --warn.\n"
	"\n";

static int set_fail_on_trend(struct cli *c, const char *arg)
{
	(void)arg;
	c->trend.fail = 1;
	return 0;
}

static int set_x(struct cli *c, const char *arg)
{
	if (!*arg || strchr(arg, ',') || strchr(arg, '='))
		return bad_value("--x takes a label KEY, not", arg);
	c->trend.x_key = arg;
	return 0;
}

static int set_trend_alpha(struct cli *c, const char *arg)
{
	if (set_diff_alpha(c, arg))
		return -1;
	c->trend.opt.alpha = c->diff.alpha;
	return 0;
}

static int set_trend_warn(struct cli *c, const char *arg)
{
	double pct;

	if (set_pct("--warn takes a percentage, not", &pct, arg))
		return -1;
	c->trend.opt.warn = pct / 100;
	return 0;
}

static int set_min_change(struct cli *c, const char *arg)
{
	double pct;

	if (set_pct("--min-change takes a percentage, not", &pct, arg))
		return -1;
	c->trend.opt.min_change = pct / 100;
	return 0;
}

static const struct cli_option trend_options[] = {
	{ "json", 'j', NULL, set_json, "the report as JSON" },
	{ "fail-on-trend", 0, NULL, set_fail_on_trend,
	  "exit 1 when a metric is creeping or rising\n"
	  "(with --x: super-linear)" },
	{ "x", 0, "KEY", set_x,
	  "scaling instead: fit each metric against the\n"
	  "number PERFSHIM_LABEL gave KEY, on log-log axes;\n"
	  "an exponent above 1.1 is super-linear" },
	{ "alpha", 0, "A", set_trend_alpha,
	  "significance level over all the metrics (Holm;\n"
	  "default 0.05)" },
	{ "warn", 0, "PCT", set_trend_warn,
	  "a step up between two builds this large is no\n"
	  "creep but a rise (default 20)" },
	{ "min-change", 0, "PCT", set_min_change,
	  "smallest fitted change over the series that is\n"
	  "flagged (default 10)" },
	{ "allow-incomplete", 0, NULL, set_allow_incomplete,
	  "let --fail-on-trend pass on builds whose trace\n"
	  "(or summary, or one run) was cut short, is empty\n"
	  "or stopped early (without it such a gate exits 2)" },
	{ "help", 'h', NULL, NULL, NULL },
};

static const char trend_footer[] =
	"  --help\n"
	"\n"
	"Exit status: 0 done, 1 a trend with --fail-on-trend, 2 usage or\n"
	"input error (an empty directory, a bad summary, too few builds), or\n"
	"--fail-on-trend on a build not seen whole.\n";

static const struct cli_table trend_table = { trend_synopsis, trend_footer,
					      trend_options,
					      sizeof(trend_options) /
						      sizeof(trend_options[0]),
					      "perfanalyze trend --help" };

/* "perfanalyze trend DIR [OPTION]...", argv[0] being "trend". */
static int parse_trend(struct cli *c, int argc, char **argv)
{
	int rc = parse_table(c, argc, argv, &trend_table);

	if (rc)
		return rc;
	if (optind >= argc)
		return bad_args("trend: no directory of builds given");
	if (argc - optind > 1)
		return bad_value("trend reads one directory; extra argument",
				 argv[optind + 1]);
	c->trace = argv[optind];
	c->report = REPORT_TREND;
	return 0;
}

/* Which report, and its options filled in from the common ones. */
static void choose_report(struct cli *c)
{
	c->leak.json = c->json;
	c->growth.json = c->json;
	c->hot.json = c->json;
	if (c->flame) {
		c->hot.mode = HOT_FLAME;
		if (!c->metric)
			c->hot.key = HOT_METRIC_CPU;
	} else if (c->by) {
		c->hot.mode = HOT_SITES;
	}
	if (c->budget)
		c->report = REPORT_BUDGET;
	else if (c->html)
		c->report = REPORT_HTML;
	else if (c->export_path)
		c->report = REPORT_EXPORT;
	else if (c->growth.on)
		c->report = REPORT_GROWTH;
	else if (c->hotspots || c->flame)
		c->report = REPORT_HOTSPOTS;
	else if (c->leaks || c->leak_opts) /* its options imply it */
		c->report = REPORT_LEAKS;
	else
		c->report = REPORT_SUMMARY;
}

int cli_parse(struct cli *c, int argc, char **argv)
{
	const char *why, *arg;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "diff"))
		return parse_diff(c, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "trend"))
		return parse_trend(c, argc - 1, argv + 1);
	rc = parse_options(c, argc, argv);

	if (rc)
		return rc;
	if (optind >= argc)
		return bad_args("no trace file given");
	if (argc - optind > 1 && !c->budget)
		return bad_value("one trace at a time; extra argument",
				 argv[optind + 1]);
	if (c->budget && (c->hotspots || c->flame || c->by || c->growth.on ||
			  c->leaks || c->leak_opts || c->export_path ||
			  c->export_format >= 0 || c->html))
		return bad_value(
			"--budget goes without the other reports; drop the options besides",
			"--budget and --json");
	if ((why = growth_clash(c, &arg)))
		return arg ? bad_value(why, arg)
			   : error("%s (see perfanalyze --help)", why);
	if ((why = html_clash(c)))
		return error("%s (see perfanalyze --help)", why);
	if (!c->html && (c->export_format >= 0) != !!c->export_path)
		return bad_value("--export and -o go together; missing",
				 c->export_path ? "--export" : "-o");
	if (c->export_format >= 0 &&
	    (c->hotspots || c->flame || c->by || c->growth.on || c->leaks ||
	     c->leak_opts || c->json))
		return bad_value(
			"--export writes a file and goes without the other reports; drop the options besides",
			"--export and -o");
	if ((why = hot_clash(c)))
		return error("%s (see perfanalyze --help)", why);
	c->trace = argv[optind];
	c->traces = argv + optind;
	c->ntraces = (size_t)(argc - optind);
	choose_report(c);
	return 0;
}
