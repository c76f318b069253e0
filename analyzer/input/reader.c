/* reader.c - decode a perfshim trace into time-ordered events for a visitor. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "perfshim_hist.h"
#include "perfshim_trace.h"
#include "error.h"
#include "hashtab.h"
#include "reader.h"
#include "unsplit.h"

/* Per-thread state: delta bases and the events waiting for a SYNC. */
/* A block's name (perfshim_col_unnamed) and its address (7.x). */
struct rename {
	uint64_t from, to;
};

struct tqueue {
	uint64_t last_ts;
	struct trace_event *ev;
	size_t head, len, cap; /* ring of cap (a power of two) entries */
	uint64_t done;	       /* events let go: the number of the head */
	int known;
};

struct trace_reader {
	char *name;
	FILE *f;
	const uint8_t *mem;
	size_t mem_len, mem_pos;
	struct trace_header hdr;
	unsigned time_shift; /* COLUMNS quanta: PERFSHIM_COL_TIME_SHIFT(_5) */

	ZSTD_DCtx *dctx;
	uint8_t *in;
	size_t in_cap;
	uint8_t *frame;
	size_t frame_cap;
	/* The last frame's content: the next one's prefix (major 9). */
	uint8_t *prev;
	size_t prev_len, prev_cap;
	uint8_t *joined; /* a SPLIT frame's records put back together */
	size_t joined_cap;

	struct tqueue *q;
	size_t nq;
	uint32_t *heap; /* thread indices ordered by the time of their head */
	size_t nheap;

	/* TSC traces: the first and the latest (ticks, ns) pair. */
	int tsc, nclock;
	uint64_t clock_t0, clock_n0, clock_t1, clock_n1;
	double ns_per_tick; /* from the two pairs above; 0 until known */

	/* Progress on a terminal for long reads: size (0: unknown), when
	 * the read began, when a line was last printed (ms). */
	uint64_t file_size;
	uint64_t progress_start, progress_last, progress_delay;
	int progress;	    /* stderr is a terminal */
	int progress_shown; /* a progress line is on it */

	const struct trace_visitor *v;
	uint64_t frames, events, next_seq;
	uint64_t hint_after; /* no prefetch hints before this many events */
	uint64_t next_node;  /* the lowest stack node id not yet defined */
	int cut_short, seen_end, warned_unknown;
	/* Events queued, waiting for a SYNC; past queue_max they go out
	 * without one (warned once). */
	uint64_t queued, queue_max;
	int warned_unsynced;
	unsigned end_how; /* the first END's (PERFSHIM_END_*) */
	uint64_t lost;	  /* events the shim could not record */
	int stopped;
	int quiet; /* no warnings: a second pass over a trace read before */

	/* COLUMNS: the table of block slots (perfshim_trace.h): each
	 * slot's block, whether one holds it, the released slots (last
	 * released on top); the recently freed addresses of each size
	 * class, and the last address not found there (3.x: just past its
	 * block). Grows with live blocks only. */
	uint64_t *slot_addr, *slot_size;
	uint8_t *slot_held;
	/* Since 3.x: each slot's block's ALLOC number, and the slots of the
	 * last PERFSHIM_COL_AGES ALLOCs by ALLOC number (a FREE's age). */
	uint64_t *slot_seq, nalloc;
	uint64_t free_base; /* 7.x: the ALLOC number the last FREE by it named + 1 */
	/* The held slots in the order of their ALLOCs' numbers, linked
	 * (NO_SLOT ends): what an ADDRS record of form 1 lists. */
	uint32_t *hprev, *hnext, hhead, htail;
	size_t nheld;
	uint32_t *by_age;
	uint32_t *released;
	size_t nslots, slot_cap, nreleased;
	struct perfshim_col_lists lists;
	uint64_t last_miss;
	/* 7.x: blocks named by their ALLOC's number that have an address now
	 * (ADDRS): each event let go that names one names its address. A
	 * name is renamed once, so it stays (a few bytes a block held at a
	 * scan). */
	struct rename *ren;
	size_t ren_cap, ren_n;
	struct hashtab ren_ix; /* name -> ren[] */

	/* The HISTOGRAM record being decoded (reused from one to the next). */
	struct trace_hist_fn *hfn;
	size_t hfn_cap;
	uint32_t *hix;
	uint64_t *hcount;
	size_t hb_cap;
	int warned_hist_bits;

	/* The CALLS record being decoded (reused from one to the next). */
	struct trace_call *calls;
	size_t calls_cap;
};

/* One line on stderr, clearing a progress line first. */
static int rename_slot(struct trace_reader *r, uint64_t s, uint64_t addr);
static uint64_t renamed(const struct trace_reader *r, uint64_t addr);

static void vsay(struct trace_reader *r, const char *what, const char *fmt,
		 va_list ap)
{
	if (r->progress_shown)
		fprintf(stderr, "\r\033[K");
	r->progress_shown = 0;
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	error("%s%s: %s", what, r->name, msg);
}

static int fail(struct trace_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct trace_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(r, "", fmt, ap);
	va_end(ap);
	return -1;
}

static void warn(struct trace_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* -1, said, when an ALLOC's size is past what an address space holds. */
static int block_too_large(struct trace_reader *r, uint64_t size)
{
	if (size <= TRACE_MAX_BYTES)
		return 0;
	return fail(
		r,
		"corrupt trace: a block of %llu bytes, more than an address space holds",
		(unsigned long long)size);
}

static void warn(struct trace_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->quiet)
		return;
	va_start(ap, fmt);
	vsay(r, "warning: ", fmt, ap);
	va_end(ap);
}

/* Read up to n bytes; returns the count (0 at the end). */
static size_t input(struct trace_reader *r, void *buf, size_t n)
{
	if (r->f)
		return fread(buf, 1, n, r->f);
	if (n > r->mem_len - r->mem_pos)
		n = r->mem_len - r->mem_pos;
	memcpy(buf, r->mem + r->mem_pos, n);
	r->mem_pos += n;
	return n;
}

static char *get_string(const uint8_t **p, const uint8_t *end, int nul_to_space)
{
	uint64_t n;

	if (perfshim_get_varint(p, end, &n) || n > (uint64_t)(end - *p))
		return NULL;
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, *p, n);
	s[n] = 0;
	if (nul_to_space)
		for (uint64_t i = 0; i < n; i++)
			if (!s[i])
				s[i] = ' ';
	*p += n;
	return s;
}

static int read_header(struct trace_reader *r)
{
	uint8_t prefix[PERFSHIM_PREFIX_LEN];
	size_t got = input(r, prefix, sizeof(prefix));
	uint16_t major, minor;
	uint32_t blen;

	if (got == 0)
		return fail(r, "empty file, not a perfshim trace");
	if (got < PERFSHIM_MAGIC_LEN ||
	    memcmp(prefix, PERFSHIM_MAGIC, PERFSHIM_MAGIC_LEN))
		return fail(r, "not a perfshim trace (no PERFSHIM magic)");
	if (got < sizeof(prefix))
		return fail(r, "truncated trace header");
	memcpy(&major, prefix + 8, 2);
	memcpy(&minor, prefix + 10, 2);
	memcpy(&blen, prefix + 12, 4);
	r->hdr.major = major;
	r->hdr.minor = minor;
	r->time_shift =
		major < 6 ? PERFSHIM_COL_TIME_SHIFT_5 : PERFSHIM_COL_TIME_SHIFT;
	if (major > PERFSHIM_FORMAT_MAJOR ||
	    major < PERFSHIM_FORMAT_MAJOR_OLDEST)
		return fail(
			r,
			"trace format %u.%u is not readable by this perfanalyze (it reads %u.x to %u.x)",
			major, minor, PERFSHIM_FORMAT_MAJOR_OLDEST,
			PERFSHIM_FORMAT_MAJOR);
	if (blen > PERFSHIM_MAX_HEADER_BODY)
		return fail(r, "corrupt trace header (body of %u bytes)", blen);

	uint8_t *body = malloc(blen ? blen : 1);

	if (!body)
		return fail(r, "out of memory");
	if (input(r, body, blen) != blen) {
		free(body);
		return fail(r, "truncated trace header");
	}
	const uint8_t *p = body, *end = body + blen;
	uint64_t *fields[] = { &r->hdr.pid,	      &r->hdr.ppid,
			       &r->hdr.start_wall_ns, &r->hdr.clock_id,
			       &r->hdr.clock_res_ns,  &r->hdr.page_size,
			       &r->hdr.ptr_size,      &r->hdr.depth };
	int bad = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !bad; i++)
		bad = perfshim_get_varint(&p, end, fields[i]);
	if (!bad)
		bad = !(r->hdr.exe = get_string(&p, end, 0));
	if (!bad)
		bad = !(r->hdr.cmdline = get_string(&p, end, 1));
	/* Optional, so traces of shims before it still read. */
	if (!bad && p < end)
		bad = !(r->hdr.label = get_string(&p, end, 0));
	free(body);
	if (bad)
		return fail(r, "corrupt trace header");
	if (r->hdr.label && !*r->hdr.label) {
		free(r->hdr.label);
		r->hdr.label = NULL;
	}
	r->tsc = r->hdr.clock_id == PERFSHIM_CLOCK_TSC;
	return 0;
}

