/*
 * shim.h - what the parts of libperfshim.so share (never installed): the
 * configuration, a traced thread's state, the recording switch, the
 * reentrancy guard, and the declarations of the modules that have no
 * header of their own yet. Self-contained modules have their own header
 * with its contract and do not need this one: compiler.h, clock.h,
 * ring.h, encode.h, mem.h, fds.h, tracefile.h.
 *
 * Contract of what is declared here, unless a comment says otherwise:
 * the per-event functions (perfshim_event_begin/end, perfshim_emit,
 * perfshim_stack_intern, the unwind guards) never block, allocate or take
 * a lock, and are async-signal-safe, as the allocation path and the
 * SIGPROF handler need; everything else may take the shim's locks and is
 * for the hooks' slow paths, init, the writer thread, fork and exit
 * handlers, never a signal handler. Nothing runs before init but what
 * says so. A thread_state belongs to its thread, its ring's consumer side
 * and totals to the writer (ring.h); the shim's memory is from mem.h.
 */
#ifndef PERFSHIM_SHIM_H
#define PERFSHIM_SHIM_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "clock.h"
#include "compiler.h"
#include "ring.h"

/* Per-thread stack cache entries (direct-mapped, power of two). */
#define STACK_CACHE_SIZE 1024
/* Per-thread frame-rule cache entries (direct-mapped, power of two). */
#define RULE_CACHE_SIZE 512
/* Hard upper bound of PERFSHIM_DEPTH. */
#define MAX_DEPTH 256
/* Size of the signal stack the shim gives a thread that has none. */
#define ALTSTACK_SIZE (256 * 1024)

/* A frame of a walk: its registers and its rule (unwind.c). */
struct frame_memo {
	uintptr_t sp, ip, bp;
	uint32_t rule;
	uint32_t needs_bp; /* the walk outward reads bp before it is reloaded */
};

struct stack_cache_entry {
	uint64_t hash;
	uint32_t id;
	uint32_t epoch;
};

/*
 * One traced thread. Lives in memory the shim maps itself, so that the
 * program's heap never sees it. Its ring's producer is the thread, its
 * consumer the writer (ring.h).
 */
struct thread_state {
	struct thread_state *next; /* all threads, newest first */
	uint32_t index;
	pid_t tid;
	struct ring ring;
	/*
	 * busy is set while the thread is between taking an event's time and
	 * committing it; cur_ts is that time (or the previous one, which is
	 * never larger). The writer derives its SYNC watermark from them.
	 */
	_Atomic int busy;
	_Atomic uint64_t cur_ts;
	_Atomic int dead;
	/* 1 while this thread is inside libunwind (see perfshim_unwind_enter) */
	_Atomic int in_unwind;
	/* clone(CLONE_VM) children of this thread that may still run on its
	 * TLS, and so on this state (sampler.c): no samples meanwhile */
	_Atomic int tls_shared;
	uint64_t last_ts; /* producer's delta base */
	/* Totals for the END record, written by this thread only (relaxed
	 * stores: no lock, no shared cache line), summed by the writer. */
	_Atomic uint64_t alloc_calls, free_calls, alloc_bytes;
	uintptr_t stack_lo, stack_hi; /* for frame-pointer walks, 0: unknown */
	void *altstack; /* our sigaltstack (ALTSTACK_SIZE), or NULL */
	/* While a sample is taken on it: the stack pointer of the code the
	 * tick interrupted, on the thread's stack; else 0. A scan that
	 * stops the thread there finds the thread's live frames from it. */
	_Atomic uintptr_t outer_sp;
	/* one of ours no longer in use, kept for the next thread */
	void *altstack_kept;
	uint32_t forks; /* threads.c's forks when its caches were filled */
	/*
	 * The writer's, on a cache line of their own: a line the writer
	 * stores to while the thread reads it moves between the CPUs at each
	 * store (the thread's stack walk read stack_hi next to live_ts, which
	 * the index stored at every event).
	 */
	_Alignas(64) struct {
		uint64_t head_seen; /* head at the start of its pass */
		/* The live-block index's reading of the ring (live.c): how
		 * far, the time base there, 1 if it met an event it cannot
		 * parse. */
		uint64_t live_pos, live_ts;
		int live_bad;
		int announced; /* its THREAD record is staged */
	} w;
	_Alignas(64) struct stack_cache_entry cache[STACK_CACHE_SIZE];
	/* This thread's copy of the frame rules it uses (unwind.c), and the
	 * generation of the shared rules it holds. */
	uint32_t rules_gen;
	uint64_t rules[RULE_CACHE_SIZE];
	/* The last whole walk, outermost first, and the one under way. */
	int memo_n;
	uintptr_t unwind_unknown; /* where the last walk found no rule */
	uintptr_t unwind_unknown_sp, unwind_unknown_bp; /* its registers */
	struct frame_memo memo[MAX_DEPTH + 16], fresh[MAX_DEPTH + 16];
	uintptr_t ips[MAX_DEPTH + 16];
};

