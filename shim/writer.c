/* writer.c - per-thread event rings, the writer thread and the trace file. */
#define _GNU_SOURCE
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_customMem: keep zstd off the heap */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "columns.h"
#include "encode.h"
#include "apart.h"
#include "fds.h"
#include "live.h"
#include "mask.h"
#include "mem.h"
#include "pass.h"
#include "perfshim_trace.h"
#include "shim.h"
#include "split.h"
#include "threads.h"
#include "tracefile.h"

HIDDEN struct shim_config perfshim_cfg = {
	.output = "perfshim.%p.zst",
	.depth = 64,
	.zstd_level = 1,
	.zstd_auto = 1,
	.flush_ms = 100,
	.ring_size = 256 * 1024,
	.rss_interval_ms = 100,
};
HIDDEN _Atomic int perfshim_recording;
HIDDEN _Atomic uint64_t perfshim_alloc_calls, perfshim_free_calls,
	perfshim_alloc_bytes, perfshim_lost_events, perfshim_lost_nomem;

/*
 * A sync watermark trails the clock by this much (see SYNC in the
 * format): 2 ms in ns, and a few ms in TSC units at any TSC rate.
 */
#define SYNC_SLACK_NS 2000000ull
#define SYNC_SLACK_TICKS (20000000ull >> TSC_SHIFT)
/*
 * What the encoder keeps for ties (columns.h) trails it by less: an event
 * whose thread the pass did not see busy took its time after the pass's
 * own, but for the store of busy still on its way (a store buffer drains
 * in well under a microsecond, and before any preemption).
 */
#define TIES_SLACK_NS 200000ull
#define TIES_SLACK_TICKS (1000000ull >> TSC_SHIFT)
#define FRAME_TARGET (1u << 20)
#define WAKE_POLL_NS 20000000l
/* How often the writer asks whether the program's threads are all gone
 * (orphan.c): a system call, and /proc only once main's thread is. */
#define ORPHAN_CHECK_NS 100000000u

static uint64_t frame_seq;

static pthread_mutex_t meta_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t writer_thread;
static _Atomic int writer_running;
static _Atomic int writer_stop;
static _Atomic uint32_t wake_word;
static _Atomic int wake_pending;
static _Atomic int finished; /* END written: later events are flushed at once */
static _Atomic int fatal_once;
static __thread int is_writer;
/* 1: the writer was stopped on purpose (perfshim_writer_park): the
 * threads write their events themselves, and none starts a writer. */
static _Atomic int writer_parked;
/* 1: the shim has left this process for good (seccomp, or a copy of the
 * process that is not ours): no thread, no write, no system call. */
static _Atomic int detached;
/*
 * The process the trace is of, and a page that says so which a fork
 * wipes (MADV_WIPEONFORK): a child that no fork handler saw (a raw
 * clone() or fork system call) finds a pid not its own and a zero here
 * in its copy of our memory, or the parent's pid if it shares the
 * parent's memory (CLONE_VM).
 */
static pid_t owner_pid;
static pid_t *owner_page;

/* Growable byte buffers in memory of our own (never the program's heap). */
struct mbuf {
	uint8_t *p;
	size_t len, cap;
};

static struct mbuf meta, staging, packed;
/* The SCAN and SCAN_HEADS records the pass took from meta (each: tag,
 * 4-byte length, payload), written after its events
 * (perfshim_columns_scans). */
static struct mbuf scans;
static void stage(uint8_t tag, const uint8_t *payload, size_t len);
static uint32_t nodes_written = 1;
static uint64_t last_write_ns;
static ZSTD_CCtx *cctx;
static int zstd_level;	/* the level frames are compressed at now */
static int effort = -1; /* PERFSHIM_ZSTD_LEVEL=auto: efforts[] now */
/* A thread found its ring full while the writer ran: the writer is
 * slower than the program, and compresses faster from then on. */
static _Atomic int writer_behind;
static void set_level(int level);
static void set_effort(int e);
static void next_effort(size_t len, size_t packed_len);

#define MBUF_FIRST 65536

/* What b's room grows to, to hold need bytes: doubled from MBUF_FIRST. */
static size_t mbuf_cap(const struct mbuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : MBUF_FIRST;

	while (cap < need)
		cap *= 2;
	return cap;
}

static int mbuf_reserve(struct mbuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = mbuf_cap(b, b->len + more);
	void *p = perfshim_remap(b->p, b->cap, cap);

	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* An empty b made room for n bytes, resident at once (MAP_POPULATE:
 * fewer faults than touching each page). */
static int mbuf_populate(struct mbuf *b, size_t n)
{
	size_t cap = mbuf_cap(b, n);
	void *p;

	if (b->p)
		return mbuf_reserve(b, n);
	if (!(p = perfshim_map_resident(cap)))
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* No room for a record (a tight RLIMIT_AS): the trace would miss it
 * unsaid, so tracing stops, said once. */
static void mbuf_put(struct mbuf *b, const void *s, size_t n)
{
	if (!mbuf_reserve(b, n)) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	} else {
		perfshim_tracefile_stop("out of memory", 0);
	}
}

HIDDEN void perfshim_say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n = snprintf(line, sizeof(line), "perfshim: ");

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	int e = errno;

	if (perfshim_stderr_original()) {
		ssize_t w = perfshim_write_file(2, line, n);

		(void)w;
	}
	errno = e;
}

/* A CLOCK record: one instant in event ticks and in ns. */
static void stage_clock(void)
{
	uint8_t b[2 * PERFSHIM_VARINT_MAX];

	if (!perfshim_use_tsc)
		return; /* event times are already ns */
	uint64_t units, ns;

	perfshim_clock_pair(&units, &ns);
	size_t n = perfshim_put_varint(b, units);

	n += perfshim_put_varint(b + n, ns);
	stage(PERFSHIM_REC_CLOCK, b, n);
}

/* zstd allocates through these: whole pages from the kernel. */
static void *zalloc(void *opaque, size_t size)
{
	(void)opaque;
	size += 16;
	/* Resident at once: tables an effort chosen later first touches
	 * would otherwise show as the program's growth (t0340). */
	uint8_t *p = perfshim_map_resident(size);

	if (!p)
		return NULL;
	memcpy(p, &size, sizeof(size));
	return p + 16;
}

static void zfree(void *opaque, void *addr)
{
	(void)opaque;
	if (!addr)
		return;
	uint8_t *p = (uint8_t *)addr - 16;
	size_t size;

	memcpy(&size, p, sizeof(size));
	perfshim_unmap(p, size);
}

static void own_process(void)
{
	owner_pid = getpid();
	if (!owner_page) {
		owner_page = perfshim_map(4096);
		if (owner_page && madvise(owner_page, 4096, MADV_WIPEONFORK)) {
			perfshim_unmap(owner_page, 4096);
			owner_page = NULL;
		}
	}
	if (owner_page)
		*owner_page = owner_pid;
}

enum { OURS, COPY, SHARED };

