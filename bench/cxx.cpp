// cxx - C++ container churn benchmark: vector, string, map, unordered_map.
//
// usage: cxx ROUNDS
//
// Each round builds a small "index": words made of std::string (some
// longer than the small-string buffer, so they reach the heap), an
// std::map from word to a std::vector of positions, an std::unordered_map
// counting words, a sorted std::vector copy, and then tears it all down.
// Every allocation goes through operator new, as in ordinary C++ code.
// Deterministic (fixed-seed xorshift); prints one checksum line.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace
{

struct Rng {
	uint64_t s;
	uint64_t next()
	{
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		return s;
	}
};

std::string make_word(Rng &rng)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
	uint64_t r = rng.next();
	// 2..40 characters: both short-string-optimized and heap strings.
	size_t len = 2 + r % 39;
	std::string w;
	for (size_t i = 0; i < len; i++) {
		w += letters[r % 26];
		r = r * 6364136223846793005ull + 1442695040888963407ull;
	}
	return w;
}

uint64_t round_once(Rng &rng, int words)
{
	std::vector<std::string> text;
	std::map<std::string, std::vector<int>> where;
	std::unordered_map<std::string, int> count;
	uint64_t sum = 0;

	for (int i = 0; i < words; i++) {
		// A small vocabulary so map and unordered_map entries repeat.
		if (rng.next() % 4 == 0 || text.empty())
			text.push_back(make_word(rng));
		else
			text.push_back(text[rng.next() % text.size()]);
	}
	for (int i = 0; i < (int)text.size(); i++) {
		where[text[i]].push_back(i);
		count[text[i]]++;
	}
	std::vector<std::string> sorted(text);
	std::sort(sorted.begin(), sorted.end());
	sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
	for (const auto &w : sorted) {
		std::string key = w + ":" + std::to_string(count[w]);
		sum += key.size() * 31 + where[w].size();
	}
	for (auto it = where.begin(); it != where.end();) {
		if (it->second.size() % 2)
			it = where.erase(it);
		else
			++it;
	}
	return sum + where.size() + count.size();
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: cxx ROUNDS\n");
		return 2;
	}
	long rounds = std::atol(argv[1]);
	if (rounds < 1) {
		std::fprintf(stderr, "cxx: bad arguments\n");
		return 2;
	}
	Rng rng{ 0x2545f4914f6cdd1dull };
	uint64_t sum = 0;
	for (long r = 0; r < rounds; r++)
		sum += round_once(rng, 2000);
	std::printf("cxx: %ld rounds, checksum %llu\n", rounds,
		    (unsigned long long)sum);
	return 0;
}
