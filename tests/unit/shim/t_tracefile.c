/*
 * t_tracefile - the trace's file under a descriptor limit with no room
 * above it (shim/tracefile.c, "lean"): no number is kept between writes,
 * each write appends where the last ended, and while the process holds
 * every number its limit allows a write still lands, from a copy of the
 * process that leaves the process's descriptors and children as they
 * were. A trace whose name no longer names it stops tracing, said once;
 * one made by a relative name is still found after the program changes
 * directory. A trace made while every number is held (the child of a
 * program that holds them all) is made by a copy too, under the next
 * free name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdheld.h"
#include "fds.h"
#include "shim.h"
#include "tap.h"
#include "tracefile.h"

#define LIMIT 16

/* What tracefile.o needs from the interposing modules (fds.c, init.c),
 * which a unit test must not link: descriptors taken as they come. */
HIDDEN struct shim_config perfshim_cfg;
HIDDEN _Atomic int perfshim_recording = 1;
static char said[512];
static int says;

HIDDEN void perfshim_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(said, sizeof(said), fmt, ap);
	va_end(ap);
	says++;
}
HIDDEN int perfshim_lift_fd(int fd)
{
	return fd;
}
HIDDEN int perfshim_high_fd(int fd)
{
	(void)fd;
	return -1;
}
HIDDEN int perfshim_close_own(int fd)
{
	return close(fd);
}
/* As fds.c: a number below a soft limit of at most 4096 is the program's. */
HIDDEN int perfshim_fd_in_budget(int fd)
{
	struct rlimit rl;

	return fd >= 0 && !getrlimit(RLIMIT_NOFILE, &rl) &&
	       rl.rlim_cur <= 4096 && (rlim_t)fd < rl.rlim_cur;
}
HIDDEN ssize_t perfshim_write_file(int fd, const void *p, size_t n)
{
	return write(fd, p, n);
}

static int file_is(const char *path, const char *want)
{
	char buf[64] = { 0 };
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	close(fd);
	return n == (ssize_t)strlen(want) && !memcmp(buf, want, (size_t)n);
}

int main(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	char dir[] = "/tmp/t_tracefile.XXXXXX", path[64];
	int filled[LIMIT], nfilled = 0, before;

	plan(22);
	if (!mkdtemp(dir) || setrlimit(RLIMIT_NOFILE, &rl)) {
		diag("setup: %s", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/t.zst", dir);
	perfshim_cfg.output = path;
	before = fds_open_below(LIMIT);

	is_int(perfshim_tracefile_open(), 0, "the trace is made");
	is_int(fds_open_below(LIMIT), before, "and no number is kept for it");
	ok(perfshim_tracefile_on() && perfshim_trace_fd() < 0,
	   "it is on, with no descriptor between writes");
	is_int(perfshim_tracefile_write((const uint8_t *)"abc", 3), 0,
	       "a write");
	ok(file_is(path, "abc") && fds_open_below(LIMIT) == before,
	   "lands, and keeps no number");

	nfilled = fds_fill(filled, LIMIT);
	is_int(fds_open_below(LIMIT), LIMIT,
	       "every number below the limit is held");
	errno = 1234;
	is_int(perfshim_tracefile_write((const uint8_t *)"def", 3), 0,
	       "a write while they are all held");
	is_int(errno, 1234, "leaves errno as it was");
	ok(fds_as_they_were(filled, nfilled, LIMIT),
	   "every number the process held is still open, no child left");
	for (int i = 0; i < nfilled; i++)
		close(filled[i]);
	ok(file_is(path, "abcdef"), "it landed after the first");

	unlink(path);
	is_int(perfshim_tracefile_write((const uint8_t *)"ghi", 3), -1,
	       "a write once the name names nothing");
	ok(says == 1 && strstr(said, "cannot be opened again by its name"),
	   "stops tracing, said once: %s", said);
	ok(!perfshim_tracefile_on() && !perfshim_recording,
	   "and the trace is off");

	/* A relative PERFSHIM_OUTPUT, and a program that changes directory
	 * after the trace was made: each write opens the trace made. */
	char rel[80];

	snprintf(rel, sizeof(rel), "%s/r.zst", dir);
	perfshim_recording = 1;
	perfshim_cfg.output = "r.zst";
	is_int(chdir(dir) || perfshim_tracefile_open(), 0,
	       "a trace by a relative name");
	is_int(chdir("/") ||
		       perfshim_tracefile_write((const uint8_t *)"xyz", 3),
	       0, "a write after the program changed directory");
	ok(file_is(rel, "xyz"), "lands in the trace made");
	perfshim_tracefile_close();
	unlink(rel);

	char taken[80], made[80];

	snprintf(taken, sizeof(taken), "%s/c.zst", dir);
	snprintf(made, sizeof(made), "%s/c.zst.1", dir);
	close(open(taken, O_WRONLY | O_CREAT | O_EXCL, 0600));
	perfshim_cfg.output = taken;
	says = 0;
	nfilled = fds_fill(filled, LIMIT);
	is_int(fds_open_below(LIMIT), LIMIT, "every number held again");
	is_int(perfshim_tracefile_open(), 0,
	       "a trace made while they are all held");
	ok(fds_open_below(LIMIT) == LIMIT && !says,
	   "by a copy: the process's numbers as they were, nothing said");
	ok(perfshim_tracefile_on() && perfshim_trace_fd() < 0,
	   "lean from the start");
	is_int(perfshim_tracefile_write((const uint8_t *)"jkl", 3), 0,
	       "a write to it");
	for (int i = 0; i < nfilled; i++)
		close(filled[i]);
	ok(file_is(made, "jkl") && file_is(taken, ""),
	   "lands in the next free name, the taken one untouched");
	perfshim_tracefile_close();
	unlink(made);
	unlink(taken);
	rmdir(dir);
	return exit_status();
}
