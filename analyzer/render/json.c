/* json.c - a minimal streaming JSON writer: compact, one value per line. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

/* Bits of json_writer.level[]. */
#define JSON_IN_OBJECT 1 /* an object, else an array */
#define JSON_HAS_ITEMS 2 /* the next member needs a comma first */
#define JSON_HAVE_KEY 4	 /* an object's key is written, its value is not */

void json_writer_init(struct json_writer *w, FILE *out)
{
	w->out = out;
	w->depth = 0;
	w->misuse = NULL;
}

int json_writer_finish(struct json_writer *w)
{
	if (w->misuse) {
		return error("internal error: JSON writer: %s", w->misuse);
	}
	if (w->depth) {
		return error(
			"internal error: JSON writer: %d container(s) left open",
			w->depth);
	}
	errno = 0;
	if (fflush(w->out) == EOF || ferror(w->out)) {
		return error("cannot write JSON output: %s",
			     errno ? strerror(errno) : "write error");
	}
	return 0;
}

/*
 * Account for a value about to be written: check that one may come here
 * and put the comma before it. Returns -1 when nothing must be written.
 */
static int value_start(struct json_writer *w)
{
	unsigned char *l;

	if (w->misuse)
		return -1;
	if (!w->depth)
		return 0;
	l = &w->level[w->depth - 1];
	if (*l & JSON_IN_OBJECT) {
		if (!(*l & JSON_HAVE_KEY)) {
			w->misuse = "value inside an object without a key";
			return -1;
		}
		/* json_key() wrote the comma already. */
		*l &= (unsigned char)~JSON_HAVE_KEY;
		return 0;
	}
	if (*l & JSON_HAS_ITEMS)
		putc(',', w->out);
	*l |= JSON_HAS_ITEMS;
	return 0;
}

/* A value was completed; a top-level one ends its line. */
static void value_end(struct json_writer *w)
{
	if (!w->depth)
		putc('\n', w->out);
}

static void begin(struct json_writer *w, unsigned char kind, char open)
{
	if (w->misuse)
		return;
	if (w->depth == JSON_MAX_DEPTH) {
		w->misuse = "nesting deeper than JSON_MAX_DEPTH";
		return;
	}
	if (value_start(w))
		return;
	putc(open, w->out);
	w->level[w->depth++] = kind;
}

static void end(struct json_writer *w, unsigned char kind, char close)
{
	unsigned char l;

	if (w->misuse)
		return;
	if (!w->depth) {
		w->misuse = "end of a container that was never begun";
		return;
	}
	l = w->level[w->depth - 1];
	if ((l & JSON_IN_OBJECT) != kind) {
		w->misuse = kind ? "json_object_end() closes an array"
				 : "json_array_end() closes an object";
		return;
	}
	if (l & JSON_HAVE_KEY) {
		w->misuse = "object ends after a key without its value";
		return;
	}
	putc(close, w->out);
	w->depth--;
	value_end(w);
}

void json_object_begin(struct json_writer *w)
{
	begin(w, JSON_IN_OBJECT, '{');
}

void json_object_end(struct json_writer *w)
{
	end(w, JSON_IN_OBJECT, '}');
}

void json_array_begin(struct json_writer *w)
{
	begin(w, 0, '[');
}

void json_array_end(struct json_writer *w)
{
	end(w, 0, ']');
}

/*
 * Look at the multi-byte UTF-8 sequence that starts at p (p[0] >= 0x80),
 * with avail bytes available. Returns its length and sets *valid, or, for
 * an ill-formed one, returns the length of its maximal ill-formed
 * subsequence (the bytes that one U+FFFD replaces) and clears *valid.
 * The ranges are those of the Unicode well-formed byte sequences table,
 * which excludes overlong forms, surrogates and values above U+10FFFF.
 */
static size_t utf8_sequence(const unsigned char *p, size_t avail, int *valid)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		/* A continuation byte, C0, C1 or F5..FF: never a start. */
		*valid = 0;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= avail || p[i] < lo || p[i] > hi) {
			*valid = 0;
			return i;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	*valid = 1;
	return need + 1;
}

static void write_string(struct json_writer *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	int valid;

	putc('"', w->out);
	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x80) {
			n = utf8_sequence(p + i, len - i, &valid);
			if (valid)
				fwrite(p + i, 1, n, w->out);
			else
				fputs("\xef\xbf\xbd", w->out); /* U+FFFD */
			i += n;
			continue;
		}
		if (c == '"' || c == '\\')
			fprintf(w->out, "\\%c", c);
		else if (c < 0x20)
			fprintf(w->out, "\\u%04x", c);
		else
			putc(c, w->out);
		i++;
	}
	putc('"', w->out);
}

void json_key(struct json_writer *w, const char *key)
{
	unsigned char *l;

	if (w->misuse)
		return;
	if (!w->depth || !(w->level[w->depth - 1] & JSON_IN_OBJECT)) {
		w->misuse = "key outside an object";
		return;
	}
	l = &w->level[w->depth - 1];
	if (*l & JSON_HAVE_KEY) {
		w->misuse = "two keys in a row";
		return;
	}
	if (!key) {
		w->misuse = "NULL key";
		return;
	}
	if (*l & JSON_HAS_ITEMS)
		putc(',', w->out);
	*l |= JSON_HAS_ITEMS | JSON_HAVE_KEY;
	write_string(w, key, strlen(key));
	putc(':', w->out);
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	if (value_start(w))
		return;
	write_string(w, s, len);
	value_end(w);
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s)
		json_null(w);
	else
		json_string_len(w, s, strlen(s));
}

void json_u64(struct json_writer *w, uint64_t v)
{
	if (value_start(w))
		return;
	fprintf(w->out, "%" PRIu64, v);
	value_end(w);
}

void json_i64(struct json_writer *w, int64_t v)
{
	if (value_start(w))
		return;
	fprintf(w->out, "%" PRId64, v);
	value_end(w);
}

void json_double(struct json_writer *w, double v)
{
	char buf[64];
	const char *p;
	int prec, dot = 0;

	if (!isfinite(v)) {
		json_null(w);
		return;
	}
	if (value_start(w))
		return;
	/*
	 * 17 digits always read back exactly, but print 0.1 as
	 * 0.10000000000000001; with 15, %g gives "0.1" for every value that
	 * has a short form (except subnormals), so try that first.
	 */
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.17g", v);
	/*
	 * printf writes the locale's decimal point, which may be a comma or
	 * even several bytes; everything else in %g output is a digit, a sign
	 * or 'e'. So any other run of bytes is the decimal point.
	 */
	for (p = buf; *p; p++) {
		if ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
		    *p == 'e') {
			putc(*p, w->out);
			dot = 0;
		} else if (!dot) {
			putc('.', w->out);
			dot = 1;
		}
	}
	value_end(w);
}

void json_bool(struct json_writer *w, int v)
{
	if (value_start(w))
		return;
	fputs(v ? "true" : "false", w->out);
	value_end(w);
}

void json_null(struct json_writer *w)
{
	if (value_start(w))
		return;
	fputs("null", w->out);
	value_end(w);
}
