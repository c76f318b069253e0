/* main.c - perfanalyze: read a perfshim trace and report on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "export_collect.h"
#include "gate.h"
#include "growth.h"
#include "hotspots.h"
#include "json.h"
#include "leaks.h"
#include "perfshim_trace.h"
#include "reader.h"
#include "replay.h"
#include "suppress.h"
#include "symbols.h"
#include "tee.h"

#define EXIT_INPUT 2

static const char usage[] =
	"usage: perfanalyze TRACE [--leaks] [--json] [--fail-on-leak]\n"
	"                   [--min-bytes N] [--suppressions FILE]...\n"
	"                   [--show-runtime] [--leak-kinds "
	"LIST]\n"
	"                   [--allow-incomplete]\n" HOTSPOTS_SYNOPSIS
	"       perfanalyze TRACE "
	"--growth|--timeline [--fail-on-growth] "
	"[--json]\n"
	"                   [--marker LABEL] [--warmup W] [--windows N]\n"
	"                   [--growth-floor B] [--growth-relative F] "
	"[--alpha A]\n"
	"       perfanalyze TRACE --export pprof|speedscope|chrome -o FILE\n"
	"\n"
	"  (no report option)   summary: duration, threads, calls, peak heap,\n"
	"                       memory still allocated at exit, how it ended\n"
	"  --leaks              unfreed memory by allocation stack, largest "
	"first\n"
	"  --json               the same report as JSON\n"
	"  --fail-on-leak       exit 1 when an unsuppressed leak remains (a "
	"gate)\n"
	"  --min-bytes N        ignore allocation sites leaking fewer than N "
	"bytes\n"
	"  --suppressions FILE  LeakSanitizer-style 'leak:PATTERN' lines\n"
	"  --leak-kinds LIST    report and gate only these kinds: comma list "
	"of\n"
	"                       definite,indirect,possible,reachable,"
	"unclassified,\n"
	"                       or all (default: all reported; the gate "
	"counts\n"
	"                       definite,indirect,possible,unclassified)\n"
	"  --show-runtime       also report what the C/C++ runtime keeps "
	"until\n"
	"                       exit (stdio buffers, locale data, its "
	"start-up)\n"
	"  --allow-incomplete   let a gate pass on a trace cut short (no "
	"END\n"
	"                       record: killed, or still running); without "
	"it\n"
	"                       such a gate exits 2\n" HOTSPOTS_HELP "%s"
	"  --export FORMAT      write the profile to -o FILE for other tools:\n"
	"                       pprof (gzipped profile.proto), speedscope, "
	"chrome\n"
	"                       (Trace Event Format, for Perfetto)\n"
	"  --version, --help\n"
	"\n"
	"Exit status: 0 done, 1 a gate failed, 2 usage or input error\n"
	"(a gate that would pass on a cut-short trace included).\n";

static void die_usage(const char *what, const char *arg)
	__attribute__((noreturn));

static void die_usage(const char *what, const char *arg)
{
	fprintf(stderr, "perfanalyze: %s '%s' (see perfanalyze --help)\n", what,
		arg);
	exit(EXIT_INPUT);
}

static const char *end_text(const struct replay *rp, int cut, char *buf,
			    size_t len)
{
	if (!rp->have_end)
		return cut ? "cut short: no end record (killed, or still "
			     "running)"
			   : "unknown";
	switch (rp->end.how) {
	case PERFSHIM_END_EXIT:
		if (rp->end.status < 0)
			snprintf(buf, len, "cleanly (exit status unknown)");
		else
			snprintf(buf, len, "cleanly, exit status %d",
				 rp->end.status);
		break;
	case PERFSHIM_END__EXIT:
		snprintf(buf, len, "by _exit(%d), without destructors",
			 rp->end.status);
		break;
	case PERFSHIM_END_SIGNAL:
		snprintf(buf, len, "killed by signal %d (%s)", rp->end.status,
			 strsignal(rp->end.status));
		break;
	case PERFSHIM_END_EXEC:
		snprintf(buf, len,
			 "replaced by exec (the new program has a "
			 "trace of its own)");
		break;
	default:
		snprintf(buf, len, "tracing stopped early");
	}
	return buf;
}

static int clean_end(const struct replay *rp)
{
	return rp->have_end && (rp->end.how == PERFSHIM_END_EXIT ||
				rp->end.how == PERFSHIM_END__EXIT ||
				rp->end.how == PERFSHIM_END_EXEC);
}

static void summary_text(const struct trace_header *h, const struct replay *rp,
			 int cut, const char *path)
{
	char buf[256];

	printf("trace:             %s (format %u.%u)\n", path, h->major,
	       h->minor);
	printf("program:           %s (pid %" PRIu64 ", parent %" PRIu64 ")\n",
	       h->exe, h->pid, h->ppid);
	printf("command:           %s\n", h->cmdline);
	printf("duration:          %.3f s\n", rp->last_ts / 1e9);
	printf("ended:             %s\n", end_text(rp, cut, buf, sizeof(buf)));
	printf("threads:           %" PRIu64 "\n", rp->threads);
	printf("allocation calls:  %" PRIu64 " (%" PRIu64 " bytes in all)\n",
	       rp->alloc_calls, rp->alloc_bytes);
	printf("frees:             %" PRIu64 "\n", rp->free_calls);
	printf("peak heap:         %" PRIu64 " bytes at %.3f s\n",
	       rp->peak_bytes, rp->peak_ts / 1e9);
	printf("allocated at exit: %" PRIu64 " bytes in %zu blocks\n",
	       rp->live_bytes, rp->live_count);
	if (rp->unknown_frees)
		printf("untracked frees:   %" PRIu64 " (blocks allocated "
		       "before tracing began)\n",
		       rp->unknown_frees);
	if (rp->lost)
		printf("lost events:       %" PRIu64 "\n", rp->lost);
}

static int summary_json(const struct trace_header *h, const struct replay *rp,
			int cut)
{
	struct json_writer w;
	char buf[256];

	json_writer_init(&w, stdout);
	json_object_begin(&w);
	json_key(&w, "format");
	json_string(&w, h->major == 1 ? "1" : "?");
	json_key(&w, "program");
	json_string(&w, h->exe);
	json_key(&w, "command");
	json_string(&w, h->cmdline);
	json_key(&w, "pid");
	json_u64(&w, h->pid);
	json_key(&w, "ppid");
	json_u64(&w, h->ppid);
	json_key(&w, "duration_ns");
	json_u64(&w, rp->last_ts);
	json_key(&w, "clean_end");
	json_bool(&w, clean_end(rp));
	json_key(&w, "cut_short");
	json_bool(&w, cut);
	json_key(&w, "complete");
	json_bool(&w, !cut);
	json_key(&w, "ended");
	json_string(&w, end_text(rp, cut, buf, sizeof(buf)));
	json_key(&w, "exit_status");
	if (rp->have_end && rp->end.how != PERFSHIM_END_SIGNAL &&
	    rp->end.status >= 0)
		json_i64(&w, rp->end.status);
	else
		json_null(&w);
	json_key(&w, "signal");
	if (rp->have_end && rp->end.how == PERFSHIM_END_SIGNAL)
		json_i64(&w, rp->end.status);
	else
		json_null(&w);
	json_key(&w, "threads");
	json_u64(&w, rp->threads);
	json_key(&w, "alloc_calls");
	json_u64(&w, rp->alloc_calls);
	json_key(&w, "alloc_bytes");
	json_u64(&w, rp->alloc_bytes);
	json_key(&w, "free_calls");
	json_u64(&w, rp->free_calls);
	json_key(&w, "peak_bytes");
	json_u64(&w, rp->peak_bytes);
	json_key(&w, "peak_ns");
	json_u64(&w, rp->peak_ts);
	json_key(&w, "live_bytes");
	json_u64(&w, rp->live_bytes);
	json_key(&w, "live_blocks");
	json_u64(&w, rp->live_count);
	json_key(&w, "untracked_frees");
	json_u64(&w, rp->unknown_frees);
	json_key(&w, "lost_events");
	json_u64(&w, rp->lost);
	json_object_end(&w);
	return json_writer_finish(&w);
}

/* Cross-check the replay against the totals the shim wrote at the end. */
static void check_end(const struct replay *rp, const char *path)
{
	if (!rp->have_end)
		return;
	if (rp->alloc_calls < rp->end.alloc_calls ||
	    rp->free_calls < rp->end.free_calls)
		fprintf(stderr,
			"perfanalyze: warning: %s: the trace holds fewer "
			"events "
			"than the shim counted (%" PRIu64 " of %" PRIu64
			" allocations, %" PRIu64 " of %" PRIu64 " frees)\n",
			path, rp->alloc_calls, rp->end.alloc_calls,
			rp->free_calls, rp->end.free_calls);
	if (rp->end.lost)
		fprintf(stderr,
			"perfanalyze: warning: %s: the shim could not record "
			"%" PRIu64 " events\n",
			path, rp->end.lost);
}