/* Event time in ns: ticks mapped through the clock records' line. */
static uint64_t to_ns(const struct trace_reader *r, uint64_t t)
{
	if (!r->tsc || r->ns_per_tick == 0)
		return t;
	/* A double holds the offset to well under a ns for days of ticks. */
	double ns = (double)r->clock_n0 +
		    (double)(int64_t)(t - r->clock_t0) * r->ns_per_tick;

	return ns < 0 ? 0 : (uint64_t)ns;
}

uint64_t trace_reader_span_ns(const struct trace_reader *r, uint64_t ticks)
{
	if (!r->tsc || r->ns_per_tick == 0)
		return ticks;
	double ns = (double)ticks * r->ns_per_tick;

	/* 2^64 ns is 584 years: only a crafted trace gets there. */
	return ns < 18446744073709549568.0 ? (uint64_t)ns : UINT64_MAX;
}

uint64_t trace_reader_time_ns(const struct trace_reader *r, uint64_t ticks)
{
	return to_ns(r, ticks);
}

static struct trace_reader *reader_new(const char *name)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name);
	r->next_seq = 0;
	r->next_node = 1;
	r->queue_max = TRACE_QUEUE_MAX;
	return r;
}

/* Milliseconds of the monotonic clock. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A progress line is for a person watching a terminal, and only once a
 * read takes long enough to wonder (PERFSHIM_PROGRESS_MS, default 2 s):
 * never on a file or pipe, where it would be noise in a log.
 */
static void progress_init(struct trace_reader *r)
{
	const char *env = getenv("PERFSHIM_PROGRESS_MS");
	struct stat st;
	char *end;

	if (!isatty(STDERR_FILENO))
		return;
	r->progress = 1;
	r->progress_delay = 2000;
	if (env && *env) {
		unsigned long long v = strtoull(env, &end, 10);

		if (!*end)
			r->progress_delay = v;
	}
	if (!fstat(fileno(r->f), &st) && S_ISREG(st.st_mode))
		r->file_size = (uint64_t)st.st_size;
	r->progress_start = now_ms();
}

struct trace_reader *trace_reader_open(const char *path)
{
	struct trace_reader *r = reader_new(path);

	if (!r || !r->name) {
		error("out of memory");
		trace_reader_free(r);
		return NULL;
	}
	r->f = fopen(path, "rb");
	if (!r->f) {
		fail(r, "cannot open: %s", strerror(errno));
		trace_reader_free(r);
		return NULL;
	}
	struct stat st;

	if (!fstat(fileno(r->f), &st) && S_ISDIR(st.st_mode)) {
		fail(r,
		     "a directory: this report reads one trace (directories "
		     "of runs are for the summary, diff, --budget and trend)");
		trace_reader_free(r);
		return NULL;
	}
	if (read_header(r)) {
		trace_reader_free(r);
		return NULL;
	}
	progress_init(r);
	return r;
}

static void show_progress(struct trace_reader *r, int done)
{
	uint64_t now;
	long pos;

	if (!r->progress)
		return;
	if (done) {
		if (r->progress_shown)
			fprintf(stderr, "\r\033[K");
		r->progress_shown = 0;
		return;
	}
	now = now_ms();
	if (now - r->progress_start < r->progress_delay ||
	    (r->progress_shown && now - r->progress_last < 250))
		return;
	r->progress_last = now;
	r->progress_shown = 1;
	pos = ftell(r->f);
	if (r->file_size && pos > 0)
		fprintf(stderr, "\rperfanalyze: reading %s: %d%%", r->name,
			(int)((uint64_t)pos * 100 / r->file_size));
	else
		fprintf(stderr, "\rperfanalyze: reading %s: %llu MiB", r->name,
			pos > 0 ? (unsigned long long)pos >> 20 : 0);
}

struct trace_reader *trace_reader_open_mem(const uint8_t *data, size_t len,
					   const char *name)
{
	struct trace_reader *r = reader_new(name);

	if (!r || !r->name) {
		trace_reader_free(r);
		return NULL;
	}
	r->mem = data;
	r->mem_len = len;
	if (read_header(r)) {
		trace_reader_free(r);
		return NULL;
	}
	return r;
}

const struct trace_header *trace_reader_header(const struct trace_reader *r)
{
	return &r->hdr;
}

void trace_reader_quiet(struct trace_reader *r)
{
	r->quiet = 1;
}

int trace_reader_cut_short(const struct trace_reader *r)
{
	return r->cut_short || !r->seen_end;
}

int trace_reader_stopped_early(const struct trace_reader *r)
{
	return r->seen_end && r->end_how == PERFSHIM_END_STOPPED;
}

uint64_t trace_reader_lost(const struct trace_reader *r)
{
	return r->lost;
}

uint64_t trace_reader_frames(const struct trace_reader *r)
{
	return r->frames;
}

uint64_t trace_reader_events(const struct trace_reader *r)
{
	return r->events;
}

/* ---- the time-ordered merge of per-thread queues ---- */

static const struct trace_event *qhead(const struct trace_reader *r, uint32_t t)
{
	const struct tqueue *q = &r->q[t];

	return &q->ev[q->head];
}

static int heap_less(const struct trace_reader *r, uint32_t a, uint32_t b)
{
	uint64_t ta = qhead(r, a)->ts, tb = qhead(r, b)->ts;

	return ta < tb || (ta == tb && a < b);
}

static void heap_up(struct trace_reader *r, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!heap_less(r, r->heap[i], r->heap[p]))
			break;
		uint32_t t = r->heap[i];

		r->heap[i] = r->heap[p];
		r->heap[p] = t;
		i = p;
	}
}

static void heap_down(struct trace_reader *r, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < r->nheap && heap_less(r, r->heap[l], r->heap[m]))
			m = l;
		if (l + 1 < r->nheap &&
		    heap_less(r, r->heap[l + 1], r->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		uint32_t t = r->heap[i];

		r->heap[i] = r->heap[m];
		r->heap[m] = t;
		i = m;
	}
}

static int ensure_thread(struct trace_reader *r, uint64_t t)
{
	/* Every table of threads (here, and the reports') is indexed by it. */
	if (t >= READER_MAX_THREADS)
		return fail(
			r,
			"corrupt trace: thread index %llu (this perfanalyze reads up to %u threads)",
			(unsigned long long)t, READER_MAX_THREADS);
	if (t < r->nq)
		return 0;
	size_t n = r->nq ? r->nq : 8;

	while (n <= t)
		n *= 2;
	struct tqueue *q = realloc(r->q, n * sizeof(*q));
	uint32_t *h = realloc(r->heap, n * sizeof(*h));

	if (q)
		r->q = q;
	if (h)
		r->heap = h;
	if (!q || !h)
		return fail(r, "out of memory");
	memset(q + r->nq, 0, (n - r->nq) * sizeof(*q));
	r->nq = n;
	return 0;
}

/*
 * q full: twice the room. 0, or -1. Grown in place, the events that
 * wrapped round to the start follow the old end: a new array each time
 * faulted in and copied the whole queue again (its pages were 6% of
 * --growth on churn, whose queue reaches 10 MB).
 */
static int queue_grow(struct trace_reader *r, struct tqueue *q)
{
	size_t cap = q->cap ? 2 * q->cap : 256;
	struct trace_event *e = realloc(q->ev, cap * sizeof(*e));

	if (!e)
		return fail(r, "out of memory");
	if (q->head + q->len > q->cap)
		memcpy(e + q->cap, e, (q->head + q->len - q->cap) * sizeof(*e));
	q->ev = e;
	q->cap = cap;
	return 0;
}

/* The slot for t's next event (filled by the caller, then queued).
 * (inline: every event of a COLUMNS record comes through here and
 * queue_push, 15% of --leaks on churn as two calls an event) */
static inline struct trace_event *queue_slot(struct trace_reader *r, uint32_t t)
{
	struct tqueue *q = &r->q[t];

	if (q->len == q->cap && queue_grow(r, q))
		return NULL;
	return &q->ev[(q->head + q->len) & (q->cap - 1)];
}

/* Queue the event queue_slot(r, t) gave, filled. */
static inline void queue_push(struct trace_reader *r, uint32_t t)
{
	struct tqueue *q = &r->q[t];
	struct trace_event *e = &q->ev[(q->head + q->len) & (q->cap - 1)];

	/* After a TIES raise of its thread's last event: the thread's order. */
	if (q->len && e->ts < q->ev[(q->head + q->len - 1) & (q->cap - 1)].ts)
		e->ts = q->ev[(q->head + q->len - 1) & (q->cap - 1)].ts;
	r->queued++;
	if (q->len++ == 0) {
		r->heap[r->nheap] = t;
		heap_up(r, r->nheap++);
	}
}

static int enqueue(struct trace_reader *r, uint32_t t,
		   const struct trace_event *ev)
{
	struct trace_event *e = queue_slot(r, t);

	if (!e)
		return -1;
	*e = *ev;
	queue_push(r, t);
	return 0;
}

