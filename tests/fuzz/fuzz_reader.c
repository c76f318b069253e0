/* fuzz_reader.c - libFuzzer target: any bytes through reader, replay, verdicts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "reader.h"
#include "replay.h"
#include "tee.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_reader *r = trace_reader_open_mem(data, size, "fuzz");
	struct replay rp;
	struct classify c;
	struct trace_visitor v, cv;
	struct visitor_tee tee;

	if (!r)
		return 0;
	replay_init(&rp);
	replay_visitor(&rp, &v);
	classify_init(&c, r);
	classify_visitor(&c, &cv);
	visitor_tee_init(&tee);
	visitor_tee_add(&tee, &v);
	visitor_tee_add(&tee, &cv);
	trace_reader_run(r, &tee.out);
	for (size_t i = 0; i < rp.nnodes; i++)
		(void)replay_node_module(&rp, (uint32_t)i);
	for (size_t i = 0; i < rp.live_cap; i++)
		if (rp.live[i].addr)
			(void)classify_kind(&c, &rp.live[i]);
	classify_release(&c);
	replay_release(&rp);
	trace_reader_free(r);
	return 0;
}
