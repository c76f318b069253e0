#!/bin/sh

test_description='growth: sites from the growth itself; a rise and fall is no growth'

. "$(dirname "$0")/test-lib.sh"

# Known truth: tests/programs/growth_shape.c (see its header comment).
# Each case runs GROWTH_RUNS times (default 5): the same verdict every
# time.
SRC=growth_shape.c
RUNS=${GROWTH_RUNS:-5}
PROG=$PROGS/growth_shape

# shape_runs NAME ARGS... - trace growth_shape ARGS $RUNS times, each
# analyzed to NAME.I.json.
shape_runs () {
	sr_name_=$1
	shift
	sr_i_=1
	while test $sr_i_ -le $RUNS
	do
		rm -f "$sr_name_.$sr_i_.zst" &&
		run_traced "$sr_name_.$sr_i_.zst" "$PROG" "$@" &&
		analyze "$sr_name_.$sr_i_.zst" --growth --json >"$sr_name_.$sr_i_.json" ||
		return 1
		sr_i_=$((sr_i_ + 1))
	done
}

# every_run NAME JQ - JQ holds for every run's JSON.
every_run () {
	er_i_=1
	while test $er_i_ -le $RUNS
	do
		if ! jq -e --argjson l "$(leak_line $SRC kept)" "$JQ_DEFS$2" "$1.$er_i_.json" >/dev/null
		then
			echo >&2 "run $er_i_ of $1: not $2"
			jq -c . "$1.$er_i_.json" >&2
			return 1
		fi
		er_i_=$((er_i_ + 1))
	done
}

test_expect_success 'no markers, all freed at exit: GROWING, and the leaking line is the site' '
	shape_runs exitfree exitfree nomark &&
	every_run exitfree ".heap_verdict == \"GROWING\" and .points_by == \"time window\"" &&
	every_run exitfree ".sites[0] as \$s | (\$s | progframe(\"$SRC\")) as \$f
		| \$f.line == \$l and \$f.function == \"keep\" and \$s.share > 0.9
		  and \$s.bytes > 9000 and \$s.bytes <= 14400"
'

test_expect_success 'markers, all freed after the last one: GROWING, the same site, 48 bytes per marker' '
	shape_runs mexitfree exitfree &&
	every_run mexitfree ".heap_verdict == \"GROWING\" and .slope == 48" &&
	every_run mexitfree ".sites[0] as \$s | (\$s | progframe(\"$SRC\")).line == \$l
		and \$s.slope == 48 and \$s.bytes == 11280"
'

test_expect_success 'no markers: a heap that rises and falls back is STABLE, saying so' '
	shape_runs risefall risefall nomark &&
	every_run risefall ".heap_verdict == \"STABLE\" and
		(.reason | test(\"^it rose and fell back: up to [0-9.]+ [KMG]?i?B at point [0-9]+ of 32, then down to [0-9.]+ [KMG]?i?B at the end\$\"))
		and .sites == []"
'

test_expect_success 'markers: a heap that rises and falls back is STABLE, saying so' '
	shape_runs mrisefall risefall &&
	every_run mrisefall ".heap_verdict == \"STABLE\" and
		.reason == \"it rose and fell back: up to 507.8 KiB at point 200 of 240, then down to 0 B at the end\""
'

test_expect_success 'the text report says it too' '
	analyze mrisefall.1.zst --growth >rf.txt &&
	grep "^heap: STABLE: " rf.txt &&
	grep "it rose and fell back: up to 507.8 KiB at point 200 of 240" rf.txt
'

test_done
