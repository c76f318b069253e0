/*
 * t_export_pb.c - the protobuf encoder and the pprof encoding: exact
 * bytes for the wire types, and a profile decoded back field by field
 * with a tiny decoder of its own (profile.proto's field numbers).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "export.h"
#include "export_pb.h"
#include "perfshim_trace.h"
#include "tap.h"

static int same_bytes(const struct pb *b, const char *want, size_t len)
{
	return b->n == len && !memcmp(b->b, want, len);
}

static void wire_types(void)
{
	struct pb b;

	pb_init(&b);
	/* protobuf's documentation: field 1 = 150 is 08 96 01. */
	pb_uint(&b, 1, 150);
	ok(same_bytes(&b, "\x08\x96\x01", 3), "varint field 1 = 150");
	pb_reset(&b);
	pb_uint(&b, 2, 0);
	is_uint(b.n, 0, "a zero varint field is left out (proto3 default)");
	pb_bytes(&b, 2, "testing", 7);
	ok(same_bytes(&b, "\x12\x07testing", 9), "length-delimited field 2");
	pb_reset(&b);
	pb_uint(&b, 2, (uint64_t)(int64_t)-1);
	ok(same_bytes(&b, "\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11),
	   "int64 -1 as ten bytes of two's complement");
	pb_reset(&b);
	pb_uint(&b, 16, 1);
	ok(same_bytes(&b, "\x80\x01\x01", 3), "field 16 takes a two-byte key");
	pb_release(&b);
}

/* --- a tiny decoder ------------------------------------------------------- */

struct rd {
	const uint8_t *p, *end;
	int bad;
};

/* The next field: 1 and its varint value, 2 and its bytes, 0 at the end. */
static int next(struct rd *r, int *field, uint64_t *v, struct rd *sub)
{
	uint64_t key, len;

	if (r->bad || r->p >= r->end)
		return 0;
	if (perfshim_get_varint(&r->p, r->end, &key))
		goto bad;
	*field = (int)(key >> 3);
	if ((key & 7) == 0) {
		if (perfshim_get_varint(&r->p, r->end, v))
			goto bad;
		return 1;
	}
	if ((key & 7) != 2 || perfshim_get_varint(&r->p, r->end, &len) ||
	    len > (uint64_t)(r->end - r->p))
		goto bad;
	sub->p = r->p;
	sub->end = r->p + len;
	sub->bad = 0;
	r->p += len;
	*v = len;
	return 2;
bad:
	r->bad = 1;
	return 0;
}

/* v and then after, appended to out. */
static void put(char *out, size_t cap, long long v, const char *after)
{
	size_t n = strlen(out);

	snprintf(out + n, cap - n, "%lld%s", v, after);
}

enum { IN_PROFILE, IN_SAMPLE, IN_OTHER };

/*
 * A message as text: varint fields "f=v ", embedded messages "f[...] ",
 * a Sample's packed runs (fields 1 and 2) "f[v,v,] ", the Profile's
 * strings (field 6) "6'text' ".
 */
static void dump(struct rd *r, char *out, size_t cap, int in)
{
	struct rd sub = { 0 };
	uint64_t v;
	int f, kind;

	while ((kind = next(r, &f, &v, &sub))) {
		if (kind == 1) {
			put(out, cap, f, "=");
			put(out, cap, (long long)v, " ");
		} else if (in == IN_PROFILE && f == 6) {
			size_t n = strlen(out);

			snprintf(out + n, cap - n, "6'%.*s' ", (int)v,
				 (const char *)sub.p);
		} else if (in == IN_SAMPLE && (f == 1 || f == 2)) {
			put(out, cap, f, "[");
			while (sub.p < sub.end &&
			       !perfshim_get_varint(&sub.p, sub.end, &v))
				put(out, cap, (long long)v, ",");
			strncat(out, "] ", cap - strlen(out) - 1);
		} else {
			put(out, cap, f, "[");
			dump(&sub, out, cap,
			     in == IN_PROFILE && f == 2 ? IN_SAMPLE : IN_OTHER);
			strncat(out, "] ", cap - strlen(out) - 1);
		}
	}
	if (r->bad)
		strncat(out, "BAD", cap - strlen(out) - 1);
}

