/* symbols.c - ips to function, file:line and inlined frames with libdwfl. */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "debugcache.h"
#include "error.h"
#include "hashtab.h"
#include "module.h"
#include "symbols.h"
#include "symcache.h"

/* From libstdc++ (the analyzer links with -lstdc++); no C header has it. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/*
 * The three tables below (strings, modules, resolved addresses) hold
 * nodes allocated one by one, whose addresses stay put while they are
 * handed out: an array of them, indexed by the generic hash table.
 */
struct nodes {
	void **node;
	size_t n, cap;
	struct hashtab ix;
};

/* What an eq callback gets: the nodes, and the key looked for. */
struct nodes_key {
	const struct nodes *t;
	const void *key;
};

/* The node eq accepts for key, or NULL. */
static void *nodes_find(const struct nodes *t, uint64_t hash, hashtab_eq *eq,
			const void *key)
{
	struct nodes_key k = { t, key };
	size_t i = hashtab_find(&t->ix, hash, eq, &k);

	return i == HASHTAB_NONE ? NULL : t->node[i];
}

/* Add node (not in t yet, as nodes_find said) under hash. */
static void nodes_add(struct nodes *t, uint64_t hash, hashtab_eq *eq,
		      void *node)
{
	struct nodes_key k = { t, NULL };

	XGROW(t->node, t->cap, t->n + 1);
	t->node[t->n] = node;
	hashtab_put(&t->ix, hash, eq, &k, t->n);
	t->n++;
}

/* nodes_release - hand every node to release, then drop the table. */
static void nodes_release(struct nodes *t, void (*release)(void *))
{
	for (size_t i = 0; i < t->n; i++)
		release(t->node[i]);
	free(t->node);
	hashtab_release(&t->ix);
}

