/*
 * libnoreaddir - a directory that reads nothing: readdir() (and not
 * readdir64) fails with EIO, as coreutils' rm-readdir-fail test makes it
 * with a library preloaded after everything else. The shim's readdir()
 * went on to the C library's readdir64, past this one.
 */
#include <dirent.h>
#include <errno.h>

struct dirent *readdir(DIR *d)
{
	(void)d;
	errno = EIO;
	return 0;
}
