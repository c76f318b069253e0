/*
 * error.h - the analyzer's one way to say that something went wrong, and
 * its allocation functions.
 *
 * Every message is one line on stderr that starts "perfanalyze: ", and is
 * written in one piece, so that lines of concurrent writers never mix. A
 * failure is said once, where it is found, and the callers above only
 * pass the -1 on: `return error("...")`.
 */
#ifndef PERFSHIM_ERROR_H
#define PERFSHIM_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* The exit status of bad usage or input, and of running out of memory. */
#define EXIT_INPUT 2

/* error - print "perfanalyze: MESSAGE" on stderr. Returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* verror - error() with a va_list. Returns -1. */
int verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* warning - print "perfanalyze: warning: MESSAGE" on stderr. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * die - print as error() does and exit with EXIT_INPUT. Only main() and
 * the allocation functions below end the process.
 */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));

/*
 * xmalloc, xcalloc, xrealloc, xstrdup - the C library's functions that
 * never return NULL: out of memory, they die with "perfanalyze: out of
 * memory" (exit status 2). A report without its memory has no partial
 * answer worth giving. xcalloc and xreallocarray also die when n * size
 * overflows. Sizes that come from a trace must be checked before they get
 * here: a crafted trace is bad input, not an out-of-memory.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

/*
 * XGROW(p, cap, need) - make the array p (of *p elements, cap of them
 * allocated) hold at least need elements: it at least doubles, so that
 * appending one at a time costs amortized O(1). The new elements are not
 * initialized.
 */
#define XGROW(p, cap, need)                                               \
	do {                                                              \
		if ((need) > (cap)) {                                     \
			size_t xgrow_n_ = (cap) ? 2 * (cap) : 16;         \
			while (xgrow_n_ < (need))                         \
				xgrow_n_ *= 2;                            \
			(p) = xreallocarray((p), xgrow_n_, sizeof(*(p))); \
			(cap) = xgrow_n_;                                 \
		}                                                         \
	} while (0)

#endif