static uint64_t mix64(uint64_t x)
{
	/* splitmix64 finalizer: addresses differ mostly in low bits */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* An interned string; every string handed out lives in one of these. */
struct str_node {
	size_t len;
	char str[];
};

enum mod_state {
	MOD_OK,	    /* file matches the trace: DWARF, then the symbol table */
	MOD_STALE,  /* build-id differs: "??" (names would be the new file's) */
	MOD_NOFILE, /* nothing to read: every frame is "??" */
};

/* The addresses of one compilation unit, for find_cu's own index. */
struct cu_range {
	Dwarf_Addr low, high; /* [low, high), DWARF addresses (no bias) */
	Dwarf_Die cudie;
};

/* A function's code in a unit: one range of a subprogram DIE. */
struct fn_range {
	Dwarf_Addr low, high; /* [low, high), DWARF addresses */
	Dwarf_Addr top;	      /* the highest high of this one and all before */
	size_t seq;	      /* the DIE's place in the unit's tree */
	Dwarf_Die die;
};

/* The functions of one unit, by address; built on its first pc. */
struct unit_fns {
	Dwarf_Off cu; /* the unit DIE's offset */
	struct fn_range *v;
	size_t n;
};

/* A sized symbol of a module's table: [lo, hi), dwfl addresses. */
struct sym_range {
	GElf_Addr lo, hi;
	GElf_Addr top; /* the highest hi of this one and all before it */
	const char *name;
	int index;   /* in the table */
	int binding; /* addrinfo's preference: global 3, weak 2, local 1 */
};

struct mod_node {
	uint64_t id;
	enum mod_state state;
	Dwfl *dwfl;	  /* NULL when state is MOD_NOFILE */
	Dwfl_Module *mod; /* its one module, when it has one */
	const char *name; /* interned basename of the path */
	/* built on the first pc that .debug_aranges does not cover */
	struct cu_range *cus;
	size_t ncus;
	bool cus_built;
	/* the units whose functions are indexed, by unit offset */
	struct unit_fns *units;
	size_t nunits, units_cap;
	struct hashtab unit_ix;
	/* the symbol table's sized symbols by address, and its sizeless
	 * ones (labels: lo only), built on first use */
	struct sym_range *syms, *labels;
	size_t nsyms, nlabels;
	bool syms_built;
	/* the answers of earlier runs for this build (symcache.h), opened
	 * on the module's first address */
	struct symcache *cache;
	bool cache_tried;
};

/* The frames of one (module, pc), as they were first resolved. */
struct addr_node {
	uint64_t mod_id;
	uint64_t pc;
	int nframes;
	struct sym_frame frames[];
};

static int str_eq(const void *ctx, size_t i)
{
	const struct nodes_key *k = ctx;
	const struct str_node *sn = k->t->node[i];

	return !strcmp(sn->str, k->key);
}

static int mod_eq(const void *ctx, size_t i)
{
	const struct nodes_key *k = ctx;
	const struct mod_node *mn = k->t->node[i];

	return mn->id == *(const uint64_t *)k->key;
}

static int addr_eq(const void *ctx, size_t i)
{
	const struct nodes_key *k = ctx;
	const struct addr_node *an = k->t->node[i], *key = k->key;

	return an->mod_id == key->mod_id && an->pc == key->pc;
}

struct symbols {
	struct nodes strs;
	struct nodes mods;
	struct nodes addrs;
	/* frames of the address being resolved, before they are cached */
	struct sym_frame *tmp;
	int ntmp;
	int tmp_cap;
	bool oom_warned;
	/* PERFANALYZE_SYMTAB=check: every symbol-table name found from the
	 * index is compared with dwfl_module_addrinfo's; told at the end */
	bool check;
	size_t checked, differed;
};

static const char unknown_fn[] = "??";
static const char no_file[] = "";

/*
 * libdwfl's debuginfo path: the --debug-dir directories, then those of
 * PERFSHIM_DEBUG_DIR, then its default (the file's own directory, .debug
 * beside it, /usr/lib/debug); NULL until symbols_new makes it.
 */
static char *debuginfo_path;
static char *debug_dirs; /* --debug-dir's, absolute, ':'-joined */
static const char default_debuginfo_path[] = ":.debug:/usr/lib/debug";

/*
 * cached_by_build_id - the plain copy (debugcache.h) of mod's separate
 * debug file when DIR/.build-id/xx/yyyy.debug under a directory of the
 * path has compressed sections; else -1, with *found telling whether
 * such a file is there. It must be looked up here, not after libdwfl's
 * own search: a file that search finds by build-id is already open
 * inside the module, where no descriptor we return reaches.
 */
static int cached_by_build_id(Dwfl_Module *mod, char **name, bool *found)
{
	const unsigned char *id;
	GElf_Addr vaddr;
	int len = dwfl_module_build_id(mod, &id, &vaddr);
	char *copy, *dir, *save = NULL, *path;
	char rest[2 * MODULE_MAX_BUILD_ID + 1];
	int fd = -1;

	*found = false;
	if (len < 2 || len > MODULE_MAX_BUILD_ID)
		return -1;
	copy = xstrdup(debuginfo_path);
	for (dir = strtok_r(copy, ":", &save); dir && !*found;
	     dir = strtok_r(NULL, ":", &save)) {
		size_t n = strlen(dir) + 2 * (size_t)len + 32;

		if (dir[0] != '/')
			continue;
		path = xmalloc(n);
		module_hex_id(id + 1, (size_t)len - 1, rest, sizeof(rest));
		snprintf(path, n, "%s/.build-id/%02x/%s.debug", dir, id[0],
			 rest);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		*found = fd >= 0;
		if (fd >= 0 &&
		    debugcache_swap(&fd, &path, id, (size_t)len, false)) {
			*name = path;
			break;
		}
		if (fd >= 0)
			close(fd); /* used in place: libdwfl's search opens it */
		fd = -1;
		free(path);
	}
	free(copy);
	return fd;
}

/* A regular file at dir/name (dir may be ""). */
static bool file_at(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	return n > 0 && (size_t)n < sizeof(path) && !stat(path, &st) &&
	       S_ISREG(st.st_mode);
}

/*
 * name_in_path - whether a file called name is where elfutils' search by
 * debug link looks for file_name's: beside it (unless beside is false),
 * in the path's relative directories there (.debug), or under an
 * absolute directory of the path, alone or joined with any tail of the
 * file's directory (/usr/lib/debug/usr/bin/NAME, .../bin/NAME).
 */
static bool name_in_path(const char *file_name, const char *name, bool beside)
{
	char *dir = xstrdup(file_name), *slash = strrchr(dir, '/');
	char *copy = xstrdup(debuginfo_path), *ent, *save = NULL;
	char sub[PATH_MAX];
	bool hit = false;

	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	for (ent = strtok_r(copy, ":", &save); ent && !hit;
	     ent = strtok_r(NULL, ":", &save)) {
		if (ent[0] != '/') {
			snprintf(sub, sizeof(sub), "%s/%s", dir, ent);
			hit = file_at(sub, name);
			continue;
		}
		hit = file_at(ent, name);
		for (const char *t = dir; t && *t && !hit;
		     t = strchr(t + 1, '/')) {
			snprintf(sub, sizeof(sub), "%s%s", ent, t);
			hit = file_at(sub, name);
		}
	}
	/* the empty entry (strtok_r skips it): beside the file */
	hit = hit || (beside && file_at(dir, name));
	free(copy);
	free(dir);
	return hit;
}

/*
 * debuglink_may_exist - whether elfutils' search by .gnu_debuglink could
 * find a file for file_name: by the link's name, or without a link by
 * FILE.debug and (away from the file itself) FILE, for the file's path
 * and for its real path when that differs. A superset of the places
 * elfutils (0.188 to 0.192) tries; a false true only costs the search.
 */
static bool debuglink_may_exist(const char *file_name, const char *link)
{
	char *canon = file_name ? realpath(file_name, NULL) : NULL;
	const char *paths[2] = { file_name, canon };
	bool hit = false;

	for (int i = 0; i < 2 && !hit; i++) {
		const char *base, *slash;
		char *own;

		if (!paths[i] || (i && !strcmp(paths[0], paths[1])))
			continue;
		if (link) {
			hit = name_in_path(paths[i], link, true);
			continue;
		}
		slash = strrchr(paths[i], '/');
		base = slash ? slash + 1 : paths[i];
		size_t n = strlen(base) + sizeof(".debug");

		own = xmalloc(n);
		snprintf(own, n, "%s.debug", base);
		hit = name_in_path(paths[i], own, true) ||
		      name_in_path(paths[i], base, false);
		free(own);
	}
	free(canon);
	return hit;
}

/*
 * find_debuginfo - the cached plain copy of a compressed debug file
 * found by build-id, else libdwfl's standard search: by build-id under
 * each absolute directory of the path (DIR/.build-id/xx/yyyy.debug), by
 * .gnu_debuglink in the places debuglink_may_exist lists, then through
 * debuginfod. elfutils 0.188 loads libdebuginfod, libcurl and a score of
 * libraries for that last step even when DEBUGINFOD_URLS is unset, 12 ms
 * of a 50 ms report; so without DEBUGINFOD_URLS a search that the files
 * on disk cannot satisfy is not made.
 *
 * A dwz file shared by several debug files (.gnu_debugaltlink) is asked
 * for by its link, a path, with no CRC: libdwfl's own search, which
 * knows where those live (.dwz directories, the link's build-id).
 */
static int find_debuginfo(Dwfl_Module *mod, void **userdata,
			  const char *modname, Dwarf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	bool alt = debuglink_file &&
		   (debuglink_crc == 0 || strchr(debuglink_file, '/'));
	bool found = alt;
	int fd =
		alt ? -1 : cached_by_build_id(mod, debuginfo_file_name, &found);

	if (fd >= 0)
		return fd;
	if (!found && (!urls || !*urls) &&
	    !debuglink_may_exist(file_name, debuglink_file)) {
		errno = 0; /* nothing found, as the standard search says it */
		return -1;
	}
	return dwfl_standard_find_debuginfo(mod, userdata, modname, base,
					    file_name, debuglink_file,
					    debuglink_crc, debuginfo_file_name);
}

/* find_elf is only a formality: each module is reported with its file. */
static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* Append dir, made absolute, to *list (':'-joined). -1 if it is none. */
static int add_dir(char **list, const char *dir)
{
	char *abs = realpath(dir, NULL), *joined;
	struct stat st;

	if (!abs || stat(abs, &st) || !S_ISDIR(st.st_mode)) {
		free(abs);
		return -1;
	}
	if (*list) {
		size_t n = strlen(*list) + strlen(abs) + 2;

		joined = xmalloc(n);
		snprintf(joined, n, "%s:%s", *list, abs);
		free(abs);
		free(*list);
		abs = joined;
	}
	*list = abs;
	return 0;
}

int symbols_add_debug_dir(const char *dir)
{
	if (add_dir(&debug_dirs, dir))
		return error("--debug-dir %s: not a directory", dir);
	return 0;
}

/* The path libdwfl searches, built once: see debuginfo_path. */
static void debuginfo_path_init(void)
{
	const char *env = getenv("PERFSHIM_DEBUG_DIR");
	char *dirs = debug_dirs ? xstrdup(debug_dirs) : NULL, *copy, *tok;
	char *save = NULL;
	size_t n;

	if (debuginfo_path)
		return;
	copy = env ? xstrdup(env) : NULL;
	for (tok = copy ? strtok_r(copy, ":", &save) : NULL; tok;
	     tok = strtok_r(NULL, ":", &save))
		if (add_dir(&dirs, tok))
			warning("PERFSHIM_DEBUG_DIR: %s is not a directory",
				tok);
	free(copy);
	n = (dirs ? strlen(dirs) : 0) + sizeof(default_debuginfo_path);
	debuginfo_path = xmalloc(n);
	snprintf(debuginfo_path, n, "%s%s", dirs ? dirs : "",
		 default_debuginfo_path);
	free(dirs);
}

static void warn_oom(struct symbols *s)
{
	if (s->oom_warned)
		return;
	s->oom_warned = true;
	warning("out of memory while symbolizing; some frames are shown as ??");
}

/*
 * intern - return the one copy of str owned by s, or fallback when it
 * cannot be stored, so that callers never see NULL.
 */
static const char *intern(struct symbols *s, const char *str,
			  const char *fallback)
{
	size_t len = strlen(str);
	uint64_t h = hash_str(str, HASH_STR_SEED);
	struct str_node *sn = nodes_find(&s->strs, h, str_eq, str);

	if (sn)
		return sn->str;
	sn = malloc(sizeof(*sn) + len + 1);
	if (!sn) {
		warn_oom(s);
		return fallback;
	}
	sn->len = len;
	memcpy(sn->str, str, len + 1);
	nodes_add(&s->strs, h, str_eq, sn);
	return sn->str;
}

/* intern_function - intern a symbol name, demangled when it is C++. */
static const char *intern_function(struct symbols *s, const char *name)
{
	const char *ret;
	char *demangled;
	int status = -1;

	if (!name || !*name)
		return unknown_fn;
	if (strncmp(name, "_Z", 2) != 0)
		return intern(s, name, unknown_fn);
	demangled = __cxa_demangle(name, NULL, NULL, &status);
	if (!demangled || status != 0) {
		/* not really mangled after all: show it as it is */
		free(demangled);
		return intern(s, name, unknown_fn);
	}
	ret = intern(s, demangled, unknown_fn);
	free(demangled);
	return ret;
}

static int push_frame(struct symbols *s, const char *function, const char *file,
		      unsigned line, int inlined)
{
	struct sym_frame *f;

	if (s->ntmp == s->tmp_cap) {
		int cap = s->tmp_cap ? s->tmp_cap * 2 : 8;

		f = realloc(s->tmp, (size_t)cap * sizeof(*f));
		if (!f) {
			warn_oom(s);
			return -1;
		}
		s->tmp = f;
		s->tmp_cap = cap;
	}
	f = &s->tmp[s->ntmp++];
	f->function = function;
	f->file = file;
	f->line = line;
	f->module = NULL; /* filled in by the caller, same for all frames */
	f->inlined = inlined;
	return 0;
}

struct symbols *symbols_new(void)
{
	const char *check = getenv("PERFANALYZE_SYMTAB");
	struct symbols *s;

	debuginfo_path_init();
	s = calloc(1, sizeof(struct symbols));
	if (s)
		s->check = check && !strcmp(check, "check");
	return s;
}

static void release_str(void *n)
{
	free(n);
}

static void release_mod(void *n)
{
	struct mod_node *mn = n;

	symcache_close(mn->cache);
	if (mn->dwfl)
		dwfl_end(mn->dwfl);
	for (size_t i = 0; i < mn->nunits; i++)
		free(mn->units[i].v);
	free(mn->units);
	hashtab_release(&mn->unit_ix);
	free(mn->cus);
	free(mn->syms);
	free(mn->labels);
	free(mn);
}

static void release_addr(void *n)
{
	free(n);
}

void symbols_free(struct symbols *s)
{
	if (!s)
		return;
	if (s->check)
		fprintf(stderr,
			"perfanalyze: PERFANALYZE_SYMTAB=check: %zu names from "
			"the symbol index, %zu not libdwfl's\n",
			s->checked, s->differed);
	nodes_release(&s->addrs, release_addr);
	nodes_release(&s->mods, release_mod);
	nodes_release(&s->strs, release_str);
	free(s->tmp);
	free(s);
}

static const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * The kernel's vdso has no file on disk (the shim records it by the name
 * the dynamic linker gives it, or as the "[vdso]" mapping), and nor do the
 * other bracketed pseudo-mappings.
 */
