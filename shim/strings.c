/*
 * strings.c - intern the names of zones and the labels of markers: each
 * distinct text gets a small id, written once into the trace (a STRING
 * record) before any event uses it.
 */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "encode.h"
#include "mem.h"
#include "perfshim_trace.h"
#include "shim.h"

#define SLOTS (2 * PERFSHIM_MAX_STRINGS) /* open addressing, half full */
#define TLS_CACHE 64

struct slot {
	uint64_t hash;
	uint32_t id; /* 0: empty */
	uint32_t len;
	const char *text; /* in the arena */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots; /* mapped on first use */
static char *arena;	   /* PERFSHIM_MAX_STRINGS * 256 bytes, virtual */
static uint32_t next_id = 1;

/* Per thread: the caller's pointer and the id its text had last time. */
static __thread struct {
	const char *ptr;
	const char *text;
	uint32_t id;
} cache[TLS_CACHE];

static uint64_t hash_of(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h | 1;
}

static size_t text_len(const char *s)
{
	size_t n = 0;

	while (n < PERFSHIM_MAX_STRING_LEN && s[n])
		n++;
	return n;
}

static int map_tables(void)
{
	void *a = perfshim_map(SLOTS * sizeof(struct slot));
	void *b = perfshim_map((size_t)PERFSHIM_MAX_STRINGS * 256);

	if (!a || !b) {
		perfshim_unmap(a, SLOTS * sizeof(struct slot));
		perfshim_unmap(b, (size_t)PERFSHIM_MAX_STRINGS * 256);
		return -1;
	}
	slots = a;
	arena = b;
	return 0;
}

/* The interned slot for s (n bytes), made and announced if new. */
static uint32_t intern(const char *s, size_t n, const char **text)
{
	uint64_t h = hash_of(s, n);
	uint32_t id = 0;

	pthread_mutex_lock(&lock);
	if (!slots && map_tables())
		goto out;
	for (size_t i = h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
		struct slot *sl = &slots[i];

		if (!sl->id) {
			if (next_id > PERFSHIM_MAX_STRINGS)
				goto out;
			char *t = arena + (size_t)(next_id - 1) * 256;
			uint8_t rec[2 * PERFSHIM_VARINT_MAX + 256];
			struct enc e = { rec, 0, sizeof(rec) };

			memcpy(t, s, n);
			t[n] = 0;
			sl->hash = h;
			sl->len = (uint32_t)n;
			sl->text = t;
			sl->id = next_id++;
			enc_u(&e, sl->id);
			enc_u(&e, n);
			enc_bytes(&e, t, n);
			perfshim_meta(PERFSHIM_REC_STRING, rec, e.len);
		} else if (sl->hash != h || sl->len != n ||
			   memcmp(sl->text, s, n)) {
			continue;
		}
		id = sl->id;
		*text = sl->text;
		break;
	}
out:
	pthread_mutex_unlock(&lock);
	return id;
}

HIDDEN uint32_t perfshim_string_id(const char *s)
{
	if (!s)
		s = "(null)";
	size_t n = text_len(s);
	size_t c = ((uintptr_t)s >> 3) & (TLS_CACHE - 1);

	/* Names are mostly literals: same pointer, same text. Check the text
	 * anyway, for labels built in a reused buffer. */
	if (cache[c].ptr == s && cache[c].id && !memcmp(cache[c].text, s, n) &&
	    cache[c].text[n] == 0)
		return cache[c].id;

	const char *text = NULL;
	uint32_t id = intern(s, n, &text);

	if (id) {
		cache[c].ptr = s;
		cache[c].text = text;
		cache[c].id = id;
	}
	return id;
}

/* After fork the child's trace starts empty: every name is new to it. */
HIDDEN void perfshim_strings_reset(void)
{
	pthread_mutex_init(&lock, NULL);
	if (slots)
		memset(slots, 0, SLOTS * sizeof(struct slot));
	next_id = 1;
	memset(cache, 0, sizeof(cache));
}
