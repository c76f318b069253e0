/* t_debugcache.c - unit tests for debugcache.c: plain copies by build-id. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <gelf.h>
#include <libelf.h>

#include "debugcache.h"
#include "tap.h"

static char top[] = "/tmp/t_debugcache.XXXXXX";

/* Whether some section of the file at path is SHF_COMPRESSED; -1: no ELF. */
static int compressed(const char *path)
{
	int fd = open(path, O_RDONLY), any = 0;
	Elf *e;
	Elf_Scn *scn = NULL;

	if (fd < 0)
		return -1;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return -1;
	}
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_COMPRESSED))
			any = 1;
	}
	elf_end(e);
	close(fd);
	return any;
}

/* The plain bytes of section name of the file at path (malloc'd). */
static void *section(const char *path, const char *name, size_t *len)
{
	int fd = open(path, O_RDONLY);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP_PRIVATE, NULL) : NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	void *out = NULL;

	*len = 0;
	if (e && !elf_getshdrstrndx(e, &shstrndx)) {
		while ((scn = elf_nextscn(e, scn)) != NULL) {
			GElf_Shdr sh;
			Elf_Data *d;
			const char *n;

			if (!gelf_getshdr(scn, &sh) ||
			    !(n = elf_strptr(e, shstrndx, sh.sh_name)) ||
			    strcmp(n, name))
				continue;
			if ((sh.sh_flags & SHF_COMPRESSED) &&
			    elf_compress(scn, 0, 0) < 0)
				break;
			d = elf_rawdata(scn, NULL);
			if (d && d->d_size) {
				out = malloc(d->d_size);
				memcpy(out, d->d_buf, d->d_size);
				*len = d->d_size;
			}
			break;
		}
	}
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	return out;
}

/* The program headers of the file at path, as text, into buf. */
static void phdrs(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	size_t n = 0, o = 0;

	buf[0] = '\0';
	if (e && !elf_getphdrnum(e, &n))
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && o < cap)
				o += (size_t)snprintf(
					buf + o, cap - o, "%u %lx %lx %lx %lx;",
					ph.p_type, (unsigned long)ph.p_offset,
					(unsigned long)ph.p_vaddr,
					(unsigned long)ph.p_filesz,
					(unsigned long)ph.p_memsz);
		}
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
}

/* What debugcache_dir() says in a child whose environment is set by
 * "NAME=VALUE" or "-NAME" (unset) items, NULL-ended; "(null)" for NULL. */