static bool is_pseudo_path(const char *path)
{
	const char *base = path_basename(path);

	return path[0] == '[' || strncmp(base, "linux-vdso", 10) == 0 ||
	       strncmp(base, "linux-gate", 10) == 0;
}

/*
 * build_id_matches - whether the file reported in mod is the object the
 * trace saw. A trace without a build-id cannot be checked, so the file is
 * trusted; a traced build-id the file lacks is a mismatch.
 */
static bool build_id_matches(Dwfl_Module *mod, const struct module_info *m)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int len;

	if (!m->build_id || m->build_id_len == 0)
		return true;
	len = dwfl_module_build_id(mod, &bits, &vaddr);
	return len > 0 && (size_t)len == m->build_id_len &&
	       memcmp(bits, m->build_id, m->build_id_len) == 0;
}

static void warn_cannot_open(const char *path)
{
	warning("%s: cannot open it: %s; its frames are shown as module+0xoffset",
		path, dwfl_errmsg(-1));
}

/*
 * report - a Dwfl of its own holding the ELF file at path as module name,
 * at the load bias; *mod its module. NULL (with libdwfl's error) if the
 * file cannot be read.
 */
static Dwfl *report(const char *name, const char *path, uint64_t bias,
		    Dwfl_Module **mod)
{
	Dwfl *dwfl = dwfl_begin(&dwfl_callbacks);
	char *file;
	int fd;

	if (!dwfl)
		return NULL;
	dwfl_report_begin(dwfl);
	/* A file with its own compressed DWARF is read from its plain copy
	 * (with the cache on); libdwfl opens any other by name, and reports
	 * its own errors. */
	file = xstrdup(path);
	fd = debugcache_dir() ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && !debugcache_swap(&fd, &file, NULL, 0, true)) {
		close(fd);
		fd = -1;
	}
	/*
	 * add_p_vaddr: base is the load bias (runtime - ELF vaddr), exactly
	 * what the trace records; libdwfl ignores it for ET_EXEC.
	 */
	*mod = dwfl_report_elf(dwfl, name, file, fd, bias, true);
	free(file);
	if (!*mod) {
		if (fd >= 0)
			close(fd);
		dwfl_end(dwfl);
		return NULL;
	}
	if (dwfl_report_end(dwfl, NULL, NULL) != 0) {
		dwfl_end(dwfl);
		return NULL;
	}
	return dwfl;
}