/*
 * Whose process this is: OURS, a COPY of ours (its memory is its own,
 * the trace and the writer are the parent's), or a child that SHARES our
 * memory (and so our writer). A system call: for slow paths only.
 */
static int whose_process(void)
{
	if (!owner_pid || getpid() == owner_pid)
		return OURS; /* (0: nothing was ever traced) */
	return owner_page && *owner_page == owner_pid ? SHARED : COPY;
}

#define RAW_COPY "a clone() or fork system call that the shim cannot follow"

/* In a COPY: leave it untraced, never touching the parent's file (the
 * descriptor stays open: the table may be shared, CLONE_FILES); say so,
 * with how the copy was made. */
static void leave_copy(const char *made)
{
	int was = atomic_exchange(&perfshim_recording, 0);

	if (atomic_exchange(&detached, 1))
		return;
	perfshim_tracefile_forget();
	if (was)
		perfshim_say("process %d was made by %s; it runs untraced",
			     (int)getpid(), made);
}

HIDDEN void perfshim_writer_leave_child(const char *made)
{
	leave_copy(made);
}

HIDDEN int perfshim_process_ours(void)
{
	return whose_process() == OURS;
}

HIDDEN int perfshim_writer_detached(void)
{
	return atomic_load(&detached);
}

HIDDEN int perfshim_writer_left_copy(void)
{
	if (whose_process() != COPY)
		return 0;
	leave_copy(RAW_COPY);
	return 1;
}

/* Append one top-level record to the staging frame. */
static void stage(uint8_t tag, const uint8_t *payload, size_t len)
{
	uint8_t hdr[1 + PERFSHIM_VARINT_MAX];
	size_t n = 0;

	hdr[n++] = tag;
	n += perfshim_put_varint(hdr + n, len);
	mbuf_put(&staging, hdr, n);
	mbuf_put(&staging, payload, len);
}

static void stage_frame_start(void)
{
	uint8_t b[PERFSHIM_VARINT_MAX];

	stage(PERFSHIM_REC_FRAME, b, perfshim_put_varint(b, frame_seq++));
	stage_clock();
}

/*
 * The frame being compressed. A pass hands zstd a PIECE of it, so that
 * the rings are drained between pieces: a program never waits for the
 * compression of a whole frame (at the greedy effort a 1 MiB frame takes
 * some 2 ms, about what a busy thread of sqlite3 takes to fill its ring).
 */
#define PIECE (128 * 1024)
static struct mbuf frame_in; /* its records, split (split.h) or whole */
static size_t frame_fed;     /* how much of them zstd has taken */
static size_t frame_out;     /* its compressed bytes written so far */
static int frame_open;	     /* a frame is being compressed */
/*
 * The last frame's records as zstd took them: the next frame's prefix
 * (format 9), which its matches may reach back into, where they started
 * afresh at each frame (one at least every PERFSHIM_FLUSH_MS): python3's
 * trace 99.7 -> 60.6 kB, git's 41.0 -> 34.8 kB. Loading the prefix into
 * zstd's tables costs time, so only at efforts above efforts[0] (where
 * the data repeats) or a level from 3.
 */
static struct mbuf prev_in;

/* Up to limit more bytes of the open frame through zstd (SIZE_MAX: all
 * of it), and what comes out into the file; the last closes the frame. */
static void compress_some(size_t limit)
{
	if (!frame_open)
		return;
	size_t left = frame_in.len - frame_fed, n = left < limit ? left : limit;
	ZSTD_EndDirective mode = n == left ? ZSTD_e_end : ZSTD_e_continue;
	/* The same buffer, grown, at every call (ZSTD_c_stableInBuffer):
	 * zstd reads the frame in place, without a copy of its own. */
	ZSTD_inBuffer in = { frame_in.p, frame_fed + n, frame_fed };
	size_t r;

	do {
		ZSTD_outBuffer out = { packed.p, packed.cap, 0 };

		r = ZSTD_compressStream2(cctx, &out, &in, mode);
		if (ZSTD_isError(r)) {
			frame_open = 0;
			ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
			perfshim_tracefile_stop(ZSTD_getErrorName(r), 0);
			return;
		}
		if (out.pos)
			perfshim_tracefile_write(packed.p, out.pos);
		frame_out += out.pos;
	} while (mode == ZSTD_e_end ? r != 0 : in.pos < in.size);
	frame_fed = in.pos;
	if (mode != ZSTD_e_end)
		return;
	frame_open = 0;
	last_write_ns = perfshim_now_mono();
	/* Never make the program wait for a slow level: level 1 keeps up
	 * with any program we measured (see BENCHMARKS.md). The flag is
	 * taken at every frame's end: it tells of waits at this frame's
	 * level, not at one chosen later. */
	if (atomic_exchange(&writer_behind, 0) &&
	    (zstd_level > 1 || effort > 0)) {
		perfshim_cfg.zstd_auto = 0; /* and level 1 from now on */
		set_level(1);
	}
	next_effort(frame_in.len, frame_out);
	struct mbuf t = prev_in;

	prev_in = frame_in;
	frame_in = t;
	frame_in.len = 0;
}

/* Whether the next frame takes the last one as its prefix. */
static int use_prefix(void)
{
	if (!prev_in.len)
		return 0;
	return perfshim_cfg.zstd_auto ? effort > 0 : zstd_level >= 3;
}

/*
 * End the staged frame: the frame still open is compressed to its end,
 * and this one takes its place, its first PIECE (or all of it, whole)
 * compressed now; staging starts the next frame.
 */
static void write_frame(int whole)
{
	if (staging.len == 0) {
		if (whole)
			compress_some(SIZE_MAX);
		return;
	}
	compress_some(SIZE_MAX);
	size_t n = 0;

	frame_in.len = 0;
	if (!mbuf_reserve(&frame_in, staging.len + PERFSHIM_SPLIT_SLACK))
		n = perfshim_split_frame(staging.p, staging.len, frame_in.p,
					 frame_in.cap);
	if (n) {
		frame_in.len = n;
		staging.len = 0;
	} else { /* whole: the buffers change places */
		struct mbuf t = frame_in;

		frame_in = staging;
		staging = t;
		staging.len = 0;
	}
	packed.len = 0;
	if (!cctx || mbuf_reserve(&packed, ZSTD_CStreamOutSize())) {
		perfshim_tracefile_stop("out of memory", 0);
		return;
	}
	ZSTD_CCtx_setPledgedSrcSize(cctx, frame_in.len);
	if (use_prefix())
		ZSTD_CCtx_refPrefix(cctx, prev_in.p, prev_in.len);
	/* Its events are on their way: the frame ends within a few passes,
	 * or once it is due (pass()). */
	last_write_ns = perfshim_now_mono();
	frame_open = 1;
	frame_fed = frame_out = 0;
	compress_some(whole ? SIZE_MAX : PIECE);
	stage_frame_start();
}

/*
 * Nodes whose maker had taken the id but not filled it in when the nodes
 * after it were due. Each is written at once as an empty child of the
 * root, which keeps the ids in order for the reader, and again once it is
 * ready (a reader takes the second as the node). No event can use such a
 * node before (its maker commits the event after it), nor can another
 * node have it as parent. Past LATE_MAX at once (makers that died half
 * way), the newest stays empty.
 */
