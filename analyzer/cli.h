/*
 * cli.h - perfanalyze's command line: one table of options, from which
 * both the parsing and --help come.
 */
#ifndef PERFSHIM_CLI_H
#define PERFSHIM_CLI_H

#include "diff.h"
#include "growth.h"
#include "hotspots.h"
#include "leaks.h"
#include "suppress.h"
#include "trends.h"

/* The report a command line asks for. */
enum cli_report {
	REPORT_SUMMARY,
	REPORT_LEAKS,
	REPORT_HOTSPOTS, /* --hotspots, --by, --flamegraph: cli.hot says */
	REPORT_GROWTH,	 /* --growth, --timeline */
	REPORT_EXPORT,	 /* --export FORMAT -o FILE */
	REPORT_BUDGET,	 /* --budget FILE, over one or more runs */
	REPORT_TREND,	 /* perfanalyze trend DIR: trace is the DIR */
	REPORT_DIFF,	 /* perfanalyze diff BASE NEW */
	REPORT_HTML,	 /* --html [-o FILE] */
};

/* perfanalyze trend's options. */
struct trend_cli {
	const char *x_key; /* --x KEY, or NULL */
	int fail;	   /* --fail-on-trend */
	struct trends_options opt;
};

struct cli {
	const char *trace;
	char *const *traces; /* every TRACE argument (--budget: runs) */
	size_t ntraces;
	enum cli_report report;
	int json;
	int fail_on_leak;
	int allow_incomplete;	 /* a gate may pass on a cut-short trace */
	int export_format;	 /* --export: export_format_parse's; -1: none */
	const char *export_path; /* -o FILE */
	const char *baseline;	 /* --baseline: a trace; NULL: none */
	const char *budget;	 /* --budget FILE; NULL: none */
	int html;		 /* --html */
	struct leak_options leak; /* leak.supp points at supp when given */
	struct suppressions supp;
	struct hot_options hot;
	struct growth_options growth;
	struct trend_cli trend;
	const char *base;	  /* diff: BASE (a trace or a directory) */
	struct diff_options diff; /* diff: --warn, --fail, --alpha */
	int fail_on_regression;

	/* What the options said, for the checks that come after them all. */
	int leaks, leak_opts, hotspots, flame, by, metric, top;
};

/* cli_init - the defaults; allocates nothing. */
void cli_init(struct cli *c);

/* cli_release - free what parsing loaded (the suppressions). */
void cli_release(struct cli *c);

/*
 * cli_parse - fill c from argv: "perfanalyze TRACE [OPTION]...",
 * "perfanalyze diff BASE NEW [OPTION]..." (options of its own table;
 * c->base and c->trace are BASE and NEW, c->hot.top the rows) or
 * "perfanalyze trend DIR [OPTION]..." (its own table too). Returns 0 when
 * a report is to be made, 1 when the command line was answered already
 * (--help, --version: printed on stdout), -1 on a usage error: one line
 * on stderr that names the bad option, value or argument and the --help
 * of the command (perfanalyze's, diff's or trend's) that lists the right
 * ones.
 */
int cli_parse(struct cli *c, int argc, char **argv);

#endif
