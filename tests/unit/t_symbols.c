/* t_symbols.c - unit test of symbols.c against this test's own executable. */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <link.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols.h"
#include "symcache.h"

/*
 * The functions under test must stay out of line and unspecialized
 * (no .constprop/.isra clones, no tail calls into them) at any -O.
 */
#if defined(__clang__)
#define NOIPA __attribute__((noinline))
#else
#define NOIPA __attribute__((noipa))
#endif

#define MAX_FRAMES 16

/* ---- code whose addresses the tests symbolize ---- */

static volatile int sink;

/*
 * One line, so that whichever line record the compiler gives the entry of
 * target_fn (the declarator, the brace or the body, depending on -O), it
 * is this one.
 */
// clang-format off
static const unsigned target_line = __LINE__ + 1;
static NOIPA int target_fn(int x) { return x * 3 + sink; }
// clang-format on

/* Lines filled in at run time by the calls below, from __LINE__. */
static unsigned inner_call_line, outer_call_line;

static NOIPA uintptr_t grab_ra(unsigned line)
{
	inner_call_line = line;
	return (uintptr_t)__builtin_return_address(0);
}

static inline __attribute__((always_inline)) uintptr_t inlined_fn(unsigned line)
{
	uintptr_t ra;

	outer_call_line = line;
	ra = grab_ra(__LINE__);
	sink++; /* work after the call, so it is no tail call */
	return ra;
}

static NOIPA uintptr_t outer_fn(void)
{
	return inlined_fn(__LINE__);
}

/* A C function under a C++ symbol name, to see the demangler at work. */
int cpp_named_fn(int x) __asm__("_ZN8perfshim6widget4pokeEi");
NOIPA int cpp_named_fn(int x)
{
	return x + sink;
}

/* Looked up only once the cache holds a made-up answer for it. */
NOIPA int cache_probe_fn(int x);
NOIPA int cache_probe_fn(int x)
{
	return x - sink;
}

/* ---- TAP and small helpers ---- */

static int test_num;
static int failures;

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static void report(bool pass, const char *title)
{
	test_num++;
	if (!pass)
		failures++;
	printf("%s %d - %s\n", pass ? "ok" : "not ok", test_num, title);
	fflush(stdout);
}

/* check - count a failed condition and say which one, for the diagnosis. */
static bool check(bool cond, const char *what)
{
	if (!cond)
		diag("failed: %s", what);
	return cond;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* NULL-safe, so that a broken symbolizer fails the test, not crashes it */
static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* frame_is - f is function at this file's line, inlined or not. */
static bool frame_is(const struct sym_frame *f, const char *function,
		     unsigned line, int inlined)
{
	return streq(f->function, function) && f->file &&
	       streq(base_name(f->file), "t_symbols.c") && f->line == line &&
	       f->inlined == inlined;
}

/* is_unknown - f is the "??" frame of module. */
static bool is_unknown(const struct sym_frame *f, const char *module)
{
	return streq(f->function, "??") && streq(f->file, "") && f->line == 0 &&
	       streq(f->module, module) && !f->inlined;
}

/* is_offset - f is the frame of module no symbol names: function. */
static bool is_offset(const struct sym_frame *f, const char *module,
		      const char *function)
{
	return streq(f->function, function) && streq(f->file, "") &&
	       f->line == 0 && streq(f->module, module) && !f->inlined;
}

/* has_offset_name - f's function is "MODULE+0x..." of its module. */
static bool has_offset_name(const struct sym_frame *f)
{
	size_t n = strlen(f->module);

	return !strncmp(f->function, f->module, n) &&
	       !strncmp(f->function + n, "+0x", 3);
}

static void print_frames(const struct sym_frame *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		diag("  frame %d: %s at %s:%u in %s%s", i, f[i].function,
		     f[i].file, f[i].line, f[i].module,
		     f[i].inlined ? " (inlined)" : "");
}

/*
 * Stderr capture, to count the warnings symbols.c prints. Everything
 * written to fd 2 between begin and end lands in a temporary file.
 */
static FILE *capture_file;
static int saved_stderr = -1;

static int capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	if (!capture_file)
		return -1;
	saved_stderr = dup(STDERR_FILENO);
	if (saved_stderr < 0 || dup2(fileno(capture_file), STDERR_FILENO) < 0) {
		fclose(capture_file);
		capture_file = NULL;
		return -1;
	}
	return 0;
}

