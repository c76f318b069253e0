/*
 * fuzz_split.c - libFuzzer target: SPLIT frames (perfshim_trace.h, "Since
 * major 4"). Any bytes through the reader's frame_unsplit: refused, or
 * records no longer than the bytes. Records it gives back, and any bytes
 * taken as records, through the shim's perfshim_split_frame: what splits
 * comes back the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim_trace.h"
#include "split.h"
#include "unsplit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records [p, p + n) split and put back: the same bytes, or abort. */
static void round_trip(const uint8_t *p, size_t n)
{
	size_t cap = n + PERFSHIM_SPLIT_SLACK, back_cap = 0, len;
	uint8_t *s = malloc(cap), *back = NULL;
	const char *why;

	if (!s)
		return;
	size_t k = perfshim_split_frame(p, n, s, cap);

	if (k && (frame_unsplit(s, k, &back, &back_cap, &len, &why) ||
		  len != n || (n && memcmp(back, p, n))))
		abort();
	free(s);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = NULL;
	size_t cap = 0, len;
	const char *why;

	if (!frame_unsplit(data, size, &out, &cap, &len, &why)) {
		if (len > size)
			abort();
		round_trip(out, len);
	}
	free(out);
	round_trip(data, size);
	return 0;
}
