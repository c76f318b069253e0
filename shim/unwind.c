/* unwind.c - stacks from frame rules cached per return address. */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "mem.h"
#include "shim.h"
#include "unwind.h"

/*
 * A rule in 17 bits: its kind in bits 0-1 (the CFA is rsp plus an
 * offset, rbp plus an offset, or the frame is odd), the offset in 8-byte
 * words in bits 2-11, and in bits 12-16 where the caller's rbp is: 0,
 * in rbp still (the frame never changed it); m, saved at CFA - 8m. The
 * return address is at CFA - 8 and the caller's rsp is the CFA. 0 is no
 * rule.
 */
#define RULE_SP 1u
#define RULE_BP 2u
#define RULE_ODD 3u
#define RULE_OFF_MAX 1023u /* words */
#define RULE_SLOT_MAX 31u
#define RULE_BITS 17
/* push rbp; mov rsp, rbp: the shim's frames, all built with them */
#define RULE_STANDARD (RULE_BP | 2u << 2 | 2u << 12)

static inline unsigned rule_kind(unsigned r)
{
	return r & 3;
}

static inline uintptr_t rule_off(unsigned r)
{
	return (uintptr_t)(r >> 2 & RULE_OFF_MAX) * 8;
}

static inline unsigned rule_slot(unsigned r)
{
	return r >> 12 & RULE_SLOT_MAX;
}

/*
 * The rules, shared by all threads without a lock: each slot one word,
 * ip << RULE_BITS | rule (user addresses fit in 47 bits), so a reader
 * never sees half of an entry; 0 when empty; open addressing, never
 * removed (all forgotten at once when a module is unloaded). 512 KiB of
 * address space, resident where return addresses land.
 */
#define TABLE_BITS 16
#define TABLE_PROBES 16
static _Atomic uint64_t *table;
static _Atomic int table_full; /* then an unknown rule counts as odd */
/* Bumped when the rules are forgotten: the threads' copies go too. */
static _Atomic uint32_t table_gen;

/*
 * The made-up stack that probes run libunwind on (see probe_rule), and
 * whether a thread is using it: a thread that finds it taken learns
 * nothing this time, it never waits.
 */
#define PROBE_WORDS 4096
#define PROBE_SP 512 /* the word the probes' rsp points to */
static uint64_t *probe_mem;
static _Atomic int probe_busy;

HIDDEN void perfshim_unwind_init(void)
{
	if (!table)
		table = perfshim_map(sizeof(*table) << TABLE_BITS);
	if (!probe_mem)
		probe_mem = perfshim_map(sizeof(*probe_mem) * PROBE_WORDS);
}

HIDDEN void perfshim_unwind_forget(void)
{
	/* Readers racing this see zeros: unknown rules, learned again. */
	if (table)
		madvise((void *)table, sizeof(*table) << TABLE_BITS,
			MADV_DONTNEED);
	atomic_store(&table_full, 0);
	atomic_fetch_add(&table_gen, 1);
}

HIDDEN void perfshim_unwind_reset(void)
{
	/* The fork waited for every thread inside an unwind to leave it. */
	atomic_store(&probe_busy, 0);
}

static inline uint32_t slot_of(uintptr_t ip)
{
	return (uint32_t)((ip * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS));
}

HIDDEN unsigned perfshim_unwind_rule_of(uintptr_t ip)
{
	uint32_t mask = (1u << TABLE_BITS) - 1;

	if (ip >> (64 - RULE_BITS))
		return RULE_ODD; /* not a user address: nothing to cache */
	for (uint32_t i = slot_of(ip), p = 0; p < TABLE_PROBES;
	     p++, i = (i + 1) & mask) {
		uint64_t v =
			atomic_load_explicit(&table[i], memory_order_relaxed);

		if (!v)
			return 0;
		if (v >> RULE_BITS == ip)
			return (unsigned)(v & ((1u << RULE_BITS) - 1));
	}
	return 0;
}

static void rule_set(uintptr_t ip, unsigned rule)
{
	uint32_t mask = (1u << TABLE_BITS) - 1;
	uint64_t want = (uint64_t)ip << RULE_BITS | rule;

	if (ip >> (64 - RULE_BITS))
		return;
	for (uint32_t i = slot_of(ip), p = 0; p < TABLE_PROBES;
	     p++, i = (i + 1) & mask) {
		uint64_t v = 0;

		if (atomic_compare_exchange_strong_explicit(
			    &table[i], &v, want, memory_order_relaxed,
			    memory_order_relaxed) ||
		    v >> RULE_BITS == ip)
			return;
	}
	atomic_store_explicit(&table_full, 1, memory_order_relaxed);
}

