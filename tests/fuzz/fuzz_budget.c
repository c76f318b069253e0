/*
 * fuzz_budget.c - libFuzzer target: any bytes through the budget file
 * parser. Besides not crashing, what it returns must hold together: on
 * success every rule has its text, a line inside the input and a name
 * exactly when it has a scope; on failure nothing is left.
 */
#include <stdint.h>
#include <stdlib.h>

#include "budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct budget b;
	size_t lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	budget_init(&b);
	if (budget_parse(&b, (const char *)data, size, "fuzz")) {
		if (b.n || b.rule)
			abort();
		return 0;
	}
	for (size_t i = 0; i < b.n; i++) {
		const struct budget_rule *r = &b.rule[i];

		if (!r->text || !r->metric_name || !r->line ||
		    r->line > lines || !r->name != (r->scope == BUDGET_PROGRAM))
			abort();
	}
	budget_release(&b);
	return 0;
}
