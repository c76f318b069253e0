/*
 * zones - named timing zones from include/perfshim.h; runs unchanged
 * without the shim (the API's weak symbols are then null).
 *
 *   "outer" (1 call, ~50 ms): sleeps 20 ms itself and holds "inner".
 *   "inner" (3 calls inside "outer", 10 ms each: ~30 ms).
 *   "scoped" (PERFSHIM_ZONE, 4 calls of 5 ms each), left by a return
 *   from inside a loop: the cleanup closes it.
 *
 * "zones mismatch": "a" holds "b", and perfshim_zone_end("a") comes
 * first (b is never ended): both close there; then "c" is a top-level
 * zone, not a child of b, and an end of "nothing" (never begun) is
 * ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "perfshim.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int scoped(int n)
{
	PERFSHIM_ZONE("scoped");

	for (int i = 0;; i++) {
		if (i == n) {
			sleep_ms(5);
			return i;
		}
	}
}

int main(int argc, char **argv)
{
	int sum = 0;

	if (argc > 1) {
		perfshim_zone_begin("a");
		perfshim_zone_begin("b");
		perfshim_zone_end("a");
		perfshim_zone_begin("c");
		perfshim_zone_end("c");
		perfshim_zone_end("nothing");
		printf("mismatch done\n");
		return 0;
	}

	perfshim_zone_begin("outer");
	sleep_ms(20);
	for (int i = 0; i < 3; i++) {
		perfshim_zone_begin("inner");
		sleep_ms(10);
		perfshim_zone_end("inner");
	}
	perfshim_zone_end("outer");
	for (int i = 0; i < 4; i++)
		sum += scoped(i);
	perfshim_mark("done");
	printf("zones done, sum %d\n", sum);
	return 0;
}
