/* hugepages.c - the analyzer's heap on transparent huge pages (hugepages.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hugepages.h"

#define TUNABLE "glibc.malloc.hugetlb"
#define TOP_PAD "glibc.malloc.top_pad"
#define MMAP_THRESHOLD "glibc.malloc.mmap_threshold"
/* Ours, where the user sets none (hugepages.h says why). */
#define OUR_TOP_PAD ":" TOP_PAD "=67108864"		  /* 64 MiB */
#define OUR_MMAP_THRESHOLD ":" MMAP_THRESHOLD "=33554432" /* 32 MiB */

/* Whether GLIBC_TUNABLES (NULL: unset) sets the tunable name. */
static int sets(const char *tunables, const char *name)
{
	return tunables && strstr(tunables, name);
}

int hugepages_wanted(const char *thp, const char *tunables, const char *preload,
		     const char *opt, char *out, size_t cap)
{
	int n;

	if (!thp || !strstr(thp, "[madvise]"))
		return 0;
	if (sets(tunables, TUNABLE))
		return 0;
	if (preload && strstr(preload, "vgpreload"))
		return 0;
	if (opt && !strcmp(opt, "0"))
		return 0;
	n = snprintf(out, cap, "%s%s" TUNABLE "=1%s%s",
		     tunables ? tunables : "", tunables && *tunables ? ":" : "",
		     sets(tunables, TOP_PAD) ? "" : OUR_TOP_PAD,
		     sets(tunables, MMAP_THRESHOLD) ? "" : OUR_MMAP_THRESHOLD);
	return n > 0 && (size_t)n < cap;
}

void hugepages_reexec(char **argv)
{
#ifndef __SANITIZE_ADDRESS__ /* ASan has a heap of its own */
	char thp[128], want[4096];
	const char *was = getenv("GLIBC_TUNABLES");
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled",
		      O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, thp, sizeof(thp) - 1) : -1;

	if (fd >= 0)
		close(fd);
	thp[n > 0 ? n : 0] = '\0';
	if (!hugepages_wanted(n > 0 ? thp : NULL, was, getenv("LD_PRELOAD"),
			      getenv("PERFANALYZE_HUGEPAGES"), want,
			      sizeof(want)))
		return;
	char *keep = was ? strdup(was) : NULL;

	if (was && !keep)
		return;
	if (!setenv("GLIBC_TUNABLES", want, 1))
		execv("/proc/self/exe", argv);
	/* Not started again: on as we are. */
	if (keep)
		setenv("GLIBC_TUNABLES", keep, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	free(keep);
#else
	(void)argv;
#endif
}