/* capture_end - restore stderr; returns what was written (free it). */
static char *capture_end(void)
{
	char *buf;
	long len;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	len = ftell(capture_file);
	if (len < 0)
		len = 0;
	buf = calloc(1, (size_t)len + 1);
	if (buf) {
		rewind(capture_file);
		if (fread(buf, 1, (size_t)len, capture_file) != (size_t)len)
			buf[0] = '\0';
	}
	fclose(capture_file);
	capture_file = NULL;
	/* let the log show it too */
	if (buf && *buf)
		diag("stderr: %.*s", (int)strcspn(buf, "\n"), buf);
	return buf;
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; text && *text; text++)
		n += *text == '\n';
	return n;
}

/* ---- the module_info of this executable ---- */

#define MAX_SEGS 16

static struct module_segment self_segs[MAX_SEGS];
static uint8_t self_build_id[64];
static char self_path[4096];
static struct module_info self;

static size_t note_align(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

static void find_build_id(const struct dl_phdr_info *info,
			  const ElfW(Phdr) * ph)
{
	const char *notes = (const char *)(info->dlpi_addr + ph->p_vaddr);
	size_t align = ph->p_align == 8 ? 8 : 4;
	size_t off = 0;

	while (ph->p_memsz - off >= sizeof(ElfW(Nhdr))) {
		const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(notes + off);
		size_t name_off = off + sizeof(*nh);
		size_t desc_off = name_off + note_align(nh->n_namesz, align);
		size_t next = desc_off + note_align(nh->n_descsz, align);

		if (next > ph->p_memsz)
			return; /* truncated note */
		if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
		    memcmp(notes + name_off, "GNU", 4) == 0 &&
		    nh->n_descsz <= sizeof(self_build_id)) {
			memcpy(self_build_id, notes + desc_off, nh->n_descsz);
			self.build_id = self_build_id;
			self.build_id_len = nh->n_descsz;
			return;
		}
		off = next;
	}
}

static int self_phdr_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	int i;

	(void)size;
	(void)arg;
	/* the first object is the executable itself */
	self.bias = info->dlpi_addr;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && self.nsegs < MAX_SEGS) {
			struct module_segment *seg = &self_segs[self.nsegs++];

			seg->start = info->dlpi_addr + ph->p_vaddr;
			seg->size = ph->p_memsz;
			seg->flags = ph->p_flags;
		} else if (ph->p_type == PT_NOTE && !self.build_id) {
			find_build_id(info, ph);
		}
	}
	return 1;
}

static int load_self(void)
{
	ssize_t len =
		readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

	if (len <= 0)
		return -1;
	self_path[len] = '\0';
	self.id = 1;
	self.path = self_path;
	self.segs = self_segs;
	dl_iterate_phdr(self_phdr_cb, NULL);
	return self.nsegs ? 0 : -1;
}

/* ---- tests ---- */

static bool test_function_line(struct symbols *s)
{
	struct sym_frame f[MAX_FRAMES];
	bool pass = true;
	int n;

	n = symbols_lookup(s, &self, (uintptr_t)&target_fn, 0, f, MAX_FRAMES);
	pass &= check(n == 1, "one frame");
	pass &= check(n >= 1 && frame_is(&f[0], "target_fn", target_line, 0),
		      "target_fn at its line in t_symbols.c");
	pass &= check(n >= 1 && streq(f[0].module, base_name(self_path)),
		      "module is the executable's basename");
	if (!pass) {
		diag("expected target_fn at t_symbols.c:%u", target_line);
		print_frames(f, n);
	}
	return pass;
}

