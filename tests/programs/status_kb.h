/*
 * status_kb.h - one field of /proc/self/status in KiB ("VmSize:",
 * "VmPeak:"), or -1: for the test programs that size an address-space
 * limit from what they take.
 */
#ifndef STATUS_KB_H
#define STATUS_KB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline long status_kb(const char *field)
{
	char line[256];
	long kb = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n))
			kb = atol(line + n);
	if (f)
		fclose(f);
	return kb;
}

#endif