#define LATE_MAX 64
static uint32_t late[LATE_MAX];
static int nlate;

/* Nodes [*from, upto) that are ready, up to the first that is not, as
 * NODES records; *from is left at that one. */
static void stage_node_run(uint32_t *from, uint32_t upto)
{
	/* Static, not on the stack: passes are serialized by the pass lock,
	 * and the last one may run in a signal handler on a small stack. */
	static uint8_t body[16384 + 2 * PERFSHIM_VARINT_MAX];
	static uint8_t tmp[16384];

	while (*from < upto) {
		uint32_t first = *from;
		size_t hn = perfshim_put_varint(body, first);
		size_t n = perfshim_stack_encode(from, upto, tmp, sizeof(tmp));

		if (*from == first)
			return;
		hn += perfshim_put_varint(body + hn, *from - first);
		memcpy(body + hn, tmp, n);
		stage(PERFSHIM_REC_NODES, body, hn + n);
	}
}

/* Node id as an empty child of the root: parent 0, address 0. */
static void stage_node_empty(uint32_t id)
{
	uint8_t b[4 * PERFSHIM_VARINT_MAX];
	size_t n = perfshim_put_varint(b, id);

	n += perfshim_put_varint(b + n, 1);
	n += perfshim_put_varint(b + n, id);
	n += perfshim_put_varint(b + n, 0);
	stage(PERFSHIM_REC_NODES, b, n);
}

/* Nodes [nodes_written, upto) and the late ones now ready. */
static void stage_nodes(uint32_t upto)
{
	for (int i = 0; i < nlate;) {
		uint32_t id = late[i];

		if (!perfshim_stack_ready(id)) {
			i++;
			continue;
		}
		stage_node_run(&id, id + 1);
		late[i] = late[--nlate];
	}
	while (nodes_written < upto) {
		stage_node_run(&nodes_written, upto);
		if (nodes_written < upto) {
			stage_node_empty(nodes_written);
			if (nlate < LATE_MAX)
				late[nlate++] = nodes_written;
			nodes_written++;
		}
	}
}

/*
 * Move the meta channel to the staging frame. Each meta entry carries the
 * node count at the time it was made, so that the nodes made before it
 * (whose addresses it may describe, or not) keep their place in front.
 */
static void stage_meta(void)
{
	struct mbuf m;

	pthread_mutex_lock(&meta_lock);
	m = meta;
	meta.p = NULL;
	meta.len = meta.cap = 0;
	pthread_mutex_unlock(&meta_lock);

	const uint8_t *p = m.p, *end = m.p + m.len;

	while (p < end) {
		uint32_t mark;
		uint32_t len;

		memcpy(&mark, p, 4);
		memcpy(&len, p + 4, 4);
		stage_nodes(mark);
		if (p[8] == PERFSHIM_REC_SCAN ||
		    p[8] == PERFSHIM_REC_SCAN_HEADS) {
			mbuf_put(&scans, p + 8, 1);
			mbuf_put(&scans, &len, 4);
			mbuf_put(&scans, p + 9, len);
		} else {
			stage(p[8], p + 9, len);
		}
		p += 9 + len;
		/* Many SCAN records: keep frames well below what a reader
		 * takes (PERFSHIM_MAX_FRAME_CONTENT). */
		if (staging.len >= 16 * FRAME_TARGET)
			write_frame(0);
	}
	/* A buffer of the first size is kept for the next entries: a
	 * program that starts threads by the thousand announces each, and
	 * an unmap flushes the TLB of every CPU the program runs on. */
	if (m.p && m.cap == MBUF_FIRST) {
		pthread_mutex_lock(&meta_lock);
		if (!meta.p) {
			meta.p = m.p;
			meta.cap = m.cap;
			m.p = NULL;
		}
		pthread_mutex_unlock(&meta_lock);
	}
	if (m.p)
		perfshim_unmap(m.p, m.cap);
}

/*
 * Every signal blocked over a program thread's meta section (the
 * writer's are blocked for good): a handler that ends the process
 * through the shim (a default action's, or the program's calling
 * exit()) writes the meta channel too, and would wait for good on the
 * lock its own thread holds, or read the channel half written (probe
 * L: a SIGTERM in a dlclose's module records hung libuv's tests). Two
 * system calls a record; records are rare (a module, a thread, a
 * label).
 */
static int block_all(sigset_t *old)
{
	if (is_writer || perfshim_mask_held())
		return 0;
	return !perfshim_mask_block_all(old);
}

HIDDEN void perfshim_meta(uint8_t tag, const uint8_t *payload, size_t len)
{
	uint8_t hdr[9];
	uint32_t mark = perfshim_stack_next_id();
	uint32_t l = (uint32_t)len;
	sigset_t old;
	int blocked = block_all(&old);

	memcpy(hdr, &mark, 4);
	memcpy(hdr + 4, &l, 4);
	hdr[8] = tag;
	pthread_mutex_lock(&meta_lock);
	if (UNLIKELY(perfshim_cfg.test_meta_signal) &&
	    tag == perfshim_cfg.test_meta_tag) {
		int sig = perfshim_cfg.test_meta_signal;

		perfshim_cfg.test_meta_signal = 0;
		raise(sig); /* it comes once the section is over */
	}
	if (!mbuf_reserve(&meta, sizeof(hdr) + len)) {
		mbuf_put(&meta, hdr, sizeof(hdr));
		mbuf_put(&meta, payload, len);
	} else {
		perfshim_tracefile_stop("out of memory", 0);
	}
	pthread_mutex_unlock(&meta_lock);
	if (blocked)
		perfshim_mask_restore(&old);
}

/*
 * One pass: everything the threads committed goes into the staging frame,
 * followed by a SYNC watermark. Called with the pass lock held.
 */
/* A MEMORY record when one is due (or now, with force). */
static void stage_memory(int force)
{
	uint8_t b[3 * PERFSHIM_VARINT_MAX];
	size_t n = perfshim_memory_sample(b, force);

	if (n)
		stage(PERFSHIM_REC_MEMORY, b, n);
}

/* Events [p, p + len) of thread index as a CHUNK record. */
static void stage_chunk(uint32_t index, const uint8_t *a, size_t na,
			const uint8_t *b, size_t nb)
{
	uint8_t hdr[1 + 2 * PERFSHIM_VARINT_MAX];
	uint8_t idx[PERFSHIM_VARINT_MAX];
	size_t n = 0, in = perfshim_put_varint(idx, index);

	hdr[n++] = PERFSHIM_REC_CHUNK;
	n += perfshim_put_varint(hdr + n, in + na + nb);
	mbuf_put(&staging, hdr, n);
	mbuf_put(&staging, idx, in);
	mbuf_put(&staging, a, na);
	mbuf_put(&staging, b, nb);
}

