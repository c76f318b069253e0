/*
 * instr - built with -finstrument-functions: known call counts and times
 * for the exact-timing hooks.
 *
 *   nap()        sleeps 20 ms per call: called 5 times from main directly
 *                and 3 times from parent(): 8 calls, 160 ms.
 *   parent()     sleeps 10 ms itself (self time), then calls nap():
 *                3 calls, 90 ms inclusive, 30 ms self.
 *   tick()       does nothing, called 1000 times from count_loop() (once).
 *   fib(n)       recursive: fib(10) makes 177 calls.
 *   thread_fn()  the start routine of 2 threads, each calling tick() 500
 *                times: path thread_fn;tick, 1000 calls (tick: 2000 in
 *                all); written when the threads exit.
 *   jumper()     10 times: deep1() -> deep2() -> longjmp back to jumper,
 *                which then calls after_jump(): its path must stay
 *                main;jumper;after_jump (10 calls), not under deep2.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <time.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void nap(void);
void parent(void);
void tick(void);
void count_loop(void);
int fib(int n);
void deep1(void);
void deep2(void);
void after_jump(void);
void jumper(void);
void *thread_fn(void *arg);

static _Atomic int ticks;
static jmp_buf jb;

void nap(void)
{
	sleep_ms(20);
}

void parent(void)
{
	sleep_ms(10);
	nap();
}

void tick(void)
{
	ticks++;
}

void count_loop(void)
{
	for (int i = 0; i < 1000; i++)
		tick();
}

int fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

void deep2(void)
{
	longjmp(jb, 1);
}

void deep1(void)
{
	deep2();
}

void after_jump(void)
{
	ticks++;
}

void jumper(void)
{
	if (!setjmp(jb))
		deep1();
	after_jump();
}

void *thread_fn(void *arg)
{
	for (int i = 0; i < 500; i++)
		tick();
	return arg;
}

int main(void)
{
	pthread_t th[2];

	for (int i = 0; i < 5; i++)
		nap();
	for (int i = 0; i < 3; i++)
		parent();
	count_loop();
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, thread_fn, NULL))
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("fib(10) = %d\n", fib(10));
	for (int i = 0; i < 10; i++)
		jumper();
	printf("ticks = %d\n", ticks);
	return 0;
}
