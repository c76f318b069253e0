/* t_varint.c - unit tests for the varint/zigzag helpers of perfshim_trace.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "perfshim_trace.h"
#include "tap.h"
#include "xorshift.h"

struct vcase {
	uint64_t v;
	size_t len;	   /* encoded length */
	const char *bytes; /* encoding, when the test pins it down */
};

static const struct vcase cases[] = {
	{ 0, 1, "\x00" },
	{ 1, 1, "\x01" },
	{ 127, 1, "\x7f" },
	{ 128, 2, "\x80\x01" },
	{ 300, 2, "\xac\x02" },
	{ UINT64_C(1) << 32, 5, "\x80\x80\x80\x80\x10" },
	{ UINT64_C(1) << 63, 10, NULL },
	{ UINT64_MAX, 10, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01" },
};

/* Encode, check the bytes, decode, check the value and the advance. */
static void round_trip(const struct vcase *c)
{
	uint8_t buf[PERFSHIM_VARINT_MAX + 4];
	const uint8_t *p = buf;
	uint64_t got = ~c->v;
	unsigned long long v = c->v;
	char name[96];
	size_t n;

	/* A guard byte after the value: the reader must stop before it. */
	memset(buf, 0xaa, sizeof(buf));
	n = perfshim_put_varint(buf, c->v);
	snprintf(name, sizeof(name), "put_varint(%llu) length", v);
	is_uint(n, c->len, name);
	if (c->bytes)
		ok(n == c->len && !memcmp(buf, c->bytes, c->len),
		   "put_varint(%llu) bytes", v);
	snprintf(name, sizeof(name), "put_varint(%llu) writes nothing past it",
		 v);
	is_int(buf[n], 0xaa, name);
	snprintf(name, sizeof(name), "get_varint accepts encoded %llu", v);
	is_int(perfshim_get_varint(&p, buf + sizeof(buf), &got), 0, name);
	snprintf(name, sizeof(name), "get_varint reads back %llu", v);
	is_uint(got, c->v, name);
	snprintf(name, sizeof(name), "get_varint(%llu) advances by its length",
		 v);
	is_int(p - buf, (long long)n, name);
}

/* Every strict prefix of an encoding is truncated input. */
static void truncated(const struct vcase *c)
{
	uint8_t buf[PERFSHIM_VARINT_MAX];
	size_t n = perfshim_put_varint(buf, c->v), k;
	int bad_ret = 0, moved = 0;

	for (k = 0; k < n; k++) {
		const uint8_t *p = buf;
		uint64_t v;

		if (perfshim_get_varint(&p, buf + k, &v) != -1)
			bad_ret++;
		if (p != buf)
			moved++;
	}
	ok(!bad_ret, "get_varint returns -1 on every truncation of %llu",
	   (unsigned long long)c->v);
	ok(!moved, "get_varint does not advance on truncation of %llu",
	   (unsigned long long)c->v);
}

static void sequence(void)
{
	static const uint64_t vals[] = { 5, UINT64_MAX, 0, 128, 1u << 20 };
	uint8_t buf[sizeof(vals) / sizeof(vals[0]) * PERFSHIM_VARINT_MAX];
	const uint8_t *p = buf;
	size_t n = 0, i;
	int wrong = 0;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		n += perfshim_put_varint(buf + n, vals[i]);
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		uint64_t v;

		if (perfshim_get_varint(&p, buf + n, &v) || v != vals[i])
			wrong++;
	}
	is_int(wrong, 0, "back-to-back varints decode in order");
	ok(p == buf + n, "and consume exactly the buffer");
}

/* The plain LEB128 loop, to hold get_varint's faster paths to. */
static int slow_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t r = 0;

	for (unsigned shift = 0; q < end && shift <= 63; shift += 7) {
		uint8_t b = *q++;

		if (shift == 63 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			*p = q;
			return 0;
		}
	}
	return -1;
}

/*
 * Every length from 1 to 10 bytes, canonical and padded with empty
 * groups (0x80 ... 0x00, as a writer may not but a file can), before
 * bytes with and without their top bit, read from buffers that end
 * anywhere: the same value, advance and refusals as the plain loop.
 */
