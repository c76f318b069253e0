/*
 * fddir.c - the program's listings of its own descriptors leave the
 * shim's out.
 *
 * fds.c keeps the shim's descriptors (the trace, /proc/self/statm,
 * libunwind's pipe) at high numbers where close(), dup*() and fcntl()
 * treat them as never opened. A listing of /proc/self/fd (or /dev/fd,
 * or /proc/thread-self/fd) still showed them: fd-leak checks of test
 * suites, daemons closing "every open descriptor", lsof-like tools read
 * exactly that. So a directory stream opened on this process's
 * descriptor directory is remembered, and readdir() on it skips the
 * shim's numbers. A program that reads the directory with getdents64(2)
 * itself, or through glibc's own scandir(), still sees them.
 *
 * Contract: the interposers never block on anything but the real call,
 * allocate nothing of their own, and keep errno as the real call left it.
 * Each opendir() costs one fstat(2) more (two on a procfs directory).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/stat.h>

#include "fds.h"
#include "shim.h"

#define LISTS_MAX 16

/* Open streams over this process's descriptor directory; how many. */
static DIR *_Atomic lists[LISTS_MAX];
static _Atomic int nlists;
/* procfs's device (0: not known yet): other directories cost one fstat. */
static _Atomic dev_t proc_dev;

static DIR *(*real_opendir)(const char *);
static DIR *(*real_fdopendir)(int);
static struct dirent64 *(*real_readdir64)(DIR *);
static struct dirent *(*real_readdir)(DIR *);
static int (*real_closedir)(DIR *);

static void resolve(void)
{
	if (__atomic_load_n(&real_closedir, __ATOMIC_ACQUIRE))
		return;
	real_opendir = (DIR * (*)(const char *)) dlsym(RTLD_NEXT, "opendir");
	real_fdopendir = (DIR * (*)(int)) dlsym(RTLD_NEXT, "fdopendir");
	real_readdir64 =
		(struct dirent64 * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir64");
	real_readdir = (struct dirent * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir");
	__atomic_store_n(&real_closedir,
			 (int (*)(DIR *))dlsym(RTLD_NEXT, "closedir"),
			 __ATOMIC_RELEASE);
}

static int same(const struct stat *a, const char *path)
{
	struct stat b;

	return !stat(path, &b) && a->st_dev == b.st_dev &&
	       a->st_ino == b.st_ino;
}

/* 1 if dfd is this process's (or this thread's) descriptor directory. */
static int fd_dir(int dfd)
{
	struct stat a, p;
	dev_t dev = atomic_load(&proc_dev);

	if (fstat(dfd, &a) || !S_ISDIR(a.st_mode))
		return 0;
	if (!dev) {
		if (stat("/proc/self", &p))
			return 0;
		atomic_store(&proc_dev, dev = p.st_dev);
	}
	return a.st_dev == dev &&
	       (same(&a, "/proc/self/fd") || same(&a, "/proc/thread-self/fd"));
}

/* Remember d if it lists our descriptors (a full table: it is not). */
static DIR *watch(DIR *d)
{
	int e = errno;

	if (d && fd_dir(dirfd(d))) {
		for (int i = 0; i < LISTS_MAX; i++) {
			DIR *expect = NULL;

			if (atomic_compare_exchange_strong(&lists[i], &expect,
							   d)) {
				atomic_fetch_add(&nlists, 1);
				break;
			}
		}
	}
	errno = e;
	return d;
}

static int watched(DIR *d)
{
	if (!atomic_load_explicit(&nlists, memory_order_relaxed))
		return 0;
	for (int i = 0; i < LISTS_MAX; i++)
		if (atomic_load(&lists[i]) == d)
			return 1;
	return 0;
}

/* A name that is one of the shim's descriptor numbers. */
static int own_name(const char *name)
{
	int fd = 0;

	if (!*name)
		return 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || fd > 100000000)
			return 0;
		fd = fd * 10 + (*name - '0');
	}
	return perfshim_is_own_fd(fd);
}

EXPORT DIR *opendir(const char *path)
{
	resolve();
	return watch(real_opendir(path));
}

EXPORT DIR *fdopendir(int fd)
{
	resolve();
	return watch(real_fdopendir(fd));
}

/*
 * glibc on x86-64 has one entry type under two names (readdir64 is an
 * alias of readdir there): one body serves both. Each name goes on to
 * the next definition of its own name, though: a library preloaded after
 * the shim may define one and not the other (coreutils' rm-readdir-fail
 * test defines readdir alone, and rm calls readdir).
 */
_Static_assert(sizeof(struct dirent) == sizeof(struct dirent64) &&
		       offsetof(struct dirent, d_name) ==
			       offsetof(struct dirent64, d_name),
	       "struct dirent is struct dirent64");

typedef struct dirent64 *readdir_fn(DIR *);

static struct dirent64 *next_entry(DIR *d, readdir_fn *next)
{
	struct dirent64 *e = next(d);

	if (e && watched(d))
		while (e && own_name(e->d_name))
			e = next(d);
	return e;
}

EXPORT struct dirent *readdir(DIR *d)
{
	resolve();
	return (struct dirent *)next_entry(d, (readdir_fn *)real_readdir);
}

EXPORT struct dirent64 *readdir64(DIR *d)
{
	resolve();
	return next_entry(d, real_readdir64);
}

EXPORT int closedir(DIR *d)
{
	resolve();
	for (int i = 0; atomic_load(&nlists) && i < LISTS_MAX; i++) {
		DIR *expect = d;

		if (atomic_compare_exchange_strong(&lists[i], &expect, NULL))
			atomic_fetch_sub(&nlists, 1);
	}
	return real_closedir(d);
}