/* release()'s time that lets out every event queued. */
#define RELEASE_ALL UINT64_MAX

/* The queue after the heap's top: its index, or UINT32_MAX if none. */
static uint32_t runner_up(const struct trace_reader *r)
{
	if (r->nheap < 2)
		return UINT32_MAX;
	if (r->nheap == 2 || heap_less(r, r->heap[1], r->heap[2]))
		return r->heap[1];
	return r->heap[2];
}

/*
 * How far ahead in a thread's queue the visitors hear of events, as many
 * at a time: on a live set or a stack table past the caches, each
 * event's block and node are a cache miss, fetched meanwhile. --leaks on
 * 131k stacks: 20% less time.
 */
#define LOOKAHEAD 8

/* Events without hints after the visitors fetched nothing: their tables
 * may outgrow the caches meanwhile. */
#define HINT_PAUSE 65536

/* Tell the visitors of q's events LOOKAHEAD to 2 * LOOKAHEAD ahead. */
static void hint(struct trace_reader *r, const struct tqueue *q)
{
	const struct trace_event *ev[LOOKAHEAD];

	for (size_t i = 0; i < LOOKAHEAD; i++)
		ev[i] = &q->ev[(q->head + LOOKAHEAD + i) & (q->cap - 1)];
	if (!r->v->prefetch(r->v->ctx, ev, LOOKAHEAD))
		r->hint_after = r->events + HINT_PAUSE;
}

/*
 * The top queue's events up to (before) time lim, or before the runner-up
 * u's head at lim; 0, or -1 when the visitor stopped. w == RELEASE_ALL
 * lets out events at that time too: the last time there is cannot be
 * before any other.
 */
static int release_run(struct trace_reader *r, struct tqueue *q, uint32_t t,
		       uint32_t u, uint64_t lim, uint64_t w)
{
	/* A run's events share few times (floored to quanta): each is
	 * converted once (churn-2t: to_ns was 5% of --leaks). The clock's
	 * line cannot change within a run: no record is read in it. */
	uint64_t tick = 0, ns = to_ns(r, 0);

	while (q->len) {
		struct trace_event ev = q->ev[q->head];

		if (ev.ts > lim ||
		    (ev.ts == lim && ((lim == w && w != RELEASE_ALL) || u < t)))
			return 0;
		if (q->done % LOOKAHEAD == 0 && q->len >= 2 * LOOKAHEAD &&
		    r->events >= r->hint_after && r->v->prefetch)
			hint(r, q);
		q->head = (q->head + 1) & (q->cap - 1);
		q->done++;
		q->len--;
		r->queued--;
		r->events++;
		if (ev.ts != tick) {
			tick = ev.ts;
			ns = to_ns(r, tick);
		}
		ev.ts = ns;
		if (r->ren_n && perfshim_col_is_unnamed(ev.addr) &&
		    (ev.kind == PERFSHIM_EV_ALLOC ||
		     ev.kind == PERFSHIM_EV_FREE)) {
			ev.addr = renamed(r, ev.addr);
			if (!perfshim_col_is_unnamed(ev.addr))
				ev.slot = 0; /* an address now */
		}
		if (r->v->event && r->v->event(r->v->ctx, &ev)) {
			r->stopped = 1;
			return -1;
		}
		/* A thread gone: its queue goes back to the heap, where the
		 * next thread's takes it up (a program that starts thousands
		 * touched a new one for each: exceptions' 2,005 threads,
		 * 20 MB, and a third of --leaks' CPU faulting it in). */
		if (ev.kind == PERFSHIM_EV_THREAD_EXIT && !q->len) {
			free(q->ev);
			q->ev = NULL;
			q->head = q->cap = 0;
		}
	}
	return 0;
}

/*
 * Deliver, in time order, every queued event earlier than w; with w ==
 * RELEASE_ALL (the END record, the end of the file), every queued event,
 * those at that very time too: a crafted one stamped UINT64_MAX was
 * dropped, its leak unseen by the gate.
 */
static int release(struct trace_reader *r, uint64_t w)
{
	while (r->nheap) {
		uint32_t t = r->heap[0], u = runner_up(r);
		struct tqueue *q = &r->q[t];
		/* The top's events before the runner-up's head go as a run,
		 * the heap left alone (a thread's events come in stretches):
		 * --leaks 9% less time on a 2-thread churn, 6% on cxx. The top's head is at or
		 * before the runner-up's, so a run is never empty while the
		 * top's head is below w. */
		uint64_t lim = u == UINT32_MAX ? w : qhead(r, u)->ts;

		if (release_run(r, q, t, u, lim < w ? lim : w, w))
			return -1;
		if (q->len == 0)
			r->heap[0] = r->heap[--r->nheap];
		if (r->nheap > 1)
			heap_down(r, 0);
		if (r->nheap && qhead(r, r->heap[0])->ts >= w &&
		    w != RELEASE_ALL)
			return 0;
	}
	return 0;
}

/*
 * A TIES triple: event idx of q is dt units past its floored time, and
 * so, at least, are its thread's later events of that quantum. 1 if the
 * head's time moved (the heap must be mended).
 */
static int raise_time(struct tqueue *q, size_t idx, uint64_t dt, unsigned shift)
{
	size_t mask = q->cap - 1;
	struct trace_event *e = &q->ev[(q->head + idx) & mask];
	uint64_t ts = (e->ts >> shift << shift) + dt;

	if (ts <= e->ts)
		return 0;
	for (size_t j = idx; j < q->len; j++) {
		e = &q->ev[(q->head + j) & mask];
		if (e->ts >= ts)
			break;
		e->ts = ts;
	}
	return idx == 0;
}

/* ---- records ---- */

#define GET(var)                                                         \
	do {                                                             \
		if (perfshim_get_varint(&p, end, &(var)))                \
			return fail(r, "corrupt trace: short %s record", \
				    what);                               \
	} while (0)

static int chunk(struct trace_reader *r, const uint8_t *p, const uint8_t *end)
{
	const char *what = "chunk";
	uint64_t t;

	GET(t);
	if (ensure_thread(r, t))
		return -1;
	struct tqueue *q = &r->q[t];

	while (p < end) {
		struct trace_event ev;
		uint8_t tag = *p++;
		uint64_t dt, a, v;

		memset(&ev, 0, sizeof(ev));
		ev.thread = (uint32_t)t;
		GET(dt);
		ev.ts = q->last_ts + dt;
		q->last_ts = ev.ts;
		if ((tag & 0xf0) == PERFSHIM_EV_ALLOC) {
			if ((tag & 0x0f) >= PERFSHIM_FN_COUNT)
				return fail(
					r,
					"corrupt trace: allocation function %u",
					tag & 0x0f);
			GET(ev.size);
			GET(a);
			GET(v);
			if (v > UINT32_MAX)
				return fail(r, "corrupt trace: stack id");
			if (block_too_large(r, ev.size))
				return -1;
			ev.kind = PERFSHIM_EV_ALLOC;
			ev.fn = tag & 0x0f;
			ev.stack = (uint32_t)v;
			ev.addr = a;
		} else if (tag == PERFSHIM_EV_FREE) {
			GET(a);
			ev.kind = PERFSHIM_EV_FREE;
			ev.addr = a;
		} else if (tag == PERFSHIM_EV_THREAD_EXIT) {
			ev.kind = PERFSHIM_EV_THREAD_EXIT;
		} else if (tag == PERFSHIM_EV_SAMPLE && r->hdr.minor >= 1) {
			GET(v);
			if (v > UINT32_MAX)
				return fail(r, "corrupt trace: stack id");
			ev.kind = PERFSHIM_EV_SAMPLE;
			ev.stack = (uint32_t)v;
		} else if (tag == PERFSHIM_EV_MARK && r->hdr.minor >= 1) {
			GET(v);
			if (v == 0 || v > PERFSHIM_MAX_STRINGS)
				return fail(r, "corrupt trace: marker label");
			ev.kind = PERFSHIM_EV_MARK;
			ev.label = (uint32_t)v;
		} else {
			/* A newer minor's event: the rest of this chunk is lost
			 * to us, but the trace stays readable. In a trace of a
			 * minor we know, it can only be damage. */
			if (r->hdr.minor <= PERFSHIM_FORMAT_MINOR)
				return fail(
					r,
					"corrupt trace: unknown event kind 0x%02x",
					tag);
			if (!r->warned_unknown++)
				warn(r,
				     "skipping events of a kind this perfanalyze does not know (0x%02x)",
				     tag);
			return 0;
		}
		if (enqueue(r, (uint32_t)t, &ev))
			return -1;
	}
	return 0;
}

/* Array p reallocated to n of its elements: 0, or -1 with p as it was. */
#define GROW(p, n)                                                        \
	__extension__({                                                   \
		__typeof__(p) grow_q_ = realloc((p), (n) * sizeof(*(p))); \
		grow_q_ ? ((p) = grow_q_, 0) : -1;                        \
	})

