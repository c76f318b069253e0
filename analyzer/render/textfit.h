/*
 * textfit.h - text reports that fit their reader's screen: C++ template
 * names shortened, and no line wider than the terminal (200 columns when
 * stdout is not a terminal). Text renderers only: JSON, CSV and collapsed
 * stacks keep full names and lines.
 *
 * The contract, for every text renderer:
 * - a line that shows a name (a function, a call path) is printed with
 *   textfit_line: the name shortened, and, when the line is still too
 *   wide, the name cut first (with "…"), so that the columns around it
 *   (file:line, module) stay;
 * - every other line (prose) is wrapped at spaces by the stream that
 *   textfit_open returns, which render_model puts between the text
 *   renderers and stdout.
 */
#ifndef PERFSHIM_TEXTFIT_H
#define PERFSHIM_TEXTFIT_H

#include <stddef.h>
#include <stdio.h>

/* The widest a text line may be when stdout is not a terminal. */
#define TEXTFIT_DEFAULT_WIDTH 200
/* The least width used, whatever the terminal says. */
#define TEXTFIT_MIN_WIDTH 40

/*
 * textfit_width - the columns of the terminal on stdout (TIOCGWINSZ, at
 * least TEXTFIT_MIN_WIDTH), else TEXTFIT_DEFAULT_WIDTH; asked once, or
 * what textfit_set_width said.
 */
int textfit_width(void);

/* textfit_set_width - use cols from now on (tests). */
void textfit_set_width(int cols);

/* textfit_columns - the columns s takes (UTF-8: one per character). */
size_t textfit_columns(const char *s);

/*
 * textfit_short - name with each template argument list that is long
 * (over 12 characters) or holds another template shown as "<…>":
 * "std::vector<std::string>::push_back(std::string const&)" becomes
 * "std::vector<…>::push_back(std::string const&)"; "build<3>" and
 * "operator<<" stay. Writes into buf (len bytes, cut if need be) and
 * returns it.
 */
const char *textfit_short(char *buf, size_t len, const char *name);

/*
 * textfit_escape - s with each control byte (C0, DEL) escaped: "\n",
 * "\t", else "\x1b" and the like; into buf (len bytes, cut if need be),
 * returned. Text shows what a traced program named its functions, files
 * and arguments, never acts on it (a terminal's escape sequences) nor
 * lets it break a line in two. JSON and HTML escape in their own way.
 * textfit_short and textfit_line escape the names and tails they print.
 */
const char *textfit_escape(char *buf, size_t len, const char *s);

/*
 * textfit_line - print head, name (textfit_short'd) and tail, then a
 * newline, in at most textfit_width() columns: a name too wide is cut at
 * its end with "…" (at its start, "…;main;work", when keep_end, for call
 * paths), then, when head and tail alone are too wide, the line is.
 */
void textfit_line(FILE *out, const char *head, const char *name,
		  const char *tail, int keep_end);

/*
 * textfit_open - a stream that writes to out, wrapping each line wider
 * than textfit_width() at its spaces (the rest indented by 4 more
 * columns than the line; a word too long is cut with "…"). Closing it
 * (fclose) flushes it and leaves out open. NULL when it cannot be made:
 * write to out then.
 */
FILE *textfit_open(FILE *out);

/*
 * textfit_safe_open - a stream that writes to out as it is, but for
 * control bytes other than newline and tab, escaped (as textfit_escape
 * does): for the text that is not fitted (collapsed stacks, CSV, the
 * tables of diff, trend and budget). textfit_open's stream escapes them
 * too. Closing it flushes it and leaves out open. NULL when it cannot
 * be made: write to out then.
 */
FILE *textfit_safe_open(FILE *out);

#endif
