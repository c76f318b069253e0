/* textfit.c - template names shortened, lines fitted to the screen. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "error.h"
#include "textfit.h"

/* A template argument list up to this long, with no template inside, stays. */
#define SHORT_ARGS 12

static int width_set;

int textfit_width(void)
{
	struct winsize ws;

	if (!width_set) {
		width_set = TEXTFIT_DEFAULT_WIDTH;
		if (isatty(STDOUT_FILENO) &&
		    !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
			width_set = ws.ws_col < TEXTFIT_MIN_WIDTH
					    ? TEXTFIT_MIN_WIDTH
					    : ws.ws_col;
	}
	return width_set;
}

void textfit_set_width(int cols)
{
	width_set = cols < TEXTFIT_MIN_WIDTH ? TEXTFIT_MIN_WIDTH : cols;
}

/* Whether byte c starts a character (is not a UTF-8 continuation). */
static int starts(char c)
{
	return ((unsigned char)c & 0xc0) != 0x80;
}

/* The columns of s[0..n), which holds no NUL: a loop the compiler can
 * widen, since the length is known. */
static size_t columns_n(const char *s, size_t n)
{
	size_t cont = 0;

	for (size_t i = 0; i < n; i++)
		cont += !starts(s[i]);
	return n - cont;
}

size_t textfit_columns(const char *s)
{
	return columns_n(s, strlen(s));
}

/* The byte length of the first cols columns of s. */
static size_t bytes_of(const char *s, size_t cols)
{
	size_t i = 0, c = 0;

	while (s[i] && (c < cols || !starts(s[i]))) {
		if (starts(s[i]))
			c++;
		i++;
	}
	return i;
}

/* Where the template argument list opened at s[0] ('<') closes, or 0. */
static size_t closing(const char *s)
{
	int depth = 0;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '<')
			depth++;
		else if (s[i] == '>' && (i == 0 || s[i - 1] != '-') &&
			 --depth == 0)
			return i;
	}
	return 0;
}

/* Append n bytes of s at buf[*o] (room len), never past its end. */
static void put(char *buf, size_t len, size_t *o, const char *s, size_t n)
{
	if (*o + n >= len)
		n = len - 1 - *o;
	memcpy(buf + *o, s, n);
	*o += n;
}

/* A byte a terminal acts on rather than shows: C0 controls and DEL. */
static int is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The escape of control byte c: "\n", "\t", else "\xNN", into e[5]. */
static size_t escape_of(unsigned char c, char *e)
{
	if (c == '\n' || c == '\t') {
		e[0] = '\\';
		e[1] = c == '\n' ? 'n' : 't';
		return 2;
	}
	snprintf(e, 5, "\\x%02x", c);
	return 4;
}

/*
 * The length of s, and whether it holds a byte that textfit_short (with
 * tmpl) or textfit_escape does not copy as it is. Most names hold none:
 * they are copied whole.
 */
static size_t plain_len(const char *s, int tmpl, int *plain)
{
	size_t n = strlen(s);
	int odd = 0;

	/* No early exit: the compiler widens the loop. */
	for (size_t i = 0; i < n; i++)
		odd |= is_control((unsigned char)s[i]) | (tmpl & (s[i] == '<'));
	*plain = !odd;
	return n;
}

/* s[0..n) into buf (len bytes), cut to fit, NUL-terminated; buf. */
static const char *copy_cut(char *buf, size_t len, const char *s, size_t n)
{
	size_t o = 0;

	put(buf, len, &o, s, n);
	buf[o] = '\0';
	return buf;
}

const char *textfit_escape(char *buf, size_t len, const char *s)
{
	size_t o = 0;
	char e[5];
	int plain;
	size_t n = plain_len(s, 0, &plain);

	if (plain)
		return copy_cut(buf, len, s, n);
	for (; *s && o + 1 < len; s++) {
		if (is_control((unsigned char)*s))
			put(buf, len, &o, e, escape_of((unsigned char)*s, e));
		else
			put(buf, len, &o, s, 1);
	}
	buf[o] = '\0';
	return buf;
}

