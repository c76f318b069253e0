/*
 * reach_cxx.cpp - C++ shapes for the reachability scan
 * (tests/t/t0220-reach-more.sh). memcheck's verdict on each (valgrind
 * --leak-check=full --show-leak-kinds=all, whose C++ heuristics are on
 * by default) is in its comment.
 *
 *   LEAK:newarr-kept   new Obj[10] kept in a global: the pointer is 8
 *                      bytes past the block's start (the count is
 *                      first): reachable (new[] heuristic), 88 bytes
 *   LEAK:newarr-lost   the same, dropped: definite, 88 bytes
 *   LEAK:str-kept      new std::string (32 bytes) kept in a global, and
 *   LEAK:str-buf       its 41-byte buffer (capacity 40 + NUL): reachable
 *   LEAK:vec-kept      new std::vector<int> (24 bytes) kept in a global,
 *   LEAK:vec-buf       and its 1000 ints (4000 bytes): reachable
 *   LEAK:str-lost      a new std::string dropped: the object definite,
 *   LEAK:str-lost-buf  its buffer indirect
 *   LEAK:mi            a Derived kept only as its second base (an
 *                      interior pointer to its vtable): reachable
 *                      (multiple-inheritance heuristic), 40 bytes
 *   CXX:global         std::string and std::vector globals: destroyed by
 *                      exit, nothing left
 */
#include <cstdlib>
#include <string>
#include <vector>

struct Obj {
	long v = 1;
	~Obj() { v = 0; }
};

struct A {
	virtual ~A() {}
	long a = 1;
};

struct B {
	virtual ~B() {}
	long b = 2;
};

struct Derived : A, B {
	long d = 3;
};

Obj *newarr_kept;
std::string *str_kept;
std::vector<int> *vec_kept;
B *mi_kept;
std::string global_str(100, 'g'); /* CXX:global */
std::vector<long> global_vec(100);
void *volatile sink;

__attribute__((noinline)) static Obj *make_array()
{
	return new Obj[10]; /* LEAK:newarr-kept */
}

__attribute__((noinline)) static Obj *make_array2()
{
	return new Obj[10]; /* LEAK:newarr-lost */
}

__attribute__((noinline)) static std::string *make_string(char c)
{
	std::string *s = new std::string(); /* LEAK:str-kept */
	s->assign(40, c); /* LEAK:str-buf */
	return s;
}

__attribute__((noinline)) static std::string *make_string2(char c)
{
	std::string *s = new std::string(); /* LEAK:str-lost */
	s->assign(40, c); /* LEAK:str-lost-buf */
	return s;
}

__attribute__((noinline)) static void make_vector()
{
	vec_kept = new std::vector<int>(); /* LEAK:vec-kept */
	vec_kept->resize(1000); /* LEAK:vec-buf */
}

__attribute__((noinline)) static void make_mi()
{
	mi_kept = new Derived(); /* LEAK:mi */
}

__attribute__((noinline)) static void scrub()
{
	volatile char junk[16384];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

int main()
{
	newarr_kept = make_array();
	sink = make_array2();
	sink = nullptr;
	str_kept = make_string('k');
	sink = make_string2('l');
	sink = nullptr;
	make_vector();
	make_mi();
	scrub();
	std::exit(0);
}
