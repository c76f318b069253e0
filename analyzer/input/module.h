/* module.h - a loaded object (executable or shared library) as the trace recorded it. */
#ifndef PERFSHIM_MODULE_H
#define PERFSHIM_MODULE_H

#include <stddef.h>
#include <stdint.h>

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

#endif
