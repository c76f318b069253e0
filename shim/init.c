/* init.c - start and end of tracing: configuration, fork, exec and exit. */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <errno.h>
#include <libunwind.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "mask.h"
#include "perfshim_trace.h"
#include "shim.h"
#include "threads.h"

/* The slowest zstd level the writer may use (README: PERFSHIM_ZSTD_LEVEL). */
#define ZSTD_LEVEL_MAX 9

static pid_t traced_pid;
/*
 * The shim is initialized first (-z initfirst), before libc's own
 * constructors have set environ: the environment comes from the
 * arguments the loader gives every constructor.
 */
static char **init_env;

/* The environment's entry "name=...", to read or replace; NULL if none. */
static char **env_slot(const char *name)
{
	size_t n = strlen(name);

	for (char **e = init_env; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return e;
	return NULL;
}

static const char *env(const char *name)
{
	char **e = env_slot(name);

	return e ? *e + strlen(name) + 1 : NULL;
}
static int exit_status = -1; /* -1: not known */

/*
 * The thread doing the shim's work at the end (the exit scan, the
 * trace's last records: milliseconds, seconds on a large heap), and
 * whether that work is done. Natively an exit is over in microseconds;
 * another thread's exit() or _exit() that came meanwhile would have
 * found the process gone. Under the shim it ended the process itself,
 * with its own status, and the trace without its end.
 */
static _Atomic pid_t ender;
static _Atomic int ender_done;

static void ending_begins(void)
{
	pid_t none = 0;

	atomic_compare_exchange_strong(&ender, &none, gettid());
}

/* Another thread's end under way: wait for it, as natively it would be
 * over (bounded: a stuck end must not keep this exit from its work). */
static void wait_for_ender(void)
{
	pid_t e = atomic_load(&ender);
	struct timespec nap = { 0, 1000000 };

	if (!e || e == gettid())
		return;
	int was = perfshim_cancel_off();

	for (int i = 0; i < 120000 && !atomic_load(&ender_done); i++)
		nanosleep(&nap, NULL);
	/* Done: it calls _exit next. */
	for (int i = 0; i < 1000; i++)
		nanosleep(&nap, NULL);
	perfshim_cancel_back(was);
}

/* s as a whole number from lo to hi, in *v; 0, or -1 if it is not one. */
static int parse_long(const char *s, long lo, long hi, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || *end || *v < lo || *v > hi ? -1 : 0;
}

/* Parse a PERFSHIM_* integer; complain once and keep the default if bad. */
static long env_long(const char *name, long def, long lo, long hi)
{
	const char *s = env(name);
	long v;

	if (!s || !*s)
		return def;
	if (parse_long(s, lo, hi, &v)) {
		perfshim_say("ignoring %s=%s: expected a whole number from %ld "
			     "to %ld; using %ld",
			     name, s, lo, hi, def);
		return def;
	}
	return v;
}

/* PERFSHIM_ZSTD_LEVEL: auto (unset, empty, or what does not parse,
 * said once) or a level from -7 to 22. */
static void zstd_choice(const char *s)
{
	long v;

	perfshim_cfg.zstd_auto = 1;
	if (!s || !*s || !strcmp(s, "auto"))
		return;
	if (parse_long(s, -7, 22, &v)) {
		perfshim_say(
			"ignoring PERFSHIM_ZSTD_LEVEL=%s: expected auto or "
			"a whole number from -7 to 22; using auto",
			s);
		return;
	}
	perfshim_cfg.zstd_auto = 0;
	perfshim_cfg.zstd_level = (int)v;
}

/* Longest PERFSHIM_LABEL kept (README: a list of KEY=VALUE). */
#define LABEL_MAX 1023

/* 1 when s is KEY=VALUE[,KEY=VALUE...] with no empty KEY or item. */
static int label_ok(const char *s)
{
	for (;;) {
		const char *item = s;

		while (*s && *s != ',' && *s != '=')
			s++;
		if (s == item || *s != '=')
			return 0;
		while (*s && *s != ',')
			s++;
		if (!*s)
			return 1;
		s++;
	}
}

/*
 * A copy, as PERFSHIM_OUTPUT's: the environment string may be
 * overwritten, and a forked child writes its header later.
 */
static void read_label(void)
{
	static char label[LABEL_MAX + 1];
	const char *s = env("PERFSHIM_LABEL");

	if (!s || !*s)
		return;
	if (strlen(s) > LABEL_MAX || !label_ok(s)) {
		perfshim_say("ignoring PERFSHIM_LABEL: expected KEY=VALUE or a "
			     "comma-separated list of them, at most %d bytes",
			     LABEL_MAX);
		return;
	}
	strcpy(label, s);
	perfshim_cfg.label = label;
}

/* PERFSHIM_EVENTS: all, off, or the timed calls kept per thread. */
#define EVENTS_DEFAULT 100000
static void read_events(void)
{
	const char *s = env("PERFSHIM_EVENTS");
	char *end;
	unsigned long long v;

	perfshim_cfg.call_events = EVENTS_DEFAULT;
	if (!s || !*s)
		return;
	if (!strcmp(s, "all")) {
		perfshim_cfg.call_events = UINT64_MAX;
		return;
	}
	if (!strcmp(s, "off")) {
		perfshim_cfg.call_events = 0;
		return;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || *s < '0' || *s > '9') {
		perfshim_say(
			"ignoring PERFSHIM_EVENTS=%s: expected all, off or "
			"a number of calls per thread; using %d",
			s, EVENTS_DEFAULT);
		return;
	}
	perfshim_cfg.call_events = v;
}

/*
 * The trace's name, absolute: a forked child opens its trace later, maybe
 * after the program changed directory, and a trace left in the program's
 * own directory changes what it sees there (an rmdir() failed). A copy
 * too: programs that set their process title overwrite the environment
 * strings. A PERFSHIM_OUTPUT that the program passes on (exec) is made
 * absolute in its environment as well, so that a process tree's traces
 * all land where it was started.
 */
static void read_output(void)
{
	static char template[PATH_MAX + 4096], var[PATH_MAX + 4096 + 32];
	const char *name = "PERFSHIM_OUTPUT=";
	size_t n = strlen(name), len = 0;
	char **e = env_slot("PERFSHIM_OUTPUT");
	const char *out = e ? *e + n : NULL, *t = perfshim_cfg.output;

	if (out && *out && strlen(out) < 4096)
		t = out;
	if (t[0] != '/' && getcwd(template, PATH_MAX)) {
		len = strlen(template);
		if (len > 1)
			template[len++] = '/';
		else
			len = 1; /* the root: "/" */
	}
	strcpy(template + len, t);
	perfshim_cfg.output = template;
	if (t != out || t[0] == '/' || !e)
		return;
	memcpy(var, name, n);
	strcpy(var + n, template);
	*e = var;
}

static void read_config(void)
{
	long kb;

	read_output();
	perfshim_cfg.depth = (int)env_long("PERFSHIM_DEPTH", 64, 1, MAX_DEPTH);
	zstd_choice(env("PERFSHIM_ZSTD_LEVEL"));
	/* Slower levels cannot keep up with a busy program (level 19 made
	 * a 4-thread churn 30 times slower): the writer would stall it. */
	if (perfshim_cfg.zstd_level > ZSTD_LEVEL_MAX) {
		perfshim_say("PERFSHIM_ZSTD_LEVEL=%d is too slow to keep up "
			     "with the program; using %d",
			     perfshim_cfg.zstd_level, ZSTD_LEVEL_MAX);
		perfshim_cfg.zstd_level = ZSTD_LEVEL_MAX;
	}
	perfshim_cfg.flush_ms =
		(unsigned)env_long("PERFSHIM_FLUSH_MS", 100, 1, 60000);
	const char *clk = env("PERFSHIM_CLOCK");

	if (clk && !strcmp(clk, "monotonic"))
		perfshim_cfg.clock = CLOCK_CHOICE_MONOTONIC;
	else if (clk && *clk && strcmp(clk, "auto"))
		perfshim_say("ignoring PERFSHIM_CLOCK=%s: expected auto or "
			     "monotonic",
			     clk);
	const char *uw = env("PERFSHIM_UNWIND");

	if (uw && !strcmp(uw, "fp"))
		perfshim_cfg.unwind_fp = 1;
	else if (uw && !strcmp(uw, "dwarf"))
		perfshim_cfg.unwind_dwarf = 1;
	else if (uw && !strcmp(uw, "check"))
		perfshim_cfg.unwind_check = 1;
	else if (uw && *uw && strcmp(uw, "libunwind"))
		perfshim_say("ignoring PERFSHIM_UNWIND=%s: expected libunwind, "
			     "fp, dwarf or check",
			     uw);
	perfshim_cfg.sample_hz =
		(int)env_long("PERFSHIM_SAMPLE_HZ", 1000, 0, 10000);
	perfshim_cfg.rss_interval_ms =
		(unsigned)env_long("PERFSHIM_RSS_INTERVAL_MS", 100, 0, 3600000);
	perfshim_live_enabled = (int)env_long("PERFSHIM_SCAN", 1, 0, 1);
	const char *stop = env("PERFSHIM_SCAN_STOP");

	if (stop && !strcmp(stop, "signal"))
		perfshim_cfg.scan_stop_signal = 1;
	else if (stop && *stop && strcmp(stop, "ptrace"))
		perfshim_say("ignoring PERFSHIM_SCAN_STOP=%s: expected ptrace "
			     "or signal",
			     stop);
	read_label();
	read_events();
	const char *tms = env("PERFSHIM_TEST_META_SIGNAL");
	char *comma = NULL;

	if (tms) {
		perfshim_cfg.test_meta_signal = (int)strtol(tms, &comma, 10);
		if (*comma == ',')
			perfshim_cfg.test_meta_tag =
				(int)strtol(comma + 1, NULL, 10);
		else
			perfshim_cfg.test_meta_signal = 0;
	}
	kb = env_long("PERFSHIM_BUFFER_KB", 256, RING_LEAST / 1024, 65536);
	perfshim_cfg.ring_size = RING_LEAST;
	while (perfshim_cfg.ring_size < (size_t)kb * 1024)
		perfshim_cfg.ring_size *= 2;
}

/*
 * The loader opens a relative LD_PRELOAD entry from the current directory,
 * so a child that changes directory before it execs would run without the
 * shim (and print the loader's "cannot be preloaded"). The constructor
 * runs where the loader resolved the entry: make our entry absolute in
 * the environment the program passes on. The new string is static: this
 * early nothing may allocate. An absolute path with a space or a colon
 * would be split by the loader, so such a directory is left alone.
 */
static void absolute_preload(void)
{
	static char var[PATH_MAX + 4096];
	const char *name = "LD_PRELOAD=";
	size_t n = strlen(name), cwd_len, self_len, len;
	char cwd[PATH_MAX], **e = env_slot("LD_PRELOAD");
	Dl_info self;

	if (!e || !dladdr((void *)absolute_preload, &self) || !self.dli_fname ||
	    self.dli_fname[0] == '/' || !strchr(self.dli_fname, '/') ||
	    !getcwd(cwd, sizeof(cwd)) || strpbrk(cwd, " :"))
		return;
	cwd_len = strlen(cwd);
	self_len = strlen(self.dli_fname);
	memcpy(var, name, n);
	len = n;
	for (const char *p = *e + n; *p;) {
		size_t tok = strcspn(p, " :");

		if (len + cwd_len + tok + 3 > sizeof(var))
			return; /* too long: leave it as it was */
		if (tok == self_len && !memcmp(p, self.dli_fname, tok)) {
			memcpy(var + len, cwd, cwd_len);
			len += cwd_len;
			var[len++] = '/';
		}
		memcpy(var + len, p, tok);
		len += tok;
		p += tok;
		if (*p)
			var[len++] = *p++;
	}
	var[len] = '\0';
	*e = var;
}

/* 1 while this thread is in daemon(): see daemon() below. */
static __thread int in_daemon;
static int daemon_parent_ended;
static int quick_end(int status, sigset_t *saved);

/*
 * The forking thread blocks every signal from just before the fork until
 * the child has its own trace, and the parent its locks back. A fatal
 * signal in the child in between ended the child's trace into the
 * parent's file, through the descriptor they share, and the parent's
 * trace no longer read (probe L: a child killed 0-1 ms after its fork).
 * The child inherits the mask and this copy of the one to put back.
 */
static __thread sigset_t fork_mask;
static __thread int fork_masked;

static void fork_mask_block(void)
{
	fork_masked = !perfshim_mask_block_all(&fork_mask);
}

static void fork_mask_back(void)
{
	if (!fork_masked)
		return;
	fork_masked = 0;
	perfshim_mask_restore(&fork_mask);
}

/*
 * The fork handlers keep errno: fork() leaves it alone on success, and
 * the child's new trace file (an O_EXCL open that may meet EEXIST first)
 * must not show through.
 */
static void fork_prepare(void)
{
	int e = errno;

	fork_mask_block();
	perfshim_fork_prepare();
	errno = e;
}

static void fork_parent(void)
{
	int e = errno;

	perfshim_fork_parent();
	if (in_daemon) {
		daemon_parent_ended = 1;
		quick_end(0, NULL);
	}
	fork_mask_back();
	errno = e;
}

/* Stays 1 in a vfork child, whose memory is the parent's: hands off. */
static int foreign_process(void)
{
	return getpid() != traced_pid;
}

/*
 * The program's threads (not the shim's writer): counted in
 * pthread_create before the thread exists, and down again by a key
 * destructor when it ends. When the last one ends (main() may have called
 * pthread_exit() long before), glibc ends the process with exit(0), but
 * only if no other thread is left: the writer is stopped first.
 */
static _Atomic int program_threads = 1;
static _Atomic int parked_for_exit;
static pthread_key_t life_key;
static int counting; /* life_key exists */
/* main's thread is counted out: it ended through glibc (main_out), or by
 * the exit system call itself, where no key destructor runs (main_raw) */
static _Atomic int main_out, main_raw;
static __thread int is_main_thread;

/*
 * A thread of the program's ends. When main's thread left by the exit
 * system call, glibc, which counted it too, never calls exit(): the
 * last thread's end is the process's, with the status 0 glibc's thread
 * exit gives it (the kernel's rule: the last thread's), and the trace
 * ends here. Otherwise the writer is stopped for glibc's exit(0).
 */
static void last_thread_check(void *p)
{
	(void)p;
	if (is_main_thread)
		atomic_store(&main_out, 1);
	int left = atomic_fetch_sub(&program_threads, 1) - 1;

	/* Only main's thread is counted: is it still there? */
	if (left == 1 && !atomic_load(&main_out) &&
	    perfshim_main_thread_gone() && !atomic_exchange(&main_out, 1)) {
		atomic_store(&main_raw, 1);
		left = atomic_fetch_sub(&program_threads, 1) - 1;
	}
	if (left)
		return;
	if (atomic_load(&main_raw)) {
		quick_end(0, NULL);
		return;
	}
	perfshim_guard++;
	if (perfshim_writer_park()) {
		atomic_store(&parked_for_exit, 1);
		if (exit_status < 0)
			exit_status = 0; /* what glibc's exit will be */
	}
	perfshim_guard--;
}

HIDDEN void perfshim_thread_born(void)
{
	atomic_fetch_add(&program_threads, 1);
	/* The count was wrong (a thread glibc made for itself went on):
	 * tracing goes on too. */
	if (atomic_exchange(&parked_for_exit, 0)) {
		exit_status = -1;
		perfshim_writer_unpark();
	}
}

HIDDEN void perfshim_thread_unborn(void)
{
	atomic_fetch_sub(&program_threads, 1);
}

HIDDEN void perfshim_thread_started(void)
{
	if (counting)
		pthread_setspecific(life_key, (void *)1);
}

HIDDEN int perfshim_program_threads(void)
{
	return atomic_load(&program_threads);
}

/*
 * fork() from a signal handler that interrupted the shim (malloc or free,
 * most often), in a program of one thread. glibc's fork takes every
 * malloc arena's lock when the process has more than one thread, and the
 * shim's writer is a second one: the lock the interrupted malloc holds
 * hung the handler for good, with every signal blocked, SIGTERM too.
 * Natively glibc skips those locks with one thread, so that fork stays
 * safe in a handler (it is async-signal-safe). Here glibc's _Fork,
 * which takes no lock, makes the child, and the child runs untraced:
 * the shim's fork handlers, which take locks the interrupted code may
 * hold, stay out, and so do the program's pthread_atfork handlers,
 * which glibc's fork of one thread would have run. Elsewhere, and with
 * more threads of the program's (natively as stuck), fork is glibc's.
 */
typedef pid_t (*fork_fn)(void);
static fork_fn real_fork, real__Fork;

static void fork_resolve(void)
{
	real_fork = (fork_fn)dlsym(RTLD_NEXT, "fork");
	real__Fork = (fork_fn)dlsym(RTLD_NEXT, "_Fork");
}

static pid_t fork_in_handler(void)
{
	sigset_t saved;
	int blocked = !perfshim_mask_block_all(&saved);
	pid_t pid = real__Fork();
	int e = errno;

	if (pid == 0)
		perfshim_writer_leave_child("fork() in a signal handler that "
					    "interrupted malloc or free");
	if (blocked)
		perfshim_mask_restore(&saved);
	errno = e;
	return pid;
}

EXPORT pid_t fork(void)
{
	if (UNLIKELY(perfshim_over_guard) && perfshim_guard && real__Fork &&
	    atomic_load(&perfshim_recording) &&
	    atomic_load(&program_threads) == 1 && !foreign_process())
		return fork_in_handler();
	if (UNLIKELY(!real_fork))
		fork_resolve();
	return real_fork();
}

static void fork_child(void)
{
	int e = errno;

	/* Before anything here lists the loaded objects: the counts of
	 * walks under way are the parent's threads' (a thread the fork
	 * gave up waiting for, still inside a walk of libunwind's, left
	 * one that a program walk in the child waited out for good). */
	perfshim_phdr_after_fork();
	in_daemon = 0;
	atomic_store(&ender, 0); /* a handler at exit forked: its own end */
	atomic_store(&ender_done, 0);
	atomic_store(&program_threads, 1);
	atomic_store(&parked_for_exit, 0);
	atomic_store(&main_out, 0);
	atomic_store(&main_raw, 0);
	is_main_thread = 1; /* the child's only thread */
	perfshim_after_fork_child();
	perfshim_timing_after_fork();
	/* The child's trace is its own: signals may come. Before the
	 * sampler, which takes a blocked SIGPROF for the program's wish
	 * and would not start. */
	fork_mask_back();
	perfshim_sampler_after_fork();
	if (atomic_load(&perfshim_recording)) {
		traced_pid = getpid();
		perfshim_memory_reset();
	}
	errno = e;
}

/*
 * A malloc that comes before the shim's gets every allocation: the trace
 * would hold none, and a leak gate would pass on a run it never saw. So
 * the shim leaves such a process alone, and says why once. ASan's runtime
 * is the usual case (it must come first in the library list, then owns
 * malloc and maps terabytes of shadow that an exit scan would walk).
 */
static int foreign_malloc(void)
{
	const char *who = perfshim_allocator_foreign();

	if (!who)
		return 0;
	perfshim_say("%s replaces malloc or is a sanitizer runtime: "
		     "allocations cannot be traced alongside it, so this "
		     "process is not traced (an allocator preloaded before "
		     "libperfshim.so can go after it in LD_PRELOAD)",
		     who);
	return 1;
}

/*
 * Under valgrind (its preloads are in LD_PRELOAD): its allocator takes
 * every allocation, so a trace would see none and a leak gate pass on
 * it, and its checks would report the shim's own start. Leave it alone,
 * say why.
 */
static int under_valgrind(void)
{
	const char *preload = env("LD_PRELOAD");

	if (!preload || !strstr(preload, "/vgpreload_"))
		return 0;
	perfshim_say("running under valgrind, whose allocator takes every "
		     "allocation: this process is not traced");
	return 1;
}

/* A seccomp filter from the start that kills the process for a system
 * call of the shim's (sandbox.c tries them): leave it alone, say why. */
static int seccomp_kills(void)
{
	const char *call = perfshim_seccomp_kills();

	if (!call)
		return 0;
	perfshim_say("a seccomp filter in force kills the process on a system "
		     "call the shim makes (%s): this process is not traced",
		     call);
	return 1;
}

__attribute__((constructor)) static void perfshim_init(int argc, char **argv,
						       char **envp)
{
	(void)argc;
	(void)argv;
	init_env = envp;
	const char *off = env("PERFSHIM_DISABLE");
	int e = errno; /* main starts with the errno the start-up left */

	perfshim_guard++;
	absolute_preload();
	perfshim_resolve_allocator();
	perfshim_sandbox_init();
	fork_resolve(); /* even where the shim steps aside: fork() is ours */
	if (off && *off && strcmp(off, "0"))
		goto out;
	if (under_valgrind() || foreign_malloc() || seccomp_kills() ||
	    perfshim_memory_too_tight())
		goto out;
	read_config();
	perfshim_modules_self_range();
	perfshim_stack_init();
	if (perfshim_writer_open())
		goto out;
	perfshim_memory_init();
	traced_pid = getpid();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	perfshim_signals_init();
	perfshim_modules_scan();
	perfshim_scan_init();
	perfshim_unwind_fork_init();
	/*
	 * The first backtrace sets up libunwind's caches; do it now. Its
	 * trace cache too (256 KiB), though the walks go through
	 * unw_backtrace only where the shim's own cannot: made later, it
	 * showed as the program's growth (t0340's dlopen loop grew 250-300
	 * KB where it grows none), and libunwind's one-time setup of it
	 * (pthread_once) ran in whichever thread first needed it, at any
	 * time.
	 */
	void *warm[8];

	unw_backtrace(warm, 8);
	atomic_store(&perfshim_recording, 1);
	perfshim_writer_start();
	perfshim_sampler_init();
	if (!pthread_key_create(&life_key, last_thread_check)) {
		counting = 1;
		is_main_thread = 1;
		perfshim_thread_started(); /* the main thread */
	}
out:
	perfshim_guard--;
	errno = e;
}

/*
 * The shim's work at the end (the exit scan, the last pass) happens where,
 * natively, the process has already ended: a signal sent then must not
 * change how it ends (python's multiprocessing sends SIGTERM to workers
 * leaving by _exit), nor interrupt the scan on the thread that holds the
 * writer's lock. Blocked, it dies with the process. saved, if not NULL,
 * gets the mask to restore when the program's code runs again.
 */
static void hold_signals(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, saved);
}

