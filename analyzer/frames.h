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

/* Room for the frames of one address where only a few are wanted (a
 * function's entry); frames_of_stack gives each address all it needs. */
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

/*
 * frames_runtime_module - whether module (a file name as frames show it)
 * is the C or C++ runtime or the loader: libc, ld-linux, libstdc++,
 * libgcc_s, libm, libpthread.
 */
int frames_runtime_module(const char *module);

/*
 * frames_program - the index of the frame that names an allocation site:
 * the first one outside the runtime (0 when every frame is the runtime's).
 */
size_t frames_program(const struct sym_frame *f, size_t n);

#endif
