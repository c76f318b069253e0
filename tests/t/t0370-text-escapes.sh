#!/bin/sh

test_description='text reports escape the control bytes a traced program chose'

. "$(dirname "$0")/test-lib.sh"

# Known truth: gate.c "none" ignores its other arguments, which the trace
# records as its command line. Text printed them raw: an ESC sequence
# reached the terminal (clear the screen, set its title) and a newline
# made a fake line. JSON escapes them its own way, and still does.

ESC=$(printf '\033')

# no_controls FILE - FILE holds no control byte but newline and tab.
no_controls () {
	if tr -d '\n\t' <"$1" | LC_ALL=C grep -q '[[:cntrl:]]'
	then
		echo >&2 "$1 holds control bytes:"
		cat -A "$1" >&2
		return 1
	fi
}

test_expect_success 'setup: a run whose command line has ESC, BEL and a newline' '
	run_traced t.zst "$PROGS/gate" none "${ESC}[31mRED${ESC}[0m" "$(printf "two\nlines\a")" &&
	cp t.zst u.zst
'

test_expect_success 'the summary escapes them, on one line' '
	analyze t.zst >sum.txt &&
	no_controls sum.txt &&
	grep "^command: .* \\\\x1b\[31mRED\\\\x1b\[0m two\\\\nlines\\\\x07\$" sum.txt &&
	! grep "^lines" sum.txt
'

test_expect_success 'JSON keeps them, escaped as JSON does' '
	analyze t.zst --json >sum.json &&
	test_cmp_str command "$(printf "%s" "${ESC}[31mRED${ESC}[0m")" \
		"$(jq -r ".command | split(\" \")[2]" sum.json)"
'

test_expect_success 'every text report and table holds no control byte' '
	analyze t.zst --leaks >leaks.txt &&
	analyze t.zst --hotspots >hot.txt &&
	analyze t.zst --flamegraph --metric bytes >flame.txt &&
	analyze diff t.zst u.zst >diff.txt &&
	echo "allocs <= 1e9" >b.txt &&
	analyze t.zst --budget b.txt >budget.txt &&
	for f in leaks hot flame diff budget
	do
		no_controls $f.txt || return 1
	done
'

test_done