int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);

/* The end of an exit(): the scan and the trace's last records. */
static void end_of_exit(void *arg)
{
	(void)arg;
	if (!atomic_load(&perfshim_recording))
		return;
	perfshim_guard++;
	ending_begins();
	hold_signals(NULL);
	perfshim_modules_scan();
	perfshim_scan_at_exit();
	perfshim_finish(PERFSHIM_END_EXIT, exit_status);
	atomic_store(&ender_done, 1);
	perfshim_guard--;
}

/*
 * The shim is loaded before the program, so this runs after the
 * program's own destructors and atexit handlers: their frees are in.
 * The libraries the loader initialized before the shim (the program's
 * own, by their order) have their destructors run after it, and what
 * they allocate would have no verdict: the end waits for them. An exit
 * handler registered now runs once the loader's finalizer, which calls
 * every destructor, is done (glibc runs handlers registered during the
 * exit's own); where it cannot be registered, the end is now.
 */
__attribute__((destructor)) static void perfshim_fini(void)
{
	if (!atomic_load(&perfshim_recording))
		return;
	if (foreign_process()) {
		/* A copy the fork handlers never saw (a raw clone's child)
		 * says once that it ran untraced; a vfork's child says
		 * nothing, its parent's trace holds it. */
		perfshim_writer_left_copy();
		return;
	}
	perfshim_guard++;
	/* CPU samples end here, as they did when the end was here: what
	 * follows is the runtime's end, not the program's work */
	perfshim_profile_pause();
	int later = !__cxa_atexit(end_of_exit, NULL, NULL);

	perfshim_guard--;
	if (!later)
		end_of_exit(NULL);
}

