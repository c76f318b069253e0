/*
 * fuzz_summary.c - libFuzzer target: any bytes through the summary JSON
 * reader that trend reads builds with. Besides not crashing, what it
 * returns must hold together: on failure the series is untouched; on
 * success every metric is one metrics.h knows, with its unit, every value
 * a number >= 0, and the label parses as the shim's KEY=VALUE list, one
 * item per key.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "label.h"
#include "error.h"
#include "metrics.h"
#include "summary_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct metric_set *s)
{
	struct label_item it;
	size_t pos = 0;

	for (size_t i = 0; i < s->n; i++) {
		double v = s->m[i].v[1];

		enum metric_unit unit;

		if (metric_known(s->m[i].scope, s->m[i].name, &unit) !=
			    s->m[i].name ||
		    unit != s->m[i].unit || !isnan(s->m[i].v[0]) ||
		    !(isnan(v) || (isfinite(v) && v >= 0)))
			abort();
	}
	while (label_next(s->label[1], &pos, &it))
		if (!label_first(s->label[1], &it))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct metric_set s;

	metrics_init(&s, 2);
	s.label = xcalloc(2, sizeof(*s.label));
	if (summary_parse(&s, 1, (const char *)data, size, "fuzz")) {
		if (s.n || s.label[1])
			abort();
	} else {
		check(&s);
	}
	metrics_release(&s);
	return 0;
}
