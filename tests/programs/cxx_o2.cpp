/*
 * cxx_o2 - C++ leaks from code built with -O2 (see the Makefile), where
 * whole call chains are inlined into one function: one return address
 * then stands for many frames (std::map's insertion, its constructor,
 * our own inlined helpers, and the function that holds them all).
 * Silent.
 *
 * Leaks: fill_table's map (its header and two nodes) and deep_table's
 * map, built through NDEEP + 1 levels of build<> inlined into deep_table.
 *
 * Every stack of these goes ... std::map ... > fill_table > main, or
 * ... std::map ... > build<0> > ... > build<NDEEP> > deep_table > main.
 */
#include <map>

#define NDEEP 16

std::map<int, int> *volatile kept;

template <int N> static inline __attribute__((always_inline)) void build()
{
	if constexpr (N == 0) {
		kept = new std::map<int, int>{ { 5, 6 }, { 7, 8 } };
	} else {
		build<N - 1>();
		__asm__ volatile("" ::: "memory"); /* no tail merging */
	}
}

__attribute__((noinline)) void fill_table()
{
	kept = new std::map<int, int>{ { 1, 2 }, { 3, 4 } };
	kept = nullptr;
}

__attribute__((noinline)) void deep_table()
{
	build<NDEEP>();
	kept = nullptr;
}

int main()
{
	fill_table();
	deep_table();
	return 0;
}
