/*
 * render_metric.c - a metric's value, place and p-value as the text
 * tables of diff and trend print them, so that the two agree.
 */
#include <math.h>

#include "render.h"
#include "textfit.h"

/* v in the largest of n units, each step times the one before it; its
 * one decimal rounded half away from 0, as units.c rounds the reports'
 * (printf would round 6.25 KiB to even, "6.2", where they say "6.3"). */
static const char *scaled(char *buf, size_t len, double v, int sign,
			  double step, const char *const *unit, size_t n)
{
	size_t i = 0;

	for (; fabs(v) >= step && i + 1 < n; i++)
		v /= step;
	if (i)
		snprintf(buf, len, sign ? "%+.1f %s" : "%.1f %s",
			 round(v * 10) / 10, unit[i]);
	else
		snprintf(buf, len, sign ? "%+.0f %s" : "%.0f %s", v, unit[i]);
	return buf;
}

const char *render_metric_value(char *buf, size_t len, double v,
				enum metric_unit u, int sign)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const ns[] = { "ns", "us", "ms", "s" };

	if (isnan(v))
		return "-";
	if (isinf(v))
		return v > 0 ? "+inf" : "-inf";
	switch (u) {
	case METRIC_RATIO:
		snprintf(buf, len, sign ? "%+.1f%%" : "%.1f%%", v * 100);
		return buf;
	case METRIC_BYTES:
		return scaled(buf, len, v, sign, 1024, bytes, 5);
	case METRIC_NS:
		return scaled(buf, len, v, sign, 1000, ns, 4);
	default:
		if (v == floor(v))
			snprintf(buf, len, sign ? "%+.0f" : "%.0f", v);
		else
			snprintf(buf, len, sign ? "%+.1f" : "%.1f", v);
		return buf;
	}
}

const char *render_metric_where(char *buf, size_t len, enum metric_scope scope,
				const char *where)
{
	char e[1024];

	if (scope == METRIC_PROGRAM)
		return "program";
	snprintf(buf, len, "%s:%s", metric_scope_name(scope),
		 textfit_escape(e, sizeof(e), where));
	return buf;
}

const char *render_p_value(char *buf, size_t len, double p)
{
	if (isnan(p))
		return "-";
	snprintf(buf, len, p < 0.001 ? "<0.001" : "%.3f", p);
	return buf;
}