static bool test_inlined(struct symbols *s)
{
	struct sym_frame f[MAX_FRAMES];
	uintptr_t ra = outer_fn();
	bool pass = true;
	int n;

	n = symbols_lookup(s, &self, ra, 1, f, MAX_FRAMES);
	pass &= check(n == 2, "two frames");
	pass &= check(n >= 1 &&
			      frame_is(&f[0], "inlined_fn", inner_call_line, 1),
		      "inlined_fn first, inlined, at its call of grab_ra");
	pass &= check(n >= 2 && frame_is(&f[1], "outer_fn", outer_call_line, 0),
		      "outer_fn next, at its call of inlined_fn");
	if (!pass) {
		diag("expected inlined_fn at :%u then outer_fn at :%u",
		     inner_call_line, outer_call_line);
		print_frames(f, n);
	}
	return pass;
}

static bool test_max(struct symbols *s)
{
	struct sym_frame f[MAX_FRAMES];
	uintptr_t ra = outer_fn();
	bool pass = true;
	int n;

	pass &= check(symbols_lookup(s, &self, ra, 1, f, 0) == 0,
		      "max 0 gives 0");
	pass &= check(symbols_lookup(s, &self, ra, 1, NULL, -3) == 0,
		      "max < 0 gives 0");
	n = symbols_lookup(s, &self, ra, 1, f, 1);
	pass &= check(n == 1 && streq(f[0].function, "inlined_fn"),
		      "max 1 gives the innermost frame");
	return pass;
}

static bool test_cached(struct symbols *s)
{
	struct sym_frame a[MAX_FRAMES], b[MAX_FRAMES];
	int na, nb;

	na = symbols_lookup(s, &self, (uintptr_t)&target_fn, 0, a, MAX_FRAMES);
	nb = symbols_lookup(s, &self, (uintptr_t)&target_fn + 1, 1, b,
			    MAX_FRAMES);
	return check(na == 1 && nb == 1, "one frame each") &&
	       check(a[0].function == b[0].function && a[0].file == b[0].file &&
			     a[0].line == b[0].line,
		     "ip+1 as a return address is ip, same strings");
}

