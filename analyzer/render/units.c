/* units.c - sizes, durations and counts as text people read. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

/* Write n with a ',' every three digits at buf; returns the length. */
static int grouped(char *buf, uint64_t n)
{
	char digits[24];
	int len =
		snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	int o = 0;

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return o;
}

/*
 * "WHOLE.FRAC UNIT": value/unit rounded to one decimal (scale 10) or three
 * (scale 1000), the whole part grouped in the largest unit (the only one
 * where it can pass 1023 or 999). Done in integers, so that no rounding
 * of a double can print 1024.0 KiB.
 */
static void scaled(char *buf, uint64_t value, uint64_t unit, uint64_t scale,
		   const char *name, int group)
{
	uint64_t q = value / unit, r = value % unit;
	uint64_t frac = (r * scale + unit / 2) / unit;
	int o;

	if (frac >= scale) {
		q++;
		frac -= scale;
	}
	if (group)
		o = grouped(buf, q);
	else
		o = snprintf(buf, UNITS_LEN, "%llu", (unsigned long long)q);
	snprintf(buf + o, UNITS_LEN - (size_t)o, ".%0*llu %s",
		 scale == 10 ? 1 : 3, (unsigned long long)frac, name);
}

/* Whether value/unit rounds to at least limit in `scale` steps. */
static int reaches(uint64_t value, uint64_t unit, uint64_t scale,
		   uint64_t limit)
{
	uint64_t q = value / unit, r = value % unit;

	return q >= limit ||
	       (q == limit - 1 && (r * scale + unit / 2) / unit >= scale);
}

const char *units_bytes(char *buf, uint64_t bytes)
{
	static const char *const name[] = { "KiB", "MiB", "GiB" };
	uint64_t unit = 1024;
	int k = 0;

	if (bytes < 1024) {
		snprintf(buf, UNITS_LEN, "%u B", (unsigned)bytes);
		return buf;
	}
	while (k < 2 && reaches(bytes, unit, 10, 1024)) {
		unit *= 1024;
		k++;
	}
	scaled(buf, bytes, unit, 10, name[k], k == 2);
	return buf;
}

const char *units_bytes_signed(char *buf, int64_t bytes)
{
	uint64_t mag = bytes < 0 ? -(uint64_t)bytes : (uint64_t)bytes;

	if (!bytes) {
		snprintf(buf, UNITS_LEN, "0 B");
		return buf;
	}
	buf[0] = bytes < 0 ? '-' : '+';
	units_bytes(buf + 1, mag);
	return buf;
}

const char *units_bytes_real(char *buf, double bytes)
{
	double mag = fabs(bytes);
	char *p = buf;

	if (isnan(bytes)) {
		snprintf(buf, UNITS_LEN, "n/a");
		return buf;
	}
	if (bytes < 0 && mag >= 0.005)
		*p++ = '-';
	if (mag < 1023.995) {
		/* Hundredths, with the zeros after the point dropped. */
		unsigned h = (unsigned)llround(mag * 100);
		unsigned whole = h / 100, frac = h % 100;

		if (!frac)
			snprintf(p, UNITS_LEN - 1, "%u B", whole);
		else if (frac % 10 == 0)
			snprintf(p, UNITS_LEN - 1, "%u.%u B", whole, frac / 10);
		else
			snprintf(p, UNITS_LEN - 1, "%u.%02u B", whole, frac);
		return buf;
	}
	units_bytes(p, mag >= 18446744073709551615.0 ? UINT64_MAX
						     : (uint64_t)llround(mag));
	return buf;
}

const char *units_ns(char *buf, uint64_t ns)
{
	static const char *const name[] = { "µs", "ms", "s" };
	uint64_t unit = 1000;
	int k = 0;

	if (ns < 1000) {
		snprintf(buf, UNITS_LEN, "%u ns", (unsigned)ns);
		return buf;
	}
	while (k < 2 && reaches(ns, unit, 1000, 1000)) {
		unit *= 1000;
		k++;
	}
	scaled(buf, ns, unit, 1000, name[k], k == 2);
	return buf;
}

const char *units_count(char *buf, uint64_t n)
{
	grouped(buf, n);
	return buf;
}

int units_width(const char *s, int width)
{
	int extra = 0;

	/* UTF-8 continuation bytes take no column of their own. */
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) == 0x80)
			extra++;
	return width + extra;
}
