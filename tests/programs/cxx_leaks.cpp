/*
 * cxx_leaks - C++ leaks through operator new / new[]. Silent.
 *
 *   LEAK:array   new int[10] in make_widget(int): 40 bytes, 1 block
 *   LEAK:foo     new Foo in ns::Factory::make_foo(): sizeof(Foo) = 52
 *                bytes, 1 block
 *   LEAK:string  new std::string(30 chars) in make_string(): the
 *                std::string object (32 bytes) and its heap buffer
 *                (31 bytes) - 63 bytes in 2 blocks, both from this line
 *   LEAK:cookie  new Bar[3] in ns::Cls::method(): Bar has a destructor,
 *                so the array carries an 8-byte count cookie:
 *                3 * 16 + 8 = 56 bytes, 1 block
 * Vectors, maps, strings and exceptions that are destroyed, and global
 * objects whose destructors free their heap memory at exit: no leak.
 */
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#define NOINLINE __attribute__((noinline))

struct Foo {
	char data[48];
	int x;
};
static_assert(sizeof(Foo) == 52, "Foo must be 52 bytes");

struct Bar {
	long a, b;
	~Bar() { a = b = 0; }
};
static_assert(sizeof(Bar) == 16, "Bar must be 16 bytes");
static_assert(sizeof(std::string) == 32, "the C++11 ABI std::string");

namespace ns {
class Factory {
public:
	NOINLINE Foo *make_foo();
};

Foo *Factory::make_foo()
{
	return new Foo(); /* LEAK:foo */
}

class Cls {
public:
	NOINLINE Bar *method();
};

Bar *Cls::method()
{
	return new Bar[3]; /* LEAK:cookie */
}
} // namespace ns

/* Globals with heap memory, freed by their destructors after main. */
std::vector<int> g_vector(1000, 7); /* CXX:global-vector */
static std::string g_string(100, 'g'); /* CXX:global-string */
static std::map<int, std::string> g_map = { { 1, std::string(50, 'm') } }; /* CXX:global-map */

NOINLINE int *make_widget(int n)
{
	return new int[n]; /* LEAK:array */
}

NOINLINE std::string *make_string()
{
	return new std::string("perfshim-cxx-heap-buffer-test!"); /* LEAK:string */
}

NOINLINE static int no_leaks(int n)
{
	std::vector<int> v;
	std::map<int, std::string> m;
	int sum = 0;

	for (int i = 0; i < n; i++) {
		v.push_back(i);
		m[i] = std::string(static_cast<size_t>(i % 40), 'x');
	}
	try {
		throw std::runtime_error("a message long enough to need the heap");
	} catch (const std::exception &e) {
		sum += static_cast<int>(e.what()[0]);
	}
	std::unique_ptr<Foo> owned(new Foo());
	owned->x = n;
	for (int x : v)
		sum += x;
	return sum + owned->x + static_cast<int>(m.size());
}

int main()
{
	volatile int sink = no_leaks(1000);
	int *a = make_widget(10);
	ns::Factory f;
	Foo *foo = f.make_foo();
	std::string *s = make_string();
	ns::Cls c;
	Bar *bars = c.method();

	a[0] = 1;
	foo->x = 2;
	bars[0].a = 3;
	sink = sink + static_cast<int>(s->size()) + g_vector[3] +
	       static_cast<int>(g_string.size() + g_map.size());
	(void)sink;
	return no_leaks(10) > 0 ? 0 : 1;
}
