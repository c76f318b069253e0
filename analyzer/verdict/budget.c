/* budget.c - budget files: parse "METRIC [SCOPE] <= VALUE" rules. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "error.h"

/* How much of an offending word an error message quotes. */
#define QUOTE_MAX 60
#define Q(s, n) ((n) > QUOTE_MAX ? QUOTE_MAX : (int)(n)), (s)

#define P (1u << BUDGET_PROGRAM)
#define Z (1u << BUDGET_ZONE)
#define F (1u << BUDGET_FUNCTION)
#define S (1u << BUDGET_SITE)

static const struct metric_def {
	const char *name;
	enum budget_metric metric;
	enum budget_unit unit;
	unsigned scopes;
} metrics[] = {
	{ "peak_heap", BUDGET_PEAK_HEAP, BUDGET_BYTES, P },
	{ "allocs", BUDGET_ALLOCS, BUDGET_COUNT, P },
	{ "bytes", BUDGET_ALLOC_BYTES, BUDGET_BYTES, P | S },
	{ "leaked", BUDGET_LEAKED, BUDGET_BYTES, P | S },
	{ "leaked_blocks", BUDGET_LEAKED_BLOCKS, BUDGET_COUNT, P | S },
	{ "cpu_time", BUDGET_CPU_TIME, BUDGET_NS, P | F },
	{ "rss_peak", BUDGET_RSS_PEAK, BUDGET_BYTES, P },
	{ "duration", BUDGET_DURATION, BUDGET_NS, P },
	{ "calls", BUDGET_CALLS, BUDGET_COUNT, Z | F | S },
	{ "total", BUDGET_TOTAL, BUDGET_NS, Z | F },
	{ "self", BUDGET_SELF, BUDGET_NS, Z | F },
	{ "p50", BUDGET_P50, BUDGET_NS, Z | F },
	{ "p90", BUDGET_P90, BUDGET_NS, Z | F },
	{ "p95", BUDGET_P95, BUDGET_NS, Z | F },
	{ "p99", BUDGET_P99, BUDGET_NS, Z | F },
	{ "max", BUDGET_MAX, BUDGET_NS, Z | F },
};

static const struct unit_def {
	const char *name;
	enum budget_unit unit;
	double scale;
} units[] = {
	{ "B", BUDGET_BYTES, 1 },
	{ "KiB", BUDGET_BYTES, 1024.0 },
	{ "MiB", BUDGET_BYTES, 1048576.0 },
	{ "GiB", BUDGET_BYTES, 1073741824.0 },
	{ "ns", BUDGET_NS, 1 },
	{ "us", BUDGET_NS, 1e3 },
	{ "\u00b5s", BUDGET_NS, 1e3 }, /* as the budget report prints it */
	{ "ms", BUDGET_NS, 1e6 },
	{ "s", BUDGET_NS, 1e9 },
};

static const char *const scope_names[] = { "the program",
					   "zone:", "function:", "site:" };
static const char *const unit_lists[] = { "none", "B, KiB, MiB, GiB",
					  "ns, us, ms, s" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Where a message is about: the file and the line. */
struct where {
	const char *file;
	unsigned line;
};

__attribute__((format(printf, 2, 3))) static int
budget_error(const struct where *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->line)
		return error("%s:%u: %s", w->file, w->line, msg);
	return error("%s: %s", w->file, msg);
}

void budget_init(struct budget *b)
{
	memset(b, 0, sizeof(*b));
}

void budget_release(struct budget *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->rule[i].name);
		free(b->rule[i].text);
	}
	free(b->rule);
	free(b->file);
	budget_init(b);
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* [*s, *e) without blanks at either end. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && blank(**s))
		(*s)++;
	while (*e > *s && blank((*e)[-1]))
		(*e)--;
}

static int is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) == n && !memcmp(s, word, n);
}

/* The metrics scope takes, as "a, b, c", into buf. */
static const char *metric_list(unsigned scope, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N(metrics); i++)
		if (metrics[i].scopes & (1u << scope))
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       at ? ", " : "", metrics[i].name);
	return buf;
}