/* A thread's event buffer at least: the least PERFSHIM_BUFFER_KB, and
 * what threads.c falls back to where a larger one cannot be mapped. */
#define RING_LEAST (16 * 1024)

struct shim_config {
	const char *output; /* PERFSHIM_OUTPUT template */
	int depth;	    /* PERFSHIM_DEPTH */
	int zstd_level;	    /* PERFSHIM_ZSTD_LEVEL */
	int zstd_auto;	    /* PERFSHIM_ZSTD_LEVEL unset or auto */
	unsigned flush_ms;  /* PERFSHIM_FLUSH_MS */
	size_t ring_size;   /* PERFSHIM_BUFFER_KB * 1024 */
	int clock;	    /* PERFSHIM_CLOCK: CLOCK_CHOICE_* */
	int unwind_fp;	    /* PERFSHIM_UNWIND=fp: walk frame pointers */
	int unwind_dwarf;   /* PERFSHIM_UNWIND=dwarf: libunwind for all */
	int unwind_check;   /* PERFSHIM_UNWIND=check: compare with libunwind */
	int sample_hz;	    /* PERFSHIM_SAMPLE_HZ: CPU samples a second */
	/* PERFSHIM_RSS_INTERVAL_MS (memory.c), 0: off */
	unsigned rss_interval_ms;
	/* PERFSHIM_SCAN_STOP=signal: the scan stops threads with a signal,
	 * never with ptrace (stop.c) */
	int scan_stop_signal;
	/* PERFSHIM_LABEL: KEY=VALUE[,KEY=VALUE...] for the trace header,
	 * or NULL */
	const char *label;
	/* PERFSHIM_EVENTS: timed calls kept per thread (timing.c);
	 * UINT64_MAX: all, 0: none */
	uint64_t call_events;
	/* PERFSHIM_TEST_META_SIGNAL=SIG,TAG, for the test suite alone: the
	 * first record of tag TAG raises SIG inside the meta section, as a
	 * signal from outside may land there (t0350); 0: never */
	int test_meta_signal, test_meta_tag;
};

enum { CLOCK_CHOICE_AUTO, CLOCK_CHOICE_MONOTONIC };

extern HIDDEN struct shim_config perfshim_cfg;
/* 1 while events are recorded; 0 before init, when disabled or stopped. */
extern HIDDEN _Atomic int perfshim_recording;

/* The real allocator, resolved at start (alloc.c). */
struct real_alloc {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
};
extern HIDDEN struct real_alloc perfshim_real;
HIDDEN void perfshim_resolve_allocator(void);
/*
 * perfshim_allocator_foreign - the file of the library whose malloc the
 * program calls when it is not the shim's (loaded before the shim), or
 * NULL. May allocate (dlsym); call at init only.
 */
HIDDEN const char *perfshim_allocator_foreign(void);

/*
 * Reentrancy guard. While it is non-zero on a thread, the hooks pass calls
 * straight to the real functions: this is how the shim's own allocations
 * (libunwind, zstd, its tables) stay out of the trace.
 */
extern HIDDEN __thread int perfshim_guard;
extern HIDDEN __thread struct thread_state *perfshim_self;
/*
 * 1 while a program's signal handler runs that interrupted the shim (the
 * guard held: inside malloc or free), or after such a handler left by
 * longjmp (then the guard stays held, and the thread is traced no more).
 * Its allocations and frees pass untraced: they are lost events
 * (perfshim_untraced_in_handler), so that no gate passes on the trace.
 */
extern HIDDEN __thread int perfshim_over_guard;
HIDDEN void perfshim_untraced_in_handler(void);

