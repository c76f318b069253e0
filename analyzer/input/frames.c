/* frames.c - symbolized stacks, printed as text or JSON. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "frames.h"
#include "textfit.h"

size_t frames_of_stack(const struct replay *rp, struct symbols *sym,
		       uint32_t stack, struct sym_frame *out, size_t max)
{
	size_t n = 0;

	/* An address may stand for any number of inlined frames: each gets
	 * all the room left, so that only max cuts a stack short. */
	for (uint32_t id = stack; id && id < rp->nnodes && n < max;
	     id = rp->nodes[id].parent) {
		int room = (int)(max - n < INT_MAX ? max - n : INT_MAX);

		n += (size_t)symbols_lookup(sym, replay_node_module(rp, id),
					    rp->nodes[id].ip, 1, out + n, room);
	}
	return n;
}

/* s after buf[0..*o) (room len), cut to fit: snprintf's "%s" without
 * its cost, which was a tenth of a long --leaks report's. */
static void cat(char *buf, size_t len, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (n > len - 1 - *o)
		n = len - 1 - *o;
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = '\0';
}

/* The decimal digits of v into d[24]: the first of them. */
static char *digits(char d[24], uint64_t v)
{
	char *p = d + 23;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
}

void frames_text_one(FILE *out, size_t i, const struct sym_frame *f,
		     int inlined)
{
	char head[32], tail[PATH_MAX + 512], d[24];
	size_t o = 0, h = 0;

	cat(head, sizeof(head), &h, "    #");
	cat(head, sizeof(head), &h, digits(d, i));
	cat(head, sizeof(head), &h, i < 10 ? "  " : " ");
	tail[0] = '\0';
	if (f->file[0]) {
		cat(tail, sizeof(tail), &o, "  ");
		cat(tail, sizeof(tail), &o, f->file);
		cat(tail, sizeof(tail), &o, ":");
		cat(tail, sizeof(tail), &o, digits(d, f->line));
	}
	if (inlined && f->inlined)
		cat(tail, sizeof(tail), &o, "  (inlined)");
	if (f->module[0]) {
		cat(tail, sizeof(tail), &o, "  [");
		cat(tail, sizeof(tail), &o, f->module);
		cat(tail, sizeof(tail), &o, "]");
	}
	textfit_line(out, head, f->function, tail, 0);
}

void frames_text(FILE *out, const struct sym_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		frames_text_one(out, i, &f[i], 1);
}

void frames_json(struct json_writer *w, const struct sym_frame *f, size_t n)
{
	json_key(w, "stack");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_object_begin(w);
		json_key(w, "function");
		json_string(w, f[i].function);
		json_key(w, "file");
		json_string(w, f[i].file);
		json_key(w, "line");
		json_u64(w, f[i].line);
		json_key(w, "module");
		json_string(w, f[i].module);
		json_object_end(w);
	}
	json_array_end(w);
}

int frames_runtime_module(const char *module)
{
	static const char *const names[] = { "libc.so",	     "ld-linux",
					     "libstdc++.so", "libgcc_s.so",
					     "libm.so",	     "libpthread.so" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(module, names[i], strlen(names[i])))
			return 1;
	return 0;
}

/* A file of the system's headers: the C and C++ libraries' templates. */
static int system_header(const char *file)
{
	return !strncmp(file, "/usr/include/", 13) ||
	       !strncmp(file, "/usr/lib/gcc/", 13) ||
	       strstr(file, "/include/c++/");
}

/* A name of the C++ library's own (a frame without a file to go by). */
static int library_name(const char *function)
{
	static const char *const prefix[] = { "std::", "__gnu_cxx::",
					      "__cxxabiv1::", "operator new",
					      "operator delete" };

	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (!strncmp(function, prefix[i], strlen(prefix[i])))
			return 1;
	return 0;
}

int frames_library(const struct sym_frame *f)
{
	if (frames_runtime_module(f->module))
		return 1;
	return f->file[0] ? system_header(f->file) : library_name(f->function);
}

size_t frames_program(const struct sym_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!frames_library(&f[i]))
			return i;
	return 0;
}

struct site_id site_id_of(const struct sym_frame *f, size_t n)
{
	size_t i = frames_program(f, n);

	if (!n)
		return (struct site_id){ "??", "" };
	return (struct site_id){ f[i].function, f[i].file };
}

int site_id_eq(struct site_id a, struct site_id b)
{
	return !strcmp(a.function, b.function) && !strcmp(a.file, b.file);
}