/* Each report's option values keep to a range of their own. */
_Static_assert((int)GROWTH_OPT_LAST < (int)HOT_OPT_BASE, "growth and hot-spot "
							 "option "
							 "values overlap");

int main(int argc, char **argv)
{
	enum {
		OPT_MIN_BYTES = 256,
		OPT_SUPP,
		OPT_FAIL,
		OPT_VERSION,
		OPT_RT,
		OPT_KINDS,
		OPT_ALLOW_INCOMPLETE,
		OPT_EXPORT,
	};
	static const struct option opts[] = {
		{ "leaks", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "fail-on-leak", no_argument, NULL, OPT_FAIL },
		{ "min-bytes", required_argument, NULL, OPT_MIN_BYTES },
		{ "suppressions", required_argument, NULL, OPT_SUPP },
		{ "show-runtime", no_argument, NULL, OPT_RT },
		HOTSPOTS_LONG_OPTIONS,
		{ "leak-kinds", required_argument, NULL, OPT_KINDS },
		{ "allow-incomplete", no_argument, NULL, OPT_ALLOW_INCOMPLETE },
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		GROWTH_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct leak_options lo = { 0 };
	struct suppressions supp;
	int want_leaks = 0, fail_on_leak = 0, c, rc = 0, hot_rc;
	int allow_incomplete = 0, export_format = -1;
	const char *export_path = NULL;
	struct hot_cli hc;
	int leak_opts = 0; /* options that only mean something for --leaks */
	struct growth_options go;
	struct growth_scan gs;
	struct trace_visitor gv;

	growth_options_init(&go);
	growth_scan_init(&gs);
	suppressions_init(&supp);
	hot_cli_init(&hc);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hljo:", opts, NULL)) != -1) {
		if ((hot_rc = hot_cli_option(&hc, c, optarg)) < 0)
			return EXIT_INPUT;
		if (hot_rc)
			continue;
		switch (c) {
		case 'l':
			want_leaks = 1;
			break;
		case 'j':
			lo.json = 1;
			break;
		case OPT_FAIL:
			fail_on_leak = 1;
			want_leaks = 1;
			break;
		case OPT_MIN_BYTES: {
			char *end;

			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (errno || *end || !*optarg || optarg[0] == '-')
				die_usage("--min-bytes takes a whole number of "
					  "bytes, not",
					  optarg);
			lo.min_bytes = v;
			leak_opts = 1;
			break;
		}
		case OPT_SUPP:
			if (suppressions_load(&supp, optarg))
				return EXIT_INPUT;
			lo.supp = &supp;
			leak_opts = 1;
			break;
		case OPT_RT:
			lo.show_runtime = 1;
			leak_opts = 1;
			break;
		case GROWTH_OPT_FIRST ... GROWTH_OPT_LAST:
			if (growth_option(&go, c, optarg))
				return EXIT_INPUT;
			break;
		case OPT_KINDS:
			if (leak_kinds_parse(optarg, &lo.kinds))
				die_usage("--leak-kinds takes a comma list of "
					  "definite, indirect, possible, "
					  "reachable, unclassified (or all), "
					  "not",
					  optarg);
			leak_opts = 1;
			break;
		case OPT_ALLOW_INCOMPLETE:
			allow_incomplete = 1;
			break;
		case OPT_EXPORT:
			export_format = export_format_parse(optarg);
			if (export_format < 0)
				die_usage("--export takes pprof, speedscope or "
					  "chrome, not",
					  optarg);
			break;
		case 'o':
			export_path = optarg;
			break;
		case 'h':
			printf(usage, growth_usage);
			return 0;
		case OPT_VERSION:
			printf("perfanalyze %s (trace format %d.%d)\n",
			       PERFSHIM_VERSION, PERFSHIM_FORMAT_MAJOR,
			       PERFSHIM_FORMAT_MINOR);
			return 0;
		case ':':
			die_usage("this option needs a value:",
				  argv[optind - 1]);
			break;
		default:
			die_usage("unknown option", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		fputs("perfanalyze: no trace file given\n", stderr);
		fprintf(stderr, usage, growth_usage);
		return EXIT_INPUT;
	}
	if (argc - optind > 1)
		die_usage("one trace at a time; extra argument",
			  argv[optind + 1]);
	if (go.on && (want_leaks || leak_opts))
		die_usage("the growth report goes without the leak report "
			  "and its options; drop",
			  want_leaks ? "--leaks" : "--min-bytes etc.");
	if (go.timeline && go.fail)
		die_usage("--timeline prints the series, not a verdict; drop",
			  "--fail-on-growth");
	if (go.tuned && !go.on)
		die_usage("--marker, --warmup, --windows, --growth-floor, "
			  "--growth-relative, --rss-floor and --alpha need",
			  "--growth");

	if ((hc.hot || hc.flame || hc.by) && go.on) {
		fputs("perfanalyze: one report at a time: --growth (or "
		      "--timeline) or --hotspots (or --flamegraph) (see "
		      "perfanalyze --help)\n",
		      stderr);
		return EXIT_INPUT;
	}
	if ((export_format >= 0) != !!export_path)
		die_usage("--export and -o go together; missing",
			  export_path ? "--export" : "-o");
	if (export_path && (hc.hot || hc.flame || hc.by || go.on ||
			    want_leaks || leak_opts || lo.json))
		die_usage("--export writes a file and goes without the other "
			  "reports; drop the options besides",
			  "--export and -o");
	hot_rc = hot_cli_finish(
		&hc, want_leaks || leak_opts || lo.min_bytes || lo.supp,
		lo.json);
	if (hot_rc < 0)
		return EXIT_INPUT;

	const char *path = argv[optind];

	if (go.on && growth_check_input(path))
		return EXIT_INPUT;
	struct trace_reader *r = trace_reader_open(path);

	if (!r)
		return EXIT_INPUT;

	struct replay rp;
	struct trace_visitor v, cv;
	struct visitor_tee tee;
	struct classify cls;

	replay_init(&rp);
	replay_visitor(&rp, &v);
	classify_init(&cls, r);
	classify_visitor(&cls, &cv);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &v);
	visitor_tee_add(&tee, &cv);
	/* Reports that collect more than replay does add their visitor here. */
	struct hotspots *hot = NULL;
	struct trace_visitor hv, xv;
	struct export_collect *ex = NULL;

	if (hot_rc) {
		hot = hotspots_new(&rp, r);
		if (!hot) {
			fputs("perfanalyze: out of memory\n", stderr);
			rc = EXIT_INPUT;
			goto cleanup;
		}
		hotspots_visitor(hot, &hv);
		visitor_tee_add(&tee, &hv);
	}
	if (export_path) {
		if (!(ex = export_collect_new(&rp, r))) {
			fputs("perfanalyze: out of memory\n", stderr);
			rc = EXIT_INPUT;
			goto cleanup;
		}
		export_collect_visitor(ex, &xv);
		visitor_tee_add(&tee, &xv);
	}
	if (go.on) {
		growth_scan_visitor(&gs, &gv);
		visitor_tee_add(&tee, &gv);
	}
	if (trace_reader_run(r, &tee.out)) {
		rc = EXIT_INPUT;
		goto cleanup;
	}
	check_end(&rp, path);
	int cut = trace_reader_cut_short(r);

	if (ex) {
		rc = export_write(ex, export_format, export_path) ? EXIT_INPUT
								  : 0;
		goto cleanup;
	}
	if (hot) {
		struct symbols *hs = symbols_new();

		if (!hs || hotspots_report(hot, hs, &hc.o, stdout))
			rc = EXIT_INPUT;
		symbols_free(hs);
		goto cleanup;
	}
	if (go.on) {
		enum growth_verdict gvd;

		go.json = lo.json;
		go.complete = !cut;
		struct trace_reader *again = trace_reader_open(path);

		if (!again ||
		    growth_report(again, path, &rp, &gs, &go, stdout, &gvd))
			rc = EXIT_INPUT;
		else if (go.fail)
			rc = gate_exit(r, path, gvd == GROWTH_GROWING,
				       allow_incomplete);
		goto cleanup;
	}

	if (!want_leaks) {
		if (lo.json)
			rc = summary_json(trace_reader_header(r), &rp, cut)
				     ? EXIT_INPUT
				     : 0;
		else
			summary_text(trace_reader_header(r), &rp, cut, path);
		goto cleanup;
	}

	struct symbols *sym = symbols_new();
	struct leak_totals t;

	if (!sym) {
		fputs("perfanalyze: out of memory\n", stderr);
		rc = EXIT_INPUT;
		goto cleanup;
	}
	lo.cls = &cls;
	lo.gate_kinds = lo.kinds ? lo.kinds : LEAK_GATE_DEFAULT;
	lo.complete = !cut;
	if (leaks_report(&rp, sym, &lo, stdout, &t))
		rc = EXIT_INPUT;
	else if (fail_on_leak)
		rc = gate_exit(r, path, t.gate_groups != 0, allow_incomplete);
	symbols_free(sym);
cleanup:
	export_collect_free(ex);
	hotspots_free(hot);
	classify_release(&cls);
	replay_release(&rp);
	trace_reader_free(r);
	suppressions_release(&supp);
	growth_scan_release(&gs);
	return rc;
}
