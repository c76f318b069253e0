/* mask.c - every signal blocked over a stretch of the shim's calls (mask.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mask.h"

HIDDEN int (*perfshim_mask_real)(int, const sigset_t *, sigset_t *);
HIDDEN void (*perfshim_mask_on_hold)(void);
HIDDEN void (*perfshim_mask_on_release)(void);

static __thread int held;
static __thread int cancel_was; /* the cancel state the hold found */
static __thread sigset_t kept;	/* the program's mask, as the calls set it */

HIDDEN void perfshim_mask_hold(void)
{
	sigset_t all;

	if (held || !perfshim_mask_real)
		return;
	sigfillset(&all);
	if (perfshim_mask_real(SIG_SETMASK, &all, &kept))
		return;
	held = 1;
	cancel_was = perfshim_cancel_off();
	if (perfshim_mask_on_hold)
		perfshim_mask_on_hold();
}

HIDDEN void perfshim_mask_release(void)
{
	if (!held)
		return;
	if (perfshim_mask_on_release)
		perfshim_mask_on_release();
	held = 0;
	perfshim_mask_real(SIG_SETMASK, &kept, NULL);
	perfshim_cancel_back(cancel_was);
}

HIDDEN int perfshim_mask_held(void)
{
	return held;
}

HIDDEN int perfshim_mask_kept(sigset_t *out)
{
	if (!held)
		return -1;
	*out = kept;
	return 0;
}

HIDDEN int perfshim_mask_change(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t was = kept;

	if (set) {
		if (how == SIG_SETMASK) {
			kept = *set;
		} else if (how == SIG_BLOCK) {
			sigorset(&kept, &kept, set);
		} else if (how == SIG_UNBLOCK) {
			for (int s = 1; s < NSIG; s++)
				if (sigismember(set, s) == 1)
					sigdelset(&kept, s);
		} else {
			errno = EINVAL;
			return -1;
		}
	}
	if (old)
		*old = was;
	return 0;
}

HIDDEN int perfshim_mask_block_all(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	return syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, _NSIG / 8)
		       ? -1
		       : 0;
}

HIDDEN void perfshim_mask_restore(const sigset_t *old)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, _NSIG / 8);
}
