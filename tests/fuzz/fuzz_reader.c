/* fuzz_reader.c - libFuzzer target: any bytes through the trace reader and replay. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reader.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_reader *r = trace_reader_open_mem(data, size, "fuzz");
	struct replay rp;
	struct trace_visitor v;

	if (!r)
		return 0;
	replay_init(&rp);
	replay_visitor(&rp, &v);
	trace_reader_run(r, &v);
	for (size_t i = 0; i < rp.nnodes; i++)
		(void)replay_node_module(&rp, (uint32_t)i);
	replay_release(&rp);
	trace_reader_free(r);
	return 0;
}