/* The same, the first event lag later than its delta says (columns.h). */
static void stage_chunk_late(uint32_t index, const uint8_t *p, size_t len,
			     uint64_t lag)
{
	uint8_t first[1 + PERFSHIM_VARINT_MAX];
	const uint8_t *q = p + 1;
	uint64_t dt;

	if (!lag || perfshim_get_varint(&q, p + len, &dt)) {
		stage_chunk(index, p, len, NULL, 0);
		return;
	}
	first[0] = p[0];
	size_t n = 1 + perfshim_put_varint(first + 1, dt + lag);

	stage_chunk(index, first, n, q, (size_t)(p + len - q));
}

/*
 * t's events up to head, in the ring as a then b: into the live index
 * and, in columns, into the staging frame; what the encoder does not
 * know goes as a CHUNK.
 */
static void drain(struct thread_state *t, uint64_t head, const uint8_t *a,
		  size_t na, const uint8_t *b, size_t nb)
{
	static struct mbuf flat; /* the events in one piece */
	size_t len = na + nb;

	uint64_t lag;

	if (nb) {
		flat.len = 0;
		if (mbuf_reserve(&flat, len)) {
			perfshim_tracefile_stop("out of memory", 0);
			ring_consume(&t->ring, head);
			return;
		}
		mbuf_put(&flat, a, na);
		mbuf_put(&flat, b, nb);
		a = flat.p;
	}
	struct col_seen seen;

	perfshim_live_tell(t, head - len, &seen);
	size_t done =
		perfshim_columns_encode(t->index, a, len, stage, &lag, &seen);

	perfshim_live_told(t, a, len, head - len, done, &seen);

	if (done < len)
		stage_chunk_late(t->index, a + done, len - done, lag);
	ring_consume(&t->ring, head);
}

/*
 * A THREAD record for each thread the trace has not told of, made here
 * rather than by the thread at its start (a meta entry, with every signal
 * blocked around its lock: two system calls of each new thread, which a
 * program that starts thousands pays for). Before the meta entries are
 * staged: every thread that made one is on the list by then, so its
 * THREAD record comes first.
 */
static void announce_threads(void)
{
	for (struct thread_state *t = perfshim_threads(); t; t = t->next) {
		uint8_t buf[64];
		struct enc e = { buf, 0, sizeof(buf) };

		if (t->w.announced)
			continue;
		enc_u(&e, t->index);
		enc_u(&e, (uint64_t)t->tid);
		enc_str(&e, "");
		stage(PERFSHIM_REC_THREAD, buf, e.len);
		t->w.announced = 1;
	}
}

static void pass(int final)
{
	uint64_t t0 = perfshim_now();
	uint64_t slack = perfshim_use_tsc ? SYNC_SLACK_TICKS : SYNC_SLACK_NS;
	uint64_t w = t0 > slack ? t0 - slack : 0;
	uint64_t tslack = perfshim_use_tsc ? TIES_SLACK_TICKS : TIES_SLACK_NS;
	uint64_t wt = t0 > tslack ? t0 - tslack : 0;
	struct thread_state *list = perfshim_threads();
	int drained = 0;

	stage_clock();
	/* First what each thread has committed, then meta and nodes: every
	 * node and module an event uses was published before the event. */
	for (struct thread_state *t = list; t; t = t->next) {
		uint64_t c =
			atomic_load_explicit(&t->cur_ts, memory_order_acquire);

		if (atomic_load_explicit(&t->busy, memory_order_acquire)) {
			w = c < w ? c : w;
			wt = c < wt ? c : wt;
		}
		t->w.head_seen = ring_published(&t->ring);
	}
	announce_threads();
	stage_meta();
	stage_nodes(perfshim_stack_next_id());
	if (list && list->next) {
		perfshim_live_materialize(); /* before a second thread's events */
		perfshim_columns_many(stage);
	}
	for (struct thread_state *t = list, *next; t; t = next) {
		uint64_t head = t->w.head_seen;
		const uint8_t *a, *b;
		size_t na, nb;
		size_t len = ring_span(&t->ring, head, &a, &na, &b, &nb);

		next = t->next;
		if (len) {
			drain(t, head, a, na, b, nb);
			drained = 1;
		}
		if (atomic_load(&t->dead) &&
		    atomic_load(&t->ring.head) == atomic_load(&t->ring.tail)) {
			/* Its totals outlive it, for the END record. */
			atomic_fetch_add(&perfshim_alloc_calls,
					 atomic_load(&t->alloc_calls));
			atomic_fetch_add(&perfshim_free_calls,
					 atomic_load(&t->free_calls));
			atomic_fetch_add(&perfshim_alloc_bytes,
					 atomic_load(&t->alloc_bytes));
			perfshim_threads_unlink(t);
			perfshim_thread_free(t);
		}
	}
	/* A scan's verdicts: every block it judged was allocated before
	 * it, so is encoded by now. */
	if (scans.len) {
		perfshim_columns_scans(scans.p, scans.len, stage);
		scans.len = 0;
	}
	stage_memory(0);
	if (drained || final) {
		uint8_t b[PERFSHIM_VARINT_MAX];

		/* Floored as COLUMNS times are: no later event's is below. */
		w &= ~(((uint64_t)1 << PERFSHIM_COL_TIME_SHIFT) - 1);
		perfshim_columns_ties(wt, stage);
		stage(PERFSHIM_REC_SYNC, b, perfshim_put_varint(b, w));
	}
	int due = perfshim_now_mono() - last_write_ns >=
		  perfshim_cfg.flush_ms * 1000000ull;

	/* A frame of nothing but its FRAME record is not worth it. */
	if ((final || staging.len >= FRAME_TARGET || due) &&
	    (staging.len > 4 || final)) {
		write_frame(final);
		return;
	}
	/* The open frame: a piece a pass, all of it once it is due. (A
	 * quiet pass is no sign of a quiet program: finishing a frame
	 * there, at the start of a burst, let sqlite3 fill its ring.) */
	compress_some(due ? SIZE_MAX : PIECE);
}