/* A slot for a new block: the one released last, or a new one. */
static int slot_take(struct trace_reader *r, uint32_t *s)
{
	if (r->nreleased) {
		*s = r->released[--r->nreleased];
		return 0;
	}
	if (r->nslots == r->slot_cap) {
		size_t cap = r->slot_cap ? 2 * r->slot_cap : 4096;
		/* Every array of the slots grows to cap (one that did keeps
		 * its room if another fails: the next try asks again). */
		int bad = GROW(r->slot_addr, cap) | GROW(r->slot_size, cap) |
			  GROW(r->slot_held, cap) | GROW(r->slot_seq, cap) |
			  GROW(r->released, cap) | GROW(r->hprev, cap) |
			  GROW(r->hnext, cap);

		if (bad)
			return fail(r, "out of memory");
		r->slot_cap = cap;
	}
	if (r->nslots > UINT32_MAX)
		return fail(r, "corrupt trace: too many block slots");
	*s = (uint32_t)r->nslots++;
	return 0;
}

#define NO_SLOT UINT32_MAX

/* Held slot s last in the list (its ALLOC is the latest). */
static void held_link(struct trace_reader *r, uint32_t s)
{
	if (!r->nheld++)
		r->hhead = s;
	else
		r->hnext[r->htail] = s;
	r->hprev[s] = r->nheld > 1 ? r->htail : NO_SLOT;
	r->hnext[s] = NO_SLOT;
	r->htail = s;
}

static void held_unlink(struct trace_reader *r, uint32_t s)
{
	if (r->hprev[s] != NO_SLOT)
		r->hnext[r->hprev[s]] = r->hnext[s];
	else
		r->hhead = r->hnext[s];
	if (r->hnext[s] != NO_SLOT)
		r->hprev[r->hnext[s]] = r->hprev[s];
	else
		r->htail = r->hprev[s];
	r->nheld--;
}

/* The k-th (from 1) recent address of size's class, taken out. */
static int recent_take(struct trace_reader *r, uint64_t k, uint64_t size,
		       uint64_t *addr)
{
	unsigned c = perfshim_col_class(size), n = r->lists.nrecent[c];

	/* The lists are as long as 5.x's; a 4.x writer kept fewer. */
	if (r->hdr.major < 5 && n > PERFSHIM_COL_RECENT_4)
		n = PERFSHIM_COL_RECENT_4;
	if (k > n)
		return fail(r, "corrupt trace: recent block %llu of %u",
			    (unsigned long long)k, n);
	*addr = perfshim_col_recent_at(&r->lists, c, (unsigned)(k - 1));
	perfshim_col_recent_out(&r->lists, c, (unsigned)(k - 1));
	return 0;
}

/* Slot s takes the next ALLOC number (3.x: FREEs name it by age). */
static int slot_born(struct trace_reader *r, uint32_t s)
{
	if (!r->by_age &&
	    !(r->by_age = malloc(PERFSHIM_COL_AGES * sizeof(*r->by_age))))
		return fail(r, "out of memory");
	r->slot_seq[s] = r->nalloc;
	r->by_age[r->nalloc++ & (PERFSHIM_COL_AGES - 1)] = s;
	return 0;
}

/* An event's slot field for the block named addr in slot s (reader.h). */
static inline uint32_t slot_tag(uint64_t addr, uint64_t s)
{
	return perfshim_col_is_unnamed(addr) && s < UINT32_MAX ? (uint32_t)s + 1
							       : 0;
}

/* One column of a COLUMNS record: [*c, *c + len). */
struct col {
	const uint8_t *p, *end;
};

#define CGET(c, var)                                                           \
	do {                                                                   \
		if (perfshim_get_varint(&(c)->p, (c)->end, &(var)))            \
			return fail(r, "corrupt trace: short columns record"); \
	} while (0)

/* The fields of an ALLOC (or ALLOC_HELD) of a COLUMNS record. */
static int col_alloc(struct trace_reader *r, uint8_t k, struct col *c,
		     struct trace_event *ev)
{
	uint64_t s = 0, v, d;
	uint32_t slot = 0;

	if ((k & 0x0f) >= PERFSHIM_FN_COUNT)
		return fail(r, "corrupt trace: allocation function %u",
			    k & 0x0f);
	CGET(&c[PERFSHIM_COL_SIZES], ev->size);
	CGET(&c[PERFSHIM_COL_STACKS], v);
	if (v > UINT32_MAX)
		return fail(r, "corrupt trace: stack id");
	if (block_too_large(r, ev->size))
		return -1;
	ev->kind = PERFSHIM_EV_ALLOC;
	ev->fn = k & 0x0f;
	ev->stack = (uint32_t)v;
	if ((k & 0xf0) == PERFSHIM_COL_ALLOC_HELD) {
		CGET(&c[PERFSHIM_COL_SLOTS], s);
		if (s >= r->nslots || !r->slot_held[s])
			return fail(r, "corrupt trace: block slot %llu",
				    (unsigned long long)s);
		ev->addr = r->slot_addr[s];
		ev->slot = slot_tag(ev->addr, s);
		r->slot_size[s] = ev->size;
		(void)perfshim_col_mru_take(&r->lists, (uint32_t)s);
		perfshim_col_mru_push(&r->lists, (uint32_t)s);
		held_unlink(r, (uint32_t)s); /* its ALLOC is the latest now */
		held_link(r, (uint32_t)s);
		return slot_born(r, (uint32_t)s);
	}
	/* 7.x: a block without its address is named by its ALLOC's number;
	 * an ALLOC_ADDR, as before, takes a recently freed address for
	 * k > 0. */
	int unnamed = r->hdr.major >= 7 && (k & 0xf0) == PERFSHIM_EV_ALLOC;

	if (!unnamed)
		CGET(&c[PERFSHIM_COL_SLOTS], s);
	if (unnamed) {
		ev->addr = perfshim_col_unnamed(r->nalloc);
	} else if (s) {
		if (recent_take(r, s, ev->size, &ev->addr))
			return -1;
	} else {
		CGET(&c[PERFSHIM_COL_ADDRS], d);
		ev->addr = r->last_miss + perfshim_col_unaddr(d);
		/* 3.x: the next miss is coded from past this block. */
		r->last_miss =
			ev->addr +
			(r->hdr.major >= 3 ? perfshim_col_chunk(ev->size) : 0);
	}
	if (slot_take(r, &slot) || slot_born(r, slot))
		return -1;
	ev->slot = slot_tag(ev->addr, slot);
	r->slot_addr[slot] = ev->addr;
	r->slot_size[slot] = ev->size;
	r->slot_held[slot] = 1;
	held_link(r, slot);
	perfshim_col_mru_push(&r->lists, slot);
	return 0;
}

/*
 * The slot a FREE's nonzero slots field v names: 2.x: v - 1; 3.x: that
 * of the block of the v-th latest ALLOC.
 */
static int free_slot(struct trace_reader *r, uint64_t *v)
{
	uint64_t age = *v;

	if (r->hdr.major < 3) {
		*v -= 1;
		return 0;
	}
	/* 7.x: the ALLOC's number, from the one the last such FREE named */
	if (r->hdr.major >= 7) {
		uint64_t seq =
			r->free_base + (uint64_t)perfshim_unzigzag(*v) - 1;

		if (seq >= r->nalloc)
			return fail(r,
				    "corrupt trace: free of allocation %llu "
				    "of %llu",
				    (unsigned long long)seq,
				    (unsigned long long)r->nalloc);
		age = r->nalloc - seq;
	}
	if (age > PERFSHIM_COL_AGES || age > r->nalloc)
		return fail(r, "corrupt trace: free of age %llu",
			    (unsigned long long)age);
	uint32_t s = r->by_age[(r->nalloc - age) & (PERFSHIM_COL_AGES - 1)];

	if (s >= r->nslots || r->slot_seq[s] != r->nalloc - age)
		return fail(r, "corrupt trace: free of age %llu",
			    (unsigned long long)age);
	*v = s;
	r->free_base = r->nalloc - age + 1;
	return 0;
}

/* The fields of a FREE of a COLUMNS record. */
static int col_free(struct trace_reader *r, uint8_t k, struct col *c,
		    struct trace_event *ev)
{
	uint64_t s, rank = 0;

	ev->kind = PERFSHIM_EV_FREE;
	/* 7.x: the rank is in the kind, FREE has none */
	if ((k & 0xf0) == PERFSHIM_COL_FREE_RANK)
		rank = (k & 0x0f) + 1u;
	else if (k == PERFSHIM_EV_FREE && r->hdr.major < 7)
		CGET(&c[PERFSHIM_COL_RANKS], rank);
	if (rank) {
		if (rank > r->lists.nmru)
			return fail(r, "corrupt trace: free of rank %llu of %u",
				    (unsigned long long)rank, r->lists.nmru);
		s = r->lists.mru[rank - 1];
		(void)perfshim_col_mru_take(&r->lists, (uint32_t)s);
	} else {
		CGET(&c[PERFSHIM_COL_SLOTS], s);
		if (k == PERFSHIM_EV_FREE) {
			if (s == 0) {
				CGET(&c[PERFSHIM_COL_ADDRS], ev->addr);
				return 0;
			}
			if (free_slot(r, &s))
				return -1;
		}
		(void)perfshim_col_mru_take(&r->lists, (uint32_t)s);
	}
	if (s >= r->nslots || !r->slot_held[s])
		return fail(r, "corrupt trace: block slot %llu",
			    (unsigned long long)s);
	ev->addr = r->slot_addr[s];
	ev->slot = slot_tag(ev->addr, s);
	r->slot_held[s] = 0;
	held_unlink(r, (uint32_t)s);
	r->released[r->nreleased++] = (uint32_t)s;
	/* (7.x: of the blocks known by their addresses) */
	if (!perfshim_col_is_unnamed(ev->addr))
		perfshim_col_recent_push(&r->lists,
					 perfshim_col_class(r->slot_size[s]),
					 ev->addr);
	return 0;
}

