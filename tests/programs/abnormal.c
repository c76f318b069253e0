/*
 * abnormal MODE [WAIT_MS [PAIRS]] - programs that do not end well.
 *
 *   kill   leaks 1234 bytes (LEAK:before_kill), churns PAIRS malloc/free
 *          pairs (default 50000, so the shim's buffers fill and go out),
 *          sleeps WAIT_MS (default 300)
 *          so that the shim's periodic flush runs, leaks 4321 bytes
 *          (LEAK:after_kill, may or may not make it into the trace), then
 *          SIGKILLs itself.
 *   abort  leaks 2345 bytes (LEAK:before_abort), says so on stderr, abort()s
 *   segv   leaks 3456 bytes (LEAK:before_segv), says so on stderr, writes
 *          through a null pointer
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 8, n);
}

NOINLINE static void leak_before_kill(void)
{
	void *p = malloc(1234); /* LEAK:before_kill */
	touch(p, 1234);
}

NOINLINE static void leak_after_kill(void)
{
	void *p = malloc(4321); /* LEAK:after_kill */
	touch(p, 4321);
}

NOINLINE static void leak_before_abort(void)
{
	void *p = malloc(2345); /* LEAK:before_abort */
	touch(p, 2345);
}

NOINLINE static void leak_before_segv(void)
{
	void *p = malloc(3456); /* LEAK:before_segv */
	touch(p, 3456);
}

static void say(const char *s)
{
	if (write(2, s, strlen(s)) < 0)
		abort();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long ms = argc > 2 ? atol(argv[2]) : 300;
	long pairs = argc > 3 ? atol(argv[3]) : 50000;

	if (!strcmp(mode, "kill")) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		leak_before_kill();
		for (long i = 0; i < pairs; i++)
			free(malloc((size_t)(i % 300) + 1)); /* CHURN:kill */
		nanosleep(&ts, NULL);
		leak_after_kill();
		kill(getpid(), SIGKILL);
		return 0;
	}
	if (!strcmp(mode, "abort")) {
		leak_before_abort();
		say("abnormal: about to abort\n");
		abort();
	}
	if (!strcmp(mode, "segv")) {
		leak_before_segv();
		say("abnormal: about to crash\n");
		*(volatile int *)(size_t)argc =
			0; /* argc is small: never mapped */
		return 0;
	}
	say("abnormal: unknown mode\n");
	return 99;
}
