/* clock.c - the events' clock (see clock.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

HIDDEN int perfshim_use_tsc;
HIDDEN uint64_t perfshim_tsc0;
static struct timespec start_mono;

/* The kernel keeps time with the TSC only when it is stable and in step
 * across CPUs: that is our test for trusting it too. */
static int tsc_usable(void)
{
	char buf[32] = { 0 };
	int fd = open("/sys/devices/system/clocksource/clocksource0/"
		      "current_clocksource",
		      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	close(fd);
	return n >= 3 && !strncmp(buf, "tsc\n", 4);
}

HIDDEN void perfshim_clock_start(int choose, int monotonic_only)
{
	if (choose)
		perfshim_use_tsc = !monotonic_only && tsc_usable();
	clock_gettime(CLOCK_MONOTONIC, &start_mono);
	perfshim_tsc0 = __builtin_ia32_rdtsc();
}

HIDDEN uint64_t perfshim_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)(ts.tv_sec - start_mono.tv_sec) * 1000000000ull +
	       (uint64_t)(ts.tv_nsec - start_mono.tv_nsec);
}
