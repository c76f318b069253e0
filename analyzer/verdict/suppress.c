/* suppress.c - LeakSanitizer-format leak suppressions: parse, match, count. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "error.h"
#include "suppress.h"

/* How much of an offending line an error message quotes. */
#define QUOTE_MAX 60

/* The length of [from, to) to quote, as a "%.*s" precision. */
static int quote_len(const char *from, const char *to)
{
	return to - from > QUOTE_MAX ? QUOTE_MAX : (int)(to - from);
}

/*
 * Print one "perfanalyze: " error line, prefixed with file:line when the
 * error is about a line of a file. Formatted in one piece so that it
 * reaches stderr as a single write.
 */
__attribute__((format(printf, 3, 4))) static void
suppress_error(const char *file, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (file)
		error("%s:%u: %s", file, line, msg);
	else
		error("%s", msg);
}

void suppressions_init(struct suppressions *s)
{
	s->rule = NULL;
	s->nr = 0;
	s->alloc = 0;
}

static void rule_release(struct suppression *r)
{
	free(r->pattern);
	free(r->file);
	free(r->body);
}

void suppressions_release(struct suppressions *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		rule_release(&s->rule[i]);
	free(s->rule);
	suppressions_init(s);
}

/*
 * Append the rule pat[0..len) (what followed "leak:"). file and line say
 * where it came from, for messages and for the report; file may be NULL.
 */
static int add_rule(struct suppressions *s, const char *pat, size_t len,
		    const char *file, unsigned line)
{
	struct suppression *r;
	size_t blen, i;
	int as, ae;

	as = len > 0 && pat[0] == '^';
	ae = len > (size_t)as && pat[len - 1] == '$';
	blen = len - (size_t)as - (size_t)ae;
	if (!len) {
		suppress_error(file, line, "empty suppression pattern");
		return -1;
	}
	if (!blen) {
		/* "^" would match everything, "$" and "^$" nothing. */
		suppress_error(file, line,
			       "pattern '%.*s' has nothing but anchors",
			       quote_len(pat, pat + len), pat);
		return -1;
	}
	/* suppressions_match() returns an int index. */
	if (s->nr >= INT_MAX) {
		suppress_error(file, line, "too many suppressions");
		return -1;
	}
	if (s->nr == s->alloc) {
		size_t n = s->alloc ? 2 * s->alloc : 16;
		struct suppression *p = realloc(s->rule, n * sizeof(*p));

		if (!p)
			goto oom;
		s->rule = p;
		s->alloc = n;
	}

	r = &s->rule[s->nr];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->anchor_start = as;
	r->anchor_end = ae;
	r->pattern = strndup(pat, len);
	r->body = strndup(pat + as, blen);
	r->file = file ? strdup(file) : NULL;
	if (!r->pattern || !r->body || (file && !r->file)) {
		rule_release(r);
		goto oom;
	}
	r->nseg = 1;
	for (i = 0; i < blen; i++) {
		if (r->body[i] == '*') {
			r->body[i] = '\0';
			r->nseg++;
		}
	}
	s->nr++;
	return 0;

oom:
	suppress_error(NULL, 0, "out of memory");
	return -1;
}

int suppressions_add(struct suppressions *s, const char *pattern)
{
	return add_rule(s, pattern, strlen(pattern), NULL, 0);
}

/* Parse one line of a suppressions file (no newline, no NUL inside). */
static int parse_line(struct suppressions *s, const char *p, size_t len,
		      const char *file, unsigned line)
{
	const char *end = p + len;
	const char *colon;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end || *p == '#')
		return 0;

	colon = memchr(p, ':', (size_t)(end - p));
	if (!colon) {
		suppress_error(file, line,
			       "expected 'leak:PATTERN', got '%.*s'",
			       quote_len(p, end), p);
		return -1;
	}
	if (colon - p != 4 || memcmp(p, "leak", 4)) {
		suppress_error(
			file, line,
			"unsupported suppression type '%.*s' (only 'leak:PATTERN' is supported)",
			quote_len(p, colon), p);
		return -1;
	}
	p = colon + 1;
	while (p < end && isspace((unsigned char)*p))
		p++;
	return add_rule(s, p, (size_t)(end - p), file, line);
}

