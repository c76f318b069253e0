/*
 * render_metric.c - a metric's value, place and p-value as the text
 * tables of diff and trend print them, so that the two agree.
 */
#include <math.h>

#include "render.h"
#include "textfit.h"

const char *render_metric_value(char *buf, size_t len, double v,
				enum metric_unit u, int sign)
{
	static const char *const bytes[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	static const char *const ns[] = { "ns", "us", "ms", "s" };
	size_t i = 0;

	if (isnan(v))
		return "-";
	if (isinf(v))
		return v > 0 ? "+inf" : "-inf";
	switch (u) {
	case METRIC_RATIO:
		snprintf(buf, len, sign ? "%+.1f%%" : "%.1f%%", v * 100);
		return buf;
	case METRIC_BYTES:
		for (; fabs(v) >= 1024 && i + 1 < 5; i++)
			v /= 1024;
		if (i)
			snprintf(buf, len, sign ? "%+.1f %s" : "%.1f %s", v,
				 bytes[i]);
		else
			snprintf(buf, len, sign ? "%+.0f %s" : "%.0f %s", v,
				 bytes[i]);
		return buf;
	case METRIC_NS:
		for (; fabs(v) >= 1000 && i + 1 < 4; i++)
			v /= 1000;
		if (i)
			snprintf(buf, len, sign ? "%+.1f %s" : "%.1f %s", v,
				 ns[i]);
		else
			snprintf(buf, len, sign ? "%+.0f %s" : "%.0f %s", v,
				 ns[i]);
		return buf;
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
