/*
 * listdir DIR - how many entries readdir() gives for DIR, and why it
 * stopped: "N entries, end" or "N entries, error: MESSAGE".
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	DIR *d = opendir(argc > 1 ? argv[1] : ".");
	int n = 0;

	if (!d)
		return 2;
	errno = 0;
	while (readdir(d))
		n++;
	if (errno)
		printf("%d entries, error: %s\n", n, strerror(errno));
	else
		printf("%d entries, end\n", n);
	closedir(d);
	return 0;
}
