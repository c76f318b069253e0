/* libchurn - a library that allocates and frees, or burns CPU time:
 * dlopen_loop's FUNC. */
#include <stdlib.h>
#include <string.h>

void churn_once(void);
void spin_cpu(void);

/* About 300 ms of CPU time, no allocation: only samples see it. */
void spin_cpu(void)
{
	volatile unsigned long x = 0;

	for (unsigned long i = 0; i < 300000000ul; i++)
		x += i;
}

void churn_once(void)
{
	char *p = malloc(100);

	if (p)
		memset(p, 1, 100);
	free(p);
}