/* One event of a COLUMNS record, of kind k, into ev. */
static int col_event(struct trace_reader *r, uint8_t k, struct col *c,
		     struct trace_event *ev)
{
	uint64_t v;

	if ((k & 0xf0) == PERFSHIM_EV_ALLOC ||
	    (k & 0xf0) == PERFSHIM_COL_ALLOC_HELD ||
	    ((k & 0xf0) == PERFSHIM_COL_ALLOC_ADDR && r->hdr.major >= 7))
		return col_alloc(r, k, c, ev);
	if ((k & 0xf0) == PERFSHIM_COL_FREE_RANK && r->hdr.major >= 7)
		return col_free(r, k, c, ev);
	switch (k) {
	case PERFSHIM_COL_FREE_SLOT:
		if (r->hdr.major < 3)
			break;
		/* fall through */
	case PERFSHIM_EV_FREE:
		return col_free(r, k, c, ev);
	case PERFSHIM_EV_THREAD_EXIT:
		ev->kind = k;
		return 0;
	case PERFSHIM_EV_SAMPLE:
	case PERFSHIM_EV_MARK:
		CGET(&c[PERFSHIM_COL_STACKS], v);
		if (k == PERFSHIM_EV_SAMPLE && v > UINT32_MAX)
			return fail(r, "corrupt trace: stack id");
		if (k == PERFSHIM_EV_MARK &&
		    (v == 0 || v > PERFSHIM_MAX_STRINGS))
			return fail(r, "corrupt trace: marker label");
		ev->kind = k;
		ev->stack = k == PERFSHIM_EV_SAMPLE ? (uint32_t)v : 0;
		ev->label = k == PERFSHIM_EV_MARK ? (uint32_t)v : 0;
		return 0;
	}
	return fail(r, "corrupt trace: unknown event kind 0x%02x in columns",
		    k);
}

/* 3.x times: the next event whose time moves, after still ones. */
struct col_times {
	uint64_t still, next_dt;
	int have_next;
};

/* The next event's time delta, in quanta, from the times column tc. */
static int col_time(struct trace_reader *r, struct col *tc,
		    struct col_times *ct, uint64_t *dt)
{
	if (r->hdr.major < 3) {
		CGET(tc, *dt);
		return 0;
	}
	if (!ct->have_next && tc->p < tc->end) {
		CGET(tc, ct->still);
		CGET(tc, ct->next_dt);
		ct->have_next = 1;
	}
	if (ct->have_next && !ct->still) {
		*dt = ct->next_dt;
		ct->have_next = 0;
	} else {
		*dt = 0; /* (after the last moving event, all are still) */
		ct->still -= ct->have_next;
	}
	return 0;
}

static int columns(struct trace_reader *r, const uint8_t *p, const uint8_t *end)
{
	const char *what = "columns";
	struct col c[PERFSHIM_COL_COUNT];
	uint64_t t, n, len;

	GET(t);
	GET(n);
	for (int i = 0; i < PERFSHIM_COL_COUNT; i++) {
		GET(len);
		if (len > (uint64_t)(end - p))
			return fail(r, "corrupt trace: short columns record");
		c[i].p = p;
		c[i].end = p + len;
		p += len;
	}
	if (n !=
	    (uint64_t)(c[PERFSHIM_COL_KINDS].end - c[PERFSHIM_COL_KINDS].p))
		return fail(r, "corrupt trace: columns of %llu events",
			    (unsigned long long)n);
	if (ensure_thread(r, t))
		return -1;
	struct tqueue *q = &r->q[t];

	struct col_times ct = { 0, 0, 0 };

	for (uint64_t i = 0; i < n; i++) {
		/* Decoded in place: the queue is where the event goes. */
		struct trace_event *ev = queue_slot(r, (uint32_t)t);
		uint64_t dt = 0;

		if (!ev)
			return -1;
		memset(ev, 0, sizeof(*ev));
		ev->thread = (uint32_t)t;
		if (col_time(r, &c[PERFSHIM_COL_TIMES], &ct, &dt))
			return -1;
		ev->ts = ((q->last_ts >> r->time_shift) + dt) << r->time_shift;
		q->last_ts = ev->ts;
		if (col_event(r, c[PERFSHIM_COL_KINDS].p[i], c, ev))
			return -1;
		queue_push(r, (uint32_t)t);
	}
	return 0;
}

static int rename_eq(const void *ctx, size_t i)
{
	const struct trace_reader *r = ((const void *const *)ctx)[0];
	const uint64_t *from = ((const void *const *)ctx)[1];

	return r->ren[i].from == *from;
}

/* The address of the block named addr, if an ADDRS gave it; else addr. */
static uint64_t renamed(const struct trace_reader *r, uint64_t addr)
{
	const void *ctx[2] = { r, &addr };
	size_t i = hashtab_find(&r->ren_ix, hash64(addr), rename_eq, ctx);

	return i == HASHTAB_NONE ? addr : r->ren[i].to;
}

/*
 * Slot s's block is at addr from now on: later events name it so; the
 * events that named it otherwise take its address as they are let go;
 * a visitor that has it already renames it now.
 */
static int rename_slot(struct trace_reader *r, uint64_t s, uint64_t addr)
{
	uint64_t from = r->slot_addr[s];
	const void *ctx[2] = { r, &from };

	r->slot_addr[s] = addr;
	if (!perfshim_col_is_unnamed(from) || from == addr)
		return 0;
	if (r->ren_n == r->ren_cap) {
		size_t cap = r->ren_cap ? 2 * r->ren_cap : 64;

		if (GROW(r->ren, cap))
			return fail(r, "out of memory");
		r->ren_cap = cap;
	}
	size_t i =
		hashtab_put(&r->ren_ix, hash64(from), rename_eq, ctx, r->ren_n);

	r->ren_n += i == r->ren_n;
	r->ren[i] = (struct rename){ from, addr };
	if (r->v->rename && r->v->rename(r->v->ctx, from, addr)) {
		r->stopped = 1;
		return -1;
	}
	return 0;
}

static int addrs_rec(struct trace_reader *r, const uint8_t *p,
		     const uint8_t *end)
{
	uint64_t form, n, slot = 0, d, addr = 0, next = 0;
	uint32_t at = r->hhead; /* form 1: the next held slot */
	const char *bad = NULL;

	if (perfshim_get_varint(&p, end, &form) || form > 1 ||
	    perfshim_get_varint(&p, end, &n) || n > (uint64_t)(end - p))
		return fail(r, "corrupt trace: short ADDRS record");
	if (form == 1 && n != r->nheld)
		return fail(r, "corrupt trace: ADDRS of %llu blocks, %zu held",
			    (unsigned long long)n, r->nheld);
	/* Both sides start their recently freed lists again. */
	memset(r->lists.nrecent, 0, sizeof(r->lists.nrecent));
	for (uint64_t i = 0; i < n && !bad; i++) {
		if ((form == 0 && perfshim_get_varint(&p, end, &slot)) ||
		    perfshim_get_varint(&p, end, &d)) {
			bad = "corrupt trace: short ADDRS record";
			break;
		}
		if (form == 1) {
			slot = at;
			at = r->hnext[at];
			addr = next + perfshim_col_unaddr(d);
			next = addr + perfshim_col_chunk(r->slot_size[slot]);
		} else {
			addr += perfshim_col_unaddr(d);
		}
		if (slot >= r->nslots || !r->slot_held[slot] || !addr ||
		    perfshim_col_is_unnamed(addr))
			bad = "corrupt trace: an ADDRS address";
		else if (rename_slot(r, slot, addr))
			bad = ""; /* said */
	}
	if (bad && *bad)
		return fail(r, "%s", bad);
	return bad ? -1 : 0;
}

/* A verdict of a SCAN_HELD, or a head (size: the head's name). */
struct held_verdict {
	uint64_t name, size;
	uint8_t kind;
};

static int verdict_less(const void *a, const void *b)
{
	uint64_t x = ((const struct held_verdict *)a)->name,
		 y = ((const struct held_verdict *)b)->name;

	return x < y ? -1 : x > y;
}

/* The n verdicts of v (sorted) as one SCAN record, or SCAN_HEADS where
 * heads (the sizes are the heads' names), to the visitors. */