/* A hook records this call: recording on, and not the shim's own. */
static inline int perfshim_tracing(void)
{
	if (UNLIKELY(perfshim_guard)) {
		if (UNLIKELY(perfshim_over_guard))
			perfshim_untraced_in_handler();
		return 0;
	}
	return atomic_load_explicit(&perfshim_recording, memory_order_relaxed);
}

/*
 * The recording of a hook (alloc.c), with the guard held. The block's
 * address is in perfshim_parked (this thread's), never in a callee-saved
 * register while the shim runs (see alloc.c); the hook clears it once it
 * has the address back. perfshim_record_alloc appends an ALLOC of size
 * bytes by fn, its stack walked from the caller of the frame at from;
 * perfshim_record_free a FREE, its time taken now, before the block is
 * released.
 */
extern HIDDEN __thread volatile uintptr_t perfshim_parked;
HIDDEN void perfshim_record_alloc(int fn, size_t size, uintptr_t from);
HIDDEN void perfshim_record_free(void);
/* p was served from the shim's boot arena (never freed, never recorded). */
HIDDEN int perfshim_in_boot_arena(const void *p);

/*
 * Opens an event on thread t and returns its time. Until
 * perfshim_event_end(), the writer keeps its SYNC watermark at or below
 * that time (see pass() in writer.c): this is the ordering contract.
 */
static inline uint64_t perfshim_event_begin(struct thread_state *t)
{
	atomic_store_explicit(&t->busy, 1, memory_order_relaxed);
	atomic_signal_fence(memory_order_seq_cst);
	uint64_t ts = perfshim_now_ordered();

	if (UNLIKELY(ts < t->last_ts))
		ts = t->last_ts; /* an unfenced read ran ahead of the last */
	atomic_store_explicit(&t->cur_ts, ts, memory_order_relaxed);
	return ts;
}

static inline void perfshim_event_end(struct thread_state *t)
{
	atomic_store_explicit(&t->busy, 0, memory_order_release);
}

/* 1 if address a is on t's alternate stack, ours (t may be NULL). */
static inline int perfshim_on_altstack(const struct thread_state *t,
				       uintptr_t a)
{
	return t && t->altstack && a - (uintptr_t)t->altstack < ALTSTACK_SIZE;
}

/* writer.c */
HIDDEN int perfshim_writer_open(void);
HIDDEN struct thread_state *perfshim_thread_get(void);
HIDDEN void perfshim_thread_exit(struct thread_state *t);
HIDDEN void perfshim_emit(struct thread_state *t, const uint8_t *rec,
			  size_t len);
/* The same for a record in a buffer of RING_SMALL bytes (ring.h). */
HIDDEN void perfshim_emit_small(struct thread_state *t,
				const uint8_t rec[RING_SMALL], size_t len);
HIDDEN void perfshim_meta(uint8_t tag, const uint8_t *payload, size_t len);
HIDDEN void perfshim_finish(int how, int status);
/*
 * perfshim_signal_finish - in the handler of signal sig, whose default
 * action is about to end the process (uctx as the handler got it): the
 * leak scan and the trace's END record, on a stack of the shim's own
 * (onstack.h), since the handler's may be the program's small one.
 */
HIDDEN void perfshim_signal_finish(const void *uctx, int sig);
/* perfshim_sigprocmask - the shim's sigprocmask, not through the GOT. */
HIDDEN int perfshim_sigprocmask(int how, const sigset_t *set, sigset_t *old);
HIDDEN void perfshim_after_fork_child(void);
HIDDEN void perfshim_fork_prepare(void);
HIDDEN void perfshim_fork_parent(void);
HIDDEN void perfshim_writer_start(void);
HIDDEN void perfshim_unfinish(void);
/*
 * perfshim_before_exec - before an exec of the traced process: the trace
 * is ended (1), or it is not this shim's to end (0). Give that to
 * perfshim_after_failed_exec, with errno, when the exec returns.
 */
HIDDEN int perfshim_before_exec(void);
HIDDEN void perfshim_after_failed_exec(int finished, int err);
/*
 * perfshim_quick_end - the process ends now, without destructors
 * (_exit(), syscall(SYS_exit_group)): the exit scan and the trace's end,
 * with every signal blocked from here. 1 if it did, 0 if the process is
 * not traced (or not this trace's).
 */
