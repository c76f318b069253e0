/*
 * label.h - a run's label: PERFSHIM_LABEL as the shim recorded it, a
 * comma-separated list of KEY=VALUE items ("n=1000,build=a1b2"). Keys are
 * not unique by contract; the first item with a key is the one that
 * counts. A trace is input: items without '=' or with an empty key are
 * skipped, never an error.
 */
#ifndef PERFSHIM_LABEL_H
#define PERFSHIM_LABEL_H

#include <stddef.h>

struct label_item {
	const char *key, *value; /* into the list, not NUL-terminated */
	size_t key_len, value_len;
};

/*
 * label_next - the next well-formed item of list from *pos (0 to start)
 * into *it, advancing *pos. Returns 1, or 0 after the last one. A NULL
 * list has no items.
 */
int label_next(const char *list, size_t *pos, struct label_item *it);

/*
 * label_first - whether *it is the first item of list with its key (a
 * later one with the same key is shadowed).
 */
int label_first(const char *list, const struct label_item *it);

/*
 * label_number - the value of key in list as a number into *v. Returns 0,
 * -1 when list has no such key, -2 when its value is not a finite number
 * (strtod's syntax, the whole value).
 */
int label_number(const char *list, const char *key, double *v);

#endif