static int held_to_ext(struct trace_reader *r, const uint64_t hdr[4],
		       const struct held_verdict *v, size_t n, int heads)
{
	uint8_t *b =
		malloc(5 * PERFSHIM_VARINT_MAX + n * (3 * PERFSHIM_VARINT_MAX));
	size_t l = 0;
	uint64_t prev = 0;
	int rc = 0;

	if (!b)
		return fail(r, "out of memory");
	l += perfshim_put_varint(b + l, hdr[0]);
	for (int i = 1; !heads && i < 4; i++)
		l += perfshim_put_varint(b + l, hdr[i]);
	l += perfshim_put_varint(b + l, n);
	for (size_t i = 0; i < n; i++) {
		l += perfshim_put_varint(b + l, v[i].name - prev);
		prev = v[i].name;
		l += perfshim_put_varint(b + l, v[i].size);
		if (!heads)
			b[l++] = v[i].kind;
	}
	if (r->v->ext &&
	    r->v->ext(r->v->ctx,
		      heads ? PERFSHIM_REC_SCAN_HEADS : PERFSHIM_REC_SCAN, b,
		      b + l)) {
		r->stopped = 1;
		rc = -1;
	}
	free(b);
	return rc;
}

/*
 * SCAN_HELD (major 8): the SCAN and SCAN_HEADS records it stands for,
 * each block named as this reader knows it, to the visitors.
 */
static int scan_held_rec(struct trace_reader *r, const uint8_t *p,
			 const uint8_t *end)
{
	const char *what = "SCAN_HELD", *bad = NULL;
	uint64_t hdr[4], n, d;
	size_t nv = 0, nh = 0;

	for (int i = 0; i < 4; i++)
		GET(hdr[i]);
	GET(n);
	if (n != r->nheld)
		return fail(r,
			    "corrupt trace: SCAN_HELD of %llu blocks, %zu held",
			    (unsigned long long)n, r->nheld);
	if (n > (uint64_t)(end - p)) /* a byte each at least */
		return fail(r, "corrupt trace: short %s record", what);
	uint64_t *names = malloc((n ? n : 1) * sizeof(*names));
	struct held_verdict *v = malloc((n ? n : 1) * sizeof(*v));
	struct held_verdict *h = malloc((n ? n : 1) * sizeof(*h));
	uint64_t *head_of = malloc((n ? n : 1) * sizeof(*head_of));

	if (!names || !v || !h || !head_of)
		bad = "out of memory";
	for (uint32_t i = 0, s = r->hhead; !bad && i < n;
	     i++, s = r->hnext[s]) {
		uint8_t k = p < end ? *p++ : PERFSHIM_SCAN_NONE + 1;

		names[i] = r->slot_addr[s];
		head_of[i] = UINT64_MAX;
		if (k > PERFSHIM_SCAN_NONE) {
			bad = "corrupt trace: a SCAN_HELD kind";
			break;
		}
		if (k == PERFSHIM_SCAN_INDIRECT) {
			int64_t j;

			if (perfshim_get_varint(&p, end, &d)) {
				bad = "corrupt trace: short SCAN_HELD record";
				break;
			}
			j = (int64_t)i + perfshim_unzigzag(d);
			if (d && (j < 0 || (uint64_t)j >= n)) {
				bad = "corrupt trace: a SCAN_HELD head";
				break;
			}
			if (d)
				head_of[i] = (uint64_t)j;
		}
		/* A failed allocation (named 0) is judged by no scan. */
		if (k != PERFSHIM_SCAN_NONE && names[i])
			v[nv++] = (struct held_verdict){ names[i],
							 r->slot_size[s], k };
	}
	if (!bad && p != end)
		bad = "corrupt trace: bytes after the last SCAN_HELD block";
	for (uint64_t i = 0; !bad && i < n; i++)
		if (head_of[i] != UINT64_MAX && names[i])
			h[nh++] = (struct held_verdict){ names[i],
							 names[head_of[i]], 0 };
	if (!bad) {
		qsort(v, nv, sizeof(*v), verdict_less);
		qsort(h, nh, sizeof(*h), verdict_less);
		for (size_t i = 1; i < nv && !bad; i++)
			if (v[i].name == v[i - 1].name)
				bad = "corrupt trace: two blocks held under one name";
	}
	int rc = bad ? -1 : held_to_ext(r, hdr, v, nv, 0);

	if (!rc && nh)
		rc = held_to_ext(r, hdr, h, nh, 1);
	free(names);
	free(v);
	free(h);
	free(head_of);
	if (bad)
		return fail(r, "%s", bad);
	return rc;
}

/* TIES (perfshim_trace.h): exact times for events still queued. */
static int ties_rec(struct trace_reader *r, const uint8_t *p,
		    const uint8_t *end)
{
	const char *what = "ties";
	uint64_t t, seq, dt;
	int moved = 0;

	while (p < end) {
		GET(t);
		GET(seq);
		GET(dt);
		if (t >= r->nq || dt >> r->time_shift)
			return fail(r, "corrupt trace: bad %s record", what);
		struct tqueue *q = &r->q[t];

		if (seq < q->done)
			continue; /* let go already */
		if (seq - q->done >= q->len) {
			/* Only a newer minor's events can be skipped unread. */
			if (r->hdr.minor > PERFSHIM_FORMAT_MINOR)
				continue;
			return fail(
				r,
				"corrupt trace: a %s record names an event not read",
				what);
		}
		moved |= raise_time(q, (size_t)(seq - q->done), dt,
				    r->time_shift);
	}
	for (size_t i = r->nheap / 2; moved && i-- > 0;)
		heap_down(r, i);
	return 0;
}

static int module_rec(struct trace_reader *r, const uint8_t *p,
		      const uint8_t *end)
{
	const char *what = "module";
	struct module_info *m = calloc(1, sizeof(*m));
	uint64_t bl, ns;
	int rc = -1;

	if (!m)
		return fail(r, "out of memory");
	if (perfshim_get_varint(&p, end, &m->id) ||
	    perfshim_get_varint(&p, end, &m->bias) ||
	    !(m->path = get_string(&p, end, 0)) ||
	    perfshim_get_varint(&p, end, &bl) || bl > (uint64_t)(end - p) ||
	    bl > 1024)
		goto bad;
	if (bl) {
		m->build_id = malloc(bl);
		if (!m->build_id)
			goto bad;
		memcpy(m->build_id, p, bl);
		m->build_id_len = bl;
		p += bl;
	}
	if (perfshim_get_varint(&p, end, &ns) || ns > 256)
		goto bad;
	m->segs = calloc(ns ? ns : 1, sizeof(*m->segs));
	if (!m->segs)
		goto bad;
	m->nsegs = ns;
	for (uint64_t i = 0; i < ns; i++) {
		uint64_t fl;

		if (perfshim_get_varint(&p, end, &m->segs[i].start) ||
		    perfshim_get_varint(&p, end, &m->segs[i].size) ||
		    perfshim_get_varint(&p, end, &fl))
			goto bad;
		m->segs[i].flags = (uint32_t)fl;
	}
	if (r->v->module) {
		if (r->v->module(r->v->ctx, m)) {
			r->stopped = 1;
			return -1;
		}
		return 0;
	}
	rc = 0;
	goto out;
bad:
	fail(r, "corrupt trace: bad %s record", what);
out:
	free(m->path);
	free(m->build_id);
	free(m->segs);
	free(m);
	return rc;
}

static int nodes_rec(struct trace_reader *r, const uint8_t *p,
		     const uint8_t *end)
{
	const char *what = "stack node";
	uint64_t first, count, ip = 0;

	GET(first);
	GET(count);
	if (first == 0 || first > UINT32_MAX || count > UINT32_MAX - first)
		return fail(r, "corrupt trace: stack node ids");
	/* The shim numbers nodes densely and writes them in order: a gap
	 * could only make the node table as big as the id claims. */
	if (first > r->next_node)
		return fail(r,
			    "corrupt trace: stack node %llu where %llu was due",
			    (unsigned long long)first,
			    (unsigned long long)r->next_node);
	if (first + count > r->next_node)
		r->next_node = first + count;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t id = first + i, dp, dip;

		GET(dp);
		GET(dip);
		if (dp == 0 || dp > id)
			return fail(r, "corrupt trace: stack node %llu",
				    (unsigned long long)id);
		ip += (uint64_t)perfshim_unzigzag(dip);
		if (r->v->node && r->v->node(r->v->ctx, (uint32_t)id,
					     (uint32_t)(id - dp), ip)) {
			r->stopped = 1;
			return -1;
		}
	}
	return 0;
}

/* Room for n functions and nb buckets of a HISTOGRAM record. */
static int hist_room(struct trace_reader *r, size_t n, size_t nb)
{
	if (n > r->hfn_cap) {
		size_t cap = n < 64 ? 64 : 2 * n;
		void *f = realloc(r->hfn, cap * sizeof(*r->hfn));

		if (!f)
			return fail(r, "out of memory");
		r->hfn = f;
		r->hfn_cap = cap;
	}
	if (nb > r->hb_cap) {
		size_t cap = nb < 1024 ? 1024 : 2 * nb;
		void *ix = realloc(r->hix, cap * sizeof(*r->hix));

		if (ix)
			r->hix = ix;
		void *c = ix ? realloc(r->hcount, cap * sizeof(*r->hcount))
			     : NULL;

		if (!c)
			return fail(r, "out of memory");
		r->hcount = c;
		r->hb_cap = cap;
	}
	return 0;
}