static void against_loop(void)
{
	uint64_t rnd = 0x9e3779b97f4a7c15ull;
	size_t wrong = 0, tried = 0;

	for (int bits = 0; bits <= 64; bits++) {
		for (int k = 0; k < 200; k++) {
			uint8_t buf[24];
			size_t n;

			xorshift64(&rnd);
			uint64_t v = bits == 64	 ? rnd
				     : bits == 0 ? 0
						 : rnd & ((1ull << bits) - 1);

			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = (uint8_t)(rnd >> (i % 8 * 8)) |
					 (k & 1 ? 0x80 : 0);
			n = perfshim_put_varint(buf, v);
			if (k % 4 == 2 && n < PERFSHIM_VARINT_MAX) {
				/* the last group, then an empty one */
				buf[n - 1] |= 0x80;
				buf[n++] = 0;
			}
			for (size_t lim = 0; lim <= sizeof(buf); lim++) {
				const uint8_t *a = buf, *b = buf;
				uint64_t x = 1, y = 2;
				int ra = perfshim_get_varint(&a, buf + lim, &x);
				int rb = slow_get(&b, buf + lim, &y);

				tried++;
				wrong += ra != rb || a != b || (!ra && x != y);
			}
		}
	}
	is_uint(wrong, 0, "get_varint reads as the plain loop does");
	ok(tried > 300000, "in %zu reads", tried);
}

static void rejects(const char *what, const uint8_t *in, size_t len)
{
	const uint8_t *p = in;
	uint64_t v;

	is_int(perfshim_get_varint(&p, in + len, &v), -1, what);
	ok(p == in, "%s: input pointer untouched", what);
}

static void overlong(void)
{
	/* 11 bytes: ten with the continuation bit, then a terminator. */
	static const uint8_t eleven[11] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					    0x80, 0x80, 0x80, 0x80, 0x00 };
	/* 10 bytes whose last one carries bits beyond bit 63. */
	static const uint8_t bit64[10] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0xff, 0xff, 0x02 };
	static const uint8_t maxbits[10] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff, 0xff, 0xff, 0xff, 0x7f };

	rejects("11-byte overlong varint is rejected", eleven, sizeof(eleven));
	rejects("value of 65 bits is rejected", bit64, sizeof(bit64));
	rejects("value of 70 bits is rejected", maxbits, sizeof(maxbits));
	rejects("empty input is rejected", eleven, 0);
}

static void zigzag(void)
{
	static const struct {
		int64_t v;
		uint64_t z;
	} zz[] = {
		{ 0, 0 },
		{ -1, 1 },
		{ 1, 2 },
		{ -2, 3 },
		{ 2, 4 },
		{ -64, 127 },
		{ 64, 128 },
		{ INT64_MAX, UINT64_MAX - 1 },
		{ INT64_MIN, UINT64_MAX },
		{ INT64_MIN + 1, UINT64_MAX - 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(zz) / sizeof(zz[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "zigzag(%lld)",
			 (long long)zz[i].v);
		is_uint(perfshim_zigzag(zz[i].v), zz[i].z, name);
		snprintf(name, sizeof(name), "unzigzag(zigzag(%lld))",
			 (long long)zz[i].v);
		is_int(perfshim_unzigzag(perfshim_zigzag(zz[i].v)), zz[i].v,
		       name);
	}

	/* Small magnitudes must stay small: that is the point of zigzag. */
	{
		uint8_t buf[PERFSHIM_VARINT_MAX];

		is_uint(perfshim_put_varint(buf, perfshim_zigzag(-63)), 1,
			"zigzag(-63) fits one varint byte");
		is_uint(perfshim_put_varint(buf, perfshim_zigzag(INT64_MIN)),
			10, "zigzag(INT64_MIN) takes ten bytes");
	}
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		round_trip(&cases[i]);
		truncated(&cases[i]);
	}
	sequence();
	overlong();
	against_loop();
	zigzag();
	done_testing();
	return exit_status();
}
