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

/*
 * frames_text - "    #N  function  file:line  (inlined)  [module]" lines,
 * fitted to the screen (textfit_line: templates shortened).
 */
void frames_text(FILE *out, const struct sym_frame *f, size_t n);

/* frames_text_one - frame f as line #i; "(inlined)" only when inlined. */
void frames_text_one(FILE *out, size_t i, const struct sym_frame *f,
		     int inlined);

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
 * frames_library - whether f is the runtime's or its library's, not the
 * program's own: in a runtime module (frames_runtime_module), or, in the
 * program's module, a frame of the system's headers (a std:: template
 * inlined into the program, or instantiated in it: its file is under
 * /usr/include/ or a GCC include/c++/ directory); a frame without a file
 * goes by its name (std::, __gnu_cxx::, operator new and delete).
 */
int frames_library(const struct sym_frame *f);

/*
 * frames_program - the index of the frame that names an allocation site:
 * the innermost one of the program's own (not frames_library), skipping
 * the runtime and the C++ library's frames inlined into it (0 when every
 * frame is theirs).
 */
size_t frames_program(const struct sym_frame *f, size_t n);

/*
 * A site's identity across builds: the function and source file of its
 * program frame (frames_program), not an address, so that the same site
 * of two builds of a program, or of two runs, is the same key. Strings
 * are the symbolizer's. A site that no frame names has function "??".
 */
struct site_id {
	const char *function, *file;
};

/* site_id_of - the identity of the site whose stack is f[0..n). */
struct site_id site_id_of(const struct sym_frame *f, size_t n);

/* site_id_eq - whether a and b name the same site. */
int site_id_eq(struct site_id a, struct site_id b);

#endif
