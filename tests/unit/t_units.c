/* t_units.c - unit tests for the text renderers' units (render/units.c). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "render.h"
#include "tap.h"
#include "units.h"

static void bytes(uint64_t v, const char *want)
{
	char b[UNITS_LEN];

	is_str(units_bytes(b, v), want, want);
}

static void bytes_signed(int64_t v, const char *want)
{
	char b[UNITS_LEN];

	is_str(units_bytes_signed(b, v), want, want);
}

static void bytes_real(double v, const char *want)
{
	char b[UNITS_LEN];

	is_str(units_bytes_real(b, v), want, want);
}

static void ns(uint64_t v, const char *want)
{
	char b[UNITS_LEN];

	is_str(units_ns(b, v), want, want);
}

static void count(uint64_t v, const char *want)
{
	char b[UNITS_LEN];

	is_str(units_count(b, v), want, want);
}

int main(void)
{
	char b[UNITS_LEN];

	bytes(0, "0 B");
	bytes(1, "1 B");
	bytes(1023, "1023 B");
	bytes(1024, "1.0 KiB");
	bytes(1229, "1.2 KiB");
	bytes(1536, "1.5 KiB");
	/* 1023.96 KiB rounds to 1024.0 KiB: shown as the next unit. */
	bytes(1048535, "1.0 MiB");
	bytes(1048064, "1023.5 KiB");
	bytes(18454937, "17.6 MiB");
	bytes(3ull << 30, "3.0 GiB");
	bytes(2048ull << 30, "2,048.0 GiB");
	bytes(UINT64_MAX, "17,179,869,184.0 GiB");

	bytes_signed(0, "0 B");
	bytes_signed(300, "+300 B");
	bytes_signed(-300, "-300 B");
	bytes_signed(1536, "+1.5 KiB");
	bytes_signed(INT64_MIN, "-8,589,934,592.0 GiB");

	bytes_real(0, "0 B");
	bytes_real(0.5, "0.5 B");
	bytes_real(12.25, "12.25 B");
	bytes_real(-3.004, "-3 B");
	bytes_real(-0.001, "0 B");
	bytes_real(1000, "1000 B");
	bytes_real(1023.999, "1.0 KiB");
	bytes_real(-2048, "-2.0 KiB");
	bytes_real(1e30, "17,179,869,184.0 GiB");
	bytes_real(NAN, "n/a");

	ns(0, "0 ns");
	ns(999, "999 ns");
	ns(1000, "1.000 µs");
	ns(1234, "1.234 µs");
	ns(999999, "999.999 µs");
	ns(9999499, "9.999 ms");
	ns(9999999, "10.000 ms");
	ns(9999999999ull / 10, "1.000 s");
	ns(12000000, "12.000 ms");
	ns(3210000000ull, "3.210 s");
	ns(3600000000000ull, "3,600.000 s");
	ns(UINT64_MAX, "18,446,744,073.710 s");

	count(0, "0");
	count(999, "999");
	count(1000, "1,000");
	count(1234567, "1,234,567");
	count(UINT64_MAX, "18,446,744,073,709,551,615");

	/* diff's and trend's tables say what the reports say of a size */
	char m[64];
	uint64_t differ = 0;

	for (uint64_t v = 1024; v < 3 << 20; v = v * 5 / 4 + 7) {
		render_metric_value(m, sizeof(m), (double)v, METRIC_BYTES, 0);
		if (strcmp(m, units_bytes(b, v)) && !differ)
			differ = v;
	}
	is_int((long long)differ, 0,
	       "sizes from 1 KiB to 3 MiB alike (first that differs)");
	is_str(render_metric_value(m, sizeof(m), 6400, METRIC_BYTES, 0),
	       units_bytes(b, 6400), "6,400 B in diff's table as elsewhere");
	is_str(render_metric_value(m, sizeof(m), -6400, METRIC_BYTES, 1),
	       "-6.3 KiB", "and a fall of as much");
	is_int(units_width("12 ns", 11), 11, "width of ASCII");
	is_int(units_width(units_ns(b, 1500), 11), 12, "width with µ");
	done_testing();
	return exit_status();
}