/*
 * other_build - a file of m's traced build where the one at its path is
 * another build (rebuilt in place) or gone: the copy the cache kept of it
 * (debugcache_keep_object), else DIR/.build-id/xx/yyyy.debug or
 * DIR/.build-id/xx/yyyy (a separate debug file, or the object itself,
 * as perf's build-id cache keeps them) under an absolute directory of
 * the debug path (--debug-dir, PERFSHIM_DEBUG_DIR, /usr/lib/debug).
 * Reported into *dwfl and *mod only if its build-id is the traced one.
 */
static bool other_build(const struct mod_node *mn, const struct module_info *m,
			Dwfl **dwfl, Dwfl_Module **mod)
{
	char hex[2 * MODULE_MAX_BUILD_ID + 1], *copy, *dir = NULL, *save = NULL;
	char path[PATH_MAX];
	const char *objects = debugcache_objects_dir();
	bool found = false;

	if (!m->build_id || m->build_id_len < 2 ||
	    m->build_id_len > MODULE_MAX_BUILD_ID)
		return false;
	module_hex_id(m->build_id, m->build_id_len, hex, sizeof(hex));
	copy = xstrdup(debuginfo_path);
	for (int k = -1; !found; k++) {
		const char *suffix = k >= 0 && k % 2 == 0 ? ".debug" : "";

		if (k < 0) {
			if (!objects)
				continue;
			snprintf(path, sizeof(path), "%s/%s", objects, hex);
		} else {
			if (k % 2 == 0)
				dir = strtok_r(k ? NULL : copy, ":", &save);
			if (!dir)
				break;
			if (dir[0] != '/')
				continue;
			snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s%s",
				 dir, hex, hex + 2, suffix);
		}
		if (access(path, R_OK))
			continue;
		*dwfl = report(mn->name, path, m->bias, mod);
		found = *dwfl && build_id_matches(*mod, m);
		if (*dwfl && !found)
			dwfl_end(*dwfl);
		/* the cache's link to a file since written over in place
		 * (cp onto it): another build now, kept again when next seen */
		if (k < 0 && !found)
			unlink(path);
	}
	free(copy);
	return found;
}

/*
 * open_module - give mn its own Dwfl with m's file reported at the traced
 * load bias, and decide how far its frames can be trusted. A Dwfl per
 * module because modules of different moments of the trace may occupy the
 * same addresses, which one Dwfl address map cannot hold.
 */
static void open_module(struct mod_node *mn, const struct module_info *m,
			const char *path)
{
	char hex[2 * MODULE_MAX_BUILD_ID + 1];
	Dwfl_Module *mod;
	struct stat st;
	Dwfl *dwfl;

	mn->state = MOD_NOFILE;
	if (!*path || is_pseudo_path(path))
		return; /* nothing to read, and nothing to warn about */
	/* A FIFO (or a device) at a module's path would block the read. */
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		warning("%s: not a regular file; its frames are shown as module+0xoffset",
			path);
		return;
	}
	dwfl = report(mn->name, path, m->bias, &mod);
	if (dwfl && build_id_matches(mod, m)) {
		mn->dwfl = dwfl;
		mn->mod = mod;
		mn->state = MOD_OK;
		if (m->build_id && m->build_id_len &&
		    m->build_id_len <= MODULE_MAX_BUILD_ID) {
			module_hex_id(m->build_id, m->build_id_len, hex,
				      sizeof(hex));
			debugcache_keep_object(path, hex);
		}
		return;
	}
	Dwfl *other;
	Dwfl_Module *other_mod;

	if (other_build(mn, m, &other, &other_mod)) {
		if (dwfl)
			dwfl_end(dwfl);
		mn->dwfl = other;
		mn->mod = other_mod;
		mn->state = MOD_OK;
		return;
	}
	if (!dwfl) {
		warn_cannot_open(path);
		return;
	}
	mn->dwfl = dwfl;
	mn->mod = mod;
	/*
	 * The file was rebuilt since the trace, so its line table and inline
	 * tree describe other code: no file:line, which would look precise
	 * and be wrong. The symbol table still gives a name (as symbols.h
	 * promises): if code moved it may be a neighbour's, but it points
	 * the reader near the right place, which "??" does not.
	 */
	mn->state = MOD_STALE;
	warning("%s: build-id differs from the traced one (rebuilt since?), and no file of the traced build was found (--debug-dir); its frames are shown as module+0xoffset",
		path);
}

/* get_module - the state kept for m, created (and its file opened) once. */
static struct mod_node *get_module(struct symbols *s,
				   const struct module_info *m)
{
	uint64_t h = mix64(m->id);
	const char *path = m->path ? m->path : "";
	struct mod_node *mn = nodes_find(&s->mods, h, mod_eq, &m->id);

	if (mn)
		return mn;
	mn = calloc(1, sizeof(*mn));
	if (!mn) {
		warn_oom(s);
		return NULL;
	}
	mn->id = m->id;
	mn->name = intern(s, path_basename(path), no_file);
	open_module(mn, m, path);
	nodes_add(&s->mods, h, mod_eq, mn);
	return mn;
}

