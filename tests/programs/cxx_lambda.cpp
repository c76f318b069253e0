// cxx_lambda - allocation sites in C++ lambdas, whose names hold a '#'.
// main's first lambda, main::{lambda(int)#1}::operator()(int) const,
// allocates 7 blocks of 100 bytes; its second,
// main::{lambda()#2}::operator()() const, one of 64 bytes. All are freed.
#include <cstdlib>

static void *volatile sink;

int main()
{
	auto churn = [](int n) {
		for (int i = 0; i < n; i++) {
			void *p = std::malloc(100);

			sink = p;
			std::free(p);
		}
	};
	auto once = []() { sink = std::malloc(64); };

	churn(7);
	once();
	std::free(sink);
	return 0;
}
