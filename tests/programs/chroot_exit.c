/*
 * chroot_exit DIR - leaks 123 bytes, chroots into DIR (an empty
 * directory: no /proc there) and exits 0; prints "chrooted", or "no
 * chroot" when the call fails (not root) and then exits 1.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *volatile keep;

int main(int argc, char **argv)
{
	char *lost = malloc(123);

	lost[0] = 1;
	lost = NULL;
	keep = malloc(10);
	if (argc < 2 || chroot(argv[1]) || chdir("/")) {
		printf("no chroot\n");
		return 1;
	}
	printf("chrooted\n");
	return 0;
}
