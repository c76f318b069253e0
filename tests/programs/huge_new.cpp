/*
 * huge_new GIB - new char[GIB GiB], one byte of it written, then dropped:
 * a block of that size lost, one page of it resident. Prints "dropped".
 * Needs an operator new that can hand out so much (libownnew with
 * OWNNEW_ARENA_GB above GIB: reserved, never committed).
 */
#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
	size_t gib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
	char *volatile p = new char[gib << 30];

	p[0] = 1;
	p = nullptr;
	std::printf("dropped\n");
	return 0;
}
