#!/bin/sh

test_description='--html: one self-contained page whose document holds the same numbers as the JSON reports'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/growth.c "leak": leak_one leaks 48 bytes per
# iteration (LEAK:steady), 300 iterations: 14400 bytes in 300 blocks,
# GROWING at 48 bytes per marker. The page itself is checked in a browser
# by make test-browser (tests/browser/).

# data HTML - the report document embedded in HTML.
data () {
	perl -0ne 'print $1 if /<script type="application\/json" id="perfshim-data">(.*?)<\/script>/s' "$1"
}

test_expect_success 'setup: trace a steady leak; write its report' '
	capture_traced run g.zst "$PROGS/growth" leak 300 &&
	test_cmp_str status 0 "$(cat run.code)" &&
	analyze g.zst --html -o g.html 2>html.err &&
	data g.html >doc.json &&
	jq -e .perfshim_report doc.json >/dev/null
'

test_expect_success 'the page is self-contained: no script, style or link from outside' '
	head -n 1 g.html | grep "^<!DOCTYPE html>" &&
	! grep -i "<script[^>]*src=" g.html &&
	! grep -i "<link" g.html &&
	! grep -i "@import\|url(http" g.html &&
	grep "Content-Security-Policy" g.html &&
	grep "uPlot" g.html
'

test_expect_success 'the document holds the leak with its kind and stack (known truth)' '
	test_cmp_str leak "definite 14400 300 leak_one" \
		"$(jq -r ".leaks.leaks[] | select(.stack[0].function == \"leak_one\") | \"\(.kind) \(.bytes) \(.blocks) \(.stack[0].function)\"" doc.json)" &&
	test_cmp_str verdict "GROWING 48" "$(jq -r "\"\(.growth.verdict) \(.growth.slope)\"" doc.json)" &&
	test_cmp_str markers 300 "$(jq ".timeline.points | length" doc.json)"
'

test_expect_success 'each part is what the matching JSON report says' '
	analyze g.zst --json >summary.json &&
	analyze g.zst --leaks --json >leaks.json &&
	analyze g.zst --hotspots --json >hot.json &&
	analyze g.zst --by bytes --json >sites.json &&
	analyze g.zst --growth --json >growth.json &&
	analyze g.zst --timeline --json >timeline.json &&
	for p in summary:summary leaks:leaks hot:hotspots sites:sites \
		growth:growth timeline:timeline
	do
		jq -S . "${p%%:*}.json" >want.${p%%:*} &&
		jq -S ".${p#*:}" doc.json >got.${p%%:*} &&
		test_cmp want.${p%%:*} got.${p%%:*} || return 1
	done
'

test_expect_success 'one collapsed-stack flame graph per metric, as --flamegraph writes it' '
	for m in cpu:cpu allocations:allocs bytes:bytes leaked:leaked
	do
		analyze g.zst --flamegraph --metric ${m#*:} >want.$m &&
		jq -j ".flame[\"${m%%:*}\"]" doc.json >got.$m &&
		{ ! test -s got.$m || printf "\n" >>got.$m; } &&
		test_cmp want.$m got.$m || return 1
	done &&
	grep "leak_one 14400" want.leaked:leaked
'

test_expect_success 'text that says </script> cannot end the data early' '
	capture_traced run2 s.zst "$PROGS/growth" leak 20 "1000" "</script><b>x" &&
	analyze s.zst --html -o s.html 2>/dev/null &&
	test_cmp_str scripts 3 "$(grep -o "</script>" s.html | wc -l)" &&
	data s.html | jq -e ".summary.command | test(\"</script><b>x\")"
'

test_expect_success 'a trace with no samples and no leaks: a page, and notes on stderr' '
	capture_traced run3 t.zst /bin/true &&
	analyze t.zst --html -o t.html 2>t.err &&
	grep "note: t.zst: no leaks to report" t.err &&
	data t.html | jq -e ".leaks.leaks == []"
'

test_expect_success 'without -o the page goes to standard output' '
	analyze g.zst --html >out.html 2>/dev/null &&
	test_cmp g.html out.html
'

test_expect_success '-o without --html, or an unwritable file: exit 2' '
	test_expect_code 2 analyze g.zst -o x.html 2>err &&
	grep "add --html" err &&
	test_expect_code 2 analyze g.zst --html -o no/such/dir/x.html 2>err &&
	grep "cannot write no/such/dir/x.html" err
'

test_expect_success 'the page takes the leak options and growth tuning, as the reports do' '
	analyze g.zst --html --min-bytes 20000 --marker iteration \
		--warmup 10 -o m.html 2>/dev/null &&
	data m.html >m.json &&
	test_cmp_str leaks 0 "$(jq ".leaks.leaks | length" m.json)" &&
	analyze g.zst --growth --json --marker iteration --warmup 10 >g10.json &&
	jq -S . g10.json >want.g10 &&
	jq -S .growth m.json >got.g10 &&
	test_cmp want.g10 got.g10 &&
	test_cmp_str excluded 10 "$(jq .growth.excluded.points m.json)"
'

test_expect_success 'an empty trace: a note for each part it lacks' '
	grep "note: t.zst: no CPU samples; the CPU flame graph is empty" t.err &&
	grep "note: t.zst: no heap or RSS points; the timeline is empty" t.err &&
	data t.html | jq -e ".flame.cpu == \"\" and (.timeline.points == [])"
'

test_expect_success '--html with another report, a gate or --export: exit 2, no file' '
	for o in --leaks --fail-on-leak --hotspots "--by bytes" --flamegraph \
		--growth --fail-on-growth --timeline --json "--top 3" \
		"--export pprof"
	do
		test_expect_code 2 analyze g.zst --html $o -o bad.html \
			2>err || return 1
		test_path_is_missing bad.html || return 1
	done
'

test_expect_success 'a marker not in the trace, a pipe, a full disk: exit 2' '
	test_expect_code 2 analyze g.zst --html --marker nosuch -o x.html \
		2>err &&
	grep "no marker .nosuch." err &&
	cat g.zst | test_expect_code 2 analyze /dev/stdin --html -o y.html \
		2>err &&
	grep "may read the trace twice" err &&
	test_expect_code 2 analyze g.zst --html -o /dev/full 2>err &&
	grep "No space left on device" err
'

test_done
