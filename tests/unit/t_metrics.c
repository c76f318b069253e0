/*
 * t_metrics.c - the metric set: which traces a list of arguments means
 * (files, directories of *.zst in name order, errors), the set's table
 * (put, find, NAN for absent, median).
 *
 * With arguments, it prints instead the metric set those runs give, one
 * metric a line: "SCOPE<TAB>WHERE<TAB>NAME<TAB>V1 V2 ..." ("-" for a run
 * without the metric), for tests/t/t0800-metrics.sh to hold against
 * programs of known truth.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "metrics.h"
#include "tap.h"

static char dir[] = "/tmp/t_metrics.XXXXXX";

static void touch(const char *name)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f)
		fclose(f);
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void test_expand_dir(void)
{
	char *args[] = { dir };
	struct run_paths rp;
	char sub[300];

	touch("b.zst");
	touch("a.zst");
	touch("c.zst.txt");
	touch("notes.txt");
	snprintf(sub, sizeof(sub), "%s/d.zst", dir);
	mkdir(sub, 0700); /* a directory named like a trace: not one */
	if (!ok(!runs_expand(args, 1, &rp), "a directory expands"))
		return;
	is_uint(rp.n, 2, "only the regular *.zst files");
	if (rp.n == 2) {
		is_str(base(rp.path[0]), "a.zst", "in name order: first");
		is_str(base(rp.path[1]), "b.zst", "in name order: second");
	}
	run_paths_release(&rp);
	rmdir(sub);
}

static void test_expand_files(void)
{
	char a[300], b[300];
	char *args[] = { b, a, dir };
	struct run_paths rp;

	snprintf(a, sizeof(a), "%s/a.zst", dir);
	snprintf(b, sizeof(b), "%s/notes.txt", dir);
	if (!ok(!runs_expand(args, 3, &rp), "files and a directory"))
		return;
	is_uint(rp.n, 4, "files as given, then the directory's");
	if (rp.n == 4) {
		is_str(rp.path[0], b, "a file is taken as it is");
		is_str(rp.path[1], a, "in argument order");
	}
	run_paths_release(&rp);
}

static void test_expand_errors(void)
{
	char empty[300], missing[300], want[400];
	char *args[] = { empty };
	struct run_paths rp;
	const char *msg;

	snprintf(empty, sizeof(empty), "%s/empty", dir);
	mkdir(empty, 0700);
	capture_start();
	ok(runs_expand(args, 1, &rp) == -1 && rp.n == 0,
	   "an empty directory is an error");
	msg = capture_end();
	snprintf(want, sizeof(want), "perfanalyze: %s: no traces (*.zst)\n",
		 empty);
	is_str(msg, want, "which names it");
	rmdir(empty);

	snprintf(missing, sizeof(missing), "%s/missing.zst", dir);
	args[0] = missing;
	capture_start();
	ok(runs_expand(args, 1, &rp) == -1, "a missing path is an error");
	msg = capture_end();
	snprintf(want, sizeof(want),
		 "perfanalyze: %s: No such file or directory\n", missing);
	is_str(msg, want, "which names it");

	capture_start();
	ok(runs_expand(args, 0, &rp) == -1, "no paths is an error");
	is_str(capture_end(), "perfanalyze: no traces given\n", "said so");
}

static void test_set(void)
{
	struct metric_set s;
	struct metric *m;
	const struct metric *f;

	metrics_init(&s, 4);
	m = metrics_put(&s, METRIC_SITE, "make_node", "calls", METRIC_COUNT);
	ok(isnan(m->v[0]) && isnan(m->v[3]), "a new metric: every run NAN");
	ok(isnan(metric_median(m)), "no value: the median is NAN");
	m->v[0] = 5, m->v[1] = 1, m->v[3] = 3;
	is_uint(metric_present(m), 3, "three runs have it");
	ok(metric_median(m) == 3, "median of 5, 1, 3 (one absent) is 3");
	m->v[2] = 4;
	ok(metric_median(m) == 3.5, "median of an even count: the mean");
	ok(metrics_put(&s, METRIC_SITE, "make_node", "calls", METRIC_COUNT) ==
		   m,
	   "put of an existing key finds it");
	metrics_put(&s, METRIC_FUNCTION, "make_node", "calls", METRIC_COUNT);
	metrics_put(&s, METRIC_SITE, "make_node", "bytes", METRIC_BYTES);
	is_uint(s.n, 3, "scope and name are part of the key");
	f = metrics_find(&s, METRIC_SITE, "make_node", "calls");
	ok(f && f->v[0] == 5, "find by key");
	ok(!metrics_find(&s, METRIC_ZONE, "make_node", "calls"),
	   "find of a missing key: NULL");
	is_str(metric_scope_name(METRIC_ZONE), "zone", "scope names");
	is_str(metric_unit_name(METRIC_RATIO), "ratio", "unit names");
	metrics_release(&s);
	is_uint(s.n + s.runs, 0, "released: empty");
}

/* The dump mode: the metric set of the runs that args name. */
static int dump(char **args, int n)
{
	struct metric_set s;

	if (metrics_load(&s, args, (size_t)n))
		return 2;
	printf("runs\t%zu\t%s\n", s.runs, s.mixed ? "mixed" : "one program");
	for (size_t i = 0; i < s.n; i++) {
		const struct metric *m = &s.m[i];

		printf("%s\t%s\t%s\t", metric_scope_name(m->scope), m->where,
		       m->name);
		for (size_t r = 0; r < s.runs; r++) {
			if (isnan(m->v[r]))
				printf("%s-", r ? " " : "");
			else
				printf("%s%.17g", r ? " " : "", m->v[r]);
		}
		putchar('\n');
	}
	metrics_release(&s);
	return 0;
}

int main(int argc, char **argv)
{
	char rm[400];

	if (argc > 1)
		return dump(argv + 1, argc - 1);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_expand_dir();
	test_expand_files();
	test_expand_errors();
	test_set();
	snprintf(rm, sizeof(rm), "rm -rf '%s'", dir);
	if (system(rm))
		diag("could not remove %s", dir);
	done_testing();
	return exit_status();
}
