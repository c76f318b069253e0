/*
 * gate [both|alpha|beta|none] - leaks for the CI gate options
 * (--fail-on-leak, --min-bytes, --suppressions). Silent.
 *
 *   LEAK:alpha  300 bytes, 1 block, in gate_leak_alpha() (called from main)
 *   LEAK:beta   200 bytes, 2 blocks of 100, in gate_leak_beta(), which is
 *               called from gate_caller_beta()
 * "none" allocates and frees, and leaks nothing.
 */
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static void touch(void *p, size_t n)
{
	if (!p)
		abort();
	memset(p, 2, n);
}

NOINLINE void gate_leak_alpha(void)
{
	void *p = malloc(300); /* LEAK:alpha */
	touch(p, 300);
}

NOINLINE void gate_leak_beta(void)
{
	void *p = malloc(100); /* LEAK:beta */
	touch(p, 100);
}

NOINLINE void gate_caller_beta(void)
{
	for (int i = 0; i < 2; i++)
		gate_leak_beta(); /* one call site: one stack, one group */
}

NOINLINE static void gate_no_leak(void)
{
	for (int i = 0; i < 1000; i++) {
		void *p = malloc((size_t)i + 1);
		touch(p, (size_t)i + 1);
		free(p);
	}
	char *s = strdup("not leaked");
	free(s);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "both";

	gate_no_leak();
	if (!strcmp(what, "alpha") || !strcmp(what, "both"))
		gate_leak_alpha();
	if (!strcmp(what, "beta") || !strcmp(what, "both"))
		gate_caller_beta();
	return 0;
}
