/* clock.c - the events' clock (see clock.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

HIDDEN int perfshim_use_tsc;
HIDDEN uint64_t perfshim_tsc0;
HIDDEN int perfshim_tsc_fence;
static struct timespec start_mono;

/* The first len bytes of a small file, NUL-terminated; its length or 0. */
static size_t read_head(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return 0;
	while (len < cap - 1) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	return len;
}

/* 1 if the flags line that starts at line holds the word w. */
static int has_flag(const char *line, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = line; *p && *p != '\n'; p++)
		if ((p[-1] == ' ' || p[-1] == '\t') && !strncmp(p, w, n) &&
		    (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/*
 * The CPU says its TSC ticks at one rate whatever the frequency
 * (constant_tsc) and in every sleep state (nonstop_tsc): then it is a
 * clock, even where the kernel keeps time with another one (kvm-clock,
 * which the vDSO reads at 30 ns a call, where rdtsc takes 8).
 */
static int tsc_invariant(void)
{
	static char buf[16384];
	const char *flags;

	if (!read_head("/proc/cpuinfo", buf, sizeof(buf)))
		return 0;
	flags = strstr(buf, "\nflags");
	if (!flags)
		return 0;
	flags = strchr(flags, ':');
	return flags && has_flag(flags + 1, "constant_tsc") &&
	       has_flag(flags + 1, "nonstop_tsc");
}

/* The kernel keeps time with the TSC only when it is stable and in step
 * across CPUs: that is a reason to trust it too. */
static int tsc_usable(void)
{
	char buf[32];

	if (read_head("/sys/devices/system/clocksource/clocksource0/"
		      "current_clocksource",
		      buf, sizeof(buf)) >= 4 &&
	    !strncmp(buf, "tsc\n", 4))
		return 1;
	return tsc_invariant();
}

HIDDEN void perfshim_clock_start(int choose, int monotonic_only)
{
	if (choose)
		perfshim_use_tsc = !monotonic_only && tsc_usable();
	clock_gettime(CLOCK_MONOTONIC, &start_mono);
	perfshim_tsc0 = __builtin_ia32_rdtsc();
}

HIDDEN void perfshim_clock_threads(void)
{
	if (perfshim_use_tsc &&
	    !__atomic_load_n(&perfshim_tsc_fence, __ATOMIC_RELAXED))
		__atomic_store_n(&perfshim_tsc_fence, 1, __ATOMIC_SEQ_CST);
}

HIDDEN uint64_t perfshim_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)(ts.tv_sec - start_mono.tv_sec) * 1000000000ull +
	       (uint64_t)(ts.tv_nsec - start_mono.tv_nsec);
}

HIDDEN void perfshim_clock_pair(uint64_t *units, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;

	/* The narrowest of three windows: a preemption between the reads
	 * would skew the pair by its length. */
	for (int i = 0; i < 3; i++) {
		uint64_t t1 = perfshim_now();
		uint64_t n = perfshim_now_mono();
		uint64_t t2 = perfshim_now();

		if (t2 - t1 < best) {
			best = t2 - t1;
			*units = t1 + (t2 - t1) / 2;
			*ns = n;
		}
	}
}
