/*
 * fds.h - the shim's own descriptors: kept at high close-on-exec numbers,
 * out of the program's way, and guarded against the program's close()
 * and dup2() (fds.c's interposers).
 *
 * Contract: none allocates or takes a lock the program can hold; each is
 * a few system calls (fcntl, getrlimit), async-signal-safe, and keeps
 * errno, except perfshim_write_file(), which reports as write(2) does. Usable before init. The shim owns the
 * descriptors it registers with perfshim_own_fd() until it disowns them.
 */
#ifndef PERFSHIM_FDS_H
#define PERFSHIM_FDS_H

#include <sys/types.h>

#include "compiler.h"

/*
 * perfshim_own_fd - move a descriptor the shim opened to a high number
 * (close-on-exec) and keep the program's close() off it. Returns the
 * descriptor to use from now on, or -1 (fd closed) when no high number
 * is free: the shim never keeps a number the program would get next.
 */
HIDDEN int perfshim_own_fd(int fd);
/* perfshim_disown_fd - the number is the program's again. */
HIDDEN void perfshim_disown_fd(int fd);
/* perfshim_close_own - close a descriptor of the shim's (the trace's,
 * which close() refuses to everyone). */
HIDDEN int perfshim_close_own(int fd);
/* perfshim_fd_in_budget - 1 if fd is below the soft RLIMIT_NOFILE: a
 * number the program could have had. */
HIDDEN int perfshim_fd_in_budget(int fd);
/* perfshim_unwind_pipe_release - after libunwind ran: its pipe closed if
 * it takes numbers from the program's budget (made again on demand). */
HIDDEN void perfshim_unwind_pipe_release(void);
/* perfshim_is_own_fd - 1 if fd is one of the shim's (the trace, or one
 * registered with perfshim_own_fd): to the program, never opened. */
HIDDEN int perfshim_is_own_fd(int fd);
/*
 * perfshim_lift_fd - fd moved out of the program's way (close-on-exec, as
 * perfshim_high_fd places it), or fd itself if it cannot be. Keeps errno.
 */
HIDDEN int perfshim_lift_fd(int fd);
/* perfshim_high_fd - a close-on-exec copy of fd just above a soft
 * RLIMIT_NOFILE under 4096 where the hard limit leaves room (out of the
 * program's budget), else at the highest free number below
 * min(RLIMIT_NOFILE, 4096); -1 if none. fd stays open. Not async-signal-
 * safe with respect to a concurrent setrlimit of the program's. */
HIDDEN int perfshim_high_fd(int fd);
/* perfshim_unwind_pipe_check - before libunwind runs: an end of its
 * probe pipe that a raw system call closed (its number perhaps the
 * program's since) is forgotten, never read, written or closed; two
 * fstat() calls. */
HIDDEN void perfshim_unwind_pipe_check(void);
/* 1 if fd 2 is still the stderr the program started with: the shim's
 * messages never go into a file the program put there. */
HIDDEN int perfshim_stderr_original(void);
/*
 * perfshim_proc_open - open(2) /proc/thread-self/LEAF, the calling
 * thread's view of the process, or /proc/self/LEAF where the kernel has
 * no thread-self (before 3.17). Once main() has called pthread_exit(),
 * /proc/self names the main thread, which has no memory any more: its
 * maps and exe are empty, its statm all zeros. Reports as open(2) does;
 * LEAF is at most 31 bytes (ENAMETOOLONG).
 */
HIDDEN int perfshim_proc_open(const char *leaf, int flags);
/* perfshim_proc_readlink - readlink(2) of the same path. */
HIDDEN ssize_t perfshim_proc_readlink(const char *leaf, char *buf, size_t n);
/* perfshim_write_file - write(2) to a file of the shim's that fails with
 * EFBIG past RLIMIT_FSIZE, and never raises SIGXFSZ for it. */
HIDDEN ssize_t perfshim_write_file(int fd, const void *p, size_t n);
/* 1: a seccomp filter kills rt_sigprocmask: perfshim_write_file writes
 * without it (the shim traces nothing then). */
extern HIDDEN int perfshim_no_sigmask;

#endif