/*
 * The rule of ip through t's copy, direct-mapped and dense: the shared
 * table spreads a program's few hundred return addresses over as many
 * cache lines, which a walk would miss at every frame.
 */
static inline unsigned rule_cached(struct thread_state *t, uintptr_t ip)
{
	uint64_t *e = &t->rules[slot_of(ip) & (RULE_CACHE_SIZE - 1)];
	unsigned r;

	if (*e >> RULE_BITS == ip && *e)
		return (unsigned)(*e & ((1u << RULE_BITS) - 1));
	r = perfshim_unwind_rule_of(ip);
	if (r && !(ip >> (64 - RULE_BITS)))
		*e = (uint64_t)ip << RULE_BITS | r;
	return r;
}

/*
 * The rule of ip for the walk (the shim's own frames keep frame
 * pointers); 0 with *stop set to what the walk returns, when it cannot
 * go on through ip.
 */
static inline unsigned rule_for(struct thread_state *t, uintptr_t ip,
				int *outside, int *stop)
{
	unsigned r;

	if (perfshim_through(ip)) {
		*outside = 1; /* ours, amid the program's frames */
		return RULE_STANDARD;
	}
	if (perfshim_in_shim(ip)) {
		if (*outside)
			*stop = 1; /* main's wrapper: the bottom */
		return RULE_STANDARD;
	}
	*outside = 1;
	r = rule_cached(t, ip);
	if (!r)
		*stop = atomic_load_explicit(&table_full, memory_order_relaxed)
				? -1
				: -2;
	else if (rule_kind(r) == RULE_ODD)
		*stop = -1;
	return r;
}

/*
 * The memo: the frames of the thread's last whole walk, outermost
 * first. The walk from a frame on is a function of its registers (sp,
 * ip; bp where a rule outward reads it before a frame restores it) and
 * of the stack words it reads. So where the walk meets a frame of the
 * memo with the same registers, and every word the memo's walk read
 * from there outward holds what it held then, the rest of the stack is
 * the memo's, frame for frame: a proof, not a guess, and its loads are
 * independent of each other, where the walk's are a chain.
 */
static inline uintptr_t memo_differs(const struct frame_memo *m, int q)
{
	const uintptr_t *cfa = (const uintptr_t *)m[q - 1].sp;
	unsigned s = rule_slot(m[q].rule);
	uintptr_t differ = cfa[-1] ^ m[q - 1].ip;

	if (s && m[q - 1].needs_bp)
		differ |= cfa[-(intptr_t)s] ^ m[q - 1].bp;
	return differ;
}

/*
 * The rest of the stack from memo frame r on, if it is the memo's; else
 * 0, with *limit lowered to the outermost frame whose word changed: the
 * memo may still be met outward of it.
 */
static int memo_reuse(struct thread_state *t, void **buf, int n, int r, int max,
		      int *limit)
{
	const struct frame_memo *m = t->memo;
	uintptr_t differ = 0;

	if (n + r + 1 > max)
		return 0;
	for (int q = r; q > 0; q--)
		differ |= memo_differs(m, q);
	if (differ) {
		int q = 1;

		while (!memo_differs(m, q))
			q++;
		*limit = q;
		return 0;
	}
	for (int i = 0; i <= r; i++)
		buf[n + i] = (void *)m[r - i].ip;
	/* The new inner frames replace the memo's. */
	for (int i = 0; i < n; i++)
		t->memo[r + 1 + i] = t->fresh[n - 1 - i];
	for (int q = r + 1; q < r + 1 + n; q++)
		t->memo[q].needs_bp = rule_kind(t->memo[q].rule) == RULE_BP ||
				      (!rule_slot(t->memo[q].rule) &&
				       t->memo[q - 1].needs_bp);
	t->memo_n = r + 1 + n;
	return n + r + 1;
}

/* A whole walk of n frames (t->fresh) becomes the memo. */
static void memo_save(struct thread_state *t, int n)
{
	for (int q = 0; q < n; q++) {
		t->memo[q] = t->fresh[n - 1 - q];
		t->memo[q].needs_bp =
			q && (rule_kind(t->memo[q].rule) == RULE_BP ||
			      (!rule_slot(t->memo[q].rule) &&
			       t->memo[q - 1].needs_bp));
	}
	t->memo_n = n;
}