HIDDEN int perfshim_quick_end(int status);
/*
 * perfshim_writer_park - stop the writer thread (after a last pass) and
 * wait until the kernel has let it go, for calls that need the process
 * to have no thread but the program's. Until perfshim_writer_unpark(),
 * each thread writes its events itself when its ring is full, and no
 * writer starts. Returns 1 if it stopped the writer, 0 if there was
 * nothing to do (already parked, or a child that shares our memory).
 * May block (5 s at most); not in signal handlers.
 */
HIDDEN int perfshim_writer_park(void);
HIDDEN void perfshim_writer_unpark(void);
HIDDEN int perfshim_writer_is_parked(void);
/*
 * perfshim_detach - finish the trace (END: "stopped") and leave the
 * process for good: no writer, no event, no system call of the shim's
 * after it (for seccomp). Returns 0, or -1 in a child that shares the
 * parent's memory (vfork, CLONE_VM), where nothing may be changed.
 */
HIDDEN int perfshim_detach(void);
/* 1 if no thread holds the lock of perfshim_meta() right now. */
HIDDEN int perfshim_meta_free(void);
/* For the scan (scan.c), which holds off the writer's passes with the
 * pass lock (pass.h): the thread list (stable while held); the writer
 * thread's id and an address on its stack, to leave it alone. */
HIDDEN struct thread_state *perfshim_threads(void);
extern HIDDEN _Atomic pid_t perfshim_writer_tid;
extern HIDDEN uintptr_t perfshim_writer_stack;
/* The END totals of the threads that are gone (each live thread counts in
 * its thread_state), the events no ring had room for, and those of
 * threads no buffer could be mapped for. */
extern HIDDEN _Atomic uint64_t perfshim_alloc_calls, perfshim_free_calls,
	perfshim_alloc_bytes, perfshim_lost_events, perfshim_lost_nomem;
/* The allocations this process's threads have made so far, the gone
 * ones' too (writer.c): for slow paths, with the pass lock held. */
HIDDEN uint64_t perfshim_alloc_calls_now(void);

/* stack.c */
HIDDEN void perfshim_stack_init(void);
HIDDEN void perfshim_stack_reset(void);
HIDDEN uint32_t perfshim_stack_capture(struct thread_state *t, uintptr_t from);
/*
 * perfshim_stack_intern - the stack id of ips[0..n), innermost first
 * (return addresses; the sampler's leaf is pc + 1), after the shim's
 * leading frames and everything from the shim's main wrapper outward are
 * cut off. Uses t's cache; the caller holds the guard.
 */
HIDDEN uint32_t perfshim_stack_intern(struct thread_state *t,
				      const uintptr_t *ips, int n);
/* Fill t->stack_lo/hi from pthread (may allocate: not in a handler). */
HIDDEN void perfshim_stack_bounds(struct thread_state *t);
/* Every node made or being made has an id below it. */
HIDDEN uint32_t perfshim_stack_next_id(void);
/*
 * Writer side: encode nodes from *from on, up to upto, the end of out or
 * the first node whose maker has taken its id but not yet filled it in
 * (it may be stopped, or in a signal handler: no waiting for it). *from
 * is left at the first node not encoded.
 */
HIDDEN size_t perfshim_stack_encode(uint32_t *from, uint32_t upto, uint8_t *out,
				    size_t cap);
/* Whether node id is filled in (perfshim_stack_encode would take it). */
HIDDEN int perfshim_stack_ready(uint32_t id);
HIDDEN void perfshim_stack_new_epoch(void);

/*
 * libunwind is not fork-safe: a thread inside it at fork() may hold one of
 * its mutexes, which then stays locked in the child forever. Every use of
 * libunwind is bracketed by these; the fork handler raises
 * perfshim_forking, makes both sides' stores visible to each other with
 * one membarrier() (so the hot path needs no fence), and waits for the
 * threads inside to leave. perfshim_unwind_enter returns 0 when the thread
 * may go in, -1 while a fork is under way (the caller waits, or, in a
 * signal handler, drops the sample).
 */
extern HIDDEN _Atomic int perfshim_forking;
extern HIDDEN int perfshim_unwind_fence; /* no membarrier: fence instead */

