#!/bin/sh

test_description='the shim changes neither output nor exit status; PERFSHIM_* variables'

. "$(dirname "$0")/test-lib.sh"

# same_as_native NAME ARGS... - exit_status ARGS prints and exits the same
# with and without the shim, and the traced run left one trace.
same_as_native () {
	same_n=$1
	shift
	mkdir "tr-$same_n" &&
	capture "$same_n.native" "$PROGS/exit_status" "$@" &&
	capture_traced "$same_n.shim" "tr-$same_n/t.%p.zst" "$PROGS/exit_status" "$@" &&
	test_same_run "$same_n.native" "$same_n.shim" &&
	only_trace "tr-$same_n" >/dev/null
}

test_expect_success 'exit(0): same stdout, stderr and status' '
	same_as_native exit0 exit 0 &&
	test_cmp_str status 0 "$(cat exit0.shim.code)" &&
	test_file_not_empty exit0.shim.out &&
	test_file_not_empty exit0.shim.err
'

test_expect_success 'exit(3): same stdout, stderr and status' '
	same_as_native exit3 exit 3 &&
	test_cmp_str status 3 "$(cat exit3.shim.code)"
'

test_expect_success 'exit(42): same stdout, stderr and status' '
	same_as_native exit42 exit 42 &&
	test_cmp_str status 42 "$(cat exit42.shim.code)"
'

test_expect_success 'return 5 from main: same output and status' '
	same_as_native ret5 return 5 &&
	test_cmp_str status 5 "$(cat ret5.shim.code)"
'

test_expect_success 'return 0 from main: same output and status' '
	same_as_native ret0 return 0
'

test_expect_success '_exit(7) from a helper: same status, unflushed stdio stays lost' '
	same_as_native uexit _exit 7 &&
	test_cmp_str status 7 "$(cat uexit.shim.code)" &&
	! grep "stays in the stdio buffer" uexit.shim.out &&
	grep "before _exit" uexit.shim.out
'

test_expect_success 'exit(9) from a second thread: same output and status' '
	same_as_native texit thread-exit 9 &&
	test_cmp_str status 9 "$(cat texit.shim.code)"
'

test_expect_success 'the traces of those runs are complete and analyze' '
	for d in tr-exit0 tr-exit3 tr-exit42 tr-ret5 tr-uexit tr-texit
	do
		t=$(only_trace $d) &&
		analyze "$t" >$d.summary 2>$d.warn &&
		analyze "$t" --leaks --json >$d.json &&
		jq -e . $d.json >/dev/null &&
		! grep "cut short" $d.warn || return 1
	done
'

test_expect_success 'the summaries say how each run ended, with its status' '
	for d in exit0:0 exit3:3 exit42:42 ret5:5 texit:9
	do
		ended_cleanly tr-${d%:*}.summary &&
		ended_line tr-${d%:*}.summary | grep -w "${d#*:}" || return 1
	done &&
	ended_line tr-uexit.summary | grep -w 7 &&
	ended_line tr-uexit.summary | grep _exit
'

test_expect_success 'stdin passes through (1 MB through a pipe)' '
	seq 1 150000 >input &&
	"$PROGS/exit_status" echo <input >echo.native &&
	run_traced echo.zst "$PROGS/exit_status" echo <input >echo.shim &&
	test_cmp input echo.native &&
	test_cmp echo.native echo.shim
'

test_expect_success 'the output goes to a terminal-less pipe the same way' '
	"$PROGS/exit_status" exit 0 2>&1 | cat >pipe.native &&
	run_traced pipe.zst "$PROGS/exit_status" exit 0 2>&1 | cat >pipe.shim &&
	test_cmp pipe.native pipe.shim
'

test_expect_success 'a program that closes every descriptor and reuses the numbers: its file is intact' '
	capture closefds.native "$PROGS/exit_status" closefds native.txt &&
	capture_traced closefds.shim closefds.zst "$PROGS/exit_status" closefds shim.txt &&
	test_same_run closefds.native closefds.shim &&
	test_cmp native.txt shim.txt