/* Start of a walk: the bounds and this thread's copies up to date. */
static int walk_begin(struct thread_state *t, uintptr_t fp)
{
	uint32_t gen = atomic_load_explicit(&table_gen, memory_order_acquire);

	if (!table)
		return -1;
	if (!t->stack_hi)
		perfshim_stack_bounds(t);
	if (UNLIKELY(t->rules_gen != gen)) {
		memset(t->rules, 0, sizeof(t->rules));
		t->memo_n = 0;
		t->rules_gen = gen;
	}
	/* The walk reads only up from here: below may be unmapped (the main
	 * thread's range is its whole rlimit, most of it not there). */
	if (fp < t->stack_lo || fp > t->stack_hi - 16 || (fp & 7))
		return -1;
	/* The memo's reads are above the frame it meets, below the top. */
	if (t->memo_n && t->memo[0].sp > t->stack_hi)
		t->memo_n = 0;
	return 0;
}

/*
 * The walk. It starts in the shim's own frames, which keep frame
 * pointers, and applies each return address's rule: every read is a
 * word of the thread's stack above the walk's own frame, a saved rbp is
 * in its frame, and the CFA must go up at each step, so a wrong value
 * can cut the walk short (libunwind then takes the stack) but never
 * fault or loop.
 */
HIDDEN int perfshim_unwind_cached(struct thread_state *t, void **buf, int max,
				  uintptr_t from)
{
	uintptr_t fp = from ? from : (uintptr_t)__builtin_frame_address(0);
	int n = 0, outside = 0, o;

	if (walk_begin(t, fp))
		return -1;
	uintptr_t hi = t->stack_hi, sp = fp + 16,
		  bp = ((const uintptr_t *)fp)[0],
		  ip = ((const uintptr_t *)fp)[1];

	/* The memo is met only at frames below limit (outward of a word
	 * found changed). */
	int limit = t->memo_n;

	for (o = t->memo_n - 1; n < max; n++) {
		int stop = 0;

		if (!ip)
			return -1;
		while (o >= 0 && t->memo[o].sp < sp)
			o--;
		/* Not at the shim's own frames: from a program's frame on,
		 * the walk is outside, as the memo's was. */
		if (o >= 0 && o < limit && t->memo[o].sp == sp &&
		    t->memo[o].ip == ip &&
		    (t->memo[o].bp == bp || !t->memo[o].needs_bp) &&
		    (!perfshim_in_shim(ip) || perfshim_through(ip))) {
			int got = memo_reuse(t, buf, n, o, max, &limit);

			if (got)
				return got;
		}
		buf[n] = (void *)ip;
		unsigned r = rule_for(t, ip, &outside, &stop);

		t->fresh[n] = (struct frame_memo){ sp, ip, bp, r, 0 };
		if (stop == -2) {
			t->unwind_unknown = ip;
			t->unwind_unknown_sp = sp;
			t->unwind_unknown_bp = bp;
		}
		if (stop > 0)
			memo_save(t, n + 1);
		if (stop)
			return stop > 0 ? n + 1 : stop;
		uintptr_t cfa =
			(rule_kind(r) == RULE_SP ? sp : bp) + rule_off(r);
		unsigned s = rule_slot(r);

		/* cfa - 8 >= sp > fp: the reads stay in [fp, hi). */
		if (cfa <= sp || cfa > hi || (cfa & 7) || cfa - 8 * s < sp)
			return -1;
		ip = ((const uintptr_t *)cfa)[-1];
		if (s)
			bp = ((const uintptr_t *)cfa)[-(intptr_t)s];
		sp = cfa;
	}
	return n;
}

/* What one step of libunwind over the made-up stack gave. */
struct probe {
	uintptr_t sp, bp;	/* the frame's registers, made up */
	unsigned fill;		/* which contents the stack had */
	uintptr_t cfa, ip, bp2; /* the caller's rsp, rip and rbp */
};

/*
 * A word of the made-up stack holds the address of a word in its middle
 * half, so that whatever libunwind reads and follows stays inside it
 * (the frame's offsets are at most 8 KiB, a quarter of it). Two fills
 * differ in every word: a CFA that comes out the same under both did
 * not come from memory.
 */
