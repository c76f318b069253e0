// runtime_cxx.cpp - C++ hello world: nothing of its own left unfreed.
#include <iostream>
#include <string>
#include <vector>

int main()
{
	std::vector<std::string> words{ "hello", "from", "c++" };
	for (const auto &w : words)
		std::cout << w << ' ';
	std::cout << std::endl;
	return 0;
}
