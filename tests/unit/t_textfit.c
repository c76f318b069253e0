/* t_textfit.c - unit tests for template shortening and line fitting. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "frames.h"
#include "tap.h"
#include "textfit.h"

static void shorten(const char *name, const char *want)
{
	char b[512];

	is_str(textfit_short(b, sizeof(b), name), want, name);
}

/* What textfit_line prints at width cols. */
static char *line(int cols, const char *head, const char *name,
		  const char *tail, int keep_end)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	textfit_set_width(cols);
	textfit_line(f, head, name, tail, keep_end);
	fclose(f);
	return buf;
}

/* What the wrapping stream makes of text at width cols. */
static char *wrapped(int cols, const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len), *w;

	textfit_set_width(cols);
	w = textfit_open(f);
	fputs(text, w);
	fclose(w);
	fclose(f);
	return buf;
}

/* What the escaping stream makes of text. */
static char *safe(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len), *w;

	w = textfit_safe_open(f);
	fputs(text, w);
	fclose(w);
	fclose(f);
	return buf;
}

static void check(char *got, const char *want, const char *name)
{
	is_str(got, want, name);
	free(got);
}

int main(void)
{
	shorten("main", "main");
	shorten("build<3>", "build<3>");
	shorten("std::vector<int>::push_back(int const&)",
		"std::vector<int>::push_back(int const&)");
	shorten("std::vector<std::pair<int, int> >::push_back(std::string const&)",
		"std::vector<…>::push_back(std::string const&)");
	shorten("std::map<int, int, std::less<int>, std::allocator<std::pair<int const, int> > >::map()",
		"std::map<…>::map()");
	shorten("std::ostream& operator<< <char>(std::ostream&, char)",
		"std::ostream& operator<< <char>(std::ostream&, char)");
	shorten("bool operator<(Foo const&, Foo const&)",
		"bool operator<(Foo const&, Foo const&)");
	shorten("Foo::operator->() const", "Foo::operator->() const");
	shorten("f<(anonymous namespace)::Big>(int)", "f<…>(int)");
	shorten("broken<unclosed", "broken<unclosed");
	shorten("std::unique_ptr<Widget, std::default_delete<Widget> >::reset()",
		"std::unique_ptr<…>::reset()");

	check(line(80, "    #0  ", "main", "  a.c:3  [a]", 0),
	      "    #0  main  a.c:3  [a]\n", "a line that fits");
	check(line(40, "    #0  ", "a_rather_long_function_name_here",
		   "  a.c:3", 0),
	      "    #0  a_rather_long_function_n…  a.c:3\n",
	      "the name is cut, the file stays");
	check(line(40, "  ", "main;one;two;three;four;five;six;seven;eight", "",
		   1),
	      "  …e;two;three;four;five;six;seven;eight\n",
	      "a path keeps its end");
	check(line(40, "head ", "x",
		   "  /a/very/long/path/to/a/file/that/goes/on.c:1", 0),
	      "head x  …path/to/a/file/that/goes/on.c:1\n",
	      "a tail too wide gives up its start");

	check(wrapped(40, "short line\n"), "short line\n", "no wrap");
	check(wrapped(40,
		      "Not shown: 1.0 KiB in 3 blocks the runtime keeps until exit; --show-runtime shows them.\n"),
	      "Not shown: 1.0 KiB in 3 blocks the\n"
	      "    runtime keeps until exit;\n"
	      "    --show-runtime shows them.\n",
	      "prose wraps at spaces, the rest indented");
	check(wrapped(40,
		      "  x 0123456789012345678901234567890123456789xyz tail\n"),
	      "  x\n      012345678901234567890123456789012…\n      tail\n",
	      "a word too long is cut");
	check(wrapped(40, "no newline at the end"), "no newline at the end",
	      "a last line without its newline");
	/* Control bytes a traced program put in its names never reach
	 * the terminal, nor split a line: text escapes them. */
	{
		char b[512];

		is_str(textfit_escape(b, sizeof(b), "a\033[2J\nb\tc\x7f"),
		       "a\\x1b[2J\\nb\\tc\\x7f",
		       "escape: ESC, newline, tab, DEL");
		is_str(textfit_escape(b, 6, "\033\033"), "\\x1b\\",
		       "escape: cut to the buffer");
	}
	shorten("evil\033]0;PWNED\a\nfake", "evil\\x1b]0;PWNED\\x07\\nfake");
	check(line(80, "  #0  ", "f\nx", "  a\033.c:1", 0),
	      "  #0  f\\nx  a\\x1b.c:1\n", "a line: name and tail escaped");
	check(wrapped(80, "cmd \033[31mRED\r\n\tnext\n"),
	      "cmd \\x1b[31mRED\\x0d\n\tnext\n",
	      "the wrapping stream escapes all but newline and tab");
	check(safe("main;evil\033[2J 5\n\tx\n"), "main;evil\\x1b[2J 5\n\tx\n",
	      "the plain stream too");
	/* Names with nothing to shorten or escape are copied whole: cut to
	 * the buffer as the byte-by-byte path cuts them. */
	{
		char b[8];

		is_str(textfit_short(b, 6, "abcdefgh"), "abcde",
		       "short: a plain name cut to the buffer");
		is_str(textfit_escape(b, 4, "abcdef"), "abc",
		       "escape: a plain string cut to the buffer");
	}
	/* Columns are characters, not bytes (é is two). */
	check(line(40, "  ", "ééééééééééééééééééééééééééééééééééééééééééééé",
		   "", 0),
	      "  ééééééééééééééééééééééééééééééééééééé…\n",
	      "a UTF-8 name is cut by its characters");
	check(wrapped(40, "ééééééééééééééééééééééééééééé 30\n"),
	      "ééééééééééééééééééééééééééééé 30\n",
	      "a UTF-8 line within the width is not wrapped");
	{
		/* A line longer than the fitting buffer (4 KiB) is cut
		 * there even when its columns fit. */
		char name[5000], *want = malloc(4097), *got;

		memset(name, 0x80, sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		want[0] = 'x';
		memset(want + 1, 0x80, 4094);
		strcpy(want + 4095, "\n");
		got = line(80, "x", name, "  a.c:1", 0);
		ok(!strcmp(got, want), "a line past 4 KiB is cut at 4 KiB");
		free(got);
		free(want);
	}
	{
		/* A frame's line: its number in a column of 2, file:line,
		 * inlined, module. */
		struct sym_frame f = { .function = "work",
				       .file = "/src/a.c",
				       .line = 42,
				       .module = "prog",
				       .inlined = 1 };
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		textfit_set_width(200);
		frames_text_one(m, 3, &f, 1);
		frames_text_one(m, 12, &f, 0);
		f.file = "";
		f.module = "";
		frames_text_one(m, 0, &f, 1);
		fclose(m);
		check(buf,
		      "    #3  work  /src/a.c:42  (inlined)  [prog]\n"
		      "    #12 work  /src/a.c:42  [prog]\n"
		      "    #0  work  (inlined)\n",
		      "frame lines: number, file:line, inlined, module");
	}
	done_testing();
	return exit_status();
}