static uint64_t probe_value(unsigned fill, uintptr_t addr)
{
	uintptr_t j = (addr - (uintptr_t)probe_mem) / 8;

	return (uintptr_t)&probe_mem[PROBE_WORDS / 4 + ((j * 1237 + fill * 777) &
							(PROBE_WORDS / 2 - 1))];
}

/* Which contents the made-up stack has now: 0, 1, or 2 (none yet). The
 * probes of one rule need both; each learning starts with the one the
 * last left, so it lays out 32 KiB once, not twice. */
static unsigned probe_filled = 2;

/* Lay out the made-up stack with fill's contents (libunwind only reads). */
static void probe_fill(unsigned fill)
{
	probe_filled = fill;
	for (unsigned j = 0; j < PROBE_WORDS; j++)
		probe_mem[j] = probe_value(fill, (uintptr_t)&probe_mem[j]);
}

/*
 * One step of libunwind from ip with p->sp, p->bp over the made-up
 * stack as filled for p->fill: 0, or -1. first:
 * check the frame too (each check looks the unwind info up again).
 */
static int probe_once(uintptr_t ip, struct probe *p, int first)
{
	unw_context_t uc;
	unw_cursor_t c;
	unw_proc_info_t pi;
	unw_word_t cfa, ip2, bp2;

	memset(&uc, 0, sizeof(uc));
	uc.uc_mcontext.fpregs = &uc.__fpregs_mem;
	for (int r = REG_R8; r <= REG_RCX; r++)
		uc.uc_mcontext.gregs[r] =
			(greg_t)(uintptr_t)&probe_mem[PROBE_WORDS / 2];
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)ip;
	uc.uc_mcontext.gregs[REG_RSP] = (greg_t)p->sp;
	uc.uc_mcontext.gregs[REG_RBP] = (greg_t)p->bp;
	/* Not a signal frame, unwind info found: then libunwind's step is
	 * the CFI's, never its guess through rbp. */
	if (unw_init_local(&c, &uc) < 0 ||
	    (first &&
	     (unw_is_signal_frame(&c) > 0 || unw_get_proc_info(&c, &pi) < 0)) ||
	    unw_step(&c) <= 0 || unw_get_reg(&c, UNW_REG_SP, &cfa) ||
	    unw_get_reg(&c, UNW_REG_IP, &ip2) ||
	    unw_get_reg(&c, UNW_X86_64_RBP, &bp2))
		return -1;
	p->cfa = cfa;
	p->ip = ip2;
	p->bp2 = bp2;
	return 0;
}

/* Whether probe p's caller rbp is at CFA - 8m (m > 0) or rbp (m == 0). */
static int probe_bp_at(const struct probe *p, unsigned m)
{
	if (!m)
		return p->bp2 == p->bp;
	return p->bp2 == probe_value(p->fill, p->cfa - 8 * m);
}

/*
 * The rule of ip, from three steps of libunwind over the made-up stack:
 * a and c differ in the stack's contents only, b in rsp (by 64) and rbp
 * (by 192) only. A CFA that follows rsp or rbp (and not memory) tells
 * which register it comes from; the return address and the caller's rbp
 * must come from the same slots in all three. span and bp_off: the real
 * frame's CFA and rbp from its rsp, to lay out the made-up one alike.
 * Returns the rule, RULE_ODD, or 0 when nothing can be said now.
 */
