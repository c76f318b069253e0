/*
 * reuse_far - blocks handed out again long after they were freed: more
 * than tcache's 7 of a size freed at once, so that the allocator gives
 * them back from its other bins, out of the order they were freed in
 * (the trace's recently-freed lists, include/perfshim_trace.h). Each
 * round allocates BATCH blocks of one size, frees them (in order, in
 * reverse, or every other one first), and allocates BATCH again. The
 * last round's blocks, LEAKED of them, are lost. It prints nothing.
 */
#include <stdlib.h>
#include <string.h>

#define BATCH 40
#define ROUNDS 60
#define LEAKED 23

static void *blocks[BATCH];
static void *volatile sink;

int main(void)
{
	static const size_t sizes[] = { 24, 40, 72, 200, 600, 1000, 3000 };

	for (int r = 0; r < ROUNDS; r++) {
		size_t size = sizes[r % 7];

		for (int i = 0; i < BATCH; i++)
			blocks[i] = malloc(size);
		for (int i = 0; i < BATCH; i++) {
			int j = r % 3 == 0 ? i
				: r % 3 == 1
					? BATCH - 1 - i
					: (2 * i) % BATCH + (2 * i) / BATCH;
			free(blocks[j]);
		}
		for (int i = 0; i < BATCH; i++)
			blocks[i] = malloc(size);
		for (int i = 0; i < BATCH; i++)
			free(blocks[(i * 7) % BATCH]);
	}
	for (int i = 0; i < LEAKED; i++) {
		sink = malloc(48);
		memset(sink, i, 48);
	}
	sink = NULL;
	return 0;
}