/* Wrapping main is how the exit status of a return from main is known. */
typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;
int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void),
		      void *stack_end);

/*
 * glibc's error(), err(), verr(), error_at_line() and a last thread's
 * pthread_exit() call exit() inside libc, where no interposer sees them;
 * every exit() runs the on_exit() handlers with its status. Registered
 * here, after __libc_start_main registered the loader's finalizer, so
 * that it runs before the destructors (and so before perfshim_fini).
 */
static void note_exit_status(int status, void *arg)
{
	(void)arg;
	exit_status = status & 0xff;
}

static int quick_end(int status, sigset_t *saved);

/*
 * quick_exit() runs the program's at_quick_exit handlers, which may
 * allocate or free: the end waits for them, in a handler of the shim's
 * registered before main() (so run after every one the program
 * registers; quick_status is quick_exit's status). Without it (no main
 * of the program's wrapped) the end is at the call.
 */
static int quick_later, quick_status;

static void end_of_quick_exit(void)
{
	quick_end(quick_status, NULL);
}

static int wrap_main(int argc, char **argv, char **envp)
{
	int e = errno;

	perfshim_guard++;
	on_exit(note_exit_status, NULL);
	/* The first registered, the last to run: after the program's */
	quick_later = !at_quick_exit(end_of_quick_exit);
	perfshim_guard--;
	errno = e;
	int r = real_main(argc, argv, envp);

	exit_status = r & 0xff;
	/* main's frame is gone: the exit scan's stack begins above ours. */
	perfshim_exit_frame = (uintptr_t)__builtin_frame_address(0) + 16;
	return r;
}

