/*
 * env.h - the analyzer's settings read from the environment, each with
 * its default, and one warning when a value is not one.
 */
#ifndef PERFSHIM_ENV_H
#define PERFSHIM_ENV_H

#include <stdint.h>

/*
 * env_mib - the environment variable name, a size in MiB (decimal
 * digits), in bytes. def_mb when it is unset or empty; when it is no
 * such size (not a number, or past max_mb), def_mb after one warning
 * ("NAME: VALUE is not a size in MiB; DEF is used").
 */
uint64_t env_mib(const char *name, unsigned def_mb, uint64_t max_mb);

#endif
