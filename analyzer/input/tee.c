/* tee.c - fan one trace visitor out to several. */
#include <string.h>

#include "tee.h"

/* Call member f of every visitor that has one; stop at the first refusal. */
#define FAN(f, ...)                                                  \
	do {                                                         \
		const struct visitor_tee *t = ctx;                   \
		for (size_t i = 0; i < t->n; i++)                    \
			if (t->to[i]->f &&                           \
			    t->to[i]->f(t->to[i]->ctx, __VA_ARGS__)) \
				return 1;                            \
		return 0;                                            \
	} while (0)

/*
 * The module callback passes ownership of its argument, so only the first
 * visitor that takes modules gets it (replay, whose table every report
 * reads).
 */
static int t_module(void *ctx, struct module_info *m)
{
	const struct visitor_tee *t = ctx;

	for (size_t i = 0; i < t->n; i++)
		if (t->to[i]->module)
			return t->to[i]->module(t->to[i]->ctx, m);
	return 0;
}

static int t_module_gone(void *ctx, uint64_t id)
{
	FAN(module_gone, id);
}

static int t_node(void *ctx, uint32_t id, uint32_t parent, uint64_t ip)
{
	FAN(node, id, parent, ip);
}

static int t_thread(void *ctx, uint32_t index, uint64_t tid, const char *name)
{
	FAN(thread, index, tid, name);
}

static int t_event(void *ctx, const struct trace_event *ev)
{
	FAN(event, ev);
}

static int t_prefetch(void *ctx, const struct trace_event *const *ev, size_t n)
{
	const struct visitor_tee *t = ctx;
	int any = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->to[i]->prefetch)
			any |= t->to[i]->prefetch(t->to[i]->ctx, ev, n);
	return any;
}

static int t_end(void *ctx, const struct trace_end *end)
{
	FAN(end, end);
}

static int t_lost(void *ctx, uint64_t count, uint64_t reason)
{
	FAN(lost, count, reason);
}

static int t_string(void *ctx, uint32_t id, const char *text)
{
	FAN(string, id, text);
}

static int t_memory(void *ctx, uint64_t ts, uint64_t rss, uint64_t mapped)
{
	FAN(memory, ts, rss, mapped);
}

static int t_histograms(void *ctx, const struct trace_hists *h)
{
	FAN(histograms, h);
}

static int t_calls(void *ctx, const struct trace_calls *c)
{
	FAN(calls, c);
}

static int t_ext(void *ctx, uint8_t tag, const uint8_t *p, const uint8_t *end)
{
	FAN(ext, tag, p, end);
}

static void t_done(void *ctx)
{
	const struct visitor_tee *t = ctx;

	for (size_t i = 0; i < t->n; i++)
		if (t->to[i]->done)
			t->to[i]->done(t->to[i]->ctx);
}

static int t_rename(void *ctx, uint64_t from, uint64_t to)
{
	FAN(rename, from, to);
}

void visitor_tee_init(struct visitor_tee *t)
{
	memset(t, 0, sizeof(*t));
	t->out.ctx = t;
	t->out.module = t_module;
	t->out.module_gone = t_module_gone;
	t->out.node = t_node;
	t->out.thread = t_thread;
	t->out.event = t_event;
	t->out.prefetch = t_prefetch;
	t->out.end = t_end;
	t->out.lost = t_lost;
	t->out.string = t_string;
	t->out.memory = t_memory;
	t->out.histograms = t_histograms;
	t->out.calls = t_calls;
	t->out.ext = t_ext;
	t->out.rename = t_rename;
	t->out.done = t_done;
}

int visitor_tee_add(struct visitor_tee *t, const struct trace_visitor *v)
{
	if (t->n == TEE_MAX)
		return -1;
	t->to[t->n++] = v;
	return 0;
}