EXPORT int __libc_start_main(main_fn main, int argc, char **argv,
			     void (*init)(void), void (*fini)(void),
			     void (*rtld_fini)(void), void *stack_end)
{
	typedef int (*start_fn)(main_fn, int, char **, void (*)(void),
				void (*)(void), void (*)(void), void *);
	start_fn real = (start_fn)dlsym(RTLD_NEXT, "__libc_start_main");

	real_main = main;
	return real(wrap_main, argc, argv, init, fini, rtld_fini, stack_end);
}

EXPORT void exit(int status)
{
	/* The caller's frames and registers are roots; exit's own machinery
	 * is not. First thing, before the registers change (shim.h). */
	PERFSHIM_EXIT_ROOTS_HERE();
	void (*real)(int) = (void (*)(int))dlsym(RTLD_NEXT, "exit");

	wait_for_ender();
	exit_status = status & 0xff;
	real(status);
	__builtin_unreachable();
}

/* Returns 1 when it blocked the signals (saved then holds the mask). */
static int quick_end(int status, sigset_t *saved)
{
	if (!atomic_load(&perfshim_recording) || foreign_process())
		return 0;
	perfshim_guard++;
	ending_begins();
	hold_signals(saved);
	perfshim_scan_at_exit();
	perfshim_finish(PERFSHIM_END__EXIT, status & 0xff);
	atomic_store(&ender_done, 1);
	perfshim_guard--;
	return 1;
}

