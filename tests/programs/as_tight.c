/*
 * as_tight - a program that runs in little memory. `as_tight measure
 * FIELD` prints that field of /proc/self/status ("VmSize:", "VmData:") in
 * KiB (run it with the shim preloaded but disabled, to count the shim's
 * libraries); `as_tight run` allocates and
 * frees 1000 blocks of 1 KiB and keeps 10 of them, then prints "done".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status_kb.h"

static void *kept[10];

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "measure")) {
		long kb = status_kb(argv[2]);

		printf("%ld\n", kb);
		return kb < 0;
	}
	for (int i = 0; i < 1000; i++) {
		char *p = malloc(1024);

		if (!p) {
			printf("malloc failed at %d\n", i);
			return 1;
		}
		memset(p, i, 1024);
		if (i % 100 == 0)
			kept[i / 100] = p;
		else
			free(p);
	}
	printf("done\n");
	return 0;
}
