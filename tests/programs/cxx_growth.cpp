/*
 * cxx_growth - C++ built with -O2 (see the Makefile) whose memory grows:
 * remember() adds one node to a std::map per iteration, and the map's
 * insertion (std::map::operator[], std::_Rb_tree, std::__new_allocator)
 * is inlined into it or lives in the program's module from the C++
 * headers. The growth site is remember() (LEAK:remember), not a frame
 * of those headers. Silent.
 *
 *   cxx_growth [N]   N iterations (default 200), 1 ms apart, each one a
 *                    marker "iteration" and one node of 48 bytes
 *                    (std::map<int, long>: header 32 + key and value 16).
 */
#include <map>
#include <stdlib.h>
#include <time.h>

#include "perfshim.h"

static std::map<int, long> *table;

__attribute__((noinline)) static void remember(int i)
{
	(*table)[i] = i; /* LEAK:remember */
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	struct timespec ms = { 0, 1000000 };

	table = new std::map<int, long>;
	for (int i = 0; i < n; i++) {
		remember(i);
		perfshim_mark("iteration");
		nanosleep(&ms, NULL);
	}
	return 0;
}
