/* t_json.c - unit tests for the streaming JSON writer (analyzer/render/json.c). */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "tap.h"

/* A writer on a memory stream, so the exact output can be compared. */
struct mem {
	FILE *f;
	char *buf;
	size_t len;
	struct json_writer w;
};

static struct json_writer *mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f) {
		perror("t_json: open_memstream");
		exit(255);
	}
	json_writer_init(&m->w, m->f);
	return &m->w;
}

/* Finish the writer; returns its json_writer_finish() result. */
static int mem_close(struct mem *m)
{
	int r = json_writer_finish(&m->w);

	fclose(m->f);
	return r;
}

static void nesting(void)
{
	struct mem m;
	struct json_writer *w = mem_open(&m);

	json_object_begin(w);
	json_key(w, "a");
	json_array_begin(w);
	json_u64(w, 1);
	json_i64(w, -2);
	json_object_begin(w);
	json_key(w, "b");
	json_null(w);
	json_key(w, "c");
	json_array_begin(w);
	json_array_begin(w);
	json_array_end(w);
	json_array_end(w);
	json_object_end(w);
	json_array_end(w);
	json_key(w, "empty");
	json_object_begin(w);
	json_object_end(w);
	json_key(w, "t");
	json_bool(w, 7);
	json_key(w, "f");
	json_bool(w, 0);
	json_key(w, "s");
	json_string(w, "x");
	json_key(w, "nul");
	json_string(w, NULL);
	json_object_end(w);
	is_int(mem_close(&m), 0, "nested document finishes cleanly");
	is_str(m.buf,
	       "{\"a\":[1,-2,{\"b\":null,\"c\":[[]]}],\"empty\":{},\"t\":true,\"f\":false,\"s\":\"x\",\"nul\":null}\n",
	       "nested objects and arrays, commas and newline");
	free(m.buf);

	w = mem_open(&m);
	json_u64(w, 42);
	json_array_begin(w);
	json_string(w, "a");
	json_array_end(w);
	json_string(w, "b");
	is_int(mem_close(&m), 0, "several top-level values finish cleanly");
	is_str(m.buf, "42\n[\"a\"]\n\"b\"\n",
	       "each top-level value ends its own line");
	free(m.buf);

	w = mem_open(&m);
	is_int(mem_close(&m), 0, "writing nothing is not an error");
	is_str(m.buf, "", "and writes nothing");
	free(m.buf);
}

/* Write one string value of len bytes; compare with want (no newline). */
static void string_case(const char *in, size_t len, const char *want,
			const char *name)
{
	struct mem m;
	struct json_writer *w = mem_open(&m);
	size_t wl = strlen(want);

	json_string_len(w, in, len);
	mem_close(&m);
	/* Compare without the trailing newline to keep the cases readable. */
	if (m.len == wl + 1 && m.buf[wl] == '\n')
		m.buf[wl] = '\0';
	is_str(m.buf, want, name);
	free(m.buf);
}

#define STRING_CASE(in, want, name) string_case(in, sizeof(in) - 1, want, name)

