/*
 * t_apart - work done by a copy of the process (shim/apart.c) while the
 * process holds every number its RLIMIT_NOFILE allows: /proc/self's files
 * read by the copy are the process's (the memory map, the command line),
 * a buffer too small says so by filling up, and the process's
 * descriptors, children and errno are as they were.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apart.h"
#include "fdheld.h"
#include "tap.h"

#define LIMIT 16

static char direct[1 << 20], copied[1 << 20];

/* /proc/self/LEAF read the usual way: bytes, or -1. */
static ssize_t read_direct(const char *leaf, char *buf, size_t cap)
{
	char path[64] = "/proc/self/";
	size_t got = 0;
	ssize_t n;

	strcat(path, leaf);
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)n;
	close(fd);
	return (ssize_t)got;
}

int main(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	int filled[LIMIT], nfilled;
	ssize_t dn, cn;

	plan(9);
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		diag("setrlimit: %s", strerror(errno));
		return 1;
	}
	nfilled = fds_fill(filled, LIMIT);
	is_int(fds_open_below(LIMIT), LIMIT,
	       "every number below the limit is held");

	errno = 1234;
	cn = perfshim_proc_read_apart("maps", copied, sizeof(copied));
	is_int(errno, 1234, "a read by a copy leaves errno as it was");
	ok(fds_as_they_were(filled, nfilled, LIMIT),
	   "every number the process held is still open, no child left");
	ok(cn > 0 && memmem(copied, (size_t)cn, "[stack]", 7),
	   "the copy read the memory map (%zd bytes)", cn);
	is_int(perfshim_proc_read_apart("maps", copied, 100), 100,
	       "a buffer too small comes back full");
	cn = perfshim_proc_read_apart("cmdline", copied, sizeof(copied));
	is_int(perfshim_proc_read_apart("no-such-file", copied, 10), -ENOENT,
	       "a file not there: -ENOENT");

	close(filled[--nfilled]);
	dn = read_direct("cmdline", direct, sizeof(direct));
	ok(cn > 0 && cn == dn && !memcmp(copied, direct, (size_t)dn),
	   "the command line is the process's");
	/* the same memory: the same map, read either way, nothing between */
	cn = perfshim_proc_read_apart("maps", copied, sizeof(copied));
	dn = read_direct("maps", direct, sizeof(direct));
	ok(cn > 0 && cn == dn && !memcmp(copied, direct, (size_t)dn),
	   "the memory map is the process's");
	is_int(perfshim_proc_read_apart("a-name-longer-than-thirty-one-bytes-x",
					copied, 10),
	       -ENAMETOOLONG, "a name too long: -ENAMETOOLONG");
	for (int i = 0; i < nfilled; i++)
		close(filled[i]);
	return exit_status();
}