static inline int perfshim_unwind_enter(struct thread_state *t)
{
	atomic_store_explicit(&t->in_unwind, 1, memory_order_relaxed);
	if (UNLIKELY(perfshim_unwind_fence))
		atomic_thread_fence(memory_order_seq_cst);
	else
		atomic_signal_fence(memory_order_seq_cst);
	if (LIKELY(!atomic_load_explicit(&perfshim_forking,
					 memory_order_relaxed)))
		return 0;
	atomic_store_explicit(&t->in_unwind, 0, memory_order_release);
	return -1;
}

static inline void perfshim_unwind_leave(struct thread_state *t)
{
	atomic_store_explicit(&t->in_unwind, 0, memory_order_release);
}

/* perfshim_unwind_enter, waiting out a fork under way (not in handlers). */
HIDDEN void perfshim_unwind_wait_enter(struct thread_state *t);
/* At start: set up membarrier, or fall back to fences. */
HIDDEN void perfshim_unwind_fork_init(void);
/* In the fork handlers: hold off new unwinds, let running ones finish. */
HIDDEN void perfshim_unwind_fork_begin(void);
HIDDEN void perfshim_unwind_fork_end(void);
/*
 * In a forked child: 1 if the fork stopped waiting (2 s) for a thread
 * still inside an unwind, which may have been in libunwind, its state
 * half changed or its lock held in the child's copy; 0 if every other
 * thread had left its unwind.
 */
HIDDEN int perfshim_unwind_fork_cut(void);

/* modules.c */
HIDDEN void perfshim_modules_scan(void);
HIDDEN void perfshim_modules_reset(void);
/* In a forked child, before anything else of the modules. */
HIDDEN void perfshim_modules_after_fork(void);
extern HIDDEN uintptr_t perfshim_self_lo, perfshim_self_hi;

/* Whether ip is in the shim's own code: checked for every frame. */
static inline int perfshim_in_shim(uintptr_t ip)
{
	return ip - perfshim_self_lo < perfshim_self_hi - perfshim_self_lo;
}
/*
 * Interposers that call the program back (dl_iterate_phdr) go in their
 * own section: their frames sit in the middle of a program's stack, so a
 * walk goes on through them, where the shim's other frames in a stack
 * after the program's (main's wrapper, a thread's start) are its bottom.
 */
#define PASS_THROUGH __attribute__((section("perfshim_through"), noinline))
extern HIDDEN const char __start_perfshim_through[], __stop_perfshim_through[];

static inline int perfshim_through(uintptr_t ip)
{
	return ip - (uintptr_t)__start_perfshim_through <
	       (uintptr_t)(__stop_perfshim_through - __start_perfshim_through);
}
HIDDEN void perfshim_modules_self_range(void);
HIDDEN void perfshim_modules_check(uint64_t ip);
/* 1 if ip is in a module loaded at start (never unloaded: a stack node
 * of it needs no epoch). Lock-free, async-signal-safe. */
HIDDEN int perfshim_modules_permanent(uint64_t ip);
/* The writer, outside its pass lock: record the modules that samples
 * found unknown (the handler cannot scan; without dlopen hooked, a
 * module only sampled would wait for the exit, or never be recorded). */
HIDDEN void perfshim_modules_poll(void);
HIDDEN void perfshim_modules_lock(void);
HIDDEN void perfshim_modules_unlock(void);

/*
 * scan.c: where the exit scan's stack roots begin on the exiting thread:
 * set by the exit hooks (the caller of exit(), _exit(), ...) and after a
 * return from main (above main's frame); 0: from the scan's caller.
 */
extern HIDDEN __thread uintptr_t perfshim_exit_frame;
/*
 * The caller of an exit hook may hold its only pointer to a block in a
 * callee-saved register (main calling exit() at -O2): memcheck counts
 * the registers as roots. So the hook, first thing and where no exit
 * set them yet, takes those the compiler left alone (rbx, rbp, r12-r15:
 * still the caller's) and, as perfshim_exit_frame, the stack pointer
 * below its own prologue, which saved the others: the scan's stack roots
 * begin there, not above the hook's frame. perfshim_exit_nregs: 0 when
 * not taken.
 */
