/* demo-leaky.c - a small program with known leaks, traced by `make demo`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
	char *user;
	char buf[240];
};

/* Leaks: the session is dropped but never freed (248 bytes each). */
static __attribute__((noinline)) struct session *open_session(const char *user)
{
	struct session *s = malloc(sizeof(*s));

	s->user = strdup(user); /* and so is the copy of the name */
	return s;
}

static __attribute__((noinline)) void handle(int i)
{
	char *scratch = malloc(1024); /* freed: not a leak */

	snprintf(scratch, 1024, "request %d", i);
	if (i % 10 == 0)
		open_session("guest");
	free(scratch);
}

int main(void)
{
	char *config = calloc(1, 4096); /* kept to the end and freed */

	for (int i = 0; i < 100; i++)
		handle(i);
	free(config);
	printf("demo: handled 100 requests\n");
	return 0;
}
