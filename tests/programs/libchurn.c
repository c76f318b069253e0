/* libchurn - a library that allocates and frees: dlopen_loop's FUNC. */
#include <stdlib.h>
#include <string.h>

void churn_once(void);

void churn_once(void)
{
	char *p = malloc(100);

	if (p)
		memset(p, 1, 100);
	free(p);
}
