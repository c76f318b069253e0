/*
 * frames.h - a replayed stack as symbolized frames (innermost first,
 * inlined frames as frames of their own), and the two forms the reports
 * print them in.
 */
#ifndef PERFSHIM_FRAMES_H
#define PERFSHIM_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "replay.h"
#include "symbols.h"

/* Most inlined frames one address expands to. */
#define FRAMES_MAX_INLINE 16

/*
 * frames_of_stack - symbolize stack id of rp into out (at most max
 * frames). Returns the number of frames written.
 */
size_t frames_of_stack(const struct replay *rp, struct symbols *sym,
		       uint32_t stack, struct sym_frame *out, size_t max);

/* frames_text - "    #N  function  file:line  (inlined)  [module]" lines. */
void frames_text(FILE *out, const struct sym_frame *f, size_t n);

/*
 * frames_json - the "stack" key and its array of
 * {"function","file","line","module"} objects (the JSON contract's form).
 */
void frames_json(struct json_writer *w, const struct sym_frame *f, size_t n);

#endif
