#!/bin/sh
test_description='perfanalyze trend: bad input and usage get exit 2 and one line'
. "$(dirname "$0")/test-lib.sh"

# summary DIR NAME ALLOCS [LABEL] - a hand-made summary of one build.
summary () {
	if test -n "${4-}"
	then
		printf '{"label":{%s},"metrics":{"program":{"allocs":%s}}}\n' \
			"$4" "$3" >"$1/$2"
	else
		printf '{"metrics":{"program":{"allocs":%s}}}\n' "$3" >"$1/$2"
	fi
}

# fails2 WHAT ARGS... - perfanalyze ARGS exits 2 with one line on stderr
# that matches WHAT, and prints nothing on stdout.
fails2 () {
	fails2_w_=$1
	shift
	analyze_status e "$@" &&
	test_cmp_str "exit status of perfanalyze $*" 2 "$(cat e.code)" &&
	test_must_be_empty e.out &&
	test_line_count = 1 e.err &&
	grep "^perfanalyze: $fails2_w_" e.err
}

test_expect_success 'setup: 8 good summaries' '
	mkdir good &&
	for i in 1 2 3 4 5 6 7 8
	do
		summary good $i.json $((1000 + i)) "\"n\":\"$i\"" || return 1
	done &&
	analyze trend good >/dev/null
'

test_expect_success 'an empty directory: exit 2, one line' '
	mkdir empty &&
	fails2 "empty: no builds (summary \*.json, trace \*.zst or a directory of traces)\$" trend empty
'

test_expect_success 'a directory with no builds in it, only other files: the same' '
	mkdir other && echo hi >other/README && echo x >other/.hidden.json &&
	fails2 "other: no builds" trend other
'

test_expect_success 'no such directory; a file given as the directory' '
	fails2 "nosuch: cannot open the directory: No such file or directory\$" trend nosuch &&
	fails2 "good/1.json: cannot open the directory: Not a directory\$" trend good/1.json
'

test_expect_success 'a malformed summary among good ones: its name and what is wrong' '
	cp -r good bad1 && echo "{\"metrics\": {\"program\": {\"allocs\": 12" >bad1/5.json &&
	fails2 "bad1/5.json: not JSON: .* (line [0-9]*)\$" trend bad1 &&
	cp -r good bad2 && echo "{\"metrics\": {\"program\": {\"allocs\": \"many\"}}}" >bad2/5.json &&
	fails2 "bad2/5.json: metrics.program.allocs: not a number >= 0 or null\$" trend bad2 &&
	cp -r good bad3 && echo "{\"alloc_calls\": 12}" >bad3/5.json &&
	fails2 "bad3/5.json: not a perfanalyze summary (no \"metrics\" object" trend bad3
'

test_expect_success 'a trace that is not one, and an empty directory of runs' '
	cp -r good bad4 && echo "not a trace" >bad4/5.zst &&
	fails2 "bad4/5.zst: not a perfshim trace" trend bad4 &&
	cp -r good bad5 && mkdir bad5/9 &&
	fails2 "bad5/9: no traces (\*.zst)\$" trend bad5
'

test_expect_success 'fewer builds than the test can ever find significant: exit 2' '
	mkdir four && cp good/1.json good/2.json good/3.json good/4.json four/ &&
	fails2 "4 builds: a trend needs at least 5 at alpha 0.05" trend four &&
	cp good/5.json four/ && analyze trend four >/dev/null &&
	fails2 "5 builds: a trend needs at least 6 at alpha 0.01" trend four --alpha 0.01
'

test_expect_success '--x: 3 builds are enough; 2 are not' '
	mkdir x3 && cp good/1.json good/2.json good/3.json x3/ &&
	analyze trend x3 --x n >/dev/null &&
	rm x3/3.json &&
	fails2 "2 builds: a fit needs at least 3\$" trend x3 --x n
'

test_expect_success '--x: a build without the label, or not a number, or all the same' '
	cp -r good nolabel && summary nolabel 5.json 1005 &&
	fails2 "5.json: no label n (run it with PERFSHIM_LABEL=n=N)\$" trend nolabel --x n &&
	cp -r good nan && summary nan 5.json 1005 "\"n\":\"big\"" &&
	fails2 "5.json: label n is not a number above 0\$" trend nan --x n &&
	fails2 "1.json: no label m" trend good --x m &&
	mkdir same && for i in 1 2 3; do summary same $i.json $i "\"n\":\"7\"" || return 1; done &&
	fails2 "every build has the same n: nothing to fit against\$" trend same --x n
'

test_expect_success 'usage: no directory, two, bad values, unknown options' '
	fails2 "trend: no directory of builds given (see perfanalyze trend --help)\$" trend &&
	fails2 "trend reads one directory; extra argument .good. (see perfanalyze trend --help)\$" trend good good &&
	fails2 "--alpha takes a level above 0 and below 0.5, not .0.7. (see perfanalyze trend --help)\$" trend good --alpha 0.7 &&
	fails2 "--warn takes a percentage, not .x. (see perfanalyze trend --help)\$" trend good --warn x &&
	fails2 "--min-change takes a percentage, not .-1. (see perfanalyze trend --help)\$" trend good --min-change -1 &&
	fails2 "--x takes a label KEY, not .a=b." trend good --x a=b &&
	fails2 "unknown option .--leaks." trend good --leaks
'

test_expect_success 'trend --help: its own options, exit 0' '
	analyze trend --help >help &&
	grep "^usage: perfanalyze trend DIR" help &&
	grep "^  --fail-on-trend" help &&
	grep "^  --x KEY" help &&
	! grep "^  --leaks" help
'

test_done
