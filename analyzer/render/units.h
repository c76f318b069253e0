/*
 * units.h - numbers as people read them, for the text renderers: bytes
 * in B/KiB/MiB/GiB, durations in ns/µs/ms/s, counts with thousands
 * separators. JSON, CSV and collapsed stacks never use these: they keep
 * raw integers, which programs read.
 *
 * The contract, for every renderer that prints a size, a time or a count:
 *
 *   char a[UNITS_LEN], b[UNITS_LEN];
 *   fprintf(out, "%s in %s blocks\n", units_bytes(a, bytes),
 *	     units_count(b, blocks));
 *
 * Each function writes into the caller's buffer of UNITS_LEN bytes (always
 * NUL-terminated; every value of its type fits) and returns that buffer, so
 * that a call can sit in an argument list. Nothing is allocated, nothing
 * depends on the locale (the separator is always ',', the decimal point
 * always '.'), and the same value always gives the same text: golden files
 * and tests can assert exact strings.
 *
 * Bytes: below 1024, the exact count ("0 B", "1023 B"); above, one decimal
 * in the largest unit that keeps the value at 1.0 or more after rounding
 * ("1.0 KiB", "1.2 KiB", "17.6 MiB", "3.0 GiB"; past GiB the integer part
 * takes separators, "2,048.0 GiB"). Binary units: 1 KiB = 1024 B.
 *
 * Durations: below 1 µs, whole nanoseconds ("999 ns"); above, three
 * decimals in the largest unit that keeps the value at 1.000 or more after
 * rounding ("1.000 µs", "12.345 ms", "3.210 s"); seconds take separators
 * ("3,600.000 s"). "µ" is U+00B5, two bytes in UTF-8: pad with
 * units_width(), not a bare printf width.
 */
#ifndef PERFSHIM_UNITS_H
#define PERFSHIM_UNITS_H

#include <stdint.h>

/* The room every units_* function needs (the longest text, and its NUL). */
#define UNITS_LEN 32

/* units_bytes - a size in bytes: "512 B", "1.5 KiB", "17.6 MiB". */
const char *units_bytes(char *buf, uint64_t bytes);

/*
 * units_bytes_signed - a change in bytes, always with its sign unless it
 * is zero: "+1.5 KiB", "-300 B", "0 B".
 */
const char *units_bytes_signed(char *buf, int64_t bytes);

/*
 * units_bytes_real - a size that need not be whole (a slope, a median):
 * below 1024 in absolute value with up to two decimals ("0.5 B", "12.25 B",
 * "1000 B"), above as units_bytes; negative values get "-"; NaN is "n/a".
 */
const char *units_bytes_real(char *buf, double bytes);

/* units_ns - a duration: "850 ns", "1.234 µs", "12.000 ms", "3.210 s". */
const char *units_ns(char *buf, uint64_t ns);

/* units_count - a count with thousands separators: "1,234,567". */
const char *units_count(char *buf, uint64_t n);

/*
 * units_width - the printf field width that pads s to width columns on a
 * terminal (s may hold "µ", one column in two bytes): use
 * fprintf(out, "%*s", units_width(s, 11), s).
 */
int units_width(const char *s, int width);

#endif