HIDDEN int perfshim_quick_end(int status)
{
	return quick_end(status, NULL);
}

/*
 * Exits that skip the destructors (and so our finalizer): finish here,
 * or, for a quick_exit whose handler of the shim's is registered, after
 * the program's at_quick_exit handlers (end_of_quick_exit).
 */
#define QUICK_EXIT_HOOK(name, handlers_run)                                 \
	EXPORT void name(int status)                                        \
	{                                                                   \
		PERFSHIM_EXIT_ROOTS_HERE();                                 \
		void (*real)(int) = (void (*)(int))dlsym(RTLD_NEXT, #name); \
		sigset_t saved;                                             \
                                                                            \
		wait_for_ender();                                           \
		quick_status = status;                                      \
		if ((handlers_run) && quick_later)                          \
			real(status);                                       \
		if (quick_end(status, &saved) && (handlers_run))            \
			pthread_sigmask(SIG_SETMASK, &saved, NULL);         \
		real(status);                                               \
		__builtin_unreachable();                                    \
	}

/* _exit and _Exit end the process at once; quick_exit runs the
 * program's at_quick_exit handlers, with its own signal mask. */
QUICK_EXIT_HOOK(_exit, 0)
QUICK_EXIT_HOOK(_Exit, 0)
QUICK_EXIT_HOOK(quick_exit, 1)

/*
 * daemon()'s parent leaves by an _exit(0) inside libc, which no
 * interposer sees: the fork's parent handler (fork_parent) ends its
 * trace instead. The child's trace is its own, begun in fork_child. If
 * the fork failed, daemon() returns here in the same process, whose trace
 * goes on.
 */
EXPORT int daemon(int nochdir, int noclose)
{
	uintptr_t frame = perfshim_exit_frame;

	/* The parent's end: its caller's frames and registers (shim.h). */
	PERFSHIM_EXIT_ROOTS_HERE();
	int (*real)(int, int) = (int (*)(int, int))dlsym(RTLD_NEXT, "daemon");

	in_daemon = 1;
	int r = real(nochdir, noclose);
	int e = errno;

	in_daemon = 0;
	perfshim_exit_frame = frame;
	if (!frame)
		perfshim_exit_nregs = 0; /* here: the child, or no fork */
	if (daemon_parent_ended) {
		daemon_parent_ended = 0;
		perfshim_unfinish();
		/* The end it began is not the process's: no exit waits. */
		atomic_store(&ender, 0);
		atomic_store(&ender_done, 0);
	}
	errno = e;
	return r;
}

/* exec replaces the image: write everything first; resume if it fails.
 * Also for syscall(SYS_execve) and syscall(SYS_execveat) (sandbox.c). */
HIDDEN int perfshim_before_exec(void)
{
	if (!atomic_load(&perfshim_recording) || foreign_process())
		return 0;
	perfshim_guard++;
	perfshim_finish(PERFSHIM_END_EXEC, 0);
	perfshim_guard--;
	return 1;
}

HIDDEN void perfshim_after_failed_exec(int finished, int err)
{
	if (finished)
		perfshim_unfinish();
	errno = err;
}

/* A glibc without name (execveat came with 2.34): ENOSYS, as its
 * absence would give at link time. */
#define EXEC_HOOK(name, params, args)                                       \
	EXPORT int name params                                              \
	{                                                                   \
		int(*real) params = (int(*) params)dlsym(RTLD_NEXT, #name); \
		if (!real) {                                                \
			errno = ENOSYS;                                     \
			return -1;                                          \
		}                                                           \
		int f = perfshim_before_exec();                             \
		int r = real args;                                          \
		perfshim_after_failed_exec(f, errno);                       \
		return r;                                                   \
	}

EXEC_HOOK(execve, (const char *path, char *const argv[], char *const envp[]),
	  (path, argv, envp))
EXEC_HOOK(execv, (const char *path, char *const argv[]), (path, argv))
EXEC_HOOK(execvp, (const char *file, char *const argv[]), (file, argv))
EXEC_HOOK(execvpe, (const char *file, char *const argv[], char *const envp[]),
	  (file, argv, envp))
EXEC_HOOK(fexecve, (int fd, char *const argv[], char *const envp[]),
	  (fd, argv, envp))
EXEC_HOOK(execveat,
	  (int dirfd, const char *path, char *const argv[], char *const envp[],
	   int flags),
	  (dirfd, path, argv, envp, flags))

/* The execl family: collect the arguments, then the matching execv*. */
static char **collect_args(const char *arg0, va_list ap, char ***envp)
{
	va_list cp;
	size_t n = 1;

	va_copy(cp, ap);
	while (va_arg(cp, char *))
		n++;
	va_end(cp);
	char **argv = perfshim_real.malloc((n + 1) * sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = (char *)arg0;
	for (size_t i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);
	if (envp)
		*envp = va_arg(ap, char **);
	return argv;
}

enum execl_kind { EXECL_PATH, EXECL_SEARCH, EXECL_ENV };

static int execl_common(enum execl_kind kind, const char *file, const char *arg,
			va_list ap)
{
	char **envp = NULL;
	char **argv = collect_args(arg, ap, kind == EXECL_ENV ? &envp : NULL);
	int r;

	if (!argv) {
		errno = ENOMEM;
		return -1;
	}
	if (kind == EXECL_PATH)
		r = execv(file, argv);
	else if (kind == EXECL_SEARCH)
		r = execvp(file, argv);
	else
		r = execve(file, argv, envp);
	/* Still here: exec failed, and the program goes on. */
	int e = errno;

	perfshim_real.free(argv);
	errno = e;
	return r;
}

/* The variadic entry points: gather the list, then execl_common(). */
#define EXECL_HOOK(name, kind)                                  \
	EXPORT int name(const char *file, const char *arg, ...) \
	{                                                       \
		va_list ap;                                     \
                                                                \
		va_start(ap, arg);                              \
		int r = execl_common(kind, file, arg, ap);      \
                                                                \
		va_end(ap);                                     \
		return r;                                       \
	}

EXECL_HOOK(execl, EXECL_PATH)
EXECL_HOOK(execlp, EXECL_SEARCH)
EXECL_HOOK(execle, EXECL_ENV)