static const struct metric_def *
find_metric(const struct where *w, unsigned scope, const char *s, const char *e)
{
	char list[256];

	for (size_t i = 0; i < N(metrics); i++) {
		if (!is(s, e, metrics[i].name))
			continue;
		if (metrics[i].scopes & (1u << scope))
			return &metrics[i];
		budget_error(w, "'%s' is not a metric of %s (%s)",
			     metrics[i].name, scope_names[scope],
			     metric_list(scope, list, sizeof(list)));
		return NULL;
	}
	budget_error(w, "unknown metric '%.*s' for %s (%s)", Q(s, e - s),
		     scope_names[scope],
		     metric_list(scope, list, sizeof(list)));
	return NULL;
}

/*
 * What stands left of "<=", [s, e) trimmed: a program metric, or
 * KIND:NAME and a statistic. Fills r's scope, name and metric.
 */
static int parse_left(const struct where *w, const char *s, const char *e,
		      struct budget_rule *r)
{
	static const char *const kinds[] = { NULL, "zone", "function", "site" };
	const char *stat = e, *colon = memchr(s, ':', (size_t)(e - s));
	const struct metric_def *m;

	if (s == e)
		return budget_error(w, "no metric before '<='");
	while (stat > s && !blank(stat[-1]))
		stat--;
	r->scope = BUDGET_PROGRAM;
	if (colon && colon < stat) {
		const char *ns = colon + 1, *ne = stat;

		size_t k = 1;

		while (k < N(kinds) && !is(s, colon, kinds[k]))
			k++;
		if (k == N(kinds))
			return budget_error(w,
					    "unknown scope '%.*s:' (zone:, "
					    "function:, site:)",
					    Q(s, colon - s));
		r->scope = (enum budget_scope)k;
		trim(&ns, &ne);
		if (ns == ne)
			return budget_error(w, "no name after '%s:'",
					    kinds[r->scope]);
		r->name = strndup(ns, (size_t)(ne - ns));
		if (!r->name)
			return budget_error(w, "out of memory");
	} else if (stat != s) {
		return budget_error(w,
				    "'%.*s' is not one metric; a scope is "
				    "written zone:NAME, function:NAME or "
				    "site:NAME",
				    Q(s, e - s));
	} else if (colon) {
		return budget_error(w, "'%.*s' needs a statistic after it",
				    Q(s, e - s));
	}
	m = find_metric(w, r->scope, stat, e);
	if (!m)
		return -1;
	r->metric = m->metric;
	r->metric_name = m->name;
	r->unit = m->unit;
	return 0;
}