/*
 * A function's buckets [p, end) of the event clock into r->hix/hcount
 * from *nb on, as buckets of ns: each tick bucket's midpoint, converted,
 * picks its ns bucket (the conversion keeps the order; buckets that land
 * on the same one merge). Returns 0, or -1 on a bad bucket.
 */
static int hist_buckets(struct trace_reader *r, const uint8_t **pp,
			const uint8_t *end, uint64_t m, size_t *nb)
{
	const uint8_t *p = *pp;
	uint64_t ix = 0, d, c;
	size_t first = *nb;

	for (uint64_t j = 0; j < m; j++) {
		if (perfshim_get_varint(&p, end, &d) ||
		    perfshim_get_varint(&p, end, &c) || (j && !d) || !c ||
		    d >= PERFSHIM_HIST_BUCKETS - ix)
			return -1;
		ix += d;
		uint32_t ns = perfshim_hist_index(trace_reader_span_ns(
			r, perfshim_hist_mid((uint32_t)ix)));

		if (*nb > first && r->hix[*nb - 1] == ns) {
			r->hcount[*nb - 1] += c;
		} else {
			r->hix[*nb] = ns;
			r->hcount[(*nb)++] = c;
		}
	}
	*pp = p;
	return 0;
}

static int hist_rec(struct trace_reader *r, const uint8_t *p,
		    const uint8_t *end)
{
	const struct trace_visitor *v = r->v;
	const char *what = "histogram";
	uint64_t thread, bits, lost, n, type, value, m;
	size_t nb = 0;

	GET(thread);
	GET(bits);
	GET(lost);
	GET(n);
	if (bits != PERFSHIM_HIST_SUB_BITS) {
		if (!r->warned_hist_bits++)
			warn(r,
			     "latency histograms of %llu-bit buckets skipped",
			     (unsigned long long)bits);
		return 0;
	}
	/* A function takes at least 5 bytes, a bucket 2. */
	if (thread > UINT32_MAX || n > (size_t)(end - p) / 5)
		return fail(r, "corrupt trace: bad histogram record");
	if (hist_room(r, n, (size_t)(end - p) / 2))
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		GET(type);
		GET(value);
		GET(m);
		if (type > PERFSHIM_PATH_ZONE || !m ||
		    (type == PERFSHIM_PATH_ZONE &&
		     (!value || value > PERFSHIM_MAX_STRINGS)) ||
		    m > (uint64_t)(end - p) / 2)
			return fail(r, "corrupt trace: bad histogram record");
		r->hfn[i].type = (uint32_t)type;
		r->hfn[i].value = value;
		r->hfn[i].index = r->hix + nb;
		r->hfn[i].count = r->hcount + nb;
		size_t before = nb;

		if (hist_buckets(r, &p, end, m, &nb))
			return fail(r, "corrupt trace: bad histogram record");
		r->hfn[i].n = nb - before;
	}
	struct trace_hists h = { (uint32_t)thread, lost, n, r->hfn };

	if (v->histograms && v->histograms(v->ctx, &h))
		return r->stopped = 1, -1;
	return 0;
}

/* A CALLS record: its times converted to ns, handed out whole. */
static int calls_rec(struct trace_reader *r, const uint8_t *p,
		     const uint8_t *end)
{
	const struct trace_visitor *v = r->v;
	const char *what = "calls";
	uint64_t thread, dropped, n, type, value, depth, start, dur, at = 0;

	GET(thread);
	GET(dropped);
	GET(n);
	/* A call takes at least 5 bytes. */
	if (thread >= READER_MAX_THREADS || n > (size_t)(end - p) / 5)
		return fail(r, "corrupt trace: bad calls record");
	if (n > r->calls_cap) {
		size_t cap = n < 256 ? 256 : n;
		void *c = realloc(r->calls, cap * sizeof(*r->calls));

		if (!c)
			return fail(r, "out of memory");
		r->calls = c;
		r->calls_cap = cap;
	}
	for (uint64_t i = 0; i < n; i++) {
		GET(type);
		GET(value);
		GET(depth);
		GET(start);
		GET(dur);
		at += (uint64_t)perfshim_unzigzag(start);
		if (type > PERFSHIM_PATH_ZONE || depth > UINT32_MAX ||
		    dur > UINT64_MAX - at ||
		    (type == PERFSHIM_PATH_ZONE &&
		     (!value || value > PERFSHIM_MAX_STRINGS)))
			return fail(r, "corrupt trace: bad calls record");
		/* The end converted as the start is: calls nest as they did,
		 * and short ones lose no half ns each to truncation (their
		 * durations add up to the TIMING totals). */
		uint64_t ns = to_ns(r, at);

		r->calls[i] =
			(struct trace_call){ ns, to_ns(r, at + dur) - ns, value,
					     (uint32_t)type, (uint32_t)depth };
	}
	struct trace_calls c = { (uint32_t)thread, dropped, n, r->calls };

	if (v->calls && v->calls(v->ctx, &c))
		return r->stopped = 1, -1;
	return 0;
}

static int thread_rec(struct trace_reader *r, const uint8_t *p,
		      const uint8_t *end)
{
	const struct trace_visitor *v = r->v;
	const char *what = "top-level";
	uint64_t a, b;

	GET(a);
	GET(b);
	char *name = get_string(&p, end, 0);

	if (!name)
		return fail(r, "corrupt trace: bad thread record");
	int rc = ensure_thread(r, a);

	if (!rc) {
		r->q[a].known = 1;
		if (v->thread && v->thread(v->ctx, (uint32_t)a, b, name))
			rc = -1, r->stopped = 1;
	}
	free(name);
	return rc;
}

/* Two (ticks, ns) pairs, the first and the latest: the clock's rate. */
static int clock_rec(struct trace_reader *r, const uint8_t *p,
		     const uint8_t *end)
{
	const char *what = "top-level";
	uint64_t a, b;

	GET(a);
	GET(b);
	if (r->nclock++ == 0) {
		r->clock_t0 = a;
		r->clock_n0 = b;
	} else if (a > r->clock_t0 && b >= r->clock_n0) {
		r->clock_t1 = a;
		r->clock_n1 = b;
		r->ns_per_tick = (double)(r->clock_n1 - r->clock_n0) /
				 (double)(r->clock_t1 - r->clock_t0);
	}
	return 0;
}

static int end_rec(struct trace_reader *r, const uint8_t *p, const uint8_t *end)
{
	const struct trace_visitor *v = r->v;
	const char *what = "top-level";
	struct trace_end e;
	uint64_t a, st, dummy;

	memset(&e, 0, sizeof(e));
	GET(a);
	GET(st);
	GET(e.alloc_calls);
	GET(e.free_calls);
	GET(e.alloc_bytes);
	GET(dummy);
	GET(e.lost);
	e.how = (unsigned)a;
	e.status = (int)perfshim_unzigzag(st);
	/* Everything before the END is complete: deliver it now. */
	if (release(r, RELEASE_ALL))
		return -1;
	if (!r->seen_end)
		r->end_how = e.how;
	r->seen_end = 1;
	if (e.lost > r->lost)
		r->lost = e.lost;
	if (v->end && v->end(v->ctx, &e))
		return r->stopped = 1, -1;
	return 0;
}

static int string_rec(struct trace_reader *r, const uint8_t *p,
		      const uint8_t *end)
{
	const struct trace_visitor *v = r->v;
	const char *what = "top-level";
	uint64_t a;

	GET(a);
	char *text = get_string(&p, end, 0);

	if (!text || a == 0 || a > PERFSHIM_MAX_STRINGS) {
		free(text);
		return fail(r, "corrupt trace: bad string record");
	}
	int rc = v->string ? v->string(v->ctx, (uint32_t)a, text) : 0;

	free(text);
	if (rc)
		return r->stopped = 1, -1;
	return 0;
}