static void futex_wait(_Atomic uint32_t *addr, uint32_t val, long ns)
{
	struct timespec ts = { ns / 1000000000l, ns % 1000000000l };

	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static void wake_writer(void)
{
	/* A ring past half full asks at every event until the writer comes:
	 * a plain load, not a locked exchange, while it is asked already. */
	if (atomic_load_explicit(&wake_pending, memory_order_relaxed) ||
	    atomic_exchange(&wake_pending, 1))
		return;
	atomic_fetch_add(&wake_word, 1);
	syscall(SYS_futex, &wake_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

HIDDEN void perfshim_writer_wake(void)
{
	if (atomic_load_explicit(&writer_running, memory_order_relaxed))
		wake_writer();
}

static void end_orphaned(int status);
static int orphan_due(void);

static void *writer_main(void *arg)
{
	int status;

	(void)arg;
	is_writer = 1;
	perfshim_guard = 1; /* nothing this thread does is the program's */
	atomic_store(&perfshim_writer_tid, (pid_t)syscall(SYS_gettid));
	perfshim_writer_stack = (uintptr_t)&arg;
	while (!atomic_load(&writer_stop)) {
		uint32_t v = atomic_load(&wake_word);

		if (!atomic_load(&wake_pending))
			futex_wait(&wake_word, v, WAKE_POLL_NS);
		atomic_store(&wake_pending, 0);
		perfshim_modules_poll();
		perfshim_pass_writer_take();
		if (!atomic_load(&finished))
			pass(0);
		perfshim_pass_give();
		if (orphan_due() &&
		    perfshim_orphaned(atomic_load(&perfshim_writer_tid),
				      &status))
			end_orphaned(status);
	}
	return NULL;
}

static void start_writer(void)
{
	pthread_attr_t a;
	sigset_t all, old;

	if (atomic_exchange(&writer_running, 1))
		return;
	atomic_store(&writer_stop, 0);
	/* The writer must never take the program's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	perfshim_creds_note(); /* it starts with this thread's */
	perfshim_guard++;      /* not a thread of the program's */
	int err = pthread_create(&writer_thread, &a, writer_main, NULL);

	if (err)
		atomic_store(&writer_running, 0);
	perfshim_guard--;
	pthread_attr_destroy(&a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	/* No room for its stack (a tight RLIMIT_AS), or no thread allowed:
	 * said once, and tracing stops (a retry at every event cost each
	 * one a failed mmap, and the trace ended with no word). */
	if (err)
		perfshim_tracefile_stop(
			"cannot start the shim's writer thread: ", err);
}

HIDDEN _Atomic pid_t perfshim_writer_tid;
HIDDEN uintptr_t perfshim_writer_stack;

/*
 * Stop the writer thread, after one last pass, and wait until the kernel
 * has let it go: then glibc no longer counts it (a last thread's exit
 * ends the process) nor does the kernel (unshare and setns see one
 * thread). Waits 5 s at most.
 */
static void writer_halt(void)
{
	struct timespec pause = { 0, 100000 };
	pid_t tid = 0;

	if (!atomic_load(&writer_running))
		return;
	int was = perfshim_cancel_off(); /* the program's thread sleeps */

	/* It says who it is first thing (or its start failed). */
	for (int i = 0; i < 50000 && atomic_load(&writer_running); i++) {
		tid = atomic_load(&perfshim_writer_tid);
		if (tid)
			break;
		nanosleep(&pause, NULL);
	}
	atomic_store(&writer_stop, 1);
	atomic_fetch_add(&wake_word, 1);
	syscall(SYS_futex, &wake_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	for (int i = 0; tid && i < 50000; i++) {
		if (syscall(SYS_tgkill, getpid(), tid, 0) && errno == ESRCH)
			break;
		nanosleep(&pause, NULL);
	}
	atomic_store(&perfshim_writer_tid, 0);
	atomic_store(&writer_running, 0);
	perfshim_cancel_back(was);
}

static pthread_mutex_t park_lock = PTHREAD_MUTEX_INITIALIZER;

HIDDEN int perfshim_writer_park(void)
{
	int e = errno, done = 0;

	/* A child that shares our memory has none of our threads: nothing
	 * to do, and nothing of the parent's to touch. */
	if (atomic_load(&detached) || whose_process() != OURS)
		return 0;
	pthread_mutex_lock(&park_lock);
	if (!atomic_exchange(&writer_parked, 1)) {
		writer_halt();
		done = 1;
	}
	pthread_mutex_unlock(&park_lock);
	errno = e;
	return done;
}

HIDDEN void perfshim_writer_unpark(void)
{
	int e = errno;

	pthread_mutex_lock(&park_lock);
	atomic_store(&writer_parked, 0);
	if (atomic_load(&perfshim_recording) && !atomic_load(&finished) &&
	    !atomic_load(&detached))
		start_writer();
	pthread_mutex_unlock(&park_lock);
	errno = e;
}

HIDDEN int perfshim_writer_is_parked(void)
{
	return atomic_load(&writer_parked);
}

HIDDEN int perfshim_meta_free(void)
{
	if (pthread_mutex_trylock(&meta_lock))
		return 0;
	pthread_mutex_unlock(&meta_lock);
	return 1;
}

/* No writer (parked, after the END): the producer writes itself. */
static void flush_here(void)
{
	if (whose_process() == COPY) {
		leave_copy(RAW_COPY);
		return;
	}
	int was = perfshim_cancel_off();

	perfshim_pass_take();
	pass(1);
	perfshim_pass_give();
	perfshim_cancel_back(was);
}

/* Whether the writer thread is there to drain (a SHARED child's parent
 * may have ended, and the writer with it). */
static int writer_alive(void)
{
	pid_t tid = atomic_load(&perfshim_writer_tid);

	return !tid || !syscall(SYS_tgkill, owner_pid, tid, 0);
}

static void ring_full(struct thread_state *t, size_t len)
{
	struct timespec pause = { 0, 200000 };
	int whose = whose_process();

	if (whose == COPY)
		leave_copy(RAW_COPY);
	if (whose == COPY || atomic_load(&detached))
		return; /* the event is lost; nothing is waited for */
	if (whose == SHARED && !writer_alive())
		return;
	if (atomic_load(&finished) || !atomic_load(&writer_running)) {
		flush_here();
		t->ring.tail_seen = atomic_load(&t->ring.tail);
		return;
	}
	/* Wait for the writer, but never forever: a program stuck on us is
	 * worse than a lost event. Not a cancellation point: malloc and
	 * free are none (a deferred cancel acted here, inside them). */
	int was = perfshim_cancel_off();

	atomic_store(&writer_behind, 1);
	for (int i = 0; i < 10000; i++) {
		wake_writer();
		t->ring.tail_seen = atomic_load_explicit(&t->ring.tail,
							 memory_order_acquire);
		if (atomic_load(&t->ring.head) + len - t->ring.tail_seen <=
		    t->ring.size)
			break;
		nanosleep(&pause, NULL);
	}
	perfshim_cancel_back(was);
}

static void late_event(void)
{
	/* After the END, each event is written as it happens: the process
	 * is in its last destructors and may vanish at any moment. */
	if (!is_writer && !atomic_load(&detached))
		flush_here();
}

/* Events, but no writer: a forked child's first event starts one. */
static void writer_missing(void)
{
	if (!atomic_load(&writer_parked) && !atomic_load(&detached))
		start_writer();
}

static inline __attribute__((always_inline)) void
emit(struct thread_state *t, const uint8_t *rec, size_t len, int small)
{
	struct ring *r = &t->ring;
	uint64_t head = ring_head(r);

	if (UNLIKELY(!ring_within(r, head, len, r->size))) {
		ring_full(t, len);
		head = ring_head(r);
		if (head + len - r->tail_seen > r->size) {
			atomic_fetch_add(&perfshim_lost_events, 1);
			return;
		}
	}
	if (small)
		ring_put_small(r, head, rec, len);
	else
		ring_put(r, head, rec, len);
	if (UNLIKELY(atomic_load_explicit(&finished, memory_order_relaxed))) {
		late_event();
		return;
	}
	if (UNLIKELY(!atomic_load_explicit(&writer_running,
					   memory_order_relaxed)))
		writer_missing();
	if (UNLIKELY(!ring_within(r, head, len, r->size / 2)))
		wake_writer();
}

HIDDEN void perfshim_emit(struct thread_state *t, const uint8_t *rec,
			  size_t len)
{
	emit(t, rec, len, 0);
}

HIDDEN void perfshim_emit_small(struct thread_state *t,
				const uint8_t rec[RING_SMALL], size_t len)
{
	emit(t, rec, len, 1);
}

static void write_header(void)
{
	static uint8_t body[16384];
	struct enc e = { body, 0, sizeof(body) - 8192 };
	struct timespec real, res;
	char exe[4096], cmd[8192];
	ssize_t n;
	size_t clen = 0;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_getres(CLOCK_MONOTONIC, &res);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, cmd, sizeof(cmd));
		clen = n > 0 ? (size_t)n : 0;
		close(fd);
	} else if (errno == EMFILE) {
		/* a forked child of a program holding every number */
		n = perfshim_proc_read_apart("cmdline", cmd, sizeof(cmd));
		clen = n > 0 ? (size_t)n : 0;
	}
	if (clen && cmd[clen - 1] == 0)
		clen--;
	enc_u(&e, (uint64_t)getpid());
	enc_u(&e, (uint64_t)getppid());
	enc_u(&e,
	      (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec);
	enc_u(&e, perfshim_use_tsc ? PERFSHIM_CLOCK_TSC : CLOCK_MONOTONIC);
	enc_u(&e, (uint64_t)res.tv_sec * 1000000000ull + (uint64_t)res.tv_nsec);
	enc_u(&e, (uint64_t)sysconf(_SC_PAGESIZE));
	enc_u(&e, sizeof(void *));
	enc_u(&e, (uint64_t)perfshim_cfg.depth);
	enc_str(&e, exe);
	e.cap = sizeof(body);
	enc_u(&e, clen);
	enc_bytes(&e, cmd, clen);
	enc_str(&e, perfshim_cfg.label ? perfshim_cfg.label : "");

	uint8_t prefix[PERFSHIM_PREFIX_LEN];
	uint16_t major = PERFSHIM_FORMAT_MAJOR, minor = PERFSHIM_FORMAT_MINOR;
	uint32_t blen = (uint32_t)e.len;

	memcpy(prefix, PERFSHIM_MAGIC, PERFSHIM_MAGIC_LEN);
	memcpy(prefix + 8, &major, 2);
	memcpy(prefix + 10, &minor, 2);
	memcpy(prefix + 12, &blen, 4);
	if (!perfshim_tracefile_write(prefix, sizeof(prefix)))
		perfshim_tracefile_write(body, e.len);
}

/* Between frames only (zstd keeps it for the next ZSTD_compress2). */
static void set_level(int level)
{
	zstd_level = level;
	effort = -1;
	ZSTD_CCtx_reset(cctx, ZSTD_reset_parameters);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_stableInBuffer, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	/*
	 * Level 1 hashes into 2^14 slots for our 1 MiB frames. Event data is
	 * mostly short matches far apart (a block's address recurs when it
	 * is freed): 2^16 slots find 7% more of them for 4% more time, and
	 * the smaller file takes less time to write. Not at the negative
	 * levels: who picks one wants speed (--fast=3 would lose 20% of it).
	 */
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog, level == 1 ? 16 : 0);
}

/*
 * PERFSHIM_ZSTD_LEVEL=auto (the default): level 1 with the search the
 * data rewards, chosen by how far the last frame shrank. A deeper search
 * costs about the same per byte on any data, but finds more only where
 * the program repeats itself. On the bench's traces (split frames, time
 * per MB of frames, size against efforts[0]):
 *
 *              shrank   dfast, 6-byte matches   greedy, 8 tries
 *   churn        1.9:1    +23% time, -0.0%        +288%, -0.3%
 *   perl         3.1:1    +18%,      -4.9%        +141%, -9.6%
 *   cxx          3.6:1    +32%,      -3.9%        +133%, -6.5%
 *   git          5.9:1    +20%,      -3.3%        +125%, -13.6%
 *   sqlite3     15.1:1    +17%,      -2.6%        +176%, -13.1%
 *
 * So no deeper search below 2.5:1; dfast below 5:1; greedy from there.
 * From 10:1 a lazy search, 5-byte matches: against the greedy one on
 * the whole of a trace's records (zstd -b), git's 42.4 -> 36.8 kB at 242
 * -> 195 MB/s, sqlite3's 134 -> 117 kB at 334 -> 237 MB/s. Its tables
 * are the greedy one's size: 2^17 entries took 0.5% less, and the
 * deepest effort's tables are resident in every traced process from its
 * start (/bin/true's peak RSS 4968 -> 5356 KB). (A trace near a bound
 * may go back and forth: that costs nothing.)
 */
static const struct {
	int strategy, min_match, hash_log, chain_log, search_log;
} efforts[] = {
	{ ZSTD_fast, 0, 16, 0, 0 }, /* level 1, its table as set_level's */
	{ ZSTD_dfast, 6, 16, 16, 0 },
	{ ZSTD_greedy, 6, 16, 16, 3 },
	{ ZSTD_lazy, 5, 16, 16, 4 },
};
#define EFFORTS (int)(sizeof(efforts) / sizeof(efforts[0]))
/*
 * The first frame's, before any frame has shrunk: the deepest. Most
 * traces are one frame (a test suite's programs), and a busy program's
 * first frame is at most some 1 MiB, which the deepest search takes a
 * few ms of, once (git's first frame: efforts[0] 26.4 kB, greedy 20.4,
 * lazy 18.3). The next frame's effort is chosen as ever.
 */
#define FIRST_EFFORT (EFFORTS - 1)

static void set_effort(int e)
{
	set_level(1);
	effort = e;
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_strategy, efforts[e].strategy);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_minMatch, efforts[e].min_match);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog, efforts[e].hash_log);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_chainLog, efforts[e].chain_log);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_searchLog, efforts[e].search_log);
}

