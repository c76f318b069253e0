/* t_runtime.c - which unfreed blocks count as the C/C++ runtime's own. */
#include <string.h>

#include "leaks.h"
#include "tap.h"

static struct sym_frame fr(const char *fn, const char *module)
{
	struct sym_frame f;

	memset(&f, 0, sizeof(f));
	f.function = fn;
	f.file = "";
	f.module = module;
	return f;
}

int main(void)
{
	struct sym_frame stdio_buf[] = {
		fr("__GI__IO_file_doallocate", "libc.so.6"),
		fr("__GI__IO_doallocbuf", "libc.so.6"),
		fr("__GI__IO_puts", "libc.so.6"),
		fr("main", "demo"),
	};
	struct sym_frame user_strdup[] = {
		fr("__GI___strdup", "libc.so.6"),
		fr("open_session", "demo"),
		fr("main", "demo"),
	};
	struct sym_frame user_fopen[] = {
		fr("__fopen_internal", "libc.so.6"),
		fr("_IO_new_fopen", "libc.so.6"),
		fr("main", "demo"),
	};
	/* the cache function appears only below the program's frame */
	struct sym_frame below_program[] = {
		fr("malloc_wrapper", "demo"),
		fr("setlocale", "libc.so.6"),
	};
	struct sym_frame pool[] = {
		fr("??", "libstdc++.so.6"),
		fr("call_init", "ld-linux-x86-64.so.2"),
		fr("_dl_init", "ld-linux-x86-64.so.2"),
	};
	struct sym_frame lib_ctor[] = {
		fr("ctor", "libctor.so"),
		fr("call_init", "ld-linux-x86-64.so.2"),
	};
	struct sym_frame locale[] = {
		fr("__GI___strdup", "libc.so.6"),
		fr("new_composite_name", "libc.so.6"),
		fr("__GI_setlocale", "libc.so.6"),
		fr("main", "demo"),
	};

	struct sym_frame dtv[] = {
		fr("calloc", "ld-linux-x86-64.so.2"),
		fr("allocate_dtv", "ld-linux-x86-64.so.2"),
		fr("__GI__dl_allocate_tls", "ld-linux-x86-64.so.2"),
		fr("__pthread_create_2_1", "libc.so.6"),
		fr("main", "demo"),
	};

	struct sym_frame env[] = {
		fr("tsearch", "libc.so.6"),
		fr("__add_to_environ", "libc.so.6"),
		fr("setenv", "libc.so.6"),
		fr("main", "demo"),
	};
	struct sym_frame dyn_tls[] = {
		fr("malloc", "ld-linux-x86-64.so.2"),
		fr("allocate_dtv_entry", "ld-linux-x86-64.so.2"),
		fr("allocate_and_init", "ld-linux-x86-64.so.2"),
		fr("tls_get_addr_tail", "ld-linux-x86-64.so.2"),
		fr("__tls_get_addr", "ld-linux-x86-64.so.2"),
		fr("touch", "libtls.so"),
	};

	/* a stack cut short inside libc is not start-up */
	struct sym_frame truncated[] = {
		fr("__GI___strdup", "libc.so.6"),
	};

	plan(16);
	ok(leaks_runtime_owned(truncated, 1) == NULL,
	   "a truncated stack with no program frame is not the runtime's");
	ok(leaks_runtime_owned(dtv, 5) != NULL,
	   "the DTV of a thread stack glibc caches");
	ok(leaks_runtime_owned(stdio_buf, 4) != NULL, "stdio buffer");
	ok(leaks_runtime_owned(env, 4) != NULL, "setenv's copies and tree");
	ok(leaks_runtime_owned(dyn_tls, 6) != NULL,
	   "a dlopen'ed library's thread-local block");
	ok(leaks_runtime_owned(locale, 4) != NULL, "setlocale's copies");
	ok(leaks_runtime_owned(pool, 3) != NULL,
	   "runtime start-up with no program frame");
	ok(leaks_runtime_owned(user_strdup, 3) == NULL,
	   "a leak through strdup is the program's");
	ok(leaks_runtime_owned(user_fopen, 3) == NULL,
	   "an unclosed FILE is the program's");
	ok(leaks_runtime_owned(below_program, 2) == NULL,
	   "runtime frames below the program's do not count");
	ok(leaks_runtime_owned(lib_ctor, 2) == NULL,
	   "a library constructor's leak is the program's");
	ok(leaks_runtime_owned(stdio_buf, 0) == NULL, "an empty stack is not");

	/* A site's identity: its program frame's function and file. */
	struct sym_frame rebuilt[] = { fr("__GI___strdup", "libc.so.6"),
				       fr("open_session", "demo"),
				       fr("main", "demo") };
	struct site_id a = site_id_of(user_strdup, 3);

	rebuilt[1].line = 99; /* moved in the other build */
	ok(!strcmp(a.function, "open_session") && !strcmp(a.file, ""),
	   "a site is named by its first program frame");
	ok(site_id_eq(a, site_id_of(rebuilt, 3)),
	   "the same site in another build is the same key");
	ok(!site_id_eq(a, site_id_of(user_fopen, 3)),
	   "another site is another key");
	ok(!strcmp(site_id_of(stdio_buf, 0).function, "??"),
	   "a site without a stack is ??");
	return exit_status();
}