static unsigned probe_rule(uintptr_t ip, uintptr_t span, uintptr_t bp_off)
{
	uintptr_t base = (uintptr_t)&probe_mem[PROBE_SP];
	unsigned f = probe_filled & 1;
	struct probe a = { base, 0, f, 0, 0, 0 }, b, c;
	unsigned kind, m;
	uintptr_t off;

	if (span < 8 || span > 8 * RULE_OFF_MAX || (span & 7))
		return RULE_ODD;
	/* rbp outside the frame: no rbp-based rule, any rbp will do */
	a.bp = base + (bp_off < span ? bp_off : 16);
	b = a;
	b.sp += 64;
	b.bp += 192;
	c = a;
	c.fill = !f;
	perfshim_phdr_refused = 0;
	if (probe_filled != f)
		probe_fill(f);
	int bad = probe_once(ip, &a, 1) || probe_once(ip, &b, 0);

	probe_fill(!f);
	bad = bad || probe_once(ip, &c, 0);

	if (perfshim_phdr_refused)
		return 0; /* the unwind info was out of reach: ask again */
	if (bad || a.cfa != c.cfa)
		return RULE_ODD;
	if (b.cfa - a.cfa == 64) {
		kind = RULE_SP;
		off = a.cfa - a.sp;
	} else if (b.cfa - a.cfa == 192) {
		kind = RULE_BP;
		off = a.cfa - a.bp;
	} else {
		return RULE_ODD;
	}
	if (off < 8 || off > 8 * RULE_OFF_MAX || (off & 7) ||
	    a.ip != probe_value(a.fill, a.cfa - 8) ||
	    b.ip != probe_value(b.fill, b.cfa - 8) ||
	    c.ip != probe_value(c.fill, c.cfa - 8))
		return RULE_ODD;
	for (m = 0; m <= RULE_SLOT_MAX; m++)
		if (probe_bp_at(&a, m) && probe_bp_at(&b, m) &&
		    probe_bp_at(&c, m))
			return kind | (unsigned)(off / 8) << 2 | m << 12;
	return RULE_ODD;
}

static void learn(uintptr_t ip, uintptr_t sp, uintptr_t bp, uintptr_t sp2)
{
	int busy = 0;
	unsigned r;

	if (!probe_mem ||
	    !atomic_compare_exchange_strong(&probe_busy, &busy, 1))
		return;
	r = probe_rule(ip, sp2 - sp, bp - sp);
	atomic_store_explicit(&probe_busy, 0, memory_order_release);
	if (r)
		rule_set(ip, r);
}

/*
 * The frame the last walk stopped at, from its registers as the walk
 * had them: one step of libunwind there gives the CFA that the probes
 * need, where a walk from the top would step (and may look the unwind
 * info up for) every frame above it. 0 when ip is learned or marked.
 */
static int learn_here(struct thread_state *t)
{
	uintptr_t ip = t->unwind_unknown;
	unw_context_t uc;
	unw_cursor_t c;
	unw_word_t sp2;

	if (!ip || perfshim_in_shim(ip) || unw_getcontext(&uc))
		return -1;
	uc.uc_mcontext.gregs[REG_RIP] = (greg_t)ip;
	uc.uc_mcontext.gregs[REG_RSP] = (greg_t)t->unwind_unknown_sp;
	uc.uc_mcontext.gregs[REG_RBP] = (greg_t)t->unwind_unknown_bp;
	if (unw_init_local(&c, &uc) < 0)
		return -1;
	int s = unw_step(&c);

	if (s == 0) { /* the last frame: nothing beyond to walk to */
		rule_set(ip, RULE_ODD);
		return 0;
	}
	if (s < 0 || unw_get_reg(&c, UNW_REG_SP, &sp2))
		return -1;
	learn(ip, t->unwind_unknown_sp, t->unwind_unknown_bp, sp2);
	return 0;
}

HIDDEN void perfshim_unwind_learn(struct thread_state *t, int max)
{
	unw_context_t uc;
	unw_cursor_t c;

	if (!table || learn_here(t) == 0)
		return; /* learned, or marked odd, from its own registers */
	if (unw_getcontext(&uc) || unw_init_local(&c, &uc) < 0)
		return;
	/*
	 * Failing that, step by step from here, not unw_backtrace: a rule
	 * is learned from the real frame's registers. Only down to the
	 * frame the walk stopped at: each step past it may look the unwind
	 * info up again (libunwind's own cache holds 128 frames); the
	 * caller walks again and learns the next unknown one, if any.
	 */
	for (int n = 0; n < max; n++) {
		unw_word_t ip, sp, bp, sp2;

		if (unw_get_reg(&c, UNW_REG_IP, &ip) ||
		    unw_get_reg(&c, UNW_REG_SP, &sp) ||
		    unw_get_reg(&c, UNW_X86_64_RBP, &bp))
			return;
		if (unw_step(&c) <= 0) {
			/* The last frame: nothing beyond to walk to. */
			if (!perfshim_in_shim(ip))
				rule_set(ip, RULE_ODD);
			return;
		}
		if (perfshim_in_shim(ip) || perfshim_unwind_rule_of(ip) ||
		    unw_get_reg(&c, UNW_REG_SP, &sp2))
			continue;
		learn(ip, sp, bp, sp2);
		if (ip == t->unwind_unknown)
			return;
	}
}