/* After a frame of len bytes packed into packed_len: the next effort. */
static void next_effort(size_t len, size_t packed_len)
{
	int e = 2 * len < 5 * packed_len ? 0
		: len < 5 * packed_len	 ? 1
		: len < 10 * packed_len	 ? 2
					 : 3;

	if (perfshim_cfg.zstd_auto && e != effort)
		set_effort(e);
}

static int setup_zstd(void)
{
	ZSTD_customMem mem = { zalloc, zfree, NULL };

	if (!cctx)
		cctx = ZSTD_createCCtx_advanced(mem);
	if (!cctx)
		return -1;
	if (perfshim_cfg.zstd_auto)
		set_effort(FIRST_EFFORT);
	else
		set_level(perfshim_cfg.zstd_level);
	return 0;
}

/* The first len bytes of staging through zstd as a frame's start, as
 * compress_some() goes, then dropped. */
static void warm_with(size_t len)
{
	ZSTD_inBuffer in = { staging.p, len, 0 };
	ZSTD_outBuffer out = { packed.p, packed.cap, 0 };

	ZSTD_CCtx_setPledgedSrcSize(cctx, FRAME_TARGET);
	ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_flush);
	ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
}

/*
 * zstd sets up its tables on the first frame: do it now, so that this
 * does not show as growth of the program's resident set later on.
 */
