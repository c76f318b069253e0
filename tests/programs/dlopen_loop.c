/*
 * dlopen_loop LIB N [FUNC [keep]] - dlopen LIB, call its FUNC (void
 * FUNC(void)) if named, dlclose it; N times. After cycles 200, 1000, 2000,
 * 4000 and the last it prints "cycle C rss KB data KB" (VmRSS, VmData): how much
 * memory the loop costs per cycle. With keep: no dlclose, and the end is
 * an _exit(0) (no destructors).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void report(int cycle)
{
	char line[256];
	long rss = -1, data = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			rss = atol(line + 6);
		else if (!strncmp(line, "VmData:", 7))
			data = atol(line + 7);
	}
	fclose(f);
	printf("cycle %d rss %ld data %ld\n", cycle, rss, data);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 1; i <= n; i++) {
		void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		void (*fn)(void);

		if (!h) {
			fprintf(stderr, "dlopen_loop: %s\n", dlerror());
			return 2;
		}
		if (argc > 3) {
			*(void **)&fn = dlsym(h, argv[3]);
			if (!fn) {
				fprintf(stderr, "dlopen_loop: %s\n", dlerror());
				return 2;
			}
			fn();
		}
		if (argc > 4 && !strcmp(argv[4], "keep"))
			_exit(0);
		dlclose(h);
		if (i == 200 || i == 1000 || i == 2000 || i == 4000 || i == n)
			report(i);
	}
	return 0;
}
