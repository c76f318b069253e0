#!/bin/sh

test_description='C++ in text: templates shortened, sites named after the user frame, lines that fit'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/cxx_growth.cpp (built -O2) grows by one
# std::map node per marker, inserted by remember() (LEAK:remember), with
# the map's insertion inlined into it from the C++ headers.
# cxx_o2.cpp leaks std::maps built inside fill_table() and build<0>.

SRC=cxx_growth.cpp

# max_columns FILE - the widest line of FILE, in characters ("…" is one).
max_columns () {
	sed -e "s/…/./g" -e "s/µ/u/g" "$1" | awk "{ if (length(\$0) > m) m = length(\$0) } END { print m + 0 }"
}

test_expect_success 'setup: trace the growing C++ program and the -O2 leaks' '
	run_traced grow.zst "$PROGS/cxx_growth" &&
	run_traced o2.zst "$PROGS/cxx_o2"
'

test_expect_success 'the growth site is named after remember(), not a std:: header frame' '
	line=$(leak_line $SRC remember) &&
	analyze grow.zst --growth >grow.txt &&
	grep "^100% of the growth: remember at .*$SRC:$line (48 B per marker, " grow.txt &&
	! grep "of the growth: std::" grow.txt
'

test_expect_success 'the stack under it shows the std:: frames, shortened' '
	grep "^    #[0-9]* *std::map<…>::operator\[\](int const&)  /usr/include/.*stl_map.h:[0-9]*  (inlined)  \[cxx_growth\]$" grow.txt &&
	grep "^    #[0-9]* *remember  .*$SRC:[0-9]*  \[cxx_growth\]$" grow.txt
'

test_expect_success 'the JSON keeps the full template names' '
	analyze grow.zst --growth --json >grow.json &&
	jq -r ".sites[0].stack[].function" grow.json >functions &&
	grep -F "std::map<int, long, std::less<int>, std::allocator<std::pair<int const, long> > >::operator[](int const&)" functions &&
	! grep -F "…" functions
'

test_expect_success 'leaks of -O2 C++: shortened in text, full in JSON' '
	analyze o2.zst --leaks >o2.txt &&
	grep -F "std::map<…>::map(std::initializer_list<…>, std::less<int> const&, std::allocator<…> const&)" o2.txt &&
	! grep -F "std::allocator<std::pair<int const, int> >" o2.txt &&
	analyze o2.zst --leaks --json >o2.json &&
	jq -r ".leaks[].stack[].function" o2.json >o2.functions &&
	grep -F "std::map<int, int, std::less<int>, std::allocator<std::pair<int const, int> > >::map(" o2.functions
'

test_expect_success 'user templates stay whole: build<0> ... build<16>' '
	grep "^    #[0-9]* *build<0>  .*cxx_o2.cpp:[0-9]*  (inlined)" o2.txt &&
	grep "^    #[0-9]* *build<16>  .*cxx_o2.cpp:[0-9]*  (inlined)" o2.txt
'

test_expect_success 'no text line is wider than 200 columns when stdout is no terminal' '
	for args in "--leaks" "--by bytes" "--growth" "--hotspots"
	do
		analyze o2.zst $args >r.txt &&
		test $(max_columns r.txt) -le 200 || return 1
	done &&
	analyze grow.zst --growth >r.txt &&
	test $(max_columns r.txt) -le 200
'

test_expect_success 'on a terminal of 80 columns, no line is wider than 80' '
	TERM=dumb script -qec "stty cols 80 rows 50; \"$ANALYZE\" o2.zst --leaks" /dev/null </dev/null >tty.txt &&
	tr -d "\r" <tty.txt >tty.clean &&
	grep "^Total: " tty.clean &&
	test $(max_columns tty.clean) -le 80 &&
	grep "^    #9  std::map<…>::map(std::initializer_l…  …tl_map.h:[0-9]*  (inlined)  \[cxx_o2\]\$" tty.clean &&
	grep "^    #10 build<0>  tests/programs/cxx_o2.cpp:[0-9]*  (inlined)  \[cxx_o2\]\$" tty.clean
'

test_done