/* The length of the decimal number at [s, e): 0 when there is none. */
static size_t number_len(const char *s, const char *e)
{
	const char *p = s;
	size_t digits = 0;

	for (; p < e && *p >= '0' && *p <= '9'; p++)
		digits++;
	if (p < e && *p == '.')
		for (p++; p < e && *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return 0;
	if (p < e && (*p == 'e' || *p == 'E')) {
		const char *q = p + 1;

		if (q < e && (*q == '+' || *q == '-'))
			q++;
		if (q < e && *q >= '0' && *q <= '9') {
			while (q < e && *q >= '0' && *q <= '9')
				q++;
			p = q;
		}
	}
	return (size_t)(p - s);
}

/* What stands right of "<=", [s, e) trimmed, into r->limit. */
static int parse_value(const struct where *w, const char *s, const char *e,
		       struct budget_rule *r)
{
	size_t n = number_len(s, e);
	const char *u = s + n, *ue = e;
	double scale = 1, v;
	char num[64];

	if (s == e)
		return budget_error(w, "no value after '<='");
	if (*s == '-')
		return budget_error(w, "a limit cannot be negative");
	if (!n || n >= sizeof(num))
		return budget_error(w, "'%.*s' is not a number", Q(s, e - s));
	memcpy(num, s, n);
	num[n] = '\0';
	v = strtod(num, NULL);
	trim(&u, &ue);
	if (u < ue) {
		const struct unit_def *d = NULL;

		for (size_t i = 0; i < N(units) && !d; i++)
			if (is(u, ue, units[i].name))
				d = &units[i];
		if (r->unit == BUDGET_COUNT)
			return budget_error(w,
					    "'%s' is a count: no unit, "
					    "not '%.*s'",
					    r->metric_name, Q(u, ue - u));
		if (!d || d->unit != r->unit)
			return budget_error(w,
					    "'%.*s' is not a unit of %s (%s)",
					    Q(u, ue - u), r->metric_name,
					    unit_lists[r->unit]);
		scale = d->scale;
	} else if (r->unit == BUDGET_NS && v != 0) {
		return budget_error(w, "'%s' needs a unit (%s)", r->metric_name,
				    unit_lists[BUDGET_NS]);
	}
	v *= scale;
	/* 2^64: past any count, size or time a trace can hold. */
	if (!(v < 18446744073709551616.0))
		return budget_error(w, "'%.*s' is too large", Q(s, e - s));
	/*
	 * The limit is compared as written, never rounded up to a whole
	 * unit (a rule that is exceeded must not pass); only the error of
	 * the product ("1.1ms": 1100000.0000000002) goes, so that a whole
	 * figure is not read as just above or below itself.
	 */
	if (fabs(v - nearbyint(v)) <= 1e-9 * v)
		v = nearbyint(v);
	r->limit = v;
	return 0;
}

/*
 * Where the comment of line [s, e) starts: the first '#' that opens the
 * line or follows a blank; e when there is none. A '#' inside a word is
 * part of it, as in the C++ lambda "main::{lambda()#1}::operator()".
 */
static const char *comment_start(const char *s, const char *e)
{
	for (const char *p = s; p < e; p++)
		if (*p == '#' && (p == s || blank(p[-1])))
			return p;
	return e;
}

/* One line [s, e) (no newline) into b, unless blank or a comment. */
static int parse_line(struct budget *b, const struct where *w, const char *s,
		      const char *e)
{
	const char *op = NULL;
	struct budget_rule r = { .line = w->line };

	e = comment_start(s, e);
	trim(&s, &e);
	if (s == e)
		return 0;
	if (memchr(s, '\0', (size_t)(e - s)))
		return budget_error(w, "a NUL byte in the rule");
	for (const char *p = e - 1; p > s && !op; p--)
		if (p[-1] == '<' && p[0] == '=')
			op = p - 1;
	if (!op)
		return budget_error(w, "expected 'METRIC <= VALUE' or "
				       "'KIND:NAME STATISTIC <= VALUE'");
	const char *ls = s, *le = op, *rs = op + 2, *re = e;

	trim(&ls, &le);
	trim(&rs, &re);
	if (parse_left(w, ls, le, &r) || parse_value(w, rs, re, &r))
		goto fail;
	r.text = strndup(s, (size_t)(e - s));
	if (!r.text)
		goto oom;
	if (b->n == b->alloc) {
		size_t a = b->alloc ? 2 * b->alloc : 8;
		struct budget_rule *nr = realloc(b->rule, a * sizeof(*nr));

		if (!nr)
			goto oom;
		b->rule = nr;
		b->alloc = a;
	}
	b->rule[b->n++] = r;
	return 0;
oom:
	budget_error(w, "out of memory");
fail:
	free(r.name);
	free(r.text);
	return -1;
}

int budget_parse(struct budget *b, const char *text, size_t len,
		 const char *name)
{
	struct where w = { name, 0 };
	const char *p = text, *end = text + len;

	budget_release(b);
	b->file = strdup(name);
	if (!b->file)
		return budget_error(&w, "out of memory");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		w.line++;
		if (parse_line(b, &w, p, e)) {
			budget_release(b);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int budget_load(struct budget *b, const char *path)
{
	struct where w = { path, 0 };
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int rc;

	budget_release(b);
	if (!f)
		return budget_error(&w, "%s", strerror(errno));
	do {
		if (len == cap) {
			char *nb = NULL;

			if (cap < SIZE_MAX / 4)
				nb = realloc(buf, cap = cap ? 2 * cap : 4096);
			if (!nb) {
				fclose(f);
				free(buf);
				return budget_error(&w, "out of memory");
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		rc = budget_error(&w, "%s", strerror(errno ? errno : EIO));
		goto out;
	}
	rc = budget_parse(b, buf, len, path);
	/* A budget that checks nothing must not pass (a file emptied by
	 * mistake, /dev/null, every rule commented out). */
	if (!rc && !b->n) {
		budget_release(b);
		rc = budget_error(
			&w,
			"no rules: a budget that checks nothing cannot pass");
	}
out:
	fclose(f);
	free(buf);
	return rc;
}