static void strings(void)
{
	STRING_CASE("plain text", "\"plain text\"", "plain string");
	STRING_CASE("", "\"\"", "empty string");
	STRING_CASE("say \"hi\"", "\"say \\\"hi\\\"\"", "double quotes");
	STRING_CASE("a\\b", "\"a\\\\b\"", "backslash");
	STRING_CASE("/", "\"/\"", "slash is left alone");
	STRING_CASE("l1\nl2\tx\r\b\f",
		    "\"l1\\u000al2\\u0009x\\u000d\\u0008\\u000c\"",
		    "control characters as \\u00XX");
	STRING_CASE("\x01\x1f\x20", "\"\\u0001\\u001f \"",
		    "0x01 and 0x1f escaped, 0x20 not");
	STRING_CASE("a\0b", "\"a\\u0000b\"",
		    "NUL byte inside a counted string");
	STRING_CASE("\x7f", "\"\x7f\"", "DEL needs no escape");
	STRING_CASE("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
		    "valid 2, 3 and 4 byte UTF-8 passes through");
	STRING_CASE("\xef\xbf\xbf\xf4\x8f\xbf\xbf\xed\x9f\xbf",
		    "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\xed\x9f\xbf\"",
		    "U+FFFF, U+10FFFF and U+D7FF are valid");

	/* Invalid UTF-8: one U+FFFD per maximal ill-formed subsequence. */
#define R "\xef\xbf\xbd"
	STRING_CASE("a\x80z", "\"a" R "z\"", "stray continuation byte");
	STRING_CASE("\xff\xfe", "\"" R R "\"", "0xff and 0xfe");
	STRING_CASE("\xc0\xaf", "\"" R R "\"", "overlong 2-byte '/'");
	STRING_CASE("\xe0\x80\xaf", "\"" R R R "\"", "overlong 3-byte form");
	STRING_CASE("\xf0\x80\x80\xaf", "\"" R R R R "\"",
		    "overlong 4-byte form");
	STRING_CASE("\xed\xa0\x80", "\"" R R R "\"", "UTF-16 surrogate");
	STRING_CASE("\xf4\x90\x80\x80", "\"" R R R R "\"", "above U+10FFFF");
	STRING_CASE("\xf5\x80\x80\x80", "\"" R R R R "\"", "lead byte 0xf5");
	STRING_CASE("x\xe2\x82", "\"x" R "\"",
		    "sequence truncated by the end of the string");
	STRING_CASE("\xe2\x82y", "\"" R "y\"",
		    "truncated sequence followed by ASCII");
	STRING_CASE("\xf0\x9f\x98\xe2\x82\xac", "\"" R "\xe2\x82\xac\"",
		    "truncated sequence followed by a valid one");
	STRING_CASE("\xc3\"", "\"" R "\\\"\"",
		    "truncated sequence does not swallow a quote");
	string_case("\xe2\x82\xac", 2, "\"" R "\"",
		    "counted string that ends inside a sequence");
	string_case("\xe2\x82\xac", 1, "\"" R "\"",
		    "counted string that ends after a lead byte");
#undef R

	{
		struct mem m;
		struct json_writer *w = mem_open(&m);

		json_object_begin(w);
		json_key(w, "k\"\n\xff");
		json_string(w, "v");
		json_object_end(w);
		mem_close(&m);
		is_str(m.buf, "{\"k\\\"\\u000a\xef\xbf\xbd\":\"v\"}\n",
		       "keys are escaped like strings");
		free(m.buf);
	}
}

static void numbers(void)
{
	struct mem m;
	struct json_writer *w = mem_open(&m);

	json_array_begin(w);
	json_u64(w, 0);
	json_u64(w, UINT64_MAX);
	json_i64(w, INT64_MIN);
	json_i64(w, INT64_MAX);
	json_i64(w, -1);
	json_array_end(w);
	mem_close(&m);
	is_str(m.buf,
	       "[0,18446744073709551615,-9223372036854775808,9223372036854775807,-1]\n",
	       "64-bit integers at the extremes");
	free(m.buf);

	w = mem_open(&m);
	json_array_begin(w);
	json_double(w, 0.1);
	json_double(w, 1.5);
	json_double(w, -0.0);
	json_double(w, 3.0);
	json_double(w, 1e300);
	json_double(w, 1.0 / 3.0);
	json_double(w, 0.1 + 0.2);
	json_double(w, DBL_MAX);
	json_double(w, 1e-7);
	json_double(w, NAN);
	json_double(w, INFINITY);
	json_double(w, -INFINITY);
	json_array_end(w);
	mem_close(&m);
	is_str(m.buf,
	       "[0.1,1.5,-0,3,1e+300,0.3333333333333333,0.30000000000000004,1.7976931348623157e+308,1e-07,null,null,null]\n",
	       "doubles: fewest digits that read back, up to 17; null when not finite");
	free(m.buf);
}