const char *textfit_short(char *buf, size_t len, const char *name)
{
	char e[5];
	int plain;
	size_t o = 0, i = 0, end, whole = plain_len(name, 1, &plain);

	/* No template, no control byte: nothing to shorten or escape. */
	if (plain)
		return copy_cut(buf, len, name, whole);
	while (name[i] && o + 1 < len) {
		if (name[i] == 'o' && !strncmp(name + i, "operator", 8) &&
		    strchr("<>=-", name[i + 8]) && name[i + 8]) {
			/* operator<, <<, <=, <=>, >, >>, ->: no template. */
			size_t k = i + 8;

			while (name[k] && strchr("<>=-", name[k]))
				k++;
			put(buf, len, &o, name + i, k - i);
			i = k;
		} else if (name[i] == '<' && (end = closing(name + i))) {
			const char *args = name + i + 1;
			size_t n = end - 1;

			if (n > SHORT_ARGS || memchr(args, '<', n))
				put(buf, len, &o, "<…>", strlen("<…>"));
			else
				put(buf, len, &o, name + i, end + 1);
			i += end + 1;
		} else if (is_control((unsigned char)name[i])) {
			put(buf, len, &o, e,
			    escape_of((unsigned char)name[i], e));
			i++;
		} else {
			put(buf, len, &o, name + i, 1);
			i++;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* s in at most cols columns (cols >= 1), cut with "…" at its end, or at
 * its start when keep_end; into buf (len bytes). */
static const char *fit(char *buf, size_t len, const char *s, size_t cols,
		       int keep_end)
{
	size_t have = textfit_columns(s), o = 0;

	if (have <= cols) {
		put(buf, len, &o, s, strlen(s));
	} else if (keep_end) {
		const char *tail = s + bytes_of(s, have - (cols - 1));

		put(buf, len, &o, "…", strlen("…"));
		put(buf, len, &o, tail, strlen(tail));
	} else {
		put(buf, len, &o, s, bytes_of(s, cols - 1));
		put(buf, len, &o, "…", strlen("…"));
	}
	buf[o] = '\0';
	return buf;
}

void textfit_line(FILE *out, const char *head, const char *name,
		  const char *tail, int keep_end)
{
	size_t width = (size_t)textfit_width(), hc = textfit_columns(head);
	size_t tc, nc, room, ncols, o = 0;
	char s[4096], cut[4096], tcut[4096], line[8192], t[4096];

	name = textfit_short(s, sizeof(s), name);
	tail = textfit_escape(t, sizeof(t), tail); /* file, module */
	tc = textfit_columns(tail);
	nc = textfit_columns(s);
	room = width > hc ? width - hc : 0;
	if (nc + tc > room) {
		/* The name keeps at least half the room; a tail too long
		 * (file:line, module) gives up its start to it. */
		ncols = room > tc ? room - tc : 0;
		if (ncols < room / 2)
			ncols = room / 2;
		if (ncols > nc)
			ncols = nc;
		if (tc > room - ncols && room - ncols > 3 && tc > 2) {
			fit(tcut + 2, sizeof(tcut) - 2, tail + 2,
			    room - ncols - 2, 1);
			tcut[0] = tcut[1] = ' ';
			tail = tcut;
		}
		if (nc > ncols && ncols > 0)
			name = fit(cut, sizeof(cut), s, ncols, keep_end);
	}
	put(line, sizeof(line), &o, head, strlen(head));
	put(line, sizeof(line), &o, name, strlen(name));
	put(line, sizeof(line), &o, tail, strlen(tail));
	line[o++] = '\n';
	/* The whole line when it fits (most do), else cut at its end. */
	if (o <= sizeof(s) && columns_n(line, o - 1) <= width) {
		fwrite(line, 1, o, out);
		return;
	}
	line[o - 1] = '\0';
	fputs(fit(s, sizeof(s), line, width, 0), out);
	fputc('\n', out);
}

/* --- the wrapping stream -------------------------------------------------- */

/*
 * Whether byte c of a report's stream goes out as it is: a newline ends a
 * line and a tab is a tab, but no other control byte of a name the traced
 * program chose (ESC, BEL, CR) may reach the terminal.
 */
static int safe_byte(char c)
{
	return c == '\n' || c == '\t' || !is_control((unsigned char)c);
}

/* The plain escaping stream: bytes to out, control bytes escaped. */
static ssize_t safe_write(void *cookie, const char *buf, size_t size)
{
	FILE *out = cookie;
	char e[5];

	for (size_t i = 0; i < size; i++) {
		if (safe_byte(buf[i]))
			putc(buf[i], out);
		else
			fwrite(e, 1, escape_of((unsigned char)buf[i], e), out);
	}
	/* A renderer's fflush must see out's error ("cannot write"). */
	return fflush(out) || ferror(out) ? -1 : (ssize_t)size;
}

static int safe_close(void *cookie)
{
	FILE *out = cookie;

	return fflush(out) || ferror(out) ? -1 : 0;
}

FILE *textfit_safe_open(FILE *out)
{
	cookie_io_functions_t io = { .write = safe_write, .close = safe_close };

	return fopencookie(out, "w", io);
}

struct wrap {
	FILE *out;
	char *line; /* the line so far */
	size_t n, cap;
};

/* Write a line (no newline in it) wrapped at its spaces. */
static void wrap_line(FILE *out, const char *s, size_t width)
{
	size_t indent = strspn(s, " "), first = 1;
	size_t more = indent + 4 < width / 2 ? indent + 4 : 4;

	while (*s) {
		size_t room = first ? width : width - more;
		size_t b = bytes_of(s, room), cut = b;

		if (!first)
			fprintf(out, "%*s", (int)more, "");
		if (!s[b]) {
			fputs(s, out);
			fputc('\n', out);
			return;
		}
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut > indent || (!first && cut > 0)) {
			fwrite(s, 1, cut, out);
			s += cut;
		} else { /* one word wider than the room: cut it */
			fwrite(s, 1, bytes_of(s, room - 1), out);
			fputs("…", out);
			s += strcspn(s, " ");
		}
		fputc('\n', out);
		s += strspn(s, " ");
		first = 0;
	}
}

static void wrap_flush(struct wrap *w)
{
	size_t width = (size_t)textfit_width();

	w->line[w->n] = '\n';
	if (columns_n(w->line, w->n) <= width) {
		fwrite(w->line, 1, w->n + 1, w->out);
	} else {
		w->line[w->n] = '\0';
		wrap_line(w->out, w->line, width);
	}
	w->n = 0;
}

static ssize_t wrap_write(void *cookie, const char *buf, size_t size)
{
	struct wrap *w = cookie;

	for (size_t i = 0; i < size;) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - buf) : size;

		/* room for the line's bytes, each escaped at worst, and a NUL */
		XGROW(w->line, w->cap, w->n + 4 * (end - i) + 1);
		int odd = 0;

		for (size_t j = i; j < end; j++) /* widened: no early exit */
			odd |= !safe_byte(buf[j]);
		if (!odd) {
			memcpy(w->line + w->n, buf + i, end - i);
			w->n += end - i;
			i = end;
		}
		while (i < end) {
			size_t j = i;

			while (j < end && safe_byte(buf[j]))
				j++;
			memcpy(w->line + w->n, buf + i, j - i);
			w->n += j - i;
			if ((i = j) < end)
				w->n += escape_of((unsigned char)buf[i++],
						  w->line + w->n);
		}
		if (nl) {
			wrap_flush(w);
			i++;
		}
	}
	return ferror(w->out) ? -1 : (ssize_t)size;
}

static int wrap_close(void *cookie)
{
	struct wrap *w = cookie;
	int rc;

	if (w->n) { /* a last line without its newline stays so */
		fwrite(w->line, 1, w->n, w->out);
	}
	rc = fflush(w->out) || ferror(w->out) ? -1 : 0;
	free(w->line);
	free(w);
	return rc;
}

FILE *textfit_open(FILE *out)
{
	cookie_io_functions_t io = { .write = wrap_write, .close = wrap_close };
	struct wrap *w = xcalloc(1, sizeof(*w));
	FILE *f;

	w->out = out;
	if (!(f = fopencookie(w, "w", io)))
		free(w);
	return f;
}
