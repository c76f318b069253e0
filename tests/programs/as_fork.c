/*
 * as_fork - a fork under an address-space limit that leaves the child
 * 64 KiB: the program sets RLIMIT_AS to its VmSize plus that, then forks.
 * The child frees and allocates within the heap it has, forks in turn (the
 * grandchild prints "grandchild done"), waits and prints "child done";
 * the parent waits for it and prints "parent done". Natively all three
 * succeed; under the shim the child has no room to be traced in, and its
 * own fork must not wait for anything the parent's shim held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status_kb.h"

static void *volatile sink;

int main(void)
{
	void *blocks[100];
	int status;

	for (int i = 0; i < 100; i++)
		blocks[i] = malloc(100);
	long kb = status_kb("VmSize:");
	struct rlimit rl = { (rlim_t)(kb + 64) * 1024, RLIM_INFINITY };

	if (kb < 0 || setrlimit(RLIMIT_AS, &rl))
		return 2;
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		for (int i = 0; i < 100; i++) {
			free(blocks[i]);
			sink = malloc(100);
			free(sink);
		}
		fflush(stdout);
		pid_t g = fork();

		if (g == 0) {
			printf("grandchild done\n");
			return 0;
		}
		if (g < 0 || waitpid(g, &status, 0) != g)
			return 4;
		printf("child done, grandchild %d\n", WEXITSTATUS(status));
		return 0;
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 3;
	printf("parent done, child %d\n", WEXITSTATUS(status));
	for (int i = 0; i < 100; i++)
		free(blocks[i]);
	return 0;
}
