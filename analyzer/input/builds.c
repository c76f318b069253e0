/* builds.c - a directory's entries as the builds of a series (builds.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builds.h"
#include "error.h"
#include "summary_read.h"

enum build_kind { NOT_A_BUILD, BUILD_SUMMARY, BUILD_TRACE, BUILD_RUNS };

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && !strcmp(s + n - t, tail);
}

static enum build_kind kind_of(const char *path, const char *name)
{
	struct stat st;

	if (name[0] == '.' || stat(path, &st))
		return NOT_A_BUILD;
	if (S_ISDIR(st.st_mode))
		return BUILD_RUNS;
	if (ends_with(name, ".json"))
		return BUILD_SUMMARY;
	if (ends_with(name, ".zst"))
		return BUILD_TRACE;
	return NOT_A_BUILD;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The paths of dir's builds, sorted, into *paths; their count or -1. */
static long list(const char *dir, char ***paths)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;

	*paths = NULL;
	if (!d)
		return error("%s: cannot open the directory: %s", dir,
			     strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *path = xmalloc(len);

		snprintf(path, len, "%s/%s", dir, e->d_name);
		if (kind_of(path, e->d_name) == NOT_A_BUILD) {
			free(path);
			continue;
		}
		XGROW(*paths, cap, n + 1);
		(*paths)[n++] = path;
	}
	closedir(d);
	if (n)
		qsort(*paths, n, sizeof(**paths), by_name);
	return (long)n;
}

/* Build b of s from its runs (a trace, or a directory of them). */
static int load_runs(struct metric_set *s, size_t b, char *path)
{
	struct metric_set runs;

	if (metrics_load(&runs, &path, 1))
		return -1;
	for (size_t i = 0; i < runs.n; i++) {
		const struct metric *m = &runs.m[i];

		if (metric_in_summary(m) && metric_present(m))
			metrics_put(s, m->scope, m->where, m->name, m->unit)
				->v[b] = metric_median(m);
	}
	/* A build that did not see one of its runs whole is not whole. */
	if (runs.incomplete)
		metrics_mark_incomplete(s, path);
	/* The first run's label is the build's (they are one build's). */
	if (runs.label[0])
		s->label[b] = xstrdup(runs.label[0]);
	metrics_release(&runs);
	return 0;
}

/* One build, b, of s from path. */
static int load(struct metric_set *s, size_t b, char *path)
{
	const char *name = strrchr(path, '/') + 1;

	switch (kind_of(path, name)) {
	case BUILD_SUMMARY:
		return summary_read(s, b, path);
	case BUILD_TRACE:
	case BUILD_RUNS:
		return load_runs(s, b, path);
	default:
		return error("%s: not a build", path);
	}
}

int builds_load(struct metric_set *s, const char *dir)
{
	char **paths;
	long n = list(dir, &paths);
	int rc = 0;

	metrics_init(s, n > 0 ? (size_t)n : 0);
	if (n < 0)
		return -1;
	s->path = xcalloc((size_t)n + 1, sizeof(*s->path));
	s->label = xcalloc((size_t)n + 1, sizeof(*s->label));
	if (n == 0)
		rc = error(
			"%s: no builds (summary *.json, trace *.zst or a directory of traces)",
			dir);
	for (long b = 0; b < n && !rc; b++) {
		s->path[b] = xstrdup(strrchr(paths[b], '/') + 1);
		rc = load(s, (size_t)b, paths[b]);
	}
	for (long b = 0; b < n; b++)
		free(paths[b]);
	free(paths);
	return rc;
}