static char *dir_with(const char *const *env)
{
	int fds[2];
	char buf[PATH_MAX + 16];
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return strdup("pipe?");
	pid = fork();
	if (pid == 0) {
		const char *d;

		for (; *env; env++) {
			char *eq = strchr(*env, '=');

			if (**env == '-') {
				unsetenv(*env + 1);
			} else if (eq) {
				char name[64];

				snprintf(name, sizeof(name), "%.*s",
					 (int)(eq - *env), *env);
				setenv(name, eq + 1, 1);
			}
		}
		d = debugcache_dir();
		n = write(fds[1], d ? d : "(null)", strlen(d ? d : "(null)"));
		_exit(n < 0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = '\0';
	return strdup(buf);
}

static void where(void)
{
	char want[PATH_MAX], *got;
	const char *off[] = { "PERFSHIM_CACHE_DIR=off", NULL };
	const char *empty[] = { "PERFSHIM_CACHE_DIR=", NULL };
	char given[PATH_MAX + 32], xdg[PATH_MAX + 32], home[PATH_MAX + 32];

	snprintf(given, sizeof(given), "PERFSHIM_CACHE_DIR=%s/given", top);
	snprintf(xdg, sizeof(xdg), "XDG_CACHE_HOME=%s/xdg", top);
	snprintf(home, sizeof(home), "HOME=%s/home", top);
	const char *g[] = { given, xdg, NULL };
	const char *x[] = { "-PERFSHIM_CACHE_DIR", xdg, home, NULL };
	const char *rel[] = { "-PERFSHIM_CACHE_DIR", "XDG_CACHE_HOME=rel", home,
			      NULL };
	const char *none[] = { "-PERFSHIM_CACHE_DIR", "-XDG_CACHE_HOME",
			       "HOME=relative", NULL };

	got = dir_with(off);
	is_str(got, "(null)", "PERFSHIM_CACHE_DIR=off: no cache");
	free(got);
	got = dir_with(empty);
	is_str(got, "(null)", "PERFSHIM_CACHE_DIR empty: no cache");
	free(got);
	got = dir_with(g);
	snprintf(want, sizeof(want), "%s/given/debug", top);
	is_str(got, want, "PERFSHIM_CACHE_DIR first: DIR/debug");
	ok(access(want, F_OK) == 0, "and made, parents too");
	free(got);
	got = dir_with(x);
	snprintf(want, sizeof(want), "%s/xdg/perfshim/debug", top);
	is_str(got, want, "then XDG_CACHE_HOME/perfshim/debug");
	free(got);
	got = dir_with(rel);
	snprintf(want, sizeof(want), "%s/home/.cache/perfshim/debug", top);
	is_str(got, want, "a relative XDG_CACHE_HOME is not one: HOME's");
	free(got);
	got = dir_with(none);
	is_str(got, "(null)", "no absolute HOME either: no cache");
	free(got);
}

/* Open path, swap as debugcache_swap does; the result and where. */
static bool swap_path(const char *path, const void *id, size_t idlen,
		      bool want_info, char **now, int *fd)
{
	bool r;

	*now = strdup(path);
	*fd = open(path, O_RDONLY);
	r = debugcache_swap(fd, now, id, idlen, want_info);
	return r;
}

static void copies(void)
{
	char self[PATH_MAX], gz[PATH_MAX + 8], cmd[3 * PATH_MAX],
		text[PATH_MAX];
	char want[PATH_MAX * 2], a[4096], b[4096], *now;
	const void *id = NULL;
	unsigned char bad[20] = { 1, 2, 3 };
	struct stat st1, st2;
	ssize_t idlen;
	size_t la, lb;
	void *da, *db;
	int fd, efd;
	Elf *e;

	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[n > 0 ? n : 0] = '\0';
	snprintf(gz, sizeof(gz), "%s/gz", top);
	snprintf(cmd, sizeof(cmd),
		 "objcopy --compress-debug-sections=zlib '%s' '%s'", self, gz);
	if (system(cmd) != 0 || compressed(gz) != 1) {
		skip("objcopy cannot compress debug sections here");
		return;
	}
	efd = open(gz, O_RDONLY);
	e = elf_begin(efd, ELF_C_READ, NULL);
	idlen = dwelf_elf_gnu_build_id(e, &id);
	char hex[129];

	for (ssize_t i = 0; i < idlen && i < 64; i++)
		snprintf(hex + 2 * i, 3, "%02x",
			 ((const unsigned char *)id)[i]);
	ok(idlen > 0, "the test program has a build-id");

	snprintf(text, sizeof(text), "%s/text", top);
	FILE *f = fopen(text, "w");

	if (f) {
		fputs("not an ELF file\n", f);
		fclose(f);
	}
	ok(!swap_path(text, NULL, 0, false, &now, &fd), "not ELF: kept");
	is_str(now, text, "its path kept");
	close(fd);
	free(now);
	ok(!swap_path(self, NULL, 0, true, &now, &fd),
	   "nothing compressed: kept");
	close(fd);
	free(now);

	ok(swap_path(gz, id, (size_t)idlen, true, &now, &fd),
	   "compressed DWARF: the copy");
	snprintf(want, sizeof(want), "%s/%s.debug", debugcache_dir(), hex);
	is_str(now, want, "named by the build-id");
	is_int(compressed(now), 0, "nothing compressed in it");
	ok(!fstat(fd, &st1) && !stat(want, &st2) && st1.st_ino == st2.st_ino,
	   "the descriptor is the copy's");
	phdrs(gz, a, sizeof(a));
	phdrs(now, b, sizeof(b));
	is_str(b, a, "the program headers as they were");
	da = section(gz, ".debug_info", &la);
	db = section(now, ".debug_info", &lb);
	ok(da && la && la == lb && !memcmp(da, db, la),
	   ".debug_info: the same %zu bytes, inflated", la);
	free(da);
	free(db);
	da = section(gz, ".text", &la);
	db = section(now, ".text", &lb);
	ok(da && la == lb && !memcmp(da, db, la), ".text: the same bytes");
	free(da);
	free(db);
	close(fd);
	free(now);

	ok(swap_path(gz, id, (size_t)idlen, true, &now, &fd),
	   "asked again: the copy");
	ok(!stat(want, &st1) && st1.st_ino == st2.st_ino,
	   "the same file, not made again");
	close(fd);
	free(now);

	ok(!swap_path(gz, bad, sizeof(bad), false, &now, &fd),
	   "another build-id asked for: kept");
	is_str(now, gz, "its path kept");
	close(fd);
	free(now);

	f = fopen(want, "w");
	if (f) {
		fputs("garbage", f);
		fclose(f);
	}
	ok(swap_path(gz, id, (size_t)idlen, false, &now, &fd) &&
		   compressed(now) == 0,
	   "a wrong copy is made again");
	close(fd);
	free(now);
	elf_end(e);
	close(efd);
}

/* Objects kept by build-id: a link, so a rebuild in place keeps the old
 * build's content; kept once. */
static void objects(void)
{
	char src[PATH_MAX], kept[PATH_MAX + 64], buf[16] = { 0 };
	const char *dir = debugcache_objects_dir();
	struct stat a, b;
	FILE *f;

	ok(dir != NULL, "an objects directory in the cache");
	if (!dir)
		return;
	snprintf(src, sizeof(src), "%s/app", top);
	snprintf(kept, sizeof(kept), "%s/00aa11", dir);
	f = fopen(src, "w");
	if (f) {
		fputs("build 1", f);
		fclose(f);
	}
	debugcache_keep_object(src, "00aa11");
	ok(!stat(src, &a) && !stat(kept, &b) && a.st_ino == b.st_ino,
	   "kept as a link to the file");
	/* a build writes a new file in the old one's place */
	unlink(src);
	f = fopen(src, "w");
	if (f) {
		fputs("build 2", f);
		fclose(f);
	}
	debugcache_keep_object(src, "00aa11");
	f = fopen(kept, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	is_str(buf, "build 1", "the kept one is the old build's, kept once");
}

int main(void)
{
	char cache[PATH_MAX + 16], cmd[PATH_MAX + 16];

	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	elf_version(EV_CURRENT);
	where();
	snprintf(cache, sizeof(cache), "%s/c", top);
	setenv("PERFSHIM_CACHE_DIR", cache, 1);
	unsetenv("PERFSHIM_CACHE_MAX_MB");
	copies();
	objects();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		diag("could not remove %s", top);
	done_testing();
	return exit_status();
}
