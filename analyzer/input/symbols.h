/*
 * symbols.h - offline symbolization of instruction pointers through
 * elfutils libdwfl: function (C++ demangled), file:line and inlined frames.
 *
 * Modules are identified by the trace's module records, not by the
 * analyzing machine's memory map: each module is reported to libdwfl at
 * the load bias it had in the traced process. Results are cached per
 * (module, ip), so each address is resolved once.
 */
#ifndef PERFSHIM_SYMBOLS_H
#define PERFSHIM_SYMBOLS_H

#include <stdint.h>

#include "module.h"

struct symbols;

/*
 * One frame of a symbolized address. Strings are owned by the symbols
 * object and stay valid until symbols_free(). Unknown parts are "??" for
 * function, "" for file, 0 for line. module is the file name of the
 * module (basename of its path), "" when not known.
 */
struct sym_frame {
	const char *function;
	const char *file;
	unsigned line;
	const char *module;
	int inlined; /* 1: this frame was inlined into the next one */
};

/*
 * symbols_add_debug_dir - search dir (--debug-dir) for separate debug
 * files by build-id (dir/.build-id/xx/yyyy.debug), before the directories
 * of PERFSHIM_DEBUG_DIR (':'-separated) and /usr/lib/debug. Process-wide;
 * only before the first symbols_new. Returns 0, or -1 after one line on
 * stderr when dir is no directory.
 */
int symbols_add_debug_dir(const char *dir);

/* symbols_new - create an empty symbolizer. Returns NULL on out of memory. */
struct symbols *symbols_new(void);

/* symbols_free - release the symbolizer and every string it handed out. */
void symbols_free(struct symbols *s);

/*
 * symbols_lookup - symbolize ip, which lies inside module m.
 * is_return is 1 when ip is a return address (look up ip - 1, the call
 * instruction), 0 when it is an exact pc.
 * Writes up to max frames to out, innermost first: the inlined frames (if
 * any, with inlined = 1), then the function that contains them. Returns
 * the number of frames written, at least 1 when max >= 1 (an address no
 * symbol names still yields one frame, with function "MODULE+0xOFFSET":
 * the module's file name, "??" when it has none, and the ELF address in
 * it; "??" when ip is outside the module).
 * When m is NULL (ip in no known module) the single frame has function
 * "??" and module "".
 * The first time a module's file is missing or its build-id differs from
 * the one recorded, one warning line goes to stderr and the module's
 * frames are reported as "MODULE+0xOFFSET": a rebuilt file would name
 * whatever code now sits at the traced address.
 */
int symbols_lookup(struct symbols *s, const struct module_info *m, uint64_t ip,
		   int is_return, struct sym_frame *out, int max);

#endif
