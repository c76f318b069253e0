#!/bin/sh

test_description='stacks of C++ built with -O2: no frame lost where calls are inlined'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/cxx_o2.cpp (built with -O2). One return
# address in fill_table stands for std::map's insertion, its constructor
# and fill_table itself; in deep_table, for that and 17 levels of build<>
# as well. Every frame must be there, the function holding the inlined
# ones included, in the default mode and with PERFSHIM_UNWIND=dwarf.

for mode in libunwind dwarf
do
	test_expect_success "$mode: fill_table's map, std::map > fill_table > main" '
		PERFSHIM_UNWIND=$mode capture_traced $mode $mode.zst \
			"$PROGS/cxx_o2" &&
		test_cmp_str "$mode status" 0 "$(cat $mode.code)" &&
		leaks_json $mode.zst $mode.json &&
		jq -c "[.leaks[] | [.stack[].function]
			| select(index(\"fill_table()\"))]" $mode.json >fill &&
		jq -e "length == 3 and all(.[];
			.[-1] == \"main\" and .[-2] == \"fill_table()\")" fill &&
		jq -e "[.[] | select(length > 3)] | length == 2 and all(.[];
			.[-3] | test(\"^std::map<int, int.*::map\\\\(\"))" fill
	'

	test_expect_success "$mode: deep_table's map, through all 17 build<> frames" '
		jq -c "[.leaks[] | [.stack[].function]
			| select(index(\"deep_table()\"))]" $mode.json >deep &&
		jq -e "length >= 2 and all(.[]; .[-1] == \"main\" and
			.[-2] == \"deep_table()\" and
			.[-19:-2] == [range(17) | \"build<\(.)>\"])" deep &&
		jq -e "[.[] | select(any(.[]; test(\"^std::map<int, int.*::map\\\\(\")))]
			| length >= 1" deep
	'
done

test_done