static void warm_compressor(void)
{
	enum { WARM = 256 * 1024 };

	/* The buffers a frame fills, resident now. They were filled by
	 * compressing 256 KiB of random bytes: nearly 4 ms of every
	 * process's start (of 11 ms the shim added to a /bin/true), where
	 * zstd's tables are resident from their allocation anyway (zalloc). */
	if (mbuf_populate(&staging, WARM) ||
	    mbuf_populate(&packed, ZSTD_compressBound(WARM))) {
		perfshim_tracefile_stop("out of memory", 0);
		return;
	}
	/* And the room a busy program's frames come to (a pass may take a
	 * frame past FRAME_TARGET), mapped now though not resident: what
	 * the shim maps then stays as it was when the program started. A
	 * program that measures its address space at start and runs under
	 * a limit a little above it (coreutils' csplit-heap test) found
	 * these 4 MiB taken later, and failed. */
	mbuf_reserve(&staging, 2 * FRAME_TARGET);
	mbuf_reserve(&frame_in, 2 * FRAME_TARGET);
	mbuf_reserve(&prev_in, 2 * FRAME_TARGET);
	/* The deepest effort a trace may come to sizes the tables (zstd
	 * keeps them for the efforts below): a few bytes do. */
	if (perfshim_cfg.zstd_auto)
		set_effort(EFFORTS - 1);
	warm_with(4096);
	if (perfshim_cfg.zstd_auto)
		set_effort(FIRST_EFFORT);
}

/* Create the trace, write its header and start the writer. 0 or -1. */
HIDDEN int perfshim_writer_open(void)
{
	perfshim_clock_start(1, perfshim_cfg.clock == CLOCK_CHOICE_MONOTONIC);
	ring_cpu_init();
	if (perfshim_threads_init())
		return -1;
	own_process();
	if (perfshim_tracefile_open())
		return -1;
	if (setup_zstd()) {
		perfshim_tracefile_stop("cannot set up compression", 0);
		return -1;
	}
	write_header();
	if (!perfshim_tracefile_on())
		return -1;
	warm_compressor();
	stage_frame_start();
	/* Either may have found no memory: stopped, said once. */
	return perfshim_tracefile_on() ? 0 : -1;
}

HIDDEN void perfshim_writer_start(void)
{
	start_writer();
}

/*
 * The END record's totals: what the threads that are gone counted, and
 * what each live thread counts. Called with the pass lock held, before the
 * pass that drains the rings: a thread counts an event after it commits
 * it, so every event counted here is in that pass, and the reader's
 * cross-check (events in the trace >= these) holds.
 */
struct end_totals {
	uint64_t alloc_calls, free_calls, alloc_bytes;
};

static void sum_totals(struct end_totals *s)
{
	s->alloc_calls = atomic_load(&perfshim_alloc_calls);
	s->free_calls = atomic_load(&perfshim_free_calls);
	s->alloc_bytes = atomic_load(&perfshim_alloc_bytes);
	for (struct thread_state *t = perfshim_threads(); t; t = t->next) {
		s->alloc_calls += atomic_load_explicit(&t->alloc_calls,
						       memory_order_acquire);
		s->free_calls += atomic_load_explicit(&t->free_calls,
						      memory_order_acquire);
		s->alloc_bytes += atomic_load_explicit(&t->alloc_bytes,
						       memory_order_acquire);
	}
}

HIDDEN uint64_t perfshim_alloc_calls_now(void)
{
	struct end_totals s;

	sum_totals(&s);
	return s.alloc_calls;
}

static void stage_end(int how, int status, const struct end_totals *s)
{
	uint8_t buf[128];
	struct enc e = { buf, 0, sizeof(buf) };

	enc_u(&e, (uint64_t)how);
	enc_u(&e, perfshim_zigzag(status));
	enc_u(&e, s->alloc_calls);
	enc_u(&e, s->free_calls);
	enc_u(&e, s->alloc_bytes);
	enc_u(&e, 0);
	enc_u(&e, atomic_load(&perfshim_lost_events) +
			  atomic_load(&perfshim_lost_nomem));
	stage(PERFSHIM_REC_END, buf, e.len);
}

static void end_trace(int how, int status);

/* A LOST record: count events (if any) lost for reason. */
static void stage_lost(uint64_t count, unsigned reason)
{
	uint8_t b[2 * PERFSHIM_VARINT_MAX];
	size_t n;

	if (!count)
		return;
	n = perfshim_put_varint(b, count);
	n += perfshim_put_varint(b + n, reason);
	stage(PERFSHIM_REC_LOST, b, n);
}

/*
 * Write everything and the END record. After this, events still come
 * (destructors that run after ours) and are written one by one.
 * In a signal handler (how == PERFSHIM_END_SIGNAL) it never waits long.
 */
static void finish(int how, int status)
{
	if (!perfshim_tracefile_on() || is_writer || atomic_load(&detached))
		return;
	/* Not in a child that the fork handlers never saw, nor in a vfork
	 * child: the trace is the parent's. A copy that never filled a
	 * ring says at its end that it ran untraced (probe K: a raw
	 * clone's child of a few allocations said nothing). */
	int whose = whose_process();

	if (whose == COPY)
		leave_copy(RAW_COPY);
	if (whose != OURS)
		return;
	end_trace(how, status);
}

/* finish() once it is ours to do: the writer's end_orphaned() too. */
static void end_trace(int how, int status)
{
	/* A signal's handler that calls exit() on a thread inside the
	 * shim's pass (a fork's handlers, a leak check, its own END): no
	 * second pass, which would wait on itself for good; the trace then
	 * ends cut short, and the process as it would. */
	int inside = perfshim_pass_held();

	if (!inside)
		perfshim_profile_finish(how);
	atomic_store(&writer_stop, 1);
	if (how == PERFSHIM_END_SIGNAL || inside) {
		if (how == PERFSHIM_END_SIGNAL &&
		    atomic_exchange(&fatal_once, 1))
			return;
		if (perfshim_pass_trylock(2000))
			return;
	} else {
		perfshim_pass_take();
	}
	if (perfshim_tracefile_on()) {
		struct end_totals totals;

		sum_totals(&totals);
		pass(0);
		stage_lost(atomic_load(&perfshim_lost_events),
			   PERFSHIM_LOST_WRITE);
		stage_lost(atomic_load(&perfshim_lost_nomem),
			   PERFSHIM_LOST_MEMORY);
		stage_memory(1);
		stage_end(how, status, &totals);
		write_frame(1);
	}
	atomic_store(&finished, 1);
	perfshim_pass_give();
}

