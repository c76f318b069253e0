/*
 * probe_errno_alloc - errno after every allocator entry point, on success
 * and on failure, is what glibc leaves. Each call starts from a sentinel
 * errno, so "kept", "zeroed" and "set" all show.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* volatile: the compiler must not see the size and warn or fold */
static volatile size_t huge_size = SIZE_MAX / 2;
#define HUGE_SIZE huge_size

static void show(const char *what, int ret_ok)
{
	int e = errno;

	printf("%-34s %s errno=%s\n", what, ret_ok ? "ok  " : "fail",
	       e == 4242 ? "unchanged" : strerrorname_np(e) ? strerrorname_np(e) : "?");
}

int main(void)
{
	void *p, *q;
	int r;

	setvbuf(stdout, NULL, _IONBF, 0);
	errno = 4242; p = malloc(16); show("malloc(16)", p != NULL);
	errno = 4242; free(p); show("free(p)", 1);
	errno = 4242; free(NULL); show("free(NULL)", 1);
	errno = 4242; p = malloc(HUGE_SIZE); show("malloc(huge)", p != NULL);
	errno = 4242; p = calloc(HUGE_SIZE, 4); show("calloc(overflow)", p != NULL);
	errno = 4242; p = calloc(4, 8); show("calloc(4, 8)", p != NULL);
	errno = 4242; q = realloc(p, HUGE_SIZE); show("realloc(p, huge)", q != NULL);
	errno = 4242; q = realloc(p, 64); show("realloc(p, 64)", q != NULL);
	p = q;
	errno = 4242; q = reallocarray(p, HUGE_SIZE, 16); show("reallocarray(overflow)", q != NULL);
	errno = 4242; free(p); show("free(p)", 1);
	errno = 4242; r = posix_memalign(&p, 64, HUGE_SIZE);
	show("posix_memalign(64, huge)", r == 0);
	printf("posix_memalign returned %s\n", strerrorname_np(r));
	errno = 4242; r = posix_memalign(&p, 3, 16);
	show("posix_memalign(3, 16)", r == 0);
	printf("posix_memalign returned %s\n", strerrorname_np(r));
	errno = 4242; r = posix_memalign(&p, 64, 100);
	show("posix_memalign(64, 100)", r == 0);
	errno = 4242; free(p); show("free(aligned)", 1);
	errno = 4242; p = aligned_alloc(64, HUGE_SIZE); show("aligned_alloc(64, huge)", p != NULL);
	errno = 4242; p = aligned_alloc(3, 16); show("aligned_alloc(3, 16)", p != NULL);
	free(p);
	errno = 4242; p = memalign(64, HUGE_SIZE); show("memalign(64, huge)", p != NULL);
	errno = 4242; p = valloc(HUGE_SIZE); show("valloc(huge)", p != NULL);
	errno = 4242; p = pvalloc(HUGE_SIZE); show("pvalloc(huge)", p != NULL);
	errno = 4242; p = strdup("abc"); show("strdup", p != NULL);
	free(p);
	return 0;
}
