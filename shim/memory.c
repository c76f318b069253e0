/*
 * memory.c - the process's memory from outside malloc (resident and mapped
 * bytes, from /proc/self/statm) on an interval, and markers
 * (perfshim_mark): what the growth verdict measures against.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fds.h"
#include "mask.h"
#include "perfshim_trace.h"
#include "shim.h"

/* A marker samples too, unless the latest sample is this recent (ns). */
#define MARK_SAMPLE_GAP_NS 1000000ull

static _Atomic int statm_fd = -1;
static dev_t statm_dev;
static ino_t statm_ino;
static _Atomic int statm_off; /* could not be opened again: stop quietly */
static _Atomic uint64_t last_sample_ns;
static _Atomic int sampled;   /* at least one sample in this trace */
static _Atomic int reopening; /* one thread at a time opens it again */
/* Opened for each read: kept open, it would take a number the program
 * could have had (a soft RLIMIT_NOFILE equal to the hard one). */
static _Atomic int statm_transient;
static uint64_t page_size = 4096;

/* Open /proc/self/statm once, out of the program's way. */
static int statm_open(void)
{
	struct stat st;
	int fd = perfshim_proc_open("statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	fd = perfshim_own_fd(fd);
	if (fd >= 0 && perfshim_fd_in_budget(fd)) {
		perfshim_close_own(fd);
		atomic_store(&statm_transient, 1);
		return -1;
	}
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	statm_dev = st.st_dev;
	statm_ino = st.st_ino;
	atomic_store(&statm_fd, fd);
	return fd;
}

/* Ours still? A program may dup2() onto the number or close it raw. */
static int statm_valid(int fd)
{
	struct stat st;

	return fd >= 0 && !fstat(fd, &st) && st.st_dev == statm_dev &&
	       st.st_ino == statm_ino;
}

static int parse_u(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t r = 0;

	while (s < end && *s == ' ')
		s++;
	if (s == end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9')
		r = r * 10 + (uint64_t)(*s++ - '0');
	*p = s;
	*v = r;
	return 0;
}

/* The first count fields of statm (in pages: size resident shared text
 * lib data dirty) into v; -1 when they cannot be read. */
static int statm_fields(const char *buf, ssize_t n, uint64_t *v, int count)
{
	const char *p = buf, *end = buf + (n > 0 ? n : 0);

	for (int i = 0; i < count; i++)
		if (parse_u(&p, end, &v[i]))
			return -1;
	return 0;
}

/* Resident and mapped bytes now; -1 when they cannot be read. */
static int parse_statm(const char *buf, ssize_t n, uint64_t *rss,
		       uint64_t *mapped)
{
	uint64_t v[2];

	if (statm_fields(buf, n, v, 2))
		return -1;
	*rss = v[1] * page_size;
	*mapped = v[0] * page_size;
	return 0;
}

/* statm read by a descriptor opened for it alone: bytes read, or -1. */
static ssize_t statm_once(char *buf, size_t size)
{
	int t = perfshim_proc_open("statm", O_RDONLY | O_CLOEXEC);

	if (t < 0) /* the program has every number */
		return -1;
	ssize_t n = pread(t, buf, size, 0);

	perfshim_close_own(t);
	return n;
}

/*
 * statm_fd again, opened by this thread: fd was not ours any more (closed
 * or replaced by a raw system call: the program's, never closed), or
 * (ours) describes a thread that ended. -1 if it cannot be. No lock: this
 * may run in a fatal signal's handler.
 */
static int statm_again(int fd, int ours)
{
	if (atomic_exchange(&reopening, 1))
		return -1; /* another thread is at it: skip this one */
	if (fd >= 0 && fd == atomic_load(&statm_fd)) {
		atomic_store(&statm_fd, -1);
		if (ours)
			perfshim_close_own(fd);
		else
			perfshim_disown_fd(fd);
	}
	fd = statm_open();
	if (fd < 0 && !atomic_load(&statm_transient))
		atomic_store(&statm_off, 1);
	atomic_store(&reopening, 0);
	return fd;
}

static int read_statm(uint64_t *rss, uint64_t *mapped)
{
	char buf[256];
	int fd = atomic_load(&statm_fd);

	if (atomic_load(&statm_off))
		return -1;
	if (atomic_load(&statm_transient))
		return parse_statm(buf, statm_once(buf, sizeof(buf)), rss,
				   mapped);
	if (!statm_valid(fd) && (fd = statm_again(fd, 0)) < 0)
		return -1;
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	int r = parse_statm(buf, n, rss, mapped);

	if (r || *mapped)
		return r;
	/* Nothing mapped: the thread the file describes has ended (it is
	 * opened as the opener's view, which outlives main()'s
	 * pthread_exit()). The caller's view then. */
	if ((fd = statm_again(fd, 1)) < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf), 0);
	return parse_statm(buf, n, rss, mapped);
}

/*
 * A memory limit that leaves less room than the shim maps: about 15 MiB
 * at its start (its buffers, tables, compressor and writer's stack, and
 * its libraries; README's list of what it costs), a
 * ring and a signal stack for each thread later, all private writable
 * memory. Both the address-space limit (RLIMIT_AS, `ulimit -v`) and the
 * data limit (RLIMIT_DATA, `ulimit -d`, which counts such mappings)
 * apply. Traced there, the program's own allocations failed where
 * natively they succeed ("memory exhausted"), and the shim's at the
 * trace's end, with no word once the program had closed stderr.
 */
#define ROOM_NEED ((uint64_t)16 << 20)

/* A soft limit, or UINT64_MAX without one. */
static uint64_t soft_limit(int which)
{
	struct rlimit rl;

	if (getrlimit(which, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur;
}

/* The room limit leaves above used pages. */
static uint64_t room_under(uint64_t limit, uint64_t used)
{
	used *= (uint64_t)sysconf(_SC_PAGESIZE);
	return limit > used ? limit - used : 0;
}

HIDDEN int perfshim_memory_too_tight(void)
{
	char buf[256];
	uint64_t v[6], as_lim = soft_limit(RLIMIT_AS),
		       ds_lim = soft_limit(RLIMIT_DATA);

	/* No limit, the common case: statm need not be read at start. */
	if ((as_lim == UINT64_MAX && ds_lim == UINT64_MAX) ||
	    statm_fields(buf, statm_once(buf, sizeof(buf)), v, 6))
		return 0;
	uint64_t as = room_under(as_lim, v[0]), ds = room_under(ds_lim, v[5]);

	if (as >= ROOM_NEED && ds >= ROOM_NEED)
		return 0;
	perfshim_say("the %s limit (%s) leaves %llu KiB free, and the shim "
		     "needs %llu: this process is not traced",
		     as < ds ? "address-space" : "data",
		     as < ds ? "RLIMIT_AS" : "RLIMIT_DATA",
		     (unsigned long long)((as < ds ? as : ds) >> 10),
		     (unsigned long long)(ROOM_NEED >> 10));
	return 1;
}

HIDDEN size_t perfshim_memory_sample(uint8_t *out, int force)
{
	uint64_t now_ns, rss, mapped;
	int e = errno;
	size_t n = 0;

	if (!perfshim_cfg.rss_interval_ms)
		return 0;
	now_ns = perfshim_now_mono();
	if (!force && atomic_load(&sampled) &&
	    now_ns - atomic_load(&last_sample_ns) <
		    perfshim_cfg.rss_interval_ms * 1000000ull)
		goto out;
	if (read_statm(&rss, &mapped))
		goto out;
	atomic_store(&last_sample_ns, now_ns);
	atomic_store(&sampled, 1);
	n = perfshim_put_varint(out, perfshim_now());
	n += perfshim_put_varint(out + n, rss);
	n += perfshim_put_varint(out + n, mapped);
out:
	errno = e;
	return n;
}

HIDDEN void perfshim_memory_init(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	if (ps > 0)
		page_size = (uint64_t)ps;
	if (perfshim_cfg.rss_interval_ms && statm_open() < 0 &&
	    !atomic_load(&statm_transient))
		atomic_store(&statm_off, 1);
}

/* In a forked child /proc/self/statm opened by the parent is the parent's. */
HIDDEN void perfshim_memory_reset(void)
{
	int fd = atomic_exchange(&statm_fd, -1);

	perfshim_guard++; /* our own close, not the program's */
	if (statm_valid(fd))
		close(fd);
	atomic_store(&sampled, 0);
	atomic_store(&last_sample_ns, 0);
	atomic_store(&statm_off, 0);
	atomic_store(&statm_transient, 0);
	atomic_store(&reopening, 0); /* a thread that is gone had it */
	perfshim_memory_init();
	perfshim_guard--;
}

HIDDEN void perfshim_memory_protect_fd(int fd)
{
	if (fd < 0 || fd != atomic_load(&statm_fd))
		return;
	/* Closed behind our back, the number the program's: no copy of its
	 * file (a pipe's reader would never see EOF); opened anew later. */
	int high = statm_valid(fd) ? fcntl(fd, F_DUPFD_CLOEXEC, fd + 1) : -1;

	perfshim_disown_fd(fd);
	if (high < 0) {
		atomic_store(&statm_fd, -1); /* opened again when next due */
		return;
	}
	atomic_store(&statm_fd, perfshim_own_fd(high));
}

static inline int tracing(void)
{
	return !perfshim_guard &&
	       atomic_load_explicit(&perfshim_recording, memory_order_relaxed);
}

/* include/perfshim.h declares it weak, for programs; here it is strong. */
EXPORT void perfshim_api_mark(const char *label);

EXPORT void perfshim_api_mark(const char *label)
{
	uint8_t rec[3 * PERFSHIM_VARINT_MAX + 1];
	size_t n = 0;

	if (!tracing())
		return;
	int e = errno, was = perfshim_cancel_off(); /* it reads statm */

	perfshim_guard++;
	struct thread_state *t =
		perfshim_self ? perfshim_self : perfshim_thread_get();
	uint32_t id = perfshim_string_id(label);

	if (!t || !id)
		goto out;
	/*
	 * The memory at the marker itself, so that resident bytes per
	 * iteration do not depend on when the writer woke. Its time is
	 * taken before the marker's: the marker finds it as "the latest
	 * sample at or before me".
	 */
	if (perfshim_cfg.rss_interval_ms &&
	    perfshim_now_mono() - atomic_load(&last_sample_ns) >=
		    MARK_SAMPLE_GAP_NS) {
		uint8_t mem[3 * PERFSHIM_VARINT_MAX];
		size_t m = perfshim_memory_sample(mem, 1);

		if (m)
			perfshim_meta(PERFSHIM_REC_MEMORY, mem, m);
	}
	uint64_t ts = perfshim_event_begin(t);

	rec[n++] = PERFSHIM_EV_MARK;
	n += perfshim_put_varint(rec + n, ts - t->last_ts);
	n += perfshim_put_varint(rec + n, id);
	t->last_ts = ts;
	perfshim_emit(t, rec, n);
	perfshim_event_end(t);
out:
	perfshim_guard--;
	perfshim_cancel_back(was);
	errno = e;
}
