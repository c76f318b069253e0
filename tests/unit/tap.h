/* tap.h - a tiny header-only TAP (Test Anything Protocol) emitter. */
#ifndef PERFSHIM_TAP_H
#define PERFSHIM_TAP_H

/*
 * Each unit test is one .c file that includes this header, so the counters
 * can be file-local statics. Everything goes to stdout, which is what
 * prove(1) reads; diagnostics are "# " lines, which TAP consumers show but
 * do not interpret.
 *
 *	plan(n);                 or, at the end, done_testing();
 *	ok(cond, "fmt", ...);    returns cond as 0/1
 *	is_int(got, want, name); signed, compared as long long
 *	is_uint(got, want, name); unsigned, compared as unsigned long long
 *	is_str(got, want, name); NULL is allowed on either side
 *	skip(why);               a test that cannot run here
 *	diag("fmt", ...);        a "# " line
 *	return exit_status();    0 when every test passed and the plan held
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_planned = -1; /* -1: no plan yet */
static int tap_run;
static int tap_failed;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Print a test name so that TAP cannot misread it. */
static inline void tap_print_name(const char *s)
{
	for (; *s; s++) {
		/* "#" would start a directive such as "# TODO". */
		if (*s == '#')
			fputs("\\#", stdout);
		else if (*s == '\n' || *s == '\r')
			putchar(' ');
		else
			putchar(*s);
	}
}

/* Print a value for a diagnostic as a C string literal, or NULL. */
static inline void tap_print_quoted(const char *s)
{
	if (!s) {
		fputs("NULL", stdout);
		return;
	}
	putchar('\'');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\' || c == '\'')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\'');
}

__attribute__((format(printf, 4, 0))) static inline int
tap_vok(int pass, const char *file, int line, const char *fmt, va_list ap)
{
	char name[512];

	vsnprintf(name, sizeof(name), fmt, ap);
	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	tap_print_name(name);
	putchar('\n');
	if (!pass)
		printf("#   Failed test at %s line %d.\n", file, line);
	fflush(stdout);
	return pass;
}

__attribute__((format(printf, 4, 5))) static inline int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(pass, file, line, fmt, ap);
	va_end(ap);
	return r;
}

static inline int tap_is_int(long long got, long long want, const char *name,
			     const char *file, int line)
{
	int pass = got == want;

	tap_ok(pass, file, line, "%s", name);
	if (!pass)
		printf("#          got: %lld\n#     expected: %lld\n", got,
		       want);
	return pass;
}

static inline int tap_is_uint(unsigned long long got, unsigned long long want,
			      const char *name, const char *file, int line)
{
	int pass = got == want;

	tap_ok(pass, file, line, "%s", name);
	if (!pass)
		printf("#          got: %llu\n#     expected: %llu\n", got,
		       want);
	return pass;
}

static inline int tap_is_str(const char *got, const char *want,
			     const char *name, const char *file, int line)
{
	int pass = got && want ? strcmp(got, want) == 0 : got == want;

	tap_ok(pass, file, line, "%s", name);
	if (!pass) {
		fputs("#          got: ", stdout);
		tap_print_quoted(got);
		fputs("\n#     expected: ", stdout);
		tap_print_quoted(want);
		putchar('\n');
	}
	return pass;
}

#define ok(cond, ...) tap_ok((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, name)                                           \
	tap_is_int((long long)(got), (long long)(want), (name), __FILE__, \
		   __LINE__)
#define is_uint(got, want, name)                                           \
	tap_is_uint((unsigned long long)(got), (unsigned long long)(want), \
		    (name), __FILE__, __LINE__)
#define is_str(got, want, name) \
	tap_is_str((got), (want), (name), __FILE__, __LINE__)

/* A test that cannot run here; it counts as passed. */
static inline void skip(const char *why)
{
	tap_run++;
	printf("ok %d # skip ", tap_run);
	tap_print_name(why);
	putchar('\n');
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt,
							      ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Print the plan after the fact, for tests that do not count ahead. */
static inline void done_testing(void)
{
	if (tap_planned < 0) {
		tap_planned = tap_run;
		printf("1..%d\n", tap_run);
		fflush(stdout);
	}
}

/*
 * exit_status - what main() should return: like Test::More, the number of
 * failed tests (at most 254), or 255 when the number of tests run differs
 * from the plan (or no plan was ever printed).
 */
static inline int exit_status(void)
{
	if (tap_planned != tap_run) {
		if (tap_planned < 0)
			printf("# No plan was printed; %d tests ran.\n",
			       tap_run);
		else
			printf("# Planned %d tests but ran %d.\n", tap_planned,
			       tap_run);
		fflush(stdout);
		return 255;
	}
	if (tap_failed) {
		printf("# Failed %d of %d tests.\n", tap_failed, tap_run);
		fflush(stdout);
	}
	return tap_failed > 254 ? 254 : tap_failed;
}

/*
 * Capturing stderr, for tests of error messages: capture_start() sends
 * stderr to a temporary file, capture_end() restores it and returns what
 * was written (a static buffer, up to 4 KiB).
 */
/* Where stderr goes while a test captures it. */
static FILE *capture_file __attribute__((unused));
static int saved_stderr __attribute__((unused)) = -1;

static inline void capture_start(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	saved_stderr = dup(2);
	if (!capture_file || saved_stderr < 0 ||
	    dup2(fileno(capture_file), 2) < 0) {
		perror("capturing stderr");
		exit(255);
	}
}

/* Stop capturing; returns what was written to stderr (static buffer). */
static inline const char *capture_end(void)
{
	static char buf[4096];
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(capture_file);
	n = fread(buf, 1, sizeof(buf) - 1, capture_file);
	buf[n] = '\0';
	fclose(capture_file);
	return buf;
}

/* Exactly one line, "perfanalyze: " first, containing want. */
static inline void is_error_line(const char *msg, const char *want,
				 const char *name)
{
	size_t len = strlen(msg);
	int one_line =
		len > 0 && msg[len - 1] == '\n' && !memchr(msg, '\n', len - 1);

	if (!ok(one_line && !strncmp(msg, "perfanalyze: ", 13) &&
			strstr(msg, want),
		"%s", name)) {
		diag("message: %s", msg);
		diag("wanted one 'perfanalyze: ' line containing: %s", want);
	}
}

#endif /* PERFSHIM_TAP_H */