static bool test_missing_file(struct symbols *s)
{
	static uint8_t id[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct module_info m = {
		.id = 100,
		.bias = 0x7f0000000000ULL,
		.path = (char *)"/nonexistent/perfshim-test/libgone.so.1",
		.build_id = id,
		.build_id_len = sizeof(id),
	};
	struct sym_frame f[MAX_FRAMES];
	bool pass = true;
	char *err;
	int n, i;

	if (capture_begin() < 0)
		return check(false, "capture stderr");
	n = symbols_lookup(s, &m, m.bias + 0x1234, 1, f, MAX_FRAMES);
	for (i = 0; i < 3; i++)
		symbols_lookup(s, &m, m.bias + 0x5678 + i, 0, f + 1, 1);
	err = capture_end();

	pass &= check(
		n == 1 &&
			is_offset(&f[0], "libgone.so.1", "libgone.so.1+0x1233"),
		"one module+0xOFFSET frame (the call, ip - 1), no file:line");
	pass &= check(is_offset(&f[1], "libgone.so.1", "libgone.so.1+0x567a"),
		      "later frames module+0xOFFSET");
	pass &= check(count_lines(err) == 1, "exactly one warning line");
	pass &= check(err && strstr(err, "warning") &&
			      strstr(err, "libgone.so.1") &&
			      strstr(err, "cannot open"),
		      "the warning names the file");
	free(err);
	return pass;
}

static bool test_build_id_mismatch(struct symbols *s)
{
	static const char cpp_name[] = "perfshim::widget::poke(int)";
	uint8_t wrong[sizeof(self_build_id)];
	struct module_info m = self;
	struct sym_frame f[MAX_FRAMES], g[MAX_FRAMES];
	bool pass = true;
	char *err;
	int n, ng;

	if (!self.build_id_len) {
		/* a traced build-id the file lacks is a mismatch as well */
		memset(wrong, 0xab, 20);
		m.build_id_len = 20;
	} else {
		memcpy(wrong, self.build_id, self.build_id_len);
		wrong[0] ^= 0xff;
	}
	m.build_id = wrong;
	m.id = 200;

	if (capture_begin() < 0)
		return check(false, "capture stderr");
	n = symbols_lookup(s, &m, (uintptr_t)&target_fn, 0, f, MAX_FRAMES);
	ng = symbols_lookup(s, &m, (uintptr_t)&cpp_named_fn, 0, g, MAX_FRAMES);
	symbols_lookup(s, &m, (uintptr_t)&outer_fn, 0, g + 1, 1);
	err = capture_end();

	/* the header's contract: a rebuilt file names nothing */
	pass &= check(n == 1 && has_offset_name(&f[0]),
		      "no name from a rebuilt file: module+0xOFFSET");
	pass &= check(n == 1 && streq(f[0].file, "") && f[0].line == 0,
		      "no file:line");
	pass &= check(n == 1 && f[0].module[0] != 0, "the module is named");
	pass &= check(ng == 1 && has_offset_name(&g[0]) &&
			      !streq(g[0].function, f[0].function),
		      "nor for a second address, which stays apart");
	(void)cpp_name;
	pass &= check(count_lines(err) == 1, "exactly one warning line");
	pass &= check(err && strstr(err, "warning") &&
			      strstr(err, "build-id differs"),
		      "the warning says build-id differs");
	if (!pass) {
		print_frames(f, n);
		print_frames(g, ng);
	}
	free(err);
	return pass;
}

static bool test_no_file_quiet(struct symbols *s)
{
	static const char *const paths[] = { "", "linux-vdso.so.1", "[vdso]" };
	static const char *const modules[] = { "", "linux-vdso.so.1",
					       "[vdso]" };
	static const char *const names[] = { "??+0x8ff",
					     "linux-vdso.so.1+0x8ff",
					     "[vdso]+0x8ff" };
	struct sym_frame f[MAX_FRAMES];
	bool pass = true;
	char *err;
	size_t i;
	int n;

	if (capture_begin() < 0)
		return check(false, "capture stderr");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct module_info m = {
			.id = 300 + i,
			.bias = 0x7ffd00000000ULL,
			.path = (char *)paths[i],
		};

		n = symbols_lookup(s, &m, m.bias + 0x900, 1, f, MAX_FRAMES);
		pass &= check(n == 1 && is_offset(&f[0], modules[i], names[i]),
			      names[i]);
	}
	err = capture_end();
	pass &= check(count_lines(err) == 0, "no warning");
	free(err);
	return pass;
}

static bool test_odd_input(struct symbols *s)
{
	struct sym_frame f[MAX_FRAMES];
	bool pass = true;
	int n;

	n = symbols_lookup(s, NULL, 0x1234, 1, f, MAX_FRAMES);
	pass &= check(n == 1 && is_unknown(&f[0], ""), "no module: ?? in \"\"");
	/* far outside the executable's segments, and address 0 - 1 */
	n = symbols_lookup(s, &self, 0x10, 0, f, MAX_FRAMES);
	pass &= check(n == 1 && is_unknown(&f[0], base_name(self_path)),
		      "ip outside the module: ??");
	n = symbols_lookup(s, &self, 0, 1, f, MAX_FRAMES);
	pass &= check(n == 1 && is_unknown(&f[0], base_name(self_path)),
		      "return address 0: ??");
	return pass;
}

/* The cache file of this executable's build, in the test's directory. */
static char cache_top[] = "/tmp/t_symbols.XXXXXX";

/*
 * The symbols libdwfl counted in this executable, from the name of the
 * cache file the first symbolizer wrote (BUILDID-dwarf-N.sym); -1 if none.
 */
static long dwarf_file_nsyms(void)
{
	char dir[sizeof(cache_top) + 16], want[2 * 64 + 16];
	struct dirent *de;
	long n = -1;
	int o = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/symbols", cache_top);
	for (size_t i = 0; i < self.build_id_len; i++)
		o += snprintf(want + o, sizeof(want) - (size_t)o, "%02x",
			      self.build_id[i]);
	snprintf(want + o, sizeof(want) - (size_t)o, "-dwarf-");
	d = opendir(dir);
	while (d && (de = readdir(d)) != NULL)
		if (!strncmp(de->d_name, want, strlen(want)))
			n = strtol(de->d_name + strlen(want), NULL, 10);
	if (d)
		closedir(d);
	return n;
}

