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
	qsort(*paths, n, sizeof(**paths), by_name);
	return (long)n;
}

/* One build, b, of s from path. */
static int load(struct series_set *s, size_t b, const char *path)
{
	const char *name = strrchr(path, '/') + 1;

	switch (kind_of(path, name)) {
	case BUILD_SUMMARY:
		return summary_read(s, b, path);
	case BUILD_TRACE:
	case BUILD_RUNS:
		return error("%s: traces are not read by trend yet", path);
	default:
		return error("%s: not a build", path);
	}
}

int builds_load(struct series_set *s, const char *dir)
{
	char **paths;
	long n = list(dir, &paths);
	int rc = 0;

	series_init(s, n > 0 ? (size_t)n : 0);
	if (n < 0)
		return -1;
	if (n == 0)
		rc = error(
			"%s: no builds (summary *.json, trace *.zst or a directory of traces)",
			dir);
	for (long b = 0; b < n && !rc; b++) {
		s->build[b] = xstrdup(strrchr(paths[b], '/') + 1);
		rc = load(s, (size_t)b, paths[b]);
	}
	for (long b = 0; b < n; b++)
		free(paths[b]);
	free(paths);
	return rc;
}