#define PERFSHIM_EXIT_REGS 6
extern HIDDEN __thread uint64_t perfshim_exit_regs[PERFSHIM_EXIT_REGS];
extern HIDDEN __thread int perfshim_exit_nregs;
#if defined(__x86_64__)
#define PERFSHIM_EXIT_ROOTS_HERE()                        \
	do {                                              \
		if (perfshim_exit_frame)                  \
			break;                            \
		uint64_t *r_ = perfshim_exit_regs;        \
		uintptr_t sp_;                            \
		__asm__ volatile("mov %%rbx, 0(%1)\n\t"   \
				 "mov %%rbp, 8(%1)\n\t"   \
				 "mov %%r12, 16(%1)\n\t"  \
				 "mov %%r13, 24(%1)\n\t"  \
				 "mov %%r14, 32(%1)\n\t"  \
				 "mov %%r15, 40(%1)\n\t"  \
				 "mov %%rsp, %0"          \
				 : "=r"(sp_)              \
				 : "r"(r_)                \
				 : "memory");             \
		perfshim_exit_frame = sp_;                \
		perfshim_exit_nregs = PERFSHIM_EXIT_REGS; \
	} while (0)
#else
#define PERFSHIM_EXIT_ROOTS_HERE()                                          \
	do {                                                                \
		if (!perfshim_exit_frame)                                   \
			perfshim_exit_frame =                               \
				(uintptr_t)__builtin_frame_address(0) + 16; \
	} while (0)
#endif

/* strings.c */
/*
 * perfshim_string_id - the id of text s (cut at PERFSHIM_MAX_STRING_LEN),
 * announced in the trace (a STRING record) the first time it is seen.
 * Returns 0 when the table is full. Takes a lock when s is new to this
 * thread; never allocates from the program's heap. Not for signal
 * handlers.
 */
HIDDEN uint32_t perfshim_string_id(const char *s);
/* In a forked child: forget every name (the child's trace is new). */
HIDDEN void perfshim_strings_reset(void);

/* memory.c */
/*
 * perfshim_memory_sample - the payload of a MEMORY record (time, resident
 * and mapped bytes) in out (3 * PERFSHIM_VARINT_MAX bytes), when one is
 * due (PERFSHIM_RSS_INTERVAL_MS since the last) or force is set. Returns
 * its length, 0 when nothing is due or memory cannot be read (sampling is
 * off, or /proc is not there). Async-signal-safe; keeps errno.
 */
HIDDEN size_t perfshim_memory_sample(uint8_t *out, int force);
/* Open /proc/self/statm, once at start (after the clock is set). */
HIDDEN void perfshim_memory_init(void);
/* In a forked child: the child's own /proc/self/statm. */
HIDDEN void perfshim_memory_reset(void);
/* The program dup2()s onto fd: if it is ours, move ours elsewhere. */
HIDDEN void perfshim_memory_protect_fd(int fd);
/*
 * perfshim_memory_too_tight - 1 (said once) when RLIMIT_AS or RLIMIT_DATA
 * leaves the process less room than the shim needs to trace it: at start,
 * and in a forked child (the program may have lowered them since).
 */
HIDDEN int perfshim_memory_too_tight(void);

/*
 * phdr.c: the dl_iterate_phdr interposer. A dl_iterate_phdr from libunwind
 * inside the shim's unwinds (in_unwind set) never waits for the loader's
 * lock while the program walks the loaded objects: it reports nothing and
 * sets perfshim_phdr_refused (never cleared here), so the unwind stops
 * short. perfshim_in_phdr is the depth of this thread's program walks
 * (the loader's lock may be held). Async-signal-safe where libunwind
 * calls it; a program walk may wait briefly for the shim's walks inside.
 */
extern HIDDEN __thread int perfshim_in_phdr;
extern HIDDEN __thread int perfshim_phdr_refused;
/* Set by the sampler around its unwind: that walk also finds nothing
 * while the loader's write lock is taken by this thread or by no owner
 * (a tick inside dlopen or dlclose; waiting would be waiting for itself). */
extern HIDDEN __thread int perfshim_phdr_in_tick;
/* At start, before any unwind: find the real dl_iterate_phdr and the
 * loader's write lock (once; not from a signal handler). */
HIDDEN void perfshim_phdr_init(void);
/*
 * 1 when the loader's write lock was found at load. Without it a shim
 * walk cannot tell that its own thread holds that lock, so the sampler
 * must not unwind through libunwind (a tick inside dlopen would hang).
 */