'

test_expect_success 'the trace of that program still analyzes (or is refused cleanly)' '
	analyze_status r closefds.zst --leaks &&
	case "$(cat r.code)" in 0 | 2) ;; *) false ;; esac
'

test_expect_success 'the shim leaks no descriptor into programs it execs' '
	capture fds.native "$PROGS/fork" exec-untraced "$PROGS/exit_status" fds &&
	capture_traced fds.shim fds.%p.zst "$PROGS/fork" exec-untraced "$PROGS/exit_status" fds &&
	test_same_run fds.native fds.shim
'

# odd_setting NAME VAR=VALUE - exit_status exit 3 with VAR=VALUE: stdout
# and status unchanged; stderr unchanged but for "perfshim: " lines.
odd_setting () {
	odd_n=$1
	capture odd.native "$PROGS/exit_status" exit 3 &&
	mkdir "$odd_n" &&
	(
		cd "$odd_n" &&
		capture ../$odd_n env LD_PRELOAD="$SHIM" "$2" \
			"$PROGS/exit_status" exit 3
	) &&
	test_same_result odd.native $odd_n &&
	sed -e "/^perfshim: /d" $odd_n.err >$odd_n.rest &&
	test_cmp odd.native.err $odd_n.rest
}

test_expect_success 'odd PERFSHIM_DEPTH values change nothing the program shows' '
	odd_setting depth0 PERFSHIM_DEPTH=0 &&
	odd_setting depthbig PERFSHIM_DEPTH=1000000 &&
	odd_setting depthneg PERFSHIM_DEPTH=-5 &&
	odd_setting depthabc PERFSHIM_DEPTH=abc
'

test_expect_success 'an empty PERFSHIM_OUTPUT changes nothing the program shows' '
	odd_setting emptyout PERFSHIM_OUTPUT=
'

test_expect_success 'PERFSHIM_DISABLE=0 does not disable' '
	odd_setting disable0 PERFSHIM_DISABLE=0 &&
	ls disable0 >disable0.ls &&
	test_line_count = 1 disable0.ls
'

test_expect_success 'PERFSHIM_OUTPUT unset: perfshim.PID.zst in the current directory' '
	mkdir default &&
	(
		cd default &&
		LD_PRELOAD=$SHIM "$PROGS/exit_status" pid >../pid.out
	) &&
	pid=$(cat pid.out) &&
	test_path_is_missing default/pid.out &&
	ls default >default.ls &&
	echo "perfshim.$pid.zst" >expect &&
	test_cmp expect default.ls
'

test_expect_success '%p in PERFSHIM_OUTPUT is the pid' '
	mkdir pidname &&
	run_traced pidname/run-%p.zst "$PROGS/exit_status" pid >pid.out &&
	pid=$(cat pid.out) &&
	ls pidname >pidname.ls &&
	echo "run-$pid.zst" >expect &&
	test_cmp expect pidname.ls
'

test_expect_success 'PERFSHIM_DISABLE=1: same output and status, no file written' '
	mkdir disabled &&
	capture exit3.native "$PROGS/exit_status" exit 3 &&
	(
		cd disabled &&
		PERFSHIM_DISABLE=1 &&
		export PERFSHIM_DISABLE &&
		capture ../dis1 env LD_PRELOAD="$SHIM" \
			PERFSHIM_OUTPUT=out.%p.zst "$PROGS/exit_status" exit 3 &&
		capture ../dis2 env LD_PRELOAD="$SHIM" "$PROGS/exit_status" exit 3
	) &&
	test_same_run exit3.native dis1 &&
	test_same_run exit3.native dis2 &&
	ls -A disabled >disabled.ls &&
	test_must_be_empty disabled.ls
'

