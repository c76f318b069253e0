/*
 * seccomp_leak - turns on a seccomp filter that allows everything, then
 * loses LEAKED blocks of 1000 bytes. The shim's trace ends at seccomp
 * (its END says tracing stopped): a leak gate must not pass on it.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define LEAKED 100

static void *volatile sink;

int main(void)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K,
					    SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { 1, f };

	for (int i = 0; i < 1000; i++) {
		sink = malloc(64);
		free(sink);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 1;
	for (int i = 0; i < LEAKED; i++) {
		sink = malloc(1000);
		memset(sink, i, 1000);
	}
	sink = NULL;
	printf("leaked %d\n", LEAKED);
	return 0;
}
