/* module.h - a loaded object (executable or shared library) as the trace recorded it. */
#ifndef PERFSHIM_MODULE_H
#define PERFSHIM_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct module_segment {
	uint64_t start; /* absolute address in the traced process */
	uint64_t size;
	uint32_t flags; /* PF_R | PF_W | PF_X */
};

struct module_info {
	uint64_t id;   /* trace-wide, never reused */
	uint64_t bias; /* load bias: runtime address - ELF vaddr */
	char *path;    /* as the traced process saw it; may be "" (main exe) */
	uint8_t *build_id; /* raw bytes, NULL when the object has none */
	size_t build_id_len;
	struct module_segment *segs;
	size_t nsegs;
	int gone; /* dlclose'd later in the trace */
};

/* The longest build-id the caches name files by (GNU's are 20 bytes). */
#define MODULE_MAX_BUILD_ID 64

/*
 * module_hex_id - the build-id id[0..len) as lowercase hex into out (cap
 * bytes, NUL included): as many whole bytes as fit. The name under which
 * caches keep a build's files, and the exports show it.
 */
static inline void module_hex_id(const uint8_t *id, size_t len, char *out,
				 size_t cap)
{
	size_t n = 0;

	if (cap)
		out[0] = '\0';
	for (size_t i = 0; i < len && n + 3 <= cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x", id[i]);
}

#endif
