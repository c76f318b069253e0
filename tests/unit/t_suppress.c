/* t_suppress.c - unit tests for leak suppressions (analyzer/verdict/suppress.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suppress.h"
#include "tap.h"

#define NFRAMES(a) (sizeof(a) / sizeof((a)[0]))

/* One frame; the symbolizer's "unknown" values are "??" and "". */
#define FRAME(fn, file, mod)              \
	{                                 \
		(fn), (file), 1, (mod), 0 \
	}

/* Write text[0..len) to a new temporary file; returns its malloc'ed path. */
static char *temp_file_len(const char *text, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	FILE *f;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	path = malloc(strlen(dir) + 32);
	if (!path)
		exit(255);
	sprintf(path, "%s/t_suppress.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		perror("t_suppress: temp file");
		exit(255);
	}
	if (fwrite(text, 1, len, f) != len || fclose(f)) {
		perror("t_suppress: temp file");
		exit(255);
	}
	return path;
}

static char *temp_file(const char *text)
{
	return temp_file_len(text, strlen(text));
}

/* Does a single rule with this pattern match a one-frame stack? */
static int match1(const char *pattern, const char *fn, const char *file,
		  const char *mod)
{
	struct sym_frame f[] = { FRAME(fn, file, mod) };
	struct suppressions s;
	int r;

	suppressions_init(&s);
	if (suppressions_add(&s, pattern)) {
		suppressions_release(&s);
		return -2;
	}
	r = suppressions_match(&s, f, NFRAMES(f));
	suppressions_release(&s);
	return r;
}

static void patterns(void)
{
	static const struct {
		const char *pattern;
		const char *fn;
		int want; /* 0: match, -1: no match */
	} t[] = {
		/* A bare pattern is a substring match. */
		{ "leaky", "make_leaky_thing", 0 },
		{ "make_leaky_thing", "make_leaky_thing", 0 },
		{ "leaky", "make_leak_thing", -1 },
		{ "Leaky", "make_leaky_thing", -1 }, /* case matters */
		{ "make_leaky_thing_x", "make_leaky_thing", -1 },
		/* '*' is any run, including none, in order. */
		{ "make*thing", "make_leaky_thing", 0 },
		{ "make*thing", "xmake_leaky_thingx", 0 },
		{ "make*thing", "makething", 0 },
		{ "thing*make", "make_leaky_thing", -1 },
		{ "a*b*c", "xaxbxcx", 0 },
		{ "a*b*c", "xcxbxax", -1 },
		{ "ab*ba", "aba", -1 }, /* segments may not overlap */
		{ "*", "anything", 0 },
		{ "**", "anything", 0 },
		{ "std::*::push_back", "std::vector<int>::push_back", 0 },
		/* '^' anchors at the start. */
		{ "^make", "make_leaky_thing", 0 },
		{ "^leaky", "make_leaky_thing", -1 },
		{ "^make*thing", "make_leaky_thing", 0 },
		{ "^leaky*thing", "make_leaky_thing", -1 },
		{ "^*leaky", "make_leaky_thing", 0 },
		/* '$' anchors at the end. */
		{ "thing$", "make_leaky_thing", 0 },
		{ "leaky$", "make_leaky_thing", -1 },
		{ "make*leaky$", "make_leaky_thing", -1 },
		{ "make*thing$", "make_thing_thing", 0 },
		{ "ab*ba$", "aba", -1 }, /* suffix may not overlap the prefix */
		{ "ab*ba$", "abba", 0 },
		{ "leaky*$", "make_leaky_thing", 0 },
		/* Both: the whole string. */
		{ "^make_leaky_thing$", "make_leaky_thing", 0 },
		{ "^make_leaky$", "make_leaky_thing", -1 },
		{ "^leaky_thing$", "make_leaky_thing", -1 },
		{ "^make*thing$", "make_leaky_thing", 0 },
		{ "^make*leaky$", "make_leaky_thing", -1 },
		{ "^*$", "x", 0 },
		/* Anchor characters elsewhere are literal. */
		{ "a^b", "xa^bx", 0 },
		{ "a$b", "xa$bx", 0 },
		{ "a$b", "xabx", -1 },
	};
	size_t i;

	for (i = 0; i < NFRAMES(t); i++) {
		char name[128];

		snprintf(name, sizeof(name), "'%s' %s '%s'", t[i].pattern,
			 t[i].want ? "does not match" : "matches", t[i].fn);
		is_int(match1(t[i].pattern, t[i].fn, "", ""), t[i].want, name);
	}
}