test_expect_success 'unwritable PERFSHIM_OUTPUT: the program runs, one perfshim: line on stderr' '
	capture nodir.native "$PROGS/exit_status" exit 3 &&
	capture_traced nodir.shim "$TRASH_DIRECTORY/no/such/dir/t.%p.zst" \
		"$PROGS/exit_status" exit 3 &&
	test_same_result nodir.native nodir.shim &&
	grep -c "^perfshim: " nodir.shim.err >count &&
	echo 1 >expect &&
	test_cmp expect count &&
	sed -e "/^perfshim: /d" nodir.shim.err >nodir.shim.rest &&
	test_cmp nodir.native.err nodir.shim.rest &&
	test_path_is_missing no
'

test_expect_success 'unwritable PERFSHIM_OUTPUT with _exit: output and status unchanged' '
	capture nodir2.native "$PROGS/exit_status" _exit 7 &&
	capture_traced nodir2.shim /nonexistent-perfshim-dir/t.zst \
		"$PROGS/exit_status" _exit 7 &&
	test_same_result nodir2.native nodir2.shim &&
	test "$(grep -c "^perfshim: " nodir2.shim.err)" = 1
'

test_expect_success 'name clash: a second run takes NAME.1, the first is kept' '
	mkdir clash &&
	run_traced clash/fixed.zst "$PROGS/gate" alpha &&
	cp clash/fixed.zst first-copy.zst &&
	run_traced clash/fixed.zst "$PROGS/gate" beta &&
	ls clash >clash.ls &&
	printf "%s\n" fixed.zst fixed.zst.1 >expect &&
	test_cmp expect clash.ls &&
	cmp first-copy.zst clash/fixed.zst
'

test_expect_success 'name clash: 8 runs at once with one name get 8 files' '
	mkdir race &&
	for i in 1 2 3 4 5 6 7 8
	do
		run_traced race/same.zst "$PROGS/gate" alpha &
	done &&
	wait &&
	ls race >race.ls &&
	printf "%s\n" same.zst same.zst.1 same.zst.2 same.zst.3 same.zst.4 \
		same.zst.5 same.zst.6 same.zst.7 >expect &&
	test_cmp expect race.ls &&
	for t in race/*
	do
		leaks_json $t race.json &&
		check_leak race.json gate.c alpha 300 1 1 || return 1
	done
'

test_expect_success 'name clash: each file holds its own run' '
	leaks_json clash/fixed.zst first.json &&
	leaks_json clash/fixed.zst.1 second.json &&
	check_leak first.json gate.c alpha 300 1 &&
	check_leak first.json gate.c beta 0 0 &&
	check_leak second.json gate.c beta 200 2 &&
	check_leak second.json gate.c alpha 0 0
'

test_expect_success 'name clash: past 10,000 runs of one name, the next is traced too' '
	mkdir many &&
	(cd many && : >big.zst && seq 1 10000 | sed "s/^/big.zst./" | xargs touch) &&
	run_traced many/big.zst "$PROGS/gate" alpha 2>many.err &&
	test_must_be_empty many.err &&
	test -s many/big.zst.10001 &&
	leaks_json many/big.zst.10001 many.json &&
	check_leak many.json gate.c alpha 300 1 1
'

test_expect_success 'name clash: 40 runs one after another take NAME to NAME.39' '
	mkdir seq &&
	for i in $(seq 1 40)
	do
		run_traced seq/s.zst "$PROGS/gate" none || return 1
	done &&
	ls seq | sort >seq.ls &&
	{ echo s.zst; seq 1 39 | sed "s/^/s.zst./"; } | sort >expect &&
	test_cmp expect seq.ls
'

test_expect_success 'name clash: a third run takes NAME.2' '
	run_traced clash/fixed.zst "$PROGS/gate" none &&
	ls clash >clash.ls &&
	printf "%s\n" fixed.zst fixed.zst.1 fixed.zst.2 >expect &&
	test_cmp expect clash.ls &&
	cmp first-copy.zst clash/fixed.zst &&
	leaks_json clash/fixed.zst.2 third.json &&
	test_cmp_str "gate.c leaks of gate none" "0 0 0" "$(json_file_total third.json gate.c)"
'

test_done