HIDDEN int perfshim_phdr_lock_known(void);
/* In a forked child: the loader's lock is held, by a thread the child
 * does not have (1; it never comes free: a walk of the loaded objects
 * would wait for good), or not (0, or the lock is not known). */
HIDDEN int perfshim_phdr_lock_dead(void);
/* In a forked child, before any walk: only this thread's walks are left. */
HIDDEN void perfshim_phdr_after_fork(void);

/*
 * init.c: the program's threads, for the writer's lifecycle. Around
 * pthread_create (not for the shim's own threads): born before, unborn
 * if it failed, started first thing in the new thread.
 */
HIDDEN void perfshim_thread_born(void);
HIDDEN void perfshim_thread_unborn(void);
HIDDEN void perfshim_thread_started(void);
/* How many threads the program has (its pthreads; 1 at start). */
HIDDEN int perfshim_program_threads(void);
/*
 * perfshim_orphaned - 1 when every thread of the program has ended
 * without exit(): the main thread by the exit system call itself, and
 * no thread left but writer (a tid): natively the process has ended, with
 * *status, the main thread's. 0 otherwise, or when it cannot tell (orphan.c).
 */
HIDDEN int perfshim_orphaned(pid_t writer, int *status);
/* perfshim_main_thread_gone - 1 once the main thread has ended (main()
 * called pthread_exit(), or its thread the exit system call); keeps
 * errno. One system call. */
HIDDEN int perfshim_main_thread_gone(void);

/* sandbox.c: resolve what its interposers call, at start. */
HIDDEN void perfshim_sandbox_init(void);
/* sandbox.c: under a seccomp filter at start, the name of a system call
 * of the shim's that the filter kills the process for, tried in a copy
 * of the process; NULL if none (or no filter). */
HIDDEN const char *perfshim_seccomp_kills(void);
/* sandbox.c: the writer is about to start on the calling thread, with its
 * capabilities, keep-capabilities flag and securebits. */
HIDDEN void perfshim_creds_note(void);
/* writer.c: 1 in the traced process, 0 in a child that shares its memory
 * (vfork) or a copy the shim did not follow. A system call. */
HIDDEN int perfshim_process_ours(void);

/* signals.c */
HIDDEN void perfshim_signals_init(void);
/* Give every signal back to the program's disposition, for good
 * (seccomp: no handler of ours may run after it). */
HIDDEN void perfshim_signals_release(void);

/* sampler.c: CPU-time sampling (SIGPROF on each thread's CPU clock). */
HIDDEN void perfshim_sampler_init(void);
/* perfshim_pending_args - call fn with the argument of each thread that
 * pthread_create() made but that has not started yet (for the scan). */
HIDDEN void perfshim_pending_args(void (*fn)(uintptr_t arg));
/* Non-zero while this thread runs the SIGPROF handler. */
extern HIDDEN __thread int perfshim_in_handler;
HIDDEN void perfshim_sampler_after_fork(void);
/*
 * Stop sampling for good: delete every thread's timer, consume a SIGPROF
 * pending on this thread, and give SIGPROF back to the program (seccomp:
 * no signal of ours may come after it). Writes nothing.
 */
HIDDEN void perfshim_sampler_release(void);
/* The program's sigaction(SIGPROF, ...), routed here by signals.c. */
struct sigaction;
HIDDEN int perfshim_sampler_sigaction(const struct sigaction *act,
				      struct sigaction *old);

/* timing.c: exact timing (instrumented functions, zones). */
HIDDEN void perfshim_timing_after_fork(void);
HIDDEN void perfshim_timing_finish(void);

/*
 * Called by perfshim_finish before the last pass: stop sampling, write
 * the sampler's counts and every thread's timing aggregates. how is the
 * PERFSHIM_END_* of the finish (in a fatal signal nothing is written).
 */
HIDDEN void perfshim_profile_finish(int how);
/* exec failed: sample again. */
HIDDEN void perfshim_profile_unfinish(void);
/* No CPU sample from now (the counts are still written at the finish):
 * the shim's destructor, when the end waits for the other destructors
 * (the runtime's own end, whose code, libgcc_s's among it, walks badly). */
HIDDEN void perfshim_profile_pause(void);

/* Print one line on stderr without stdio (safe anywhere). */
HIDDEN void perfshim_say(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