/* The exit system call itself: no interposer (ours among them) runs. */
static _Noreturn void exit_group_raw(int status)
{
	for (;;)
		__asm__ volatile("syscall"
				 :
				 : "a"((long)SYS_exit_group), "D"((long)status)
				 : "rcx", "r11", "memory");
}

/*
 * Every thread of the program's has ended by the exit system call
 * (orphan.c): natively the process is over, with the main thread's
 * status. The writer ends the trace as an _exit() would (the exit scan
 * first: no program thread is left to stop), then the process.
 */
static _Noreturn void end_orphaned(int status)
{
	if (whose_process() == OURS && !atomic_load(&detached) &&
	    perfshim_tracefile_on() && !atomic_load(&finished)) {
		perfshim_scan_at_exit();
		end_trace(PERFSHIM_END__EXIT, status);
	}
	exit_group_raw(status);
}

/* Whether it is time to ask if the program's threads are all gone. */
static int orphan_due(void)
{
	static uint64_t next;
	struct timespec ts;
	uint64_t now;

	/* The system's clock, not the trace's (a forked child's starts
	 * again from 0). */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	if (now < next)
		return 0;
	next = now + ORPHAN_CHECK_NS;
	return 1;
}

/* It writes and may wait: no cancellation inside (mask.h). */
HIDDEN void perfshim_finish(int how, int status)
{
	int was = perfshim_cancel_off();

	finish(how, status);
	perfshim_cancel_back(was);
}

HIDDEN int perfshim_detach(void)
{
	int e = errno;

	switch (whose_process()) {
	case COPY:
		leave_copy(RAW_COPY);
		return 0;
	case SHARED:
		return -1;
	}
	int was = perfshim_cancel_off();

	perfshim_finish(PERFSHIM_END_STOPPED, 0);
	atomic_store(&perfshim_recording, 0);
	atomic_store(&detached, 1);
	pthread_mutex_lock(&park_lock);
	atomic_store(&writer_parked, 1);
	writer_halt();
	pthread_mutex_unlock(&park_lock);
	/* Late events of other threads may still be in a pass. */
	perfshim_pass_take();
	perfshim_tracefile_close();
	perfshim_pass_give();
	perfshim_cancel_back(was);
	errno = e;
	return 0;
}

/* exec failed: the process goes on, and so does its trace. */
HIDDEN void perfshim_unfinish(void)
{
	/* The old writer saw writer_stop: let it go before the new one. */
	writer_halt();
	atomic_store(&finished, 0);
	if (!atomic_load(&writer_parked))
		start_writer();
	perfshim_profile_unfinish();
}

HIDDEN void perfshim_fork_prepare(void)
{
	perfshim_guard++;
	perfshim_pass_take();
	perfshim_unwind_fork_begin();
	perfshim_modules_lock();
	pthread_mutex_lock(&meta_lock);
}

HIDDEN void perfshim_fork_parent(void)
{
	pthread_mutex_unlock(&meta_lock);
	perfshim_modules_unlock();
	perfshim_unwind_fork_end();
	perfshim_pass_give();
	perfshim_guard--;
}

/*
 * In the child: only this thread exists. Its events so far belong to the
 * parent's trace; the child starts a trace of its own, or none.
 */
HIDDEN void perfshim_after_fork_child(void)
{
	struct thread_state *self = perfshim_self;
	int was_recording = atomic_load(&perfshim_recording);

	own_process();
	perfshim_unwind_fork_end();

	perfshim_pass_after_fork_child();
	/* The locks perfshim_fork_prepare took, given back here whatever
	 * comes of the child's trace below: a child that steps aside
	 * (untraced parent, a memory limit, no trace file) forks in turn,
	 * and its fork_prepare waited on the module lock for good. */
	pthread_mutex_init(&meta_lock, NULL);
	perfshim_modules_after_fork();
	perfshim_tracefile_after_fork();
	atomic_store(&perfshim_recording, 0);
	atomic_store(&writer_running, 0);
	atomic_store(&writer_stop, 0);
	atomic_store(&finished, 0);
	atomic_store(&wake_pending, 0);
	atomic_store(&writer_parked, 0);
	atomic_store(&perfshim_writer_tid, 0);
	/* Their blocks are in the child's memory too (see live.c); not if
	 * the child cannot be traced (an untraced parent's: nothing reads
	 * its index). */
	if (was_recording)
		perfshim_live_after_fork(perfshim_threads());
	perfshim_threads_after_fork(self);
	if (meta.p)
		perfshim_unmap(meta.p, meta.cap);
	meta.p = NULL;
	meta.len = meta.cap = 0;
	staging.len = 0;
	prev_in.len = 0; /* the child's trace starts afresh */
	frame_open = 0;	 /* the parent's, in its trace */
	if (cctx)
		ZSTD_CCtx_reset(cctx, ZSTD_reset_session_only);
	frame_seq = 0;
	nodes_written = 1;
	nlate = 0;
	perfshim_columns_reset();
	scans.len = 0;
	atomic_store(&perfshim_alloc_calls, 0);
	atomic_store(&perfshim_free_calls, 0);
	atomic_store(&perfshim_alloc_bytes, 0);
	atomic_store(&perfshim_lost_events, 0);
	atomic_store(&perfshim_lost_nomem, 0);
	perfshim_stack_reset();
	perfshim_strings_reset();
	perfshim_tracefile_close();
	/* The program may have lowered its memory limits before the fork
	 * (`ulimit -v` in a shell, then a subshell). */
	if (!was_recording || perfshim_memory_too_tight())
		goto out;
	/*
	 * A lock the child's copy holds for good, which its tracing would
	 * wait on: libunwind's, or its state half changed, when a thread
	 * stood inside an unwind (stopped there, as by a debugger); the
	 * loader's, when another thread (or a walk this one was in) held it,
	 * and the child's trace must list the loaded objects, and its stacks
	 * find their unwind tables, through it.
	 */
	const char *held_for_good =
		perfshim_unwind_fork_cut()
			? "another thread had been inside the shim's stack "
			  "walk for 2 s (it was stopped there): it is not "
			  "traced, as its stack walks could wait for good"
		: perfshim_phdr_lock_dead()
			? "the dynamic loader's lock was held (a library "
			  "being loaded or unloaded): it is not traced, as "
			  "listing its libraries would wait for good"
			: NULL;

	if (held_for_good) {
		perfshim_say("process %d was forked while %s (a program it "
			     "executes is)",
			     (int)getpid(), held_for_good);
		goto out;
	}
	perfshim_clock_start(0, 0);
	if (perfshim_tracefile_open())
		goto out;
	write_header();
	if (!perfshim_tracefile_on())
		goto out;
	stage_frame_start();
	if (self) {
		perfshim_threads_readd(self);
		perfshim_live_fork_child(self);
	}
	perfshim_modules_reset();
	/* Not when the frame's start found no memory: stopped, said once. */
	if (perfshim_tracefile_on())
		atomic_store(&perfshim_recording, 1);
out:
	perfshim_guard--;
}
