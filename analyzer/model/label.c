/* label.c - KEY=VALUE items of a run's label (see label.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "label.h"

int label_next(const char *list, size_t *pos, struct label_item *it)
{
	while (list && list[*pos]) {
		const char *s = list + *pos, *end = strchr(s, ',');
		const char *eq;

		if (!end)
			end = s + strlen(s);
		*pos = (size_t)(end - list) + (*end == ',');
		eq = memchr(s, '=', (size_t)(end - s));
		if (!eq || eq == s)
			continue;
		it->key = s;
		it->key_len = (size_t)(eq - s);
		it->value = eq + 1;
		it->value_len = (size_t)(end - eq - 1);
		return 1;
	}
	return 0;
}

/* The first item of list whose key is key[0..len), or 0. */
static int find(const char *list, const char *key, size_t len,
		struct label_item *it)
{
	size_t pos = 0;

	while (label_next(list, &pos, it))
		if (it->key_len == len && !memcmp(it->key, key, len))
			return 1;
	return 0;
}

int label_first(const char *list, const struct label_item *it)
{
	struct label_item first;

	return find(list, it->key, it->key_len, &first) && first.key == it->key;
}

int label_number(const char *list, const char *key, double *v)
{
	struct label_item it;
	char buf[64], *end;

	if (!find(list, key, strlen(key), &it))
		return -1;
	if (!it.value_len || it.value_len >= sizeof(buf))
		return -2;
	memcpy(buf, it.value, it.value_len);
	buf[it.value_len] = 0;
	*v = strtod(buf, &end);
	return *end || !isfinite(*v) ? -2 : 0;
}