static int sym_range_cmp(const void *a, const void *b)
{
	const struct sym_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The index in v[0..n) (sorted by lo) of the first range starting above
 * pc: the ranges before it start at or below pc. */
static size_t first_above(const struct sym_range *v, size_t n, GElf_Addr pc)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].lo <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * index_syms - mn->syms: the symbols dwfl_module_addrinfo would take
 * for an address inside them (named, defined, not a section, file or
 * TLS symbol, with a size), sorted; mn->labels: the addresses of such
 * symbols without a size. Once per module: addrinfo reads the whole
 * table at each call (cc1: 28,902 symbols, --leaks took 2.1 s).
 */
static void index_syms(struct symbols *s, struct mod_node *mn, Dwfl_Module *mod)
{
	int n = dwfl_module_getsymtab(mod);
	size_t k = 0;

	mn->syms_built = true;
	if (n <= 1)
		return;
	mn->syms = malloc((size_t)n * sizeof(*mn->syms));
	mn->labels = malloc((size_t)n * sizeof(*mn->labels));
	if (!mn->syms || !mn->labels) {
		free(mn->syms);
		free(mn->labels);
		mn->syms = NULL;
		mn->labels = NULL;
		warn_oom(s);
		return;
	}
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr,
							   &shndx, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);

		if (!name || !name[0] || sym.st_shndx == SHN_UNDEF ||
		    type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		if (!sym.st_size) {
			mn->labels[mn->nlabels++].lo = addr;
			continue;
		}
		mn->syms[k].lo = addr;
		mn->syms[k].hi = addr + sym.st_size;
		mn->syms[k].name = name;
		mn->syms[k].index = i;
		mn->syms[k].binding =
			GELF_ST_BIND(sym.st_info) == STB_GLOBAL	 ? 3
			: GELF_ST_BIND(sym.st_info) == STB_WEAK	 ? 2
			: GELF_ST_BIND(sym.st_info) == STB_LOCAL ? 1
								 : 0;
		k++;
	}
	qsort(mn->syms, k, sizeof(*mn->syms), sym_range_cmp);
	qsort(mn->labels, mn->nlabels, sizeof(*mn->labels), sym_range_cmp);
	/* Labels are few (cc1: 5 of 28,902): give the rest back. */
	struct sym_range *fit =
		realloc(mn->labels,
			(mn->nlabels ? mn->nlabels : 1) * sizeof(*mn->labels));

	if (fit)
		mn->labels = fit;
	for (size_t i = 0; i < k; i++)
		mn->syms[i].top = i && mn->syms[i - 1].top > mn->syms[i].hi
					  ? mn->syms[i - 1].top
					  : mn->syms[i].hi;
	mn->nsyms = k;
}

/*
 * symtab_index_name - the ELF symbol containing pc, NULL when there is none.
 * Where exactly one sized symbol contains pc, it is the one
 * dwfl_module_addrinfo gives (it prefers a sized symbol that contains
 * the address to any other). Where none does, addrinfo names pc after
 * a label only if one is at or above the end of every symbol below pc:
 * with no such label there is no name. Where several sized symbols
 * contain pc (aliases), or such a label exists, addrinfo chooses, by its
 * own rules (the order of the table among them).
 */
static const char *symtab_index_name(struct symbols *s, struct mod_node *mn,
				     Dwfl_Module *mod, Dwarf_Addr pc)
{
	GElf_Off offset;
	GElf_Sym sym;

	if (!mn->syms_built)
		index_syms(s, mn, mod);
	size_t lo = first_above(mn->syms, mn->nsyms, pc), found = 0;
	const struct sym_range *best = NULL;
	bool same = true; /* every one found covers the same range */

	for (size_t i = lo; i-- > 0 && mn->syms[i].top > pc;) {
		const struct sym_range *r = &mn->syms[i];

		if (r->hi <= pc)
			continue;
		found++;
		if (best && (r->lo != best->lo || r->hi != best->hi))
			same = false;
		/* Aliases: addrinfo keeps the best binding, then the first
		 * in the table. */
		if (!best || r->binding > best->binding ||
		    (r->binding == best->binding && r->index < best->index))
			best = r;
	}
	if (found && same)
		return best->name;
	if (!found && (mn->nsyms || mn->nlabels)) {
		GElf_Addr below = lo ? mn->syms[lo - 1].top : 0;
		size_t a = first_above(mn->labels, mn->nlabels, pc);

		if (!a || mn->labels[a - 1].lo < below)
			return NULL;
	}
	return dwfl_module_addrinfo(mod, pc, &offset, &sym, NULL, NULL, NULL);
}

/* symtab_name - symtab_index_name's, compared with addrinfo's under
 * PERFANALYZE_SYMTAB=check. */
static const char *symtab_name(struct symbols *s, struct mod_node *mn,
			       Dwfl_Module *mod, Dwarf_Addr pc)
{
	const char *name = symtab_index_name(s, mn, mod, pc);

	if (s->check) {
		GElf_Off offset;
		GElf_Sym sym;
		const char *want = dwfl_module_addrinfo(mod, pc, &offset, &sym,
							NULL, NULL, NULL);

		s->checked++;
		s->differed += !name != !want || (name && strcmp(name, want));
	}
	return name;
}

/*
 * src_line - the line table's file:line for pc in cudie, "" and 0 if
 * unknown. libdw's own lookup on the unit find_cu found, not
 * dwfl_module_getsrc, which finds units through .debug_aranges only.
 */
static void src_line(struct symbols *s, Dwarf_Die *cudie, Dwarf_Addr pc,
		     Dwarf_Addr bias, const char **file, unsigned *line)
{
	Dwarf_Line *l = dwarf_getsrc_die(cudie, pc - bias);
	const char *name = NULL;
	int lineno = 0;

	if (l) {
		name = dwarf_linesrc(l, NULL, NULL);
		if (dwarf_lineno(l, &lineno) != 0)
			lineno = 0;
	}
	*file = name ? intern(s, name, no_file) : no_file;
	*line = lineno > 0 ? (unsigned)lineno : 0;
}

static int cu_range_cmp(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	return x->low < y->low ? -1 : x->low > y->low;
}

