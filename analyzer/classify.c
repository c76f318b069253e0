/* classify.c - take the shim's SCAN verdicts and give each live block its kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "leaks.h"
#include "perfshim_trace.h"

void classify_init(struct classify *c, const struct trace_reader *r)
{
	memset(c, 0, sizeof(*c));
	c->reader = r;
}

void classify_release(struct classify *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static size_t home(uint64_t addr, size_t cap)
{
	return (size_t)((addr * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static int grow(struct classify *c)
{
	size_t cap = c->cap ? 2 * c->cap : 4096;
	struct verdict *v = calloc(cap, sizeof(*v));

	if (!v) {
		fprintf(stderr, "perfanalyze: out of memory\n");
		return -1;
	}
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->v[i].addr)
			continue;
		size_t s = home(c->v[i].addr, cap);

		while (v[s].addr)
			s = (s + 1) & (cap - 1);
		v[s] = c->v[i];
	}
	free(c->v);
	c->v = v;
	c->cap = cap;
	return 0;
}

static const struct verdict *find(const struct classify *c, uint64_t addr)
{
	if (!c->cap)
		return NULL;
	for (size_t s = home(addr, c->cap);; s = (s + 1) & (c->cap - 1)) {
		if (!c->v[s].addr)
			return NULL;
		if (c->v[s].addr == addr)
			return &c->v[s];
	}
}

static struct verdict *find_mut(struct classify *c, uint64_t addr)
{
	return (struct verdict *)find(c, addr);
}

static int put(struct classify *c, uint64_t addr, uint64_t size,
	       uint64_t scan_ns, int kind)
{
	if ((c->count + 1) * 2 > c->cap && grow(c))
		return -1;
	size_t s = home(addr, c->cap);

	while (c->v[s].addr && c->v[s].addr != addr)
		s = (s + 1) & (c->cap - 1);
	if (!c->v[s].addr)
		c->count++;
	else if (c->v[s].scan_ns > scan_ns)
		return 0; /* a later scan said otherwise */
	c->v[s] = (struct verdict){ addr, size, scan_ns, kind, 0 };
	return 0;
}

static int bad(const char *why)
{
	fprintf(stderr, "perfanalyze: corrupt SCAN record: %s\n", why);
	return -1;
}

/* SCAN_HEADS: the heads of the indirect verdicts of the scan at ts. */
static int on_heads(struct classify *c, const uint8_t *p, const uint8_t *end)
{
	uint64_t ts, n, addr = 0;

	if (perfshim_get_varint(&p, end, &ts) ||
	    perfshim_get_varint(&p, end, &n))
		return bad("truncated heads");
	/* Each pair takes at least 2 bytes. */
	if (n > (uint64_t)(end - p) / 2)
		return bad("more heads than bytes");
	uint64_t ns = trace_reader_time_ns(c->reader, ts);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t d, head;

		if (perfshim_get_varint(&p, end, &d) ||
		    perfshim_get_varint(&p, end, &head))
			return bad("truncated head");
		if ((i && d == 0) || addr + d < addr)
			return bad("head addresses out of order");
		addr += d;
		struct verdict *v = find_mut(c, addr);

		/* Only for the verdict of that very scan. */
		if (v && v->scan_ns == ns && v->kind == LEAK_INDIRECT)
			v->head = head;
	}
	if (p != end)
		return bad("bytes after the last head");
	return 0;
}

static int on_ext(void *ctx, uint8_t tag, const uint8_t *p, const uint8_t *end)
{
	static const int kinds[PERFSHIM_SCAN_KINDS] = {
		[PERFSHIM_SCAN_DEFINITE] = LEAK_DEFINITE,
		[PERFSHIM_SCAN_INDIRECT] = LEAK_INDIRECT,
		[PERFSHIM_SCAN_POSSIBLE] = LEAK_POSSIBLE,
		[PERFSHIM_SCAN_REACHABLE] = LEAK_REACHABLE,
	};
	struct classify *c = ctx;
	uint64_t ts, flags, stopped, missed, n, addr = 0;

	if (tag == PERFSHIM_REC_SCAN_HEADS)
		return on_heads(c, p, end);
	if (tag != PERFSHIM_REC_SCAN)
		return 0;
	if (perfshim_get_varint(&p, end, &ts) ||
	    perfshim_get_varint(&p, end, &flags) ||
	    perfshim_get_varint(&p, end, &stopped) ||
	    perfshim_get_varint(&p, end, &missed) ||
	    perfshim_get_varint(&p, end, &n))
		return bad("truncated header");
	/* Each verdict takes at least 3 bytes. */
	if (n > (uint64_t)(end - p) / 3)
		return bad("more verdicts than bytes");
	uint64_t ns = trace_reader_time_ns(c->reader, ts);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t d, size, kind;

		if (perfshim_get_varint(&p, end, &d) ||
		    perfshim_get_varint(&p, end, &size) ||
		    perfshim_get_varint(&p, end, &kind))
			return bad("truncated verdict");
		if (kind >= PERFSHIM_SCAN_KINDS)
			return bad("unknown kind");
		if ((i && d == 0) || addr + d < addr)
			return bad("addresses out of order");
		addr += d;
		if (!addr)
			return bad("a verdict for address 0");
		if (put(c, addr, size, ns, kinds[kind]))
			return -1;
	}
	if (p != end)
		return bad("bytes after the last verdict");
	c->scans++;
	if (ns >= c->latest_scan_ns) {
		c->latest_scan_ns = ns;
		c->last_flags = flags;
		c->missed_threads = missed;
	}
	return 0;
}

void classify_visitor(struct classify *c, struct trace_visitor *v)
{
	memset(v, 0, sizeof(*v));
	v->ctx = c;
	v->ext = on_ext;
}

int classify_kind(const struct classify *c, const struct live_block *b)
{
	const struct verdict *v = c ? find(c, b->addr) : NULL;

	if (!v || v->size != b->size || b->ts > v->scan_ns)
		return LEAK_UNCLASSIFIED;
	return v->kind;
}

uint64_t classify_head(const struct classify *c, const struct live_block *b)
{
	const struct verdict *v = c ? find(c, b->addr) : NULL;

	if (!v || v->size != b->size || b->ts > v->scan_ns ||
	    v->kind != LEAK_INDIRECT)
		return 0;
	return v->head;
}
