/* suppress.h - LeakSanitizer-format leak suppressions: parse, match, count. */
#ifndef PERFSHIM_SUPPRESS_H
#define PERFSHIM_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

/*
 * A suppressions file holds one rule per line, "leak:PATTERN", so that the
 * files projects already keep for LSAN_OPTIONS=suppressions=... work as
 * they are. Leading and trailing whitespace (including a CR from CRLF
 * files) is ignored, as is whitespace around PATTERN; blank lines and lines
 * whose first non-blank character is '#' are skipped. Any other line is an
 * error: we only report leaks, and silently ignoring e.g.
 * "interceptor_via_fun:" would hide a typo or a misunderstanding.
 *
 * PATTERN follows LeakSanitizer:
 *   - '*' matches any run of characters, including none;
 *   - a leading '^' anchors the pattern at the start of the string and a
 *     trailing '$' at its end; elsewhere both are ordinary characters;
 *   - without anchors the pattern matches any substring ("foo" behaves as
 *     "*foo*").
 * A pattern with nothing but its anchors ("", "^", "$", "^$") is rejected:
 * it would match either everything or nothing.
 *
 * A stack matches a rule when the rule matches the function name, the
 * source file path or the module name of any frame. As in LeakSanitizer,
 * a frame that no symbol names is still matched by its module (and by its
 * "module+0xOFFSET" name), and a frame in no module the trace knows has
 * the module name "<unknown module>"; a stack without frames is matched
 * as one such frame. So "*" matches every stack. An unknown file ("")
 * and the symbolizer's "??" function placeholder are not names and never
 * match.
 */

struct suppression {
	char *pattern; /* as written after "leak:", whitespace trimmed */
	char *file;    /* the file it came from, NULL for suppressions_add() */
	unsigned line; /* 1-based line in file, 0 for suppressions_add() */

	/* Hit counters, advanced by suppressions_count(). */
	uint64_t groups; /* leak groups (distinct stacks) suppressed */
	uint64_t bytes;	 /* bytes in those groups */
	uint64_t blocks; /* blocks in those groups */

	/*
	 * Private, the compiled pattern: its text without the anchors, with
	 * each '*' turned into a NUL so that it is nseg C strings in a row.
	 */
	char *body;
	int nseg;
	int anchor_start;
	int anchor_end;
};

struct suppressions {
	struct suppression *rule; /* in load order */
	size_t nr, alloc;
};

/* suppressions_init - make s empty. Allocates nothing. */
void suppressions_init(struct suppressions *s);

/*
 * suppressions_load - append the rules of the file at path to s.
 * Returns 0, or -1 after printing one line to stderr: the file cannot be
 * opened or read, a line is not "leak:PATTERN" or has a bad PATTERN
 * (named as path:line), or memory ran out. On -1, s holds exactly the
 * rules it held before the call.
 */
int suppressions_load(struct suppressions *s, const char *path);

/*
 * suppressions_add - append one rule; pattern is what would follow
 * "leak:" (not trimmed). Returns 0, or -1 after printing one line to
 * stderr (empty pattern, out of memory). s does not keep pattern.
 */
int suppressions_add(struct suppressions *s, const char *pattern);

/*
 * suppressions_match - find the rule that suppresses the stack
 * frames[0..n-1] (innermost first, as symbols_lookup() writes them).
 * Returns an index into s->rule, or -1 when no rule matches.
 *
 * When several rules match, the one credited is the one LeakSanitizer
 * would credit: frames are tried innermost first, and for each frame its
 * module, then its function, then its file, each against the rules in
 * load order. The first hit wins.
 */
int suppressions_match(const struct suppressions *s,
		       const struct sym_frame *frames, size_t n);

/*
 * suppressions_count - credit rule idx (a suppressions_match() result)
 * with one suppressed leak group of the given size. A negative or out of
 * range idx is ignored, so a match result can be passed unchecked.
 */
void suppressions_count(struct suppressions *s, int idx, uint64_t bytes,
			uint64_t blocks);

/* suppressions_release - free every rule; s is left empty, ready for reuse. */
void suppressions_release(struct suppressions *s);

#endif /* PERFSHIM_SUPPRESS_H */
