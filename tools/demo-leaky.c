/*
 * demo-leaky.c - a small "service" with known faults, traced by `make demo`:
 * it leaks a session every tenth request, keeps every reply in a cache that
 * is never trimmed (its memory grows), and spends its CPU time three to one
 * in parsing and rendering. A marker opens each request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perfshim.h"

struct session {
	char *user;
	char buf[240];
};

struct entry {
	struct entry *next;
	unsigned key;
	char reply[40];
};

static struct entry *cache; /* grows by one entry a request */

/* Leaks: the session is dropped but never freed (248 bytes each). */
static __attribute__((noinline)) struct session *open_session(const char *user)
{
	struct session *s = malloc(sizeof(*s));

	s->user = strdup(user); /* and so is the copy of the name */
	return s;
}

/* CPU work the optimizer cannot drop; units scale how long it takes. */
static __attribute__((noinline)) unsigned spin(unsigned seed, int units)
{
	volatile unsigned h = seed;

	for (int i = 0; i < units * 50000; i++)
		h = h * 2654435761u + (unsigned)i;
	return h;
}

static __attribute__((noinline)) unsigned parse_request(int i)
{
	return spin((unsigned)i, 3);
}

static __attribute__((noinline)) unsigned render_reply(unsigned key)
{
	return spin(key, 1);
}

static __attribute__((noinline)) void cache_insert(unsigned key)
{
	struct entry *e = malloc(sizeof(*e));

	e->key = key;
	snprintf(e->reply, sizeof(e->reply), "reply %u", key);
	e->next = cache;
	cache = e;
}

static __attribute__((noinline)) void handle(int i)
{
	char *scratch = malloc(1024); /* freed: not a leak */

	snprintf(scratch, 1024, "request %d", i);
	if (i % 10 == 0)
		open_session("guest");
	unsigned key = parse_request(i);

	cache_insert(render_reply(key));
	free(scratch);
}

int main(void)
{
	char *config = calloc(1, 4096); /* kept to the end and freed */
	int n = 500;

	for (int i = 0; i < n; i++) {
		perfshim_mark("request");
		handle(i);
	}
	free(config);
	printf("demo: handled %d requests\n", n);
	return 0;
}
