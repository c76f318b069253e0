/* env.c - settings from the environment (see env.h). */
#include <errno.h>
#include <stdlib.h>

#include "env.h"
#include "error.h"

uint64_t env_mib(const char *name, unsigned def_mb, uint64_t max_mb)
{
	const char *v = getenv(name);
	unsigned long long mb;
	char *end;

	if (!v || !*v)
		return (uint64_t)def_mb << 20;
	errno = 0;
	mb = strtoull(v, &end, 10);
	if (errno || *end || mb > max_mb) {
		warning("%s: %s is not a size in MiB; %u is used", name, v,
			def_mb);
		return (uint64_t)def_mb << 20;
	}
	return (uint64_t)mb << 20;
}