static void fields(void)
{
	is_int(match1("leaky.c$", "main", "/src/app/leaky.c", "app"), 0,
	       "pattern matches the file path");
	is_int(match1("^/src/app/", "main", "/src/app/leaky.c", "app"), 0,
	       "anchored pattern matches the start of the file path");
	is_int(match1("libfoo.so", "main", "/src/app/main.c", "libfoo.so.1"), 0,
	       "pattern matches the module name");
	is_int(match1("^libfoo.so$", "main", "main.c", "libfoo.so.1"), -1,
	       "anchored pattern does not match a longer module name");
	is_int(match1("libfoo", "main", "main.c", "app"), -1,
	       "no field matches");
	/*
	 * A frame in no known module is in "<unknown module>", as in
	 * LeakSanitizer: '*' matches every frame. An unknown file and the
	 * ?? placeholder are no names.
	 */
	is_int(match1("*", "??", "", ""), 0,
	       "'*' matches a frame that is all unknown");
	is_int(match1("^*$", "??", "", ""), 0, "so does '^*$'");
	is_int(match1("<unknown module>", "??", "", ""), 0,
	       "a frame in no module is in '<unknown module>'");
	is_int(match1("<unknown module>", "??", "", "app"), -1,
	       "a frame in a known module is not");
	is_int(match1("?", "??", "", "app"), -1,
	       "'?' does not match the ?? placeholder");
	is_int(match1("*", "??", "", "app"), 0,
	       "'*' matches a frame with a known module");
	is_int(match1("libfoo", "??", "", "libfoo.so.1"), 0,
	       "a module pattern matches an unsymbolized frame of it");
	is_int(match1("libfoo", "libfoo.so.1+0x1234", "", "libfoo.so.1"), 0,
	       "and one the symbolizer named module+0xOFFSET");
	is_int(match1("libbar", "??", "", "libfoo.so.1"), -1,
	       "another module's pattern does not");
	is_int(match1("main", "??", "", ""), -1,
	       "a function pattern does not match an unknown frame");
	is_int(match1("^??", "??x", "", ""), 0,
	       "a real function name containing ?? still matches");
}

static void stacks(void)
{
	struct sym_frame stack[] = {
		FRAME("malloc", "", "libperfshim.so"),
		FRAME("xstrdup", "util.c", "app"),
		FRAME("load_config", "config.c", "app"),
		FRAME("main", "main.c", "app"),
	};
	struct suppressions s;

	suppressions_init(&s);
	ok(!suppressions_add(&s, "^main$") &&
		   !suppressions_add(&s, "config.c") &&
		   !suppressions_add(&s, "nothing_here"),
	   "three rules added");
	is_uint(s.nr, 3, "s.nr counts them");

	is_int(suppressions_match(&s, stack, NFRAMES(stack)), 1,
	       "the rule hitting the innermost frame wins over rule order");
	is_int(suppressions_match(&s, stack + 3, 1), 0,
	       "outermost frame alone matches rule 0");
	is_int(suppressions_match(&s, stack, 2), -1,
	       "no rule matches the two innermost frames");
	is_int(suppressions_match(&s, stack, 0), -1,
	       "an empty stack matches none of them");
	suppressions_release(&s);

	/* '*' suppresses every stack: all unknown frames, or none. */
	struct sym_frame unknown[] = {
		FRAME("??", "", ""),
		FRAME("??", "", ""),
	};

	suppressions_init(&s);
	suppressions_add(&s, "nothing_here");
	suppressions_add(&s, "*");
	is_int(suppressions_match(&s, unknown, NFRAMES(unknown)), 1,
	       "'*' matches a stack of unknown frames only");
	is_int(suppressions_match(&s, unknown, 0), 1,
	       "'*' matches a stack without frames");
	is_int(suppressions_match(&s, stack, NFRAMES(stack)), 1,
	       "'*' matches a symbolized stack");
	suppressions_release(&s);

	/* Within one frame: module, then function, then file. */
	suppressions_init(&s);
	suppressions_add(&s, "config.c");
	suppressions_add(&s, "load_config");
	suppressions_add(&s, "^app$");
	is_int(suppressions_match(&s, stack + 2, 1), 2,
	       "module is tried before function and file");
	is_int(suppressions_match(&s, stack + 1, 1), 2,
	       "module rule also hits an earlier frame");
	suppressions_release(&s);

	suppressions_init(&s);
	suppressions_add(&s, "config.c");
	suppressions_add(&s, "load_config");
	is_int(suppressions_match(&s, stack + 2, 1), 1,
	       "function is tried before file");
	is_int(suppressions_match(&s, stack + 1, 3), 1,
	       "any frame of the stack can match");
	suppressions_release(&s);
	is_uint(s.nr, 0, "release leaves the set empty");
	ok(s.rule == NULL, "release frees the array");
}

static void counting(void)
{
	struct suppressions s;

	suppressions_init(&s);
	suppressions_add(&s, "a");
	suppressions_add(&s, "b");
	suppressions_count(&s, 1, 100, 2);
	suppressions_count(&s, 1, 50, 1);
	suppressions_count(&s, -1, 7, 7);
	suppressions_count(&s, 2, 7, 7);
	is_uint(s.rule[1].groups, 2, "groups counted");
	is_uint(s.rule[1].bytes, 150, "bytes summed");
	is_uint(s.rule[1].blocks, 3, "blocks summed");
	ok(!s.rule[0].groups && !s.rule[0].bytes && !s.rule[0].blocks,
	   "other rule, and out of range indexes, leave counters alone");
	suppressions_release(&s);

	/*
	 * With the array exactly full, counting index nr would write past
	 * its end: the sanitizer build catches that if the check goes.
	 */
	suppressions_init(&s);
	while (s.nr == 0 || s.nr < s.alloc)
		suppressions_add(&s, "x");
	suppressions_count(&s, (int)s.nr, 1, 1);
	suppressions_count(&s, (int)s.nr - 1, 1, 1);
	is_uint(s.rule[s.nr - 1].groups, 1, "last rule of a full array counts");
	suppressions_release(&s);
}

