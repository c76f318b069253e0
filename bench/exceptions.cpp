// exceptions - C++ exceptions thrown and caught in threads while others
// start and exit.
//
// usage: exceptions THROWERS EXCEPTIONS SPAWNS
//
// THROWERS threads each throw and catch EXCEPTIONS exceptions, every one
// through 1 to 4 noinline frames (a std::runtime_error whose message is
// longer than the small-string buffer, so it reaches the heap beside the
// exception object itself, which __cxa_allocate_exception takes from
// malloc).  Meanwhile the main thread starts and joins SPAWNS short-lived
// threads, one after the other, each allocating a little and exiting, so
// the unwinder's lookups (_Unwind_Find_FDE, dl_iterate_phdr or
// _dl_find_object) and thread start and exit overlap.  Deterministic:
// prints one checksum line per thrower, in thread order, and the spawned
// threads' total.  Frees everything: a clean run has no leaks.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace
{

struct Thrower {
	uint64_t rng;
	long count;
	uint64_t sum;
};

uint64_t xorshift(uint64_t &s)
{
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

struct Failure : std::runtime_error {
	uint64_t code;
	Failure(const std::string &what, uint64_t c)
		: std::runtime_error(what), code(c)
	{
	}
};

__attribute__((noinline)) void fail(int depth, uint64_t r)
{
	if (depth > 1) {
		fail(depth - 1, r * 31 + 7);
		// Keeps the call above from becoming a tail call.
		__asm__ volatile("" ::: "memory");
		return;
	}
	throw Failure("failure with a message longer than fifteen: " +
			      std::to_string(r % 1000),
		      r);
}

void *throw_loop(void *arg)
{
	auto *t = static_cast<Thrower *>(arg);

	for (long i = 0; i < t->count; i++) {
		uint64_t r = xorshift(t->rng);
		try {
			fail(1 + static_cast<int>(r % 4), r >> 8);
		} catch (const Failure &e) {
			t->sum += e.code + std::strlen(e.what());
		}
	}
	return nullptr;
}

void *short_lived(void *arg)
{
	auto *n = static_cast<long *>(arg);
	std::vector<long> v(static_cast<size_t>(*n % 64 + 1), *n);
	long s = 0;

	for (long x : v)
		s += x;
	*n = s;
	return nullptr;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 4) {
		std::fprintf(stderr, "usage: exceptions THROWERS EXCEPTIONS SPAWNS\n");
		return 2;
	}
	int nthrowers = std::atoi(argv[1]);
	long count = std::atol(argv[2]), spawns = std::atol(argv[3]);
	if (nthrowers < 1 || nthrowers > 64 || count < 0 || spawns < 0) {
		std::fprintf(stderr, "exceptions: bad arguments\n");
		return 2;
	}
	std::vector<Thrower> throwers(static_cast<size_t>(nthrowers));
	std::vector<pthread_t> ids(throwers.size());
	for (size_t i = 0; i < throwers.size(); i++) {
		throwers[i] = Thrower{0x9e3779b97f4a7c15ULL * (i + 1), count, 0};
		if (pthread_create(&ids[i], nullptr, throw_loop, &throwers[i])) {
			std::fprintf(stderr, "exceptions: pthread_create failed\n");
			return 1;
		}
	}
	long total = 0;
	for (long i = 0; i < spawns; i++) {
		long n = i;
		pthread_t id;
		if (pthread_create(&id, nullptr, short_lived, &n)) {
			std::fprintf(stderr, "exceptions: pthread_create failed\n");
			return 1;
		}
		pthread_join(id, nullptr);
		total += n;
	}
	for (size_t i = 0; i < throwers.size(); i++) {
		pthread_join(ids[i], nullptr);
		std::printf("thrower %zu: %ld exceptions, checksum %016llx\n", i,
			    throwers[i].count,
			    static_cast<unsigned long long>(throwers[i].sum));
	}
	std::printf("spawned %ld threads, total %ld\n", spawns, total);
	return 0;
}