static void decode(const struct export_profile *p, char *out, size_t cap)
{
	struct pb b;
	struct rd r;

	out[0] = 0;
	pb_init(&b);
	if (export_pprof_encode(p, &b)) {
		strncat(out, "ERROR", cap - 1);
	} else {
		r = (struct rd){ b.b, b.b + b.n, 0 };
		dump(&r, out, cap, IN_PROFILE);
	}
	pb_release(&b);
}

static void empty_profile(void)
{
	struct export_profile p;
	char got[4096];

	export_init(&p);
	decode(&p, got, sizeof(got));
	is_str(got, "6'' 6'thread' ",
	       "an empty profile: a string table of \"\" and the label key");
	export_release(&p);
}

static void strings(void)
{
	struct export_profile p;

	export_init(&p);
	uint32_t a = export_string(&p, "alpha");

	is_uint(a, 1, "the first string is id 1 (0 is \"\")");
	is_uint(export_string(&p, ""), 0, "\"\" is id 0");
	is_uint(export_string(&p, "beta"), 2, "a new string, a new id");
	is_uint(export_string(&p, "alpha"), a, "a string is interned once");
	is_str(p.strings[0], "", "strings[0] is \"\"");
	export_release(&p);
}

/*
 * inner() inlined into outer() at one address; a sample of 3 and -2
 * there on thread 0 named "main"; and a mapping with a build-id.
 */
static void full_profile(void)
{
	struct export_profile p;
	char got[4096];

	export_init(&p);
	export_type_add(&p, "samples", "count"); /* strings 1, 2 */
	export_type_add(&p, "space", "bytes");	 /* 3, 4 */
	struct export_function inner = { export_string(&p, "inner"),
					 export_string(&p, "_Z5innerv"),
					 export_string(&p, "a.c"), 10 };
	struct export_function outer = { export_string(&p, "outer"),
					 export_string(&p, "outer"), inner.file,
					 20 }; /* 5..8 */
	uint32_t fi = export_function_add(&p, &inner);
	uint32_t fo = export_function_add(&p, &outer);
	struct export_mapping m = { 0x1000, 0x2000, 0x400,
				    export_string(&p, "/bin/a"),
				    export_string(&p, "beef") }; /* 9, 10 */
	uint32_t mi = export_mapping_add(&p, &m);
	struct export_line lines[2] = { { fi, 12 }, { fo, 25 } };
	uint32_t loc = export_location_add(&p, 0x1234, mi, lines, 2);
	int64_t values[2] = { 3, -2 };

	export_thread_set(&p, 0, 77, "main"); /* 11 */
	export_sample_add(&p, &loc, 1, values, 1);
	p.period_type = p.types[0];
	p.period = 1000;
	p.default_type = p.types[1].type;
	p.duration_ns = 5;
	decode(&p, got, sizeof(got));
	is_str(got,
	       "1[1=1 2=2 ] 1[1=3 2=4 ] "
	       "2[1[1,] 2[3,-2,] 3[1=12 2=11 ] ] "
	       "3[1=1 2=4096 3=8192 4=1024 5=9 6=10 7=1 8=1 9=1 10=1 ] "
	       "4[1=1 2=1 3=4660 4[1=1 2=12 ] 4[1=2 2=25 ] ] "
	       "5[1=1 2=5 3=6 4=7 5=10 ] 5[1=2 2=8 3=8 4=7 5=20 ] "
	       "6'' 6'samples' 6'count' 6'space' 6'bytes' 6'inner' "
	       "6'_Z5innerv' 6'a.c' 6'outer' 6'/bin/a' 6'beef' 6'main' "
	       "6'thread' "
	       "10=5 11[1=1 2=2 ] 12=1000 14=3 ",
	       "a profile decodes back to every field, inlined lines "
	       "innermost first, the thread as a label");
	export_release(&p);
}

int main(void)
{
	wire_types();
	strings();
	empty_profile();
	full_profile();
	done_testing();
	return exit_status();
}
