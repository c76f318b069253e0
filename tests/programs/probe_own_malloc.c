/*
 * probe_own_malloc - a program with its own malloc (a bump allocator over
 * a static arena), as programs that link an allocator statically have.
 * Its malloc comes before the shim's in the lookup order, so the shim
 * would see no allocation: it must leave the process as it is (same
 * output, same status) rather than write a trace that saw nothing.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static _Alignas(16) unsigned char arena[1 << 20];
static size_t used;
static unsigned long calls;

void *malloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(arena) - used)
		return NULL;
	used += n;
	calls++;
	return arena + used - n;
}

void free(void *p)
{
	(void)p;
}

void *calloc(size_t k, size_t n)
{
	if (n && k > (size_t)-1 / n)
		return NULL;
	void *p = malloc(k * n);

	if (p)
		memset(p, 0, k * n);
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p = malloc(n);

	if (p && old)
		memcpy(p, old, n); /* the arena is one block: reading on is safe */
	return p;
}

int main(void)
{
	char *s = malloc(32);

	strcpy(s, "own malloc");
	printf("%s: %s\n", s, calls ? "used" : "not used");
	return 3;
}