int suppressions_load(struct suppressions *s, const char *path)
{
	size_t old_nr = s->nr;
	char *buf = NULL;
	size_t cap = 0;
	unsigned line = 0;
	ssize_t len;
	int ret = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		suppress_error(NULL, 0, "cannot open suppressions file %s: %s",
			       path, strerror(errno));
		return -1;
	}
	for (;;) {
		errno = 0;
		len = getline(&buf, &cap, f);
		if (len < 0)
			break;
		line++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		/* A NUL would silently cut the pattern short; say so. */
		if (memchr(buf, '\0', (size_t)len)) {
			suppress_error(path, line, "NUL byte in line");
			ret = -1;
			break;
		}
		if (parse_line(s, buf, (size_t)len, path, line) < 0) {
			ret = -1;
			break;
		}
	}
	/* getline() does not always flag ENOMEM with ferror(). */
	if (!ret && (ferror(f) || errno == ENOMEM)) {
		suppress_error(NULL, 0, "cannot read suppressions file %s: %s",
			       path, strerror(errno ? errno : EIO));
		ret = -1;
	}
	free(buf);
	fclose(f);

	if (ret < 0) {
		while (s->nr > old_nr)
			rule_release(&s->rule[--s->nr]);
	}
	return ret;
}

/* Does rule r match str (a known, non-empty string)? */
static int rule_matches(const struct suppression *r, const char *str)
{
	const char *seg = r->body;
	size_t len = strlen(seg);
	const char *pos, *hit;
	size_t rest;
	int i;

	if (r->nseg == 1) {
		if (r->anchor_start && r->anchor_end)
			return strcmp(str, seg) == 0;
		if (r->anchor_start)
			return strncmp(str, seg, len) == 0;
		if (r->anchor_end) {
			rest = strlen(str);
			return rest >= len && !strcmp(str + rest - len, seg);
		}
		return strstr(str, seg) != NULL;
	}

	/*
	 * seg1*seg2*...*segN. The leftmost occurrence of each segment is
	 * always the best choice: it leaves the most room for the rest.
	 */
	if (r->anchor_start) {
		if (strncmp(str, seg, len))
			return 0;
		pos = str + len;
	} else {
		hit = strstr(str, seg);
		if (!hit)
			return 0;
		pos = hit + len;
	}
	for (i = 1; i < r->nseg - 1; i++) {
		seg += len + 1;
		len = strlen(seg);
		hit = strstr(pos, seg);
		if (!hit)
			return 0;
		pos = hit + len;
	}
	seg += len + 1;
	len = strlen(seg);
	if (r->anchor_end) {
		/* The last segment: a suffix starting at or after pos. */
		rest = strlen(pos);
		return rest >= len && !strcmp(pos + rest - len, seg);
	}
	return strstr(pos, seg) != NULL;
}

/* The first rule that matches str, or -1. NULL means "not known". */
static int match_string(const struct suppressions *s, const char *str)
{
	size_t i;

	if (!str || !*str)
		return -1;
	for (i = 0; i < s->nr; i++) {
		if (rule_matches(&s->rule[i], str))
			return (int)i;
	}
	return -1;
}

/*
 * LeakSanitizer's module name for an address in no known module, so that
 * "*" (or "<unknown module>") suppresses a leak nothing is known of.
 */
static const char unknown_module[] = "<unknown module>";

int suppressions_match(const struct suppressions *s,
		       const struct sym_frame *frames, size_t n)
{
	size_t i;
	int r;

	/* No frame at all: one frame that nothing is known of. */
	if (!n)
		return match_string(s, unknown_module);
	for (i = 0; i < n; i++) {
		const struct sym_frame *f = &frames[i];

		r = match_string(s, f->module && *f->module ? f->module
							    : unknown_module);
		if (r >= 0)
			return r;
		/* "??" is the symbolizer's word for "no name", not a name. */
		if (!f->function || strcmp(f->function, "??")) {
			r = match_string(s, f->function);
			if (r >= 0)
				return r;
		}
		r = match_string(s, f->file);
		if (r >= 0)
			return r;
	}
	return -1;
}

void suppressions_count(struct suppressions *s, int idx, uint64_t bytes,
			uint64_t blocks)
{
	struct suppression *r;

	if (idx < 0 || (size_t)idx >= s->nr)
		return;
	r = &s->rule[idx];
	r->groups++;
	r->bytes += bytes;
	r->blocks += blocks;
}