/*
 * index_cus - sort the address ranges of every unit of mod into mn->cus.
 * Once per module, and only for modules whose .debug_aranges misses
 * addresses: a linear pass over the unit DIEs (not their children).
 */
static void index_cus(struct symbols *s, struct mod_node *mn, Dwfl_Module *mod)
{
	struct cu_range *cus = NULL;
	size_t n = 0, cap = 0;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;

	mn->cus_built = true;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL) {
		Dwarf_Addr base, low, high;
		ptrdiff_t off = 0;

		while ((off = dwarf_ranges(cu, off, &base, &low, &high)) > 0) {
			if (low >= high)
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct cu_range *p;

				p = realloc(cus, ncap * sizeof(*p));
				if (!p) {
					warn_oom(s);
					goto out;
				}
				cus = p;
				cap = ncap;
			}
			cus[n].low = low;
			cus[n].high = high;
			cus[n].cudie = *cu;
			n++;
		}
	}
out:
	if (n)
		qsort(cus, n, sizeof(*cus), cu_range_cmp);
	mn->cus = cus;
	mn->ncus = n;
}

/*
 * find_cu - the compilation unit DIE covering pc, NULL when DWARF has
 * none; *bias converts pc to DWARF addresses. libdwfl looks units up in
 * .debug_aranges alone (elfutils before 0.191 takes a missing section for
 * "no addresses"), and clang emits none by default, nor do objects built
 * without it in a gcc-built binary; so on a miss, search the units' own
 * ranges.
 */
static Dwarf_Die *find_cu(struct symbols *s, struct mod_node *mn,
			  Dwfl_Module *mod, Dwarf_Addr pc, Dwarf_Addr *bias)
{
	Dwarf_Die *cudie = dwfl_module_addrdie(mod, pc, bias);
	size_t lo = 0, hi;

	if (cudie)
		return cudie;
	if (!dwfl_module_getdwarf(mod, bias))
		return NULL; /* no DWARF at all: nothing to index */
	if (!mn->cus_built)
		index_cus(s, mn, mod);
	/* the last range starting at or below pc */
	hi = mn->ncus;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mn->cus[mid].low <= pc - *bias)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || pc - *bias >= mn->cus[lo - 1].high)
		return NULL;
	return &mn->cus[lo - 1].cudie;
}

/*
 * die_function - the name of a subprogram or inlined_subroutine DIE,
 * NULL when it has none. The linkage name comes first so C++ demangles
 * with its scope and parameters; dwarf_attr_integrate follows
 * DW_AT_abstract_origin and DW_AT_specification to where the names are.
 */
