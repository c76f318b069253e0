// instr_cxx - built with -finstrument-functions: C++ exceptions through
// instrumented frames. catcher() calls mid() -> thrower(), which throws;
// catcher() catches and calls after(). 10 rounds: after()'s path must be
// main;catcher;after (10 calls), never under mid or thrower.
#include <cstdio>
#include <stdexcept>

void thrower(int i);
void mid(int i);
void after();
void catcher(int i);

static volatile int count;

void thrower(int i)
{
	if (i >= 0)
		throw std::runtime_error("boom");
}

void mid(int i)
{
	thrower(i);
	count++;
}

void after()
{
	count++;
}

void catcher(int i)
{
	try {
		mid(i);
	} catch (const std::exception &) {
		count += 2;
	}
	after();
}

int main()
{
	for (int i = 0; i < 10; i++)
		catcher(i);
	std::printf("count = %d\n", count);
	return 0;
}