static bool test_cache_written(struct symbols *s)
{
	(void)s;
	return check(dwarf_file_nsyms() > 0,
		     "BUILDID-dwarf-N.sym, N symbols in the executable");
}
/*
 * A made-up answer for cache_probe_fn, put in the cache behind the
 * symbolizer's back: a new symbolizer gives it, so it asks the cache
 * before DWARF; what the first one resolved it gives as DWARF says.
 */
static bool test_cache_read(struct symbols *s)
{
	struct symcache_frame made = { "from_the_cache", "kept.c", 99, 0 };
	uintptr_t probe = (uintptr_t)&cache_probe_fn;
	struct symcache *c =
		symcache_open(self.build_id, self.build_id_len, SYMCACHE_DWARF,
			      (uint32_t)dwarf_file_nsyms());
	struct sym_frame f[MAX_FRAMES];
	bool pass = true;
	int n;

	(void)s;
	if (!check(c != NULL, "the cache opens"))
		return false;
	symcache_put(c, probe - self.bias, &made, 1);
	symcache_close(c);
	s = symbols_new();
	n = symbols_lookup(s, &self, probe, 0, f, MAX_FRAMES);
	pass &= check(n == 1 && streq(f[0].function, "from_the_cache") &&
			      streq(f[0].file, "kept.c") && f[0].line == 99 &&
			      streq(f[0].module, base_name(self_path)),
		      "the kept answer, in this module");
	n = symbols_lookup(s, &self, (uintptr_t)&target_fn, 0, f, MAX_FRAMES);
	pass &= check(n == 1 && frame_is(&f[0], "target_fn", target_line, 0),
		      "an answer kept by the first symbolizer");
	if (!pass)
		print_frames(f, n);
	symbols_free(s);
	return pass;
}

struct test {
	bool (*fn)(struct symbols *s);
	const char *title;
};

static const struct test tests[] = {
	{ test_function_line, "noinline function: name, file and line" },
	{ test_inlined, "inlined frame reported before its caller" },
	{ test_max, "max limits the frames, innermost first" },
	{ test_cached, "is_return looks up ip - 1; strings are stable" },
	{ test_missing_file,
	  "missing file: module+0xOFFSET and exactly one warning" },
	{ test_build_id_mismatch,
	  "build-id mismatch: module+0xOFFSET, one warning" },
	{ test_no_file_quiet,
	  "no file or vdso: module+0xOFFSET without a warning" },
	{ test_odd_input, "NULL module and addresses outside: ??" },
};

/* After the symbolizer of the tests above is freed. */
static const struct test later[] = {
	{ test_cache_written, "its answers are kept by build-id" },
	{ test_cache_read, "a later symbolizer takes the kept answers" },
};

int main(void)
{
	size_t ntests = sizeof(tests) / sizeof(tests[0]);
	size_t nlater = sizeof(later) / sizeof(later[0]);
	char cmd[sizeof(cache_top) + 16];
	struct symbols *s;
	size_t i;

	printf("1..%zu\n", ntests + nlater);
	if (!mkdtemp(cache_top)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	setenv("PERFSHIM_CACHE_DIR", cache_top, 1);
	if (load_self() < 0) {
		printf("Bail out! cannot describe this executable\n");
		return 1;
	}
	s = symbols_new();
	if (!s) {
		printf("Bail out! symbols_new failed\n");
		return 1;
	}
	for (i = 0; i < ntests; i++)
		report(tests[i].fn(s), tests[i].title);
	symbols_free(s);
	for (i = 0; i < nlater; i++)
		report(later[i].fn(NULL), later[i].title);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache_top);
	if (system(cmd))
		diag("could not remove %s", cache_top);
	return failures ? 1 : 0;
}
