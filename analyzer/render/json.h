/* json.h - a minimal streaming JSON writer: compact, one value per line. */
#ifndef PERFSHIM_JSON_H
#define PERFSHIM_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The writer puts commas and colons in itself: the caller only says what
 * comes next. Inside an object, each value must be preceded by json_key().
 *
 *	json_writer_init(&w, stdout);
 *	json_object_begin(&w);
 *	json_key(&w, "bytes");
 *	json_u64(&w, 42);
 *	json_object_end(&w);
 *	if (json_writer_finish(&w) < 0)
 *		return -1;
 *
 * writes {"bytes":42} and a newline. Each top-level value ends with a
 * newline, so several of them make a JSON Lines stream.
 *
 * Strings are always written as valid JSON: '"', '\' and the control
 * characters below 0x20 are escaped (the latter as \u00XX), and bytes that
 * are not well-formed UTF-8 (stray continuation bytes, overlong forms,
 * surrogates, code points above U+10FFFF, truncated sequences) become
 * U+FFFD, one per maximal ill-formed subsequence, as Unicode recommends.
 *
 * Misuse (a value in an object without a key, a key outside an object,
 * an end that does not match its begin, nesting deeper than
 * JSON_MAX_DEPTH) is remembered rather than written: the writer stops
 * writing and json_writer_finish() reports it. So a caller checks once,
 * at the end, and never emits broken JSON.
 */

#define JSON_MAX_DEPTH 64

struct json_writer {
	FILE *out; /* not owned */
	int depth; /* open containers */
	/* Per open container: JSON_IN_* bits (json.c). */
	unsigned char level[JSON_MAX_DEPTH];
	const char *misuse; /* first misuse, NULL when none */
};

/* json_writer_init - start writing to out. Allocates nothing. */
void json_writer_init(struct json_writer *w, FILE *out);

/*
 * json_writer_finish - check that every container was closed, that no
 * misuse happened and that out took every byte (this flushes out, but
 * does not close it). Returns 0, or -1 after printing one line to stderr.
 */
int json_writer_finish(struct json_writer *w);

void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);

/* json_key - the key of the next value; only inside an object. */
void json_key(struct json_writer *w, const char *key);

/* json_string - a NUL-terminated string value. NULL writes null. */
void json_string(struct json_writer *w, const char *s);
/* json_string_len - a string value of len bytes; NUL bytes become \u0000. */
void json_string_len(struct json_writer *w, const char *s, size_t len);

void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
/*
 * json_double - a finite v with the fewest of 15, 16 or 17 significant
 * digits (trailing zeros dropped) that read back as exactly v, always with
 * '.' as the decimal point whatever the locale; NaN and infinities, which
 * JSON cannot express, as null.
 */
void json_double(struct json_writer *w, double v);
/* json_bool - true when v is nonzero. */
void json_bool(struct json_writer *w, int v);
void json_null(struct json_writer *w);

#endif /* PERFSHIM_JSON_H */