static int record(struct trace_reader *r, uint8_t tag, const uint8_t *p,
		  const uint8_t *end)
{
	const struct trace_visitor *v = r->v;
	const char *what = "top-level";
	uint64_t a, b;

	switch (tag) {
	case PERFSHIM_REC_FRAME:
		GET(a);
		/* The shim writes frames strictly in sequence. */
		if (a != r->next_seq)
			return fail(
				r,
				"corrupt trace: frame %llu where %llu was due",
				(unsigned long long)a,
				(unsigned long long)r->next_seq);
		r->next_seq = a + 1;
		return 0;
	case PERFSHIM_REC_MODULE:
		return module_rec(r, p, end);
	case PERFSHIM_REC_MODULE_GONE:
		GET(a);
		if (v->module_gone && v->module_gone(v->ctx, a))
			return r->stopped = 1, -1;
		return 0;
	case PERFSHIM_REC_NODES:
		return nodes_rec(r, p, end);
	case PERFSHIM_REC_THREAD:
		return thread_rec(r, p, end);
	case PERFSHIM_REC_CHUNK:
		return chunk(r, p, end);
	case PERFSHIM_REC_COLUMNS:
		if (r->hdr.major < 2)
			break;
		return columns(r, p, end);
	case PERFSHIM_REC_CLOCK:
		return clock_rec(r, p, end);
	case PERFSHIM_REC_SYNC:
		GET(a);
		return release(r, a);
	case PERFSHIM_REC_LOST:
		GET(a);
		GET(b);
		r->lost = a > UINT64_MAX - r->lost ? UINT64_MAX : r->lost + a;
		if (v->lost && v->lost(v->ctx, a, b))
			return r->stopped = 1, -1;
		return 0;
	case PERFSHIM_REC_END:
		return end_rec(r, p, end);
	case PERFSHIM_REC_MEMORY: {
		uint64_t ts;

		if (r->hdr.minor < 1)
			break;
		GET(ts);
		GET(a);
		GET(b);
		if (v->memory && v->memory(v->ctx, to_ns(r, ts), a, b))
			return r->stopped = 1, -1;
		return 0;
	}
	case PERFSHIM_REC_STRING:
		if (r->hdr.minor < 1)
			break;
		return string_rec(r, p, end);
	case PERFSHIM_REC_HISTOGRAM:
		if (r->hdr.minor < 2)
			break;
		return hist_rec(r, p, end);
	case PERFSHIM_REC_CALLS:
		if (r->hdr.minor < 3)
			break;
		return calls_rec(r, p, end);
	case PERFSHIM_REC_TIES:
		if (r->hdr.major < 3 || r->hdr.minor < 4)
			break;
		return ties_rec(r, p, end);
	case PERFSHIM_REC_ADDRS:
		if (r->hdr.major < 7)
			break;
		return addrs_rec(r, p, end);
	case PERFSHIM_REC_SCAN_HELD:
		if (r->hdr.major < 8)
			break;
		return scan_held_rec(r, p, end);
	default:
		break;
	}
	if (tag >= PERFSHIM_REC_EXT_FIRST && tag <= PERFSHIM_REC_EXT_LAST &&
	    r->hdr.minor >= 1) {
		if (v->ext && v->ext(v->ctx, tag, p, end))
			return r->stopped = 1, -1;
		return 0;
	}
	if (r->hdr.minor <= PERFSHIM_FORMAT_MINOR)
		return fail(r, "corrupt trace: unknown record kind %u", tag);
	return 0; /* a newer minor's record: skip it */
}

/*
 * Past queue_max events without a SYNC record (the shim writes one on
 * every pass of its writer), let them all go: a "zstd bomb" of events
 * and no SYNC queued each one to the end, 115 KB of trace to more than
 * 10 GB. Their order across threads is then as they stand.
 */
static int release_unsynced(struct trace_reader *r)
{
	if (!r->warned_unsynced++)
		warn(r,
		     "%llu events without a SYNC record: let go as they stand, their order across threads unchecked (not a trace the shim wrote?)",
		     (unsigned long long)r->queued);
	return release(r, RELEASE_ALL);
}

void trace_reader_queue_max(struct trace_reader *r, uint64_t n)
{
	r->queue_max = n;
}

static int parse_frame(struct trace_reader *r, const uint8_t *p, size_t len)
{
	const uint8_t *end = p + len;
	const char *what = "record";

	r->frames++;
	if (len == 0 || *p != PERFSHIM_REC_FRAME)
		return fail(
			r,
			"corrupt trace: frame %llu does not start with a frame record",
			(unsigned long long)r->frames - 1);
	while (p < end) {
		uint8_t tag = *p++;
		uint64_t n;

		GET(n);
		if (n > (uint64_t)(end - p))
			return fail(r,
				    "corrupt trace: record overruns its frame");
		if (record(r, tag, p, p + n))
			return -1;
		if (r->queued > r->queue_max && release_unsynced(r))
			return -1;
		p += n;
	}
	return 0;
}

/* The frame just decoded, of len bytes, put together first if split. */
static int read_frame(struct trace_reader *r, size_t len)
{
	const char *why;

	if (r->hdr.major < 4 || len == 0 || r->frame[0] != PERFSHIM_REC_SPLIT)
		return parse_frame(r, r->frame, len);
	if (frame_unsplit(r->frame, len, &r->joined, &r->joined_cap, &len,
			  &why))
		return fail(r, "%s", why);
	return parse_frame(r, r->joined, len);
}

/* The frame just read (len bytes) becomes the next one's prefix: the
 * buffers change places. */
static int next_prefix(struct trace_reader *r, size_t len)
{
	uint8_t *p = r->prev;
	size_t cap = r->prev_cap;

	r->prev = r->frame;
	r->prev_cap = r->frame_cap;
	r->prev_len = len;
	r->frame = p;
	r->frame_cap = cap;
	if (!r->frame) {
		r->frame_cap = 1 << 20;
		r->frame = malloc(r->frame_cap);
		if (!r->frame)
			return fail(r, "out of memory");
	}
	size_t e = ZSTD_DCtx_refPrefix(r->dctx, r->prev, r->prev_len);

	if (ZSTD_isError(e))
		return fail(r, "cannot decode the next frame (%s)",
			    ZSTD_getErrorName(e));
	return 0;
}

static int run_all(struct trace_reader *r, const struct trace_visitor *v)
{
	size_t in_len = 0, in_pos = 0, out_len = 0;
	int in_frame = 0, eof = 0;

	r->v = v;
	r->dctx = ZSTD_createDCtx();
	r->in_cap = ZSTD_DStreamInSize();
	r->in = malloc(r->in_cap);
	r->frame_cap = 1 << 20;
	r->frame = malloc(r->frame_cap);
	if (!r->dctx || !r->in || !r->frame)
		return fail(r, "out of memory");
	/* Our frames never need more than 2^27 of window: refuse bigger. */
	ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_windowLogMax, 27);

	for (;;) {
		if (in_pos == in_len && !eof) {
			in_len = input(r, r->in, r->in_cap);
			in_pos = 0;
			if (in_len == 0)
				eof = 1;
		}
		if (in_pos == in_len && eof)
			break;
		ZSTD_inBuffer zin = { r->in, in_len, in_pos };

		if (out_len == r->frame_cap) {
			if (r->frame_cap >= PERFSHIM_MAX_FRAME_CONTENT)
				return fail(
					r,
					"corrupt trace: a frame larger than %u MiB",
					PERFSHIM_MAX_FRAME_CONTENT >> 20);
			uint8_t *f = realloc(r->frame, r->frame_cap * 2);

			if (!f)
				return fail(r, "out of memory");
			r->frame = f;
			r->frame_cap *= 2;
		}
		ZSTD_outBuffer zout = { r->frame, r->frame_cap, out_len };
		size_t ret = ZSTD_decompressStream(r->dctx, &zout, &zin);

		in_pos = zin.pos;
		out_len = zout.pos;
		in_frame = 1;
		if (ZSTD_isError(ret)) {
			if (r->frames == 0)
				return fail(
					r,
					"not a perfshim trace or corrupt from the start (%s)",
					ZSTD_getErrorName(ret));
			return fail(r, "corrupt trace after frame %llu (%s)",
				    (unsigned long long)r->frames,
				    ZSTD_getErrorName(ret));
		}
		if (ret == 0) {
			show_progress(r, 0);
			if (read_frame(r, out_len))
				return -1;
			if (r->hdr.major >= 9 && next_prefix(r, out_len))
				return -1;
			out_len = 0;
			in_frame = 0;
		}
	}
	show_progress(r, 1);
	if (in_frame || out_len) {
		r->cut_short = 1;
		/* The shim writes whole frames: a part of one is a write that
		 * never ended (a kill, a crash, a full disk or RLIMIT_FSIZE,
		 * which the shim said on the program's stderr). */
		if (r->frames)
			warn(r,
			     "trace cut short (the program was killed or crashed, or the file could not be written on): read to the end of frame %llu, its last complete one",
			     (unsigned long long)r->frames);
		else
			warn(r,
			     "trace cut short (the program was killed or crashed, or the file could not be written on): not one frame of it is complete, it holds no event");
	} else if (!r->seen_end) {
		warn(r,
		     "trace cut short: it has no end record (the program was killed or is still running)");
	}
	/* Whatever is left is complete as far as the file goes. */
	return release(r, RELEASE_ALL);
}

int trace_reader_run(struct trace_reader *r, const struct trace_visitor *v)
{
	int rc = run_all(r, v);

	if (v->done)
		v->done(v->ctx);
	return rc;
}

void trace_reader_free(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	ZSTD_freeDCtx(r->dctx);
	for (size_t i = 0; i < r->nq; i++)
		free(r->q[i].ev);
	free(r->q);
	free(r->heap);
	free(r->in);
	free(r->frame);
	free(r->prev);
	free(r->joined);
	free(r->hfn);
	free(r->hix);
	free(r->hcount);
	free(r->slot_addr);
	free(r->slot_size);
	free(r->slot_seq);
	free(r->by_age);
	free(r->slot_held);
	free(r->released);
	free(r->ren);
	hashtab_release(&r->ren_ix);
	free(r->hprev);
	free(r->hnext);
	free(r->calls);
	free(r->hdr.exe);
	free(r->hdr.cmdline);
	free(r->hdr.label);
	free(r->name);
	free(r);
}
