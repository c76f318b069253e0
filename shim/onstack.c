/* onstack.c - run a function on a stack of the shim's own (onstack.h). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "mask.h"
#include "mem.h"
#include "onstack.h"

static char *stack;
static _Atomic int taken;

/*
 * Calls fn(arg) with the stack pointer at top (16-byte aligned), and
 * puts it back after. rbx keeps the old one: fn saves it, as the ABI
 * wants of every callee; everything fn may change is a clobber.
 */
static void call_at(void *top, void (*fn)(void *), void *arg)
{
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %[top], %%rsp\n\t"
			 "call *%[fn]\n\t"
			 "mov %%rbx, %%rsp"
			 : "+D"(arg), [fn] "+S"(fn), [top] "+d"(top)
			 :
			 : "rax", "rbx", "rcx", "r8", "r9", "r10", "r11",
			   "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
			   "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
}

HIDDEN void perfshim_on_fatal_stack(void (*fn)(void *), void *arg)
{
	sigset_t old;

	if (atomic_exchange(&taken, 1)) {
		fn(arg);
		return;
	}
	if (!stack)
		stack = perfshim_map(FATAL_STACK);
	if (stack) {
		int blocked = !perfshim_mask_block_all(&old);

		call_at(stack + FATAL_STACK, fn, arg);
		if (blocked)
			perfshim_mask_restore(&old);
	} else {
		fn(arg);
	}
	atomic_store(&taken, 0);
}

HIDDEN int perfshim_on_fatal_stack_now(void)
{
	char *here = __builtin_frame_address(0);

	return stack && here >= stack && here < stack + FATAL_STACK;
}
