/* frames.c - symbolized stacks, printed as text or JSON. */
#include <limits.h>
#include <string.h>

#include "frames.h"

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

void frames_text(FILE *out, const struct sym_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "    #%-2zu %s", i, f[i].function);
		if (f[i].file[0])
			fprintf(out, "  %s:%u", f[i].file, f[i].line);
		if (f[i].inlined)
			fprintf(out, "  (inlined)");
		if (f[i].module[0])
			fprintf(out, "  [%s]", f[i].module);
		fputc('\n', out);
	}
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

size_t frames_program(const struct sym_frame *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!frames_runtime_module(f[i].module))
			return i;
	return 0;
}
