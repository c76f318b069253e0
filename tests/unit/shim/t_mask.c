/*
 * t_mask - the shim's held signal mask (shim/mask.c): while held, every
 * signal is blocked in the thread's real mask and calls change a copy as
 * the kernel would (old sets reported, SIG_BLOCK, SIG_UNBLOCK,
 * SIG_SETMASK, a bad how refused); the release sets the copy; a signal
 * raised during the hold arrives at the release, not before. A hold also
 * holds the thread's cancellation off, and runs its hooks once each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "mask.h"
#include "tap.h"

static volatile sig_atomic_t got;
static int holds, releases;

static void on_hold(void)
{
	holds++;
}

static void on_release(void)
{
	releases++;
}

static int cancel_state(void)
{
	int st;

	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &st);
	pthread_setcancelstate(st, NULL);
	return st;
}

static void on_usr1(int sig)
{
	(void)sig;
	got++;
}

static sigset_t real_mask(void)
{
	sigset_t cur;

	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	return cur;
}

static sigset_t of(int a, int b)
{
	sigset_t s;

	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

static int same(sigset_t a, sigset_t b)
{
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&a, s) != sigismember(&b, s))
			return 0;
	return 1;
}

int main(void)
{
	sigset_t start = of(SIGUSR2, 0), old, set;

	plan(17);
	signal(SIGUSR1, on_usr1);
	pthread_sigmask(SIG_SETMASK, &start, NULL);

	perfshim_mask_hold();
	ok(!perfshim_mask_held(), "no hold before the real call is known");
	perfshim_mask_real = pthread_sigmask;
	perfshim_mask_hold();
	ok(perfshim_mask_held(), "held");
	ok(sigismember((sigset_t[]){ real_mask() }, SIGUSR1) == 1 &&
		   sigismember((sigset_t[]){ real_mask() }, SIGTERM) == 1,
	   "while held, the thread's real mask blocks every signal");

	raise(SIGUSR1);
	ok(got == 0, "a signal raised during the hold waits");
	ok(perfshim_mask_kept(&old) == 0 && same(old, start),
	   "held: the mask kept is the program's, not the hold's");

	set = of(SIGUSR1, 0);
	ok(perfshim_mask_change(SIG_BLOCK, &set, &old) == 0 && same(old, start),
	   "SIG_BLOCK: the old mask is the program's");
	perfshim_mask_change(SIG_BLOCK, NULL, &old);
	ok(same(old, of(SIGUSR1, SIGUSR2)), "SIG_BLOCK added to the copy");
	set = of(SIGUSR2, 0);
	perfshim_mask_change(SIG_UNBLOCK, &set, &old);
	perfshim_mask_change(SIG_BLOCK, NULL, &old);
	ok(same(old, of(SIGUSR1, 0)), "SIG_UNBLOCK took from the copy");
	set = of(SIGTERM, 0);
	errno = 0;
	ok(perfshim_mask_change(12345, &set, NULL) == -1 && errno == EINVAL,
	   "a bad how is refused with EINVAL");
	set = of(SIGHUP, SIGUSR2);
	perfshim_mask_change(SIG_SETMASK, &set, &old);
	ok(same(old, of(SIGUSR1, 0)), "SIG_SETMASK: the copy before it");

	perfshim_mask_hold(); /* not nested: changes nothing */
	perfshim_mask_release();
	ok(!perfshim_mask_held() && same(real_mask(), of(SIGHUP, SIGUSR2)),
	   "the release sets the copy as the thread's mask");
	ok(got == 1,
	   "the signal raised during the hold arrived at the release");
	ok(perfshim_mask_kept(&old) == -1, "no mask kept without a hold");
	perfshim_mask_release(); /* not held: nothing */
	ok(same(real_mask(), of(SIGHUP, SIGUSR2)),
	   "a release without a hold changes nothing");

	perfshim_mask_on_hold = on_hold;
	perfshim_mask_on_release = on_release;
	perfshim_mask_hold();
	int during = cancel_state();

	perfshim_mask_hold();
	perfshim_mask_release();
	perfshim_mask_release();
	ok(during == PTHREAD_CANCEL_DISABLE, "held: cancellation off");
	ok(cancel_state() == PTHREAD_CANCEL_ENABLE,
	   "released: cancellation as it was");
	ok(holds == 1 && releases == 1, "the hooks ran once each (%d, %d)",
	   holds, releases);
	return exit_status();
}
