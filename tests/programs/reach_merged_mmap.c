/*
 * reach_merged_mmap - a pointer held in the program's own anonymous
 * mmap, which the kernel merged into one mapping with a chunk that
 * glibc mapped for a large malloc. Known truth: the block at REACH:mine
 * is reachable (from the program's mapping), the one at LEAK:lost is
 * lost (definite), and the large block is reachable from a global.
 * Prints "merged" when the two mappings are one in /proc/self/maps (the
 * case under test), else "apart".
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *volatile big;
void *volatile lost;

static int one_mapping(uintptr_t lo, uintptr_t hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *end;
		uintptr_t a = strtoull(line, &end, 16);
		uintptr_t b = strtoull(end + 1, NULL, 16);

		if (a <= lo && b >= hi)
			found = 1;
	}
	if (f)
		fclose(f);
	return found;
}

int main(void)
{
	big = malloc(1 << 20); /* past the mmap threshold: its own chunk */
	uintptr_t chunk = (uintptr_t)big - 16;
	size_t len = ((1 << 20) + 16 + 4095) & ~4095ul;
	void **mine =
		mmap((void *)(chunk + len), 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (mine == MAP_FAILED) {
		mine = mmap((void *)(chunk - 4096), 4096,
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			    -1, 0);
		if (mine == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
	}
	memset(big, 1, 4096);
	mine[0] = malloc(100); /* REACH:mine */
	memset(mine[0], 2, 100);
	lost = malloc(48); /* LEAK:lost */
	lost = NULL;
	uintptr_t m = (uintptr_t)mine;
	uintptr_t lo = m < chunk ? m : chunk;
	uintptr_t hi = m < chunk ? chunk + len : m + 4096;

	puts(one_mapping(lo, hi) ? "merged" : "apart");
	return 0;
}