/* The decimal point must be '.' even where the locale says ','. */
static void locale_point(void)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
		"fr_FR.utf8",  "de_DE",	     "fr_FR",
	};
	struct mem m;
	struct json_writer *w;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (setlocale(LC_NUMERIC, names[i]))
			break;
	}
	if (i == sizeof(names) / sizeof(names[0]) ||
	    strcmp(localeconv()->decimal_point, ",")) {
		setlocale(LC_NUMERIC, "C");
		skip("no locale with a decimal comma is installed");
		return;
	}
	w = mem_open(&m);
	json_double(w, 2.5);
	mem_close(&m);
	setlocale(LC_NUMERIC, "C");
	is_str(m.buf, "2.5\n", "decimal point is '.' in a comma locale");
	free(m.buf);
}

/* Each misuse: finish fails with one message and nothing after it. */
static void misuse(void)
{
	struct mem m;
	struct json_writer *w;
	const char *err;
	int r, i;

	w = mem_open(&m);
	json_object_begin(w);
	json_u64(w, 1);
	json_key(w, "late");
	json_u64(w, 2);
	json_object_end(w);
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "value without a key fails");
	is_error_line(err, "without a key", "and says why");
	is_str(m.buf, "{", "nothing is written after the misuse");
	free(m.buf);

	w = mem_open(&m);
	json_array_begin(w);
	json_key(w, "k");
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "key in an array fails");
	is_error_line(err, "key outside an object", "and says why");
	free(m.buf);

	w = mem_open(&m);
	json_object_begin(w);
	json_key(w, "a");
	json_key(w, "b");
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "two keys in a row fail");
	is_error_line(err, "two keys", "and says why");
	free(m.buf);

	w = mem_open(&m);
	json_object_begin(w);
	json_key(w, "a");
	json_object_end(w);
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "key without a value fails");
	is_error_line(err, "key without its value", "and says why");
	is_str(m.buf, "{\"a\":", "and the object is not closed");
	free(m.buf);

	w = mem_open(&m);
	json_array_begin(w);
	json_object_end(w);
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "mismatched end fails");
	is_error_line(err, "closes an array", "and says why");
	free(m.buf);

	w = mem_open(&m);
	json_array_end(w);
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "end without begin fails");
	is_error_line(err, "never begun", "and says why");
	free(m.buf);

	w = mem_open(&m);
	json_object_begin(w);
	json_key(w, "a");
	json_array_begin(w);
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "unclosed containers fail");
	is_error_line(err, "2 container(s) left open", "and says how many");
	free(m.buf);

	w = mem_open(&m);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(w);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_end(w);
	r = mem_close(&m);
	ok(r == 0 && m.len == 2 * JSON_MAX_DEPTH + 1,
	   "JSON_MAX_DEPTH levels of nesting work");
	free(m.buf);

	w = mem_open(&m);
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_begin(w);
	capture_start();
	r = mem_close(&m);
	err = capture_end();
	is_int(r, -1, "one level more fails");
	is_error_line(err, "nesting deeper", "and says why");
	free(m.buf);
}

static void write_error(void)
{
	struct json_writer w;
	const char *err;
	FILE *f = fopen("/dev/full", "w");
	int r;

	if (!f) {
		skip("/dev/full is not available");
		skip("/dev/full is not available");
		return;
	}
	json_writer_init(&w, f);
	json_string(&w, "this cannot be written");
	capture_start();
	r = json_writer_finish(&w);
	err = capture_end();
	fclose(f);
	is_int(r, -1, "a full disk is reported by finish");
	is_error_line(err, "cannot write JSON output: No space left",
		      "and the message gives the reason");
}

int main(void)
{
	nesting();
	strings();
	numbers();
	locale_point();
	misuse();
	write_error();
	done_testing();
	return exit_status();
}