static const char *die_function(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name;

	name = dwarf_formstring(
		dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
	if (!name)
		name = dwarf_formstring(dwarf_attr_integrate(
			die, DW_AT_MIPS_linkage_name, &attr));
	if (!name)
		name = dwarf_formstring(
			dwarf_attr_integrate(die, DW_AT_name, &attr));
	return name;
}

/*
 * call_site - the DW_AT_call_file:DW_AT_call_line of an inlined_subroutine
 * DIE, the place in the enclosing function where it was inlined.
 */
static void call_site(struct symbols *s, Dwarf_Die *inl, const char **file,
		      unsigned *line)
{
	Dwarf_Attribute attr, *a;
	Dwarf_Word word;
	Dwarf_Files *files;
	Dwarf_Die cu;
	size_t nfiles;
	const char *name;

	*file = no_file;
	*line = 0;
	a = dwarf_attr(inl, DW_AT_call_line, &attr);
	if (a && dwarf_formudata(a, &word) == 0 && word <= UINT_MAX)
		*line = (unsigned)word;
	a = dwarf_attr(inl, DW_AT_call_file, &attr);
	if (!a || dwarf_formudata(a, &word) != 0)
		return;
	if (!dwarf_diecu(inl, &cu, NULL, NULL) ||
	    dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 || word >= nfiles)
		return;
	name = dwarf_filesrc(files, word, NULL, NULL);
	/* libdw's placeholder for DWARF 4's unused file 0 */
	if (name && strcmp(name, "???") != 0)
		*file = intern(s, name, no_file);
}

static int fn_range_cmp(const void *a, const void *b)
{
	const struct fn_range *x = a, *y = b;

	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * add_fns - the ranges of the subprograms with code among parent's
 * children, and among those of the namespaces, types and modules there
 * (C++ and Fortran scopes), into u. Not inside functions: a nested
 * function's pc falls back to dwarf_getscopes (unit_scopes).
 */
static void add_fns(struct unit_fns *u, size_t *cap, Dwarf_Die *parent,
		    int depth)
{
	Dwarf_Die child;

	if (depth > 64 || dwarf_child(parent, &child) != 0)
		return;
	do {
		Dwarf_Addr base, low, high;
		ptrdiff_t off = 0;

		switch (dwarf_tag(&child)) {
		case DW_TAG_subprogram:
			while ((off = dwarf_ranges(&child, off, &base, &low,
						   &high)) > 0) {
				if (low >= high)
					continue;
				XGROW(u->v, *cap, u->n + 1);
				u->v[u->n] = (struct fn_range){ .low = low,
								.high = high,
								.seq = u->n,
								.die = child };
				u->n++;
			}
			break;
		case DW_TAG_namespace:
		case DW_TAG_module:
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
			add_fns(u, cap, &child, depth + 1);
			break;
		default:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int unit_eq(const void *ctx, size_t i)
{
	const struct mod_node *mn = ((const void *const *)ctx)[0];
	const Dwarf_Off *off = ((const void *const *)ctx)[1];

	return mn->units[i].cu == *off;
}

/* The function index of the unit cudie, built on first use. */
static const struct unit_fns *unit_of(struct mod_node *mn, Dwarf_Die *cudie)
{
	Dwarf_Off off = dwarf_dieoffset(cudie);
	const void *ctx[2] = { mn, &off };
	size_t i = hashtab_put(&mn->unit_ix, hash64(off), unit_eq, ctx,
			       mn->nunits),
	       cap = 0;

	if (i < mn->nunits)
		return &mn->units[i];
	XGROW(mn->units, mn->units_cap, mn->nunits + 1);
	struct unit_fns *u = &mn->units[mn->nunits++];

	*u = (struct unit_fns){ .cu = off };
	add_fns(u, &cap, cudie, 0);
	if (u->n)
		qsort(u->v, u->n, sizeof(*u->v), fn_range_cmp);
	for (size_t k = 0; k < u->n; k++)
		u->v[k].top = k && u->v[k - 1].top > u->v[k].high
				      ? u->v[k - 1].top
				      : u->v[k].high;
	return u;
}

/*
 * unit_scopes - the concrete scopes at pc (a DWARF address) from the
 * innermost out to the unit DIE, as dwarf_getscopes_die gives them for
 * dwarf_getscopes' innermost, into a malloc'd *out; their count, or <= 0.
 * The function comes from the unit's index, and only its own tree is
 * walked down to pc; dwarf_getscopes, which walks the unit's tree from
 * the top for every pc, is kept for a pc the index does not place. In a
 * unit as large as CPython's ceval.c that walk was most of the time of
 * a report.
 */
static int unit_scopes(struct mod_node *mn, Dwarf_Die *cudie, Dwarf_Addr pc,
		       Dwarf_Die **out)
{
	const struct unit_fns *u = unit_of(mn, cudie);
	size_t lo = 0, hi = u->n, n = 0, cap = 0;
	const struct fn_range *hit = NULL;
	Dwarf_Die *v = NULL, die, child;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->v[mid].low <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Aliases (glibc's assembly) overlap: the first in the tree, as
	 * dwarf_getscopes finds it. */
	for (size_t k = lo; k-- > 0 && u->v[k].top > pc;)
		if (pc < u->v[k].high && (!hit || u->v[k].seq < hit->seq))
			hit = &u->v[k];
	if (!hit) {
		Dwarf_Die *scopes = NULL;
		int ns = dwarf_getscopes(cudie, pc, &scopes);

		if (ns > 0)
			ns = dwarf_getscopes_die(&scopes[0], out);
		free(scopes);
		return ns;
	}
	die = hit->die;
	XGROW(v, cap, n + 2);
	v[n++] = die;
	/* down the concrete tree: the child whose code holds pc, whatever
	 * it is (a block, inlined code, a nested function), as
	 * dwarf_getscopes takes any */
	while (dwarf_child(&die, &child) == 0) {
		bool in = false;

		do
			in = dwarf_haspc(&child, pc) == 1;
		while (!in && dwarf_siblingof(&child, &child) == 0);
		if (!in)
			break;
		XGROW(v, cap, n + 2);
		v[n++] = child;
		die = child;
	}
	/* innermost first, then the unit */
	for (size_t i = 0; i < n / 2; i++) {
		Dwarf_Die t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	v[n++] = *cudie;
	*out = v;
	return (int)n;
}

/*
 * resolve_dwarf - push the inlined frames at pc, innermost first, then the
 * function containing them. Returns 0 when DWARF does not cover pc, so
 * the caller falls back to the symbol table.
 *
 * dwarf_getscopes gives the innermost scope at pc, but above the innermost
 * inlined_subroutine it continues in the abstract (declared) tree; the
 * concrete nesting of inlined code comes from dwarf_getscopes_die on that
 * innermost scope, as eu-addr2line -i does.
 */
static int resolve_dwarf(struct symbols *s, struct mod_node *mn,
			 Dwfl_Module *mod, Dwarf_Addr pc)
{
	Dwarf_Die *chain = NULL;
	Dwarf_Die *cudie;
	Dwarf_Addr bias;
	const char *file;
	unsigned line;
	int nchain, i, start = s->ntmp;
	bool outer = false;

	cudie = find_cu(s, mn, mod, pc, &bias);
	if (!cudie)
		return 0;
	nchain = unit_scopes(mn, cudie, pc - bias, &chain);
	if (nchain <= 0) {
		free(chain);
		return 0;
	}

	/* the innermost frame is where the line table puts pc */
	src_line(s, cudie, pc, bias, &file, &line);
	for (i = 0; i < nchain && !outer; i++) {
		Dwarf_Die *die = &chain[i];
		const char *name;

		switch (dwarf_tag(die)) {
		case DW_TAG_inlined_subroutine:
			name = intern_function(s, die_function(die));
			if (push_frame(s, name, file, line, 1) < 0)
				goto out;
			/* the next frame out is at this one's call site */
			call_site(s, die, &file, &line);
			break;
		case DW_TAG_subprogram:
		case DW_TAG_entry_point:
			name = die_function(die);
			if (!name)
				name = symtab_name(s, mn, mod, pc);
			if (push_frame(s, intern_function(s, name), file, line,
				       0) < 0)
				goto out;
			outer = true;
			break;
		default:
			break; /* lexical blocks and the CU */
		}
	}
	if (!outer && s->ntmp > start) {
		/*
		 * Inlined code with no subprogram above it in this unit
		 * (odd producers): the symbol table names the function.
		 */
		push_frame(s, intern_function(s, symtab_name(s, mn, mod, pc)),
			   file, line, 0);
	}
out:
	free(chain);
	return s->ntmp - start;
}

/*
 * resolve - push the frames of pc in module mn onto s->tmp. Whatever
 * changes what this gives for an address must raise SYMCACHE_VERSION
 * (symcache.h), or later runs would keep giving the old answer.
 */
static void resolve(struct symbols *s, struct mod_node *mn, Dwarf_Addr pc)
{
	Dwfl_Module *mod = NULL;
	Dwarf_Die *cudie;
	Dwarf_Addr bias;
	const char *file;
	unsigned line;

	/* A rebuilt file puts other code at the traced addresses: any name
	 * read from it would be a neighbour's, which is worse than none. */
	if (mn->state != MOD_NOFILE && mn->state != MOD_STALE)
		mod = dwfl_addrmodule(mn->dwfl, pc);
	if (!mod) {
		/* no file, or pc outside the module's segments */
		push_frame(s, unknown_fn, no_file, 0, 0);
		return;
	}
	if (resolve_dwarf(s, mn, mod, pc) > 0)
		return;
	/*
	 * No function DIE at pc (stripped, or assembly): the symbol table
	 * names it, and a unit's line table may still place it.
	 */
	file = no_file;
	line = 0;
	cudie = find_cu(s, mn, mod, pc, &bias);
	if (cudie)
		src_line(s, cudie, pc, bias, &file, &line);
	push_frame(s, intern_function(s, symtab_name(s, mn, mod, pc)), file,
		   line, 0);
}

/*
 * The cache of earlier runs' answers for m, when they can stand in for
 * resolve(): the file is the traced build (checked against its
 * build-id), and no check of the symbol index is asked for. The answers
 * are those read from what m has here: DWARF or its symbol table alone,
 * and as many symbols (symcache.h). Without either, every name is
 * MODULE+0xOFFSET, which costs nothing to make.
 */
static struct symcache *cache_of(struct symbols *s, struct mod_node *mn,
				 const struct module_info *m)
{
	Dwarf_Addr bias;
	bool dwarf;
	int nsyms;

	if (mn->cache_tried)
		return mn->cache;
	mn->cache_tried = true;
	if (mn->state != MOD_OK || s->check || !m->build_id ||
	    !debugcache_symbols_dir())
		return NULL;
	dwarf = dwfl_module_getdwarf(mn->mod, &bias) != NULL;
	nsyms = dwfl_module_getsymtab(mn->mod);
	if (nsyms < 0)
		nsyms = 0;
	if (dwarf || nsyms > 0)
		mn->cache =
			symcache_open(m->build_id, m->build_id_len,
				      dwarf ? SYMCACHE_DWARF : SYMCACHE_SYMTAB,
				      (uint32_t)nsyms);
	return mn->cache;
}

/* Push the frames the cache holds for pc onto s->tmp; false if none. */
static bool from_cache(struct symbols *s, struct symcache *c,
		       const struct module_info *m, uint64_t pc)
{
	struct symcache_frame f[64];
	int n = symcache_get(c, pc - m->bias, f, 64);

	for (int i = 0; i < n; i++) {
		const char *fn = strcmp(f[i].function, unknown_fn)
					 ? intern(s, f[i].function, unknown_fn)
					 : unknown_fn;
		const char *file =
			*f[i].file ? intern(s, f[i].file, no_file) : no_file;

		if (push_frame(s, fn, file, f[i].line, f[i].inlined) < 0)
			break;
	}
	return s->ntmp > 0;
}

/*
 * Keep the frames of pc on s->tmp in the cache c, for later runs; not
 * once memory has run out, when they may be missing some.
 */
static void to_cache(struct symbols *s, struct symcache *c,
		     const struct module_info *m, uint64_t pc)
{
	struct symcache_frame f[64];
	int n = s->ntmp < 64 ? s->ntmp : 64;

	if (!c || n < s->ntmp || s->oom_warned)
		return;
	for (int i = 0; i < n; i++)
		f[i] = (struct symcache_frame){ s->tmp[i].function,
						s->tmp[i].file, s->tmp[i].line,
						s->tmp[i].inlined };
	symcache_put(c, pc - m->bias, f, n);
}

static int copy_frames(const struct sym_frame *frames, int n,
		       struct sym_frame *out, int max)
{
	if (n > max)
		n = max;
	memcpy(out, frames, (size_t)n * sizeof(*out));
	return n;
}

/* in_module - whether pc lies in m (in a segment, when the trace has them). */
static bool in_module(const struct module_info *m, uint64_t pc)
{
	if (pc < m->bias)
		return false;
	for (size_t i = 0; i < m->nsegs; i++)
		if (pc - m->segs[i].start < m->segs[i].size)
			return true;
	return !m->nsegs;
}

/*
 * offset_name - "module+0xOFFSET" for a pc no symbol names: the address
 * in the file's own terms (ELF vaddr, as addr2line and objdump take it),
 * so that two unknown places of one module stay two, and can be looked
 * up by hand.
 */
static const char *offset_name(struct symbols *s, const struct mod_node *mn,
			       const struct module_info *m, uint64_t pc)
{
	char buf[PATH_MAX + 32];

	snprintf(buf, sizeof(buf), "%s+0x%" PRIx64,
		 mn->name[0] ? mn->name : "??", pc - m->bias);
	return intern(s, buf, unknown_fn);
}

int symbols_lookup(struct symbols *s, const struct module_info *m, uint64_t ip,
		   int is_return, struct sym_frame *out, int max)
{
	static const struct sym_frame unknown = {
		.function = unknown_fn,
		.file = no_file,
		.line = 0,
		.module = no_file,
		.inlined = 0,
	};
	struct symcache *cache;
	struct addr_node *an;
	struct mod_node *mn;
	uint64_t pc, h;
	int i;

	if (!out || max <= 0)
		return 0;
	if (!s || !m)
		return copy_frames(&unknown, 1, out, max);
	mn = get_module(s, m);
	if (!mn)
		return copy_frames(&unknown, 1, out, max);

	/*
	 * A return address points after the call, maybe already at the next
	 * line or past the end of the function: the call is at ip - 1.
	 */
	pc = is_return ? ip - 1 : ip;
	h = mix64(m->id * 0x9e3779b97f4a7c15ULL ^ pc);
	struct addr_node key = { .mod_id = m->id, .pc = pc };

	an = nodes_find(&s->addrs, h, addr_eq, &key);
	if (an)
		return copy_frames(an->frames, an->nframes, out, max);

	s->ntmp = 0;
	cache = cache_of(s, mn, m);
	if (!from_cache(s, cache, m, pc)) {
		s->ntmp = 0;
		resolve(s, mn, pc);
		to_cache(s, cache, m, pc);
	}
	if (s->ntmp == 0) {
		/* out of memory before even one frame */
		out[0] = unknown;
		out[0].module = mn->name;
		return 1;
	}
	for (i = 0; i < s->ntmp; i++) {
		s->tmp[i].module = mn->name;
		if (s->tmp[i].function == unknown_fn && in_module(m, pc))
			s->tmp[i].function = offset_name(s, mn, m, pc);
	}

	an = malloc(sizeof(*an) + (size_t)s->ntmp * sizeof(an->frames[0]));
	if (!an) {
		warn_oom(s);
		return copy_frames(s->tmp, s->ntmp, out, max);
	}
	an->mod_id = m->id;
	an->pc = pc;
	an->nframes = s->ntmp;
	memcpy(an->frames, s->tmp, (size_t)s->ntmp * sizeof(an->frames[0]));
	nodes_add(&s->addrs, h, addr_eq, an);
	return copy_frames(an->frames, an->nframes, out, max);
}