static void load_good(void)
{
	char *path = temp_file("# LSan suppressions\n"
			       "\n"
			       "leak:first_rule\n"
			       "   # indented comment\n"
			       "  leak:  spaced*rule  \r\n"
			       "\t\n"
			       "leak:^anchored$\n"
			       "leak:std::map<int, int>::insert");
	struct sym_frame f[] = { FRAME("my_spaced_out_rule", "", "") };
	struct suppressions s;
	const char *err;
	int r;

	suppressions_init(&s);
	capture_start();
	r = suppressions_load(&s, path);
	err = capture_end();
	is_int(r, 0, "good file loads");
	is_str(err, "", "and prints nothing");
	if (!is_uint(s.nr, 4, "four rules")) {
		suppressions_release(&s);
		unlink(path);
		free(path);
		return;
	}
	is_str(s.rule[0].pattern, "first_rule", "rule 0 pattern");
	is_int(s.rule[0].line, 3, "rule 0 line");
	is_str(s.rule[1].pattern, "spaced*rule", "whitespace and CR trimmed");
	is_int(s.rule[1].line, 5, "rule 1 line");
	is_str(s.rule[2].pattern, "^anchored$", "anchors kept in the text");
	is_int(s.rule[2].line, 7, "rule 2 line");
	is_str(s.rule[3].pattern, "std::map<int, int>::insert",
	       "last line without a newline; inner spaces and colons kept");
	is_str(s.rule[0].file, path, "rule remembers its file");
	is_int(suppressions_match(&s, f, 1), 1, "loaded rule matches");

	/* Loading again appends. */
	capture_start();
	r = suppressions_load(&s, path);
	capture_end();
	ok(r == 0 && s.nr == 8, "a second load appends");
	suppressions_release(&s);
	unlink(path);
	free(path);
}

static void load_bad(const char *text, size_t len, unsigned line,
		     const char *want)
{
	char *path = temp_file_len(text, len);
	char where[4200], name[200];
	struct suppressions s;
	const char *err;
	int r;

	suppressions_init(&s);
	suppressions_add(&s, "kept");
	capture_start();
	r = suppressions_load(&s, path);
	err = capture_end();
	snprintf(name, sizeof(name), "line %u rejected (%s)", line, want);
	is_int(r, -1, name);
	snprintf(where, sizeof(where), "%s:%u: ", path, line);
	is_error_line(err, where, "message names file:line");
	is_error_line(err, want, "message says what is wrong");
	ok(s.nr == 1 && !strcmp(s.rule[0].pattern, "kept"),
	   "failed load leaves the earlier rules alone");
	suppressions_release(&s);
	unlink(path);
	free(path);
}

/* A literal's length, so that a test file can hold a NUL byte. */
#define LOAD_BAD(text, line, want) load_bad(text, sizeof(text) - 1, line, want)

static void errors(void)
{
	struct suppressions s;
	const char *err;
	int r;

	LOAD_BAD("leak:ok\ninterceptor_via_fun:foo\n", 2,
		 "unsupported suppression type 'interceptor_via_fun'");
	LOAD_BAD("# c\n\nleak:a\nleak:b\nleak:\n", 5,
		 "empty suppression pattern");
	LOAD_BAD("leak:   \n", 1, "empty suppression pattern");
	LOAD_BAD("leak:^$\n", 1, "nothing but anchors");
	LOAD_BAD("leak:^\n", 1, "nothing but anchors");
	LOAD_BAD("leak:a\nLEAK:b\n", 2, "unsupported suppression type 'LEAK'");
	LOAD_BAD("just_a_function\n", 1, "expected 'leak:PATTERN'");
	LOAD_BAD("leak:a\nleak:b\0c\n", 2, "NUL byte");

	suppressions_init(&s);
	capture_start();
	r = suppressions_load(&s, "/nonexistent/perfshim.supp");
	err = capture_end();
	is_int(r, -1, "missing file is an error");
	is_error_line(err, "/nonexistent/perfshim.supp",
		      "message names the missing file");

	capture_start();
	r = suppressions_load(&s, "/");
	err = capture_end();
	is_int(r, -1, "a directory is an error");
	is_error_line(err, "cannot read suppressions file /",
		      "message says it cannot be read");

	capture_start();
	r = suppressions_add(&s, "");
	err = capture_end();
	is_int(r, -1, "suppressions_add rejects an empty pattern");
	is_error_line(err, "empty suppression pattern", "and says so");
	is_uint(s.nr, 0, "nothing was added");
	suppressions_release(&s);
}

int main(void)
{
	patterns();
	fields();
	stacks();
	counting();
	load_good();
	errors();
	done_testing();
	return exit_status();
}
